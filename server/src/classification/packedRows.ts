import type { IdfRows, SparseVector } from './features';
import type { LinearModel, RowScaledModel } from './softmaxRegression';

/**
 * Everything classification reads about one text feature, in one row (issue 12, speed, branch `clspeed4`).
 *
 * A feature of a text used to touch eight or nine places in memory, each its own array indexed by the column: its
 * idf, the leaf model's row scale and int8 row (83 bytes), the first-level model's row scale and int8 row (15
 * bytes), and the two urgency models' float32 rows (3 floats each). On this host classification is mostly memory
 * latency (docs/LOG.md, clspeed2/clspeed3): a 100-character text has ~150 features, ~1,300 cache lines. Here column
 * j is one row of `stride` bytes:
 *
 *     [leaf int8 × C][first-level int8 × K][pad to 4][leaf scale, first scale, idf, urgency × U, text-only urgency × U]
 *
 * (136 bytes for the default tree's 83 leaves and 15 first levels: three or four cache lines instead of nine). The
 * urgency models' rows past the text features (the character block, the rule signals) follow the F rows in the
 * same float array. Every number is a copy of the model's own float32 or int8 value, and the kernels below add
 * in exactly the order of `scoresInt8` and `scores` (softmaxRegression.ts), so every score is bit-identical.
 */
export class PackedRows {
  readonly numFeatures: number;
  readonly leafClasses: number;
  readonly firstClasses: number;
  /** 3 when the rows hold both urgency models (a model stored since the fourth round), else 0 */
  readonly urgencyClasses: number;
  /** bytes per row */
  readonly stride: number;
  /** floats per row (stride / 4) */
  private readonly rowFloats: number;
  /** the first float of a row: leaf scale; + 1 first-level scale; + 2 idf; + 3 … urgency */
  private readonly floatAt: number;
  /** where the urgency model's rows for columns ≥ numFeatures start (floats), and the text-only model's */
  private readonly urgencyTail: number;
  private readonly textTail: number;
  private readonly q: Int8Array;
  /** the same bytes four at a time (little-endian hosts; null elsewhere): `bothScores` reads four leaf weights per load */
  private readonly q32: Int32Array | null;
  private readonly f: Float32Array;
  private readonly leafBias: Float32Array;
  private readonly firstBias: Float32Array;
  private readonly urgencyBias: Float32Array;
  private readonly textBias: Float32Array;
  /** float64 accumulators and the urgency kernel's row offsets (scoring is synchronous) */
  private acc: Float64Array;
  private readonly firstAcc: Float64Array;
  private offsets = new Int32Array(1024);

  /**
   * `urgency` (text ⊕ characters ⊕ signals) and `textOnly` (text ⊕ characters) are packed only together, both
   * 3-class and both starting with the F text columns; otherwise the rows hold no urgency part (urgencyClasses 0).
   */
  constructor(leaf: RowScaledModel, first: RowScaledModel, idf: Float32Array, urgency: LinearModel | null, textOnly: LinearModel | null) {
    if (!(leaf.weights instanceof Int8Array) || !(first.weights instanceof Int8Array) || !leaf.rowScale || !first.rowScale) throw new Error('PackedRows: int8 leaf and first-level weights only');
    const F = leaf.numFeatures;
    if (first.numFeatures !== F || idf.length !== F) throw new Error('PackedRows: the models and the idf must share their features');
    const C = leaf.numClasses;
    const K = first.numClasses;
    const withUrgency = !!urgency && !!textOnly && urgency.numClasses === 3 && textOnly.numClasses === 3 && urgency.numFeatures >= F && textOnly.numFeatures >= F;
    const U = withUrgency ? 3 : 0;
    this.numFeatures = F;
    this.leafClasses = C;
    this.firstClasses = K;
    this.urgencyClasses = U;
    this.floatAt = Math.ceil((C + K) / 4);
    this.rowFloats = this.floatAt + 3 + 2 * U;
    this.stride = 4 * this.rowFloats;
    this.urgencyTail = F * this.rowFloats;
    this.textTail = this.urgencyTail + (withUrgency ? (urgency!.numFeatures - F) * U : 0);
    const floats = this.textTail + (withUrgency ? (textOnly!.numFeatures - F) * U : 0);
    const buffer = new ArrayBuffer(4 * floats);
    this.q = new Int8Array(buffer);
    this.f = new Float32Array(buffer);
    this.q32 = LITTLE_ENDIAN ? new Int32Array(buffer) : null;
    const lw = leaf.weights;
    const fw = first.weights;
    for (let j = 0; j < F; j++) {
      const b = j * this.stride;
      for (let c = 0; c < C; c++) this.q[b + c] = lw[j * C + c];
      for (let c = 0; c < K; c++) this.q[b + C + c] = fw[j * K + c];
      const at = j * this.rowFloats + this.floatAt;
      this.f[at] = leaf.rowScale[j];
      this.f[at + 1] = first.rowScale[j];
      this.f[at + 2] = idf[j];
      for (let c = 0; c < U; c++) {
        this.f[at + 3 + c] = urgency!.weights[j * U + c];
        this.f[at + 3 + U + c] = textOnly!.weights[j * U + c];
      }
    }
    if (withUrgency) {
      this.f.set(urgency!.weights.subarray(F * U), this.urgencyTail);
      this.f.set(textOnly!.weights.subarray(F * U), this.textTail);
    }
    this.leafBias = leaf.bias;
    this.firstBias = first.bias;
    this.urgencyBias = urgency?.bias ?? new Float32Array(0);
    this.textBias = textOnly?.bias ?? new Float32Array(0);
    this.acc = new Float64Array(Math.max(C, K, 3));
    this.firstAcc = new Float64Array(K);
  }

