import { createHash, randomBytes } from 'node:crypto';
import type { ClassificationView } from '@ssp/shared';
import { FeatureTable } from './featureTable';
import { allDangerSetAside } from './urgency';
import { buildCharVocabulary, buildVocabulary, charFeatures, charVocabulary, DEFAULT_FEATURES, featureTable, featurize, mainProblemText, type FeatureScratch, type IdfRows, tableVocabulary, termCounts, vectorize, type CharVocabulary, type FeatureOptions, type SparseVector, type Vocabulary } from './features';
import { multinomialNB, nbLogisticRegression } from './naiveBayes';
import { PackedRows } from './packedRows';
import { quantize, scores, scoresRowScaled, softmaxInPlace, train, weightAt, weightFormatOf, type LinearModel, type RowScaledModel, type TrainOptions, type WeightFormat } from './softmaxRegression';
import { KeywordTrie } from './keywordTrie';
import { analyseUrgency, detectUrgency, URGENCY_SIGNALS, urgencySignals, type Urgency, type UrgencyResult } from './urgency';

/** One second-level category as the classifier sees it. */
export interface TaxonomyLeaf {
  code: string;
  name: string;
  parentCode: string;
  parentName: string;
  keywords: string[];
  negativeKeywords: string[];
  /** keywords of the first-level category, shared by its children */
  parentKeywords: string[];
}

export interface TrainingExample {
  text: string;
  /** leaf code */
  label: string;
  /** when the writer gave one: trains the urgency model */
  urgency?: Urgency;
  /** how the text is written (snap, letter …): only for cross-register validation */
  register?: string;
}

export interface ClassifierTrainOptions {
  epochs?: number;
  learningRate?: number;
  l2?: number;
  features?: Partial<FeatureOptions>;
  /** folds of the training data used to fit the confidence temperature; 0 = no calibration (T = 1) */
  calibrationFolds?: number;
  /** what the direct first-level model is (FIRST_LEVEL_MODELS); default DEFAULT_FIRST_LEVEL_MODEL */
  firstLevelModel?: FirstLevelModelKind;
  /** how the leaf and first-level weights are kept and stored (softmaxRegression.ts WeightFormat); default DEFAULT_WEIGHT_FORMAT */
  weights?: WeightFormat;
}

/**
 * The leaf and first-level models' weights, rounded after training to 8-bit integers with a float32 scale per
 * feature row (issue 12, branch `clq8`): 3.9 MB instead of 15.6 MB, and a quarter of the bytes read per feature of
 * a text. Chosen by leave-one-writer-out over the 19 training writers against float32 and int16 (docs/LOG.md,
 * "Classifier weights in 8 bits"). The urgency models stay float32 (about 1 MB, and their thresholds are fine).
 */
export const DEFAULT_WEIGHT_FORMAT: WeightFormat = 'int8';

/**
 * The direct first-level model, blended with the leaf model's sums (BLEND.firstLevelWeight). Until the sixth
 * round a second softmax regression; now a naive-Bayes-style scorer on the same TF-IDF vectors (naiveBayes.ts),
 * which weighs each n-gram by how much more often it occurs in one category than in the others and so leans
 * less on the training writers' exact phrasing: leave-one-writer-out over the 13 training writers, first level
 * 0.863 → see docs/LOG.md "Classification, sixth round" for the table it was chosen by. Every kind is a linear model
 * of the same shape (features × 15 + bias), so storage, size and scoring are unchanged.
 */
export const FIRST_LEVEL_MODELS = {
  softmax: (xs: SparseVector[], ys: number[], F: number, K: number, o: TrainOptions) => train(xs, ys, F, K, o),
  mnb: (xs: SparseVector[], ys: number[], F: number, K: number) => multinomialNB(xs, ys, F, K, 0.03),
  nblr: (xs: SparseVector[], ys: number[], F: number, K: number, o: TrainOptions) => nbLogisticRegression(xs, ys, F, K, { alpha: 1, l2: o.l2 }),
};
export type FirstLevelModelKind = keyof typeof FIRST_LEVEL_MODELS;
export const DEFAULT_FIRST_LEVEL_MODEL: FirstLevelModelKind = 'mnb';

/**
 * Urgency from the trained model (text features + characters + the rules' signals, averaged with the
 * same without the signals): 紧急 when P(urgent) reaches `urgent`, otherwise 次紧急 when P(urgent) +
 * P(semi_urgent) reaches `semiUrgent`. Chosen by leave-one-writer-out validation on the training
 * corpus (scripts/urgency-variants.ts, tables in docs/LOG.md, "Classification, fourth round"), leaning to recall: a false
 * 紧急 costs a glance, a missed one a life. There, over 11 writers: 紧急 P 0.831 R 0.969, 次紧急 P 0.570
 * R 0.847; on the folds of the four writers no rule was written from (w9–w12): 紧急 P 0.892 R 0.963,
 * 次紧急 P 0.824 R 0.850.
 * Sixth round (docs/LOG.md, "Urgency, sixth round (issue 12): 次紧急 recall on new writers"): 0.18 / 0.08 with urgentOverSemi 0.5, chosen by
 * leave-one-writer-out over all 13 writers (scripts/writer-cv.ts --urgency): 紧急 P 0.840 R 0.964,
 * 次紧急 P 0.619 R 0.878, where 0.2 / 0.08 alone gave 0.840 / 0.967 and 0.611 / 0.864 with the same rules.
 * After merging the sixth round (naive-Bayes first level, 17 writers with w15–w18), the same validation over all
 * 17 writers (docs/LOG.md: "Urgency, sixth round", its "With w15–w18 in the corpus"; "After the second 2026-11-30 session's merges"): ×0.5 紧急 P 0.866 R 0.974, 次紧急 P 0.602 R 0.886;
 * ×0.7 紧急 P 0.882 R 0.969, 次紧急 P 0.605 R 0.907 — ×0.7 taken (紧急 recall −0.005, both other figures up).
 * Issue-12 review (docs/LOG.md, "Set-aside dangers"): where the rules set every danger aside, 0.7 for 紧急 and 0.7 for
 * 次紧急 (from 0.18 / 0.08). Leave-one-writer-out over the 19 writers is flat from 0.4 to 0.7 (紧急) and from 0.6 to 0.7
 * (次紧急): 紧急 P 0.881 → 0.883 R 0.975 → 0.974, 次紧急 P 0.661 → 0.671 R 0.919 → 0.913, no set-aside text labelled 普通
 * raised (29 before); the top of that range, because the shipped model gives short set-aside texts P(紧急) up to
 * 0.45 (没有煤气味 0.39, 昨天电梯困人，已经救出来了 0.45) and P(紧急) + P(次紧急) up to 0.55.
 */
export const URGENCY_THRESHOLDS: UrgencyThresholds = { urgent: 0.18, semiUrgent: 0.08, urgentOverSemi: 0.7, ruleFloor: 0.08, setAsideUrgent: 0.7, setAsideSemi: 0.7 };

