/**
 * Reads Keras 2 HDF5 weight files (the layout of `model.save_weights("x.h5")`
 * and of the Keras application files such as *_notop.h5) and sets them on a
 * tfjs-layers model by layer name.
 *
 * Layout: the root group (or `/model_weights` in a whole-model file) has the
 * attribute `layer_names`, listing every layer in model order, including
 * layers without weights. Each layer has a group of that name whose attribute
 * `weight_names` lists its datasets by path relative to the group, e.g.
 * `block1_conv1/kernel:0`. Keras splits an attribute larger than 64 KiB into
 * `layer_names0`, `layer_names1`, ..., which this reader joins.
 *
 * Keras and tfjs-layers store kernels in the same layout (Conv2D
 * [kh, kw, in, out], SeparableConv2D depthwise [kh, kw, in, multiplier] and
 * pointwise [1, 1, in * multiplier, out], Dense [in, out]), so values are
 * copied without transposing.
 */
import fs from "node:fs";
import path from "node:path";

import * as tf from "@tensorflow/tfjs";
import { Dataset, File as H5File, Group, ready as h5wasmReady } from "h5wasm/node";

/** One weight array as stored in the file. */
export interface KerasWeight {
  /** Name as listed in `weight_names`, e.g. "block1_conv1/kernel:0". */
  name: string;
  shape: number[];
  values: Float32Array;
}

/** The weights of one layer in the file, in `weight_names` order. Empty for layers such as Activation or Add. */
export interface KerasLayerWeights {
  layerName: string;
  weights: KerasWeight[];
}

/** Contents of a Keras weight file. */
export interface KerasWeightFile {
  path: string;
  /** Root attributes `keras_version` and `backend`, when the file has them. */
  kerasVersion?: string;
  backend?: string;
  /** Every layer listed in `layer_names`, in file order. */
  layers: KerasLayerWeights[];
}

export interface SetKerasWeightsOptions {
  /** Map from a layer name in the file to the model's layer name. Unmapped names are used as they are. */
  layerNameMap?: ReadonlyMap<string, string>;
  /** File layers to skip, by name in the file (e.g. "predictions" when loading a with-top file into a model without top). */
  ignoreFileLayers?: readonly string[];
  /**
   * When true (the default), weighted layers present on only one side are an
   * error. When false, only the matched layers are set and the report lists
   * the others.
   */
  strict?: boolean;
}

/** Outcome of matching a file against a model by layer name. Layers without weights are left out. */
export interface KerasWeightReport {
  /** Model layer names whose weights were set. */
  loadedLayers: string[];
  /** Weighted layers in the file (by file name) with no model layer of that name. */
  fileLayersNotInModel: string[];
  /** Weighted model layers with no layer of that name in the file. */
  modelLayersNotInFile: string[];
}

/** Upper bound on problems listed in one error message; the rest are counted. */
const MAX_LISTED_PROBLEMS = 20;

/**
 * Normalises a string-list attribute. h5py stores Python lists of names as
 * fixed-length byte strings (numpy "S" arrays), and other writers use
 * variable-length UTF-8 strings. h5wasm decodes both kinds, scalar or array,
 * to JS strings. It cuts fixed-length strings at the first NUL but keeps
 * space padding, so trailing NULs and spaces are trimmed here. Keras stores
 * an empty list as an empty float64 array.
 */
function toStringList(value: unknown, description: string): string[] {
  if (typeof value === "string") return [trimPadding(value)];
  if (ArrayBuffer.isView(value) && value.byteLength === 0) return [];
  if (Array.isArray(value)) return value.flatMap((item) => toStringList(item, description));
  throw new Error(`Invalid Keras weight file: ${description} is not a list of strings (got ${typeof value}).`);
}

function trimPadding(text: string): string {
  return text.replace(/[\0 ]+$/, "");
}

/** Reads a string-list attribute, joining Keras's chunks name0, name1, ... Returns undefined when absent. */
function readStringListAttribute(group: Group, name: string, description: string): string[] | undefined {
  const attrs = group.attrs;
  const whole = attrs[name];
  if (whole) return toStringList(whole.value, description);
  if (!attrs[`${name}0`]) return undefined;
  const names: string[] = [];
  for (let chunk = 0; attrs[`${name}${chunk}`]; chunk++) {
    names.push(...toStringList(attrs[`${name}${chunk}`]!.value, `${description} (chunk ${chunk})`));
  }
  return names;
}

function readStringAttribute(group: Group, name: string): string | undefined {
  const attr = group.attrs[name];
  if (!attr) return undefined;
  const value = attr.value;
  return typeof value === "string" ? trimPadding(value) : undefined;
}

/** Finds the group that carries `layer_names`: the root, or `/model_weights` in a whole-model file. */
function findWeightsGroup(file: H5File, filePath: string): Group {
  if (file.attrs["layer_names"] || file.attrs["layer_names0"]) return file;
  const modelWeights = file.get("model_weights");
  if (modelWeights instanceof Group) return modelWeights;
  throw new Error(
    `Invalid Keras weight file ${filePath}: no "layer_names" attribute on the root group or on /model_weights. ` +
      "Expected a file written by Keras 2 model.save_weights() or model.save() in HDF5 format.",
  );
}

