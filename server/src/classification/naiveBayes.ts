import type { SparseVector } from './features';
import { train, type LinearModel } from './softmaxRegression';

/**
 * Naive-Bayes-style first-level scorers over the SAME sparse TF-IDF vectors as the softmax models
 * (issue 12, sixth round): a second opinion that weighs every n-gram by how much more often it
 * occurs in one category than elsewhere, and so leans less on a training writer's exact phrasing
 * than a discriminative model does. Each returns a `LinearModel` (feature-major weights, bias), so
 * `scores()` serves them like the others; the caller turns its scores into log-probabilities with a
 * scale and averages them with the softmax model's.
 */

/**
 * Complement naive Bayes (Rennie et al. 2003): a class's weight for a feature is minus the log of
 * the feature's smoothed share in every OTHER class's texts, the weight vector normalised (their
 * weight normalisation), so classes with many examples do not win by volume. Score = x · w_c.
 */
export function complementNB(xs: SparseVector[], ys: number[], numFeatures: number, numClasses: number, alpha = 0.3): LinearModel {
  const F = numFeatures;
  const K = numClasses;
  const perClass = new Float64Array(F * K);
  const total = new Float64Array(F);
  for (let i = 0; i < xs.length; i++) {
    const { indices, values } = xs[i];
    for (let k = 0; k < indices.length; k++) {
      perClass[indices[k] * K + ys[i]] += values[k];
      total[indices[k]] += values[k];
    }
  }
  let grand = 0;
  for (let j = 0; j < F; j++) grand += total[j];
  const classSum = new Float64Array(K);
  for (let j = 0; j < F; j++) for (let c = 0; c < K; c++) classSum[c] += perClass[j * K + c];
  const weights = new Float32Array(F * K);
  const norm = new Float64Array(K);
  for (let j = 0; j < F; j++) {
    for (let c = 0; c < K; c++) {
      const complement = total[j] - perClass[j * K + c];
      const w = Math.log((complement + alpha) / (grand - classSum[c] + alpha * F));
      weights[j * K + c] = w;
      norm[c] += Math.abs(w);
    }
  }
  // minus the normalised complement log-share: larger = more typical of the class
  for (let j = 0; j < F; j++) for (let c = 0; c < K; c++) weights[j * K + c] = -weights[j * K + c] / norm[c];
  // centre each feature's row: softmax ignores a constant per text, but this keeps scores near 0
  for (let j = 0; j < F; j++) {
    let m = 0;
    for (let c = 0; c < K; c++) m += weights[j * K + c];
    m /= K;
    for (let c = 0; c < K; c++) weights[j * K + c] -= m;
  }
  return { numFeatures: F, numClasses: K, weights, bias: new Float32Array(K) };
}

/** Multinomial naive Bayes on the TF-IDF values: log P(c) + x · log θ_c (θ smoothed by `alpha`). */
export function multinomialNB(xs: SparseVector[], ys: number[], numFeatures: number, numClasses: number, alpha = 0.1): LinearModel {
  const F = numFeatures;
  const K = numClasses;
  const perClass = new Float64Array(F * K);
  const classSum = new Float64Array(K);
  const prior = new Float64Array(K);
  for (let i = 0; i < xs.length; i++) {
    const { indices, values } = xs[i];
    prior[ys[i]]++;
    for (let k = 0; k < indices.length; k++) {
      perClass[indices[k] * K + ys[i]] += values[k];
      classSum[ys[i]] += values[k];
    }
  }
  const weights = new Float32Array(F * K);
  for (let j = 0; j < F; j++) {
    let m = 0;
    for (let c = 0; c < K; c++) m += weights[j * K + c] = Math.log((perClass[j * K + c] + alpha) / (classSum[c] + alpha * F));
    m /= K;
    for (let c = 0; c < K; c++) weights[j * K + c] -= m;
  }
  const bias = Float32Array.from(prior, (n) => Math.log((n + 1) / (xs.length + K)));
  return { numFeatures: F, numClasses: K, weights, bias };
}

/**
 * NB-LR (Wang & Manning 2012's NBSVM with a logistic loss), one class against the rest: each
 * feature is scaled by its log-count ratio r_c (presence in class c against the rest, smoothed by
 * `alpha`), a binary logistic regression is trained on the scaled vectors, and w_c ∘ r_c is stored
 * as the class's weights, so scoring is one sparse dot product per class like any linear model.
 */
export function nbLogisticRegression(xs: SparseVector[], ys: number[], numFeatures: number, numClasses: number, opts: { alpha?: number; epochs?: number; l2?: number } = {}): LinearModel {
  const F = numFeatures;
  const K = numClasses;
  const alpha = opts.alpha ?? 1;
  const present = new Float64Array(F * K);
  const totalPresent = new Float64Array(F);
  const count = new Float64Array(K);
  for (let i = 0; i < xs.length; i++) {
    count[ys[i]]++;
    for (const j of xs[i].indices) {
      present[j * K + ys[i]]++;
      totalPresent[j]++;
    }
  }
  const weights = new Float32Array(F * K);
  const bias = new Float32Array(K);
  for (let c = 0; c < K; c++) {
    let pSum = 0;
    let qSum = 0;
    for (let j = 0; j < F; j++) {
      pSum += present[j * K + c] + alpha;
      qSum += totalPresent[j] - present[j * K + c] + alpha;
    }
    const r = new Float32Array(F);
    for (let j = 0; j < F; j++) r[j] = Math.log((present[j * K + c] + alpha) / pSum) - Math.log((totalPresent[j] - present[j * K + c] + alpha) / qSum);
    const scaled = xs.map(({ indices, values }) => ({ indices, values: Float32Array.from(values, (v, k) => v * r[indices[k]]) }));
    // two-class softmax = logistic regression; margin = score(1) − score(0)
    const m = train(scaled, ys.map((y) => (y === c ? 1 : 0)), F, 2, { epochs: opts.epochs ?? 10, l2: opts.l2 ?? 1e-5, seed: 777 + c });
    for (let j = 0; j < F; j++) weights[j * K + c] = (m.weights[j * 2 + 1] - m.weights[j * 2]) * r[j];
    bias[c] = m.bias[1] - m.bias[0];
  }
  return { numFeatures: F, numClasses: K, weights, bias };
}