/**
 * `urgentOverSemi` (2026-11-30, sixth round): 紧急 also needs P(紧急) ≥ urgentOverSemi × P(次紧急). Most
 * 次紧急 texts the model missed were called 紧急 with P(紧急) 0.2–0.5 while it gave P(次紧急) two or
 * three times that (a ceiling pouring water, a blocked fire exit, a deep pothole). 0 (the thresholds of
 * earlier rounds) leaves it out.
 */
export interface UrgencyThresholds {
  urgent: number;
  semiUrgent: number;
  urgentOverSemi?: number;
  /**
   * (2026-11-30, seventh round) A live 紧急 rule match is 紧急 whenever P(紧急) ≥ ruleFloor: neither the `urgent`
   * threshold nor the ratio may overrule it, only a model all but sure it is no emergency (a rule wording
   * the writers use in a harmless sense). On fresh writers the model talked live matches down to 次紧急
   * (井盖丢了…黑洞在路中间, P(紧急) 0.38 against P(次紧急) 0.58). 0.08 chosen by leave-one-writer-out (docs/LOG.md,
   * "紧急 recall on new writers"): the largest floor that keeps the folds' highest 紧急 recall. Absent = no floor.
   */
  ruleFloor?: number;
  /**
   * (2026-11-30, issue 12 review) When the rules set every danger in the text aside (urgency.ts
   * `allDangerSetAside`: negated, over, or the resident says 不紧急) and none fires live, 紧急 needs P(紧急) ≥
   * setAsideUrgent and 次紧急 needs P(紧急) + P(次紧急) ≥ setAsideSemi instead of `urgent` / `semiUrgent`. The model
   * had overruled the rules there (上周煤气味已经处理好了 came out 次紧急, 没有煤气味 紧急 with the 119 banner). Chosen by
   * leave-one-writer-out (docs/LOG.md, "Set-aside dangers"); above 1 = never. Absent = the ordinary thresholds.
   */
  setAsideUrgent?: number;
  setAsideSemi?: number;
}
/** the thresholds of models stored by the third round (rule signals, no character block or text-only twin) */
export const THIRD_ROUND_URGENCY_THRESHOLDS = { urgent: 0.12, semiUrgent: 0.08 };
/** the thresholds of models stored before the rule signals (rules first, then a text-only model) */
export const LEGACY_URGENCY_THRESHOLDS = { urgent: 0.2, semiUrgent: 0.3 };
const URGENCY_LEVELS: Urgency[] = ['normal', 'semi_urgent', 'urgent'];

/**
 * The urgency model reads the text's features, then (models from the fourth round on) the text's
 * single characters as a block of their own (features.ts `charFeatures`, L2-normalised × `charScale`),
 * then the rules' signals (urgency.ts URGENCY_SIGNALS), each appended as one more column with
 * `signalScale` (the text part is L2-normalised, so 1 is "as strong as the whole text").
 * charScale 0.5 was chosen by leave-one-writer-out (docs/LOG.md, "Classification, fourth round": 0.3, 0.5, 0.7 and 1 compared).
 */
export const URGENCY_MODEL_DEFAULTS = { signalScale: 1, charScale: 0.5, textOnlyWeight: 0.5 };

/**
 * The fourth round's additions to the urgency model, stored together: the character block, and a
 * second 3-class model over text + characters WITHOUT the rule signals whose probabilities are
 * averaged in with weight `textOnlyWeight`. The rules were written from the training writers' wording;
 * a model that reads them leans on them, and on a writer no rule was written from (w9, w10 before
 * import) the average found 紧急 at recall 0.90 with precision 0.90 where the rules-led model alone
 * had 0.85 (docs/LOG.md, "Classification, fourth round").
 */
export interface UrgencyTextPart {
  chars: CharVocabulary;
  charScale: number;
  /** numFeatures = text features + characters */
  model: LinearModel;
  textOnlyWeight: number;
}

/**
 * Text features ⊕ (character block, its indices already past the text's) ⊕ rule signals: columns
 * numFeatures, numFeatures + 1 … are the signals, so numFeatures counts the text and character columns.
 */
export function urgencyInput(
  x: SparseVector,
  signals: number[],
  numFeatures: number,
  scale = URGENCY_MODEL_DEFAULTS.signalScale,
  chars?: SparseVector,
  /** arrays to write into (grown when short; the result is a view of them, valid until the next call) */
  scratch?: { indices: Int32Array; values: Float32Array },
): SparseVector {
  const c = chars?.indices.length ?? 0;
  if (!signals.length && !c) return x;
  const length = x.indices.length + c + signals.length;
  if (scratch && scratch.indices.length < length) {
    scratch.indices = new Int32Array(2 * length);
    scratch.values = new Float32Array(2 * length);
  }
  const indices = scratch ? scratch.indices.subarray(0, length) : new Int32Array(length);
  const values = scratch ? scratch.values.subarray(0, length) : new Float32Array(length);
  indices.set(x.indices);
  values.set(x.values);
  if (chars) {
    indices.set(chars.indices, x.indices.length);
    values.set(chars.values, x.indices.length);
  }
  const at = x.indices.length + c;
  for (let k = 0; k < signals.length; k++) {
    indices[at + k] = numFeatures + signals[k];
    values[at + k] = scale;
  }
  return { indices, values };
}
const MIN_URGENCY_EXAMPLES = 30;

/**
 * The admin's keywords are blended into the model's logits: a keyword in the
 * text adds this much to its category (and half as much for a first-level
 * keyword to each child), a negative keyword takes away more. This is what
 * lets a category added this morning with three keywords work today.
 */
/** Fewer training texts than this (keyword lines aside) and a leaf's keywords also boost the first level (see `fit`). */
export const THIN_LEAF_TEXTS = 20;
export const BLEND = { keywordBoost: 2.5, firstLevelWeight: 0.5, ruleBoost: 2.5, praiseBoost: 2.5 };

/**
 * A resident thanking someone by name or role (想谢谢他们, 感谢那位师傅, 表扬, 锦旗): the tree files praise under
 * 其他/表扬 whatever it is about, but the topic's words (煤气, 公交司机) outweighed the thanks. With BLEND.praiseBoost the
 * `praise` leaf gets that boost, as a live urgency rule boosts its leaf. In the 19 writers' corpus 88 of the 90 texts this
 * matches are labelled praise. Not a bare 谢谢 (a complaint's closing formula).
 */
const PRAISE = /想(说声|说一声)?谢谢|谢谢(他们|师傅|那位|这位)|感谢(他们|师傅|那位|这位)|表扬|点赞|锦旗|想夸|夸一夸|夸夸/;

/**
 * A live urgency rule (negation, past and fear already ruled out) names its category as surely as
 * an admin's keyword: 「燃气味很重」 is a gas leak (公共安全) however the rest of the text reads, where the
 * words pulled it to 水电燃气. Its leaf gets `BLEND.ruleBoost`, like a keyword hit (cross-register,
 * docs/LOG.md, "Classification, fourth round"). Only rules whose category the writers agree on; a code missing from the tree is skipped.
 */
