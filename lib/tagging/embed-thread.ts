/**
 * Worker thread of the embedder pool (./embedder-pool.ts): loads TensorFlow.js
 * and the backbone once, then preprocesses and embeds each batch it is sent.
 */
import { parentPort, workerData } from "node:worker_threads";

import * as tf from "@tensorflow/tfjs";

import { loadBackbone } from "../vision/load-backbone";
import { preprocessImage, type PreprocessedImage } from "../vision/preprocess";
import { selectBackend } from "../vision/tf-backend";
import type { EmbedThreadInit, EmbedThreadReady, EmbedThreadRequest, EmbedThreadResponse, ImageEmbedding } from "./embedder-pool";

if (!parentPort) throw new Error("embed-thread must run as a worker thread");
const port = parentPort;
const init = workerData as EmbedThreadInit;

const backend = await selectBackend(init.backend);
const backbone = await loadBackbone(init.backbone);
const size = backbone.inputSize;

async function embedBatch(request: EmbedThreadRequest): Promise<EmbedThreadResponse> {
  const results: (ImageEmbedding | { error: string })[] = new Array(request.inputs.length);
  const decoded: { slot: number; image: PreprocessedImage }[] = [];

  for (let slot = 0; slot < request.inputs.length; slot++) {
    try {
      decoded.push({ slot, image: await preprocessImage(toSharpInput(request.inputs[slot]!), size, undefined, { rejectTruncated: request.rejectTruncated }) });
    } catch (error) {
      results[slot] = { error: error instanceof Error ? error.message : String(error) };
    }
  }

  if (decoded.length > 0) {
    const pixels = new Int32Array(decoded.length * size * size * 3);
    decoded.forEach(({ image }, index) => pixels.set(image.pixels, index * size * size * 3));
    const input = tf.tensor4d(pixels, [decoded.length, size, size, 3], "int32");
    const output = backbone.embed(input);
    const values = (await output.data()) as Float32Array;
    input.dispose();
    output.dispose();
    decoded.forEach(({ slot, image }, index) => {
      results[slot] = {
        embedding: values.slice(index * backbone.dimension, (index + 1) * backbone.dimension),
        colourFeatures: image.colourFeatures,
      };
    });
  }

  return { requestId: request.requestId, results, numTensors: tf.memory().numTensors };
}

/** Paths stay strings; bytes arrive as a Uint8Array after structured cloning and go to sharp as a Buffer view. */
function toSharpInput(input: string | Uint8Array): string | Buffer {
  return typeof input === "string" ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
}

port.on("message", (request: EmbedThreadRequest) => {
  embedBatch(request).then(
    (response) => port.postMessage(response),
    (error: unknown) =>
      port.postMessage({
        requestId: request.requestId,
        results: request.inputs.map(() => ({ error: error instanceof Error ? error.message : String(error) })),
        numTensors: tf.memory().numTensors,
      } satisfies EmbedThreadResponse),
  );
});
port.postMessage({ ready: true, backend, backboneId: backbone.id, dimension: backbone.dimension } satisfies EmbedThreadReady);
