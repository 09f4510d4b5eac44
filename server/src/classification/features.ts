import { FeatureTable } from './featureTable';
import { isLoneSurrogate, REPLACEMENT, segmenter } from './segmenter';

/**
 * Text → sparse TF-IDF vector. Features are jieba words (with the city's own vocabulary added: segmenter.ts,
 * DOMAIN_WORDS) plus character bigrams, which catch what segmentation splits wrongly and what residents misspell.
 */

/**
 * Which n-grams a model uses and how a letter's title counts. Stored with the
 * model (a model trained with trigrams must be scored with trigrams); chosen by
 * cross-register validation (scripts/classify-cv.ts, figures in docs/LOG.md, the classification rounds).
 */
export interface FeatureOptions {
  /** character trigrams besides bigrams */
  trigrams: boolean;
  /** single characters (typos and pinyin initials leave little else in a snap) */
  unigrams: boolean;
  /** extra counts for the words of a 「标题：…」 first line: the title names the problem, the body wanders */
  titleWeight: number;
  /** drop a letter's greeting and closing formulas (尊敬的领导、您好、此致敬礼 …) before counting */
  stripFormulas: boolean;
  /** vocabulary cap (weights are features × classes floats) */
  maxFeatures: number;
  /**
   * numbers, plates, order and phone numbers become one placeholder digit before counting: "3366号"
   * and "15号" are the same feature, and a plate or an order number is not a hundred rare n-grams
   * (absent in models stored before it existed = off)
   */
  numbers?: boolean;
  /** house addresses (district, road + number, 弄/号/室 …) are dropped: they name where, never what */
  addresses?: boolean;
  /**
   * who is writing, not what about: 我是退休老人, 本人退休在家, 我今年八十三岁了, 热线的同志 are dropped
   * (an elderly resident's self-introduction pulled texts to labor_social's 退休/养老; absent in models stored before it existed = off)
   */
  persona?: boolean;
  /**
   * two problems in one message (issue 12, fifth round): clauses that name the main problem (主要是…, 先把…,
   * 最急的是…, …是大问题) count `main` times, clauses the writer sets aside (另外…, 顺便…, …以后再说, 这个先不急,
   * …就算了) count `side` times (a fraction: tf below 1 is linear); with `keywords`, an admin keyword found only in
   * a set-aside clause does not boost its category. Absent in models stored before it existed = off.
   */
  mainProblem?: { main: number; side: number; keywords?: boolean; requests?: boolean };
  /**
   * a place named only as where the problem is (学校门口, 医院旁边, 公交站对面, 小区门口) is dropped: it pulled
   * address texts to education, health, traffic or housing (absent = off)
   */
  places?: boolean;
  /** writers' placeholders for a withheld number or name (××路××号, 某路某弄, XX小区) count as a number (absent = off) */
  placeholders?: boolean;
  /** the number digit left after `numbers` and `addresses` (0月0日, 约0米) is dropped too, not counted (absent = off) */
  dropNumbers?: boolean;
}

// Cross-register validation on the writers' corpus (docs/LOG.md, first round): trigrams were neutral to slightly worse
// (address 0.776 vs 0.781, consult 0.795 vs 0.805) at ~40 % more features; the title weight and
// dropping letter formulas helped letters (0.922 vs 0.916) and cost nothing elsewhere. Second round
// (w1–w8): numbers reduced and house addresses dropped raised the address register 0.807 → 0.821 with
// the cross-register mean unchanged (0.865 → 0.867).
// Fourth round: dropping a resident's self-introduction (persona) raised the elderly register 0.862 → 0.877
// with the other registers unchanged (±0.003).
// Fifth round (leave-one-writer-out over the ten writers of two_issues/address texts, w13/w14 included, docs/LOG.md):
// main-problem clause weights (main ×3, set aside ×0.3, requests main, keywords of set-aside clauses ignored)
// raised two_issues 0.797 → 0.834; ×× placeholders and dropping the leftover number digit, address 0.843 → 0.846
// alone (0.843 in the combination); the pooled accuracy 0.844 → 0.852. places (学校门口 …) gained nothing, off.
export const DEFAULT_FEATURES: FeatureOptions = {
  trigrams: false,
  unigrams: false,
  titleWeight: 2,
  stripFormulas: true,
  maxFeatures: 40000,
  numbers: true,
  addresses: true,
  persona: true,
  mainProblem: { main: 3, side: 0.3, keywords: true, requests: true },
  placeholders: true,
  dropNumbers: true,
};

const STOP = new Set(['的', '了', '在', '是', '我', '我们', '有', '和', '就', '都', '也', '很', '还', '一个', '这', '那', '着', '吗', '吧', '呢', '啊', '请', '希望', '一下']);
const TITLE = /^\s*标题[:：]\s*([^\n]*)\n/;
const FORMULAS = /尊敬的[^：:，,\n]{0,14}[：:，,]|(各位)?(领导|同志|工作人员)(们)?[，,]?(你们|您)好[！!，,。]?|(你|您)好[！!，,。]|此致[，,]?\s*敬礼[！!。]?|谢谢(你们|您)?[！!。]?|感谢(你们|您)[^。！!]{0,6}[。！!]?|特此(反映|来信)[。！!]?/g;

/** a resident introducing themselves: 我是(一名)退休工人, 我是独居老人, 本人退休在家, 我八十多岁了, 热线的同志 */
const PERSONA = /(我|本人)(是|今年|已经)?[^，。！？,.!?\n]{0,10}?(退休(工人|老人|职工|教师|干部|在家|了)|退休(?![金费工资待])|老人家?|老头子?|老太太?|老住户|老同志|老党员|[一二三四五六七八九十百几多0-9]+岁了?)[，。！,.!]?|(热线的|各位)同志[，,]?|同志你好[，,！!]?/g;

