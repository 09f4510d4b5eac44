import test from 'ava';
import { DEFAULT_TREE } from '../categories/defaultTree';
import { clauseWeights, DEFAULT_FEATURES, MARKER_PATTERNS, mainProblemText, markerWords } from './features';
import { baseTrainingExamples, seedTreeAsNodes } from './trainingData';

const { MARKERS, REQUEST } = MARKER_PATTERNS;
const byPattern = (s: string) => (MARKERS.test(s) ? 1 : 0) | (REQUEST.test(s) ? 2 : 0);

test('markerWords: equal to the MARKERS and REQUEST patterns on every training text and its clauses', (t) => {
  const texts = baseTrainingExamples(seedTreeAsNodes(DEFAULT_TREE)).map((e) => e.text);
  t.true(texts.length > 1000);
  let hits = 0;
  for (const text of texts) {
    t.is(markerWords(text), byPattern(text), text);
    for (const clause of text.split(/(?<=[，,：:。！？!?；;\n])/)) t.is(markerWords(clause), byPattern(clause), clause);
    if (markerWords(text)) hits++;
  }
  // the corpus exercises both answers
  t.true(hits > 100 && hits < texts.length);
});

test('markerWords: equal to the patterns on random strings of marker pieces, near misses and breaks', (t) => {
  let seed = 99;
  const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const pieces = [...MARKERS.source.split('|'), ...REQUEST.source.split('|'), '主', '要', '紧', '关', '另', '外', '放一', '一边', '能', '不', '受不', '大问', '，', '。', '\n', 'a', '\uD83D', '\uDE00', '的', '路灯'];
  for (let k = 0; k < 20000; k++) {
    const s = Array.from({ length: rand(8) }, () => pieces[rand(pieces.length)]).join('');
    t.is(markerWords(s), byPattern(s), JSON.stringify(s));
  }
  t.is(markerWords(''), 0);
  t.is(markerWords('能不'), 0, 'a word cut off by the end');
  t.is(markerWords('放一边'), 1);
  t.is(markerWords('麻烦'), 3, 'a word of both lists (麻烦 holds 烦)');
});

test('clause split: weights and the main-problem text as the clause rules say', (t) => {
  const w = { main: 3, side: 0.3, requests: true };
  t.deepEqual(
    clauseWeights('楼道灯坏了，另外垃圾没人收，主要是灯要修。', w).map((p) => [p.weight, p.text]),
    [
      [1, '楼道灯坏了，'],
      [0.3, '另外垃圾没人收，'],
      [3, '主要是灯要修。'],
    ],
  );
  t.deepEqual(clauseWeights('', w), []);
  // a text with no marker word comes back as it was
  const plain = '路灯坏了好几天';
  t.is(mainProblemText(plain, DEFAULT_FEATURES), plain);
  // a set-aside clause is blanked, same length
  const two = '门口路灯坏了，另外小区里面的垃圾桶一直没人清理。';
  t.is(mainProblemText(two, DEFAULT_FEATURES), '门口路灯坏了，' + ' '.repeat(17));
  // a short set-aside clause sets aside the clause before it too
  t.is(mainProblemText('门口路灯坏了，垃圾的事以后再说。', DEFAULT_FEATURES), ' '.repeat(16));
});
