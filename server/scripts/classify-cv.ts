/**
 * node --import=tsx scripts/classify-cv.ts [CONFIGS.json] [--kfold] [--register] [--calibrated] [--fresh=w11.jsonl,w12.jsonl]
 *
 * --fresh: train without the named writers' files, score them (per register): a check on writers the
 * choices were not made from.
 * Model choice on the TRAINING corpus only (the held-out sets are never read here):
 * - cross-register validation: for each register, train without it, test on it;
 * - k-fold (5) over the corpus lines, which also gives the urgency figures (the model with the
 *   rules as features, as the classifier decides; thresholds are chosen in urgency-cv.ts) for a
 *   grid of thresholds and the calibration error.
 * CONFIGS.json is a list of {name, features?, epochs?, l2?, learningRate?}; the
 * default compares the current defaults with the previous feature set.
 * The seed corpus and the tree's examples are always in the training part.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { DEFAULT_TREE } from '../src/categories/defaultTree';
import { BLEND, Classifier, decideUrgency, type ClassifierTrainOptions, type TrainingExample } from '../src/classification/classifier';
import { CORPUS_DIR, examplesOf, leavesOf, loadSeedCorpus, loadTrainingCorpus, seedTreeAsNodes } from '../src/classification/trainingData';
import { detectUrgency } from '../src/classification/urgency';

type Config = ClassifierTrainOptions & { name: string; blend?: Partial<typeof BLEND> };
const DEFAULT_BLEND = { ...BLEND };
const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const configs: Config[] = file
  ? JSON.parse(readFileSync(file, 'utf8'))
  : [
      { name: 'words+bigrams (before)', features: { trigrams: false, titleWeight: 1, stripFormulas: false, maxFeatures: Infinity } },
      { name: 'defaults' },
    ];
const freshArg = args.find((a) => a.startsWith('--fresh='));
const fresh = freshArg ? freshArg.slice('--fresh='.length).split(',') : [];
const modes = { register: args.includes('--register'), kfold: args.includes('--kfold'), calibrated: args.includes('--calibrated') };
if (!modes.register && !modes.kfold && !fresh.length) modes.register = modes.kfold = true;

const tree = seedTreeAsNodes(DEFAULT_TREE);
const leaves = leavesOf(tree);
const parentOf = new Map(leaves.map((l) => [l.code, l.parentCode]));
const corpus = loadTrainingCorpus();
const base: TrainingExample[] = [...loadSeedCorpus(), ...examplesOf(tree)];
const registers = [...new Set(corpus.map((e) => e.register!))].sort();
const r3 = (n: number) => Math.round(n * 1000) / 1000;

interface Scored {
  e: TrainingExample;
  right: boolean;
  top3: boolean;
  confidence: number;
  modelUrgent: number;
  modelSemi: number;
}

function score(c: Classifier, rows: TrainingExample[]): Scored[] {
  return rows.map((e) => {
    const r = c.classify(e.text);
    const truth = parentOf.get(e.label);
    const u = c.urgencyOf(e.text);
    return { e, right: r.firstLevel.code === truth, top3: r.firstLevelTop3.some((f) => f.code === truth), confidence: r.confidence, modelUrgent: u.modelUrgent, modelSemi: u.modelSemi };
  });
}

const acc = (s: Scored[]) => r3(s.filter((x) => x.right).length / Math.max(s.length, 1));
const top3 = (s: Scored[]) => r3(s.filter((x) => x.top3).length / Math.max(s.length, 1));

function ece(s: Scored[]): number {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, right: 0 }));
  for (const x of s) {
    const b = bins[Math.min(9, Math.floor(x.confidence * 10))];
    b.n++;
    b.conf += x.confidence;
    b.right += Number(x.right);
  }
  return r3(bins.reduce((a, b) => a + (b.n ? (b.n / s.length) * Math.abs(b.right / b.n - b.conf / b.n) : 0), 0));
}

function urgencyTable(s: Scored[]) {
  const rulesOnly = s.map((x) => detectUrgency(x.e.text));
  const rows: string[] = [];
  const figures = (levels: string[]) => {
    const pr = (level: string) => {
      let tp = 0, fp = 0, fn = 0;
      levels.forEach((l, i) => {
        const truth = s[i].e.urgency;
        if (l === level && truth === level) tp++;
        else if (l === level) fp++;
        else if (truth === level) fn++;
      });
      return `P ${r3(tp / Math.max(tp + fp, 1))} R ${r3(tp / Math.max(tp + fn, 1))}`;
    };
    return `urgent ${pr('urgent')} | semi ${pr('semi_urgent')}`;
  };
  rows.push(`  rules only: ${figures(rulesOnly.map((r) => r.level))}`);
  for (const tu of [0.2, 0.25, 0.3, 0.35, 0.4, 0.5]) {
    for (const ts of [0.3, 0.4, 0.5]) {
      const levels = s.map((x, i) => decideUrgency(rulesOnly[i], x.modelUrgent, x.modelSemi, { urgent: tu, semiUrgent: ts }).level);
      rows.push(`  rules+model tu=${tu} ts=${ts}: ${figures(levels)}`);
    }
  }
  return rows.join('\n');
}

for (const config of configs) {
  const opts: ClassifierTrainOptions = { ...config, calibrationFolds: modes.calibrated ? 3 : 0 };
  Object.assign(BLEND, DEFAULT_BLEND, config.blend);
  console.log(`\n=== ${config.name} ${JSON.stringify(config)}`);
  if (fresh.length) {
    const others = readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.jsonl') && !fresh.includes(f));
    const c = Classifier.train([...base, ...loadTrainingCorpus(CORPUS_DIR, others)], leaves, 0, opts);
    const s = score(c, loadTrainingCorpus(CORPUS_DIR, fresh));
    const regs = [...new Set(s.map((x) => x.e.register!))].sort();
    console.log(`fresh ${fresh.join('+')}: accuracy ${acc(s)} top3 ${top3(s)} · ${regs.map((reg) => `${reg} ${acc(s.filter((x) => x.e.register === reg))} (${s.filter((x) => x.e.register === reg).length})`).join(' · ')}`);
  }
  if (modes.register) {
    const all: Scored[] = [];
    const line: string[] = [];
    for (const reg of registers) {
      const started = performance.now();
      const c = Classifier.train([...base, ...corpus.filter((e) => e.register !== reg)], leaves, 0, opts);
      const s = score(c, corpus.filter((e) => e.register === reg));
      all.push(...s);
      line.push(`${reg} ${acc(s)}/${top3(s)}`);
      console.error(`  [${config.name}] without ${reg}: ${acc(s)} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    }
    const per = registers.map((reg) => acc(all.filter((x) => x.e.register === reg)));
    console.log(`cross-register: mean ${r3(per.reduce((a, b) => a + b, 0) / per.length)} min ${Math.min(...per)} pooled ${acc(all)} top3 ${top3(all)} ECE ${ece(all)}`);
    console.log(`  ${line.join(' · ')}`);
  }
  if (modes.kfold) {
    const all: Scored[] = [];
    for (let k = 0; k < 5; k++) {
      const c = Classifier.train([...base, ...corpus.filter((_, i) => i % 5 !== k)], leaves, 0, opts);
      all.push(...score(c, corpus.filter((_, i) => i % 5 === k)));
      console.error(`  [${config.name}] fold ${k + 1}/5 T=${c.temperature}`);
    }
    console.log(`5-fold: accuracy ${acc(all)} top3 ${top3(all)} ECE ${ece(all)}`);
    console.log(`  per register: ${registers.map((reg) => `${reg} ${acc(all.filter((x) => x.e.register === reg))}`).join(' · ')}`);
    console.log(urgencyTable(all));
  }
}
