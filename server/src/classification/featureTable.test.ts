import test from 'ava';
import { DEFAULT_TREE } from '../categories/defaultTree';
import { Classifier } from './classifier';
import { FeatureTable } from './featureTable';
import { buildVocabulary, clauseLength, DEFAULT_FEATURES, denoise, featureTable, featurize, tableVocabulary, termCounts, vectorize } from './features';
import { examplesOf, leavesOf, loadSeedCorpus, seedTreeAsNodes } from './trainingData';

test('the feature table finds every name’s column and nothing else, whatever the kind', (t) => {
  const names = ['w:路灯', 'w:坏', 'w:窨井盖缺失了', 'b:路灯', 'b:灯坏', 'u:烟', 't:煤气味', 'w:b:路', 'b:ab', 'w:ab'];
  const table = new FeatureTable(names);
  t.is(table.size, names.length);
  t.deepEqual(table.names(), names);
  const word = (w: string) => table.word(w, 0, w.length);
  t.is(word('路灯'), 0);
  t.is(word('坏'), 1);
  t.is(word('窨井盖缺失了'), 2);
  t.is(word('b:路'), 7);
  t.is(word('ab'), 9);
  t.is(table.bigram('路'.charCodeAt(0), '灯'.charCodeAt(0)), 3);
  t.is(table.bigram('a'.charCodeAt(0), 'b'.charCodeAt(0)), 8);
  t.is(table.gram('u'.charCodeAt(0), '烟'.charCodeAt(0)), 5);
  t.is(table.gram('t'.charCodeAt(0), '煤'.charCodeAt(0), '气'.charCodeAt(0), '味'.charCodeAt(0)), 6);
  // absent: other words, a word's prefix or extension, another kind with the same characters
  for (const w of ['路', '路灯坏', '灯坏', '窨井盖缺失', '烟', '']) t.is(word(w), -1, w);
  t.is(table.bigram('灯'.charCodeAt(0), '路'.charCodeAt(0)), -1);
  t.is(table.gram('u'.charCodeAt(0), '火'.charCodeAt(0)), -1);
  t.is(table.gram('t'.charCodeAt(0), '煤'.charCodeAt(0), '气'.charCodeAt(0), '漏'.charCodeAt(0)), -1);
  // a range of a longer string is looked up as that piece alone
  t.is(table.word('看路灯了', 1, 3), 0);
});

test('a vocabulary from its table scores exactly like the Map it came from, and builds the Map only when asked', (t) => {
  const opts = { ...DEFAULT_FEATURES, unigrams: true, trigrams: true };
  const texts = loadSeedCorpus().map((e) => e.text);
  const vocab = buildVocabulary(texts.map((text) => termCounts(text, opts)), opts);
  const compact = tableVocabulary(featureTable(vocab), vocab.idf, vocab.options);
  for (const text of [...texts.slice(0, 200), '标题：路灯\n尊敬的领导：您好！小区门口路灯坏了。另外垃圾也没人收，以后再说。😡', '']) {
    const a = featurize(text, vocab);
    const b = featurize(text, compact);
    t.deepEqual([...a.indices], [...b.indices], text);
    t.deepEqual([...a.values], [...b.values], text);
  }
  t.deepEqual([...compact.index], [...vocab.index]);
  const text = texts[3];
  t.deepEqual(vectorize(termCounts(text, opts), compact), vectorize(termCounts(text, opts), vocab));
});

test('a stored model reads back to the same predictions and the same bytes', (t) => {
  const tree = seedTreeAsNodes(DEFAULT_TREE);
  const trained = Classifier.train([...loadSeedCorpus(), ...examplesOf(tree)], leavesOf(tree), 1, { calibrationFolds: 0 });
  const bytes = trained.serialize();
  const stored = Classifier.deserialize(bytes);
  t.deepEqual(stored.serialize(), bytes);
  for (const text of ['小区门口路灯坏了好几天', '楼道里有很浓的煤气味，快来人', '标题：噪音\n尊敬的领导：晚上工地施工太吵了，另外路边有垃圾。']) t.deepEqual(stored.classify(text), trained.classify(text));
});

test('clauseLength counts what the regular expression it replaced kept', (t) => {
  const byRegex = (c: string) => c.replace(/[\s\p{P}\p{S}]/gu, '').length;
  for (const c of ['', '路灯坏了，', '  主要是：油烟！！', '😡😡太吵了', 'abc 123 ×× ￥5', '\uD83D', '\uDE21x', 'a\uD83Db', '\u3000全角空格\u00a0', '—…《》「」+=<>|~^`$']) t.is(clauseLength(c), byRegex(c), JSON.stringify(c));
});

test('denoise turns every run of whitespace, punctuation and symbols into one space, as the regular expression it replaced', (t) => {
  const byRegex = (s: string) => s.replace(/[\s\p{P}\p{S}]+/gu, ' ');
  // every UTF-16 code unit alone and between kept characters (lone surrogates included), then runs and pairs
  for (let u = 0; u < 0x10000; u++) {
    const c = String.fromCharCode(u);
    for (const s of [c, `路${c}灯`, `${c}${c}坏`]) if (denoise(s) !== byRegex(s)) return t.fail(`code unit ${u.toString(16)}: ${JSON.stringify(s)}`);
  }
  const cases = ['', ' ', '，，', '路灯坏了', '路灯坏了，', '  主要是：油烟！！', '😡😡太吵了😡', 'abc 123 ×× ￥5', '\uD83D', '\uDE21x', 'a\uD83Db', '\uD83D\uD83D\uDE21', '\u3000全角空格\u00a0', '—…《》「」+=<>|~^`$', '𠀀字𠀀', '\n标题：路灯\n正文'];
  for (const s of cases) t.is(denoise(s), byRegex(s), JSON.stringify(s));
  // and every seed sentence, lower-cased as the featurizer sees it
  for (const e of loadSeedCorpus()) t.is(denoise(e.text.toLowerCase()), byRegex(e.text.toLowerCase()));
});
