import type { UpdateQuery } from 'mongoose';
import { whereStill } from '../db/dialect';
import { Report } from './reportModel';

/**
 * Serialises this process's writes to one report.
 *
 * FerretDB v1.24 applies an update by reading the document and writing it
 * back whole, without isolation: of 40 concurrent `$push`es to one document
 * only 8 survived, of 40 `$set`s on different fields 17 (measured). Writes
 * to a report come from several places at once (staff moves, the dispatcher,
 * the effects worker, joins), so each goes through here and they apply one
 * after another. On MongoDB this costs nothing that matters; across several
 * instances on FerretDB it cannot help — run MongoDB there.
 */
const chains = new Map<string, Promise<unknown>>();

export function serializeWrites<T>(reportId: string, write: () => Promise<T>): Promise<T> {
  const previous = chains.get(reportId) ?? Promise.resolve();
  const next = previous.catch(() => {}).then(write);
  chains.set(reportId, next);
  void next
    .catch(() => {})
    .finally(() => {
      if (chains.get(reportId) === next) chains.delete(reportId);
    });
  return next;
}

/** One update of one report, in turn with this process's other writes to it. `filter` narrows it on MongoDB only (see whereStill). */
export function updateReport(reportId: string, update: UpdateQuery<unknown>, filter: Record<string, unknown> = {}): Promise<unknown> {
  return serializeWrites(reportId, () => Report.updateOne(whereStill(reportId, filter), update));
}

const valueAt = (doc: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | null)?.[k], doc);

/**
 * Updates the report only while each dotted path in `expected` still holds
 * that value: a compare-and-set. On MongoDB the condition is in the filter;
 * on FerretDB (which can only filter by `_id` cheaply, and not atomically
 * anyway) it is re-read under the report's write lock. True when it changed.
 */
export function updateReportIf(reportId: string, expected: Record<string, unknown>, update: UpdateQuery<unknown>): Promise<boolean> {
  return serializeWrites(reportId, async () => {
    const current = await Report.findById(reportId, Object.fromEntries(Object.keys(expected).map((k) => [k, 1]))).lean();
    if (!current || Object.entries(expected).some(([path, value]) => valueAt(current, path) !== value)) return false;
    const res = await Report.updateOne(whereStill(reportId, expected), update);
    return res.modifiedCount === 1;
  });
}
