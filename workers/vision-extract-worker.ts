/**
 * Worker thread for lib/vision/extract.ts: loads TensorFlow.js and the
 * backbone once, then preprocesses and embeds each chunk it is sent.
 */
import { parentPort, workerData } from "node:worker_threads";

import * as tf from "@tensorflow/tfjs";

import { loadBackbone } from "../lib/vision/load-backbone";
import { COLOUR_FEATURE_DIMENSION } from "../lib/vision/colour-features";
import type { WorkerInit, WorkerResult, WorkerTask } from "../lib/vision/extract";
import { preprocessImage, type PreprocessedImage } from "../lib/vision/preprocess";
import { selectBackend } from "../lib/vision/tf-backend";

if (!parentPort) throw new Error("vision-extract-worker must run as a worker thread");
const port = parentPort;
const init = workerData as WorkerInit;

await selectBackend();
const backbone = await loadBackbone(init.backbone);
const size = backbone.inputSize;

async function embedChunk(task: WorkerTask): Promise<WorkerResult> {
  const ids: string[] = [];
  const failed: WorkerResult["failed"] = [];
  const embeddingParts: Float32Array[] = [];
  const colourParts: Float32Array[] = [];

  for (let start = 0; start < task.items.length; start += init.batchSize) {
    const batch = task.items.slice(start, start + init.batchSize);
    const images: { id: string; image: PreprocessedImage }[] = [];
    for (const item of batch) {
      try {
        images.push({ id: item.id, image: await preprocessImage(item.imagePath, size, item.augmentation) });
      } catch (error) {
        failed.push({ id: item.id, error: error instanceof Error ? error.message : String(error) });
      }
    }
    if (images.length === 0) continue;
    for (const { id, image } of images) {
      ids.push(id);
      colourParts.push(image.colourFeatures);
    }
    if (task.colourOnly) continue;

    const pixels = new Int32Array(images.length * size * size * 3);
    images.forEach(({ image }, index) => pixels.set(image.pixels, index * size * size * 3));
    const input = tf.tensor4d(pixels, [images.length, size, size, 3], "int32");
    const output = backbone.embed(input);
    embeddingParts.push((await output.data()) as Float32Array);
    input.dispose();
    output.dispose();
  }

  const embeddings = new Float32Array(task.colourOnly ? 0 : ids.length * backbone.dimension);
  let offset = 0;
  for (const part of embeddingParts) {
    embeddings.set(part, offset);
    offset += part.length;
  }
  const colourFeatures = new Float32Array(ids.length * COLOUR_FEATURE_DIMENSION);
  colourParts.forEach((part, index) => colourFeatures.set(part, index * COLOUR_FEATURE_DIMENSION));
  return {
    taskId: task.taskId,
    ids,
    failed,
    dimension: backbone.dimension,
    colourDimension: COLOUR_FEATURE_DIMENSION,
    embeddings,
    colourFeatures,
  };
}

port.on("message", (task: WorkerTask) => {
  void embedChunk(task).then(
    (result) => port.postMessage(result, [result.embeddings.buffer as ArrayBuffer, result.colourFeatures.buffer as ArrayBuffer]),
    (error: unknown) => {
      throw error;
    },
  );
});
port.postMessage({ ready: true });
