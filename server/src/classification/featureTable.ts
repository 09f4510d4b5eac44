/**
 * The vocabulary as classification holds it (issue 12, speed and memory): every feature name in one UTF-16
 * table, and open-addressing tables of column numbers keyed from UTF-16 code units, so a word from jieba or
 * a character n-gram finds its column without building a string and without a JS Map of 40,000 strings
 * (each lookup there hashed a fresh string and followed pointers to a sliced key string: the profile's
 * largest item inside `featurize`, and ~5 MB of heap for the Map, its keys and the name array).
 *
 * - names: feature j is `text[start[j] .. start[j + 1])`, with its kind prefix ('w:', 'b:', 'u:', 't:');
 * - bigrams (the n-grams every model uses): their two code units are the whole 32-bit key, so a slot holds
 *   (key, column) and a probe needs no comparison of names;
 * - everything else (words, single characters, trigrams): a slot holds (hash of the name, column), and a
 *   hit is confirmed against the name table, so a lookup is exact: a hash collision can never give
 *   another feature's column.
 *
 * Both kinds of slot live in one buffer, and each holds a float64 count that `featurize` adds a text's occurrences
 * into (and zeroes after). A column is in exactly one slot, so counting by slot is counting by column, and the count
 * sits in the cache line the probe just read, where a vocabulary-sized count array was one more random access per
 * occurrence (3 % of classify's profile; branch clspeed7). A slot is named by its count's index in `counts` (a
 * "handle" h); its column is `slots[2h − 1]`.
 * - bigram slot, 16 bytes: key, column, count;
 * - named slot, 32 bytes: hash, column, count, then the name itself when it is at most 7 code units (a word of up to
 *   five characters after 'w:', nearly every word jieba gives): length | unit 0 << 16, units 1–2, 3–4, 5–6, zeros
 *   past the end. A word is then confirmed inside the slot; the name table (`start`, then `text`: two more random
 *   reads, 2.5 % of the profile) only for longer names.
 */
export class FeatureTable {
  readonly size: number;
  private readonly text: Uint16Array;
  private readonly start: Int32Array;
  /** the slots as 32-bit integers (see above) */
  readonly slots: Int32Array;
  /** the same bytes as float64: the counts */
  readonly counts: Float64Array;
  private readonly namedMask: number;
  /** bigram slots start at this byte */
  private readonly bigramBase: number;
  private readonly bigramMask: number;

  constructor(names: ArrayLike<string>) {
    const n = names.length;
    this.size = n;
    this.terms = new Array<string | undefined>(n);
    let chars = 0;
    for (let j = 0; j < n; j++) chars += names[j].length;
    this.text = new Uint16Array(chars);
    this.start = new Int32Array(n + 1);
    let at = 0;
    let bigramCount = 0;
    for (let j = 0; j < n; j++) {
      const name = names[j];
      this.start[j] = at;
      for (let i = 0; i < name.length; i++) this.text[at++] = name.charCodeAt(i);
      if (isBigram(name)) bigramCount++;
    }
    this.start[n] = at;
    this.namedMask = capacity(n - bigramCount) - 1;
    this.bigramBase = 32 * (this.namedMask + 1);
    // bigrams up to a little over half full (32,816 bigrams: 65,536 slots, 1 MB, where "twice the entries" made it 2 MB)
    this.bigramMask = capacity(bigramCount, 1.8) - 1;
    const buffer = new ArrayBuffer(this.bigramBase + 16 * (this.bigramMask + 1));
    this.slots = new Int32Array(buffer);
    this.counts = new Float64Array(buffer);
    const slots = this.slots;
    for (let s = 0; s <= this.namedMask; s++) slots[8 * s + 1] = -1;
    for (let s = 0; s <= this.bigramMask; s++) slots[this.bigramBase / 4 + 4 * s + 1] = -1;
    for (let j = 0; j < n; j++) {
      const name = names[j];
      if (isBigram(name)) {
        const key = (name.charCodeAt(2) << 16) | name.charCodeAt(3);
        let s = bigramSlot(key, this.bigramMask);
        while (slots[this.bigramBase / 4 + 4 * s + 1] !== -1) s = (s + 1) & this.bigramMask;
        slots[this.bigramBase / 4 + 4 * s] = key;
        slots[this.bigramBase / 4 + 4 * s + 1] = j;
      } else {
        let h = HASH_SEED;
        for (let i = 0; i < name.length; i++) h = mix(h, name.charCodeAt(i));
        h = finish(h);
        let s = h & this.namedMask;
        while (slots[8 * s + 1] !== -1) s = (s + 1) & this.namedMask;
        slots[8 * s] = h;
        slots[8 * s + 1] = j;
        if (name.length <= INLINE) {
          const u = (i: number) => (i < name.length ? name.charCodeAt(i) : 0);
          slots[8 * s + 4] = name.length | (u(0) << 16);
          slots[8 * s + 5] = u(1) | (u(2) << 16);
          slots[8 * s + 6] = u(3) | (u(4) << 16);
          slots[8 * s + 7] = u(5) | (u(6) << 16);
        }
      }
    }
  }