/** a word every PERSONA match contains: the cheap test before the slow one */
const PERSONA_WORDS = /退休|老[人头太住同党]|岁|同志/;

/** Plates (沪A·12345), order/serial numbers (HK27-02, JD0012…), phone numbers and plain digit runs, full-width digits too. */
const NUMBERS = /[沪京津渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤琼川贵云陕甘青蒙桂宁新藏][a-zA-Z][·•.\s]?[a-zA-Z0-9]{5,6}|[a-zA-Z]*[0-9０-９][a-zA-Z0-9０-９\-_/]*/g;
/** what every NUMBERS match contains once the text is lower case */
const MAY_NUMBER = /[a-zA-Z0-9０-９]/;
const DISTRICTS = /(黄浦|徐汇|长宁|静安|普陀|虹口|杨浦|闵行|宝山|嘉定|浦东新|浦东|金山|松江|青浦|奉贤|崇明)区?/g;
/** a road or lane named before its number: 漕宝路0号, 莘松路0弄0号楼0室 (numbers already reduced to 0) */
/** ×× / XX / ＊＊ / 某 before an address word: what a writer puts instead of a number or a name */
const PLACEHOLDERS = /(?:[×xX＊*]{2,}|某)(路|街|巷|大道)|[×xX＊*]{2,}|某(?=[弄号楼室村镇小区花园大厦厂店])/g;
/** a placeholder road (××路, 某路) is dropped like a named one; any other placeholder becomes the number digit */
const placeholder = (_m: string, road?: string) => (road ? ' ' : '0');
/**
 * a place named as where (学校门口, 医院旁边, 公交站对面): the place noun then names no problem. Not 店 (店门口 is
 * how street vending is written) and not a bare 门口.
 */
const PLACES = /(学校|小学|中学|幼儿园|校|医院|卫生院|诊所|药店|药房|公交站|公交车站|车站|地铁站|地铁口|站台|菜场|菜市场|商场|超市|公园|银行|饭店|酒店|工地|工厂|厂|派出所|居委会?|小区|单元|弄堂|路口|楼)(大?门口|门外|门前|对面|旁边|附近|隔壁|边上|周边|周围|[东西南北]侧|[东西南北后侧]门|外面|外侧|楼下|底下|下面|后面)/g;

/**
 * Main-problem clause markers (fifth round). MAIN: the writer says which problem is the one; SIDE_START: a clause
 * or sentence that opens a second, lesser problem; SIDE: a problem set aside (以后再说, 先不急, 就算了, 是小事).
 * MARKERS is the cheap test every text gets before the split (by `markerWords`, not the pattern itself: below).
 */
const MARKERS = /主要|急|烦|要紧|关键|先|另外|还有|顺便|此外|其次|再说|小事|算了|放一边|不提|不说|二是|第二|再谈|再问|担心|受不了|大问题|重点|顺带/;
const MAIN = /主要|最急|最烦|更急|急的是|急事|最要紧|要紧的?是|更要紧|最关键|关键是|最担心|更担心|最受不了|受不了的是|大问题|最重要|重点是|(?<![首优原事预争])先(?!生|后|前|不|放|说好|看看)[\p{sc=Han}]|比[^，。；]{0,8}(着急|急|要紧)/u;
/** a request (请…, 希望…, 麻烦…): with `mainProblem.requests`, a main clause too */
const REQUEST = /请|希望|要求|麻烦|能否|能不能/;
const SIDE_START = /^[\s\d.、．)）]*(另外|还有(?![点些人])|顺便|顺带|此外|再有|其次)/;
const SIDE = /以后再?说|回头再?说|回头再说|之后再(说|谈|问)|再说吧?$|先不急|不急的|这个不急|不太急|(先|暂时)放(一边|着)|先不(提|说|管)|就算了|我就不说了|是小事|小事一桩|其次|倒不多|还能忍|另外再问|另外问/;

type ClauseKind = 0 | 1 | 2; // 0 plain, 1 main, 2 side
/**
 * How many UTF-16 units of `c` are not whitespace, punctuation or symbols: what `c.replace(/[\s\p{P}\p{S}]/gu, '').length`
 * gave, without building the string (it showed in the profile). Per code unit from a table filled on first sight;
 * a surrogate pair (an emoji is a symbol) is one code point, tested as such.
 */
export function clauseLength(c: string): number {
  let n = 0;
  for (let i = 0; i < c.length; i++) {
    const u = c.charCodeAt(i);
    if (u >= 0xd800 && u <= 0xdbff && i + 1 < c.length) {
      const v = c.charCodeAt(i + 1);
      if (v >= 0xdc00 && v <= 0xdfff) {
        if (!NOT_COUNTED_ONE.test(c.slice(i, i + 2))) n += 2;
        i++;
        continue;
      }
    }
    let k = notCounted[u];
    if (k === 2) k = notCounted[u] = NOT_COUNTED_ONE.test(String.fromCharCode(u)) ? 1 : 0;
    if (!k) n++;
  }
  return n;
}
const NOT_COUNTED_ONE = /^[\s\p{P}\p{S}]$/u;
/** per code unit: 1 whitespace, punctuation or symbol, 0 not, 2 not yet known */
const notCounted = new Uint8Array(65536).fill(2);

/** The body as (text, weight) pieces in order: main clauses × main, set-aside clauses × side, the rest × 1. */
export function clauseWeights(body: string, w: { main: number; side: number; requests?: boolean }): { text: string; weight: number }[] {
  const { ends, kinds, count } = clauseKinds(body, !!w.requests);
  const out: { text: string; weight: number }[] = [];
  // consecutive clauses of one weight are one piece: one slice of the body, not a string per clause joined up
  let from = 0;
  for (let i = 0; i < count; i++) {
    const weight = kinds[i] === 1 ? w.main : kinds[i] === 2 ? w.side : 1;
    const nextWeight = i + 1 < count ? (kinds[i + 1] === 1 ? w.main : kinds[i + 1] === 2 ? w.side : 1) : NaN;
    if (nextWeight === weight) continue;
    out.push({ text: body.slice(from, ends[i]), weight });
    from = ends[i];
  }
  return out;
}