  /** where the rows keep the idf, for `featurize` (features.ts IdfRows) */
  get idfRows(): IdfRows {
    return { floats: this.f, rowFloats: this.rowFloats, at: this.floatAt + 2, bytes: this.q };
  }

  /** the leaf model's weight of column j for class c, as scoring uses it (`weightAt`) */
  leafWeight(j: number, c: number): number {
    return this.q[j * this.stride + c] * this.f[j * this.rowFloats + this.floatAt];
  }

  /** `scoresRowScaled(leaf model, x, out)` */
  leafScores(x: SparseVector, out: Float32Array): Float32Array {
    return this.int8Scores(0, 0, this.leafClasses, this.leafBias, x, out);
  }

  /** `scoresRowScaled(first-level model, x, out)` */
  firstScores(x: SparseVector, out: Float32Array): Float32Array {
    return this.int8Scores(this.leafClasses, 1, this.firstClasses, this.firstBias, x, out);
  }

  /**
   * `leafScores` and `firstScores` in one pass over the text's features: each row's int8 part is read once, the
   * first-level bytes right after the leaf bytes they share a cache line with. Each model's sums are the same adds
   * in the same order as its own pass.
   */
  bothScores(x: SparseVector, leafOut: Float32Array, firstOut: Float32Array): void {
    const w = this.q;
    const f = this.f;
    const S = this.stride;
    const R = this.rowFloats;
    const s0 = this.floatAt;
    const C = this.leafClasses;
    const K = this.firstClasses;
    const indices = x.indices;
    const values = x.values;
    const acc = this.acc;
    const bcc = this.firstAcc;
    for (let c = 0; c < C; c++) acc[c] = this.leafBias[c];
    for (let c = 0; c < K; c++) bcc[c] = this.firstBias[c];
    const n = indices.length;
    const w4 = this.q32;
    // leaf weights four per 32-bit load (a row starts on a multiple of 4 bytes): a quarter of the loads and index
    // checks of a byte at a time; each weight is the same int8, each sum the same adds in the same order
    const C4 = w4 ? C >> 2 : 0;
    const S4 = S >> 2;
    let k = 0;
    for (; k + 8 <= n; k += 8) {
      const j1 = indices[k], j2 = indices[k + 1], j3 = indices[k + 2], j4 = indices[k + 3];
      const j5 = indices[k + 4], j6 = indices[k + 5], j7 = indices[k + 6], j8 = indices[k + 7];
      const r1 = j1 * S, r2 = j2 * S, r3 = j3 * S, r4 = j4 * S, r5 = j5 * S, r6 = j6 * S, r7 = j7 * S, r8 = j8 * S;
      const a1 = j1 * R + s0, a2 = j2 * R + s0, a3 = j3 * R + s0, a4 = j4 * R + s0, a5 = j5 * R + s0, a6 = j6 * R + s0, a7 = j7 * R + s0, a8 = j8 * R + s0;
      const x1 = values[k], x2 = values[k + 1], x3 = values[k + 2], x4 = values[k + 3], x5 = values[k + 4], x6 = values[k + 5], x7 = values[k + 6], x8 = values[k + 7];
      const v1 = x1 * f[a1], v2 = x2 * f[a2], v3 = x3 * f[a3], v4 = x4 * f[a4], v5 = x5 * f[a5], v6 = x6 * f[a6], v7 = x7 * f[a7], v8 = x8 * f[a8];
      let c = 0;
      if (w4) {
        const b1 = j1 * S4, b2 = j2 * S4, b3 = j3 * S4, b4 = j4 * S4, b5 = j5 * S4, b6 = j6 * S4, b7 = j7 * S4, b8 = j8 * S4;
        for (let m = 0; m < C4; m++, c += 4) {
          const q1 = w4[b1 + m], q2 = w4[b2 + m], q3 = w4[b3 + m], q4 = w4[b4 + m], q5 = w4[b5 + m], q6 = w4[b6 + m], q7 = w4[b7 + m], q8 = w4[b8 + m];
          acc[c] = acc[c] + (v1 * ((q1 << 24) >> 24) + v2 * ((q2 << 24) >> 24) + v3 * ((q3 << 24) >> 24) + v4 * ((q4 << 24) >> 24)) + (v5 * ((q5 << 24) >> 24) + v6 * ((q6 << 24) >> 24) + v7 * ((q7 << 24) >> 24) + v8 * ((q8 << 24) >> 24));
          acc[c + 1] = acc[c + 1] + (v1 * ((q1 << 16) >> 24) + v2 * ((q2 << 16) >> 24) + v3 * ((q3 << 16) >> 24) + v4 * ((q4 << 16) >> 24)) + (v5 * ((q5 << 16) >> 24) + v6 * ((q6 << 16) >> 24) + v7 * ((q7 << 16) >> 24) + v8 * ((q8 << 16) >> 24));
          acc[c + 2] = acc[c + 2] + (v1 * ((q1 << 8) >> 24) + v2 * ((q2 << 8) >> 24) + v3 * ((q3 << 8) >> 24) + v4 * ((q4 << 8) >> 24)) + (v5 * ((q5 << 8) >> 24) + v6 * ((q6 << 8) >> 24) + v7 * ((q7 << 8) >> 24) + v8 * ((q8 << 8) >> 24));
          acc[c + 3] = acc[c + 3] + (v1 * (q1 >> 24) + v2 * (q2 >> 24) + v3 * (q3 >> 24) + v4 * (q4 >> 24)) + (v5 * (q5 >> 24) + v6 * (q6 >> 24) + v7 * (q7 >> 24) + v8 * (q8 >> 24));
        }
      }
      for (; c < C; c++) {
        acc[c] = acc[c] + (v1 * w[r1 + c] + v2 * w[r2 + c] + v3 * w[r3 + c] + v4 * w[r4 + c]) + (v5 * w[r5 + c] + v6 * w[r6 + c] + v7 * w[r7 + c] + v8 * w[r8 + c]);
      }
      const u1 = x1 * f[a1 + 1], u2 = x2 * f[a2 + 1], u3 = x3 * f[a3 + 1], u4 = x4 * f[a4 + 1], u5 = x5 * f[a5 + 1], u6 = x6 * f[a6 + 1], u7 = x7 * f[a7 + 1], u8 = x8 * f[a8 + 1];
      // first-level weights: bytes up to a multiple of 4, then four per load, then the rest
      let e = 0;
      const head = w4 ? Math.min(K, (4 - (C & 3)) & 3) : K;
      for (; e < head; e++) {
        bcc[e] = bcc[e] + (u1 * w[r1 + C + e] + u2 * w[r2 + C + e] + u3 * w[r3 + C + e] + u4 * w[r4 + C + e]) + (u5 * w[r5 + C + e] + u6 * w[r6 + C + e] + u7 * w[r7 + C + e] + u8 * w[r8 + C + e]);
      }
      if (w4) {
        const m0 = (C + e) >> 2;
        const b1 = j1 * S4 + m0, b2 = j2 * S4 + m0, b3 = j3 * S4 + m0, b4 = j4 * S4 + m0, b5 = j5 * S4 + m0, b6 = j6 * S4 + m0, b7 = j7 * S4 + m0, b8 = j8 * S4 + m0;
        for (let m = 0; e + 4 <= K; m++, e += 4) {
          const q1 = w4[b1 + m], q2 = w4[b2 + m], q3 = w4[b3 + m], q4 = w4[b4 + m], q5 = w4[b5 + m], q6 = w4[b6 + m], q7 = w4[b7 + m], q8 = w4[b8 + m];
          bcc[e] = bcc[e] + (u1 * ((q1 << 24) >> 24) + u2 * ((q2 << 24) >> 24) + u3 * ((q3 << 24) >> 24) + u4 * ((q4 << 24) >> 24)) + (u5 * ((q5 << 24) >> 24) + u6 * ((q6 << 24) >> 24) + u7 * ((q7 << 24) >> 24) + u8 * ((q8 << 24) >> 24));
          bcc[e + 1] = bcc[e + 1] + (u1 * ((q1 << 16) >> 24) + u2 * ((q2 << 16) >> 24) + u3 * ((q3 << 16) >> 24) + u4 * ((q4 << 16) >> 24)) + (u5 * ((q5 << 16) >> 24) + u6 * ((q6 << 16) >> 24) + u7 * ((q7 << 16) >> 24) + u8 * ((q8 << 16) >> 24));
          bcc[e + 2] = bcc[e + 2] + (u1 * ((q1 << 8) >> 24) + u2 * ((q2 << 8) >> 24) + u3 * ((q3 << 8) >> 24) + u4 * ((q4 << 8) >> 24)) + (u5 * ((q5 << 8) >> 24) + u6 * ((q6 << 8) >> 24) + u7 * ((q7 << 8) >> 24) + u8 * ((q8 << 8) >> 24));
          bcc[e + 3] = bcc[e + 3] + (u1 * (q1 >> 24) + u2 * (q2 >> 24) + u3 * (q3 >> 24) + u4 * (q4 >> 24)) + (u5 * (q5 >> 24) + u6 * (q6 >> 24) + u7 * (q7 >> 24) + u8 * (q8 >> 24));
        }
      }
      for (; e < K; e++) {
        bcc[e] = bcc[e] + (u1 * w[r1 + C + e] + u2 * w[r2 + C + e] + u3 * w[r3 + C + e] + u4 * w[r4 + C + e]) + (u5 * w[r5 + C + e] + u6 * w[r6 + C + e] + u7 * w[r7 + C + e] + u8 * w[r8 + C + e]);
      }
    }
    for (; k + 4 <= n; k += 4) {
      const j1 = indices[k], j2 = indices[k + 1], j3 = indices[k + 2], j4 = indices[k + 3];
      const r1 = j1 * S, r2 = j2 * S, r3 = j3 * S, r4 = j4 * S;
      const a1 = j1 * R + s0, a2 = j2 * R + s0, a3 = j3 * R + s0, a4 = j4 * R + s0;
      const x1 = values[k], x2 = values[k + 1], x3 = values[k + 2], x4 = values[k + 3];
      const v1 = x1 * f[a1], v2 = x2 * f[a2], v3 = x3 * f[a3], v4 = x4 * f[a4];
      for (let c = 0; c < C; c++) acc[c] += v1 * w[r1 + c] + v2 * w[r2 + c] + v3 * w[r3 + c] + v4 * w[r4 + c];
      const u1 = x1 * f[a1 + 1], u2 = x2 * f[a2 + 1], u3 = x3 * f[a3 + 1], u4 = x4 * f[a4 + 1];
      for (let c = 0; c < K; c++) bcc[c] += u1 * w[r1 + C + c] + u2 * w[r2 + C + c] + u3 * w[r3 + C + c] + u4 * w[r4 + C + c];
    }
    for (; k < n; k++) {
      const j = indices[k];
      const row = j * S;
      const a = j * R + s0;
      const v = values[k] * f[a];
      for (let c = 0; c < C; c++) acc[c] += v * w[row + c];
      const u = values[k] * f[a + 1];
      for (let c = 0; c < K; c++) bcc[c] += u * w[row + C + c];
    }
    for (let c = 0; c < C; c++) leafOut[c] = acc[c];
    for (let c = 0; c < K; c++) firstOut[c] = bcc[c];
  }

