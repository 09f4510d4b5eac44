import mongoose from 'mongoose';
import { detectDialect } from './dialect';
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