/** 1: ends a sentence (。！？!?；;\n), 2: ends a clause (，,：:), by char code (a Set of one-character strings per character showed in the profile) */
const BREAK = new Uint8Array(65536);
for (const ch of '。！？!?；;\n') BREAK[ch.charCodeAt(0)] = 1;
for (const ch of '，,：:') BREAK[ch.charCodeAt(0)] = 2;

/**
 * MARKERS and REQUEST are alternations of plain words: `hasWord` finds them by the first code unit (a table) and a
 * `startsWith` of the few words starting with it, so the clause split learns which clauses hold one in the same pass
 * that finds the clause ends, instead of a slice and one or two regular expressions per clause (6 % of
 * `bench:classify`'s profile went to the split and these tests). Equal to the patterns (features.test.ts); no word
 * holds a clause break, so a word found in the body lies inside one clause.
 */
const WORDS_OF = (re: RegExp) => re.source.split('|');
const MARKER_WORDS = WORDS_OF(MARKERS);
const REQUEST_WORDS = WORDS_OF(REQUEST);
/** per code unit: 0, or the slot in WORDS / WORD_BITS of the words starting with it (a table read, no Map, per position) */
const WORD_SLOT = new Uint8Array(65536);
const WORDS: string[][] = [[]];
/** per slot and word: 1 a MARKERS word, 2 a REQUEST word */
const WORD_BITS: number[][] = [[]];
for (const [words, bit] of [[MARKER_WORDS, 1], [REQUEST_WORDS, 2]] as const) {
  for (const word of words) {
    if (!/^[\p{sc=Han}]+$/u.test(word) || [...word].some((ch) => BREAK[ch.charCodeAt(0)])) throw new Error(`clause marker ${word}: not a plain word`);
    const c = word.charCodeAt(0);
    if (!WORD_SLOT[c]) {
      WORD_SLOT[c] = WORDS.length;
      WORDS.push([]);
      WORD_BITS.push([]);
    }
    WORDS[WORD_SLOT[c]].push(word);
    WORD_BITS[WORD_SLOT[c]].push(bit);
  }
}
if (WORDS.length > 256) throw new Error('clause markers: too many first characters');
/** Which of MARKERS (bit 1) and REQUEST (bit 2) have a word starting at `i`. */
function wordsAt(s: string, i: number): number {
  const slot = WORD_SLOT[s.charCodeAt(i)];
  if (!slot) return 0;
  const words = WORDS[slot];
  const bits = WORD_BITS[slot];
  let found = 0;
  for (let k = 0; k < words.length; k++) {
    if (found & bits[k]) continue;
    const word = words[k];
    if (i + word.length > s.length) continue;
    let j = 1; // the first code unit is the slot's
    while (j < word.length && s.charCodeAt(i + j) === word.charCodeAt(j)) j++;
    if (j === word.length) found |= bits[k];
  }
  return found;
}
/** the two word patterns `markerWords` stands for (for its test) */
export const MARKER_PATTERNS = { MARKERS, REQUEST };
/** Which of MARKERS (bit 1) and REQUEST (bit 2) match somewhere in `s`: `MARKERS.test(s)`, `REQUEST.test(s)` in one pass. */
export function markerWords(s: string): number {
  let bits = 0;
  for (let i = 0; i < s.length && bits !== 3; i++) bits |= wordsAt(s, i);
  return bits;
}

/** the last text's clauses: featurize and the keyword search ask for the same text one after the other */
let lastKinds: { body: string; requests: boolean; ends: number[]; kinds: ClauseKind[]; count: number } | null = null;

/** The body's clauses in order, as their end offsets (the first starts at 0, each next where one ends), and each one's kind. */
function clauseKinds(body: string, requests: boolean): { ends: number[]; kinds: ClauseKind[]; count: number } {
  if (lastKinds && lastKinds.body === body && lastKinds.requests === requests) return lastKinds;
  const ends: number[] = [];
  const kinds: ClauseKind[] = [];
  let first = 0; // index of the current sentence's first clause
  let rest: ClauseKind = 0; // a short marker clause carries its kind to the rest of the sentence
  let from = 0;
  let words = 0; // MARKERS / REQUEST words in the current clause (bits of `wordsAt`)
  for (let i = 0; i < body.length; i++) {
    const brk = BREAK[body.charCodeAt(i)];
    if (!brk) words |= wordsAt(body, i);
    const endsSentence = brk === 1;
    if (!brk && i < body.length - 1) continue;
    const at = ends.length;
    ends.push(i + 1);
    let kind: ClauseKind = rest;
    // most clauses hold no marker word at all: the rest of the tests only for those that do
    const request = requests && (words & 2) !== 0;
    if ((words & 1) !== 0 || request) {
      const c = body.slice(from, i + 1);
      const side = SIDE.test(c);
      if ((MAIN.test(c) || request) && !side) {
        kind = 1;
        rest = clauseLength(c) <= 8 ? 1 : 0;
      } else if (SIDE_START.test(c)) {
        kind = 2;
        rest = 2;
      } else if (side) {
        kind = 2;
        // 「小区门口占道卖菜的说了好多次，今天先不提」: the short clause sets aside the one before it
        if (clauseLength(c) <= 8 && at > first && kinds[at - 1] === 0) kinds[at - 1] = 2;
        rest = 0;
      }
    }
    kinds.push(kind);
    from = i + 1;
    words = 0;
    if (endsSentence) {
      first = ends.length;
      rest = 0;
    }
  }
  lastKinds = { body, requests, ends, kinds, count: ends.length };
  return lastKinds;
}