function readWeight(group: Group, layerName: string, weightName: string, filePath: string): KerasWeight {
  const dataset = group.get(weightName);
  if (!(dataset instanceof Dataset)) {
    throw new Error(
      `Invalid Keras weight file ${filePath}: layer "${layerName}" lists weight "${weightName}" but has no dataset of that name.`,
    );
  }
  return { name: weightName, shape: dataset.shape ?? [], values: readFloatValues(dataset, layerName, weightName, filePath) };
}

function readFloatValues(dataset: Dataset, layerName: string, weightName: string, filePath: string): Float32Array {
  const value = dataset.value;
  if (value instanceof Float32Array) return value;
  if (value instanceof Float64Array) return Float32Array.from(value);
  throw new Error(
    `Unsupported weight type in ${filePath}: layer "${layerName}", weight "${weightName}" has dtype ` +
      `${JSON.stringify(dataset.dtype)}; only float32 and float64 are supported.`,
  );
}

/** HDF5 format signature. It sits at byte 0 or, after a user block, at byte 512, 1024, 2048, ... */
const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Checks for the HDF5 signature before handing the file to h5wasm, which
 * does not throw on a non-HDF5 file but fails later with an unrelated message.
 */
function hasHdf5Signature(filePath: string): boolean {
  const size = fs.statSync(filePath).size;
  const descriptor = fs.openSync(filePath, "r");
  try {
    const buffer = Buffer.alloc(HDF5_SIGNATURE.length);
    for (let offset = 0; offset + HDF5_SIGNATURE.length <= size; offset = offset === 0 ? 512 : offset * 2) {
      fs.readSync(descriptor, buffer, 0, buffer.length, offset);
      if (buffer.equals(HDF5_SIGNATURE)) return true;
    }
    return false;
  } finally {
    fs.closeSync(descriptor);
  }
}

/**
 * Reads every layer's weights from a Keras 2 HDF5 weight file into memory.
 * Throws when the file is missing, is not HDF5, or lacks the Keras layout.
 */
export async function readKerasH5Weights(filePath: string): Promise<KerasWeightFile> {
  const absolutePath = path.resolve(filePath);
  if (!fs.existsSync(absolutePath)) {
    throw new Error(`Keras weight file not found: ${absolutePath} does not exist.`);
  }
  if (!hasHdf5Signature(absolutePath)) {
    throw new Error(`Invalid Keras weight file ${absolutePath}: not an HDF5 file (no HDF5 signature found).`);
  }
  await h5wasmReady;
  const file = new H5File(absolutePath, "r");

  try {
    const root = findWeightsGroup(file, absolutePath);
    const layerNames = readStringListAttribute(root, "layer_names", `attribute "layer_names" of ${absolutePath}`) ?? [];
    const layers: KerasLayerWeights[] = [];
    for (const layerName of layerNames) {
      const group = root.get(layerName);
      if (!(group instanceof Group)) {
        throw new Error(
          `Invalid Keras weight file ${absolutePath}: layer "${layerName}" is listed in layer_names but has no group.`,
        );
      }
      const weightNames =
        readStringListAttribute(group, "weight_names", `attribute "weight_names" of layer "${layerName}"`) ?? [];
      layers.push({
        layerName,
        weights: weightNames.map((weightName) => readWeight(group, layerName, weightName, absolutePath)),
      });
    }
    return {
      path: absolutePath,
      kerasVersion: readStringAttribute(file, "keras_version") ?? readStringAttribute(root, "keras_version"),
      backend: readStringAttribute(file, "backend") ?? readStringAttribute(root, "backend"),
      layers,
    };
  } finally {
    file.close();
  }
}

/** Last path component without the ":0" suffix: "block1_conv1/kernel:0" becomes "kernel". */
function baseWeightName(name: string): string {
  const lastComponent = name.slice(name.lastIndexOf("/") + 1);
  return lastComponent.replace(/:\d+$/, "");
}

