import test from 'ava';
import { dequantized, quantize, scores, scoresRowScaled, weightAt, weightFormatOf, type LinearModel } from './softmaxRegression';

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

test('quantize: int8 and int16 round each feature row to its own scale, within half a step, and score as their own dequantized weights', (t) => {
  let seed = 11;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const F = 40;
  for (const C of [3, 15, 83]) {
    // rows of very different sizes (a common word's weights beside a rare n-gram's), one row all zero
    const weights = Float32Array.from({ length: F * C }, (_, i) => (Math.floor(i / C) === 5 ? 0 : random() * 10 ** ((Math.floor(i / C) % 5) - 2)));
    const model: LinearModel = { numFeatures: F, numClasses: C, weights, bias: Float32Array.from({ length: C }, random) };
    t.is(quantize(model, 'float32').weights, weights, 'float32: the weights themselves');
    for (const [format, top] of [['int8', 127], ['int16', 32767]] as const) {
      const q = quantize(model, format);
      t.is(weightFormatOf(q), format);
      t.is(q.weights.length, F * C);
      t.is(q.bias, model.bias);
      const back = dequantized(q);
      for (let j = 0; j < F; j++) {
        let max = 0;
        for (let c = 0; c < C; c++) max = Math.max(max, Math.abs(weights[j * C + c]));
        t.true(Math.abs(q.rowScale![j] - max / top) <= max * 1e-6, `row ${j} scale`);
        for (let c = 0; c < C; c++) {
          t.true(Math.abs(q.weights[j * C + c]) <= top);
          // half a step of this row, plus float32 rounding of the product
          t.true(Math.abs(back[j * C + c] - weights[j * C + c]) <= q.rowScale![j] / 2 + max * 1e-6, `${format} C=${C} row ${j}`);
          t.is(weightAt(q, j, c), q.weights[j * C + c] * q.rowScale![j]);
        }
      }
      t.true(Array.from(back.subarray(5 * C, 6 * C)).every((w) => w === 0), 'the zero row stays zero');
      // round trip: rounding the dequantized weights again gives the same integers
      t.deepEqual(Array.from(quantize({ ...model, weights: back }, format).weights), Array.from(q.weights));
      // scoring: the integer kernel equals the float kernel on the dequantized weights (up to float32 rounding of the sums)
      const asFloat: LinearModel = { numFeatures: F, numClasses: C, weights: back, bias: model.bias };
      for (let n = 0; n <= 13; n++) {
        const indices = Int32Array.from({ length: n }, () => Math.floor(((random() + 1) / 2) * F));
        const values = Float32Array.from({ length: n }, random);
        const a = scoresRowScaled(q, { indices, values });
        const b = scores(asFloat, { indices, values });
        for (let c = 0; c < C; c++) t.true(Math.abs(a[c] - b[c]) <= 1e-5 * (1 + Math.abs(b[c])), `${format} C=${C} n=${n} class ${c}: ${a[c]} vs ${b[c]}`);
      }
    }
  }
});
