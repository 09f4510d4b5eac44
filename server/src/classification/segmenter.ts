import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { LN_GLIBC } from './segmenterLn';

/**
 * jieba's exact cut (hmm off), in TypeScript, for classification's speed (issue 12).
 *
 * The native `@node-rs/jieba` (jieba-rs 0.10.3) cost ~22 % of a classification, mostly crossing N-API: the
 * text converted to UTF-8 and back, then one JS string per piece. This is the same algorithm over the same
 * dictionary working on the text's UTF-16 code units and handing back piece boundaries (offsets), no
 * strings. It must give exactly jieba's pieces: segmenter.test.ts compares it with `jieba.cut(text, false)` on
 * every text compare-predictions uses and on random strings.
 *
 * jieba-rs's no-HMM cut (lib.rs `cut_internal`, `dag`, `calc`, `cut_dag_no_hmm`):
 * - the text is split into "han" blocks (runs of CJK ideographs, ASCII letters and digits and `+#&._%-`) and the
 *   rest; outside a block every character is a piece of its own ("\r\n" is one piece);
 * - in a block, from every character start, every dictionary word that starts there is an edge (a word of
 *   frequency 0 too: it is in jieba's trie); a character that starts no word gets one edge to the next
 *   character, frequency 1;
 * - the route from the block's end backwards: route[x] = max over edges x→y of (ln freq − ln total + route[y],
 *   y), compared as a pair (a tie on the log probability goes to the longer word);
 * - the route's pieces in order; consecutive single ASCII letters or digits are merged into one piece.
 *
 * The dictionary as a compact trie in typed arrays: nodes numbered level by level, a node's children consecutive
 * and sorted by code unit (a binary search finds one), the level-1 nodes in a table by code unit. Per node a
 * code unit (2 bytes) and two Int32 (first child; child count and ln-frequency index): 498,188 nodes (349,045
 * dictionary words and the city's 92) in 5 MB, 0.25 MB for the level-1 table, 40 kB of ln values, where the
 * native jieba held its own trie, a record (frequency and a tag string) per word and the strings it made per cut.
 * A first version kept the nodes in one open-addressing table keyed by (parent, code unit): 8 MB, and ~2.5
 * cache misses per character on a busy host (each probe a random line of the table); here a walk's probes stay
 * in the few lines of one node's children, and a popular character's children stay in the cache.
 */
export class Segmenter {
  /** per node: its last code unit (a node's children are consecutive and sorted by it: binary search) */
  private readonly units: Uint16Array;
  /** per node, two Int32: [2n] its first child, [2n + 1] how many children | the index into `lnFreq` << COUNT_BITS (NONE: no word) */
  private readonly info: Int32Array;
  /** the level-1 nodes by code unit (-1: no word starts with it): the first step of every walk */
  private readonly first: Int32Array;
  /** ln of each distinct word frequency, as jieba-rs (glibc's `log`) computes it */
  private readonly lnFreq: Float64Array;
  private readonly lnTotal: number;
  /** trie nodes (distinct prefixes of the words) */
  readonly nodes: number;
  /** scratch: route[x] of the block being cut (log probability, end) */
  private routeP = new Float64Array(256);
  private routeEnd = new Int32Array(256);

