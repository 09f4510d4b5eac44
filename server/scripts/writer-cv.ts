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
 *
 * --weights=float32,int16,int8: the stored weight formats compared by leave-one-writer-out over every writer, one
 *   float32 training per fold rounded to each format; `classify eval`'s figures per format (calibration: T = 1).
 *
 * --urgency: the urgency figures instead (urgency labels kept, no calibration folds: the temperature does not touch
 *   urgency). Leave-one-writer-out over EVERY training writer (or --folds=…), or with --fresh=FILE,… trained on the
 *   whole corpus except those files and scored on them. Prints 紧急 / 次紧急 precision and recall at
 *   URGENCY_THRESHOLDS (pooled, per fold writer, per register), a threshold grid, and with --dump=FILE.jsonl one line
 *   per scored text {writer, register, truth, pU, pS, rules, reasons, defused, signals, text}, for error analysis and
 *   threshold sweeps without retraining.
 * --urgency --from-dump=FILE.jsonl: no training; the folds' P(紧急), P(次紧急) are read from such a dump, the rules are
 *   re-applied to each text with the current code, and the same figures and sweeps printed (the set-aside sweep chose
 *   URGENCY_THRESHOLDS.setAsideUrgent / setAsideSemi). --show-set-aside prints every text whose dangers the rules set
 *   aside and that a threshold pair of the sweep would not call 普通, with its label.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_TREE } from '../src/categories/defaultTree';
import { BLEND, Classifier, decideUrgency, URGENCY_THRESHOLDS, type ClassifierTrainOptions, type UrgencyThresholds, type TrainingExample } from '../src/classification/classifier';
import { allDangerSetAside, analyseUrgency, URGENCY_SIGNALS, type Urgency, type UrgencyResult } from '../src/classification/urgency';
import { evaluate } from '../src/classification/evaluate';
import type { WeightFormat } from '../src/classification/softmaxRegression';
import type { ClassificationView } from '@ssp/shared';
import { CORPUS_DIR, examplesOf, leavesOf, loadJsonl, loadSeedCorpus, loadTrainingCorpus, seedTreeAsNodes, type LabelledText } from '../src/classification/trainingData';

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

