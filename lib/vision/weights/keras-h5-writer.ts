/**
 * Writes weights in the Keras 2 HDF5 layout that readKerasH5Weights reads
 * (see keras-h5.ts), the way Keras 2 and h5py write it, so tests can produce
 * files shaped like the official Keras application files.
 */
import path from "node:path";

import { File as H5File, Group, ready as h5wasmReady } from "h5wasm/node";

import type { KerasLayerWeights } from "./keras-h5";

export interface WriteKerasH5Options {
  /** Root attribute `keras_version`. Default "2.0.8". */
  kerasVersion?: string;
  /** Root attribute `backend`. Default "tensorflow". */
  backend?: string;
  /**
   * String type of `layer_names` and `weight_names`: "fixed" for fixed-length
   * ASCII, as h5py writes numpy byte-string arrays, or "variable" for
   * variable-length UTF-8. Default "fixed".
   */
  stringType?: "fixed" | "variable";
}

function writeStringList(target: Group, name: string, values: readonly string[], stringType: "fixed" | "variable"): void {
  if (values.length === 0) {
    // Keras stores an empty name list as an empty float64 array (numpy's default dtype for []).
    target.create_attribute(name, new Float64Array(0));
    return;
  }
  if (stringType === "variable") {
    target.create_attribute(name, [...values]);
    return;
  }
  const size = Math.max(...values.map((value) => Buffer.byteLength(value, "ascii")));
  target.create_attribute(name, [...values], null, `A${size}`);
}

/** Returns the group at `groupPath` under `parent`, creating missing groups along the way. */
function ensureGroup(parent: Group, groupPath: string): Group {
  let group = parent;
  for (const part of groupPath.split("/").filter((segment) => segment.length > 0)) {
    const existing = group.get(part);
    group = existing instanceof Group ? existing : group.create_group(part);
  }
  return group;
}

/**
 * Writes `layers` to a new HDF5 file at `filePath` (replacing any existing
 * file): root attributes `layer_names`, `backend`, `keras_version`, and per
 * layer a group with attribute `weight_names` and one float32 dataset per
 * weight at the path its name gives (e.g. `block1_conv1/block1_conv1/kernel:0`).
 */
export async function writeKerasH5Weights(
  filePath: string,
  layers: readonly KerasLayerWeights[],
  options: WriteKerasH5Options = {},
): Promise<void> {
  const stringType = options.stringType ?? "fixed";
  await h5wasmReady;
  const file = new H5File(path.resolve(filePath), "w");
  try {
    writeStringList(file, "layer_names", layers.map((layer) => layer.layerName), stringType);
    file.create_attribute("backend", options.backend ?? "tensorflow");
    file.create_attribute("keras_version", options.kerasVersion ?? "2.0.8");

    for (const layer of layers) {
      const group = file.create_group(layer.layerName);
      writeStringList(group, "weight_names", layer.weights.map((weight) => weight.name), stringType);
      for (const weight of layer.weights) {
        const slash = weight.name.lastIndexOf("/");
        const parent = slash >= 0 ? ensureGroup(group, weight.name.slice(0, slash)) : group;
        parent.create_dataset({
          name: weight.name.slice(slash + 1),
          data: weight.values,
          shape: weight.shape,
          dtype: "<f",
        });
      }
    }
  } finally {
    file.close();
  }
}