  /** feature j's name, e.g. 'w:路灯' */
  name(j: number): string {
    return String.fromCharCode.apply(null, this.text.subarray(this.start[j], this.start[j + 1]) as unknown as number[]);
  }

  /**
   * feature j's name without its kind prefix ('路灯' for 'w:路灯'), kept once made: `explain` asks for a few per
   * classification, nearly always among the same frequent features, and making one from the code units was 1.5 % of
   * classify's profile
   */
  term(j: number): string {
    let t = this.terms[j];
    if (t === undefined) t = this.terms[j] = this.name(j).slice(2);
    return t;
  }
  private readonly terms: (string | undefined)[];

  names(): string[] {
    return Array.from({ length: this.size }, (_, j) => this.name(j));
  }

  /** the column of bigram (b, c), or -1 */
  bigram(b: number, c: number): number {
    const h = this.bigramSlot(b, c);
    return h < 0 ? -1 : this.slots[2 * h - 1];
  }

  /** the handle of bigram (b, c)'s slot, or -1 */
  bigramSlot(b: number, c: number): number {
    const key = (b << 16) | c;
    const t = this.slots;
    const base = this.bigramBase >> 2;
    let s = bigramSlot(key, this.bigramMask);
    for (;;) {
      const at = base + 4 * s;
      const col = t[at + 1];
      if (col === -1) return -1;
      if (t[at] === key) return (at >> 1) + 1;
      s = (s + 1) & this.bigramMask;
    }
  }