/** The text with its set-aside clauses blanked (what an admin keyword is looked for in, with `mainProblem.keywords`). */
export function mainProblemText(text: string, opts: FeatureOptions): string {
  const mp = opts.mainProblem;
  if (!mp?.keywords) return text;
  const words = markerWords(text);
  if (!(words & 1 || (mp.requests && words & 2))) return text;
  const { ends, kinds, count } = clauseKinds(text, !!mp.requests);
  if (!kinds.includes(2)) return text;
  let out = '';
  for (let i = 0, from = 0; i < count; from = ends[i++]) out += kinds[i] === 2 ? ' '.repeat(ends[i] - from) : text.slice(from, ends[i]);
  return out;
}

/** what every ADDRESS match contains once numbers are 0: a road word before the 0 (中路, 大道, 公路 … all end so) or a unit word after it */
const MAY_ADDRESS = /[路道街巷]0|0[号弄支室栋幢单楼层户]/;
const ADDRESS = /[\p{sc=Han}]{1,4}(中路|东路|西路|南路|北路|大道|公路|路|街|巷)(?=0)|0(号楼|号|弄|支弄|室|栋|幢|单元|楼|层|户)/gu;

/** ADDRESS tried at one position only (sticky) */
const ADDRESS_AT = new RegExp(ADDRESS.source, 'uy');
/** per code unit: 1 ends every road word of ADDRESS (路, 道, 街, 巷), 2 starts a unit word (号, 弄, 支, 室 …) */
const ADDRESS_EDGE = new Uint8Array(65536);
for (const ch of '路道街巷') ADDRESS_EDGE[ch.charCodeAt(0)] = 1;
for (const ch of '号弄支室栋幢单楼层户') ADDRESS_EDGE[ch.charCodeAt(0)] = 2;
/** dropAddresses' scratch: which positions a match may start at */
let addressStarts = new Uint8Array(1024);

/**
 * `s.replace(ADDRESS, ' ')` for a text whose numbers are 0, trying the pattern only where a match can start. A match
 * is either 1–4 Han characters (up to 8 code units) and a road word (1–2, ending in 路/道/街/巷) right before a 0, so it
 * starts 2–10 code units before such a 0, or a 0 followed by a unit word. Trying those positions in order, each
 * at that position alone, finds the same leftmost matches the global scan finds (the scan tried every position and
 * its Unicode-property class made that slow: up to 30 CPU-µs of a 600-character letter). Tested against the pattern.
 */
export function dropAddresses(s: string): string {
  const n = s.length;
  if (addressStarts.length < n) addressStarts = new Uint8Array(2 * n);
  const starts = addressStarts.fill(0, 0, n);
  let any = false;
  for (let z = s.indexOf('0'); z >= 0; z = s.indexOf('0', z + 1)) {
    if (z > 0 && ADDRESS_EDGE[s.charCodeAt(z - 1)] === 1) {
      starts.fill(1, Math.max(0, z - 10), Math.max(0, z - 1));
      any = true;
    }
    if (z + 1 < n && ADDRESS_EDGE[s.charCodeAt(z + 1)] === 2) {
      starts[z] = 1;
      any = true;
    }
  }
  if (!any) return s;
  let out = '';
  let copied = 0; // s[0, copied) is in `out`
  for (let p = 0; p < n; p++) {
    if (!starts[p]) continue;
    // the global scan never starts inside a surrogate pair
    const u = s.charCodeAt(p);
    if (u >= 0xdc00 && u <= 0xdfff && p > 0) {
      const h = s.charCodeAt(p - 1);
      if (h >= 0xd800 && h <= 0xdbff) continue;
    }
    ADDRESS_AT.lastIndex = p;
    const m = ADDRESS_AT.exec(s);
    if (!m) continue;
    out += s.slice(copied, p) + ' ';
    copied = p + m[0].length;
    p = copied - 1; // the scan goes on after the match
  }
  return copied === 0 ? s : out + s.slice(copied);
}

/**
 * One piece of text cleaned for counting: lower case, placeholders, numbers, addresses, then noise to spaces.
 * A module function, not a closure made per text: under tsx (esbuild keepNames) every named closure costs a
 * `__name` call (Object.defineProperty) each time it is made, which showed in the profile of `bench:classify`.
 */
function normalise(raw: string, opts: FeatureOptions): string {
  let s = raw.toLowerCase();
  if (opts.places) s = s.replace(PLACES, ' ');
  if (opts.placeholders) s = s.replace(PLACEHOLDERS, placeholder);
  // every NUMBERS match holds a latin letter or a digit (after lower-casing): the cheap test skips the slow scan
  if (opts.numbers && MAY_NUMBER.test(s)) s = s.replace(NUMBERS, '0');
  if (opts.addresses) {
    s = s.replace(DISTRICTS, ' ');
    // every ADDRESS match holds the number placeholder: most texts have none, and the Han-class scan is slow (2 % of bench:classify)
    // (and every match with `numbers` has 路/道/街/巷 right before a 0 or a 0 right before 号/弄/室 …: one quick scan)
    if (!opts.numbers) s = s.replace(ADDRESS, ' ');
    else if (MAY_ADDRESS.test(s)) s = dropAddresses(s);
  }
  if (opts.dropNumbers && opts.numbers) s = s.replace(/0/g, ' ');
  return denoise(s);
}

