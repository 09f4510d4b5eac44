import { readFileSync } from 'node:fs';
import { Classifier } from '../src/classification/classifier';
import { loadTrainingCorpus } from '../src/classification/trainingData';
const m: any = Classifier.deserialize(readFileSync('/tmp/u3-m.bin'));
const plain: any = Classifier.deserialize(readFileSync('/tmp/u3-m.bin'));
plain.urgencyText = null; // no characters, no twin (signal columns misplaced: timing only)
const ex = loadTrainingCorpus();
const texts = Array.from({ length: 2000 }, (_, i) => { let t = ex[i * 3 % ex.length].text; for (let k = 1; t.length < 100; k++) t += '，' + ex[(i * 31 + k * 17) % ex.length].text; return t.slice(0, 100); });
const time = (c: any, n = 20000) => {
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) c.classify(texts[i % texts.length]);
  const u = process.cpuUsage(c0);
  return n / ((u.user + u.system) / 1e6);
};
time(m, 3000); time(plain, 3000);
for (let r = 0; r < 4; r++) console.log('with', time(m).toFixed(0), 'without', time(plain).toFixed(0));
