// Training a taught class: an L2-regularized logistic regression on the pooled backbone features of
// the examples, solved in its dual form (the weights are a combination of the examples, so each step
// costs n^2 for n examples instead of n x 2048), deterministic and tfjs-free. Its result is one 1x1
// convolution channel: applied at every cell of the feature map it gives the class's map, whose
// spatial mean is the logit, exactly as for the ImageNet classes.
//
// The negative side has up to three groups, each weighing as set in groupWeights (the positives
// weigh as much as all of them): the user's "not this" photos; the built-in background (photos of
// everyday things, src/teach/background.ts; those like the positives left out); and ImageNet
// competitors, one pseudo-example per ImageNet class unrelated to the positives (the class's weight
// vector, scaled until the class wins: competitorNegatives). So it works with no "not this" photos.
// The decision threshold is then calibrated by cross-validation (trainHead): with the user's
// negatives, halfway between held-out positives and negatives; without them, raised to where it
// would miss `missRate` of held-out positives. docs/teach.md has the measurements that chose these.

/** The frozen 1x1 classifier: kernel [F][C] (fc.kernel's layout), bias [C]. */
export interface Classifier {
  features: number;
  classes: number;
  kernel: Float32Array;
  bias: Float32Array;
}

export interface TrainOptions {
  /** L2 penalty on the weights, relative to the examples' feature scale (default 0.1). */
  l2?: number;
  /** Move the decision threshold to where cross-validation puts it (default true; see trainHead and missRate). */
  calibrate?: boolean;
  /**
   * Without the user's negatives: the share of new photos of the object the decision may miss, as
   * cross-validation over the positives estimates it (the threshold goes to that quantile of their
   * held-out scores, never below 0). Default 0.1; 0 leaves the fit's own threshold.
   */
  missRate?: number;
  /** Steps of the solver (default 400). */
  iterations?: number;
  /** The ImageNet classifier, for competitor pseudo-negatives (needed when there are no negatives). */
  classifier?: Classifier;
  /** How many competitor classes become pseudo-negatives (default 32). */
  competitors?: number;
  /** How much of the positives' mean a pseudo-negative starts from (0-1; default 0: the class's direction alone). */
  competitorMix?: number;
  /**
   * Photos of everyday things (src/teach/background.ts) used as negatives, except those that look
   * like the positives (as close to their mean as the farthest positive is).
   */
  background?: readonly Float32Array[];
  /** The negative side's weight per group, normalized over the groups present (default user 4, background 3, competitors 1). */
  groupWeights?: { user?: number; background?: number; competitors?: number };
}

export interface TrainFigures {
  positives: number;
  negatives: number;
  /** Pseudo-negatives from the ImageNet classifier's competing classes. */
  competitors: number;
  /** Built-in background photos used as negatives (those not like the positives). */
  background: number;
  iterations: number;
  /** The logit the calibration moved the decision to (0: not moved). */
  threshold: number;
  /** The weighted mean logistic loss at the end (without the penalty). */
  loss: number;
  /** Shares of the examples on the right side of the decision (logit > 0 for positives). */
  positivesRight: number;
  negativesRight: number;
  ms: number;
}

export interface TrainedHead {
  weights: Float32Array;
  bias: number;
  figures: TrainFigures;
}

export class TrainError extends Error {
  override name = 'TrainError';
}

