/**
 * The admins' keywords as a trie over UTF-16 code units, its edges in one open-addressing table: finding every keyword
 * in a text is one walk per position that stops at the first code unit no keyword continues with. It replaced a
 * lookup per position and keyword length that built a substring and hashed it into a Map (and looked the first two
 * code units up in a Map whose keys were heap numbers): 4 % of `bench:classify`'s profile.
 */
export class KeywordTrie {
  /** the keywords, by id (the order they were given in, duplicates dropped) */
  readonly words: string[];
  /** per node: the id of the keyword ending there, or -1 (node 0 is the root) */
  private readonly wordAt: Int32Array;
  /** edge table, per slot: parent node (-1: empty), code unit, child node */
  private readonly parent: Int32Array;
  private readonly unit: Uint16Array;
  private readonly child: Int32Array;
  private readonly mask: number;
  /** scratch of `find`: which ids are already in its answer */
  private readonly seen: Uint8Array;
  /** per code unit: 1 if some keyword starts with it (most positions of a text start none: one byte read, no probe) */
  private readonly starts = new Uint8Array(65536);

  constructor(words: Iterable<string>) {
    const ids = new Map<string, number>();
    for (const w of words) if (w && !ids.has(w)) ids.set(w, ids.size);
    this.words = [...ids.keys()];
    let nodes = 1;
    for (const w of this.words) nodes += w.length;
    let capacity = 16;
    while (capacity < 2 * nodes) capacity *= 2;
    this.mask = capacity - 1;
    this.parent = new Int32Array(capacity).fill(-1);
    this.unit = new Uint16Array(capacity);
    this.child = new Int32Array(capacity);
    const wordAt = new Int32Array(nodes).fill(-1);
    let next = 1;
    for (const [w, id] of ids) {
      let node = 0;
      this.starts[w.charCodeAt(0)] = 1;
      for (let i = 0; i < w.length; i++) {
        const c = w.charCodeAt(i);
        let slot = this.slotOf(node, c);
        while (this.parent[slot] >= 0 && !(this.parent[slot] === node && this.unit[slot] === c)) slot = (slot + 1) & this.mask;
        if (this.parent[slot] < 0) {
          this.parent[slot] = node;
          this.unit[slot] = c;
          this.child[slot] = next++;
        }
        node = this.child[slot];
      }
      wordAt[node] = id;
    }
    this.wordAt = wordAt.subarray(0, next);
    this.seen = new Uint8Array(this.words.length);
  }

  private slotOf(node: number, c: number): number {
    return (Math.imul(node, 0x9e3779b1) ^ Math.imul(c + 1, 0x85ebca77)) & this.mask;
  }

  /** the node reached from `node` by code unit `c`, or -1 */
  private step(node: number, c: number): number {
    const parent = this.parent;
    for (let slot = this.slotOf(node, c); ; slot = (slot + 1) & this.mask) {
      const p = parent[slot];
      if (p < 0) return -1;
      if (p === node && this.unit[slot] === c) return this.child[slot];
    }
  }

  /**
   * Every distinct keyword occurring in `text`, as ids written to `out` (room for `words.length`), in the order of
   * their first occurrence: by position, then by length. Returns how many.
   */
  find(text: string, out: Int32Array): number {
    const seen = this.seen;
    const wordAt = this.wordAt;
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      if (!this.starts[text.charCodeAt(i)]) continue;
      let node = 0;
      for (let j = i; j < text.length; j++) {
        node = this.step(node, text.charCodeAt(j));
        if (node < 0) break;
        const id = wordAt[node];
        if (id >= 0 && !seen[id]) {
          seen[id] = 1;
          out[n++] = id;
        }
      }
    }
    for (let k = 0; k < n; k++) seen[out[k]] = 0;
    return n;
  }
}
