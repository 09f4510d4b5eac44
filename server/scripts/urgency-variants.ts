/**
 * node --import=tsx scripts/urgency-variants.ts [base|feat|hyper|weights|nb|sent|errors]   (GRID=1: a threshold grid)
 *
 * Urgency model variants under leave-one-writer-out on the TRAINING corpus only (held-out sets never
 * read): train on six writers' files, score the seventh. Each line prints 紧急 precision at the
 * thresholds reaching recall 0.90 and 0.95 (pooled over the folds), and 紧急 / 次紧急 P and R at two
 * fixed threshold pairs. `errors` prints every text the chosen design gets wrong (tab-separated:
 * writer, register, truth, prediction, probabilities, rule verdict, text) — what the rules were
 * revised from. The comparison table is in the README (issue 12, third round).
 */
import { readdirSync } from 'node:fs';
import { URGENCY_THRESHOLDS, urgencyInput } from '../src/classification/classifier';
import { buildVocabulary, DEFAULT_FEATURES, tokenize, vectorize, type FeatureOptions } from '../src/classification/features';
import { scores, softmaxInPlace, train } from '../src/classification/softmaxRegression';
import { CORPUS_DIR, loadTrainingCorpus } from '../src/classification/trainingData';
import { analyseUrgency, URGENCY_SIGNALS, type Urgency } from '../src/classification/urgency';

const LEVELS: Urgency[] = ['normal', 'semi_urgent', 'urgent'];
const files = readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.jsonl')).sort();
const rows = files.flatMap((f) => loadTrainingCorpus(CORPUS_DIR, [f]).map((e) => ({ ...e, file: f }))).filter((e) => e.urgency);
const r3 = (n: number) => Math.round(n * 1000) / 1000;
const truth = rows.map((r) => LEVELS.indexOf(r.urgency!));

function evaluate(name: string, pU: number[], pS: number[]) {
  // 紧急: precision at the largest threshold reaching recall 0.90 / 0.95
  const nU = truth.filter((t) => t === 2).length;
  const order = pU.map((p, i) => [p, i] as const).sort((a, b) => b[0] - a[0]);
  const at = (target: number) => {
    let tp = 0;
    for (let k = 0; k < order.length; k++) {
      if (truth[order[k][1]] === 2) tp++;
      if (tp / nU >= target) return `P ${r3(tp / (k + 1))} @t=${order[k][0].toFixed(3)}`;
    }
    return '-';
  };
  const fixed = (tu: number, ts: number) => {
    let uTp = 0, uFp = 0, sTp = 0, sFp = 0, nS = 0;
    for (let i = 0; i < rows.length; i++) {
      const l = pU[i] >= tu ? 2 : pU[i] + pS[i] >= ts ? 1 : 0;
      if (truth[i] === 1) nS++;
      if (l === 2 && truth[i] === 2) uTp++;
      else if (l === 2) uFp++;
      if (l === 1 && truth[i] === 1) sTp++;
      else if (l === 1) sFp++;
    }
    return `tu${tu}/ts${ts}: U P ${r3(uTp / (uTp + uFp))} R ${r3(uTp / nU)} S P ${r3(sTp / (sTp + sFp))} R ${r3(sTp / nS)}`;
  };
  if (process.env.GRID) for (const tu of [0.08, 0.1, 0.12, 0.15, 0.2, 0.25]) console.log('  ' + [0.05, 0.08, 0.1, 0.15, 0.2].map((ts) => fixed(tu, ts)).join(' || '));
  console.log(`${name.padEnd(40)} 紧急 R.90 ${at(0.9)} R.95 ${at(0.95)} | ${fixed(0.15, 0.1)} | ${fixed(0.15, 0.2)}`);
}

export interface Variant {
  name: string;
  features?: Partial<FeatureOptions>;
  signals?: (text: string) => number[];
  nSignals?: number;
  epochs?: number;
  l2?: number;
  lr?: number;
  weights?: [number, number, number];
  /** NB-SVM: scale each text column by |log-count ratio| of (positive classes) vs the rest */
  nb?: { positive: number[]; alpha: number; power: number };
  /** most urgent sentence: max over sentences of P(urgent) (and of P(urgent)+P(semi)) */
  sentences?: boolean;
  sentenceWeight?: number;
  /** print the texts this variant gets wrong at URGENCY_THRESHOLDS */
  errors?: boolean;
}

