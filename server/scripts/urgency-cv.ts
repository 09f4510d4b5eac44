/**
 * node --import=tsx scripts/urgency-cv.ts
 *
 * Urgency model choice on the TRAINING corpus only (held-out sets never read):
 * leave-one-writer-out (train on every other writer's file, score this one), so
 * thresholds are chosen on wordings the model has not seen, as on a new writer's text.
 * Compares the earlier design (rules decide, a text-only model may raise) with a model that
 * takes the rules as features, over a grid of thresholds, and prints the 紧急 / 次紧急 figures.
 */
import { readdirSync } from 'node:fs';
import { combineUrgency, URGENCY_MODEL_DEFAULTS, urgencyInput } from '../src/classification/classifier';
import { buildVocabulary, DEFAULT_FEATURES, tokenize, vectorize, type FeatureOptions } from '../src/classification/features';
import { scores, softmaxInPlace, train } from '../src/classification/softmaxRegression';
import { CORPUS_DIR, loadTrainingCorpus } from '../src/classification/trainingData';
import { detectUrgency, URGENCY_SIGNALS, urgencySignals, type Urgency } from '../src/classification/urgency';

const LEVELS: Urgency[] = ['normal', 'semi_urgent', 'urgent'];
const files = readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.jsonl')).sort();
const rows = files.flatMap((f) => loadTrainingCorpus(CORPUS_DIR, [f]).map((e) => ({ ...e, file: f }))).filter((e) => e.urgency);
const features: FeatureOptions = { ...DEFAULT_FEATURES, ...(process.env.FEATURES ? JSON.parse(process.env.FEATURES) : {}) };
const tokens = rows.map((e) => tokenize(e.text, features));
const signals = rows.map((e) => urgencySignals(e.text));
const rules = rows.map((e) => detectUrgency(e.text));
const r3 = (n: number) => Math.round(n * 1000) / 1000;

interface Out { pU: number; pS: number; pUraw: number; pSraw: number }
const out: Out[] = new Array(rows.length);
const scales = (process.env.SCALES ?? String(URGENCY_MODEL_DEFAULTS.signalScale)).split(',').map(Number);
for (const scale of scales) {
  for (const held of files) {
    const tr = rows.flatMap((e, i) => (e.file === held ? [] : [i]));
    const te = rows.flatMap((e, i) => (e.file === held ? [i] : []));
    const vocab = buildVocabulary(tr.map((i) => tokens[i]), features);
    const F = vocab.idf.length;
    const xs = tokens.map((t) => vectorize(t, vocab));
    const ys = tr.map((i) => LEVELS.indexOf(rows[i].urgency!));
    const opts = { epochs: 20 };
    const withSig = train(tr.map((i) => urgencyInput(xs[i]!, signals[i], F, scale)), ys, F + URGENCY_SIGNALS.length, 3, opts);
    const plain = train(tr.map((i) => xs[i]!), ys, F, 3, opts);
    for (const i of te) {
      const p = softmaxInPlace(scores(withSig, urgencyInput(xs[i]!, signals[i], F, scale)));
      const q = softmaxInPlace(scores(plain, xs[i]!));
      out[i] = { pU: p[2], pS: p[1], pUraw: q[2], pSraw: q[1] };
    }
    console.error(`  scale ${scale}: without ${held} done`);
  }

  const figures = (levels: Urgency[], subset = rows.map((_, i) => i)) => {
    const pr = (level: Urgency) => {
      let tp = 0, fp = 0, fn = 0;
      for (const i of subset) {
        const truth = rows[i].urgency;
        if (levels[i] === level && truth === level) tp++;
        else if (levels[i] === level) fp++;
        else if (truth === level) fn++;
      }
      return [r3(tp / Math.max(tp + fp, 1)), r3(tp / Math.max(tp + fn, 1))];
    };
    const [uP, uR] = pr('urgent');
    const [sP, sR] = pr('semi_urgent');
    return `紧急 P ${uP} R ${uR} | 次紧急 P ${sP} R ${sR}`;
  };
  console.log(`\n=== signal scale ${scale}, leave-one-writer-out over ${files.join(' ')} (n=${rows.length}: ${LEVELS.map((l) => `${l} ${rows.filter((r) => r.urgency === l).length}`).join(', ')})`);
  console.log(`rules only:                 ${figures(rules.map((r) => r.level))}`);
  for (const tu of [0.2, 0.3, 0.4]) for (const ts of [0.3, 0.4]) {
    console.log(`before (rules decide) tu=${tu} ts=${ts}: ${figures(rows.map((_, i) => combineUrgency(rules[i], out[i].pUraw, out[i].pSraw, { urgent: tu, semiUrgent: ts }).level))}`);
  }
  const NOT_URGENT_SIGNAL = URGENCY_SIGNALS.indexOf('not_urgent');
  const variants: [string, (i: number, level: Urgency) => Urgency][] = [
    ['rules as features', (_, level) => level],
    ['rules as features, 不紧急 believed', (i, level) => (signals[i].includes(NOT_URGENT_SIGNAL) ? 'normal' : level)],
    ['rules as features, a live 紧急 rule kept', (i, level) => (rules[i].level === 'urgent' ? 'urgent' : level)],
  ];
  for (const [name, adjust] of variants) {
    for (const tu of [0.1, 0.12, 0.15, 0.2, 0.25, 0.3]) for (const ts of [0.05, 0.08, 0.1, 0.15, 0.2, 0.3]) {
      const levels = rows.map((_, i): Urgency => adjust(i, out[i].pU >= tu ? 'urgent' : out[i].pU + out[i].pS >= ts ? 'semi_urgent' : 'normal'));
      console.log(`${name} tu=${tu} ts=${ts}: ${figures(levels)}`);
    }
  }
}
