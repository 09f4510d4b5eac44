import test from 'ava';
import { buildVocabulary, DEFAULT_FEATURES, featurize, termCounts, vectorize, type SparseVector } from './features';
import { PackedRows } from './packedRows';
import { mulberry32, quantize, scores, scoresRowScaled, weightAt, type LinearModel, type RowScaledModel } from './softmaxRegression';

// Issue 12, speed (branch clspeed4): the packed rows must score exactly as the separate arrays did, bit for bit, and
// give back the models they were built from. Random models and vectors, seeded.

/** the same random inputs on every run */
const random = mulberry32;

function floatModel(rand: () => number, F: number, C: number): LinearModel {
  // rows of very different sizes (as the NB log-ratios are), some all zero
  const weights = Float32Array.from({ length: F * C }, (_, i) => ((i / C) | 0) % 11 === 5 ? 0 : (rand() - 0.5) * 10 ** Math.floor(rand() * 5 - 2));
  return { numFeatures: F, numClasses: C, weights, bias: Float32Array.from({ length: C }, () => rand() - 0.5) };
}

/** `n` distinct columns below `limit` in random order, with float32 values */
function vector(rand: () => number, n: number, limit: number, from = 0): SparseVector {
  const seen = new Set<number>();
  while (seen.size < n) seen.add(from + Math.floor(rand() * (limit - from)));
  return { indices: Int32Array.from(seen), values: Float32Array.from(seen, () => rand() * 2 - 0.5) };
}

const concat = (...xs: SparseVector[]): SparseVector => ({
  indices: Int32Array.from(xs.flatMap((x) => Array.from(x.indices))),
  values: Float32Array.from(xs.flatMap((x) => Array.from(x.values))),
});

for (const [C, K, F, chars, signals] of [
  [83, 15, 500, 40, 12],
  [7, 3, 64, 5, 2],
  [1, 1, 9, 1, 1],
  // four weights per load (branch clspeed7): leaf and first-level parts starting at every offset modulo 4, and shorter than the first load
  [84, 16, 200, 10, 3],
  [6, 9, 100, 4, 2],
  [81, 2, 50, 3, 1],
  [2, 5, 40, 2, 1],
]) {
  test(`${C} leaves, ${K} first levels, ${F} features: scores, idf and weights are the separate arrays' to the bit`, (t) => {
    const rand = random(C * 1000 + F);
    const leaf = quantize(floatModel(rand, F, C), 'int8');
    const first = quantize(floatModel(rand, F, K), 'int8');
    const idf = Float32Array.from({ length: F }, () => 1 + rand() * 8);
    const urgency = floatModel(rand, F + chars + signals, 3);
    const textOnly = floatModel(rand, F + chars, 3);
    const rows = new PackedRows(leaf, first, idf, urgency, textOnly);
    t.is(rows.urgencyClasses, 3);
    t.is(rows.stride % 4, 0);
    for (const n of [0, 1, 3, 4, 7, 8, 9, 16, 17, Math.min(F, 150)]) {
      if (n > F) continue;
      const x = vector(rand, n, F);
      t.deepEqual(rows.leafScores(x, new Float32Array(C)), scoresRowScaled(leaf, x, new Float32Array(C)), `leaf, ${n} features`);
      t.deepEqual(rows.firstScores(x, new Float32Array(K)), scoresRowScaled(first, x, new Float32Array(K)), `first level, ${n} features`);
      const both = [new Float32Array(C), new Float32Array(K)];
      rows.bothScores(x, both[0], both[1]);
      t.deepEqual(both, [scoresRowScaled(leaf, x, new Float32Array(C)), scoresRowScaled(first, x, new Float32Array(K))], `both in one pass, ${n} features`);
      // the urgency input: text ⊕ characters ⊕ signals, the text-only model reading its prefix
      const c = vector(rand, Math.min(chars, 1 + (n % chars)), F + chars, F);
      const s = vector(rand, Math.min(signals, 2), F + chars + signals, F + chars);
      const input = concat(x, c, s);
      t.deepEqual(rows.urgencyScores(input, new Float32Array(3)), scores(urgency, input, new Float32Array(3)), `urgency, ${n} features`);
      const prefix = x.indices.length + c.indices.length;
      t.deepEqual(rows.textOnlyScores(input, new Float32Array(3), prefix), scores(textOnly, input, new Float32Array(3), prefix), `text-only urgency, ${n} features`);
    }
    const { floats, rowFloats, at } = rows.idfRows;
    for (let j = 0; j < F; j++) {
      t.is(floats[j * rowFloats + at], idf[j]);
      for (let cls = 0; cls < C; cls++) if (rows.leafWeight(j, cls) !== weightAt(leaf, j, cls)) t.fail(`leaf weight ${j}, ${cls}`);
    }
    t.deepEqual(rows.leafModel(), leaf);
    t.deepEqual(rows.firstModel(), first);
    t.deepEqual(rows.urgencyModel(), urgency);
    t.deepEqual(rows.textOnlyModel(), textOnly);
  });
}

test('without both urgency models the rows hold none, and only int8 models are packed', (t) => {
  const rand = random(7);
  const leaf = quantize(floatModel(rand, 20, 5), 'int8');
  const first = quantize(floatModel(rand, 20, 2), 'int8');
  const idf = new Float32Array(20).fill(1);
  const rows = new PackedRows(leaf, first, idf, floatModel(rand, 25, 3), null);
  t.is(rows.urgencyClasses, 0);
  t.is(rows.urgencyModel(), null);
  t.is(rows.textOnlyModel(), null);
  t.deepEqual(rows.leafModel(), leaf);
  t.throws(() => new PackedRows(quantize(floatModel(rand, 20, 5), 'int16') as RowScaledModel, first, idf, null, null));
  t.throws(() => new PackedRows(leaf, first, new Float32Array(19), null, null));
});

test('featurize with the idf read from the rows gives the vocabulary-idf vectors', (t) => {
  const texts = ['小区门口路灯坏了好几天，晚上很黑', '标题：噪音扰民\n楼下饭店油烟和噪音很大，另外垃圾也没人清，主要是噪音', '路灯', '我家楼上漏水，天花板往下滴水，今天能来修吗'];
  const vocab = buildVocabulary(texts.map((text) => termCounts(text)), DEFAULT_FEATURES);
  const F = vocab.idf.length;
  const rand = random(3);
  const rows = new PackedRows(quantize(floatModel(rand, F, 4), 'int8'), quantize(floatModel(rand, F, 2), 'int8'), vocab.idf, null, null);
  for (const text of [...texts, texts.join('。'), '没有一个词在词表里 xyz']) {
    const a = featurize(text, vocab, rows.idfRows);
    const b = featurize(text, vocab);
    t.deepEqual(a, b);
    t.deepEqual(Array.from(a.values), Array.from(vectorize(termCounts(text), vocab).values));
  }
});
