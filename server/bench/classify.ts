/**
 * npm run bench:classify — classifications per second on one core for
 * ~100-character texts, training time on 10,000 examples, model memory.
 * Targets: ≥ 5,000/s, < 10 s, < 50 MB.
 */
import { DEFAULT_TREE } from '../src/categories/defaultTree';
import { Classifier } from '../src/classification/classifier';
import { examplesOf, leavesOf, loadSeedCorpus, seedTreeAsNodes } from '../src/classification/trainingData';

const tree = seedTreeAsNodes(DEFAULT_TREE);
const leaves = leavesOf(tree);
const seed = [...loadSeedCorpus(), ...examplesOf(tree)];

// ~100-character texts: two seed sentences joined, as a resident's longer description would read.
const texts = seed.map((e, i) => {
  let text = e.text;
  for (let k = 1; text.length < 100; k++) text += `，${seed[(i * 31 + k * 17) % seed.length].text}`;
  return text.slice(0, 100);
});
const avgLen = texts.reduce((a, t) => a + t.length, 0) / texts.length;

const model = Classifier.train(seed, leaves, 1);
for (let i = 0; i < 2000; i++) model.classify(texts[i % texts.length]); // warm up the JIT
const N = 20000;
let start = performance.now();
for (let i = 0; i < N; i++) model.classify(texts[i % texts.length]);
const perSecond = N / ((performance.now() - start) / 1000);

// 10,000 training examples: the seed corpus repeated with small variations, like months of reviewed reports.
const big = Array.from({ length: 10000 }, (_, i) => {
  const e = seed[i % seed.length];
  return { label: e.label, text: `${e.text}${i % 3 === 0 ? '，已经好几天了' : i % 3 === 1 ? '，请尽快处理' : ''}` };
});
start = performance.now();
const bigModel = Classifier.train(big, leaves, 1);
const trainSeconds = (performance.now() - start) / 1000;

console.log(`texts: ${texts.length} distinct, average ${avgLen.toFixed(0)} characters; one core (single thread)`);
console.log(`classifications/s: ${perSecond.toFixed(0)}   (target ≥ 5000)`);
console.log(`train on ${big.length} examples: ${trainSeconds.toFixed(2)} s   (target < 10 s)`);
console.log(`model in memory: ${(bigModel.sizeBytes / 1e6).toFixed(1)} MB (weights, idf, vocabulary)   (target < 50 MB)`);
console.log(JSON.stringify({ classificationsPerSecond: Math.round(perSecond), trainSeconds: Number(trainSeconds.toFixed(2)), modelMB: Number((bigModel.sizeBytes / 1e6).toFixed(1)) }));