const RULE_LEAVES: Record<string, string> = { 燃气泄漏: 'gas_leak', 火情: 'fire_hazard', 外墙或高空坠物: 'falling_objects', 电梯困人: 'elevator' };
const NEGATIVE_KEYWORD_PENALTY = 3;
const MAX_KEYWORD_HITS = 3;

export class Classifier {
  private readonly leafIndex: Map<string, number>;
  /** urgency rule reason → the leaf it boosts (RULE_LEAVES present in this tree) */
  private readonly ruleLeaf: Map<string, number>;
  /** the `praise` leaf's position (-1: a tree without it) */
  private readonly praiseLeaf: number;
  /** the feature names in column order, compactly (featureTable.ts) */
  private readonly features: FeatureTable;
  /** the vocabulary without the Map of a trained one (tableVocabulary) */
  private readonly vocab: Vocabulary;

  private constructor(
    readonly version: string,
    readonly createdAt: Date,
    readonly taxonomyVersion: number,
    readonly leaves: TaxonomyLeaf[],
    vocab: Vocabulary,
    /** the leaf model (row-scaled integers or float32, `DEFAULT_WEIGHT_FORMAT`) */
    private readonly model: RowScaledModel,
    /** a second model over first-level codes: each has ~40+ examples where a leaf may have five (same format as `model`) */
    private readonly firstModel: RowScaledModel,
    readonly firstCodes: string[],
    readonly trainedOn: number,
    /** confidence temperature fitted on held-out folds: first-level probabilities ∝ p^(1/T) */
    readonly temperature: number,
    /** normal / semi_urgent / urgent, trained on the texts that carry an urgency; null without enough of them */
    private readonly urgencyModel: LinearModel | null,
    /** how many rule signals the urgency model reads after the text features (0: a model stored before they existed) */
    private readonly urgencySignalCount = 0,
    /** the urgency model's character block and text-only twin (null: a model stored before they existed) */
    private readonly urgencyText: UrgencyTextPart | null = null,
    /** what `firstModel` is (FIRST_LEVEL_MODELS); models stored before the sixth round: softmax */
    readonly firstModelKind: FirstLevelModelKind = 'softmax',
    /** keywords (lower case) an admin added after training (`withKeywords`): these boost an NB direct model too */
    private readonly untrainedKeywords: ReadonlySet<string> = new Set(),
    /** how the model was stored when it was read: 'float32' for a model stored before `clq8`, whose weights were rounded on loading */
    readonly storedWeightFormat: WeightFormat = weightFormatOf(model),
  ) {
    this.leafIndex = new Map(leaves.map((l, i) => [l.code, i]));
    this.praiseLeaf = this.leafIndex.get('praise') ?? -1;
    this.ruleLeaf = new Map(Object.entries(RULE_LEAVES).flatMap(([reason, code]) => (this.leafIndex.has(code) ? [[reason, this.leafIndex.get(code)!]] : [])));
    this.features = featureTable(vocab);
    this.vocab = tableVocabulary(this.features, vocab.idf, vocab.options);
    const firstIndex = new Map(firstCodes.map((c, i) => [c, i]));
    this.firstPos = Int32Array.from(leaves, (l) => firstIndex.get(l.parentCode)!);
    // int8 models: the rows hold every weight classification reads; the classifier keeps the models' shapes and
    // biases only (`full` unpacks them for storage and conversion), so the weights are not held twice
    const packed = packedModelsOf(model, firstModel, vocab.idf, urgencyModel, urgencyText);
    this.packed = packed?.rows ?? null;
    if (packed) {
      this.model = packed.model;
      this.firstModel = packed.firstModel;
      this.urgencyModel = packed.urgencyModel;
      this.urgencyText = packed.urgencyText;
    }
    this.idfRows = this.packed?.idfRows;
    this.scratch = {
      logits: new Float32Array(leaves.length),
      direct: new Float32Array(firstCodes.length),
      fromLeaves: new Float64Array(firstCodes.length),
      p: new Float64Array(leaves.length),
      urgencyP: new Float32Array(3),
      urgencyQ: new Float32Array(3),
      urgencyInput: { indices: new Int32Array(0), values: new Float32Array(0) },
      x: { indices: new Int32Array(256), values: new Float32Array(256) },
      firstP: new Float64Array(firstCodes.length),
    };
    this.hits = { leafHits: new Uint8Array(leaves.length), parentHit: new Uint8Array(leaves.length), firstHits: new Uint8Array(firstCodes.length) };
    this.firstNames = firstCodes.map((c) => leaves.find((l) => l.parentCode === c)!.parentName);
    this.keywordUse = new Map();
    const use = (k: string) => {
      const key = k.toLowerCase();
      let u = this.keywordUse.get(key);
      if (!u) this.keywordUse.set(key, (u = { leaf: [], parentOf: [], negative: [], first: [] }));
      return u;
    };
    leaves.forEach((l, c) => {
      for (const k of l.keywords.filter(Boolean)) use(k).leaf.push(c);
      for (const k of l.parentKeywords.filter(Boolean)) use(k).parentOf.push(c);
      for (const k of l.negativeKeywords.filter(Boolean)) use(k).negative.push(c);
    });
    firstCodes.forEach((code, f) => {
      const children = leaves.filter((l) => l.parentCode === code);
      const words = new Set([...children[0].parentKeywords, ...children.flatMap((l) => l.keywords)].filter(Boolean).map((k) => k.toLowerCase()));
      for (const k of words) use(k).first.push(f);
    });
    this.keywords = new KeywordTrie(this.keywordUse.keys());
    this.keywordIds = new Int32Array(this.keywords.words.length);
    // the trie's ids are the Map's keys in order (each key once): what a found keyword does, by id, with no Map lookup
    this.keywordUses = this.keywords.words.map((k) => ({ ...this.keywordUse.get(k)!, untrained: this.untrainedKeywords.has(k) }));
  }
  /** `keywordUse` by the trie's keyword id, and whether the keyword was added after training */
  private readonly keywordUses: { leaf: number[]; parentOf: number[]; negative: number[]; first: number[]; untrained: boolean }[];

  /** the keys of `keywordUse` as a trie (keywordTrie.ts), and the scratch ids of its `find` */
  private readonly keywords: KeywordTrie;
  private readonly keywordIds: Int32Array;

