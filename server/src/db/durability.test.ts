/**
 * What the embedded database promises about committed writes, after FerretDB patch 0014 (tools/ferretdb/README.md):
 *  - SQLite runs with `synchronous=NORMAL` in WAL mode: a commit is written to the WAL file before FerretDB
 *    answers, and synced to the disk only at checkpoints. So an acknowledged write must survive the death of
 *    the database process (SIGKILL, a crash, the OOM killer): the next start replays the WAL.
 *  - WAL checkpoints run in the background, so that no client's write pays for one; the WAL must still be
 *    kept small by them (a commit checkpoints only past 10,000 pages, ~40 MB, now).
 * Each test runs its own FerretDB (the patched build), so it can kill it.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import mongoose from 'mongoose';
import { startFerretDbBuild } from './embeddedDatabase';

// Runs only where the tests run on FerretDB (the other engines are not built here).
const onFerret = !process.env.TEST_DATABASE_ENGINE || process.env.TEST_DATABASE_ENGINE === 'ferretdb';
const maybe = onFerret ? test.serial : test.serial.skip;

const dirs: string[] = [];
test.after.always(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const scratch = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'ssp-durability-'));
  dirs.push(d);
  return d;
};

async function gone(pid: number) {
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`process ${pid} still alive after SIGKILL`);
}

maybe('every acknowledged insert and update survives a SIGKILL of the database process right after its answer', async (t) => {
  t.timeout(120_000);
  const dir = scratch();
  const first = await startFerretDbBuild('patched', dir);
  const client = new mongoose.mongo.MongoClient(first.uri);
  await client.connect();
  const c = client.db('durability').collection<{ _id: string; n?: number; i?: number }>('acked');
  await c.createIndex({ i: 1 });
  await c.insertOne({ _id: 'counter', n: 0 });
  // One command per write, each acknowledged before the next: inserts, and $inc on one document.
  for (let i = 0; i < 300; i++) {
    await c.insertOne({ _id: `d${i}`, i });
    await c.updateOne({ _id: 'counter' }, { $inc: { n: 1 } });
  }
  // Killed at once after the last answer: no clean shutdown, no checkpoint of what is left in the WAL.
  process.kill(first.pid!, 'SIGKILL');
  await gone(first.pid!);
  await client.close(true).catch(() => {});

  const second = await startFerretDbBuild('patched', dir);
  const again = new mongoose.mongo.MongoClient(second.uri);
  try {
    await again.connect();
    const d = again.db('durability').collection<{ _id: string; n?: number; i?: number }>('acked');
    t.is(await d.countDocuments({ i: { $gte: 0 } }), 300, 'every acknowledged insert is there');
    t.is((await d.findOne({ _id: 'counter' }))?.n, 300, 'every acknowledged $inc is there');
    t.truthy(await d.findOne({ _id: 'd299' }), 'the last one too');
  } finally {
    await again.close();
    await second.stop();
  }
});

maybe('committed writes reach the database file in the background, with no further write to trigger a checkpoint', async (t) => {
  t.timeout(60_000);
  const dir = scratch();
  const db = await startFerretDbBuild('patched', dir);
  const client = new mongoose.mongo.MongoClient(db.uri);
  try {
    await client.connect();
    const c = client.db('walcopy').collection<{ _id: number; body: string }>('docs');
    const file = path.join(dir, 'walcopy.sqlite');
    await c.insertOne({ _id: -1, body: '' });
    const before = statSync(file).size;
    // 100 commits of 16 KB: ~500 WAL pages, fewer than a commit checkpoints at (SQLite's default 1,000, or
    // the 10,000 that pool/uri.go sets now), so only the background loop copies them into the database file.
    const body = 'x'.repeat(16 * 1024);
    for (let i = 0; i < 100; i++) await c.insertOne({ _id: i, body });
    let after = before;
    for (let tries = 0; tries < 30 && after - before < 1.6e6; tries++) {
      await new Promise((r) => setTimeout(r, 100));
      after = statSync(file).size;
    }
    t.true(after - before >= 1.6e6, `the database file grew by the 1.6 MB written (${before} → ${after} bytes)`);
  } finally {
    await client.close();
    await db.stop();
  }
});

maybe('the WAL stays bounded while a client writes without pause', async (t) => {
  t.timeout(180_000);
  const dir = scratch();
  const db = await startFerretDbBuild('patched', dir);
  const client = new mongoose.mongo.MongoClient(db.uri);
  try {
    await client.connect();
    const c = client.db('walsize').collection<{ _id: number; body: string }>('docs');
    // 3,000 commits of a 16 KB document each: ~20,000 WAL pages (~85 MB) if nothing checkpointed them.
    const body = 'x'.repeat(16 * 1024);
    let largest = 0;
    const wal = path.join(dir, 'walsize.sqlite-wal');
    for (let i = 0; i < 3000; i++) {
      await c.insertOne({ _id: i, body });
      if (i % 100 === 99) largest = Math.max(largest, statSync(wal).size);
    }
    t.log(`largest WAL seen: ${(largest / 1e6).toFixed(1)} MB`);
    t.true(largest > 0, 'the database writes through a WAL');
    // The bound is wal_autocheckpoint (10,000 pages of 4 KiB, 41 MB), plus the commits made while the commit
    // that crossed it found the background loop holding the checkpoint (it then leaves it to the next commit).
    t.true(largest < 64e6, `the WAL stayed under 64 MB (largest ${(largest / 1e6).toFixed(1)} MB)`);
    t.is(await c.countDocuments({}), 3000);
  } finally {
    await client.close();
    await db.stop();
  }
});
