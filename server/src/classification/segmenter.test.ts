import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';
import test from 'ava';
import { DEFAULT_TREE } from '../categories/defaultTree';
import { cleanedParts, DEFAULT_FEATURES } from './features';
import { DOMAIN_DICT, DOMAIN_WORDS, Segmenter, segmenter } from './segmenter';
import { baseTrainingExamples, HELD_OUT, HELD_OUT_DIR, seedTreeAsNodes } from './trainingData';
import { mulberry32 } from './softmaxRegression';

// The reference: the native jieba-rs cut the classifier used before, loaded the way features.ts loaded it.
const native = Jieba.withDict(dict);
const dictText = new TextDecoder().decode(dict);
native.loadDict(Buffer.from(DOMAIN_DICT));

/** the first text (by index) whose cut differs, or undefined: one message instead of 100,000 assertions */
function firstDifference(texts: string[]): { text: string; ours: string[]; jieba: string[] } | undefined {
  for (const text of texts) {
    const ours = segmenter.pieces(text);
    const jieba = native.cut(text, false);
    if (ours.length !== jieba.length || ours.some((p, k) => p !== jieba[k])) return { text, ours, jieba };
  }
  return undefined;
}

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l).text as string);

// Every text compare-predictions classifies, raw and as featurize and training clean it (the cleaned title and
// clause pieces are what is cut). One test per set.
const examples = baseTrainingExamples(seedTreeAsNodes(DEFAULT_TREE));
/** the benchmark's texts, built as bench/classify.ts and compare-predictions.ts build them */
const joined = (pool: string[], length: number) =>
  Array.from({ length: 2000 }, (_, i) => {
    let text = pool[i % pool.length];
    for (let k = 1; text.length < length; k++) text += `，${examples[(i * 31 + k * 17) % examples.length].text}`;
    return text.slice(0, length);
  });
const sets: [string, () => string[], number][] = [
  ['training', () => examples.map((e) => e.text), 9000],
  [
    'held-out (heldout.jsonl, heldout/*.jsonl)',
    () => [
      ...lines(HELD_OUT),
      ...readdirSync(HELD_OUT_DIR)
        .filter((f) => f.endsWith('.jsonl'))
        .flatMap((f) => lines(path.join(HELD_OUT_DIR, f))),
    ],
    7000,
  ],
  ['bench, 100 characters', () => joined(examples.map((e) => e.text), 100), 2000],
  ['bench, 600-character letters', () => joined(examples.filter((e) => e.register === 'letter').map((e) => e.text), 600), 2000],
];
for (const [name, load, atLeast] of sets) {
  test(`the TypeScript cut equals jieba.cut(text, false) on every ${name} text, raw and cleaned`, (t) => {
    // tens of thousands of cuts: on a loaded 2-core host they can take longer than ava's inactivity timeout
    t.timeout(600_000);
    const texts = load();
    t.true(texts.length >= atLeast, `${texts.length} texts`);
    t.is(firstDifference(texts), undefined);
    const cleaned = texts.flatMap((text) => cleanedParts(text, DEFAULT_FEATURES));
    t.true(cleaned.length >= texts.length * 0.9);
    t.is(firstDifference(cleaned), undefined);
  });
}

/** the same random inputs on every run */
const random = mulberry32;

for (const seed of [1, 2, 3, 4]) {
  test(`the TypeScript cut equals jieba.cut(text, false) on 30,000 random strings of Han, ASCII, digits, punctuation, emoji and dictionary words (seed ${seed})`, (t) => {
    t.timeout(600_000);
    const rnd = random(seed);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
    const dictWords = dictText
      .split('\n')
      .map((l) => l.split(' ')[0])
      .filter(Boolean);
    const common = '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质';
    const rare = ['\u3400', '\u4dbf', '\u4e00', '\u9fd5', '\u9fd6', '\u9fff', '\ua000', '\uf900', '\ufaff', '\ufb00', '\u33ff', '\u4dc0', '\u{20000}', '\u{2a6df}', '\u{2a6e0}', '\u{2a700}', '\u{2b81f}', '\u{2ceaf}', '\u{2ebef}', '\u{2ebf0}', '\u{2f800}', '\u{2fa1f}', '\u{30000}'];
    const ascii = 'abcxyzABCXYZ0123456789';
    const marks = '+#&._%-@!?,;:()[]{}<>/\\\'"*=~^`$|';
    const spaces = [' ', '  ', '\t', '\n', '\r\n', '\r', '\u3000', '\u00a0', '\u2003', '\u0085', '\u200b', '\ufeff'];
    const others = ['，', '。', '！', '？', '、', '：', '；', '“', '”', '（', '）', '《', '》', '…', '—', '·', '×', '０', '９', 'Ａ', 'ｚ', 'é', 'ß', 'ñ', 'ア', 'ひ', '한', 'Ж', '😡', '👪', '🚒', '\u{1f1e8}\u{1f1f3}', '\ud83d', '\ude21', '\u0301', '①', '²'];
    const parts: (() => string)[] = [
      () => common[Math.floor(rnd() * common.length)],
      () => pick(dictWords),
      () => pick(dictWords) + pick(dictWords),
      () => pick(DOMAIN_WORDS),
      () => pick(rare),
      () => ascii[Math.floor(rnd() * ascii.length)].repeat(1 + Math.floor(rnd() * 3)),
      () => marks[Math.floor(rnd() * marks.length)],
      () => pick(spaces),
      () => pick(others),
    ];
    const texts: string[] = [];
    for (let i = 0; i < 30000; i++) {
      let s = '';
      const n = 1 + Math.floor(rnd() * 14);
      for (let k = 0; k < n; k++) s += pick(parts)();
      texts.push(s);
    }
    t.is(firstDifference(texts), undefined);
  });
}

