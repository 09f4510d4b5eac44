/**
 * Where one classification's time goes (issue 12, branch `clq8`): each stage of `Classifier.classify` run alone
 * over the bench's texts (bench/classify.ts's 100-character texts and 600-character letters), in CPU-µs per text:
 * featurize (cleaning, jieba, n-gram lookups, TF-IDF), the leaf model's dot products (the rows of its big weight
 * matrix), the first-level naive-Bayes model's, the keyword search, the urgency rules, the urgency models (character
 * block and both 3-class models) and the whole `classify` (the rest: softmaxes, calibration, top-3, explanation).
 * Usage (in server/): CLASSIFIER_MODEL_FILE=/tmp/x.bin [CLASSIFY_WEIGHTS=float32|int16|int8] node --import=tsx bench/classifyStages.ts
 * CLASSIFY_WEIGHTS: the stored model's leaf and first-level weights turned into that format first (float32: the
 * layout and bytes per weight of main's code before `clq8`, with the rounded values).
 * Stages share caches when run together, so the sum is not exactly the whole; compare runs of this script.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_TREE } from '../src/categories/defaultTree';
import { Classifier } from '../src/classification/classifier';
import { featurize, mainProblemText, type SparseVector, type Vocabulary } from '../src/classification/features';
import { scoresRowScaled, type RowScaledModel, type WeightFormat } from '../src/classification/softmaxRegression';
import { baseTrainingExamples, seedTreeAsNodes } from '../src/classification/trainingData';
import { analyseUrgency } from '../src/classification/urgency';

const file = process.env.CLASSIFIER_MODEL_FILE;
if (!file) throw new Error('CLASSIFIER_MODEL_FILE=FILE (npm run classify -- train --out FILE)');
const loaded = Classifier.deserialize(readFileSync(file));
const format = process.env.CLASSIFY_WEIGHTS as WeightFormat | undefined;
const model = format ? loaded.withWeightFormat(format) : loaded;
// the private parts a stage needs (a benchmark's look inside; not an API)
const inside = model as unknown as { vocab: Vocabulary; model: RowScaledModel; firstModel: RowScaledModel; findKeywords(s: string): Set<string> };
const examples = baseTrainingExamples(seedTreeAsNodes(DEFAULT_TREE));

function textsOf(length: number, pick: (i: number) => string, count = 2000): string[] {
  return Array.from({ length: count }, (_, i) => {
    let text = pick(i);
    for (let k = 1; text.length < length; k++) text += `，${examples[(i * 31 + k * 17) % examples.length].text}`;
    return text.slice(0, length);
  });
}

function cpuMicros(n: number, texts: string[], run: (i: number) => void): number {
  for (let i = 0; i < Math.min(n, 2000); i++) run(i % texts.length);
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) run(i % texts.length);
  const u = process.cpuUsage(c0);
  return (u.user + u.system) / n;
}

const letters = examples.filter((e) => e.register === 'letter');
const sets: [string, string[], number][] = [
  ['100 characters', textsOf(100, (i) => examples[i % examples.length].text), 20000],
  ['600-character letters', textsOf(600, (i) => letters[i % letters.length].text), 4000],
];
const out = new Float32Array(100);
console.log(`model ${model.version}, weights ${model.weightFormat} (stored ${model.storedWeightFormat}), sizeBytes ${(model.sizeBytes / 1e6).toFixed(1)} MB`);
const ab = process.env.CLASSIFY_AB?.split(',') as WeightFormat[] | undefined;
for (const [name, texts, n] of ab ? [] : sets) {
  const xs: SparseVector[] = texts.map((t) => featurize(t, inside.vocab));
  const stages: [string, (i: number) => void][] = [
    ['featurize', (i) => void featurize(texts[i], inside.vocab)],
    ['leaf model (83 classes)', (i) => void scoresRowScaled(inside.model, xs[i], out)],
    ['first-level NB (15 classes)', (i) => void scoresRowScaled(inside.firstModel, xs[i], out)],
    ['keywords (main problem + search)', (i) => void inside.findKeywords(mainProblemText(texts[i], inside.vocab.options).toLowerCase())],
    ['urgency rules', (i) => void analyseUrgency(texts[i])],
    ['urgency models', (i) => void model.urgencyOf(texts[i], xs[i], undefined, analyseUrgency(texts[i]))],
    ['classify (whole)', (i) => void model.classify(texts[i])],
  ];
  const mean = xs.reduce((a, x) => a + x.indices.length, 0) / xs.length;
  const figures = stages.map(([stage, run]) => [stage, cpuMicros(n, texts, run)] as const);
  const rules = figures.find(([s]) => s === 'urgency rules')![1];
  console.log(`${name} (${mean.toFixed(0)} features per text):`);
  for (const [stage, us] of figures) console.log(`  ${stage.padEnd(34)} ${(stage === 'urgency models' ? us - rules : us).toFixed(1).padStart(7)} CPU-µs${stage === 'urgency models' ? ' (its rules run subtracted)' : ''}`);
}

/**
 * CLASSIFY_AB=float32,int8: the same stored model in two weight formats classifying the same texts in alternating
 * blocks of 250, CPU time summed per format: on a busy shared host both see the same neighbours, so their ratio
 * holds where separate runs' figures swing by half.
 */
if (ab) {
  const models = ab.map((f) => loaded.withWeightFormat(f));
  for (const [name, texts, n] of sets) {
    const cpu = models.map(() => 0);
    for (const m of models) for (let i = 0; i < 2000; i++) m.classify(texts[i % texts.length]); // warm up both
    const BLOCK = 250;
    for (let done = 0; done < n; done += BLOCK) {
      for (let k = 0; k < models.length; k++) {
        // alternate which format goes first, so neither always follows the other's cache footprint
        const m = (done / BLOCK) % 2 ? models.length - 1 - k : k;
        const c0 = process.cpuUsage();
        for (let i = done; i < done + BLOCK; i++) models[m].classify(texts[i % texts.length]);
        const u = process.cpuUsage(c0);
        cpu[m] += (u.user + u.system) / 1e6;
      }
    }
    console.log(`A/B ${name}: ${ab.map((f, m) => `${f} ${(n / cpu[m]).toFixed(0)}/CPU-s`).join(', ')}; ×${(cpu[0] / cpu[cpu.length - 1]).toFixed(2)} for ${ab[ab.length - 1]}`);
  }
}