// Monomorphic helpers: one element type each, so V8 keeps them fast in the solver's inner loops.
function dot(a: Float32Array, b: Float32Array): number {
  // Four partial sums: independent chains run in parallel in the CPU (twice the speed in V8).
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  const m = a.length & ~3;
  for (let i = 0; i < m; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  for (let i = m; i < a.length; i++) s0 += a[i] * b[i];
  return s0 + s1 + s2 + s3;
}

function dot64(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Row i of the n x n matrix K times v. */
function rowDot(K: Float64Array, i: number, n: number, v: Float64Array): number {
  let s = 0;
  const o = i * n;
  for (let j = 0; j < n; j++) s += K[o + j] * v[j];
  return s;
}

/** The classifier's logits of one pooled feature vector. */
export function logitsOf(c: Classifier, x: Float32Array): Float64Array {
  const z = Float64Array.from(c.bias);
  for (let f = 0; f < c.features; f++) {
    const v = x[f];
    if (v === 0) continue;
    const row = f * c.classes;
    for (let k = 0; k < c.classes; k++) z[k] += v * c.kernel[row + k];
  }
  return z;
}

/**
 * Pseudo-negatives from the ImageNet classes unrelated to the positives. Related = the weight vector
 * is at least as close (cosine) to the positives' expected class direction as the least close of
 * the positives' own top-1 classes: so for 10 dogs every dog breed is related, not only the breeds shown.
 * Of the rest, the closest half of `count` (the hard competitors: cats, wolves) and the others spread
 * evenly over the remaining classes.
 */
export function competitorNegatives(positives: readonly Float32Array[], c: Classifier, count: number, mix = 0): Float32Array[] {
  const F = c.features;
  const C = c.classes;
  const mean = new Float64Array(F);
  for (const p of positives) for (let f = 0; f < F; f++) mean[f] += p[f] / positives.length;
  const expected = new Float64Array(C);
  const tops = new Set<number>();
  // Each positive's logits cost F x C: at most 8 of them, evenly spaced, say which classes they show.
  const shown = positives.length <= 8 ? positives : Array.from({ length: 8 }, (_, i) => positives[Math.floor((i * positives.length) / 8)]);
  for (const p of shown) {
    const z = logitsOf(c, p);
    let max = -Infinity;
    let top = 0;
    z.forEach((v, k) => {
      if (v > max) [max, top] = [v, k];
    });
    tops.add(top);
    let sum = 0;
    const e = z.map((v) => Math.exp(v - max));
    e.forEach((v) => (sum += v));
    e.forEach((v, k) => (expected[k] += v / sum / shown.length));
  }
  // The columns W_c and the expected direction sum_c p_c W_c.
  const direction = new Float64Array(F);
  const norms = new Float64Array(C);
  for (let f = 0; f < F; f++) {
    const row = f * C;
    let s = 0;
    for (let k = 0; k < C; k++) {
      const w = c.kernel[row + k];
      s += expected[k] * w;
      norms[k] += w * w;
    }
    direction[f] = s;
  }
  const dirNorm = Math.sqrt(dot64(direction, direction)) || 1;
  const cos = new Float64Array(C);
  for (let f = 0; f < F; f++) {
    const row = f * C;
    const d = direction[f];
    for (let k = 0; k < C; k++) cos[k] += c.kernel[row + k] * d;
  }
  for (let k = 0; k < C; k++) cos[k] /= Math.sqrt(norms[k]) * dirNorm || 1;
  const cut = Math.min(...[...tops].map((k) => cos[k]));
  const unrelated = [...cos.keys()].filter((k) => cos[k] < cut).sort((a, b) => cos[b] - cos[a] || a - b);
  const hard = Math.min(unrelated.length, Math.ceil(count / 2));
  const rest = unrelated.slice(hard);
  const spread = Math.min(rest.length, count - hard);
  const chosen = [...unrelated.slice(0, hard), ...Array.from({ length: spread }, (_, i) => rest[Math.floor((i * rest.length) / spread)])];
  for (let f = 0; f < F; f++) mean[f] *= mix;
  const meanF32 = Float32Array.from(mean);
  const z = logitsOf(c, meanF32);
  const top = Math.max(...z);
  return chosen.map((k) => {
    // Push the mean along W_k until class k leads the mean's best class by 2 logits.
    const alpha = (top - z[k] + 2) / norms[k];
    const x = new Float32Array(F);
    for (let f = 0; f < F; f++) x[f] = Math.max(0, mean[f] + alpha * c.kernel[f * C + k]);
    return x;
  });
}

/**
 * Trains one head. Positives and negatives are pooled feature vectors (all of one length F). Each
 * side weighs as much as the other in the loss, whatever their counts; with a classifier, its
 * competitor pseudo-negatives weigh as much as the user's negatives (all of the negative side when
 * there are none).
 */
export function trainHead(positives: readonly Float32Array[], negatives: readonly Float32Array[], options: TrainOptions = {}): TrainedHead {
  const start = performance.now();
  if (!positives.length) throw new TrainError('no examples of the object: add at least one photo of it');
  const F = positives[0].length;
  const all = [...positives, ...negatives];
  const badLength = all.find((x) => x.length !== F);
  if (badLength) throw new TrainError(`examples have different feature lengths (${F} and ${badLength.length})`);
  if (all.some((x) => x.some((v) => !Number.isFinite(v)))) throw new TrainError('an example has a non-finite feature value');
  const pseudo = options.classifier ? competitorNegatives(positives, options.classifier, options.competitors ?? 32, options.competitorMix) : [];
  const background = unlike(positives, options.background ?? []);
  if (!negatives.length && !pseudo.length && !background.length) {
    throw new TrainError('no negatives: give "not this" examples, the built-in background or the ImageNet classifier for competitors');
  }
  const xs = [...positives, ...negatives, ...background, ...pseudo];
  const n = xs.length;
  const y = xs.map((_, i) => (i < positives.length ? 1 : -1));
  // Per-example weights: each side sums to 1; the negatives split evenly between the user's and the pseudo ones.
  const gw = { user: 4, background: 3, competitors: 1, ...options.groupWeights };
  const groups = [
    { n: negatives.length, w: gw.user },
    { n: background.length, w: gw.background },
    { n: pseudo.length, w: gw.competitors },
  ];
  const total = groups.reduce((a, x) => a + (x.n ? x.w : 0), 0);
  const s = [...positives.map(() => 1 / positives.length), ...groups.flatMap((x) => Array.from({ length: x.n }, () => x.w / total / x.n))];
  // One global scale so the penalty means the same for every backbone.
  const scale = Math.sqrt(xs.reduce((a, x) => a + dot(x, x), 0) / n) || 1;
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) K[i * n + j] = K[j * n + i] = dot(xs[i], xs[j]) / (scale * scale);
  }
  const l2 = options.l2 ?? 0.1;
  const iterations = options.iterations ?? 400;
  const everyone = xs.map((_, i) => i);
  const { beta, b: fitted } = solve(K, n, everyone, y, s, l2, iterations);
  // Calibration: a head fitted on a few photos scores its own examples higher than new photos of
  // the object (and its own negatives lower than new ones). Cross-validation over the positives and
  // the user's negatives (4 folds; the built-in ones always train) estimates the held-out scores;
  // the decision threshold goes halfway between the held-out positives' and negatives' mean scores.
  let b = fitted;
  let threshold = 0;
  const folds = Math.min(4, positives.length);
  // Only with the user's negatives: the built-in ones' scores are from the fit itself, and a
  // threshold between them and the positives' let through most photos of other things (dev runs).
  if ((options.calibrate ?? true) && folds >= 2 && negatives.length) {
    const scored = everyone.filter((i) => i < positives.length + negatives.length);
    const held = heldOutScores(K, n, y, s, l2, iterations, scored, folds);
    const meanOf = (ids: number[]) => {
      const v = ids.map((i) => held[i]).filter((x) => !Number.isNaN(x));
      return v.length ? v.reduce((a, x) => a + x, 0) / v.length : NaN;
    };
    const pos = meanOf(scored.filter((i) => i < positives.length));
    const neg = meanOf(scored.filter((i) => i >= positives.length));
    if (Number.isFinite(pos) && Number.isFinite(neg) && pos > neg) {
      threshold = (pos + neg) / 2;
      b = fitted - threshold;
    }
  }
  const missRate = options.missRate ?? 0.1;
  if ((options.calibrate ?? true) && folds >= 2 && !negatives.length && missRate > 0) {
    const all = heldOutScores(K, n, y, s, l2, iterations, everyone.slice(0, positives.length), folds);
    const held = Array.from(all.subarray(0, positives.length)).filter((v) => !Number.isNaN(v));
    if (held.length) {
      held.sort((p, q) => p - q);
      const q = held[Math.min(held.length - 1, Math.floor(missRate * held.length))];
      if (q > 0) {
        threshold = q;
        b = fitted - threshold;
      }
    }
  }
  const weights = new Float32Array(F);
  for (let i = 0; i < n; i++) {
    const c = beta[i] / (scale * scale);
    if (c !== 0) for (let k = 0; k < F; k++) weights[k] += c * xs[i][k];
  }
  let loss = 0;
  let posRight = 0;
  let negRight = 0;
  xs.forEach((x, i) => {
    const z = dot(weights, x) + b;
    loss += s[i] * Math.log1p(Math.exp(-y[i] * z));
    if (i < positives.length && z > 0) posRight++;
    if (i >= positives.length && i < positives.length + negatives.length && z <= 0) negRight++;
  });
  return {
    weights,
    bias: b,
    figures: {
      positives: positives.length,
      negatives: negatives.length,
      competitors: pseudo.length,
      background: background.length,
      iterations,
      threshold,
      loss: loss / 2,
      positivesRight: posRight / positives.length,
      negativesRight: negatives.length ? negRight / negatives.length : 1,
      ms: performance.now() - start,
    },
  };
}

