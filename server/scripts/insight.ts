/**
 * npm run insight -- rebuild    recompute the 数据看板's rollups (facts, day/month buckets, geo grid) from the reports
 *
 * Uses MONGODB_URI (or, unset, the embedded database in DATA_DIR — only while the server is not running).
 * The rollups have one writer: when a server's writer is alive (heartbeat within a minute) it is asked to
 * rebuild and this command waits for it; otherwise the rebuild runs here.
 */
import path from 'node:path';
import mongoose from 'mongoose';
import { connectDatabase } from '../src/db/connect';
import { startEmbeddedDatabase } from '../src/db/embeddedDatabase';
import { createRollupWriter, rebuildDoneSince, requestRebuild, writerAlive } from '../src/insight/rollupWriter';
import { createLogger } from '../src/log';
import { createReportRepository } from '../src/reports/reportRepository';

async function main() {
  const [command] = process.argv.slice(2);
  if (command !== 'rebuild') {
    console.error('usage: npm run insight -- rebuild');
    process.exit(2);
  }
  let uri = process.env.MONGODB_URI;
  let stop = async () => {};
  if (!uri) {
    const db = await startEmbeddedDatabase({ dataDir: path.resolve(process.env.DATA_DIR ?? './.data') });
    uri = db.uri;
    stop = db.stop;
  }
  await connectDatabase(uri);
  const log = createLogger('warn', (l) => process.stderr.write(l + '\n'));
  let result: { reports: number; buckets: number; ms: number; phases?: Record<string, number> } | null;
  if (await writerAlive(60_000)) {
    const at = await requestRebuild();
    console.error('a server is maintaining the rollups: asked it to rebuild, waiting…');
    for (;;) {
      await new Promise((r) => setTimeout(r, 2000));
      result = await rebuildDoneSince(at);
      if (result) break;
    }
  } else {
    const parallel = process.env.INSIGHT_REBUILD_PARALLEL ? Number(process.env.INSIGHT_REBUILD_PARALLEL) : undefined;
    const writer = createRollupWriter({ repo: createReportRepository(), log, announce: null, rebuildParallel: parallel });
    result = await writer.rebuild();
  }
  console.log(JSON.stringify({ rebuilt: true, ...result, seconds: Number((result!.ms / 1000).toFixed(1)) }));
  await mongoose.disconnect();
  await stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