/**
 * `s.replace(NOISE, ' ')` (every run of whitespace, punctuation and symbols becomes one space) by a table of code
 * units instead of the regular expression, whose Unicode property classes cost about 40 ns a character (as much as
 * every other cleaning pattern together). Code points as the `u` flag reads them: a surrogate pair (an emoji is a
 * symbol) is tested as one, a lone surrogate is no noise. Tested against the pattern (featureTable.test.ts).
 * The kept code units go to a scratch buffer and become one string at the end: the slices and concatenations
 * this did before (a cons string to flatten later) cost a third more.
 */
export function denoise(s: string): string {
  const n = s.length;
  if (denoiseBuffer.length < n) denoiseBuffer = new Uint16Array(2 * n);
  const buf = denoiseBuffer;
  let k = 0;
  let noisy = false; // the previous code point was noise (its run's space is written)
  let any = false;
  for (let i = 0; i < n; i++) {
    const u = s.charCodeAt(i);
    if (u >= 0xd800 && u <= 0xdbff && i + 1 < n) {
      const v = s.charCodeAt(i + 1);
      if (v >= 0xdc00 && v <= 0xdfff) {
        if (NOT_COUNTED_ONE.test(s.slice(i, i + 2))) {
          if (!noisy) buf[k++] = 32;
          noisy = any = true;
        } else {
          buf[k++] = u;
          buf[k++] = v;
          noisy = false;
        }
        i++;
        continue;
      }
    }
    let t = notCounted[u];
    if (t === 2) t = notCounted[u] = NOT_COUNTED_ONE.test(String.fromCharCode(u)) ? 1 : 0;
    if (t === 1) {
      if (!noisy) buf[k++] = 32;
      noisy = any = true;
    } else {
      buf[k++] = u;
      noisy = false;
    }
  }
  if (!any) return s;
  let out = '';
  // in chunks: `apply` puts every code unit on the stack
  for (let a = 0; a < k; a += 4096) out += String.fromCharCode.apply(null, buf.subarray(a, Math.min(k, a + 4096)) as unknown as number[]);
  return out;
}
/** denoise's scratch: the kept code units */
let denoiseBuffer = new Uint16Array(1024);

/** The text as counted: title and body separately, cleaned; `weight` is how often each counts. */
function partsOf(text: string, opts: FeatureOptions): { clean: string; weight: number }[] {
  let body = text;
  const title = TITLE.exec(text);
  if (title) body = text.slice(title[0].length);
  if (opts.stripFormulas) body = body.replace(FORMULAS, ' ');
  // the full pattern backtracks at every 我 (a third of featurize's time); most texts hold none of its words
  if (opts.persona && PERSONA_WORDS.test(body)) body = body.replace(PERSONA, ' ');
  const parts: { clean: string; weight: number }[] = [];
  if (title) {
    const clean = normalise(title[1], opts).trim();
    if (clean && opts.titleWeight > 0) parts.push({ clean, weight: opts.titleWeight });
  }
  const words = opts.mainProblem ? markerWords(body) : 0;
  const pieces = opts.mainProblem && (words & 1 || (opts.mainProblem.requests && words & 2)) ? clauseWeights(body, opts.mainProblem) : null;
  if (pieces && pieces.length > 1) {
    // the weighted pieces normalised in one pass, not one per piece (each pass is five regular expressions):
    // joined by a private-use character no pattern matches or removes, then cut there again
    let joined = pieces[0].text;
    for (let k = 1; k < pieces.length; k++) joined += PIECE_MARK + pieces[k].text;
    const cleaned = normalise(joined, opts).split(PIECE_MARK);
    for (let k = 0; k < pieces.length; k++) {
      const clean = cleaned[k].trim();
      if (clean && pieces[k].weight > 0) parts.push({ clean, weight: pieces[k].weight });
    }
  } else {
    const weight = pieces ? pieces[0]?.weight ?? 1 : 1;
    const clean = normalise(body, opts).trim();
    if (clean && weight > 0) parts.push({ clean, weight });
  }
  return parts;
}

/** joins the weighted pieces of a body while they are normalised together (Unicode private use: in no text, no pattern) */
const PIECE_MARK = '\uE000';

function words(pieces: string[]): string[] {
  const out: string[] = [];
  for (const word of pieces) {
    const w = word.trim();
    if (w && !STOP.has(w)) out.push(w);
  }
  return out;
}

/**
 * jieba's pieces of each part, in order (segmenter.ts: jieba-rs's cut in TypeScript). Each part is cut alone: jieba
 * always cuts at a space, so that is what the one native call over the parts joined by spaces gave, less the
 * separator spaces, which were never features.
 */
function cutParts(parts: { clean: string }[]): string[][] {
  return parts.map((p) => segmenter.pieces(p.clean));
}

/** The cleaned pieces of a text that are cut and counted (title, weighted clauses), in order: for tests. */
export function cleanedParts(text: string, opts: FeatureOptions): string[] {
  return partsOf(text, opts).map((p) => p.clean);
}

/** Calls `add` once per feature occurrence; `weight` is how often it counts. For training and tools: allocates a string per n-gram. */
function eachFeature(text: string, opts: FeatureOptions, add: (key: string, weight: number) => void): void {
  const parts = partsOf(text, opts);
  const cut = cutParts(parts);
  parts.forEach(({ clean, weight }, k) => {
    for (const w of words(cut[k])) add('w:' + w, weight);
    // position by position (the n-grams ending here), in the order `featurize` counts them
    for (const run of clean.split(' ')) {
      for (let i = 0; i < run.length; i++) {
        if (opts.unigrams) add('u:' + run[i], weight);
        if (i >= 1) add('b:' + run.slice(i - 1, i + 1), weight);
        if (opts.trigrams && i >= 2) add('t:' + run.slice(i - 2, i + 1), weight);
      }
    }
  });
}

export function tokenize(text: string, opts: FeatureOptions = DEFAULT_FEATURES): string[] {
  const features: string[] = [];
  eachFeature(text, opts, (key, weight) => {
    for (let i = 0; i < weight; i++) features.push(key);
  });
  return features;
}

