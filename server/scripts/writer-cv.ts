/**
 * node --import=tsx scripts/writer-cv.ts [CONFIGS.json] [--folds=w4,w5,…] [--errors=two_issues,address] [--fresh=/path/w13.jsonl,…]
 *
 * First-level leave-one-writer-out on the TRAINING corpus only (held-out sets never read): for each
 * fold writer, train on the seed sentences, the tree's examples and every other writer's file, and
 * score that writer's texts. Prints, per config, accuracy pooled over the folds, per register and per
 * fold — the figures the issue-12 fifth round (two_issues, address) was chosen by.
 * Default folds: the writers who wrote `two_issues` or `address` texts.
 * --errors: print every wrong text of those registers (tab-separated: writer, register, truth,
 *   prediction, confidence, text), for looking at WHY the model fails; never from held-out files.
 * --fresh: instead of the folds, train on the whole corpus except the named files and score them (a new
 *   writer before it joins the folds: an honest out-of-writer check).
 * --fresh=… --eval: the shipped way instead (calibration folds, urgency model) and `classify eval`'s whole
 *   report for the fresh files (accuracy, ECE, 紧急/次紧急 figures, per register) as one JSON line.
 * Urgency labels are dropped for these runs (the urgency model does not touch the first level) and
 * no calibration folds are fitted (accuracy is the same at any temperature): ~4× faster.
 * CONFIGS.json is a list of {name, features?, blend?, epochs?, l2?}.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_TREE } from '../src/categories/defaultTree';
import { BLEND, Classifier, type ClassifierTrainOptions, type TrainingExample } from '../src/classification/classifier';
import { evaluate } from '../src/classification/evaluate';
import { CORPUS_DIR, examplesOf, leavesOf, loadJsonl, loadSeedCorpus, loadTrainingCorpus, seedTreeAsNodes } from '../src/classification/trainingData';

type Config = ClassifierTrainOptions & { name: string; blend?: Partial<typeof BLEND> };
const DEFAULT_BLEND = { ...BLEND };
const args = process.argv.slice(2);
const opt = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const file = args.find((a) => !a.startsWith('--'));
const configs: Config[] = file ? JSON.parse(readFileSync(file, 'utf8')) : [{ name: 'defaults' }];
const errorRegisters = opt('errors')?.split(',') ?? [];
const freshFiles = opt('fresh')?.split(',') ?? [];

const tree = seedTreeAsNodes(DEFAULT_TREE);
const leaves = leavesOf(tree);
const parentOf = new Map(leaves.map((l) => [l.code, l.parentCode]));
const writers = readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.jsonl')).sort();
const byWriter = new Map(writers.map((w) => [w, loadTrainingCorpus(CORPUS_DIR, [w]).map(({ urgency: _u, ...e }) => e as TrainingExample)]));
const defaultFolds = writers.filter((w) => byWriter.get(w)!.some((e) => e.register === 'two_issues' || e.register === 'address'));
const folds = opt('folds')?.split(',').map((w) => (w.endsWith('.jsonl') ? w : `${w}.jsonl`)) ?? defaultFolds;
const base: TrainingExample[] = [...loadSeedCorpus(), ...examplesOf(tree)];
const r3 = (n: number) => Math.round(n * 1000) / 1000;

interface Scored {
  writer: string;
  e: TrainingExample;
  predicted: string;
  confidence: number;
  right: boolean;
}

function score(c: Classifier, writer: string, rows: TrainingExample[]): Scored[] {
  return rows.map((e) => {
    const r = c.classify(e.text);
    return { writer, e, predicted: r.firstLevel.code, confidence: r.confidence, right: r.firstLevel.code === parentOf.get(e.label) };
  });
}

const acc = (s: Scored[]) => (s.length ? r3(s.filter((x) => x.right).length / s.length) : NaN);
const registersOf = (s: Scored[]) => [...new Set(s.map((x) => x.e.register ?? '?'))].sort();

if (args.includes('--eval')) {
  if (!freshFiles.length) throw new Error('--eval needs --fresh=FILE,…');
  const fresh = new Set(freshFiles.map((f) => path.basename(f)));
  const rows = freshFiles.flatMap((f) => loadJsonl(f, parentOf));
  for (const config of configs) {
    Object.assign(BLEND, DEFAULT_BLEND, config.blend);
    const c = Classifier.train([...base, ...loadTrainingCorpus(CORPUS_DIR, writers.filter((w) => !fresh.has(w)))], leaves, 0, config);
    const report = evaluate(c, rows);
    console.error(`${config.name}: T=${c.temperature} n=${report.n} accuracy=${report.accuracy} top3=${report.top3} ece=${report.ece} urgentP=${report.urgentPrecision} urgentR=${report.urgentRecall} semiP=${report.semiUrgentPrecision} semiR=${report.semiUrgentRecall}`);
    console.error(`  ${Object.entries(report.perRegister).map(([r, x]) => `${r} ${x.accuracy} (${x.n})`).join(' · ')}`);
    console.log(JSON.stringify({ name: config.name, ...report }));
  }
  process.exit(0);
}

for (const config of configs) {
  const opts: ClassifierTrainOptions = { ...config, calibrationFolds: 0 };
  Object.assign(BLEND, DEFAULT_BLEND, config.blend);
  const started = performance.now();
  const all: Scored[] = [];
  if (freshFiles.length) {
    // a fresh file already imported into the corpus is left out of the training part
    const fresh = new Set(freshFiles.map((f) => path.basename(f)));
    const c = Classifier.train([...base, ...writers.filter((w) => !fresh.has(w)).flatMap((w) => byWriter.get(w)!)], leaves, 0, opts);
    for (const f of freshFiles) {
      const rows = loadTrainingCorpus(path.dirname(f), [path.basename(f)]).map(({ urgency: _u, ...e }) => e as TrainingExample);
      all.push(...score(c, path.basename(f), rows));
    }
  } else {
    for (const w of folds) {
      const c = Classifier.train([...base, ...writers.filter((x) => x !== w).flatMap((x) => byWriter.get(x)!)], leaves, 0, opts);
      all.push(...score(c, w, byWriter.get(w)!));
    }
  }
  const regs = registersOf(all);
  const others = all.filter((x) => x.e.register !== 'two_issues' && x.e.register !== 'address');
  console.log(
    `${config.name.padEnd(34)} all ${acc(all)} · two_issues ${acc(all.filter((x) => x.e.register === 'two_issues'))} · address ${acc(all.filter((x) => x.e.register === 'address'))} · others ${acc(others)} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );
  console.log(`    registers: ${regs.map((r) => `${r} ${acc(all.filter((x) => x.e.register === r))} (${all.filter((x) => x.e.register === r).length})`).join(' · ')}`);
  console.log(`    writers: ${[...new Set(all.map((x) => x.writer))].map((w) => `${w.replace('.jsonl', '')} ${acc(all.filter((x) => x.writer === w))}`).join(' · ')}`);
  for (const x of all) {
    if (!x.right && errorRegisters.includes(x.e.register ?? '')) {
      console.log(['ERR', x.writer.replace('.jsonl', ''), x.e.register, parentOf.get(x.e.label), x.predicted, x.confidence.toFixed(2), x.e.text.replace(/\s+/g, ' ')].join('\t'));
    }
  }
}
