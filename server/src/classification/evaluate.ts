import type { Classifier } from './classifier';
import type { LabelledText } from './trainingData';

export interface PerClass {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface EvalReport {
  n: number;
  accuracy: number;
  macroF1: number;
  top3: number;
  urgentPrecision: number | null;
  urgentRecall: number | null;
  perClass: Record<string, PerClass>;
  msPerText: number;
  /** expected calibration error of `confidence` against first-level correctness, 10 equal-width bins */
  ece: number;
  /** per confidence bin: how many texts, their mean confidence and how many were right */
  reliability: ReliabilityBin[];
  /** first-level accuracy and top-3 for each `register` the lines carry */
  perRegister: Record<string, { n: number; accuracy: number; top3: number }>;
  /** over lines carrying `urgency`: 次紧急 as predicted vs labelled */
  semiUrgentPrecision: number | null;
  semiUrgentRecall: number | null;
}

export interface ReliabilityBin {
  /** lower edge of the confidence bin, e.g. 0.9 for [0.9, 1.0] */
  from: number;
  to: number;
  n: number;
  meanConfidence: number | null;
  accuracy: number | null;
}

const r4 = (n: number) => Math.round(n * 10000) / 10000;

/**
 * First-level accuracy, macro-F1 over the classes present in the labels,
 * top-3 (true first-level code among the three most probable first-level
 * codes), and urgency precision/recall over rows that carry an `urgent` label
 * (or an `urgency` level, which also gives the 次紧急 figures). Calibration:
 * ECE over 10 equal-width confidence bins, with the bins themselves as a
 * reliability table, so "confidence 0.8" can be checked to mean right 80 % of the time.
 */
export function evaluate(classifier: Pick<Classifier, 'classify'>, rows: LabelledText[]): EvalReport {
  const labels = new Set(rows.map((r) => r.label));
  const tp = new Map<string, number>();
  const fp = new Map<string, number>();
  const fn = new Map<string, number>();
  const inc = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  let correct = 0;
  let top3 = 0;
  let uTp = 0, uFp = 0, uFn = 0;
  let sTp = 0, sFp = 0, sFn = 0;
  const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, right: 0 }));
  const registers = new Map<string, { n: number; right: number; top3: number }>();
  const start = performance.now();
  for (const row of rows) {
    const result = classifier.classify(row.text);
    const predicted = result.firstLevel.code;
    if (predicted === row.label) {
      correct++;
      inc(tp, row.label);
    } else {
      inc(fp, predicted);
      inc(fn, row.label);
    }
    const inTop3 = result.firstLevelTop3.some((f) => f.code === row.label);
    if (inTop3) top3++;
    const bin = bins[Math.min(9, Math.floor(result.confidence * 10))];
    bin.n++;
    bin.conf += result.confidence;
    if (predicted === row.label) bin.right++;
    if (row.register) {
      const reg = registers.get(row.register) ?? { n: 0, right: 0, top3: 0 };
      reg.n++;
      if (predicted === row.label) reg.right++;
      if (inTop3) reg.top3++;
      registers.set(row.register, reg);
    }
    // A line with `urgency` is scored on the three levels; `urgent` alone (older files) only on 紧急.
    const predictedUrgency = result.urgency ?? (result.urgent ? 'urgent' : 'normal');
    if (row.urgency) {
      const labelled = row.urgency;
      if (predictedUrgency === 'semi_urgent' && labelled === 'semi_urgent') sTp++;
      else if (predictedUrgency === 'semi_urgent') sFp++;
      else if (labelled === 'semi_urgent') sFn++;
    }
    const urgentLabel = row.urgency ? row.urgency === 'urgent' : row.urgent;
    if (typeof urgentLabel === 'boolean') {
      if (result.urgent && urgentLabel) uTp++;
      else if (result.urgent && !urgentLabel) uFp++;
      else if (!result.urgent && urgentLabel) uFn++;
    }
  }
  const msPerText = (performance.now() - start) / Math.max(rows.length, 1);
  const perClass: Record<string, PerClass> = {};
  for (const label of [...labels].sort()) {
    const t = tp.get(label) ?? 0;
    const precision = t + (fp.get(label) ?? 0) ? t / (t + (fp.get(label) ?? 0)) : 0;
    const recall = t + (fn.get(label) ?? 0) ? t / (t + (fn.get(label) ?? 0)) : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perClass[label] = { precision: r4(precision), recall: r4(recall), f1: r4(f1), support: rows.filter((r) => r.label === label).length };
  }
  const f1s = Object.values(perClass).map((c) => c.f1);
  const total = Math.max(rows.length, 1);
  const ece = bins.reduce((a, b) => a + (b.n ? (b.n / total) * Math.abs(b.right / b.n - b.conf / b.n) : 0), 0);
  const perRegister: EvalReport['perRegister'] = {};
  for (const [name, reg] of [...registers].sort(([a], [b]) => a.localeCompare(b))) {
    perRegister[name] = { n: reg.n, accuracy: r4(reg.right / reg.n), top3: r4(reg.top3 / reg.n) };
  }
  return {
    n: rows.length,
    accuracy: r4(correct / Math.max(rows.length, 1)),
    macroF1: r4(f1s.reduce((a, b) => a + b, 0) / Math.max(f1s.length, 1)),
    top3: r4(top3 / Math.max(rows.length, 1)),
    urgentPrecision: uTp + uFp ? r4(uTp / (uTp + uFp)) : null,
    urgentRecall: uTp + uFn ? r4(uTp / (uTp + uFn)) : null,
    perClass,
    msPerText: Math.round(msPerText * 1000) / 1000,
    ece: r4(ece),
    reliability: bins.map((b, i) => ({ from: i / 10, to: (i + 1) / 10, n: b.n, meanConfidence: b.n ? r4(b.conf / b.n) : null, accuracy: b.n ? r4(b.right / b.n) : null })),
    perRegister,
    semiUrgentPrecision: sTp + sFp ? r4(sTp / (sTp + sFp)) : null,
    semiUrgentRecall: sTp + sFn ? r4(sTp / (sTp + sFn)) : null,
  };
}
