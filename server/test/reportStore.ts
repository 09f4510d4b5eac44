// Tests may reach the stored reports directly (the lint rule allows server/test/): to set up states the
// API cannot reach quickly (a ticket 25 hours old, a deadline in the past) and to check what was stored.
import { Report, SubmitKey, type ReportDoc } from '../src/reports/reportModel';

/** Sets raw fields of a stored report, bypassing the state machine and mongoose (so `createdAt` can be back-dated). */
export function setReportFields(id: string, set: Record<string, unknown>): Promise<unknown> {
  return Report.collection.updateOne({ _id: id } as never, { $set: set });
}

export function storedReport(id: string): Promise<ReportDoc | null> {
  return Report.findById(id).lean<ReportDoc>().exec();
}

export function countReports(filter: Record<string, unknown>): Promise<number> {
  return Report.countDocuments(filter).exec();
}

export async function insertSubmitKeys(rows: { _id: string; reportId: string; requestHash: string; at: Date }[]): Promise<void> {
  await SubmitKey.create(rows);
}

export async function submitKeyIds(): Promise<string[]> {
  return (await SubmitKey.find({}, { _id: 1 }).lean<{ _id: string }[]>()).map((d) => d._id);
}

/** Benchmarks: documents straight into the collection, without the API or mongoose's validation. */
export async function insertRawReports(docs: Record<string, unknown>[]): Promise<void> {
  await Report.collection.insertMany(docs as never[], { ordered: false });
}
