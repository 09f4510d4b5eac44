/**
 * node --import=tsx scripts/urgency-variants.ts [base|feat|hyper|weights|nb|sent|errors]   (GRID=1: a threshold grid)
 *
 * Urgency model variants under leave-one-writer-out on the TRAINING corpus only (held-out sets never
 * read): train on six writers' files, score the seventh. Each line prints 紧急 precision at the
 * thresholds reaching recall 0.90 and 0.95 (pooled over the folds), and 紧急 / 次紧急 P and R at two
 * fixed threshold pairs. `errors` prints every text the chosen design gets wrong (tab-separated:
 * writer, register, truth, prediction, probabilities, rule verdict, text) — what the rules were
 * revised from. The comparison table is in docs/LOG.md (issue 12, third round).
 */
import { readdirSync } from 'node:fs';
import { URGENCY_MODEL_DEFAULTS, URGENCY_THRESHOLDS, urgencyInput } from '../src/classification/classifier';
import { buildCharVocabulary, buildVocabulary, charFeatures, DEFAULT_FEATURES, tokenize, vectorize, type FeatureOptions } from '../src/classification/features';
import { scores, softmaxInPlace, train } from '../src/classification/softmaxRegression';
import { CORPUS_DIR, loadTrainingCorpus } from '../src/classification/trainingData';
import { analyseUrgency, URGENCY_SIGNALS, type Urgency } from '../src/classification/urgency';

const LEVELS: Urgency[] = ['normal', 'semi_urgent', 'urgent'];
const files = readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.jsonl')).sort();
const rows = files.flatMap((f) => loadTrainingCorpus(CORPUS_DIR, [f]).map((e) => ({ ...e, file: f }))).filter((e) => e.urgency);
const r3 = (n: number) => Math.round(n * 1000) / 1000;
const truth = rows.map((r) => LEVELS.indexOf(r.urgency!));
/**
 * FRESH=w9.jsonl,w10.jsonl: a fresh-writer check instead of leave-one-writer-out — every model is trained
 * on the other writers' files only (never on any FRESH file) and scores one FRESH file; the figures
 * pool the FRESH files. Run before the rules are revised from those files, it is as fair as a held-out set.
 */
const fresh = process.env.FRESH ? process.env.FRESH.split(',') : [];
const testFiles = fresh.length ? fresh : files;

// REPORT=w9.jsonl,w10.jsonl: also the figures of those folds only (the writers no rule was revised from)
const reportFiles = process.env.REPORT ? process.env.REPORT.split(',') : null;
function evaluate(name: string, pU: number[], pS: number[], report: string[] | null = null) {
  const scored = rows.flatMap((r, i) => (pU[i] === undefined || (report && !report.includes(r.file)) ? [] : [i]));
  // 紧急: precision at the largest threshold reaching recall 0.90 / 0.95
  const nU = scored.filter((i) => truth[i] === 2).length;
  const order = scored.map((i) => [pU[i], i] as const).sort((a, b) => b[0] - a[0]);
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
    for (const i of scored) {
      const l = pU[i] >= tu ? 2 : pU[i] + pS[i] >= ts ? 1 : 0;
      if (truth[i] === 1) nS++;
      if (l === 2 && truth[i] === 2) uTp++;
      else if (l === 2) uFp++;
      if (l === 1 && truth[i] === 1) sTp++;
      else if (l === 1) sFp++;
    }
    return `tu${tu}/ts${ts}: U P ${r3(uTp / (uTp + uFp))} R ${r3(uTp / nU)} S P ${r3(sTp / (sTp + sFp))} R ${r3(sTp / nS)}`;
  };
  if (process.env.GRID) for (const tu of (process.env.GRID_U ?? '0.08,0.1,0.12,0.15,0.2,0.25').split(',').map(Number)) console.log('  ' + (process.env.GRID_S ?? '0.05,0.08,0.1,0.15,0.2').split(',').map(Number).map((ts) => fixed(tu, ts)).join(' || '));
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
  /** a second block of features for the urgency model only: its own vocabulary (this fold's training texts), L2-normalised, × extraScale */
  extra?: (text: string) => string[];
  extraScale?: number;
  /** replace the shared text features by the extra block alone */
  extraOnly?: boolean;
  /** the shipped single-character block (features.ts charFeatures) × this; 0 = none; default URGENCY_MODEL_DEFAULTS.charScale */
  charScale?: number;
  /** the value of a rule signal's column (URGENCY_MODEL_DEFAULTS.signalScale) */
  signalScale?: number;
  /** average the probabilities with a second model trained without the rule signals, this weight on the second */
  textOnlyWeight?: number;
}