if (opt('weights')) {
  // --weights=float32,int16,int8: the weight formats compared (issue 12, branch `clq8`). Leave-one-writer-out over
  // every training writer (or --folds=…): per fold ONE float32 training (no urgency labels, no calibration folds),
  // rounded to each format (Classifier.withWeightFormat gives what training with that format gives), every format
  // scoring the fold's texts. Printed per format: `classify eval`'s figures pooled over the folds (accuracy, top-3,
  // ECE at temperature 1, per register), and how many first
  // levels and categories differ from the first format's.
  const formats = opt('weights')!.split(',') as WeightFormat[];
  const all = opt('folds') ? folds : writers;
  const rows: LabelledText[] = [];
  const views = new Map<WeightFormat, ClassificationView[]>(formats.map((f) => [f, []]));
  const started = performance.now();
  for (const w of all) {
    // urgency labels dropped, as in the default mode (~4× faster): the urgency models read the text's features, not
    // the leaf or first-level weights, so a weight format cannot change an urgency level (quantizedWeights.test.ts)
    const trainOn = [...base, ...writers.filter((x) => x !== w).flatMap((x) => byWriter.get(x)!)];
    const float = Classifier.train(trainOn, leaves, 0, { ...configs[0], calibrationFolds: 0, weights: 'float32' });
    const fold = byWriter.get(w)!.map((e) => ({ text: e.text, label: parentOf.get(e.label) ?? e.label, register: e.register }));
    rows.push(...fold);
    for (const f of formats) {
      const c = float.withWeightFormat(f);
      for (const e of fold) views.get(f)!.push(c.classify(e.text));
    }
    console.error(`  ${w} scored (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  const reference = views.get(formats[0])!;
  for (const f of formats) {
    const list = views.get(f)!;
    let i = 0;
    const report = evaluate({ classify: () => list[i++] }, rows);
    const differ = (pick: (v: ClassificationView) => string) => list.filter((v, k) => pick(v) !== pick(reference[k])).length;
    const { perClass: _p, reliability: _r, msPerText: _m, urgentPrecision: _up, urgentRecall: _ur, semiUrgentPrecision: _sp, semiUrgentRecall: _sr, ...figures } = report;
    console.log(
      JSON.stringify({
        format: f,
        folds: all.length,
        ...figures,
        differFrom: formats[0],
        firstLevelDiffers: differ((v) => v.firstLevel.code),
        categoryDiffers: differ((v) => v.top3[0].code),
        maxConfidenceDiff: Math.max(...list.map((v, k) => Math.abs(v.confidence - reference[k].confidence))),
      }),
    );
  }
  process.exit(0);
}

if (args.includes('--urgency')) {
  interface UScored { writer: string; register: string; truth: Urgency; pU: number; pS: number; text: string; rules: UrgencyResult }
  const withUrgency = new Map(writers.map((w) => [w, loadTrainingCorpus(CORPUS_DIR, [w])]));
  const rounds: { writer: string; trainOn: TrainingExample[]; rows: { text: string; label: string; urgency?: Urgency; register?: string }[] }[] = [];
  if (freshFiles.length) {
    const fresh = new Set(freshFiles.map((f) => path.basename(f)));
    const trainOn = [...base, ...writers.filter((w) => !fresh.has(w)).flatMap((w) => withUrgency.get(w)!)];
    // one model for every fresh file (they are scored, never trained on)
    for (const f of freshFiles) rounds.push({ writer: path.basename(f, '.jsonl'), trainOn, rows: loadJsonl(f, parentOf) });
  } else {
    const all = opt('folds') ? folds : writers;
    for (const w of all) rounds.push({ writer: w.replace('.jsonl', ''), trainOn: [...base, ...writers.filter((x) => x !== w).flatMap((x) => withUrgency.get(x)!)], rows: withUrgency.get(w)! });
  }
  const fromDump = opt('from-dump');
  for (const config of configs) {
    Object.assign(BLEND, DEFAULT_BLEND, config.blend);
    const started = performance.now();
    const scored: UScored[] = fromDump
      ? readFileSync(fromDump, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => {
            const d = JSON.parse(l) as UScored;
            return { writer: d.writer, register: d.register, truth: d.truth, pU: d.pU, pS: d.pS, text: d.text, rules: analyseUrgency(d.text).rules };
          })
      : [];
    // the same folds' first level (the shipped model, urgency head included): accuracy pooled and per register
    const first: { writer: string; register: string; right: boolean }[] = [];
    let model: Classifier | null = null;
    let trainedOn: TrainingExample[] | null = null;
    for (const round of fromDump ? [] : rounds) {
      if (round.trainOn !== trainedOn) {
        model = Classifier.train(round.trainOn, leaves, 0, { ...config, calibrationFolds: 0 });
        trainedOn = round.trainOn;
      }
      for (const e of round.rows) {
        first.push({ writer: round.writer, register: e.register ?? '?', right: model!.classify(e.text).firstLevel.code === (parentOf.get(e.label) ?? e.label) });
        if (!e.urgency) continue;
        const u = model!.urgencyOf(e.text);
        scored.push({ writer: round.writer, register: e.register ?? '?', truth: e.urgency, pU: u.modelUrgent, pS: u.modelSemi, text: e.text, rules: analyseUrgency(e.text).rules });
      }
      console.error(`  ${config.name}: ${round.writer} scored (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    }
    // the shipped decision: the model's probabilities, and a live 紧急 rule above URGENCY_THRESHOLDS.ruleFloor
    const level = (s: UScored, t: UrgencyThresholds = URGENCY_THRESHOLDS): Urgency => decideUrgency(s.rules, s.pU, s.pS, t).level;
    const pr = (rows: UScored[], l: Urgency, t: UrgencyThresholds = URGENCY_THRESHOLDS) => {
      let tp = 0, fp = 0, fn = 0;
      for (const s of rows) {
        const got = level(s, t);
        if (got === l && s.truth === l) tp++;
        else if (got === l) fp++;
        else if (s.truth === l) fn++;
      }
      return `P ${r3(tp / Math.max(tp + fp, 1))} R ${r3(tp / Math.max(tp + fn, 1))} (${tp + fn})`;
    };
    const line = (rows: UScored[], t: UrgencyThresholds = URGENCY_THRESHOLDS) => `紧急 ${pr(rows, 'urgent', t)} | 次紧急 ${pr(rows, 'semi_urgent', t)}`;
    console.log(`${config.name}: ${freshFiles.length ? 'fresh' : 'leave-one-writer-out'}, thresholds ${JSON.stringify(URGENCY_THRESHOLDS)}, ${scored.length} texts (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    console.log(`  pooled: ${line(scored)}`);
    const firstAcc = (rows: typeof first) => `${r3(rows.filter((x) => x.right).length / Math.max(rows.length, 1))} (${rows.length})`;
    console.log(`  first level: ${firstAcc(first)} · ${[...new Set(first.map((x) => x.register))].sort().map((r) => `${r} ${firstAcc(first.filter((x) => x.register === r))}`).join(' · ')}`);
    console.log(`  first level per writer: ${[...new Set(first.map((x) => x.writer))].map((w) => `${w} ${firstAcc(first.filter((x) => x.writer === w))}`).join(' · ')}`);
    for (const w of [...new Set(scored.map((s) => s.writer))]) console.log(`  ${w.padEnd(8)} ${line(scored.filter((s) => s.writer === w))}`);
    for (const r of [...new Set(scored.map((s) => s.register))].sort()) console.log(`  ${r.padEnd(10)} ${line(scored.filter((s) => s.register === r))}`);
    for (const tu of [0.15, 0.18, 0.2, 0.22, 0.25]) for (const k of [0, 0.5, 0.7]) for (const ts of [0.06, 0.08, 0.1]) console.log(`  grid ${tu} / ${ts}, ×${k}: ${line(scored, { urgent: tu, semiUrgent: ts, urgentOverSemi: k })}`);
    for (const floor of [undefined, 0, 0.04, 0.06, 0.08, 0.1, 0.12, 0.15]) console.log(`  rule floor ${floor ?? 'none'}: ${line(scored, { ...URGENCY_THRESHOLDS, ruleFloor: floor })}`);
    // Texts whose every danger the rules set aside (negated, over, 不紧急): how many the model raises, and at what cost.
    const aside = scored.filter((s) => allDangerSetAside(s.rules));
    const count = (rows: UScored[], truth: Urgency, t: UrgencyThresholds) => rows.filter((s) => s.truth === truth && level(s, t) !== 'normal').length;
    console.log(`  set aside by the rules: ${aside.length} texts, labelled 紧急 ${aside.filter((s) => s.truth === 'urgent').length}, 次紧急 ${aside.filter((s) => s.truth === 'semi_urgent').length}, 普通 ${aside.filter((s) => s.truth === 'normal').length}`);
    // a danger only feared or asked about (万一着火怎么跑) is not set aside: how the writers label those texts
    const feared = scored.filter((s) => s.rules.level === 'normal' && !s.rules.defused && s.rules.hypothetical);
    console.log(`  feared or asked about only (not set aside): ${feared.length} texts, labelled 紧急 ${feared.filter((s) => s.truth === 'urgent').length}, 次紧急 ${feared.filter((s) => s.truth === 'semi_urgent').length}, 普通 ${feared.filter((s) => s.truth === 'normal').length}`);
    const NEVER = 1.01;
    for (const su of [undefined, 0.25, 0.3, 0.4, 0.5, 0.7, 0.9, NEVER]) {
      for (const ss of [undefined, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.9, NEVER]) {
        const t = { ...URGENCY_THRESHOLDS, setAsideUrgent: su, setAsideSemi: ss };
        const raised = aside.filter((s) => level(s, t) !== 'normal');
        console.log(
          `  set aside 紧急 ≥ ${su ?? 'as others'}, 次紧急 ≥ ${ss ?? 'as others'}: ${line(scored, t)} · raised ${raised.length} (紧急 ${count(aside, 'urgent', t)}, 次紧急 ${count(aside, 'semi_urgent', t)}, 普通 ${count(aside, 'normal', t)})`,
        );
      }
    }
    if (args.includes('--show-set-aside')) {
      for (const s of aside) {
        const before = level(s, { ...URGENCY_THRESHOLDS, setAsideUrgent: undefined, setAsideSemi: undefined });
        console.log(['ASIDE', s.writer, s.register, s.truth, `shipped ${level(s)}`, `before ${before}`, s.pU.toFixed(3), s.pS.toFixed(3), s.text.replace(/\s+/g, ' ')].join('\t'));
      }
    }
    const dump = opt('dump');
    if (dump) {
      writeFileSync(
        configs.length > 1 ? dump.replace(/\.jsonl$/, `.${config.name}.jsonl`) : dump,
        scored
          .map((s) => {
            const a = analyseUrgency(s.text);
            const predicted = decideUrgency(a.rules, s.pU, s.pS).level;
            const { rules: _r, ...row } = s;
            return JSON.stringify({ ...row, predicted, rules: a.rules.level, reasons: a.rules.reasons, defused: a.rules.defused, signals: a.signals.map((i) => URGENCY_SIGNALS[i]) });
          })
          .join('\n') + '\n',
      );
    }
  }
  process.exit(0);
}

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
