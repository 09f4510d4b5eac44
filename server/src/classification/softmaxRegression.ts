import type { SparseVector } from './features';

/**
 * Multinomial logistic regression over sparse vectors, trained by SGD with
 * L2 weight decay. Weights are feature-major (row j holds every class's
 * weight for feature j) so scoring a sparse text touches only its rows.
 */
export interface LinearModel {
  numFeatures: number;
  numClasses: number;
  weights: Float32Array;
  bias: Float32Array;
}

export interface TrainOptions {
  epochs?: number;
  learningRate?: number;
  l2?: number;
  seed?: number;
}

/** Small deterministic PRNG (mulberry32) so a retrain on the same data gives the same model; tests draw their random inputs from it too. */
export function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** float64 accumulators, one per class count, reused (scoring is synchronous) */
const scratch = new Map<number, Float64Array>();
function scratchOf(C: number): Float64Array {
  let a = scratch.get(C);
  if (!a) scratch.set(C, (a = new Float64Array(C)));
  return a;
}

/** `count`: score only the first `count` entries of `x` (a prefix of a longer vector, without copying it). */
export function scores(model: LinearModel, x: SparseVector, out: Float32Array = new Float32Array(model.numClasses), count = x.indices.length): Float32Array {
  // Locals, not property loads, inside the loop: this is the scorer's whole cost.
  const C = model.numClasses;
  const w = model.weights;
  const indices = x.indices;
  const values = x.values;
  const acc = scratchOf(C);
  for (let c = 0; c < C; c++) acc[c] = model.bias[c];
  const n = count;
  let k = 0;
  // Four features per pass over the classes: one load and store of each accumulator instead of four
  // (measured ~45 % less time for the 83-class leaf model). Eight when there are: `acc + (four) + (four)`
  // adds in exactly the order of two passes of four (JS adds left to right), so the sums are the same to the
  // last bit, with half the accumulator loads and stores and loop steps.
  for (; k + 8 <= n; k += 8) {
    const r1 = indices[k] * C, r2 = indices[k + 1] * C, r3 = indices[k + 2] * C, r4 = indices[k + 3] * C;
    const r5 = indices[k + 4] * C, r6 = indices[k + 5] * C, r7 = indices[k + 6] * C, r8 = indices[k + 7] * C;
    const v1 = values[k], v2 = values[k + 1], v3 = values[k + 2], v4 = values[k + 3];
    const v5 = values[k + 4], v6 = values[k + 5], v7 = values[k + 6], v8 = values[k + 7];
    for (let c = 0; c < C; c++) {
      acc[c] = acc[c] + (v1 * w[r1 + c] + v2 * w[r2 + c] + v3 * w[r3 + c] + v4 * w[r4 + c]) + (v5 * w[r5 + c] + v6 * w[r6 + c] + v7 * w[r7 + c] + v8 * w[r8 + c]);
    }
  }
  for (; k + 4 <= n; k += 4) {
    const r1 = indices[k] * C, r2 = indices[k + 1] * C, r3 = indices[k + 2] * C, r4 = indices[k + 3] * C;
    const v1 = values[k], v2 = values[k + 1], v3 = values[k + 2], v4 = values[k + 3];
    for (let c = 0; c < C; c++) acc[c] += v1 * w[r1 + c] + v2 * w[r2 + c] + v3 * w[r3 + c] + v4 * w[r4 + c];
  }
  for (; k < n; k++) {
    const row = indices[k] * C;
    const v = values[k];
    for (let c = 0; c < C; c++) acc[c] += v * w[row + c];
  }
  for (let c = 0; c < C; c++) out[c] = acc[c];
  return out;
}

export function softmaxInPlace(z: Float32Array): Float32Array {
  let max = -Infinity;
  for (let i = 0; i < z.length; i++) if (z[i] > max) max = z[i];
  let sum = 0;
  for (let i = 0; i < z.length; i++) {
    z[i] = Math.exp(z[i] - max);
    sum += z[i];
  }
  for (let i = 0; i < z.length; i++) z[i] /= sum;
  return z;
}

export function train(xs: SparseVector[], ys: number[], numFeatures: number, numClasses: number, opts: TrainOptions = {}): LinearModel {
  const epochs = opts.epochs ?? 20;
  const lr0 = opts.learningRate ?? 1.0;
  const l2 = opts.l2 ?? 1e-5;
  const random = mulberry32(opts.seed ?? 12345);
  const model: LinearModel = { numFeatures, numClasses, weights: new Float32Array(numFeatures * numClasses), bias: new Float32Array(numClasses) };
  const order = xs.map((_, i) => i);
  const p = new Float32Array(numClasses);
  // Weight decay applied lazily through a global scale, so each step stays sparse.
  let scale = 1;
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const i of order) {
      const lr = lr0 / (1 + 0.02 * step++ / xs.length);
      const x = xs[i];
      scores(model, x, p);
      if (scale !== 1) for (let c = 0; c < numClasses; c++) p[c] = (p[c] - model.bias[c]) * scale + model.bias[c];
      softmaxInPlace(p);
      p[ys[i]] -= 1; // gradient of cross-entropy w.r.t. the logits
      scale *= 1 - lr * l2;
      const g = lr / scale;
      for (let k = 0; k < x.indices.length; k++) {
        const row = x.indices[k] * numClasses;
        const v = x.values[k] * g;
        for (let c = 0; c < numClasses; c++) model.weights[row + c] -= v * p[c];
      }
      for (let c = 0; c < numClasses; c++) model.bias[c] -= lr * p[c];
      if (scale < 1e-3) {
        for (let w = 0; w < model.weights.length; w++) model.weights[w] *= scale;
        scale = 1;
      }
    }
  }
  if (scale !== 1) for (let w = 0; w < model.weights.length; w++) model.weights[w] *= scale;
  return model;
}

