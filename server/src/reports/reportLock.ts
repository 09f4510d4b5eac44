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