function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.join(", ")}]`;
}

function sameShape(a: readonly (number | null)[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, i) => size === b[i]);
}

function hasDuplicates(names: readonly string[]): boolean {
  return new Set(names).size !== names.length;
}

/**
 * Orders the file's weights of one layer like the model layer's variables,
 * matching them by base name (kernel, bias, gamma, moving_mean, ...), and
 * appends a message to `problems` for every name or shape that does not match.
 * Where base names repeat within the layer (nested weights such as the two
 * directions of a Bidirectional layer), weights are matched by position, as
 * Keras's own HDF5 loader always does.
 */
function matchLayerWeights(
  layer: tf.layers.Layer,
  fileLayer: KerasLayerWeights,
  problems: string[],
): KerasWeight[] | undefined {
  const modelBaseNames = layer.weights.map((variable) => baseWeightName(variable.originalName));
  const fileBaseNames = fileLayer.weights.map((weight) => baseWeightName(weight.name));
  const byPosition = hasDuplicates(modelBaseNames) || hasDuplicates(fileBaseNames);
  if (byPosition && modelBaseNames.length !== fileBaseNames.length) {
    problems.push(
      `layer "${layer.name}": the model has ${modelBaseNames.length} weights but the file has ${fileBaseNames.length}`,
    );
    return undefined;
  }

  const byBaseName = new Map(fileLayer.weights.map((weight, i) => [fileBaseNames[i]!, weight]));
  const matched: KerasWeight[] = [];
  let ok = true;

  layer.weights.forEach((variable, i) => {
    const baseName = modelBaseNames[i]!;
    const fileWeight = byPosition ? fileLayer.weights[i] : byBaseName.get(baseName);
    if (!fileWeight) {
      problems.push(
        `layer "${layer.name}": weight "${baseName}" is missing from the file ` +
          `(the file has ${fileLayer.weights.map((weight) => `"${weight.name}"`).join(", ") || "no weights"})`,
      );
      ok = false;
      return;
    }
    byBaseName.delete(baseName);
    if (!sameShape(variable.shape, fileWeight.shape)) {
      problems.push(
        `layer "${layer.name}", weight "${baseName}": shape mismatch, the model expects ${formatShape(variable.shape)} ` +
          `but the file has ${formatShape(fileWeight.shape)}`,
      );
      ok = false;
      return;
    }
    matched.push(fileWeight);
  });

  if (!byPosition) {
    for (const extra of byBaseName.values()) {
      problems.push(`layer "${layer.name}": the file has weight "${extra.name}", which the model layer does not have`);
      ok = false;
    }
  }
  return ok ? matched : undefined;
}

function describeProblems(problems: readonly string[]): string {
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map((problem) => `  - ${problem}`);
  if (problems.length > MAX_LISTED_PROBLEMS) listed.push(`  ... and ${problems.length - MAX_LISTED_PROBLEMS} more`);
  return listed.join("\n");
}

/**
 * Sets the weights read from a Keras file on `model`, matching layers by name
 * and each layer's weights by base name (see matchLayerWeights). Every shape is checked before any
 * weight is set, so a failed call leaves the model unchanged. Throws one error
 * listing all name and shape problems; with `strict` (the default) layers with
 * weights on only one side are problems too.
 */
export function setKerasWeights(
  model: tf.LayersModel,
  weightFile: KerasWeightFile,
  options: SetKerasWeightsOptions = {},
): KerasWeightReport {
  const strict = options.strict ?? true;
  const ignored = new Set(options.ignoreFileLayers ?? []);
  const modelLayers = new Map(model.layers.filter((layer) => layer.weights.length > 0).map((layer) => [layer.name, layer]));

  const problems: string[] = [];
  const assignments: { layer: tf.layers.Layer; weights: KerasWeight[] }[] = [];
  const fileLayersNotInModel: string[] = [];
  const seenModelLayers = new Set<string>();

  for (const fileLayer of weightFile.layers) {
    if (fileLayer.weights.length === 0 || ignored.has(fileLayer.layerName)) continue;
    const modelName = options.layerNameMap?.get(fileLayer.layerName) ?? fileLayer.layerName;
    const layer = modelLayers.get(modelName);
    if (!layer) {
      fileLayersNotInModel.push(fileLayer.layerName);
      continue;
    }
    if (seenModelLayers.has(modelName)) {
      problems.push(`layer "${modelName}" appears more than once in the file (after renaming)`);
      continue;
    }
    seenModelLayers.add(modelName);
    const weights = matchLayerWeights(layer, fileLayer, problems);
    if (weights) assignments.push({ layer, weights });
  }

  const modelLayersNotInFile = [...modelLayers.keys()].filter((name) => !seenModelLayers.has(name));
  if (strict) {
    for (const name of modelLayersNotInFile) problems.push(`model layer "${name}" has weights but is missing from the file`);
    for (const name of fileLayersNotInModel) problems.push(`file layer "${name}" has weights but the model has no layer of that name`);
  }
  if (problems.length > 0) {
    throw new Error(
      `Failed to load Keras weights from ${weightFile.path} into model "${model.name}": ` +
        `${problems.length} problem(s), no weights were set.\n${describeProblems(problems)}`,
    );
  }

  for (const { layer, weights } of assignments) {
    tf.tidy(() => layer.setWeights(weights.map((weight) => tf.tensor(weight.values, weight.shape, "float32"))));
  }
  return {
    loadedLayers: assignments.map(({ layer }) => layer.name),
    fileLayersNotInModel,
    modelLayersNotInFile,
  };
}

/** Reads a Keras 2 HDF5 weight file and sets it on `model`. Matching and errors are as in setKerasWeights. */
export async function loadKerasH5Weights(
  model: tf.LayersModel,
  filePath: string,
  options: SetKerasWeightsOptions = {},
): Promise<KerasWeightReport> {
  return setKerasWeights(model, await readKerasH5Weights(filePath), options);
}