  /** `scores(urgency model, input, out, count)`: input = text (columns < F) ⊕ characters ⊕ signals */
  urgencyScores(input: SparseVector, out: Float32Array, count = input.indices.length): Float32Array {
    return this.floatScores(3, this.urgencyTail, this.urgencyBias, input, count, out);
  }

  /** `scores(text-only urgency model, input, out, count)` (count: the text and character prefix of `input`) */
  textOnlyScores(input: SparseVector, out: Float32Array, count: number): Float32Array {
    return this.floatScores(3 + this.urgencyClasses, this.textTail, this.textBias, input, count, out);
  }

  /** `scoresInt8` over the rows' int8 part from byte `byteAt`, the row scale at float `floatAt + scaleAt`: the same adds in the same order */
  private int8Scores(byteAt: number, scaleAt: number, C: number, bias: Float32Array, x: SparseVector, out: Float32Array): Float32Array {
    const w = this.q;
    const f = this.f;
    const S = this.stride;
    const R = this.rowFloats;
    const s0 = this.floatAt + scaleAt;
    const indices = x.indices;
    const values = x.values;
    const acc = this.acc;
    for (let c = 0; c < C; c++) acc[c] = bias[c];
    const n = indices.length;
    let k = 0;
    for (; k + 8 <= n; k += 8) {
      const j1 = indices[k], j2 = indices[k + 1], j3 = indices[k + 2], j4 = indices[k + 3];
      const j5 = indices[k + 4], j6 = indices[k + 5], j7 = indices[k + 6], j8 = indices[k + 7];
      const r1 = j1 * S + byteAt, r2 = j2 * S + byteAt, r3 = j3 * S + byteAt, r4 = j4 * S + byteAt;
      const r5 = j5 * S + byteAt, r6 = j6 * S + byteAt, r7 = j7 * S + byteAt, r8 = j8 * S + byteAt;
      const v1 = values[k] * f[j1 * R + s0], v2 = values[k + 1] * f[j2 * R + s0], v3 = values[k + 2] * f[j3 * R + s0], v4 = values[k + 3] * f[j4 * R + s0];
      const v5 = values[k + 4] * f[j5 * R + s0], v6 = values[k + 5] * f[j6 * R + s0], v7 = values[k + 6] * f[j7 * R + s0], v8 = values[k + 7] * f[j8 * R + s0];
      for (let c = 0; c < C; c++) {
        acc[c] = acc[c] + (v1 * w[r1 + c] + v2 * w[r2 + c] + v3 * w[r3 + c] + v4 * w[r4 + c]) + (v5 * w[r5 + c] + v6 * w[r6 + c] + v7 * w[r7 + c] + v8 * w[r8 + c]);
      }
    }
    for (; k + 4 <= n; k += 4) {
      const j1 = indices[k], j2 = indices[k + 1], j3 = indices[k + 2], j4 = indices[k + 3];
      const r1 = j1 * S + byteAt, r2 = j2 * S + byteAt, r3 = j3 * S + byteAt, r4 = j4 * S + byteAt;
      const v1 = values[k] * f[j1 * R + s0], v2 = values[k + 1] * f[j2 * R + s0], v3 = values[k + 2] * f[j3 * R + s0], v4 = values[k + 3] * f[j4 * R + s0];
      for (let c = 0; c < C; c++) acc[c] += v1 * w[r1 + c] + v2 * w[r2 + c] + v3 * w[r3 + c] + v4 * w[r4 + c];
    }
    for (; k < n; k++) {
      const j = indices[k];
      const row = j * S + byteAt;
      const v = values[k] * f[j * R + s0];
      for (let c = 0; c < C; c++) acc[c] += v * w[row + c];
    }
    for (let c = 0; c < C; c++) out[c] = acc[c];
    return out;
  }