/**
 * Cross-validation: the scores of the `scored` examples by heads fitted without them, fold by fold
 * (the others always train); NaN where a fold lacked a positive or a negative to fit on.
 */
function heldOutScores(
  K: Float64Array,
  n: number,
  y: readonly number[],
  s: readonly number[],
  l2: number,
  iterations: number,
  scored: readonly number[],
  folds: number,
): Float64Array {
  const held = new Float64Array(n).fill(NaN);
  const everyone = y.map((_, i) => i);
  for (let k = 0; k < folds; k++) {
    const out = new Set(scored.filter((_, r) => r % folds === k));
    const train = everyone.filter((i) => !out.has(i));
    if (!train.some((i) => y[i] > 0) || !train.some((i) => y[i] < 0)) continue;
    const fold = solve(K, n, train, y, s, l2, iterations);
    for (const i of out) held[i] = train.reduce((a, j, r) => a + fold.beta[r] * K[i * n + j], fold.b);
  }
  return held;
}

/**
 * The dual problem on the examples `idx` (rows and columns of the Gram matrix K): coefficients beta
 * (one per idx entry; w = sum beta_r x_idx[r] / scale) and the bias. Each side's weights are
 * renormalized to sum to 1 over idx. Nesterov-accelerated gradient steps in the function space.
 */
