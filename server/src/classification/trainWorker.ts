import { parentPort, workerData } from 'node:worker_threads';
import { Classifier, type TaxonomyLeaf, type TrainingExample } from './classifier';

/** Trains off the main thread so requests keep being answered while a model is built. */
const { examples, leaves, taxonomyVersion } = workerData as { examples: TrainingExample[]; leaves: TaxonomyLeaf[]; taxonomyVersion: number };
const model = Classifier.train(examples, leaves, taxonomyVersion);
const bytes = model.serialize();
const out = new Uint8Array(bytes.length);
out.set(bytes);
parentPort!.postMessage(out, [out.buffer]);