test('the trie: words, prefixes that are no words, frequency 0, a later line overriding, ties to the longer word', (t) => {
  // total = 10 + 10 + 0 + 5 + 20 = 45; every word alike in frequency makes the fewest pieces win
  const s = new Segmenter('甲乙 10\n甲乙丙 10\n丙丁 0\n丁 5\n', '甲乙丙 20\n');
  t.deepEqual(s.pieces('甲乙丙丁'), ['甲乙丙', '丁']);
  // 乙丙 is a prefix of nothing and no word: one piece per character where no word starts
  t.deepEqual(s.pieces('乙丙'), ['乙', '丙']);
  // a word of frequency 0 is still an edge (ln 0 = −∞): taken where it is the only one (丙 starts no other word) …
  t.deepEqual(s.pieces('丙丁'), ['丙丁']);
  // … and losing to any finite route
  t.deepEqual(new Segmenter('丙丁 0\n丙 1\n丁 1\n').pieces('丙丁'), ['丙', '丁']);
  // a lone surrogate is a piece of its own, given back as U+FFFD (what the native cut saw)
  t.deepEqual(s.pieces('甲\ud83d乙'), ['甲', '\ufffd', '乙']);
  // equal probabilities (two words of frequency 0: both −∞): the longer piece (Rust's max_by over (p, end) pairs)
  const tie = new Segmenter('甲 0\n甲乙 0\n丙 5\n');
  t.deepEqual(tie.pieces('甲乙'), ['甲乙']);
  // single ASCII letters and digits in a row become one piece; other characters outside blocks stand alone
  t.deepEqual(new Segmenter('').pieces('abc 12，x😡\r\n'), ['abc', ' ', '12', '，', 'x', '😡', '\r\n']);
  // a range of a longer string is cut as that text alone
  const ends = new Int32Array(8);
  const n = s.cut('看甲乙丙丁了', 1, 5, ends);
  t.deepEqual([...ends.subarray(0, n)], [4, 5]);
  t.throws(() => new Segmenter('甲 x\n'), { message: /not a count/ });
  // lines off the common "word 123 tag" shape: tabs, several spaces, no frequency (0), no tag, CRLF, blank lines
  const odd = new Segmenter('甲乙\t7\tn\r\n\n  丙丁   3 \n戊己\n庚辛 5\r\n');
  t.deepEqual(odd.pieces('甲乙丙丁戊己庚辛'), ['甲乙', '丙丁', '戊己', '庚辛']);
  t.is(odd.nodes, 8);
});

test('the shipped dictionary loads as jieba does and states its size', (t) => {
  // the trie's node count (from sorted words) against the distinct prefixes counted the slow way
  const prefixes = new Set<string>();
  for (const line of [...dictText.split('\n'), ...DOMAIN_WORDS]) {
    const w = line.trim().split(/\s+/)[0];
    for (let i = 1; i <= w.length; i++) prefixes.add(w.slice(0, i));
  }
  t.is(segmenter.nodes, prefixes.size);
  t.is(segmenter.nodes, 498188);
  t.true(segmenter.byteLength < 9 * 1024 * 1024, `${segmenter.byteLength} bytes`);
  t.deepEqual(segmenter.pieces('小区门口的路灯坏了，窨井盖也没了'), native.cut('小区门口的路灯坏了，窨井盖也没了', false));
});