  /**
   * `lines`: jieba's dictionary format ("word freq tag" per line; a later line for a word already there sets its
   * frequency, as jieba-rs's `load_dict` does). Call it with the base dictionary, then the extra words.
   */
  constructor(...dictionaries: string[]) {
    const freqOf = new Map<string, number>();
    for (const text of dictionaries) {
      for (let start = 0; start < text.length; ) {
        let end = text.indexOf('\n', start);
        if (end < 0) end = text.length;
        const [word, freq] = parseLine(text, start, end);
        if (word) freqOf.set(word, freq);
        start = end + 1;
      }
    }
    // jieba-rs: total = the sum of every word's frequency after loading
    let total = 0;
    const lnIndex = new Map<number, number>();
    for (const freq of freqOf.values()) {
      total += freq;
      if (!lnIndex.has(freq)) lnIndex.set(freq, lnIndex.size);
    }
    if (lnIndex.size >= NONE) throw new Error('jieba dictionary: too many distinct frequencies');
    this.lnFreq = new Float64Array(lnIndex.size);
    for (const [freq, k] of lnIndex) this.lnFreq[k] = ln(freq);
    this.lnTotal = ln(total);

    // Nodes numbered level by level (all prefixes of length 1, then 2 …), each level in sorted order: the words
    // sorted by code unit give every level's prefixes in order, a prefix shared by neighbours is one node, and a
    // node's children are consecutive, sorted by their last code unit.
    const sorted = [...freqOf.keys()].sort();
    const W = sorted.length;
    /** lcp[k]: code units sorted[k] shares with sorted[k - 1] */
    const lcp = new Int32Array(W);
    let nodes = 0;
    let longest = 0;
    for (let k = 0; k < W; k++) {
      const w = sorted[k];
      const prev = k > 0 ? sorted[k - 1] : '';
      let common = 0;
      while (common < w.length && common < prev.length && w.charCodeAt(common) === prev.charCodeAt(common)) common++;
      lcp[k] = common;
      nodes += w.length - common;
      longest = Math.max(longest, w.length);
    }
    this.nodes = nodes;
    this.units = new Uint16Array(nodes);
    this.info = new Int32Array(2 * nodes);
    for (let n = 0; n < nodes; n++) this.info[2 * n + 1] = NONE << COUNT_BITS;
    this.first = new Int32Array(65536).fill(-1);
    /** per word: its node at the level being built (its prefix of that length) */
    const nodeAt = new Int32Array(W).fill(-1);
    let id = 0;
    for (let d = 1; d <= longest; d++) {
      let gap = 0; // the least lcp since the last word long enough for this level: below d, a new prefix
      let seen = false;
      for (let k = 0; k < W; k++) {
        gap = k === 0 ? 0 : Math.min(gap, lcp[k]);
        const w = sorted[k];
        if (w.length < d) continue;
        if (!seen || gap < d) {
          const c = w.charCodeAt(d - 1);
          this.units[id] = c;
          if (d === 1) this.first[c] = id;
          else {
            const parent = nodeAt[k];
            if ((this.info[2 * parent + 1] & COUNT_MASK) === 0) this.info[2 * parent] = id;
            if ((this.info[2 * parent + 1] & COUNT_MASK) === COUNT_MASK) throw new Error('jieba dictionary: a prefix with too many continuations');
            this.info[2 * parent + 1]++;
          }
          id++;
        }
        nodeAt[k] = id - 1;
        if (w.length === d) this.info[2 * nodeAt[k] + 1] = (this.info[2 * nodeAt[k] + 1] & COUNT_MASK) | (lnIndex.get(freqOf.get(w)!)! << COUNT_BITS);
        seen = true;
        gap = w.length;
      }
    }
    if (id !== nodes) throw new Error(`jieba dictionary: ${id} trie nodes built, ${nodes} expected`);
  }

  /** the node reached from `node` by code unit `c`, or -1 (`node` has children: its count is not 0) */
  private child(node: number, c: number): number {
    const info = this.info;
    const units = this.units;
    let lo = info[2 * node];
    let hi = lo + (info[2 * node + 1] & COUNT_MASK); // children are units[lo, hi), sorted
    while (hi - lo > 8) {
      const mid = (lo + hi) >>> 1;
      if (units[mid] <= c) lo = mid;
      else hi = mid;
    }
    for (; lo < hi; lo++) {
      const u = units[lo];
      if (u === c) return lo;
      if (u > c) return -1;
    }
    return -1;
  }

  /** bytes held by the tables */
  get byteLength(): number {
    return this.units.byteLength + this.info.byteLength + this.first.byteLength + this.lnFreq.byteLength + this.routeP.byteLength + this.routeEnd.byteLength;
  }

  /**
   * Cuts `s[from, to)`: writes each piece's end offset to `ends` (a piece starts where the previous one ends,
   * the first at `from`) and returns how many pieces. `ends` needs room for `to - from` entries.
   */
  cut(s: string, from: number, to: number, ends: Int32Array): number {
    let n = 0;
    let i = from;
    while (i < to) {
      const w = charWidth(s, i, to);
      if (isHan(s, i, w)) {
        let j = i + w;
        for (let v = j < to ? charWidth(s, j, to) : 0; j < to && isHan(s, j, v); v = j < to ? charWidth(s, j, to) : 0) j += v;
        n = this.cutBlock(s, i, j, ends, n);
        i = j;
      } else {
        // outside a block: one piece per character; "\r\n" is one piece (jieba's skip pattern `\r\n|\s`)
        const step = s.charCodeAt(i) === 13 && i + 1 < to && s.charCodeAt(i + 1) === 10 ? 2 : w;
        i += step;
        ends[n++] = i;
      }
    }
    return n;
  }

  /**
   * The pieces of `s[from, to)` as strings (training, tests), exactly as `jieba.cut` returned them: a lone
   * surrogate, which N-API turned into U+FFFD on its way to Rust's UTF-8, comes back as U+FFFD (`isLoneSurrogate`).
   */
  pieces(s: string, from = 0, to = s.length): string[] {
    const ends = new Int32Array(Math.max(1, to - from));
    const n = this.cut(s, from, to, ends);
    const out: string[] = [];
    for (let k = 0, at = from; k < n; at = ends[k++]) out.push(isLoneSurrogate(s, at, ends[k]) ? REPLACEMENT : s.slice(at, ends[k]));
    return out;
  }

