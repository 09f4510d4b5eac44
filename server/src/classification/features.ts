import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';

/**
 * Text → sparse TF-IDF vector. Features are jieba words (with the city's own
 * vocabulary added) plus character bigrams, which catch what segmentation
 * splits wrongly and what residents misspell.
 */
const DOMAIN_WORDS = [
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

const jieba = Jieba.withDict(dict);
jieba.loadDict(Buffer.from(DOMAIN_WORDS.map((w) => `${w} 100000 n`).join('\n')));

/**
 * Which n-grams a model uses and how a letter's title counts. Stored with the
 * model (a model trained with trigrams must be scored with trigrams); chosen by
 * cross-register validation (scripts/classify-cv.ts, figures in the README).
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
}

// Cross-register validation on the writers' corpus (README): trigrams were neutral to slightly worse
// (address 0.776 vs 0.781, consult 0.795 vs 0.805) at ~40 % more features; the title weight and
// dropping letter formulas helped letters (0.922 vs 0.916) and cost nothing elsewhere.
export const DEFAULT_FEATURES: FeatureOptions = { trigrams: false, unigrams: false, titleWeight: 2, stripFormulas: true, maxFeatures: 40000 };

const NOISE = /[\s\p{P}\p{S}]+/gu;
const STOP = new Set(['的', '了', '在', '是', '我', '我们', '有', '和', '就', '都', '也', '很', '还', '一个', '这', '那', '着', '吗', '吧', '呢', '啊', '请', '希望', '一下']);
const TITLE = /^\s*标题[:：]\s*([^\n]*)\n/;
const FORMULAS = /尊敬的[^：:，,\n]{0,14}[：:，,]|(各位)?(领导|同志|工作人员)(们)?[，,]?(你们|您)好[！!，,。]?|(你|您)好[！!，,。]|此致[，,]?\s*敬礼[！!。]?|谢谢(你们|您)?[！!。]?|感谢(你们|您)[^。！!]{0,6}[。！!]?|特此(反映|来信)[。！!]?/g;

/** Calls `add` once per feature occurrence; `weight` is how often it counts. */
function eachFeature(text: string, opts: FeatureOptions, add: (key: string, weight: number) => void): void {
  let body = text;
  const title = TITLE.exec(text);
  if (title) body = text.slice(title[0].length);
  if (opts.stripFormulas) body = body.replace(FORMULAS, ' ');
  const part = (raw: string, weight: number) => {
    const clean = raw.toLowerCase().replace(NOISE, ' ').trim();
    if (!clean) return;
    for (const word of jieba.cut(clean, false)) {
      const w = word.trim();
      if (w && !STOP.has(w)) add('w:' + w, weight);
    }
    for (const run of clean.split(' ')) {
      if (opts.unigrams) for (let i = 0; i < run.length; i++) add('u:' + run[i], weight);
      for (let i = 0; i + 2 <= run.length; i++) add('b:' + run.slice(i, i + 2), weight);
      if (opts.trigrams) for (let i = 0; i + 3 <= run.length; i++) add('t:' + run.slice(i, i + 3), weight);
    }
  };
  if (title) part(title[1], opts.titleWeight);
  part(body, 1);
}

export function tokenize(text: string, opts: FeatureOptions = DEFAULT_FEATURES): string[] {
  const features: string[] = [];
  eachFeature(text, opts, (key, weight) => {
    for (let i = 0; i < weight; i++) features.push(key);
  });
  return features;
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

/** Builds the vocabulary from tokenised documents; n-grams seen once are dropped (noise, size), and at most `maxFeatures` kept. */
export function buildVocabulary(docs: string[][], options: FeatureOptions = DEFAULT_FEATURES): Vocabulary {
  const df = new Map<string, number>();
  for (const doc of docs) for (const f of new Set(doc)) df.set(f, (df.get(f) ?? 0) + 1);
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
export function vectorize(tokens: string[], vocab: Vocabulary): SparseVector {
  const tf = new Map<number, number>();
  for (const t of tokens) {
    const j = vocab.index.get(t);
    if (j !== undefined) tf.set(j, (tf.get(j) ?? 0) + 1);
  }
  return weigh(tf, vocab);
}

/**
 * tokenize + vectorize in one pass for classification: no intermediate token
 * array, and n-grams absent from the vocabulary are dropped on the spot.
 * Must give exactly what `vectorize(tokenize(text), vocab)` gives (tested).
 */
export function featurize(text: string, vocab: Vocabulary): SparseVector {
  const tf = new Map<number, number>();
  eachFeature(text, vocab.options, (key, weight) => {
    const j = vocab.index.get(key);
    if (j !== undefined) tf.set(j, (tf.get(j) ?? 0) + weight);
  });
  return weigh(tf, vocab);
}

/** Term counts → sublinear TF × IDF, L2-normalised. */
function weigh(tf: Map<number, number>, vocab: Vocabulary): SparseVector {
  const indices = new Int32Array(tf.size);
  const values = new Float32Array(tf.size);
  let k = 0;
  let norm = 0;
  for (const [j, count] of tf) {
    const v = (1 + Math.log(count)) * vocab.idf[j];
    indices[k] = j;
    values[k] = v;
    norm += v * v;
    k++;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < values.length; i++) values[i] /= norm;
  return { indices, values };
}
