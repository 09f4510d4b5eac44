/**
 * node --import=tsx scripts/blend-cv.ts '{"praiseBoost":[0,2.5,5]}' [--folds=w4,w5,…]
 *
 * Leave-one-writer-out over the TRAINING writers for settings that act only when a text is scored (BLEND: keyword,
 * rule and praise boosts, the first-level blend): each fold's model is trained ONCE (no urgency labels, no
 * calibration folds: neither touches the first level's ranking) and scored under every value of every setting named,
 * one at a time, the others at their defaults. Prints first-level accuracy pooled, per register and the weakest
 * register per value. Held-out files are never read.
 */
import { readdirSync } from 'node:fs';
import { DEFAULT_TREE } from '../src/categories/defaultTree';
import { BLEND, Classifier, type TrainingExample } from '../src/classification/classifier';
import { CORPUS_DIR, examplesOf, leavesOf, loadSeedCorpus, loadTrainingCorpus, seedTreeAsNodes } from '../src/classification/trainingData';

const grid: Record<string, number[]> = JSON.parse(process.argv[2] ?? '{"praiseBoost":[0,2.5]}');
const foldsArg = process.argv.find((a) => a.startsWith('--folds='))?.slice(8);
const tree = seedTreeAsNodes(DEFAULT_TREE);
const leaves = leavesOf(tree);
const parentOf = new Map(leaves.map((l) => [l.code, l.parentCode]));
const writers = readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.jsonl')).sort();
const byWriter = new Map(writers.map((w) => [w, loadTrainingCorpus(CORPUS_DIR, [w]).map(({ urgency: _u, ...e }) => e as TrainingExample)]));
const folds = foldsArg ? foldsArg.split(',').map((w) => `${w.replace(/\.jsonl$/, '')}.jsonl`) : writers;
const base: TrainingExample[] = [...loadSeedCorpus(), ...examplesOf(tree)];
const defaults = { ...BLEND };
const settings = Object.entries(grid).flatMap(([key, values]) => values.map((v) => ({ key, v, name: `${key}=${v}` })));
const right = new Map(settings.map((s) => [s.name, [] as { register: string; ok: boolean }[]]));
const started = performance.now();
for (const w of folds) {
  const c = Classifier.train([...base, ...writers.filter((x) => x !== w).flatMap((x) => byWriter.get(x)!)], leaves, 0, { calibrationFolds: 0 });
  for (const s of settings) {
    Object.assign(BLEND, defaults, { [s.key]: s.v });
    for (const e of byWriter.get(w)!) right.get(s.name)!.push({ register: e.register ?? '?', ok: c.classify(e.text).firstLevel.code === parentOf.get(e.label) });
  }
  Object.assign(BLEND, defaults);
  console.error(`  ${w} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
}
const r3 = (n: number) => Math.round(n * 1000) / 1000;
for (const s of settings) {
  const rows = right.get(s.name)!;
  const acc = (xs: typeof rows) => r3(xs.filter((x) => x.ok).length / xs.length);
  const regs = [...new Set(rows.map((x) => x.register))].sort().map((r) => [r, acc(rows.filter((x) => x.register === r))] as const);
  const weakest = regs.reduce((a, b) => (b[1] < a[1] ? b : a));
  console.log(`${s.name.padEnd(18)} all ${acc(rows)} (${rows.length}) · weakest ${weakest[0]} ${weakest[1]} · ${regs.map(([r, a]) => `${r} ${a}`).join(' · ')}`);
}