  /**
   * Reads the first slot every bigram of `s` (runs between spaces) and every piece `s[ends[q − 1], ends[q])` hashes
   * to, and returns a sum of what it read (for the caller to keep: the reads must not be dropped as unused). The
   * probes that follow then find their lines in cache: here the reads are independent of one another and their
   * misses overlap, where in the counting loop each waited for the probe before it to be counted.
   */
  touch(s: string, ends: Int32Array, count: number): number {
    const t = this.slots;
    let sink = 0;
    for (let q = 0, from = 0; q < count; from = ends[q++]) {
      let h = WORD_SEED;
      for (let i = from; i < ends[q]; i++) h = mix(h, s.charCodeAt(i));
      sink += t[8 * (finish(h) & this.namedMask)];
    }
    const base = this.bigramBase >> 2;
    const mask = this.bigramMask;
    let b = -1;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 32) {
        b = -1;
        continue;
      }
      if (b >= 0) sink += t[base + 4 * bigramSlot((b << 16) | c, mask)];
      b = c;
    }
    return sink;
  }

  /** the column of the word `s[from, to)` ('w:' + it), or -1 */
  word(s: string, from: number, to: number): number {
    const h = this.wordSlot(s, from, to);
    return h < 0 ? -1 : this.slots[2 * h - 1];
  }

  /** the handle of the word `s[from, to)`'s slot, or -1 */
  wordSlot(s: string, from: number, to: number): number {
    let h = WORD_SEED;
    for (let i = from; i < to; i++) h = mix(h, s.charCodeAt(i));
    h = finish(h);
    const t = this.slots;
    const length = to - from + 2;
    // the name as a slot holds it inline ('w', ':', the word, zeros)
    let e4 = 0;
    let e5 = 0;
    let e6 = 0;
    let e7 = 0;
    if (length <= INLINE) {
      e4 = length | (W << 16);
      e5 = COLON | (from < to ? s.charCodeAt(from) << 16 : 0);
      e6 = (from + 1 < to ? s.charCodeAt(from + 1) : 0) | (from + 2 < to ? s.charCodeAt(from + 2) << 16 : 0);
      e7 = (from + 3 < to ? s.charCodeAt(from + 3) : 0) | (from + 4 < to ? s.charCodeAt(from + 4) << 16 : 0);
    }
    let slot = h & this.namedMask;
    for (;;) {
      const at = 8 * slot;
      const col = t[at + 1];
      if (col === -1) return -1;
      if (t[at] === h && (length <= INLINE ? t[at + 4] === e4 && t[at + 5] === e5 && t[at + 6] === e6 && t[at + 7] === e7 : this.isWord(col, s, from, to))) return 4 * slot + 1;
      slot = (slot + 1) & this.namedMask;
    }
  }

  /** the column of a single character or a trigram (kind 'u' or 't') from its code units, or -1 */
  gram(kind: number, c1: number, c2 = -1, c3 = -1): number {
    const h = this.gramSlot(kind, c1, c2, c3);
    return h < 0 ? -1 : this.slots[2 * h - 1];
  }

  /** the handle of a single character's or a trigram's slot, or -1 */
  gramSlot(kind: number, c1: number, c2 = -1, c3 = -1): number {
    let h = mix(mix(HASH_SEED, kind), COLON);
    h = mix(h, c1);
    if (c2 >= 0) h = mix(mix(h, c2), c3);
    h = finish(h);
    const length = c2 >= 0 ? 5 : 3;
    const t = this.slots;
    let slot = h & this.namedMask;
    for (;;) {
      const col = t[8 * slot + 1];
      if (col === -1) return -1;
      if (t[8 * slot] === h) {
        const at = this.start[col];
        const x = this.text;
        if (this.start[col + 1] - at === length && x[at] === kind && x[at + 1] === COLON && x[at + 2] === c1 && (length === 3 || (x[at + 3] === c2 && x[at + 4] === c3))) return 4 * slot + 1;
      }
      slot = (slot + 1) & this.namedMask;
    }
  }

  private isWord(col: number, s: string, from: number, to: number): boolean {
    const at = this.start[col];
    if (this.start[col + 1] - at !== to - from + 2) return false;
    const x = this.text;
    if (x[at] !== W || x[at + 1] !== COLON) return false;
    for (let i = from, k = at + 2; i < to; i++, k++) if (x[k] !== s.charCodeAt(i)) return false;
    return true;
  }

  /** bytes held */
  get byteLength(): number {
    return this.text.byteLength + this.start.byteLength + this.slots.byteLength;
  }
}

const W = 'w'.charCodeAt(0);
/** names of at most this many code units are held in their slot */
const INLINE = 7;
const COLON = ':'.charCodeAt(0);
const HASH_SEED = 0x811c9dc5 | 0;
/** FNV-1a step over one UTF-16 code unit */
const mix = (h: number, c: number) => Math.imul(h ^ c, 0x01000193);
const finish = (h: number) => {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
};
/** the hash state after 'w:' */
const WORD_SEED = mix(mix(HASH_SEED, W), COLON);
const bigramSlot = (key: number, mask: number) => finish(Math.imul(key, 0x9e3779b1)) & mask;
const isBigram = (name: string) => name.length === 4 && name.charCodeAt(0) === 98 /* b */ && name.charCodeAt(1) === COLON;
/** a power of two at least `room` times the entries (twice unless told): probes stay short */
function capacity(entries: number, room = 2): number {
  let cap = 16;
  while (cap < entries * room) cap *= 2;
  return cap;
}
