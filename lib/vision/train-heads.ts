import * as tf from "@tensorflow/tfjs";

import { logger } from "../logger";
import { predictHeads, scoreHeads, type FeatureMatrix, type HeadMetrics } from "../evaluation/fusion-evaluation";
import { oneHotRows, SINGLE_HEADS, type FusionModel, type SingleHead } from "./fusion-model";
import type { EncodedLabels } from "./labels";
import { mulberry32 } from "./preprocess";

/**
 * Mini-batch training of the fusion model's heads on cached features, with
 * L2 on kernels and the category embedding, dropout, class-weighted category
 * loss and early stopping on validation category top-1 (the best epoch's
 * weights are restored).
 */

export interface HeadTrainingOptions {
  maxEpochs: number;
  batchSize: number;
  learningRate: number;
  /** Coefficient of the summed squared kernel weights added to the loss. */
  l2: number;
  /** Dropout rate on hidden layers. */
  dropout: number;
  /** Dropout rate on the standardised input features. */
  inputDropout: number;
  /** Epochs without a better validation category top-1 before stopping. */
  patience: number;
  seed: number;
  /**
   * Share of training samples whose prior is the true category one-hot. The
   * others get the category head's own prediction (gradient stopped), so the
   * attribute heads learn to work in both prior modes.
   */
  trueCategoryPriorShare: number;
  /** Category loss weight per class is (median class size / class size) ^ power; 0 disables. */
  classWeightPower: number;
  labelSmoothing: number;
  lossWeights: { category: number; attributes: number } & Record<SingleHead, number>;
}

export const DEFAULT_HEAD_TRAINING: HeadTrainingOptions = {
  maxEpochs: 60,
  batchSize: 256,
  learningRate: 1e-3,
  l2: 2e-5,
  dropout: 0.5,
  inputDropout: 0.2,
  patience: 8,
  seed: 7,
  trueCategoryPriorShare: 0.5,
  classWeightPower: 0.5,
  labelSmoothing: 0.1,
  lossWeights: { category: 1, attributes: 0.3, colour: 1, gender: 0.5, season: 0.5, usage: 0.5 },
};

/** One epoch in training-log.json; validation values use the predicted category prior. */
export interface EpochLog {
  epoch: number;
  seconds: number;
  /** Mean total training loss: all weighted head losses plus L2, with dropout on. */
  trainLoss: number;
  trainCategoryTop1: number;
  /** Mean category cross-entropy on validation (not comparable in scale with trainLoss). */
  validationLoss: number;
  validationCategoryTop1: number;
  validationCategoryTop5: number;
  validationColourTop1: number;
  validationAttributeRecallTop5: number;
}

export interface LabelledFeatures extends FeatureMatrix {
  labels: EncodedLabels;
}

/** Per-class category loss weights, normalised so that the mean weight over training samples is 1. */
export function categoryClassWeights(labels: Int32Array, categories: number, power: number): Float32Array {
  const counts = new Float64Array(categories);
  for (const label of labels) if (label >= 0) counts[label]! += 1;
  const present = Array.from(counts).filter((count) => count > 0).sort((a, b) => a - b);
  const median = present[Math.floor(present.length / 2)] ?? 1;
  const weights = new Float32Array(categories);
  let sum = 0;
  let total = 0;
  for (let c = 0; c < categories; c++) {
    weights[c] = counts[c]! > 0 ? (median / counts[c]!) ** power : 0;
    sum += weights[c]! * counts[c]!;
    total += counts[c]!;
  }
  for (let c = 0; c < categories; c++) weights[c]! *= total / Math.max(sum, 1e-9);
  return weights;
}

function gatherRows(data: Float32Array, width: number, indices: ArrayLike<number>): Float32Array {
  const out = new Float32Array(indices.length * width);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i]!;
    out.set(data.subarray(row * width, (row + 1) * width), i * width);
  }
  return out;
}

function maskedSoftmaxLoss(logits: tf.Tensor2D, labels: Int32Array, classes: number, smoothing: number, weights?: Float32Array): tf.Scalar {
  const mask = new Float32Array(labels.length);
  labels.forEach((label, i) => {
    if (label < 0) return;
    mask[i] = weights ? weights[i]! : 1;
  });
  const oneHot = oneHotRows(
    Array.from(labels, (label) => Math.max(label, 0)),
    classes,
  );
  const perSample = tf.losses.softmaxCrossEntropy(oneHot, logits, undefined, smoothing, tf.Reduction.NONE);
  const known = mask.reduce((sum, value) => sum + (value > 0 ? 1 : 0), 0);
  return perSample.mul(tf.tensor1d(mask)).sum().div(Math.max(known, 1)) as tf.Scalar;
}

