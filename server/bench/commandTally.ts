/**
 * Counts what the rollup writer asks of the database (issue 11: where its work per report goes), from the
 * driver's command monitoring (the connection needs `monitorCommands=true`). Per command kind and collection
 * (`insight_*` only: the writer's; the submits write `reports` and `outbox`): commands, statements or
 * documents, bytes sent (BSON size of the command: the embedded database converts every value it receives),
 * bytes read back, and wall time (sum and longest: a write command is one or a few SQLite write transactions,
 * and while one runs the submits' writes wait).
 */
import mongoose from 'mongoose';

const { BSON } = mongoose.mongo;
type MongoClient = mongoose.mongo.MongoClient;

interface Row {
  commands: number;
  /** statements of an update/delete, documents of an insert, 1 for a read */
  items: number;
  bytesOut: number;
  bytesIn: number;
  msSum: number;
  msMax: number;
}

export function tallyCommands(client: MongoClient) {
  let rows = new Map<string, Row>();
  const pending = new Map<number, string>();
  const size = (o: unknown) => {
    try {
      return BSON.calculateObjectSize(o as Record<string, unknown>);
    } catch {
      return 0;
    }
  };
  client.on('commandStarted', (e) => {
    const cmd = e.command as Record<string, any>;
    const coll = String(cmd[e.commandName]);
    if (!coll.startsWith('insight_')) return;
    const key = `${e.commandName} ${coll}`;
    const items = e.commandName === 'insert' ? cmd.documents.length : e.commandName === 'update' ? cmd.updates.length : e.commandName === 'delete' ? cmd.deletes.length : 1;
    const r = rows.get(key) ?? { commands: 0, items: 0, bytesOut: 0, bytesIn: 0, msSum: 0, msMax: 0 };
    rows.set(key, r);
    r.commands++;
    r.items += items;
    r.bytesOut += size(cmd);
    pending.set(e.requestId, key);
  });
  const done = (e: { requestId: number; duration: number; reply?: unknown }) => {
    const key = pending.get(e.requestId);
    if (!key) return;
    pending.delete(e.requestId);
    const r = rows.get(key);
    if (!r) return;
    r.msSum += e.duration;
    r.msMax = Math.max(r.msMax, e.duration);
    if (e.reply) r.bytesIn += size(e.reply);
  };
  client.on('commandSucceeded', done);
  client.on('commandFailed', done);
  return {
    reset() {
      rows = new Map();
    },
    /** per kind: totals, and per report where `reports` is given */
    summary(reports?: number) {
      const per = (n: number) => (reports ? Math.round((n / reports) * 1000) / 1000 : undefined);
      const out: Record<string, unknown> = {};
      let writeMs = 0;
      let writeMax = 0;
      for (const [k, r] of [...rows].sort()) {
        out[k] = { commands: r.commands, items: r.items, kbOut: Math.round(r.bytesOut / 1024), kbIn: Math.round(r.bytesIn / 1024), msSum: Math.round(r.msSum), msMax: Math.round(r.msMax), ...(reports ? { itemsPerReport: per(r.items) } : {}) };
        if (!k.startsWith('find') && !k.startsWith('aggregate')) {
          writeMs += r.msSum;
          writeMax = Math.max(writeMax, r.msMax);
        }
      }
      return { byCommand: out, writeMsSum: Math.round(writeMs), writeMsMax: Math.round(writeMax) };
    },
  };
}
