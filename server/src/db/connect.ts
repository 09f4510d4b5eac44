import mongoose from 'mongoose';
import { detectDialect } from './dialect';
import { User } from '../auth/userModel';
import { Media } from '../media/mediaModel';
import { Report } from '../reports/reportModel';
import { Category, TaxonomyVersion } from '../categories/categoryModel';
import { ClassifierModel } from '../classification/classifierStore';
import { DeliveryLease } from '../pipeline/dispatcher';
import { PipelineEventLog } from '../pipeline/pipelineEvents';

export const MODELS = [User, Media, Report, Category, TaxonomyVersion, ClassifierModel, DeliveryLease, PipelineEventLog];

/** Connects mongoose and creates every schema-declared index before serving. */
export async function connectDatabase(uri: string, dbName?: string): Promise<void> {
  mongoose.set('strictQuery', true);
  await mongoose.connect(uri, { dbName, autoIndex: false, serverSelectionTimeoutMS: 10_000 });
  await detectDialect(mongoose.connection.db!);
  await Promise.all(MODELS.map((m) => m.createIndexes()));
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}
