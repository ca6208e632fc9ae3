import type { Backbone } from "./backbone";
import type { BackboneConfig } from "./backbone-config";
import { loadLayersModelBackbone } from "./backbones/layers-model";
import { loadXceptionBackbone } from "./backbones/xception";

/**
 * Loads the configured backbone with the current TensorFlow.js backend and
 * checks that it has the id its configuration names. Call selectBackend() first.
 */
export async function loadBackbone(config: BackboneConfig): Promise<Backbone> {
  const backbone =
    config.kind === "xception"
      ? await loadXceptionBackbone({ weightsPath: config.weightsPath, inputSize: config.inputSize })
      : await loadLayersModelBackbone(config);
  if (backbone.id !== config.id) {
    backbone.dispose();
    throw new Error(`Backbone loaded as ${backbone.id}, but its configuration names ${config.id}`);
  }
  return backbone;
}
