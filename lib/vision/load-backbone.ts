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

/**
 * Loads the backbone once and disposes it, so that a bad weight file or a
 * missing layer stops a command before it writes anything. Returns the
 * backbone's input size and embedding dimension.
 */
export async function checkBackbone(config: BackboneConfig): Promise<{ inputSize: number; dimension: number }> {
  let backbone: Backbone;
  try {
    backbone = await loadBackbone(config);
  } catch (error) {
    const settings =
      config.kind === "xception"
        ? "STYLELENS_XCEPTION_WEIGHTS (the Keras HDF5 weight file)"
        : "STYLELENS_BACKBONE_DIR and STYLELENS_BACKBONE_LAYER";
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message.replace(/\.$/, "")}. Check ${settings}.`, { cause: error });
  }
  const { inputSize, dimension } = backbone;
  backbone.dispose();
  return { inputSize, dimension };
}
