import test from 'ava';
import { buildVocabulary, DEFAULT_FEATURES, featurize, termCounts, vectorize } from './features';
import { complementNB, multinomialNB, nbLogisticRegression } from './naiveBayes';
import { scores, type LinearModel } from './softmaxRegression';

// Three tiny classes written for this test: noise, water, parking.
const texts: [string, number][] = [
  ['楼上装修电钻声太吵了', 0],
  ['半夜广场舞音响很吵', 0],
  ['工地夜间施工噪音吵得睡不着', 0],
  ['酒吧音乐声音太吵', 0],
  ['小区停水了没有通知', 1],
  ['自来水水压太低', 1],
  ['整栋楼停水一天了', 1],
  ['水管爆了家里停水', 1],
  ['小区门口乱停车堵住了路', 2],
  ['消防通道被私家车占用停车', 2],
  ['路边违停车辆太多', 2],
  ['人行道上停满了车', 2],
];
const tokens = texts.map(([t]) => termCounts(t, DEFAULT_FEATURES));
const vocab = buildVocabulary(tokens, DEFAULT_FEATURES);
const xs = tokens.map((t) => vectorize(t, vocab));
const ys = texts.map(([, y]) => y);
const F = vocab.idf.length;

const argmax = (z: Float32Array) => z.reduce((b, v, i, a) => (v > a[b] ? i : b), 0);
const predict = (m: LinearModel, text: string) => argmax(scores(m, featurize(text, vocab)));

for (const [name, model] of [
  ['multinomial NB', multinomialNB(xs, ys, F, 3)],
  ['complement NB', complementNB(xs, ys, F, 3)],
  ['NB-LR', nbLogisticRegression(xs, ys, F, 3)],
] as const) {
  test(`${name}: a linear model of the first level's shape that puts unseen texts in the class whose words they share`, (t) => {
    t.is(model.numFeatures, F);
    t.is(model.numClasses, 3);
    t.is(model.weights.length, F * 3);
    t.true(model.weights.every(Number.isFinite));
    // none of these sentences is in the training texts
    t.is(predict(model, '隔壁装修太吵了'), 0);
    t.is(predict(model, '我们这里又停水了'), 1);
    t.is(predict(model, '门口停车堵路'), 2);
  });
}

test('multinomial NB: a word seen only in one class weighs for that class, and the prior follows the class sizes', (t) => {
  const m = multinomialNB(xs, ys, F, 3);
  const j = vocab.index.get('w:停水')!;
  t.true(m.weights[j * 3 + 1] > m.weights[j * 3 + 0]);
  t.true(m.weights[j * 3 + 1] > m.weights[j * 3 + 2]);
  const skewed = multinomialNB([...xs, xs[0], xs[1]], [...ys, 0, 0], F, 3);
  t.true(skewed.bias[0] > skewed.bias[1]);
});
