import type mongoose from 'mongoose';

/**
 * Which server we talk to. The code path is the same on MongoDB and on our
 * FerretDB build; only db/ asks, for what is still specific to the embedded
 * database (expiry.ts: no TTL indexes on FerretDB v1.24) and for diagnostics.
 * A lint zone keeps it inside db/.
 */
let ferretDb = false;

export async function detectDialect(db: mongoose.mongo.Db): Promise<void> {
  const info = await db.admin().command({ buildInfo: 1 });
  // FerretDB answers buildInfo with MongoDB's fields plus its own (`ferretdbVersion`, `ferretdbFeatures` in v1.24).
  ferretDb = Object.keys(info).some((k) => k.startsWith('ferretdb'));
}

export function isFerretDb(): boolean {
  return ferretDb;
}
