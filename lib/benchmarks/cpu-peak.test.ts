import { describe, expect, it } from "vitest";

import { estimateFp32PeakGflops, readCpuFacts } from "./cpu-peak";

/** The relevant lines of `lscpu` on a 2-core KVM guest, which reports no clock. */
const LSCPU = `Architecture:                            x86_64
CPU(s):                                  2
Model name:                              Intel(R) Xeon(R) Processor
Thread(s) per core:                      1
Core(s) per socket:                      2
Socket(s):                               1
BogoMIPS:                                5200.00
Flags:                                   fpu sse sse2 fma avx avx2 avx512f avx512dq avx512vl
`;

const CPUINFO = `processor	: 0
model name	: Intel(R) Xeon(R) Processor
cpu MHz		: 2600.000
processor	: 1
cpu MHz		: 2599.000
`;

describe("readCpuFacts", () => {
  it("reads cores, SIMD width and FMA", () => {
    const facts = readCpuFacts(LSCPU, CPUINFO);
    expect(facts.modelName).toBe("Intel(R) Xeon(R) Processor");
    expect(facts.cores).toBe(2);
    expect(facts.threadsPerCore).toBe(1);
    expect(facts.simdBits).toBe(512);
    expect(facts.hasFma).toBe(true);
  });

  it("falls back to the cpuinfo clock", () => {
    const facts = readCpuFacts(LSCPU, CPUINFO);
    expect(facts.clockMhz).toBe(2600);
    expect(facts.clockSource).toBe("/proc/cpuinfo cpu MHz");
  });

  it("prefers lscpu's maximum clock", () => {
    const facts = readCpuFacts(`${LSCPU}CPU max MHz:  3500.0000\n`, CPUINFO);
    expect(facts.clockMhz).toBe(3500);
    expect(facts.clockSource).toBe("lscpu CPU max MHz");
  });

  it("reads AVX2 as 256-bit", () => {
    expect(readCpuFacts(LSCPU.replace(/ avx512\w+/g, ""), CPUINFO).simdBits).toBe(256);
  });

  it("rejects output without a core count", () => {
    expect(() => readCpuFacts(LSCPU.replace(/Socket\(s\).*\n/, ""), CPUINFO)).toThrow(/Socket\(s\)/);
  });
});

describe("estimateFp32PeakGflops", () => {
  const facts = readCpuFacts(LSCPU, CPUINFO);

  it("multiplies cores, clock, lanes, FMA and units", () => {
    // 2 cores x 2.6 GHz x 16 lanes x 2 x 2 units
    expect(estimateFp32PeakGflops(facts, { fmaUnitsPerCore: 2 })).toBeCloseTo(332.8, 6);
  });

  it("narrows to 128-bit SIMD", () => {
    // 2 x 2.6 x 4 x 2 x 2
    expect(estimateFp32PeakGflops(facts, { fmaUnitsPerCore: 2, simdBits: 128 })).toBeCloseTo(83.2, 6);
  });

  it("rejects a width the CPU lacks", () => {
    const avx2 = readCpuFacts(LSCPU.replace(/ avx512\w+/g, ""), CPUINFO);
    expect(() => estimateFp32PeakGflops(avx2, { fmaUnitsPerCore: 2, simdBits: 512 })).toThrow(/at most 256-bit/);
  });
});