  /**
   * `scores` (float32 weights, 3 classes) with each input column's row found in the packed array: a text column's
   * in its row from float `rowAt`, any later column's in the tail from `tail`. Same adds in the same order.
   */
  private floatScores(rowAt: number, tail: number, bias: Float32Array, x: SparseVector, n: number, out: Float32Array): Float32Array {
    const U = this.urgencyClasses;
    const F = this.numFeatures;
    const R = this.rowFloats;
    const at = this.floatAt + rowAt;
    if (this.offsets.length < n) this.offsets = new Int32Array(2 * n);
    const o = this.offsets;
    const indices = x.indices;
    for (let k = 0; k < n; k++) {
      const j = indices[k];
      o[k] = j < F ? j * R + at : tail + (j - F) * U;
    }
    const w = this.f;
    const values = x.values;
    const acc = this.acc;
    for (let c = 0; c < U; c++) acc[c] = bias[c];
    let k = 0;
    for (; k + 8 <= n; k += 8) {
      const r1 = o[k], r2 = o[k + 1], r3 = o[k + 2], r4 = o[k + 3];
      const r5 = o[k + 4], r6 = o[k + 5], r7 = o[k + 6], r8 = o[k + 7];
      const v1 = values[k], v2 = values[k + 1], v3 = values[k + 2], v4 = values[k + 3];
      const v5 = values[k + 4], v6 = values[k + 5], v7 = values[k + 6], v8 = values[k + 7];
      for (let c = 0; c < U; c++) {
        acc[c] = acc[c] + (v1 * w[r1 + c] + v2 * w[r2 + c] + v3 * w[r3 + c] + v4 * w[r4 + c]) + (v5 * w[r5 + c] + v6 * w[r6 + c] + v7 * w[r7 + c] + v8 * w[r8 + c]);
      }
    }
    for (; k + 4 <= n; k += 4) {
      const r1 = o[k], r2 = o[k + 1], r3 = o[k + 2], r4 = o[k + 3];
      const v1 = values[k], v2 = values[k + 1], v3 = values[k + 2], v4 = values[k + 3];
      for (let c = 0; c < U; c++) acc[c] += v1 * w[r1 + c] + v2 * w[r2 + c] + v3 * w[r3 + c] + v4 * w[r4 + c];
    }
    for (; k < n; k++) {
      const row = o[k];
      const v = values[k];
      for (let c = 0; c < U; c++) acc[c] += v * w[row + c];
    }
    for (let c = 0; c < U; c++) out[c] = acc[c];
    return out;
  }

