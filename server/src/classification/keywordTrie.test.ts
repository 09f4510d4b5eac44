import test from 'ava';
import { KeywordTrie } from './keywordTrie';

/** What the classifier's keyword search did before the trie: at each position, each keyword length in ascending order. */
function byScan(words: string[], text: string): string[] {
  const set = new Set(words.filter(Boolean));
  const lengths = [...new Set([...set].map((w) => w.length))].sort((a, b) => a - b);
  const found = new Set<string>();
  for (let i = 0; i < text.length; i++) for (const len of lengths) if (i + len <= text.length && set.has(text.substr(i, len))) found.add(text.substr(i, len));
  return [...found];
}

function byTrie(trie: KeywordTrie, text: string): string[] {
  const out = new Int32Array(trie.words.length);
  const n = trie.find(text, out);
  return Array.from(out.subarray(0, n), (id) => trie.words[id]);
}

test('keyword trie: every keyword found once, by first position then length', (t) => {
  const words = ['路灯', '路灯坏', '灯', '坏了', '路', '噪音', '噪音扰民', '扰民', 'wifi', 'wi', '', '路灯', '\uD83D\uDE00', '\uD83D'];
  const trie = new KeywordTrie(words);
  t.is(trie.words.length, 12, 'duplicates and the empty word dropped');
  t.deepEqual(byTrie(trie, '小区路灯坏了，路灯坏了'), ['路', '路灯', '路灯坏', '灯', '坏了']);
  t.deepEqual(byTrie(trie, '夜里噪音扰民'), ['噪音', '噪音扰民', '扰民']);
  t.deepEqual(byTrie(trie, 'wifiwi'), ['wi', 'wifi']);
  t.deepEqual(byTrie(trie, '表情\uD83D\uDE00和半个\uD83D'), ['\uD83D', '\uD83D\uDE00']);
  t.deepEqual(byTrie(trie, ''), []);
  t.deepEqual(byTrie(trie, '没有任何关键词'), []);
  // the scratch flags are cleared: the same text twice gives the same answer
  t.deepEqual(byTrie(trie, '路灯坏了'), byTrie(trie, '路灯坏了'));
});

test('keyword trie: equal to the scan on random texts over a small alphabet', (t) => {
  let seed = 12345;
  const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const alphabet = ['路', '灯', '坏', '了', '噪', '音', 'a', 'b', '，', '\uD83D', '\uDE00', '\u0000', '\uFFFF'];
  const word = (max: number) => Array.from({ length: 1 + rand(max) }, () => alphabet[rand(alphabet.length)]).join('');
  for (let round = 0; round < 300; round++) {
    const words = Array.from({ length: 1 + rand(40) }, () => word(5));
    const trie = new KeywordTrie(words);
    for (let k = 0; k < 20; k++) {
      const text = word(60);
      t.deepEqual(byTrie(trie, text), byScan(words, text), JSON.stringify({ words, text }));
    }
  }
});

test('keyword trie: many keywords (a real-sized list) all found in their own text', (t) => {
  const words = Array.from({ length: 5000 }, (_, i) => String.fromCharCode(0x4e00 + (i % 97), 0x4e00 + ((i * 7) % 89), 0x4e00 + i));
  const trie = new KeywordTrie(words);
  for (const w of words.slice(0, 500)) t.true(byTrie(trie, `前${w}后`).includes(w), w);
});
