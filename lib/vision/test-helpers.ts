import fs from "node:fs";
import path from "node:path";

import * as tf from "@tensorflow/tfjs";

/**
 * Writes a tiny layers model (8x8x3 input, conv "features" with 4 filters,
 * then flatten and dense) in the TensorFlow.js layers format, with a fixed
 * kernel so the expected embedding can be computed by hand.
 */
export async function writeTinyLayersModel(dir: string): Promise<void> {
  const input = tf.input({ shape: [8, 8, 3], name: "image" });
  const conv = tf.layers
    .conv2d({ filters: 4, kernelSize: 1, useBias: false, name: "features", kernelInitializer: "ones" })
    .apply(input) as tf.SymbolicTensor;
  const flat = tf.layers.flatten({ name: "flatten" }).apply(conv) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 2, name: "logits" }).apply(flat) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  // Filter j sums the three channels times (j + 1).
  const kernel = tf.tensor4d(
    Array.from({ length: 3 * 4 }, (_, i) => (i % 4) + 1),
    [1, 1, 3, 4],
  );
  model.getLayer("features").setWeights([kernel]);

  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      fs.writeFileSync(path.join(dir, "group1-shard1of1.bin"), Buffer.from(artifacts.weightData as ArrayBuffer));
      fs.writeFileSync(
        path.join(dir, "model.json"),
        JSON.stringify({
          format: "layers-model",
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: ["group1-shard1of1.bin"], weights: artifacts.weightSpecs }],
        }),
      );
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  model.dispose();
}
