import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ClassificationView } from '@ssp/shared';
import type { CategoryService } from '../categories/categoryService';
import { AppError } from '../http/errors';
import type { Logger } from '../log';
import { Classifier, type TaxonomyLeaf, type TrainingExample } from './classifier';
import { latestModelMeta, loadModelBytes, saveModel } from './classifierStore';
import { evaluate, type EvalReport } from './evaluate';
import { examplesOf, HELD_OUT, leavesOf, loadJsonl, loadSeedCorpus, loadTrainingCorpus } from './trainingData';

export interface ClassifierInfo {
  version: string;
  createdAt: string;
  taxonomyVersion: number;
  trainedOn: number;
  heldOut: Omit<EvalReport, 'perClass'> | null;
}

export interface RetrainResult {
  before: ClassifierInfo | null;
  after: ClassifierInfo;
}

/**
 * What the classifier learns from: the reports staff reviewed. Handed in by
 * app.ts (the report repository), because classification sits below the
 * reports domain and must not depend on it.
 */
export interface ReviewedReports {
  reviewedExamples(): Promise<{ text: string; label: string }[]>;
  reviewsSince(since: Date): Promise<number>;
}

export interface ClassificationOptions {
  categories: CategoryService;
  reviewed: ReviewedReports;
  log: Logger;
  /** below this first-level probability a report goes to manual triage */
  confidenceThreshold: number;
  /** retrain automatically after this many admin confirmations/corrections */
  retrainEvery: number;
  /** labelled texts never trained on, used for before/after figures */
  heldOutFile?: string;
  /** train on the writers' corpus in data/corpus (default); false: seed corpus, tree and reviews only */
  trainingCorpus?: boolean;
}

function trainInWorker(examples: TrainingExample[], leaves: TaxonomyLeaf[], taxonomyVersion: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./trainWorker.mjs', import.meta.url), { workerData: { examples, leaves, taxonomyVersion } });
    worker.once('message', (bytes: Uint8Array) => resolve(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`training worker exited with ${code}`)));
  });
}

/**
 * The first model of a fresh database depends only on the shipped corpus, the
 * tree and the code, and takes tens of seconds to train: it is kept in a file
 * named by a digest of exactly those inputs, so the next fresh start (a new
 * instance, every test server) loads it instead. Only for the first start: a
 * retrain asked for later must give a new version even on unchanged data.
 */
const FIRST_MODEL_CACHE = path.join(os.tmpdir(), 'ssp-classifier-cache');
const CODE_FILES = ['classifier.ts', 'features.ts', 'featureTable.ts', 'softmaxRegression.ts', 'naiveBayes.ts', 'urgency.ts'];

async function firstModelBytes(examples: TrainingExample[], leaves: TaxonomyLeaf[], taxonomyVersion: number): Promise<Buffer> {
  const digest = createHash('sha256').update(JSON.stringify({ examples, leaves, taxonomyVersion }));
  for (const f of CODE_FILES) digest.update(readFileSync(new URL(`./${f}`, import.meta.url)));
  const file = path.join(FIRST_MODEL_CACHE, `${digest.digest('hex').slice(0, 32)}.bin`);
  if (existsSync(file)) return readFileSync(file);
  const bytes = await trainInWorker(examples, leaves, taxonomyVersion);
  mkdirSync(FIRST_MODEL_CACHE, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file); // atomic: a concurrent start reads a whole file or none
  return bytes;
}

function countLabels(examples: { label: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of examples) counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
  return counts;
}

/**
 * Owns the live classifier. Requests always read `current`; a retrain builds
 * a new model in a worker thread, stores it, and replaces the reference in
 * one assignment, so no request ever sees half a model or waits for one.
 * Other server instances pick the new version up by polling.
 */