/** Trains in place and returns the per-epoch log; the model ends with its best validation weights. */
export async function trainFusionHeads(
  model: FusionModel,
  train: LabelledFeatures,
  validation: LabelledFeatures,
  options: HeadTrainingOptions,
  onEpoch?: (log: EpochLog) => void,
): Promise<{ history: EpochLog[]; bestEpoch: number; validation: HeadMetrics }> {
  const categories = model.vocabularies.category.length;
  const attributeCount = model.vocabularies.attributes.length;
  const classWeights = categoryClassWeights(train.labels.category, categories, options.classWeightPower);
  const optimizer = tf.train.adam(options.learningRate);
  const variables = [...model.weights.values()];
  const regularised = [...model.weights.entries()]
    .filter(([name]) => name.endsWith("/kernel") || name === "fusion/category_embedding")
    .map(([, weight]) => weight);
  const random = mulberry32(options.seed);
  // A second stream for dropout masks, so that changing the dropout rate leaves the batch order alone.
  const dropoutRandom = mulberry32(options.seed + 1);
  const nextDropoutSeed = () => Math.floor(dropoutRandom() * 2 ** 31);

  const history: EpochLog[] = [];
  let best = { top1: -1, epoch: 0, weights: new Map<string, tf.Tensor>() };

  for (let epoch = 1; epoch <= options.maxEpochs; epoch++) {
    const started = performance.now();
    const order = Int32Array.from({ length: train.count }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }

    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < train.count; start += options.batchSize) {
      const batch = order.subarray(start, Math.min(train.count, start + options.batchSize));
      const n = batch.length;
      const categoryLabels = Int32Array.from(batch, (row) => train.labels.category[row]!);
      const useTruePrior = Float32Array.from(batch, (row) =>
        train.labels.category[row]! >= 0 && random() < options.trueCategoryPriorShare ? 1 : 0,
      );
      const sampleWeights = Float32Array.from(categoryLabels, (label) => (label >= 0 ? classWeights[label]! : 0));
      const attributeTargets = new Float32Array(n * attributeCount);
      batch.forEach((row, i) => {
        for (const index of train.labels.attributes[row]!) attributeTargets[i * attributeCount + index] = 1;
      });

      const embeddings = tf.tensor2d(gatherRows(train.embeddings, train.embeddingDimension, batch), [n, train.embeddingDimension]);
      const colourFeatures = tf.tensor2d(gatherRows(train.colourFeatures, train.colourDimension, batch), [n, train.colourDimension]);
      const { f, h } = model.normaliseInputs(embeddings, colourFeatures);

      // The predicted prior is computed outside the gradient tape (and without
      // dropout, as at inference), so it acts as a constant input.
      const predicted = tf.tidy(() => tf.softmax(model.categoryLogits(f, h)));
      let batchCorrect = 0;
      const loss = optimizer.minimize(
        () => {
          const categoryLogits = model.categoryLogits(f, h, options.dropout, options.inputDropout, nextDropoutSeed);
          const truePrior = oneHotRows(
            Array.from(categoryLabels, (label) => Math.max(label, 0)),
            categories,
          );
          const useTrue = tf.tensor2d(useTruePrior, [n, 1]);
          const prior = truePrior.mul(useTrue).add(predicted.mul(tf.scalar(1).sub(useTrue))) as tf.Tensor2D;
          const logits = model.attributeLogits(f, h, prior, options.dropout, options.inputDropout, nextDropoutSeed);

          const w = options.lossWeights;
          let total = maskedSoftmaxLoss(categoryLogits, categoryLabels, categories, options.labelSmoothing, sampleWeights).mul(w.category);
          if (attributeCount > 0) {
            const attributeLoss = tf.losses
              .sigmoidCrossEntropy(tf.tensor2d(attributeTargets, [n, attributeCount]), logits.attributes, undefined, 0, tf.Reduction.NONE)
              .sum()
              .div(n);
            total = total.add(attributeLoss.mul(w.attributes));
          }
          for (const head of SINGLE_HEADS) {
            const labels = Int32Array.from(batch, (row) => train.labels.single[head][row]!);
            total = total.add(maskedSoftmaxLoss(logits[head], labels, model.vocabularies[head].length, options.labelSmoothing).mul(w[head]));
          }
          const penalty = regularised.reduce((sum: tf.Scalar, weight) => sum.add(weight.square().sum()) as tf.Scalar, tf.scalar(0));
          batchCorrect = tf.tidy(() =>
            categoryLogits.argMax(1).equal(tf.tensor1d(Array.from(categoryLabels), "int32")).sum().dataSync()[0]!,
          );
          return total.add(penalty.mul(options.l2)) as tf.Scalar;
        },
        true,
        variables,
      );
      lossSum += (await loss!.data())[0]! * n;
      correct += batchCorrect;
      tf.dispose([loss!, embeddings, colourFeatures, f, h, predicted]);
    }

    const validationScores = await predictHeads(model, validation, "predicted", validation.labels.category);
    const metrics = scoreHeads(model, validationScores, validation.labels);
    const log: EpochLog = {
      epoch,
      seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
      trainLoss: lossSum / train.count,
      trainCategoryTop1: correct / train.count,
      validationLoss: categoryCrossEntropy(validationScores.category, validation.labels.category),
      validationCategoryTop1: metrics.category.top1,
      validationCategoryTop5: metrics.category.top5,
      validationColourTop1: metrics.colour.top1,
      validationAttributeRecallTop5: metrics.attributes.all.recallTop5,
    };
    history.push(log);
    onEpoch?.(log);
    logger.info(log, "epoch finished");

    if (log.validationCategoryTop1 > best.top1) {
      tf.dispose([...best.weights.values()]);
      best = {
        top1: log.validationCategoryTop1,
        epoch,
        weights: new Map([...model.weights.entries()].map(([name, weight]) => [name, weight.clone()])),
      };
    } else if (epoch - best.epoch >= options.patience) {
      logger.info({ bestEpoch: best.epoch, top1: best.top1 }, "early stopping");
      break;
    }
  }

  for (const [name, weight] of best.weights) model.weights.get(name)!.assign(weight);
  tf.dispose([...best.weights.values()]);
  optimizer.dispose();
  const validationScores = await predictHeads(model, validation, "predicted", validation.labels.category);
  return { history, bestEpoch: best.epoch, validation: scoreHeads(model, validationScores, validation.labels) };
}

/** Mean negative log-probability of the true category (unknown labels skipped). */
function categoryCrossEntropy(probabilities: Float32Array[], labels: Int32Array): number {
  let sum = 0;
  let count = 0;
  probabilities.forEach((row, i) => {
    const label = labels[i]!;
    if (label < 0) return;
    sum -= Math.log(Math.max(row[label]!, 1e-12));
    count++;
  });
  return count === 0 ? Number.NaN : sum / count;
}