  private readonly firstPos: Int32Array;
  /** int8 models: every number a text feature needs in one row (packedRows.ts); null for int16 / float32 weights */
  private readonly packed: PackedRows | null;
  private readonly idfRows: IdfRows | undefined;
  /**
   * Per-text arrays reused from text to text (classification is synchronous and never re-entered): a typed
   * array of a few hundred bytes each is allocated outside the JS heap, and eight of them per text showed
   * in the profile. Only what leaves `classify` as numbers lives here; `firstLevelProbabilities` still
   * returns a fresh array (calibration keeps them).
   */
  private readonly scratch: {
    logits: Float32Array;
    direct: Float32Array;
    fromLeaves: Float64Array;
    p: Float64Array;
    urgencyP: Float32Array;
    urgencyQ: Float32Array;
    urgencyInput: { indices: Int32Array; values: Float32Array };
    /** the text's vector (featurize's result: views of these, valid until the next text) */
    x: FeatureScratch;
    firstP: Float64Array;
  };
  private readonly hits: { leafHits: Uint8Array; parentHit: Uint8Array; firstHits: Uint8Array };
  private readonly firstNames: string[];
  /** keyword (lower case) → leaves it boosts, leaves whose parent it names, leaves it penalises, first levels it boosts */
  private readonly keywordUse: Map<string, { leaf: number[]; parentOf: number[]; negative: number[]; first: number[] }>;

  static train(examples: TrainingExample[], leaves: TaxonomyLeaf[], taxonomyVersion: number, opts: ClassifierTrainOptions = {}): Classifier {
    const folds = opts.calibrationFolds ?? 3;
    // Without folds, T = 1. With them, the temperature comes from the folds' own models; a fit at T = 1 made first
    // was thrown away (a whole training on all the texts, about a fifth of `train`'s time: 61 CPU-s on this host,
    // over issue 12's 60 s; branch clspeed4). fit is deterministic, so the model is byte for byte the same.
    if (folds < 2) return Classifier.fit(examples, leaves, taxonomyVersion, opts, 1);
    return Classifier.fit(examples, leaves, taxonomyVersion, opts, fitTemperature(examples, leaves, opts, folds));
  }

  /** One model with a given temperature. */
  static fit(examples: TrainingExample[], leaves: TaxonomyLeaf[], taxonomyVersion: number, opts: ClassifierTrainOptions, temperature: number): Classifier {
    const leafIndex = new Map(leaves.map((l, i) => [l.code, i]));
    const features: FeatureOptions = { ...DEFAULT_FEATURES, ...opts.features };
    // Keywords and names are examples too: a category with no sentences yet still gets a class.
    const all: TrainingExample[] = [
      ...examples.filter((e) => leafIndex.has(e.label)),
      ...leaves.flatMap((l) => [{ text: `${l.parentName} ${l.name} ${l.keywords.join(' ')}`, label: l.code }]),
    ];
    const tokens = all.map((e) => termCounts(e.text, features));
    const vocab = buildVocabulary(tokens, features);
    const xs = tokens.map((t) => vectorize(t, vocab));
    const ys = all.map((e) => leafIndex.get(e.label)!);
    const trainOpts = { epochs: opts.epochs ?? 20, learningRate: opts.learningRate, l2: opts.l2 };
    const model = train(xs, ys, vocab.idf.length, leaves.length, trainOpts);
    const firstCodes = [...new Set(leaves.map((l) => l.parentCode))];
    const firstIndex = new Map(firstCodes.map((c, i) => [c, i]));
    const firstModelKind = opts.firstLevelModel ?? DEFAULT_FIRST_LEVEL_MODEL;
    const firstModel = FIRST_LEVEL_MODELS[firstModelKind](xs, ys.map((y) => firstIndex.get(leaves[y].parentCode)!), vocab.idf.length, firstCodes.length, trainOpts);
    const weightFormat = opts.weights ?? DEFAULT_WEIGHT_FORMAT;
    const withUrgency = all.flatMap((e, i) => (e.urgency ? [i] : []));
    const levels = new Set(withUrgency.map((i) => all[i].urgency));
    const enough = withUrgency.length >= MIN_URGENCY_EXAMPLES && levels.size === 3;
    const chars = enough ? buildCharVocabulary(withUrgency.map((i) => all[i].text)) : null;
    const F = vocab.idf.length;
    const U = chars ? chars.idf.length : 0;
    const charScale = URGENCY_MODEL_DEFAULTS.charScale;
    const urgencyModel = enough
      ? train(
          withUrgency.map((i) => urgencyInput(xs[i], urgencySignals(all[i].text), F + U, undefined, charFeatures(all[i].text, chars!, F, charScale))),
          withUrgency.map((i) => URGENCY_LEVELS.indexOf(all[i].urgency!)),
          F + U + URGENCY_SIGNALS.length,
          3,
          trainOpts,
        )
      : null;
    const urgencyText: UrgencyTextPart | null = urgencyModel
      ? {
          chars: chars!,
          charScale,
          model: train(
            withUrgency.map((i) => urgencyInput(xs[i], [], F + U, undefined, charFeatures(all[i].text, chars!, F, charScale))),
            withUrgency.map((i) => URGENCY_LEVELS.indexOf(all[i].urgency!)),
            F + U,
            3,
            trainOpts,
          ),
          textOnlyWeight: URGENCY_MODEL_DEFAULTS.textOnlyWeight,
        }
      : null;
    // Time + a digest of the weights + a random part: two retrains on the same data in the same second
    // give the same weights (training is seeded), but must still be two versions.
    const digest = createHash('sha1').update(model.weights.subarray(0, 4096)).update(String(all.length)).digest('hex').slice(0, 6);
    const version = `clf-${new Date().toISOString().replace(/[-:TZ.]/g, '').slice(0, 14)}-${digest}-${randomBytes(2).toString('hex')}`;
    // A category the corpus barely covers (one an admin just added, known by its keywords and name alone) has too
    // few texts for the naive-Bayes first level to find it: its keywords keep boosting the first level after a
    // retrain, as untrained keywords do. Every leaf of the default tree has far more texts than this.
    const perLeaf = new Map<string, number>();
    for (const e of examples) if (leafIndex.has(e.label)) perLeaf.set(e.label, (perLeaf.get(e.label) ?? 0) + 1);
    const thinKeywords = new Set(leaves.filter((l) => (perLeaf.get(l.code) ?? 0) < THIN_LEAF_TEXTS).flatMap((l) => l.keywords.filter(Boolean).map((k) => k.toLowerCase())));
    return new Classifier(version, new Date(), taxonomyVersion, leaves, vocab, quantize(model, weightFormat), quantize(firstModel, weightFormat), firstCodes, all.length, temperature, urgencyModel, urgencyModel ? URGENCY_SIGNALS.length : 0, urgencyText, firstModelKind, thinKeywords);
  }

