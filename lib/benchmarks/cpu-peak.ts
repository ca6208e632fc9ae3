/**
 * Theoretical fp32 peak of a CPU from what `lscpu` and /proc/cpuinfo report:
 * cores x clock x SIMD lanes x 2 (an FMA is a multiply and an add) x FMA
 * units per core. The FMA unit count and the clock under load are not
 * reported by either source, so every peak computed here is an estimate.
 */

export interface CpuFacts {
  modelName: string;
  /** Physical cores: sockets x cores per socket. */
  cores: number;
  threadsPerCore: number;
  /** Clock in MHz and the line it was read from. */
  clockMhz: number;
  clockSource: string;
  /** Widest fp32 SIMD registers the flags advertise: 512 (avx512f), 256 (avx) or 128 (sse). */
  simdBits: 128 | 256 | 512;
  hasFma: boolean;
}

export interface PeakAssumptions {
  /** Vector FMA units per core, an assumption because neither lscpu nor /proc/cpuinfo reports it. */
  fmaUnitsPerCore: number;
  /** Register width the code uses, e.g. 128 for WebAssembly SIMD; default the widest the flags advertise. */
  simdBits?: number;
}

function fieldsOf(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    // /proc/cpuinfo repeats its fields once per CPU, so the first block is enough.
    if (!fields.has(key)) fields.set(key, line.slice(colon + 1).trim());
  }
  return fields;
}

function wholeField(fields: Map<string, string>, key: string): number {
  const value = Number(fields.get(key));
  if (!Number.isInteger(value) || value < 1) throw new Error(`lscpu output has no valid "${key}" line (got "${fields.get(key) ?? ""}"): run lscpu with LC_ALL=C`);
  return value;
}

/**
 * Reads the facts from `lscpu` output. The clock comes from lscpu's
 * "CPU max MHz" or "CPU MHz", else from the "cpu MHz" line of `cpuinfo`
 * (the contents of /proc/cpuinfo), which on a virtual machine is usually
 * the nominal (TSC) clock.
 */
export function readCpuFacts(lscpu: string, cpuinfo = ""): CpuFacts {
  const fields = fieldsOf(lscpu);
  const flags = new Set((fields.get("Flags") ?? fieldsOf(cpuinfo).get("flags") ?? "").split(/\s+/));
  let simdBits: CpuFacts["simdBits"] = 128;
  if (flags.has("avx512f")) simdBits = 512;
  else if (flags.has("avx")) simdBits = 256;

  const clock = [
    ["lscpu CPU max MHz", fields.get("CPU max MHz")],
    ["lscpu CPU MHz", fields.get("CPU MHz")],
    ["/proc/cpuinfo cpu MHz", fieldsOf(cpuinfo).get("cpu MHz")],
  ].find(([, value]) => value !== undefined && Number(value) > 0);
  if (!clock) throw new Error("Neither lscpu nor /proc/cpuinfo reports a clock in MHz, so the fp32 peak cannot be estimated on this machine");

  return {
    modelName: fields.get("Model name") ?? "unknown",
    cores: wholeField(fields, "Socket(s)") * wholeField(fields, "Core(s) per socket"),
    threadsPerCore: wholeField(fields, "Thread(s) per core"),
    clockMhz: Number(clock[1]),
    clockSource: clock[0]!,
    simdBits,
    hasFma: flags.has("fma"),
  };
}

/** Returns the estimated fp32 peak in GFLOP/s over all physical cores. */
export function estimateFp32PeakGflops(facts: CpuFacts, assumptions: PeakAssumptions): number {
  const simdBits = assumptions.simdBits ?? facts.simdBits;
  if (simdBits > facts.simdBits) throw new Error(`Invalid simdBits ${simdBits}: the CPU advertises at most ${facts.simdBits}-bit SIMD`);
  const lanes = simdBits / 32;
  const flopsPerInstruction = facts.hasFma ? 2 : 1;
  return (facts.cores * facts.clockMhz * lanes * flopsPerInstruction * assumptions.fmaUnitsPerCore) / 1000;
}
