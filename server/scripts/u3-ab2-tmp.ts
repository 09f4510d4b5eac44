import { readFileSync } from 'node:fs';
import { Classifier, urgencyInput } from '../src/classification/classifier';
import { charFeatures, featurize } from '../src/classification/features';
import { scores, softmaxInPlace } from '../src/classification/softmaxRegression';
import { loadTrainingCorpus } from '../src/classification/trainingData';
const m: any = Classifier.deserialize(readFileSync('/tmp/u3-m.bin'));
const ex = loadTrainingCorpus();
const texts = Array.from({ length: 2000 }, (_, i) => { let t = ex[i * 3 % ex.length].text; for (let k = 1; t.length < 100; k++) t += '，' + ex[(i * 31 + k * 17) % ex.length].text; return t.slice(0, 100); });
const xs = texts.map((t) => featurize(t, m.vocab));
const F = m.vocab.idf.length, U = m.urgencyText.chars.idf.length;
const time = (name: string, f: (i: number) => unknown, n = 40000) => {
  for (let i = 0; i < 5000; i++) f(i % 2000);
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) f(i % 2000);
  const u = process.cpuUsage(c0);
  console.log(name.padEnd(24), ((u.user + u.system) / n).toFixed(2), 'µs');
};
for (let r = 0; r < 2; r++) {
  time('classify', (i) => m.classify(texts[i]));
  time('charFeatures', (i) => charFeatures(texts[i], m.urgencyText.chars, F, 0.5));
  const cs = texts.map((t) => charFeatures(t, m.urgencyText.chars, F, 0.5));
  time('urgencyInput twin', (i) => urgencyInput(xs[i], [], F + U, 1, cs[i]));
  const vin = texts.map((_, i) => urgencyInput(xs[i], [], F + U, 1, cs[i]));
  time('scores twin', (i) => softmaxInPlace(scores(m.urgencyText.model, vin[i])));
  time('scores leaf', (i) => scores(m.model, xs[i]));
  time('featurize', (i) => featurize(texts[i], m.vocab));
}