function solve(
  K: Float64Array,
  n: number,
  idx: readonly number[],
  y: readonly number[],
  weights: readonly number[],
  l2: number,
  iterations: number,
): { beta: Float64Array; b: number } {
  const m = idx.length;
  const sum = { pos: 0, neg: 0 };
  for (const i of idx) sum[y[i] > 0 ? 'pos' : 'neg'] += weights[i];
  const s = idx.map((i) => weights[i] / (y[i] > 0 ? sum.pos : sum.neg));
  const Ks = new Float64Array(m * m);
  idx.forEach((i, r) => idx.forEach((j, c) => (Ks[r * m + c] = K[i * n + j])));
  // Step 1/L, L bounding the curvature: the logistic loss's is at most 1/4 per unit weight.
  const step = 1 / (l2 + 0.25 * Math.max(...s) * largestEigenvalue(Ks, m) + 0.25 * 2);
  let beta = new Float64Array(m);
  let prev = new Float64Array(m);
  let b = 0;
  let bPrev = 0;
  const look = new Float64Array(m);
  const g = new Float64Array(m);
  for (let t = 0; t < iterations; t++) {
    const mom = t / (t + 3);
    for (let r = 0; r < m; r++) look[r] = beta[r] + mom * (beta[r] - prev[r]);
    const bLook = b + mom * (b - bPrev);
    let gb = 0;
    for (let r = 0; r < m; r++) {
      const yr = y[idx[r]];
      g[r] = (-s[r] * yr) / (1 + Math.exp(yr * (rowDot(Ks, r, m, look) + bLook)));
      gb += g[r];
    }
    const next = new Float64Array(m);
    // A gradient step in the function space: d/d(f) of the loss plus the penalty's l2 * beta.
    for (let r = 0; r < m; r++) next[r] = look[r] - step * (g[r] + l2 * look[r]);
    prev = beta;
    beta = next;
    bPrev = b;
    b = bLook - step * gb;
  }
  return { beta, b };
}

/** The background vectors less like the positives' mean (cosine) than every positive is. */
function unlike(positives: readonly Float32Array[], background: readonly Float32Array[]): Float32Array[] {
  if (!background.length) return [];
  const F = positives[0].length;
  const mean = new Float32Array(F);
  for (const p of positives) for (let f = 0; f < F; f++) mean[f] += p[f] / positives.length;
  const cos = (x: Float32Array) => dot(x, mean) / (Math.sqrt(dot(x, x) * dot(mean, mean)) || 1);
  const least = Math.min(...positives.map(cos));
  return background.filter((b) => b.length === F && cos(b) < least);
}

/** The largest eigenvalue of a symmetric PSD matrix, by power iteration (an upper estimate suffices). */
function largestEigenvalue(K: Float64Array, n: number): number {
  let v = new Float64Array(n).fill(1 / Math.sqrt(n));
  let lambda = 0;
  for (let t = 0; t < 30; t++) {
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = rowDot(K, i, n, v);
    lambda = Math.sqrt(dot64(w, w));
    if (lambda === 0) return 0;
    v = w.map((x) => x / lambda);
  }
  return lambda * 1.05;
}