  /**
   * 紧急 / 次紧急 / 普通 from the urgency model, which reads the text and the
   * rules' signals (a live rule, a negated or past danger, "不紧急") and has
   * learnt from the writers' labels how far each can be trusted. A model
   * stored before the signals existed keeps the earlier rules-first decision.
   */
  urgencyOf(text: string, x = featurize(text, this.vocab), about?: string, analysis = analyseUrgency(text)): UrgencyResult & { modelUrgent: number; modelSemi: number } {
    if (!this.urgencyModel || !this.urgencySignalCount) {
      const rules = detectUrgency(text);
      if (!this.urgencyModel) return { ...rules, modelUrgent: 0, modelSemi: 0 };
      const p = softmaxInPlace(scores(this.urgencyModel, x));
      return { ...combineUrgency(rules, p[2], p[1], LEGACY_URGENCY_THRESHOLDS, about), modelUrgent: p[2], modelSemi: p[1] };
    }
    const { rules, signals: all } = analysis;
    // a model stored before later signals existed has columns for its own first ones only
    const signals = this.urgencySignalCount < URGENCY_SIGNALS.length ? all.filter((s) => s < this.urgencySignalCount) : all;
    const F = this.vocab.idf.length;
    const t = this.urgencyText;
    const chars = t ? charFeatures(text, t.chars, F, t.charScale) : undefined;
    const FU = F + (t ? t.chars.idf.length : 0);
    // one input vector: text ⊕ characters ⊕ signals; the text-only twin scores its prefix (no copy)
    const input = urgencyInput(x, signals, FU, undefined, chars, this.scratch.urgencyInput);
    const packed = this.packed?.urgencyClasses ? this.packed : null;
    const p = softmaxInPlace(packed ? packed.urgencyScores(input, this.scratch.urgencyP) : scores(this.urgencyModel, input, this.scratch.urgencyP));
    if (t) {
      const count = x.indices.length + (chars?.indices.length ?? 0);
      const q = softmaxInPlace(packed ? packed.textOnlyScores(input, this.scratch.urgencyQ, count) : scores(t.model, input, this.scratch.urgencyQ, count));
      for (let k = 0; k < 3; k++) p[k] = (1 - t.textOnlyWeight) * p[k] + t.textOnlyWeight * q[k];
    }
    const r = decideUrgency(rules, p[2], p[1], t ? URGENCY_THRESHOLDS : THIRD_ROUND_URGENCY_THRESHOLDS, about);
    // the same object as spreading `r` would give, built at once (the spread showed in the profile)
    return { level: r.level, urgent: r.urgent, reasons: r.reasons, defused: r.defused, modelUrgent: p[2], modelSemi: p[1] };
  }

  /** First-level probabilities before the temperature (for calibration), in firstCodes order. */
  private firstLevelRaw(text: string, analysis = analyseUrgency(text)): { x: ReturnType<typeof featurize>; leafP: Float32Array; fromLeaves: Float64Array; firstP: Float64Array; matched: string[] } {
    const x = featurize(text, this.vocab, this.idfRows, this.scratch.x);
    // int8 rows: both models' scores in one pass (the first level's are used below, after the keywords)
    const logits = this.scratch.logits;
    if (this.packed) this.packed.bothScores(x, logits, this.scratch.direct);
    else scoresRowScaled(this.model, x, logits);
    // with mainProblem.keywords, a keyword only in a set-aside clause (另外…, …以后再说) boosts nothing
    // every distinct keyword in order of first occurrence (as `findKeywords`), by its trie id: no Set, no Map lookup
    const ids = this.keywordIds;
    const found = this.keywords.find(mainProblemText(text, this.vocab.options).toLowerCase(), ids);
    const words = this.keywords.words;
    const matched: string[] = [];
    // scratch counts, zeroed here (classification is synchronous): no three arrays per text
    const { leafHits, parentHit, firstHits } = this.hits;
    leafHits.fill(0);
    parentHit.fill(0);
    firstHits.fill(0);
    const softmaxFirst = this.firstModelKind === 'softmax';
    for (let i = 0; i < found; i++) {
      const k = words[ids[i]];
      const use = this.keywordUses[ids[i]];
      const leaf = use.leaf;
      for (let u = 0; u < leaf.length; u++) {
        leafHits[leaf[u]]++;
        matched.push(k);
      }
      for (let u = 0; u < use.parentOf.length; u++) parentHit[use.parentOf[u]] = 1;
      for (let u = 0; u < use.negative.length; u++) logits[use.negative[u]] -= NEGATIVE_KEYWORD_PENALTY;
      if (softmaxFirst || use.untrained) for (let u = 0; u < use.first.length; u++) firstHits[use.first[u]]++;
    }
    if (analysis.rules.level === 'urgent') {
      for (const reason of analysis.rules.reasons) {
        const c = this.ruleLeaf.get(reason);
        if (c !== undefined) logits[c] += BLEND.ruleBoost;
      }
    }
    if (BLEND.praiseBoost && this.praiseLeaf >= 0 && PRAISE.test(text)) logits[this.praiseLeaf] += BLEND.praiseBoost;
    for (let c = 0; c < this.leaves.length; c++) {
      logits[c] += BLEND.keywordBoost * Math.min(leafHits[c], MAX_KEYWORD_HITS) + (BLEND.keywordBoost / 2) * parentHit[c];
    }
    const leafP = softmaxInPlace(logits);

    // First level: blend the first-level model with the sum over each parent's leaves (geometric mean).
    const fromLeaves = this.scratch.fromLeaves.fill(0);
    for (let c = 0; c < this.leaves.length; c++) fromLeaves[this.firstPos[c]] += leafP[c];
    const direct = this.packed ? this.scratch.direct : scoresRowScaled(this.firstModel, x, this.scratch.direct);
    // Admin keywords reach the first level through the leaves (their boosts are in fromLeaves). The older softmax
    // direct model got the trained keywords a second time; the NB direct model gets only keywords added after
    // training (an edit tried or saved before the next retrain): on the leave-one-writer-out folds boosting it with
    // the trained ones cost 2 points (0.935 → 0.912, docs/LOG.md "Classification, sixth round") — their words already weigh in its counts,
    // while an edit's new words are news to it.
    for (let f = 0; f < this.firstCodes.length; f++) direct[f] += BLEND.keywordBoost * Math.min(firstHits[f], MAX_KEYWORD_HITS);
    softmaxInPlace(direct);
    const a = BLEND.firstLevelWeight;
    const firstP = this.scratch.firstP;
    let total = 0;
    for (let f = 0; f < firstP.length; f++) {
      firstP[f] = Math.exp(a * Math.log(direct[f] + 1e-12) + (1 - a) * Math.log(fromLeaves[f] + 1e-12));
      total += firstP[f];
    }
    for (let f = 0; f < firstP.length; f++) firstP[f] /= total;
    return { x, leafP, fromLeaves, firstP, matched };
  }

  /** First-level probabilities before the temperature, in `firstCodes` order (for calibration). */
  firstLevelProbabilities(text: string): Float64Array {
    // a copy: the scratch array is the next text's (calibration keeps these)
    return this.firstLevelRaw(text).firstP.slice();
  }