/** feature → weighted count (a clause may count a fraction: `mainProblem.side`); what training vectorises */
export function termCounts(text: string, opts: FeatureOptions = DEFAULT_FEATURES): Map<string, number> {
  const counts = new Map<string, number>();
  eachFeature(text, opts, (key, weight) => counts.set(key, (counts.get(key) ?? 0) + weight));
  return counts;
}

export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

export interface Vocabulary {
  /** feature string → column */
  index: Map<string, number>;
  idf: Float32Array;
  options: FeatureOptions;
}

/**
 * What `featurize` keeps per vocabulary: the feature table (featureTable.ts: columns found from UTF-16 code
 * units, no string built, no JS Map) and scratch counts reused from text to text.
 */
interface FastIndex {
  table: FeatureTable;
  /**
   * the slots (of `table`, whose slots hold the counts) seen in the current text, in first-seen order. `touched` and
   * `tf` hold one entry per distinct column of a text, not one per column of the vocabulary: they start small and grow
   * when a text may need more (`featurize` sizes `touched` for the text's length before counting). Sized by the
   * vocabulary, the two were 0.5 MB of a loaded model's memory (issue 12's ≤ 20 MB) for texts that touch a few
   * hundred columns; the arithmetic is unchanged.
   */
  touched: Int32Array;
  /** the touched columns' counts (a scratch array: no allocation per text) */
  tf: Float64Array;
  /** and their idf (the same length as `tf`) */
  idf: Float64Array;
}
const fastIndexes = new WeakMap<Vocabulary, FastIndex>();
function fastIndex(vocab: Vocabulary): FastIndex {
  let fast = fastIndexes.get(vocab);
  if (fast) return fast;
  const names: string[] = [];
  for (const [key, j] of vocab.index) names[j] = key;
  fast = { table: new FeatureTable(names), ...scratchFor(vocab.idf.length) };
  fastIndexes.set(vocab, fast);
  return fast;
}

const scratchFor = (size: number) => ({ touched: new Int32Array(Math.min(size, 1024)), tf: new Float64Array(Math.min(size, 1024)), idf: new Float64Array(Math.min(size, 1024)) });

/** The feature table of a vocabulary (its names in column order, for explanations and storage). */
export function featureTable(vocab: Vocabulary): FeatureTable {
  return fastIndex(vocab).table;
}

/**
 * A vocabulary from a feature table (a stored model's, or a trained one's once training is done), holding no
 * Map: `index` is built from the table only if something asks for it (`vectorize`, training tools), never
 * for classification, which reads the table.
 */
export function tableVocabulary(table: FeatureTable, idf: Float32Array, options: FeatureOptions): Vocabulary {
  const known = tableVocabularies.get(table);
  if (known && known.idf === idf && known.options === options) return known;
  let index: Map<string, number> | undefined;
  const vocab: Vocabulary = {
    get index() {
      if (!index) {
        index = new Map();
        for (let j = 0; j < table.size; j++) index.set(table.name(j), j);
      }
      return index;
    },
    idf,
    options,
  };
  fastIndexes.set(vocab, { table, ...scratchFor(idf.length) });
  tableVocabularies.set(table, vocab);
  return vocab;
}
/** a table's vocabulary, so a model's copies (`withKeywords`) share it and its scratch counts */
const tableVocabularies = new WeakMap<FeatureTable, Vocabulary>();

/** Builds the vocabulary from tokenised documents; n-grams seen once are dropped (noise, size), and at most `maxFeatures` kept. */
export function buildVocabulary(docs: (string[] | Map<string, number>)[], options: FeatureOptions = DEFAULT_FEATURES): Vocabulary {
  const df = new Map<string, number>();
  for (const doc of docs) for (const f of Array.isArray(doc) ? new Set(doc) : doc.keys()) df.set(f, (df.get(f) ?? 0) + 1);
  const index = new Map<string, number>();
  const idfs: number[] = [];
  const n = docs.length;
  // The most frequent features first, up to the cap: what keeps the model inside its memory budget.
  const kept = [...df].filter(([f, count]) => count >= 2 || f.startsWith('w:')).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  for (const [f, count] of kept.slice(0, options.maxFeatures)) {
    index.set(f, idfs.length);
    idfs.push(Math.log((1 + n) / (1 + count)) + 1);
  }
  return { index, idf: Float32Array.from(idfs), options };
}

/** Sublinear TF × IDF, L2-normalised; unknown features are ignored. */
export function vectorize(tokens: string[] | Map<string, number>, vocab: Vocabulary): SparseVector {
  const tf = new Map<number, number>();
  for (const [t, n] of Array.isArray(tokens) ? tokens.map((t) => [t, 1] as const) : tokens) {
    const j = vocab.index.get(t);
    if (j !== undefined) tf.set(j, (tf.get(j) ?? 0) + n);
  }
  return weigh(Int32Array.from(tf.keys()), Float64Array.from(tf.values()), vocab);
}

/**
 * tokenize + vectorize in one pass for classification: no token array and no
 * string per n-gram (the profile of `bench:classify` had string building and
 * hashing as the largest cost), n-grams absent from the vocabulary dropped on the spot.
 * Must give exactly what `vectorize(tokenize(text), vocab)` gives (tested).
 */
