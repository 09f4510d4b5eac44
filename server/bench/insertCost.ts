/**
 * The database's CPU per report insert, for comparing FerretDB builds (issue 8, patch 0016): starts the given
 * build on an empty directory, creates the reports collection's indexes (from the Report model), and inserts
 * report documents built by the submit path's own code shape, 20 per `insert` command as the group commit sends
 * them under load; prints FerretDB's CPU (/proc) per inserted report.
 *   node --import=tsx bench/insertCost.ts [FERRETDB_BIN]   INSERT_COST_REPORTS (default 4000)
 * Builds alternated in one shell loop compare fairly on a shared machine: CPU per insert hardly depends on load.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { startEmbeddedDatabase } from '../src/db/embeddedDatabase';
import '../src/reports/reportRepository'; // registers the Report model (only the repository may import it)
import { cpuSeconds, databasePid } from './cpu';

const N = Number(process.env.INSERT_COST_REPORTS ?? 4000);
if (process.argv[2]) process.env.FERRETDB_BIN = process.argv[2];
const dir = mkdtempSync(path.join(os.tmpdir(), 'ssp-insertcost-'));
const db = await startEmbeddedDatabase({ dataDir: dir });
await mongoose.connect(db.uri, { dbName: 'insertcost' });
await mongoose.model('Report').createIndexes();
const coll = mongoose.connection.db!.collection('reports');
const now = new Date();
const doc = (i: number) => ({
  _id: `${String(i).padStart(8, '0')}${'a1b2c3d4e5f6a7b8'}`,
  ticketNo: `SSP20261130${String(i).padStart(6, '0')}`,
  citizenId: new mongoose.Types.ObjectId(),
  idempotencyKey: `${String(i).padStart(8, '0')}-1111-4111-8111-111111111111`,
  requestHash: 'f'.repeat(64),
  kind: 'complaint',
  status: 'submitted',
  description: '人民广场地铁站2号口旁边的窨井盖松动，走上去会晃，晚上看不清很危险，请尽快处理。',
  citizenCategory: null,
  category: { code: 'road.manhole', name: '窨井盖', parentCode: 'road', parentName: '道路' },
  classification: { top3: [{ code: 'road.manhole', name: '窨井盖', parentCode: 'road', parentName: '道路', confidence: 0.91 }, { code: 'road.surface', name: '路面', parentCode: 'road', parentName: '道路', confidence: 0.05 }, { code: 'traffic.signal', name: '信号灯', parentCode: 'traffic', parentName: '交通', confidence: 0.01 }], confidence: 0.91, modelVersion: 'm1', taxonomyVersion: 3, urgent: true, urgency: 'urgent', urgentReasons: ['危险'] },
  triage: { state: 'auto', reason: null, resolvedAt: null, resolvedBy: null },
  urgent: true,
  urgency: 'urgent',
  urgentReasons: ['危险'],
  location: { lat: 31.2304, lng: 121.4737, coordSystem: 'gcj02', accuracy: 15, address: '黄浦区人民大道' },
  point: { lat: 31.2304, lng: 121.4737 },
  district: { code: '310101', name: '黄浦区' },
  needsManualRouting: false,
  mediaIds: [],
  contactPhone: '13812345678',
  anonymous: false,
  zone: null,
  timeline: [{ at: now, status: 'submitted', actor: 'citizen', message: '诉求已提交，工单号 SSP20261130000001，将转交黄浦区相关部门处理' }],
  createdAt: now,
  updatedAt: now,
});
const pid = databasePid()!;
// A warm-up batch, then the measured ones.
await mongoose.connection.db!.command({ insert: 'reports', documents: Array.from({ length: 20 }, (_, i) => doc(N + i)) });
const before = cpuSeconds(pid)!;
const t0 = performance.now();
for (let i = 0; i < N; i += 20) await coll.insertMany(Array.from({ length: 20 }, (_, j) => doc(i + j)) as never[], { ordered: false });
const cpu = cpuSeconds(pid)! - before;
console.log(`${path.basename(process.env.FERRETDB_BIN ?? 'default')}: ${N} report inserts, 20 per command: FerretDB ${((cpu * 1000) / N).toFixed(3)} ms CPU per report, ${((performance.now() - t0) / N).toFixed(2)} ms wall`);
await mongoose.disconnect();
await db.stop();
rmSync(dir, { recursive: true, force: true });