  classify(text: string): ClassificationView {
    const analysis = analyseUrgency(text);
    const { x, leafP, fromLeaves, firstP, matched } = this.firstLevelRaw(text, analysis);
    if (this.temperature !== 1) {
      let total = 0;
      for (let f = 0; f < firstP.length; f++) total += firstP[f] = Math.pow(firstP[f], 1 / this.temperature);
      for (let f = 0; f < firstP.length; f++) firstP[f] /= total;
    }
    // Leaves keep their share within their parent, scaled to the blended parent probability.
    const p = this.scratch.p;
    for (let c = 0; c < this.leaves.length; c++) p[c] = (firstP[this.firstPos[c]] * leafP[c]) / (fromLeaves[this.firstPos[c]] || 1);

    const order = top3Of(p);
    // the three best first levels, ties in firstCodes order as the stable sort this replaces gave them
    const firstOrder = top3Of(firstP);
    const best = this.leaves[order[0]];
    const urgency = this.urgencyOf(text, x, best.name, analysis);
    // the view's objects built at once, in the key order the spreads and maps this replaces gave
    const top3: ClassificationView['top3'] = [];
    for (let i = 0; i < order.length; i++) {
      const leaf = this.leaves[order[i]];
      top3.push({ code: leaf.code, name: leaf.name, parentCode: leaf.parentCode, parentName: leaf.parentName, probability: round(p[order[i]]) });
    }
    const firstLevelTop3: ClassificationView['firstLevelTop3'] = [];
    for (let i = 0; i < firstOrder.length; i++) {
      const f = firstOrder[i];
      firstLevelTop3.push({ code: this.firstCodes[f], name: this.firstNames[f], probability: round(firstP[f]) });
    }
    const confidence = round(firstP[firstOrder[0]]);
    return {
      top3,
      firstLevel: { code: this.firstCodes[firstOrder[0]], name: this.firstNames[firstOrder[0]], probability: confidence },
      firstLevelTop3,
      confidence,
      urgent: urgency.level === 'urgent',
      urgency: urgency.level,
      urgentReasons: urgency.reasons,
      explanation: this.explain(x, order[0], matched),
      modelVersion: this.version,
      taxonomyVersion: this.taxonomyVersion,
    };
  }

  /** The terms that pushed the winning category up most: matched keywords first, then the heaviest features. */
  private explain(x: ReturnType<typeof vectorize>, cls: number, matched: string[]): string[] {
    const model = this.model;
    const packed = this.packed;
    // The 12 largest positive contributions, kept in order by insertion (no array per feature and no
    // full sort: a letter has hundreds of features and this ran for every classification).
    const TOP = 12;
    const topJ = this.explainJ;
    const topW = this.explainW;
    let n = 0;
    for (let k = 0; k < x.indices.length; k++) {
      const j = x.indices[k];
      const w = x.values[k] * (packed ? packed.leafWeight(j, cls) : weightAt(model, j, cls));
      if (w <= 0 || (n === TOP && w <= topW[TOP - 1])) continue;
      let at = n < TOP ? n++ : TOP - 1;
      while (at > 0 && topW[at - 1] < w) {
        topW[at] = topW[at - 1];
        topJ[at] = topJ[at - 1];
        at--;
      }
      topW[at] = w;
      topJ[at] = j;
    }
    // names only for the few that can be shown (five, after dropping one-character ones)
    const keywordsOfWinner = this.leaves[cls].keywords;
    // distinct, in order of first sight (what a Set gave): a handful of strings, compared in an array
    const terms: string[] = [];
    for (let i = 0; i < matched.length; i++) {
      const m = matched[i];
      if (m.length > 1 && !terms.includes(m) && keywordsOfWinner.includes(m)) terms.push(m);
    }
    for (let k = 0; k < n && terms.length < 5; k++) {
      const t = this.features.term(topJ[k]);
      if (t.length > 1 && !terms.includes(t)) terms.push(t);
    }
    return terms.length > 5 ? terms.slice(0, 5) : terms;
  }
  private readonly explainJ = new Int32Array(12);
  private readonly explainW = new Float64Array(12);

  /**
   * The same trained model with one category's keywords replaced: what the
   * classifier would say if an admin saved this edit (keywords are blended in
   * at classification time, so no retraining is needed to know). `code` may be
   * a leaf or a first-level category (whose keywords its children share).
   * Null when the model was trained before the category existed.
   */
  withKeywords(code: string, edit: { keywords?: string[]; negativeKeywords?: string[] }): Classifier | null {
    const isLeaf = this.leafIndex.has(code);
    if (!isLeaf && !this.firstCodes.includes(code)) return null;
    const leaves = this.leaves.map((l) => {
      if (isLeaf && l.code === code) return { ...l, keywords: edit.keywords ?? l.keywords, negativeKeywords: edit.negativeKeywords ?? l.negativeKeywords };
      if (!isLeaf && l.parentCode === code) return { ...l, parentKeywords: edit.keywords ?? l.parentKeywords };
      return l;
    });
    const trained = new Set(this.leaves.flatMap((l) => [...l.keywords, ...l.parentKeywords]).map((k) => k.toLowerCase()));
    const untrained = new Set([...this.untrainedKeywords, ...(edit.keywords ?? []).map((k) => k.toLowerCase()).filter((k) => !trained.has(k))]);
    return new Classifier(this.version, this.createdAt, this.taxonomyVersion, leaves, this.vocab, this.model, this.firstModel, this.firstCodes, this.trainedOn, this.temperature, this.urgencyModel, this.urgencySignalCount, this.urgencyText, this.firstModelKind, untrained, this.storedWeightFormat);
  }

  /** The models with their weights (unpacked from the rows when packed: copies, for storage and conversion). */
  private full(): { model: RowScaledModel; firstModel: RowScaledModel; urgencyModel: LinearModel | null; urgencyText: UrgencyTextPart | null } {
    const rows = this.packed;
    if (!rows) return { model: this.model, firstModel: this.firstModel, urgencyModel: this.urgencyModel, urgencyText: this.urgencyText };
    const packedUrgency = rows.urgencyClasses > 0;
    return {
      model: rows.leafModel(),
      firstModel: rows.firstModel(),
      urgencyModel: packedUrgency ? rows.urgencyModel() : this.urgencyModel,
      urgencyText: packedUrgency && this.urgencyText ? { ...this.urgencyText, model: rows.textOnlyModel()! } : this.urgencyText,
    };
  }

  /** How the leaf and first-level weights are held now. */
  get weightFormat(): WeightFormat {
    return weightFormatOf(this.model);
  }

  /**
   * The same model with its leaf and first-level weights in another format, rounded from the weights it has
   * (from float32, exactly what training with `weights: format` gives): leave-one-writer-out compares formats
   * on one training per fold (scripts/writer-cv.ts --weights).
   */
  withWeightFormat(format: WeightFormat): Classifier {
    const full = this.full();
    return new Classifier(this.version, this.createdAt, this.taxonomyVersion, this.leaves, this.vocab, quantize(full.model, format), quantize(full.firstModel, format), this.firstCodes, this.trainedOn, this.temperature, full.urgencyModel, this.urgencySignalCount, full.urgencyText, this.firstModelKind, this.untrainedKeywords);
  }