  /** One han block `s[a, b)`: the max-probability route over the dictionary DAG, then its pieces. */
  private cutBlock(s: string, a: number, b: number, ends: Int32Array, n: number): number {
    const len = b - a;
    if (this.routeP.length < len + 1) {
      this.routeP = new Float64Array(2 * len + 2);
      this.routeEnd = new Int32Array(2 * len + 2);
    }
    const routeP = this.routeP;
    const routeEnd = this.routeEnd;
    const lnFreq = this.lnFreq;
    const lnTotal = this.lnTotal;
    routeP[len] = 0;
    let next = len; // the next character's start (relative): the fallback edge of a character that starts no word
    for (let x = len - 1; x >= 0; x--) {
      // a low surrogate after a high one is inside a character, not a start (astral ideographs are han)
      const u = s.charCodeAt(a + x);
      if (u >= 0xdc00 && u <= 0xdfff && x > 0) {
        const h = s.charCodeAt(a + x - 1);
        if (h >= 0xd800 && h <= 0xdbff) continue;
      }
      let bestP = 0;
      let bestEnd = -1;
      let node = this.first[s.charCodeAt(a + x)];
      for (let y = x; node >= 0; ) {
        const word = this.info[2 * node + 1];
        const f = word >>> COUNT_BITS;
        if (f !== NONE) {
          // the same arithmetic, in the same order, as jieba-rs: (ln freq − ln total) + route[end]
          const p = lnFreq[f] - lnTotal + routeP[y + 1];
          // Rust's max_by over (p, end) pairs: a larger p, or an equal p (−∞ included) with a larger end
          if (bestEnd < 0 || p > bestP || (p === bestP && y + 1 > bestEnd)) {
            bestP = p;
            bestEnd = y + 1;
          }
        }
        if (++y >= len || (word & COUNT_MASK) === 0) break;
        node = this.child(node, s.charCodeAt(a + y));
      }
      if (bestEnd < 0) {
        bestP = 0 - lnTotal + routeP[next]; // ln 1 = 0
        bestEnd = next;
      }
      routeP[x] = bestP;
      routeEnd[x] = bestEnd;
      next = x;
    }
    // the route's pieces; single ASCII letters or digits in a row become one piece
    let left = -1;
    let x = 0;
    while (x < len) {
      const y = routeEnd[x];
      if (y - x === 1 && isAsciiAlnum(s.charCodeAt(a + x))) {
        if (left < 0) left = x;
      } else {
        if (left >= 0) {
          ends[n++] = a + x;
          left = -1;
        }
        ends[n++] = a + y;
      }
      x = y;
    }
    if (left >= 0) ends[n++] = b;
    return n;
  }
}

/** a node's child count takes the low bits of its info word, the index of its ln frequency the rest */
const COUNT_BITS = 18;
const COUNT_MASK = (1 << COUNT_BITS) - 1;
/** 13 bits of ln-frequency index (the dictionary has 5,089 distinct frequencies); all ones: no word */
const NONE = 0x1fff;

/**
 * One dictionary line `text[start, end)` as jieba-rs's `load_dict` reads it (split at whitespace: word, frequency,
 * tag; no frequency = 0): ['', 0] for a blank line. The common shape "word 123 tag" is read by hand, anything else
 * by the splitting pattern (which cost 0.9 s of CPU for 349,046 lines at every start).
 */
function parseLine(text: string, start: number, end: number): [string, number] {
  const gap = text.indexOf(' ', start);
  if (gap > start && gap < end) {
    let digitsEnd = gap + 1;
    while (digitsEnd < end && text.charCodeAt(digitsEnd) >= 48 && text.charCodeAt(digitsEnd) <= 57) digitsEnd++;
    const after = digitsEnd < end ? text.charCodeAt(digitsEnd) : 32;
    let plain = digitsEnd > gap + 1 && digitsEnd - gap <= 15 && (after === 32 || after === 13);
    for (let i = start; plain && i < gap; i++) plain = !isWhitespace(text.charCodeAt(i));
    if (plain) return [text.slice(start, gap), Number(text.slice(gap + 1, digitsEnd))];
  }
  const fields = text.slice(start, end).trim().split(/\s+/);
  if (!fields[0]) return ['', 0];
  const freq = fields.length > 1 ? Number(fields[1]) : 0;
  if (!Number.isSafeInteger(freq) || freq < 0) throw new Error(`jieba dictionary: frequency of ${fields[0]} is not a count: ${fields[1]}`);
  return [fields[0], freq];
}

/** what `\s` matches (Rust's and JS's White_Space, with U+FEFF as JS has it): a word never holds one */
const isWhitespace = (c: number) => c <= 32 || c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;

