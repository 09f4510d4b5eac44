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

// Trigrams were tried and dropped: 5-fold CV on the seed corpus gave 0.780 with them, 0.785 without, at ~25 % more lookups.
export const NGRAMS = { trigrams: false };

const NOISE = /[\s\p{P}\p{S}]+/gu;
const STOP = new Set(['的', '了', '在', '是', '我', '我们', '有', '和', '就', '都', '也', '很', '还', '一个', '这', '那', '着', '吗', '吧', '呢', '啊', '请', '希望', '一下']);

export function tokenize(text: string): string[] {
  const clean = text.toLowerCase().replace(NOISE, ' ').trim();
  const features: string[] = [];
  for (const word of jieba.cut(clean, false)) {
    const w = word.trim();
    if (w && !STOP.has(w)) features.push(`w:${w}`);
  }
  for (const run of clean.split(' ')) {
    for (let i = 0; i + 2 <= run.length; i++) features.push(`b:${run.slice(i, i + 2)}`);
    if (NGRAMS.trigrams) for (let i = 0; i + 3 <= run.length; i++) features.push(`t:${run.slice(i, i + 3)}`);
  }
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
}

/** Builds the vocabulary from tokenised documents; n-grams seen once are dropped (noise, size). */
export function buildVocabulary(docs: string[][]): Vocabulary {
  const df = new Map<string, number>();
  for (const doc of docs) for (const f of new Set(doc)) df.set(f, (df.get(f) ?? 0) + 1);
  const index = new Map<string, number>();
  const idfs: number[] = [];
  const n = docs.length;
  for (const [f, count] of df) {
    if (count < 2 && !f.startsWith('w:')) continue;
    index.set(f, idfs.length);
    idfs.push(Math.log((1 + n) / (1 + count)) + 1);
  }
  return { index, idf: Float32Array.from(idfs) };
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
  const clean = text.toLowerCase().replace(NOISE, ' ').trim();
  const tf = new Map<number, number>();
  const add = (key: string) => {
    const j = vocab.index.get(key);
    if (j !== undefined) tf.set(j, (tf.get(j) ?? 0) + 1);
  };
  for (const word of jieba.cut(clean, false)) {
    const w = word.trim();
    if (w && !STOP.has(w)) add('w:' + w);
  }
  for (const run of clean.split(' ')) {
    for (let i = 0; i + 2 <= run.length; i++) add('b:' + run.slice(i, i + 2));
    if (NGRAMS.trigrams) for (let i = 0; i + 3 <= run.length; i++) add('t:' + run.slice(i, i + 3));
  }
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
