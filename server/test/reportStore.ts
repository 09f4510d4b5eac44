// Tests may reach the stored reports directly (the lint rule allows server/test/): to set up states the
// API cannot reach quickly (a ticket 25 hours old, a deadline in the past) and to check what was stored.
import { DeliveryOutbox, Migration, Report, SubmitKey, type DeliveryDoc, type ReportDoc } from '../src/reports/reportModel';

/** Sets raw fields of a stored report, bypassing the state machine and mongoose (so `createdAt` can be back-dated). */
export function setReportFields(id: string, set: Record<string, unknown>): Promise<unknown> {
  return Report.collection.updateOne({ _id: id } as never, { $set: set });
}

/** Removes raw fields of a stored report (a document as stored before the field existed). */
export function unsetReportFields(id: string, fields: string[]): Promise<unknown> {
  return Report.collection.updateOne({ _id: id } as never, { $unset: Object.fromEntries(fields.map((f) => [f, ''])) });
}

/** The stored report with its delivery state from the outbox collection as `delivery` (as the repository shows it). */
export async function storedReport(id: string): Promise<ReportDoc | null> {
  const doc = await Report.findById(id).lean<ReportDoc>().exec();
  const outbox = await DeliveryOutbox.findById(id).lean<DeliveryDoc>().exec();
  if (!doc || !outbox) return doc;
  const { _id: _outboxId, createdAt: _filed, ...delivery } = outbox;
  return { ...doc, delivery } as ReportDoc;
}

/** The outbox document of a report, as stored. */
export function storedDelivery(id: string): Promise<DeliveryDoc | null> {
  return DeliveryOutbox.findById(id).lean<DeliveryDoc>().exec();
}

export function countDeliveries(filter: Record<string, unknown>): Promise<number> {
  return DeliveryOutbox.countDocuments(filter).exec();
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

/** Stores reports as they are, straight into the collection (insight tests and the benchmark seed history this way). */
export async function insertRawReports(docs: Record<string, unknown>[]): Promise<void> {
  if (docs.length) await Report.collection.insertMany(docs as never[], { ordered: false });
}

/** Stores outbox documents as they are (a delivery whose report is missing, for instance). */
export async function insertRawDeliveries(docs: Record<string, unknown>[]): Promise<void> {
  if (docs.length) await DeliveryOutbox.collection.insertMany(docs as never[]);
}

/** Sets raw fields of an outbox document (what another instance's outcome would write, for instance). */
export function setDeliveryFields(id: string, set: Record<string, unknown>): Promise<unknown> {
  return DeliveryOutbox.collection.updateOne({ _id: id } as never, { $set: set });
}

export async function removeDeliveries(ids: string[]): Promise<void> {
  await DeliveryOutbox.deleteMany({ _id: { $in: ids } });
}

/** The report as stored, without the outbox merged in. */
export function rawReport(id: string): Promise<Record<string, unknown> | null> {
  return Report.collection.findOne({ _id: id as never });
}

/** Whether a one-time migration's marker is stored (reportModel's `Migration`). */
export async function migrationDone(id: string): Promise<boolean> {
  return Boolean(await Migration.exists({ _id: id }));
}

/** Removes a one-time migration's marker (to run it again on purpose). */
export async function forgetMigration(id: string): Promise<void> {
  await Migration.deleteOne({ _id: id });
}

/** The delivery outbox's indexes as reportModel declares them (a test builds them on a collection of its own). */
export function outboxIndexKeys(): Record<string, 1 | -1>[] {
  return DeliveryOutbox.schema.indexes().map(([key]) => key as Record<string, 1 | -1>);
}