export function featurize(text: string, vocab: Vocabulary, idf?: IdfRows, into?: FeatureScratch): SparseVector {
  const fast = fastIndex(vocab);
  const table = fast.table;
  // counts by the table's slots (featureTable.ts): `touched` lists slots, in first-seen order
  const counts = table.counts;
  const opts = vocab.options;
  const parts = partsOf(text, opts);
  // Columns in first-seen order: `touched` must hold one per distinct column, and a text has at most one word per
  // code unit plus one n-gram of each kind per code unit, so sizing it once per text up front replaces the check
  // (and the closure that held it) on every occurrence.
  let bound = 0;
  for (let p = 0; p < parts.length; p++) bound += parts[p].clean.length;
  const kinds = 2 + (opts.unigrams ? 1 : 0) + (opts.trigrams ? 1 : 0);
  if (fast.touched.length < kinds * bound) fast.touched = new Int32Array(2 * kinds * bound);
  const touched = fast.touched;
  let n = 0;
  for (let p = 0; p < parts.length; p++) {
    const { clean, weight } = parts[p];
    // jieba's pieces straight to their columns, as offsets into `clean` (no string per piece); a stop word is
    // simply not in the vocabulary
    if (pieceEnds.length < clean.length) pieceEnds = new Int32Array(2 * clean.length);
    const ends = pieceEnds;
    const count = segmenter.cut(clean, 0, clean.length, ends);
    rowSink += table.touch(clean, ends, count);
    for (let q = 0, from = 0; q < count; from = ends[q++]) {
      const to = ends[q];
      // a lone surrogate: the native cut this replaces saw U+FFFD there (segmenter.ts, `isLoneSurrogate`)
      let s = isLoneSurrogate(clean, from, to) ? table.wordSlot(REPLACEMENT, 0, 1) : table.wordSlot(clean, from, to);
      if (s < 0 && to - from > 1 && (clean.charCodeAt(from) === 32 || clean.charCodeAt(to - 1) === 32)) {
        // what training counted: the piece trimmed (never happens on cleaned text: kept for exactness)
        const w = clean.slice(from, to).trim();
        s = table.wordSlot(w, 0, w.length);
      }
      if (s < 0) continue;
      if (counts[s] === 0) touched[n++] = s;
      counts[s] += weight;
    }
    // n-grams never cross a space (the runs of `clean.split(' ')`)
    let a = -1; // code unit two back, or -1 at a run start
    let b = -1; // previous code unit
    for (let i = 0; i < clean.length; i++) {
      const c = clean.charCodeAt(i);
      if (c === 32) {
        a = b = -1;
        continue;
      }
      if (opts.unigrams) {
        const s = table.gramSlot(U, c);
        if (s >= 0) {
          if (counts[s] === 0) touched[n++] = s;
          counts[s] += weight;
        }
      }
      if (b >= 0) {
        const s = table.bigramSlot(b, c);
        if (s >= 0) {
          if (counts[s] === 0) touched[n++] = s;
          counts[s] += weight;
        }
      }
      if (opts.trigrams && a >= 0) {
        const s = table.gramSlot(T, a, b, c);
        if (s >= 0) {
          if (counts[s] === 0) touched[n++] = s;
          counts[s] += weight;
        }
      }
      a = b;
      b = c;
    }
  }
  let indices: Int32Array;
  let values: Float32Array;
  if (into) {
    if (into.indices.length < n) into.indices = new Int32Array(2 * n);
    if (into.values.length < n) into.values = new Float32Array(2 * n);
    indices = into.indices.subarray(0, n);
    values = into.values.subarray(0, n);
  } else {
    indices = new Int32Array(n);
    values = new Float32Array(n);
  }
  if (fast.tf.length < n) {
    fast.tf = new Float64Array(touched.length);
    fast.idf = new Float64Array(touched.length);
  }
  const tf = fast.tf;
  const idfOf = fast.idf;
  const from = idf ? idf.floats : vocab.idf;
  const R = idf ? idf.rowFloats : 1;
  const at = idf ? idf.at : 0;
  // every column's idf read in a loop of loads only, before any Math.log: the reads miss the cache (the rows are
  // 5 MB), and with a call between them they waited one after another (7 % of classify's profile on this line)
  const slots = table.slots;
  const bytes = idf?.bytes;
  if (bytes) {
    const B = 4 * R;
    let sink = 0;
    for (let k = 0; k < n; k++) {
      const s = touched[k];
      const j = slots[2 * s - 1];
      indices[k] = j;
      tf[k] = counts[s];
      counts[s] = 0;
      idfOf[k] = from[j * R + at];
      sink += bytes[j * B] + bytes[j * B + B - 1];
    }
    rowSink += sink;
  } else
    for (let k = 0; k < n; k++) {
      const s = touched[k];
      const j = slots[2 * s - 1];
      indices[k] = j;
      tf[k] = counts[s];
      counts[s] = 0;
      idfOf[k] = from[j * R + at];
    }
  // `weigh`, the same arithmetic in the same order
  let norm = 0;
  for (let k = 0; k < n; k++) {
    const v = sublinear(tf[k]) * idfOf[k];
    values[k] = v;
    norm += v * v;
  }
  norm = Math.sqrt(norm) || 1;
  for (let k = 0; k < n; k++) values[k] /= norm;
  return { indices, values };
}
/**
 * 1 + ln(tf) above one occurrence, tf itself below (a set-aside clause's fraction: linear, so a term never turns
 * negative). Most counts are exactly 1, whose 1 + Math.log(1) is exactly 1: no call for those.
 */
const sublinear = (tf: number) => (tf === 1 ? 1 : tf >= 1 ? 1 + Math.log(tf) : tf);

/** Arrays `featurize` may write its result into (grown when short): the vector is then a view of them, valid until the next call. */
export interface FeatureScratch {
  indices: Int32Array;
  values: Float32Array;
}
/** where featurize's reads of the rows' bytes go (kept, so the reads are not dropped as unused) */
let rowSink = 0;
export const rowsRead = () => rowSink;
/** featurize's scratch: the piece ends of the part being counted */
let pieceEnds = new Int32Array(1024);
const U = 'u'.charCodeAt(0);
const T = 't'.charCodeAt(0);