export function createClassificationService(opts: ClassificationOptions) {
  let current: Classifier | null = null;
  let currentInfo: ClassifierInfo | null = null;
  let training: Promise<RetrainResult> | null = null;
  let poller: NodeJS.Timeout | null = null;
  let shipped: Map<string, number> | undefined;
  const heldOut = opts.heldOutFile ?? (existsSync(HELD_OUT) ? HELD_OUT : undefined);

  const infoOf = (c: Classifier, heldOutReport: ClassifierInfo['heldOut']): ClassifierInfo => ({
    version: c.version,
    createdAt: c.createdAt.toISOString(),
    taxonomyVersion: c.taxonomyVersion,
    trainedOn: c.trainedOn,
    heldOut: heldOutReport,
  });

  function scoreHeldOut(c: Classifier): ClassifierInfo['heldOut'] {
    if (!heldOut) return null;
    const { perClass: _perClass, ...summary } = evaluate(c, loadJsonl(heldOut));
    return summary;
  }

  async function gatherExamples(): Promise<{ examples: TrainingExample[]; leaves: TaxonomyLeaf[]; taxonomyVersion: number }> {
    const { version, nodes } = await opts.categories.trainingTree();
    const fromReports = await opts.reviewed.reviewedExamples();
    return { examples: [...(opts.trainingCorpus === false ? [] : loadTrainingCorpus()), ...loadSeedCorpus(), ...examplesOf(nodes), ...fromReports], leaves: leavesOf(nodes), taxonomyVersion: version };
  }

  async function retrain(reason: string): Promise<RetrainResult> {
    if (training) throw new AppError(409, 'CLASSIFIER_BUSY');
    training = (async () => {
      const before = currentInfo;
      const data = await gatherExamples();
      const bytes = reason === 'first start' ? await firstModelBytes(data.examples, data.leaves, data.taxonomyVersion) : await trainInWorker(data.examples, data.leaves, data.taxonomyVersion);
      const next = Classifier.deserialize(bytes);
      const info = infoOf(next, scoreHeldOut(next));
      await saveModel({ ...info, createdAt: next.createdAt, reason }, bytes);
      current = next;
      currentInfo = info;
      opts.log.info('classifier swapped in', { version: info.version, reason, trainedOn: info.trainedOn, accuracy: info.heldOut?.accuracy });
      return { before, after: info };
    })();
    try {
      return await training;
    } finally {
      training = null;
    }
  }

  async function loadLatest(): Promise<boolean> {
    const meta = await latestModelMeta();
    if (!meta || meta._id === currentInfo?.version) return false;
    const model = Classifier.deserialize(await loadModelBytes(meta.fileId));
    // a model stored before clq8 keeps working: its float32 weights were rounded on reading (its stored held-out
    // figures were measured before rounding); the next retrain stores the compact format
    if (model.storedWeightFormat !== model.weightFormat) opts.log.info('classifier stored with float32 weights; rounded to the compact format in memory', { version: model.version, stored: model.storedWeightFormat, inMemory: model.weightFormat });
    current = model;
    currentInfo = { ...infoOf(model, (meta.heldOut as ClassifierInfo['heldOut']) ?? null) };
    return true;
  }

  return {
    async init(): Promise<void> {
      if (!(await loadLatest())) await retrain('first start');
    },

    /** Check for a model trained by another instance. */
    startPolling(intervalMs = 30_000): void {
      poller = setInterval(() => void loadLatest().catch((err) => opts.log.warn('classifier reload failed', { error: err })), intervalMs);
      poller.unref();
    },

    stop(): void {
      if (poller) clearInterval(poller);
    },

    /**
     * The live model and the same model with one category's keywords edited
     * (分类管理's check before saving); `after` is null when the live model
     * was trained before that category existed.
     */
    keywordVariant(code: string, edit: { keywords?: string[]; negativeKeywords?: string[] }): { before: Classifier; after: Classifier | null } {
      if (!current) throw new AppError(503, 'CLASSIFIER_BUSY');
      return { before: current, after: current.withKeywords(code, edit) };
    },

    /**
     * How many labelled texts the next training would learn each category
     * from: the shipped corpus and seed sentences (read once, they only change
     * with a deploy), the tree's example sentences and staff-reviewed reports.
     */
    async trainingExampleCounts(): Promise<Map<string, number>> {
      shipped ??= countLabels([...(opts.trainingCorpus === false ? [] : loadTrainingCorpus()), ...loadSeedCorpus()]);
      const { nodes } = await opts.categories.trainingTree();
      const counts = new Map(shipped);
      for (const [label, n] of countLabels([...examplesOf(nodes), ...(await opts.reviewed.reviewedExamples())])) counts.set(label, (counts.get(label) ?? 0) + n);
      return counts;
    },

    classify(text: string): ClassificationView {
      if (!current) throw new AppError(503, 'CLASSIFIER_BUSY');
      return current.classify(text);
    },

    info(): ClassifierInfo | null {
      return currentInfo;
    },

    get confidenceThreshold() {
      return opts.confidenceThreshold;
    },

    retrain,

    /** Called after an admin confirms or corrects a report; retrains in the background every N reviews. */
    async noteReview(): Promise<void> {
      if (!currentInfo || training) return;
      const since = new Date(currentInfo.createdAt);
      const reviews = await opts.reviewed.reviewsSince(since);
      if (reviews >= opts.retrainEvery) {
        void retrain(`${reviews} reviews since last model`).catch((err) => opts.log.warn('automatic retrain failed', { error: err }));
      }
    },

    /** For tests and the bench: wait for a retrain in progress. */
    async idle(): Promise<void> {
      await training?.catch(() => {});
    },
  };
}

export type ClassificationService = ReturnType<typeof createClassificationService>;