/**
 * How a stored model keeps its two big weight matrices (the 83-leaf model and the first-level model, issue 12,
 * branch `clq8`): float32 as trained, or rounded to 16- or 8-bit integers with one float32 scale per feature row
 * (w ≈ q × rowScale[j]). Rows are feature-major, so a text reads one contiguous row of `numClasses` small
 * integers per feature, a quarter of the bytes at int8; the scale folds into the feature's value once per row,
 * so the inner loop is the float loop's with an integer load. A scale per row (not per class or per matrix)
 * because rows differ by orders of magnitude (a rare n-gram's NB log-ratio against a common word's).
 */
export type WeightFormat = 'float32' | 'int16' | 'int8';
export const WEIGHT_FORMATS: WeightFormat[] = ['float32', 'int16', 'int8'];

/** A linear model whose weights may be row-scaled integers (rowScale null: float32 weights, used as they are). */
export interface RowScaledModel {
  numFeatures: number;
  numClasses: number;
  weights: Float32Array | Int16Array | Int8Array;
  /** per feature row; null for float32 weights */
  rowScale: Float32Array | null;
  bias: Float32Array;
}

export function weightFormatOf(model: RowScaledModel): WeightFormat {
  return model.weights instanceof Int8Array ? 'int8' : model.weights instanceof Int16Array ? 'int16' : 'float32';
}

/**
 * Rounds each feature row to integers in ±(2^(bits−1) − 1) scaled by the row's largest |w|. float32: the model
 * itself (no copy). Every weight moves by at most half its row's scale.
 */
export function quantize(model: LinearModel | RowScaledModel, format: WeightFormat): RowScaledModel {
  const F = model.numFeatures;
  const C = model.numClasses;
  const from = dequantized(model);
  if (format === 'float32') return { numFeatures: F, numClasses: C, weights: from, rowScale: null, bias: model.bias };
  const top = format === 'int8' ? 127 : 32767;
  const q = format === 'int8' ? new Int8Array(F * C) : new Int16Array(F * C);
  const rowScale = new Float32Array(F);
  for (let j = 0; j < F; j++) {
    let max = 0;
    for (let c = 0; c < C; c++) max = Math.max(max, Math.abs(from[j * C + c]));
    if (max === 0) continue; // an all-zero row: scale 0, integers 0
    const s = Math.fround(max / top);
    rowScale[j] = s;
    for (let c = 0; c < C; c++) q[j * C + c] = Math.max(-top, Math.min(top, Math.round(from[j * C + c] / s)));
  }
  return { numFeatures: F, numClasses: C, weights: q, rowScale, bias: model.bias };
}

/** The float32 weights a model scores with (a copy for integer weights; the array itself for float32). */
export function dequantized(model: LinearModel | RowScaledModel): Float32Array {
  const scale = 'rowScale' in model ? model.rowScale : null;
  if (!scale) return model.weights as Float32Array;
  const C = model.numClasses;
  const out = new Float32Array(model.weights.length);
  for (let i = 0; i < out.length; i++) out[i] = model.weights[i] * scale[(i / C) | 0];
  return out;
}

/** One weight as the model scores with it. */
export function weightAt(model: RowScaledModel, feature: number, cls: number): number {
  const w = model.weights[feature * model.numClasses + cls];
  return model.rowScale ? w * model.rowScale[feature] : w;
}

/** `scores` for a row-scaled model: float32 weights go to `scores` itself; integers to a kernel of their own type. */
export function scoresRowScaled(model: RowScaledModel, x: SparseVector, out: Float32Array = new Float32Array(model.numClasses)): Float32Array {
  if (!model.rowScale) return scores(model as LinearModel, x, out);
  // one kernel per element type: a single function fed both would see two array kinds and deoptimise
  return model.weights instanceof Int8Array ? scoresInt8(model.weights, model.rowScale, model, x, out) : scoresInt16(model.weights as Int16Array, model.rowScale, model, x, out);
}