/** appends a block (already normalised) after `offset` columns */
function concat(a: { indices: Int32Array; values: Float32Array }, b: { indices: Int32Array; values: Float32Array }, offset: number, scale: number) {
  const indices = new Int32Array(a.indices.length + b.indices.length);
  const values = new Float32Array(indices.length);
  indices.set(a.indices);
  values.set(a.values);
  b.indices.forEach((j, k) => {
    indices[a.indices.length + k] = offset + j;
    values[a.indices.length + k] = b.values[k] * scale;
  });
  return { indices, values };
}

export function run(v: Variant) {
  const features: FeatureOptions = { ...DEFAULT_FEATURES, ...v.features };
  const tokens = rows.map((e) => tokenize(e.text, features));
  const sig = v.signals ?? ((t: string) => analyseUrgency(t).signals);
  const nSig = v.nSignals ?? URGENCY_SIGNALS.length;
  const signals = rows.map((e) => sig(e.text));
  const pU = new Array<number>(rows.length);
  const pS = new Array<number>(rows.length);
  for (const held of testFiles) {
    const tr = rows.flatMap((e, i) => (e.file === held || fresh.includes(e.file) ? [] : [i]));
    const te = rows.flatMap((e, i) => (e.file === held ? [i] : []));
    const vocab = buildVocabulary(tr.map((i) => tokens[i]), features);
    const F = vocab.idf.length;
    let xs = tokens.map((t) => vectorize(t, vocab));
    let F0 = F;
    if (v.extra) {
      const extraTokens = rows.map((e) => v.extra!(e.text));
      const ev = buildVocabulary(tr.map((i) => extraTokens[i]), { ...features, maxFeatures: Infinity });
      const empty = { indices: new Int32Array(0), values: new Float32Array(0) };
      xs = xs.map((x, i) => concat(v.extraOnly ? empty : x, vectorize(extraTokens[i], ev), v.extraOnly ? 0 : F, v.extraScale ?? 1));
      F0 = (v.extraOnly ? 0 : F) + ev.idf.length;
    }
    if (v.nb) {
      const pos = new Float64Array(F).fill(v.nb.alpha), neg = new Float64Array(F).fill(v.nb.alpha);
      for (const i of tr) for (const j of xs[i].indices) (v.nb.positive.includes(truth[i]) ? pos : neg)[j]++;
      let sp = 0, sn = 0;
      for (let j = 0; j < F; j++) { sp += pos[j]; sn += neg[j]; }
      const r = new Float32Array(F);
      for (let j = 0; j < F; j++) r[j] = Math.pow(Math.abs(Math.log((pos[j] / sp) / (neg[j] / sn))), v.nb.power);
      xs = xs.map((x) => ({ indices: x.indices, values: x.values.map((val, k) => val * r[x.indices[k]]) }));
    }
    const charScale = v.charScale ?? URGENCY_MODEL_DEFAULTS.charScale;
    if (charScale > 0) {
      const cv = buildCharVocabulary(tr.map((i) => rows[i].text));
      xs = xs.map((x, i) => urgencyInput(x, [], 0, 1, charFeatures(rows[i].text, cv, F0, charScale)));
      F0 += cv.idf.length;
    }
    const trIdx = v.weights ? tr.flatMap((i) => Array(v.weights![truth[i]]).fill(i)) : tr;
    const sc = v.signalScale ?? URGENCY_MODEL_DEFAULTS.signalScale;
    const textOnlyWeight = v.textOnlyWeight ?? URGENCY_MODEL_DEFAULTS.textOnlyWeight;
    const topts = { epochs: v.epochs ?? 20, l2: v.l2, learningRate: v.lr };
    const m = train(trIdx.map((i) => urgencyInput(xs[i], signals[i], F0, sc)), trIdx.map((i) => truth[i]), F0 + nSig, 3, topts);
    const m2 = textOnlyWeight ? train(trIdx.map((i) => xs[i]), trIdx.map((i) => truth[i]), F0, 3, topts) : null;
    for (const i of te) {
      const p = softmaxInPlace(scores(m, urgencyInput(xs[i], signals[i], F0, sc)));
      if (m2) {
        const q = softmaxInPlace(scores(m2, xs[i]));
        const w = textOnlyWeight;
        for (let k = 0; k < 3; k++) p[k] = (1 - w) * p[k] + w * q[k];
      }
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
  if (reportFiles) evaluate(`  [${reportFiles.join(' ')} only]`, pU, pS, reportFiles);
  return { pU, pS };
}

const which = process.argv[2] ?? 'base';
if (which === 'base') run({ name: 'chosen: (words + bigrams + characters x0.5 + rule signals) averaged with (words + bigrams + characters)' });
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

/** characters of the text, punctuation and spaces dropped, numbers as one placeholder (as the shared features) */
const CHAR_NOISE = /[\s\p{P}\p{S}]/u;
function charsOf(text: string): string {
  return text.toLowerCase().replace(/[0-9０-９]+/g, '0');
}
export function unigramTokens(text: string): string[] {
  const out: string[] = [];
  for (const c of charsOf(text)) if (!CHAR_NOISE.test(c)) out.push('u:' + c);
  return out;
}
export function uniBigramTokens(text: string): string[] {
  const out: string[] = [];
  for (const run of charsOf(text).split(/[\s\p{P}\p{S}]+/u)) {
    for (let i = 0; i < run.length; i++) {
      out.push('u:' + run[i]);
      if (i >= 1) out.push('b:' + run.slice(i - 1, i + 1));
    }
  }
  return out;
}
/** clause markers: past, over, feared; the grams of such a clause are marked, so the model can learn that a danger word there counts less */
const SCOPE_PAST = /(上周|上个?星期|上个?月|上礼拜|去年|前几天|前两天|前天|前段时间|之前|以前|上次|上回|那次|那天|当时|曾经|已经|已|修好|处理好|好了|没事|幸亏|幸好|好在)/;
const SCOPE_FEAR = /(万一|一旦|怕|担心|害怕|要是|如果|假如|哪天|迟早|早晚|以防|防止|避免|预防|隐患|容易|可能|会不会|是不是|怎么办|吗|？|\?)/;
const SCOPE_NEG = /(没有|没|不是|并非|未|并没)/;
export function scopedTokens(text: string, grams: 'u' | 'ub' = 'u', markOnly = false): string[] {
  const out: string[] = [];
  for (const clause of charsOf(text).split(/[，。！？!?,;；\n]+/)) {
    const mark = SCOPE_PAST.test(clause) ? 'p' : SCOPE_FEAR.test(clause) ? 'h' : SCOPE_NEG.test(clause) ? 'n' : '';
    for (const run of clause.split(/[\s\p{P}\p{S}]+/u)) {
      for (let i = 0; i < run.length; i++) {
        const g = ['u:' + run[i]];
        if (grams === 'ub' && i >= 1) g.push('b:' + run.slice(i - 1, i + 1));
        for (const t of g) {
          if (!markOnly || !mark) out.push(t);
          if (mark) out.push(mark + t);
        }
      }
    }
  }
  return out;
}

/**
 * The fourth round's comparison (docs/LOG.md, "Classification, fourth round"): every design with all its parts named. Run it twice, as
 * leave-one-writer-out and with FRESH=w9.jsonl,w10.jsonl (models trained without w9 and w10, scored on
 * them: the only writers no rule was revised from).
 */
if (which === 'table') {
  const third = { charScale: 0, textOnlyWeight: 0 };
  run({ ...third, name: 'third round: words + bigrams + rule signals' });
  for (const charScale of [0.3, 0.5, 0.7, 1]) run({ charScale, textOnlyWeight: 0, name: `+ characters x${charScale}` });
  run({ ...third, name: '+ characters and character bigrams x1', extra: uniBigramTokens });
  run({ ...third, name: '+ characters marked by clause scope x0.5', extra: (t) => scopedTokens(t), extraScale: 0.5 });
  run({ ...third, name: '+ characters marked by clause scope x1', extra: (t) => scopedTokens(t) });
  run({ textOnlyWeight: 0, name: 'characters x0.5, no rule signals', signals: () => [] });
  run({ textOnlyWeight: 0, name: 'characters x0.5, rule signals x0.25', signalScale: 0.25 });
  run({ textOnlyWeight: 0, name: 'characters x0.5, l2 1e-4', l2: 1e-4 });
  run({ textOnlyWeight: 0, name: 'characters x0.5, 10 epochs', epochs: 10 });
  run({ textOnlyWeight: 0, name: 'characters x0.5, NB-SVM 紧急 vs rest', nb: { positive: [2], alpha: 1, power: 0.5 } });
  run({ charScale: 0, textOnlyWeight: 0.5, name: 'no characters, averaged with a text-only model (0.5)' });
  for (const textOnlyWeight of [0.3, 0.5, 0.7]) run({ textOnlyWeight, name: `characters x0.5, averaged with a text-only model (${textOnlyWeight})` });
  run({ charScale: 1, textOnlyWeight: 0.5, name: 'characters x1, averaged with a text-only model (0.5)' });
}
if (which === 'confirm') {
  run({ charScale: 0, textOnlyWeight: 0, name: 'third round: words + bigrams + rule signals' });
  run({ textOnlyWeight: 0, name: '+ characters x0.5' });
  run({ name: 'chosen: characters x0.5, averaged with a text-only model (0.5)' });
}