export function run(v: Variant) {
  const features: FeatureOptions = { ...DEFAULT_FEATURES, ...v.features };
  const tokens = rows.map((e) => tokenize(e.text, features));
  const sig = v.signals ?? ((t: string) => analyseUrgency(t).signals);
  const nSig = v.nSignals ?? URGENCY_SIGNALS.length;
  const signals = rows.map((e) => sig(e.text));
  const pU = new Array<number>(rows.length);
  const pS = new Array<number>(rows.length);
  for (const held of files) {
    const tr = rows.flatMap((e, i) => (e.file === held ? [] : [i]));
    const te = rows.flatMap((e, i) => (e.file === held ? [i] : []));
    const vocab = buildVocabulary(tr.map((i) => tokens[i]), features);
    const F = vocab.idf.length;
    let xs = tokens.map((t) => vectorize(t, vocab));
    if (v.nb) {
      const pos = new Float64Array(F).fill(v.nb.alpha), neg = new Float64Array(F).fill(v.nb.alpha);
      for (const i of tr) for (const j of xs[i].indices) (v.nb.positive.includes(truth[i]) ? pos : neg)[j]++;
      let sp = 0, sn = 0;
      for (let j = 0; j < F; j++) { sp += pos[j]; sn += neg[j]; }
      const r = new Float32Array(F);
      for (let j = 0; j < F; j++) r[j] = Math.pow(Math.abs(Math.log((pos[j] / sp) / (neg[j] / sn))), v.nb.power);
      xs = xs.map((x) => ({ indices: x.indices, values: x.values.map((val, k) => val * r[x.indices[k]]) }));
    }
    const trIdx = v.weights ? tr.flatMap((i) => Array(v.weights![truth[i]]).fill(i)) : tr;
    const m = train(trIdx.map((i) => urgencyInput(xs[i], signals[i], F)), trIdx.map((i) => truth[i]), F + nSig, 3, { epochs: v.epochs ?? 20, l2: v.l2, learningRate: v.lr });
    for (const i of te) {
      const p = softmaxInPlace(scores(m, urgencyInput(xs[i], signals[i], F)));
      pU[i] = p[2];
      pS[i] = p[1];
      if (v.errors) {
        const level = p[2] >= URGENCY_THRESHOLDS.urgent ? 2 : p[2] + p[1] >= URGENCY_THRESHOLDS.semiUrgent ? 1 : 0;
        const rules = analyseUrgency(rows[i].text).rules;
        if (level !== truth[i]) console.log([rows[i].file, rows[i].register, `truth=${rows[i].urgency}`, `pred=${LEVELS[level]}`, `pU=${p[2].toFixed(2)} pS=${p[1].toFixed(2)}`, `rules=${rules.level}:${rules.reasons.join(',')}`, rows[i].text.replace(/\s+/g, ' ')].join('\t'));
      }
      if (v.sentences) {
        const parts = rows[i].text.split(/[。！？!?\n]+/).filter((x) => x.length >= 6);
        if (parts.length > 1) for (const part of parts) {
          const q = softmaxInPlace(scores(m, urgencyInput(vectorize(tokenize(part, features), vocab), sig(part), F)));
          const blend = v.sentenceWeight ?? 1;
          if (q[2] * blend > pU[i]) pU[i] = q[2] * blend;
          if ((q[2] + q[1]) * blend > pU[i] + pS[i]) pS[i] = (q[2] + q[1]) * blend - pU[i];
        }
      }
    }
  }
  evaluate(v.name, pU, pS);
  return { pU, pS };
}

const which = process.argv[2] ?? 'base';
if (which === 'base') run({ name: 'chosen: words + bigrams + rule signals' });
if (which === 'errors') run({ name: 'chosen', errors: true });
if (which === 'hyper') {
  for (const epochs of [10, 20, 40]) for (const l2 of [1e-6, 1e-5, 1e-4]) run({ name: `ep${epochs} l2 ${l2}`, epochs, l2 });
}
if (which === 'feat') {
  run({ name: 'trigrams', features: { trigrams: true } });
  run({ name: 'unigrams', features: { unigrams: true } });
  run({ name: 'no addr', features: { addresses: false } });
  run({ name: 'no signals', signals: () => [] });
}
if (which === 'sent') {
  run({ name: 'sentence max', sentences: true });
  run({ name: 'sentence max x0.7', sentences: true, sentenceWeight: 0.7 });
  run({ name: 'sentence max x0.5', sentences: true, sentenceWeight: 0.5 });
}
if (which === 'nb') {
  for (const power of [0.5, 1]) {
    run({ name: `nb U vs rest a1 pow${power}`, nb: { positive: [2], alpha: 1, power } });
    run({ name: `nb U+S vs N a1 pow${power}`, nb: { positive: [1, 2], alpha: 1, power } });
  }
}
if (which === 'weights') {
  run({ name: 'w 1/2/2', weights: [1, 2, 2] });
  run({ name: 'w 1/3/3', weights: [1, 3, 3] });
}
