/**
 * NutUI's Table sorts on a header click only when the column's `sorter` is a comparison function (or 'default',
 * which sorts the rows as strings); `sorter: true` only calls `onSort`, which no page passes, so those headers
 * drew a sort arrow and did nothing, for a mouse as for a keyboard. This turns `sorter: true` into a comparison
 * of the column's own field (`key`). NutUI sorts the rows it holds (this page of results) and a second click
 * restores their order.
 */
export function withSorters<C extends { key: string; sorter?: unknown }>(columns: C[]): C[] {
  return columns.map((c) => (c.sorter === true ? { ...c, sorter: byField(c.key) } : c));
}

/** Numbers as numbers; text (ticket numbers, ISO times, names) in Chinese order with digits compared as numbers; empty last. */
export function byField(key: string) {
  return (a: object, b: object): number => {
    const x = (a as Record<string, unknown>)[key];
    const y = (b as Record<string, unknown>)[key];
    const empty = (v: unknown) => v === null || v === undefined || v === '';
    if (empty(x) || empty(y)) return empty(x) === empty(y) ? 0 : empty(x) ? 1 : -1;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x).localeCompare(String(y), 'zh-Hans-CN', { numeric: true });
  };
}
