import test from 'ava';
import { scores, type LinearModel } from './softmaxRegression';

/** The scorer as it was before eight-feature passes: four features per pass, then one at a time. */
function byFours(model: LinearModel, indices: Int32Array, values: Float32Array, n: number): number[] {
  const C = model.numClasses;
  const w = model.weights;
  const acc = Array.from(model.bias);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const r1 = indices[k] * C, r2 = indices[k + 1] * C, r3 = indices[k + 2] * C, r4 = indices[k + 3] * C;
    for (let c = 0; c < C; c++) acc[c] += values[k] * w[r1 + c] + values[k + 1] * w[r2 + c] + values[k + 2] * w[r3 + c] + values[k + 3] * w[r4 + c];
  }
  for (; k < n; k++) for (let c = 0; c < C; c++) acc[c] += values[k] * w[indices[k] * C + c];
  return acc.map((a) => Math.fround(a));
}

test('scores: eight features per pass give bit for bit the sums of four per pass, for every length and prefix', (t) => {
  let seed = 7;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const F = 50;
  for (const C of [3, 15, 83]) {
    const model: LinearModel = { numFeatures: F, numClasses: C, weights: Float32Array.from({ length: F * C }, random), bias: Float32Array.from({ length: C }, random) };
    for (let n = 0; n <= 21; n++) {
      const indices = Int32Array.from({ length: n }, () => Math.floor(((random() + 1) / 2) * F));
      const values = Float32Array.from({ length: n }, random);
      t.deepEqual(Array.from(scores(model, { indices, values })), byFours(model, indices, values, n), `C=${C} n=${n}`);
      // a prefix (the urgency text-only model scores one) and a caller's output array
      const count = n >> 1;
      t.deepEqual(Array.from(scores(model, { indices, values }, new Float32Array(C), count)), byFours(model, indices, values, count), `C=${C} n=${n} prefix`);
    }
  }
});
