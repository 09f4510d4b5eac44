/**
 * node --import=tsx scripts/register-errors.ts [REGISTER…]
 *
 * Cross-register errors on the TRAINING corpus only (held-out sets never read): for each register
 * named (default elderly, address), train without it and print every text of it whose first level is
 * wrong (tab-separated: writer-less register, truth, prediction, confidence, text). What the
 * address/elderly changes of the fourth round were made from.
 */
import { DEFAULT_TREE } from '../src/categories/defaultTree';
import { Classifier, type ClassifierTrainOptions } from '../src/classification/classifier';
import { examplesOf, leavesOf, loadSeedCorpus, loadTrainingCorpus, seedTreeAsNodes } from '../src/classification/trainingData';

const registers = process.argv.slice(2).length ? process.argv.slice(2) : ['elderly', 'address'];
const opts: ClassifierTrainOptions = { calibrationFolds: 0, ...(process.env.OPTS ? JSON.parse(process.env.OPTS) : {}) };
const tree = seedTreeAsNodes(DEFAULT_TREE);
const leaves = leavesOf(tree);
const parentOf = new Map(leaves.map((l) => [l.code, l.parentCode]));
const corpus = loadTrainingCorpus();
const base = [...loadSeedCorpus(), ...examplesOf(tree)];
for (const reg of registers) {
  const c = Classifier.train([...base, ...corpus.filter((e) => e.register !== reg)], leaves, 0, opts);
  const test = corpus.filter((e) => e.register === reg);
  let right = 0;
  for (const e of test) {
    const r = c.classify(e.text);
    const truth = parentOf.get(e.label)!;
    if (r.firstLevel.code === truth) right++;
    else console.log([reg, truth, r.firstLevel.code, r.confidence.toFixed(2), e.text.replace(/\s+/g, ' ')].join('\t'));
  }
  console.error(`${reg}: ${right}/${test.length} = ${(right / test.length).toFixed(3)}`);
}