  /** The leaf model as it was packed (a copy: the classifier keeps only the rows). */
  leafModel(): RowScaledModel {
    return this.unpackInt8(0, 0, this.leafClasses, this.leafBias);
  }

  /** The first-level model as it was packed (a copy). */
  firstModel(): RowScaledModel {
    return this.unpackInt8(this.leafClasses, 1, this.firstClasses, this.firstBias);
  }

  /** The urgency model (text ⊕ characters ⊕ signals) as it was packed (a copy); null when the rows hold none. */
  urgencyModel(): LinearModel | null {
    return this.unpackFloat(3, this.urgencyTail, this.textTail, this.urgencyBias);
  }

  /** The text-only urgency model (text ⊕ characters) as it was packed (a copy); null when the rows hold none. */
  textOnlyModel(): LinearModel | null {
    return this.unpackFloat(3 + this.urgencyClasses, this.textTail, this.f.length, this.textBias);
  }

  private unpackInt8(byteAt: number, scaleAt: number, C: number, bias: Float32Array): RowScaledModel {
    const F = this.numFeatures;
    const weights = new Int8Array(F * C);
    const rowScale = new Float32Array(F);
    for (let j = 0; j < F; j++) {
      const b = j * this.stride + byteAt;
      for (let c = 0; c < C; c++) weights[j * C + c] = this.q[b + c];
      rowScale[j] = this.f[j * this.rowFloats + this.floatAt + scaleAt];
    }
    return { numFeatures: F, numClasses: C, weights, rowScale, bias };
  }

  private unpackFloat(rowAt: number, tail: number, end: number, bias: Float32Array): LinearModel | null {
    const U = this.urgencyClasses;
    if (!U) return null;
    const F = this.numFeatures;
    const N = F + (end - tail) / U;
    const weights = new Float32Array(N * U);
    for (let j = 0; j < F; j++) for (let c = 0; c < U; c++) weights[j * U + c] = this.f[j * this.rowFloats + this.floatAt + rowAt + c];
    weights.set(this.f.subarray(tail, end), F * U);
    return { numFeatures: N, numClasses: U, weights, bias };
  }

  /** bytes held */
  get byteLength(): number {
    return this.f.byteLength;
  }
}

/** typed arrays read in the host's byte order: four int8 weights from one 32-bit load need it little-endian */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
