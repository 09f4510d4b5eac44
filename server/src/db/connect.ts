import mongoose from 'mongoose';
import { detectDialect, isFerretDb } from './dialect';

/** Connections to FerretDB per process; see connectDatabase. */
export const FERRETDB_MAX_POOL = 16;
import { User } from '../auth/userModel';
import { Media } from '../media/mediaModel';
import { Report, SubmitKey } from '../reports/reportModel';
import { Category, TaxonomyVersion } from '../categories/categoryModel';
import { ClassifierModel } from '../classification/classifierStore';
import { DeliveryLease } from '../pipeline/dispatcher';
import { PipelineEventLog } from '../pipeline/pipelineEvents';
import { Message, NotificationClaim, SubscriptionGrant } from '../notifications/notificationModels';
import { Follower } from '../reports/followerModel';
import { PollCursor } from '../pipeline/open311';

/** GridFS buckets `media` and `classifier`. */
const GRIDFS_COLLECTIONS = ['media.files', 'media.chunks', 'classifier.files', 'classifier.chunks'];

export const MODELS = [User, Media, Report, SubmitKey, Category, TaxonomyVersion, ClassifierModel, DeliveryLease, PipelineEventLog, Message, SubscriptionGrant, NotificationClaim, Follower, PollCursor];

/** Connects mongoose and creates every schema-declared index before serving. */
export async function connectDatabase(uri: string, dbName?: string): Promise<void> {
  mongoose.set('strictQuery', true);
  await mongoose.connect(uri, { dbName, autoIndex: false, serverSelectionTimeoutMS: 10_000 });
  await detectDialect(mongoose.connection.db!);
  if (isFerretDb()) {
    // FerretDB v1.24 runs an update as a query that keeps its SQLite connection
    // open while it takes a second one to write, from a pool of 100 per
    // database. 100 concurrent updates therefore deadlock it for good (seen in
    // the chaos test: 100 goroutines holding rows, 100 waiting in BeginTx).
    // With at most FERRETDB_MAX_POOL operations in flight from this process,
    // they need at most twice that many connections.
    await mongoose.disconnect();
    await mongoose.connect(uri, { dbName, autoIndex: false, serverSelectionTimeoutMS: 10_000, maxPoolSize: FERRETDB_MAX_POOL });
  }
  // Create every collection before serving, so concurrent first inserts do not
  // race to create it (FerretDB v1.24 serialises collection creation per database).
  const exists = (err: { code?: number }) => {
    if (err.code !== 48) throw err; // NamespaceExists
  };
  for (const m of MODELS) await m.createCollection().catch(exists);
  for (const name of GRIDFS_COLLECTIONS) await mongoose.connection.db!.createCollection(name).catch(exists);
  await Promise.all(MODELS.map((m) => m.createIndexes()));
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}
