/**
 * npm run insight -- rebuild [--here]   recompute the 数据看板's rollups (facts, day/month buckets, geo grid) from the reports
 *
 * The database is found as the server finds it (src/db/scriptDatabase.ts): MONGODB_URI, else the embedded
 * one under DATA_DIR (default `<repo>/.data`, database `suishenpai`) — the running server's, or one started
 * here when no server runs.
 * The rollups have one writer. When a server's writer is alive (heartbeat within a minute) it is asked to
 * rebuild and this command waits for it; otherwise the rebuild runs here. On an embedded database started
 * here no server can be running, so it always runs here. `--here` skips asking (for a heartbeat a writer
 * that has just stopped left behind, on MONGODB_URI).
 */
import mongoose from 'mongoose';
import { connectDatabase } from '../src/db/connect';
import { openScriptDatabase } from '../src/db/scriptDatabase';
import { databaseConfigOrExit } from './databaseConfig';
import { createRollupWriter, rebuildDoneSince, requestRebuild, writerAlive } from '../src/insight/rollupWriter';
import { createLogger } from '../src/log';
import { createReportRepository } from '../src/reports/reportRepository';

type Result = { reports: number; buckets: number; ms: number; phases?: Record<string, number> };

async function main() {
  const [command, ...flags] = process.argv.slice(2);
  if (command !== 'rebuild' || flags.some((f) => f !== '--here')) {
    console.error('usage: npm run insight -- rebuild [--here]');
    process.exit(2);
  }
  const config = databaseConfigOrExit();
  const database = await openScriptDatabase(config, (l) => console.error(l));
  console.error(
    database.source === 'uri' ? 'database: MONGODB_URI' : database.source === 'running' ? `database: the running server's embedded database (${config.DATA_DIR})` : `database: the embedded database in ${config.DATA_DIR} (no server running on it)`,
  );
  await connectDatabase(database.uri, database.dbName);
  const log = createLogger('warn', (l) => process.stderr.write(l + '\n'));
  let result: Result | null = null;
  if (database.source !== 'started' && !flags.includes('--here') && (await writerAlive(60_000))) {
    const at = await requestRebuild();
    console.error('a server is maintaining the rollups: asked it to rebuild, waiting…');
    // Its scan picks the request up (every INSIGHT_SCAN_MS); a writer that stopped meanwhile never will.
    const giveUpAt = Date.now() + Math.max(120_000, 3 * config.INSIGHT_SCAN_MS);
    while (!result) {
      await new Promise((r) => setTimeout(r, 1000));
      result = await rebuildDoneSince(at);
      if (!result && Date.now() > giveUpAt && !(await writerAlive(60_000))) {
        console.error('the server\'s rollup writer stopped answering (no heartbeat for a minute); run `npm run insight -- rebuild --here` once no server runs');
        process.exitCode = 1;
        break;
      }
    }
  } else {
    const writer = createRollupWriter({ repo: createReportRepository(), log, announce: null, rebuildParallel: config.INSIGHT_REBUILD_PARALLEL });
    result = await writer.rebuild();
  }
  if (result) console.log(JSON.stringify({ rebuilt: true, ...result, seconds: Number((result.ms / 1000).toFixed(1)) }));
  await mongoose.disconnect();
  await database.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
