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
}

const r4 = (n: number) => Math.round(n * 10000) / 10000;

/**
 * First-level accuracy, macro-F1 over the classes present in the labels,
 * top-3 (true first-level code among the three most probable first-level
 * codes), and urgency precision/recall over rows that carry an `urgent` label.
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
    if (result.firstLevelTop3.some((f) => f.code === row.label)) top3++;
    if (typeof row.urgent === 'boolean') {
      if (result.urgent && row.urgent) uTp++;
      else if (result.urgent && !row.urgent) uFp++;
      else if (!result.urgent && row.urgent) uFn++;
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
  return {
    n: rows.length,
    accuracy: r4(correct / Math.max(rows.length, 1)),
    macroF1: r4(f1s.reduce((a, b) => a + b, 0) / Math.max(f1s.length, 1)),
    top3: r4(top3 / Math.max(rows.length, 1)),
    urgentPrecision: uTp + uFp ? r4(uTp / (uTp + uFp)) : null,
    urgentRecall: uTp + uFn ? r4(uTp / (uTp + uFn)) : null,
    perClass,
    msPerText: Math.round(msPerText * 1000) / 1000,
  };
}
