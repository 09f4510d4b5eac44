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

test('random names: every lookup gives exactly the Map’s column, its slot names that column, and touch changes nothing', (t) => {
  // a small alphabet (so names share prefixes and lengths), code units whose high bit is set (the slots pack two per
  // 32-bit integer), lone surrogates, and names around the length held in the slot (7 code units: 'w:' + 5)
  const alphabet = ['路', '灯', 'a', 'w', ':', 'b', '\u8000', '\uffff', '\ud800', '\udc00', '\u0000'];
  let seed = 12;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 8) / 16777216;
  const pick = () => alphabet[Math.floor(rand() * alphabet.length)];
  const str = (n: number) => Array.from({ length: n }, pick).join('');
  const names = new Set<string>();
  while (names.size < 3000) {
    const kind = ['w:', 'w:', 'w:', 'b:', 'u:', 't:', '', 'x:'][Math.floor(rand() * 8)];
    const length = kind === 'b:' ? 2 : kind === 'u:' ? 1 : kind === 't:' ? 3 : Math.floor(rand() * 10);
    names.add(kind + str(length));
  }
  const list = [...names];
  const index = new Map(list.map((name, j) => [name, j]));
  const table = new FeatureTable(list);
  const code = (c: string) => c.charCodeAt(0);
  const column = (h: number) => (h < 0 ? -1 : table.slots[2 * h - 1]);
  const check = () => {
    for (let q = 0; q < 20000; q++) {
      const w = str(Math.floor(rand() * 10));
      const want = index.get('w:' + w) ?? -1;
      if (table.word(w, 0, w.length) !== want || column(table.wordSlot(w, 0, w.length)) !== want) return t.fail(`word ${JSON.stringify(w)}`);
      // the same piece inside a longer string
      const padded = str(2) + w + str(1);
      if (table.word(padded, 2, 2 + w.length) !== want) return t.fail(`word in a string ${JSON.stringify(padded)}`);
      const [a, b, c] = [pick(), pick(), pick()];
      if (table.bigram(code(a), code(b)) !== (index.get('b:' + a + b) ?? -1) || column(table.bigramSlot(code(a), code(b))) !== (index.get('b:' + a + b) ?? -1)) return t.fail(`bigram ${a}${b}`);
      if (table.gram(code('u'), code(a)) !== (index.get('u:' + a) ?? -1)) return t.fail(`unigram ${a}`);
      if (table.gram(code('t'), code(a), code(b), code(c)) !== (index.get('t:' + a + b + c) ?? -1)) return t.fail(`trigram ${a}${b}${c}`);
    }
    for (const [name, j] of index) {
      const rest = name.slice(2);
      // (a name of another shape, e.g. 'b:' and three code units, is held but found by no lookup of these kinds)
      const found = name.startsWith('w:') ? table.word(rest, 0, rest.length) : name.startsWith('b:') && rest.length === 2 ? table.bigram(code(rest[0]), code(rest[1])) : name.startsWith('u:') && rest.length === 1 ? table.gram(code('u'), code(rest)) : name.startsWith('t:') && rest.length === 3 ? table.gram(code('t'), code(rest[0]), code(rest[1]), code(rest[2])) : j;
      if (found !== j) return t.fail(`name ${JSON.stringify(name)}: ${found}, not ${j}`);
    }
    t.pass();
  };
  check();
  // touch only reads: the counts stay zero and every lookup stays the same
  const text = Array.from({ length: 300 }, () => (rand() < 0.1 ? ' ' : pick())).join('');
  const ends = Int32Array.from({ length: 60 }, (_, q) => 5 * (q + 1));
  t.is(typeof table.touch(text, ends, ends.length), 'number');
  const handleOf = (name: string) => {
    const rest = name.slice(2);
    if (name.startsWith('w:')) return table.wordSlot(rest, 0, rest.length);
    if (name.startsWith('b:') && rest.length === 2) return table.bigramSlot(code(rest[0]), code(rest[1]));
    if (name.startsWith('u:') && rest.length === 1) return table.gramSlot(code('u'), code(rest));
    if (name.startsWith('t:') && rest.length === 3) return table.gramSlot(code('t'), code(rest[0]), code(rest[1]), code(rest[2]));
    return -1;
  };
  for (const name of list) {
    const h = handleOf(name);
    if (h >= 0 && table.counts[h] !== 0) return t.fail(`count of ${JSON.stringify(name)} is ${table.counts[h]}`);
  }
  check();
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