/**
 * The vocabulary's idf held elsewhere, column j's at `floats[j * rowFloats + at]` (packedRows.ts: beside the
 * column's weights, so reading it brings in the row the scoring reads next). The same float32 values.
 */
export interface IdfRows {
  floats: Float32Array;
  rowFloats: number;
  at: number;
  /**
   * the rows' bytes (PackedRows): `featurize` reads each touched row's first and last byte while it reads the idf, so
   * every cache line of the row the scoring reads next is on its way in one loop of independent loads (a miss each),
   * not met one after another inside the dot products
   */
  bytes?: Int8Array;
}

/** Term counts → sublinear TF × IDF, L2-normalised. */
function weigh(indices: Int32Array, tf: Float64Array, vocab: Vocabulary, rows?: IdfRows): SparseVector {
  // tf may be longer than indices (featurize's scratch): entries past indices.length are not read
  const values = new Float32Array(indices.length);
  const idf = rows ? rows.floats : vocab.idf;
  const R = rows ? rows.rowFloats : 1;
  const at = rows ? rows.at : 0;
  let norm = 0;
  for (let k = 0; k < indices.length; k++) {
    const v = sublinear(tf[k]) * idf[indices[k] * R + at];
    values[k] = v;
    norm += v * v;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < values.length; i++) values[i] /= norm;
  return { indices, values };
}

/**
 * Single characters for the URGENCY model only (issue 12, fourth round): 烟, 火, 困, 晕, 漏, 塌 …
 * carry the danger whatever word a new writer wraps them in, where the shared words and bigrams
 * need the training writers' exact phrasing. Leave-one-writer-out (scripts/urgency-variants.ts
 * chars): 紧急 precision at recall 0.95 +0.03. A separate, small block (a few thousand columns)
 * looked up by char code, so the first-level models and their speed are untouched.
 */
export interface CharVocabulary {
  /** the characters, in column order ('0' stands for any run of digits) */
  chars: string;
  idf: Float32Array;
  /** char code → column, -1 when not in the vocabulary (16-bit while the columns fit: half the cache lines touched per character) */
  column: Int16Array | Int32Array;
}

const CHAR_SKIP = /[\s\p{P}\p{S}]/u;
const isDigit = (c: number) => (c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19);

/** Calls `add` with each counted char code of `text`: lower case, a digit run counts once as '0'. */
function eachChar(lowered: string, add: (code: number) => void): void {
  let prevDigit = false;
  for (let i = 0; i < lowered.length; i++) {
    const c = lowered.charCodeAt(i);
    if (isDigit(c)) {
      if (!prevDigit) add(48);
      prevDigit = true;
      continue;
    }
    prevDigit = false;
    add(c);
  }
}

/** Characters seen in at least two texts (punctuation, symbols and spaces never), with their IDF. */
export function buildCharVocabulary(texts: string[]): CharVocabulary {
  const df = new Map<number, number>();
  const seen = new Set<number>();
  for (const t of texts) {
    seen.clear();
    eachChar(t.toLowerCase(), (c) => seen.add(c));
    for (const c of seen) df.set(c, (df.get(c) ?? 0) + 1);
  }
  const kept = [...df].filter(([c, n]) => n >= 2 && !CHAR_SKIP.test(String.fromCharCode(c))).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return charVocabulary(
    String.fromCharCode(...kept.map(([c]) => c)),
    Float32Array.from(kept, ([, n]) => Math.log((1 + texts.length) / (1 + n)) + 1),
  );
}

/** The lookup table for stored characters and IDFs (also what `deserialize` calls). */
export function charVocabulary(chars: string, idf: Float32Array): CharVocabulary {
  const column = (chars.length < 0x8000 ? new Int16Array(65536) : new Int32Array(65536)).fill(-1);
  for (let j = 0; j < chars.length; j++) column[chars.charCodeAt(j)] = j;
  return { chars, idf, column };
}

const charScratch = new Map<CharVocabulary, { counts: Float64Array; touched: Int32Array; indices: Int32Array; values: Float32Array }>();
/**
 * Sublinear TF × IDF of the text's characters, L2-normalised, × `scale`, in columns offset + j. Runs on
 * every classification, so nothing is allocated but two views: the vector lives in scratch arrays and is
 * valid until the next call (callers copy it into the urgency input at once).
 */
export function charFeatures(text: string, vocab: CharVocabulary, offset: number, scale: number): SparseVector {
  let scratch = charScratch.get(vocab);
  if (!scratch) {
    const size = vocab.idf.length;
    charScratch.set(vocab, (scratch = { counts: new Float64Array(size), touched: new Int32Array(size), indices: new Int32Array(size), values: new Float32Array(size) }));
  }
  const { counts, touched, indices, values } = scratch;
  const column = vocab.column;
  const lowered = text.toLowerCase();
  let n = 0;
  let prevDigit = false;
  // the same counting as eachChar (training), inlined
  for (let i = 0; i < lowered.length; i++) {
    let code = lowered.charCodeAt(i);
    if (isDigit(code)) {
      if (prevDigit) continue;
      prevDigit = true;
      code = 48;
    } else prevDigit = false;
    const j = column[code];
    if (j < 0) continue;
    if (counts[j] === 0) touched[n++] = j;
    counts[j]++;
  }
  let norm = 0;
  for (let k = 0; k < n; k++) {
    const j = touched[k];
    const v = sublinear(counts[j]) * vocab.idf[j];
    counts[j] = 0;
    indices[k] = offset + j;
    values[k] = v;
    norm += v * v;
  }
  const f = norm ? scale / Math.sqrt(norm) : 0;
  for (let k = 0; k < n; k++) values[k] *= f;
  return { indices: indices.subarray(0, n), values: values.subarray(0, n) };
}