// The two kernels below are the same code but for the weights' type (see scoresRowScaled). As in `scores`:
// eight (then four) features per pass over the classes, each feature's value times its row's scale computed once.
function scoresInt8(w: Int8Array, rowScale: Float32Array, model: RowScaledModel, x: SparseVector, out: Float32Array): Float32Array {
  const C = model.numClasses;
  const indices = x.indices;
  const values = x.values;
  const acc = scratchOf(C);
  for (let c = 0; c < C; c++) acc[c] = model.bias[c];
  const n = indices.length;
  let k = 0;
  for (; k + 8 <= n; k += 8) {
    const j1 = indices[k], j2 = indices[k + 1], j3 = indices[k + 2], j4 = indices[k + 3];
    const j5 = indices[k + 4], j6 = indices[k + 5], j7 = indices[k + 6], j8 = indices[k + 7];
    const r1 = j1 * C, r2 = j2 * C, r3 = j3 * C, r4 = j4 * C, r5 = j5 * C, r6 = j6 * C, r7 = j7 * C, r8 = j8 * C;
    const v1 = values[k] * rowScale[j1], v2 = values[k + 1] * rowScale[j2], v3 = values[k + 2] * rowScale[j3], v4 = values[k + 3] * rowScale[j4];
    const v5 = values[k + 4] * rowScale[j5], v6 = values[k + 5] * rowScale[j6], v7 = values[k + 6] * rowScale[j7], v8 = values[k + 7] * rowScale[j8];
    for (let c = 0; c < C; c++) {
      acc[c] = acc[c] + (v1 * w[r1 + c] + v2 * w[r2 + c] + v3 * w[r3 + c] + v4 * w[r4 + c]) + (v5 * w[r5 + c] + v6 * w[r6 + c] + v7 * w[r7 + c] + v8 * w[r8 + c]);
    }
  }
  for (; k + 4 <= n; k += 4) {
    const j1 = indices[k], j2 = indices[k + 1], j3 = indices[k + 2], j4 = indices[k + 3];
    const r1 = j1 * C, r2 = j2 * C, r3 = j3 * C, r4 = j4 * C;
    const v1 = values[k] * rowScale[j1], v2 = values[k + 1] * rowScale[j2], v3 = values[k + 2] * rowScale[j3], v4 = values[k + 3] * rowScale[j4];
    for (let c = 0; c < C; c++) acc[c] += v1 * w[r1 + c] + v2 * w[r2 + c] + v3 * w[r3 + c] + v4 * w[r4 + c];
  }
  for (; k < n; k++) {
    const j = indices[k];
    const row = j * C;
    const v = values[k] * rowScale[j];
    for (let c = 0; c < C; c++) acc[c] += v * w[row + c];
  }
  for (let c = 0; c < C; c++) out[c] = acc[c];
  return out;
}

function scoresInt16(w: Int16Array, rowScale: Float32Array, model: RowScaledModel, x: SparseVector, out: Float32Array): Float32Array {
  const C = model.numClasses;
  const indices = x.indices;
  const values = x.values;
  const acc = scratchOf(C);
  for (let c = 0; c < C; c++) acc[c] = model.bias[c];
  const n = indices.length;
  let k = 0;
  for (; k + 8 <= n; k += 8) {
    const j1 = indices[k], j2 = indices[k + 1], j3 = indices[k + 2], j4 = indices[k + 3];
    const j5 = indices[k + 4], j6 = indices[k + 5], j7 = indices[k + 6], j8 = indices[k + 7];
    const r1 = j1 * C, r2 = j2 * C, r3 = j3 * C, r4 = j4 * C, r5 = j5 * C, r6 = j6 * C, r7 = j7 * C, r8 = j8 * C;
    const v1 = values[k] * rowScale[j1], v2 = values[k + 1] * rowScale[j2], v3 = values[k + 2] * rowScale[j3], v4 = values[k + 3] * rowScale[j4];
    const v5 = values[k + 4] * rowScale[j5], v6 = values[k + 5] * rowScale[j6], v7 = values[k + 6] * rowScale[j7], v8 = values[k + 7] * rowScale[j8];
    for (let c = 0; c < C; c++) {
      acc[c] = acc[c] + (v1 * w[r1 + c] + v2 * w[r2 + c] + v3 * w[r3 + c] + v4 * w[r4 + c]) + (v5 * w[r5 + c] + v6 * w[r6 + c] + v7 * w[r7 + c] + v8 * w[r8 + c]);
    }
  }
  for (; k + 4 <= n; k += 4) {
    const j1 = indices[k], j2 = indices[k + 1], j3 = indices[k + 2], j4 = indices[k + 3];
    const r1 = j1 * C, r2 = j2 * C, r3 = j3 * C, r4 = j4 * C;
    const v1 = values[k] * rowScale[j1], v2 = values[k + 1] * rowScale[j2], v3 = values[k + 2] * rowScale[j3], v4 = values[k + 3] * rowScale[j4];
    for (let c = 0; c < C; c++) acc[c] += v1 * w[r1 + c] + v2 * w[r2 + c] + v3 * w[r3 + c] + v4 * w[r4 + c];
  }
  for (; k < n; k++) {
    const j = indices[k];
    const row = j * C;
    const v = values[k] * rowScale[j];
    for (let c = 0; c < C; c++) acc[c] += v * w[row + c];
  }
  for (let c = 0; c < C; c++) out[c] = acc[c];
  return out;
}