  /**
   * Binary form for storage: a 4-byte header length, a JSON header, then the numbers. float32 weights (models
   * stored before `clq8`, and `weights: 'float32'`): leaf weights, leaf bias, first-level weights, first-level bias,
   * then the urgency parts, all float32 — that layout byte for byte. Integer weights (header `weightFormat`
   * 'int8' | 'int16'): every float32 part first (leaf bias, leaf row scales, first-level bias, first-level row
   * scales, the urgency parts as before), then the leaf and first-level integers, so each part starts aligned.
   */
  serialize(): Buffer {
    const format = this.weightFormat;
    const full = this.full();
    if (weightFormatOf(this.firstModel) !== format) throw new Error('the leaf and first-level models must share a weight format');
    const header = Buffer.from(
      JSON.stringify({
        version: this.version,
        createdAt: this.createdAt.toISOString(),
        taxonomyVersion: this.taxonomyVersion,
        leaves: this.leaves,
        features: this.features.names(),
        idf: Array.from(this.vocab.idf),
        numFeatures: full.model.numFeatures,
        numClasses: full.model.numClasses,
        firstCodes: this.firstCodes,
        trainedOn: this.trainedOn,
        featureOptions: this.vocab.options,
        temperature: this.temperature,
        urgencyClasses: full.urgencyModel ? 3 : 0,
        urgencySignals: this.urgencySignalCount,
        firstModelKind: this.firstModelKind,
        firstLevelKeywords: [...this.untrainedKeywords],
        ...(full.urgencyText
          ? { urgencyChars: full.urgencyText.chars.chars, urgencyCharIdf: Array.from(full.urgencyText.chars.idf), urgencyCharScale: full.urgencyText.charScale, urgencyTextOnlyWeight: full.urgencyText.textOnlyWeight }
          : {}),
        ...(format === 'float32' ? {} : { weightFormat: format }),
      }),
    );
    const len = Buffer.alloc(4);
    len.writeUInt32LE(header.length);
    const bytes = (a: Float32Array | Int16Array | Int8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    const urgency = full.urgencyModel ? [bytes(full.urgencyModel.weights), bytes(full.urgencyModel.bias)] : [];
    if (full.urgencyText) urgency.push(bytes(full.urgencyText.model.weights), bytes(full.urgencyText.model.bias));
    if (format === 'float32') return Buffer.concat([len, header, bytes(full.model.weights), bytes(full.model.bias), bytes(full.firstModel.weights), bytes(full.firstModel.bias), ...urgency]);
    const m = full.model;
    const f = full.firstModel;
    return Buffer.concat([len, header, bytes(m.bias), bytes(m.rowScale!), bytes(f.bias), bytes(f.rowScale!), ...urgency, bytes(m.weights), bytes(f.weights)]);
  }

  /**
   * Reads either layout (`serialize`). A model stored before `clq8` (float32 weights, no `weightFormat`) loads with
   * its leaf and first-level weights rounded to DEFAULT_WEIGHT_FORMAT, as a retrain would store them;
   * `storedWeightFormat` says 'float32' so the service can say so. Every part is copied out of `buf`.
   */
  static deserialize(buf: Buffer): Classifier {
    const headerLength = buf.readUInt32LE(0);
    const h = JSON.parse(buf.subarray(4, 4 + headerLength).toString('utf8'));
    const body = new Uint8Array(buf.subarray(4 + headerLength)); // an aligned copy
    const stored: WeightFormat = h.weightFormat ?? 'float32';
    const F = h.numFeatures;
    const C = h.numClasses;
    const K = h.firstCodes.length;
    let at = 0;
    // copies, so no part keeps the whole body alive (a float32 model's weights are dropped after rounding)
    const take = (n: number) => new Float32Array(body.buffer, (at += 4 * n) - 4 * n, n).slice();
    let model: RowScaledModel;
    let firstModel: RowScaledModel;
    if (stored === 'float32') {
      const leafWeights = take(F * C);
      model = quantize({ numFeatures: F, numClasses: C, weights: leafWeights, bias: take(C) }, DEFAULT_WEIGHT_FORMAT);
      const firstWeights = take(F * K);
      firstModel = quantize({ numFeatures: F, numClasses: K, weights: firstWeights, bias: take(K) }, DEFAULT_WEIGHT_FORMAT);
    } else {
      // integers come after every float32 part: keep the row scales and biases, read the integers last
      const leafBias = take(C);
      const leafScale = take(F);
      const firstBias = take(K);
      const firstScale = take(F);
      model = { numFeatures: F, numClasses: C, weights: new Int8Array(0), rowScale: leafScale, bias: leafBias };
      firstModel = { numFeatures: F, numClasses: K, weights: new Int8Array(0), rowScale: firstScale, bias: firstBias };
    }
    const U = h.urgencyClasses ?? 0;
    const S = h.urgencySignals ?? 0;
    // models stored before the character block have none (urgencyChars absent)
    const chars = h.urgencyChars ? charVocabulary(h.urgencyChars, Float32Array.from(h.urgencyCharIdf)) : null;
    const N = F + (chars ? chars.idf.length : 0) + S;
    const urgencyModel = U ? { numFeatures: N, numClasses: U, weights: take(N * U), bias: take(U) } : null;
    const FU = N - S;
    const urgencyText: UrgencyTextPart | null =
      chars && U
        ? { chars, charScale: h.urgencyCharScale, model: { numFeatures: FU, numClasses: U, weights: take(FU * U), bias: take(U) }, textOnlyWeight: h.urgencyTextOnlyWeight }
        : null;
    if (stored !== 'float32') {
      const ints = (n: number) => {
        const a = stored === 'int8' ? new Int8Array(body.buffer, at, n).slice() : new Int16Array(body.buffer, at, n).slice();
        at += a.byteLength;
        return a;
      };
      model.weights = ints(F * C);
      firstModel.weights = ints(F * K);
    }
    if (at !== body.length) throw new Error(`stored classifier: ${body.length} bytes of numbers, the header describes ${at}`);
    // Models stored before feature options existed used words + bigrams only, the whole text alike.
    const options: FeatureOptions = h.featureOptions ?? { trigrams: false, unigrams: false, titleWeight: 1, stripFormulas: false, maxFeatures: Infinity };
    const vocab = tableVocabulary(new FeatureTable(h.features as string[]), Float32Array.from(h.idf), options);
    return new Classifier(h.version, new Date(h.createdAt), h.taxonomyVersion, h.leaves, vocab, model, firstModel, h.firstCodes, h.trainedOn, h.temperature ?? 1, urgencyModel, S, urgencyText, h.firstModelKind ?? 'softmax', new Set<string>(h.firstLevelKeywords ?? []), stored);
  }

  /** Approximate resident memory of the model, for the benchmark. */
  get sizeBytes(): number {
    const t = this.urgencyText;
    const extra = t ? t.chars.column.byteLength + t.chars.idf.byteLength + 2 * t.chars.chars.length + t.model.weights.byteLength : 0;
    const rows = (m: RowScaledModel) => m.weights.byteLength + (m.rowScale?.byteLength ?? 0);
    // with packed rows the models hold no weights (0 bytes above) and the rows hold them all
    return rows(this.model) + rows(this.firstModel) + (this.urgencyModel?.weights.byteLength ?? 0) + (this.packed?.byteLength ?? 0) + this.vocab.idf.byteLength + extra + this.features.byteLength;
  }
}

/** What a classifier with packed rows holds: the rows, and the models without their weights (shapes and biases). */
interface PackedModels {
  rows: PackedRows;
  model: RowScaledModel;
  firstModel: RowScaledModel;
  urgencyModel: LinearModel | null;
  urgencyText: UrgencyTextPart | null;
}
/** keyed by the weightless leaf model a classifier holds: its copies (`withKeywords`, an admin's preview) share the rows */
const packedModels = new WeakMap<RowScaledModel, PackedModels>();
function packedModelsOf(model: RowScaledModel, firstModel: RowScaledModel, idf: Float32Array, urgency: LinearModel | null, text: UrgencyTextPart | null): PackedModels | null {
  const known = packedModels.get(model);
  if (known) return known;
  if (!model.rowScale || !(model.weights instanceof Int8Array) || !(firstModel.weights instanceof Int8Array) || !firstModel.rowScale) return null;
  const rows = new PackedRows(model, firstModel, idf, urgency, text?.model ?? null);
  const weightless = <M extends RowScaledModel | LinearModel>(m: M): M => ({ ...m, weights: new (m.weights.constructor as Int8ArrayConstructor | Float32ArrayConstructor)(0), ...('rowScale' in m ? { rowScale: new Float32Array(0) } : {}) });
  const packed: PackedModels = {
    rows,
    model: weightless(model),
    firstModel: weightless(firstModel),
    // the urgency models are in the rows only when both are (PackedRows.urgencyClasses)
    urgencyModel: rows.urgencyClasses && urgency ? weightless(urgency) : urgency,
    urgencyText: rows.urgencyClasses && text ? { ...text, model: weightless(text.model) } : text,
  };
  packedModels.set(packed.model, packed);
  return packed;
}

/**
 * The model's probabilities decide: 紧急 from P(urgent), 次紧急 from P(urgent) + P(semi_urgent).
 * The reasons shown (and the 119/110/120 the app picks from them) are the rules' when a rule
 * agrees, otherwise the likely category.
 */
export function decideUrgency(rules: UrgencyResult, pUrgent: number, pSemi: number, t: UrgencyThresholds = URGENCY_THRESHOLDS, about?: string): UrgencyResult {
  const what = about ? `：${about}` : '';
  // a live 紧急 rule (negated, past, feared and 不紧急 already ruled out) decides unless the model all but rules 紧急 out
  if (t.ruleFloor !== undefined && rules.level === 'urgent' && pUrgent >= t.ruleFloor) return { level: 'urgent', urgent: true, reasons: rules.reasons, defused: false };
  // every danger the rules found is negated, over or called 不紧急: the model must be very sure to raise it
  const setAside = allDangerSetAside(rules);
  const tu = setAside ? (t.setAsideUrgent ?? t.urgent) : t.urgent;
  const ts = setAside ? (t.setAsideSemi ?? t.semiUrgent) : t.semiUrgent;
  if (pUrgent >= tu && pUrgent >= (t.urgentOverSemi ?? 0) * pSemi) return { level: 'urgent', urgent: true, reasons: rules.level === 'urgent' ? rules.reasons : [`可能危及人身安全${what}`], defused: false };
  if (pUrgent + pSemi >= ts) return { level: 'semi_urgent', urgent: false, reasons: rules.level === 'semi_urgent' ? rules.reasons : [`需当天处理${what}`], defused: false };
  return { level: 'normal', urgent: false, reasons: [], defused: rules.defused };
}

/** The earlier decision, kept for models stored before the rule signals: rules first (a live rule match, a negated/past danger, "不紧急"), then the model's probabilities. */
export function combineUrgency(rules: UrgencyResult, pUrgent: number, pSemi: number, t = LEGACY_URGENCY_THRESHOLDS, about?: string): UrgencyResult {
  if (rules.level === 'urgent' || rules.defused) return rules;
  // The reason names the likely category (燃气泄漏, 急救 …): the app picks 119/110/120 from it.
  const what = about ? `：${about}` : '';
  if (pUrgent >= t.urgent) return { level: 'urgent', urgent: true, reasons: [`可能危及人身安全${what}`], defused: false };
  if (rules.level === 'semi_urgent') return rules;
  if (pUrgent + pSemi >= t.semiUrgent) return { level: 'semi_urgent', urgent: false, reasons: [`需当天处理${what}`], defused: false };
  return rules;
}

/**
 * The temperature that makes first-level confidence honest: K models each
 * trained without one fold score that fold, and T minimises the negative
 * log-likelihood of the right first-level code over all of them.
 */
function fitTemperature(examples: TrainingExample[], leaves: TaxonomyLeaf[], opts: ClassifierTrainOptions, folds: number): number {
  const parentOf = new Map(leaves.map((l) => [l.code, l.parentCode]));
  const usable = examples.filter((e) => parentOf.has(e.label));
  const outOfFold: { p: Float64Array; right: number }[] = [];
  for (let k = 0; k < folds; k++) {
    const trainPart = usable.filter((_, i) => i % folds !== k);
    const testPart = usable.filter((_, i) => i % folds === k);
    const c = Classifier.fit(trainPart, leaves, 0, opts, 1);
    for (const e of testPart) {
      const p = c.firstLevelProbabilities(e.text);
      outOfFold.push({ p, right: c.firstCodes.indexOf(parentOf.get(e.label)!) });
    }
  }
  return bestTemperature(outOfFold);
}

export function bestTemperature(rows: { p: Float64Array; right: number }[]): number {
  const nll = (T: number) => {
    let sum = 0;
    for (const { p, right } of rows) {
      let z = 0;
      for (const v of p) z += Math.pow(v + 1e-12, 1 / T);
      sum -= Math.log(Math.pow(p[right] + 1e-12, 1 / T) / z);
    }
    return sum;
  };
  let best = 1;
  let bestLoss = nll(1);
  for (let T = 0.3; T <= 4.001; T += 0.05) {
    const loss = nll(T);
    if (loss < bestLoss) [best, bestLoss] = [T, loss];
  }
  return Math.round(best * 100) / 100;
}

/** The three largest entries' positions, best first (a full sort of ~80 leaves per text showed in the profile). */
function top3Of(p: Float64Array): number[] {
  let b0 = -1;
  let b1 = -1;
  let b2 = -1;
  for (let c = 0; c < p.length; c++) {
    if (b0 < 0 || p[c] > p[b0]) {
      b2 = b1;
      b1 = b0;
      b0 = c;
    } else if (b1 < 0 || p[c] > p[b1]) {
      b2 = b1;
      b1 = c;
    } else if (b2 < 0 || p[c] > p[b2]) b2 = c;
  }
  return b0 < 0 ? [] : b1 < 0 ? [b0] : b2 < 0 ? [b0, b1] : [b0, b1, b2];
}

function round(n: number): number {
  return Math.round(n * 10000) / 10000;
}