/** code units of the character at i: 2 for a surrogate pair, else 1 */
function charWidth(s: string, i: number, to: number): number {
  const u = s.charCodeAt(i);
  if (u >= 0xd800 && u <= 0xdbff && i + 1 < to) {
    const v = s.charCodeAt(i + 1);
    if (v >= 0xdc00 && v <= 0xdfff) return 2;
  }
  return 1;
}

/** U+FFFD, what a lone surrogate became in the native jieba's pieces */
export const REPLACEMENT = '\uFFFD';
/**
 * Whether the piece `s[from, to)` is a lone surrogate. It is always a piece of its own (no han block holds it),
 * and the native cut saw U+FFFD in its place (JS string → UTF-8), so a feature must be looked up as U+FFFD.
 */
export function isLoneSurrogate(s: string, from: number, to: number): boolean {
  if (to - from !== 1) return false;
  const u = s.charCodeAt(from);
  return u >= 0xd800 && u <= 0xdfff;
}

const isAsciiAlnum = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** per BMP code unit: 1 when a han block may hold it (jieba-rs's RE_HAN_DEFAULT) */
const HAN_BMP = new Uint8Array(65536);
for (const [lo, hi] of [
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xf900, 0xfaff],
  [48, 57],
  [65, 90],
  [97, 122],
]) HAN_BMP.fill(1, lo, hi + 1);
for (const ch of '+#&._%-') HAN_BMP[ch.charCodeAt(0)] = 1;
/** RE_HAN_DEFAULT's ideograph ranges outside the BMP */
const HAN_ASTRAL = [
  [0x20000, 0x2a6df],
  [0x2a700, 0x2b73f],
  [0x2b740, 0x2b81f],
  [0x2b820, 0x2ceaf],
  [0x2ceb0, 0x2ebef],
  [0x2f800, 0x2fa1f],
];
function isHan(s: string, i: number, width: number): boolean {
  if (width === 1) return HAN_BMP[s.charCodeAt(i)] === 1;
  const cp = s.codePointAt(i)!;
  for (const [lo, hi] of HAN_ASTRAL) if (cp >= lo && cp <= hi) return true;
  return false;
}

/**
 * ln as jieba-rs computes it (Rust's f64::ln = glibc's `log`): V8's Math.log differs from it in the last bit for
 * some integers (77 of the dictionary's 5,088 distinct frequencies), and a route is chosen by comparing sums of
 * these logs, so a tie could break the other way. LN_GLIBC holds glibc's value where the two differ.
 */
function ln(x: number): number {
  return LN_GLIBC.get(x) ?? Math.log(x);
}

/** the city's own words, each as frequent as jieba's commonest (they must win over any split) */
export const DOMAIN_WORDS = [
  '占道经营', '乱设摊', '破墙开店', '小广告', '牛皮癣', '店招店牌', '违章搭建', '违法建筑',
  '垃圾清运', '垃圾分类', '湿垃圾', '干垃圾', '除四害', '行道树',
  '餐饮油烟', '油烟机', '废气', '黑臭', '河浜', '偷排', '扬尘', '渣土车', '秸秆',
  '夜间施工', '广场舞', '空调外机', '冷却塔', '低音炮',
  '窨井盖', '井盖', '路灯', '积水', '盲道', '护栏',
  '违停', '红绿灯', '网约车', '共享单车', '电单车', '拒载',
  '物业费', '业委会', '加装电梯', '群租', '二房东', '隔断间', '押金',
  '停水', '停电', '水压', '燃气', '燃气泄漏', '煤气味', '爆管', '宽带',
  '预付卡', '网购', '直播带货', '三无产品', '价格欺诈', '虚假宣传',
  '欠薪', '拖欠工资', '劳动合同', '社保', '公积金', '养老金', '工伤',
  '医保', '挂号', '疫苗', '救护车', '处方药',
  '学区', '培训机构', '双减', '课后服务',
  '消防通道', '安全出口', '飞线充电', '电瓶车', '电动车', '高空抛物', '外墙脱落', '电梯困人',
  '一网通办', '随申办', '居住证', '落户', '营业执照',
  '市民来电', '来电人',
];
/** DOMAIN_WORDS as a jieba dictionary (what the native reference loads too, in the test) */
export const DOMAIN_DICT = DOMAIN_WORDS.map((w) => `${w} 100000 n`).join('\n');

/**
 * jieba's dictionary file (the one `@node-rs/jieba/dict` exports), read once to build the trie and then let go:
 * importing the package's `dict` would keep it and the 6 MB idf.txt as Buffers for the life of the process.
 */
const JIEBA_DICT_FILE = createRequire(import.meta.url).resolve('@node-rs/jieba/dict.txt');

/** jieba's dictionary with the city's words: what features.ts cuts with */
export const segmenter = new Segmenter(readFileSync(JIEBA_DICT_FILE, 'utf8'), DOMAIN_DICT);
