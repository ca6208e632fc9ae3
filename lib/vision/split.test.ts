import { describe, expect, it } from "vitest";

import { MIN_CLASS_SIZE_FOR_EVALUATION, stratifiedSplit } from "./split";

function items(counts: Record<string, number>): { id: string; label: string }[] {
  const list: { id: string; label: string }[] = [];
  let next = 1;
  for (const [label, count] of Object.entries(counts)) {
    for (let i = 0; i < count; i++) list.push({ id: String(next++), label });
  }
  return list;
}

describe("stratifiedSplit", () => {
  const config = { seed: 42, validationFraction: 0.15, testFraction: 0.15 };

  it("is reproducible from the seed", () => {
    const data = items({ Shirts: 40, Watches: 20, Socks: 7 });
    expect(stratifiedSplit(data, config)).toEqual(stratifiedSplit([...data].reverse(), config));
    expect(stratifiedSplit(data, { ...config, seed: 43 }).test).not.toEqual(stratifiedSplit(data, config).test);
  });

  it("keeps class proportions", () => {
    const data = items({ Shirts: 100, Watches: 20 });
    const split = stratifiedSplit(data, config);
    const label = new Map(data.map((item) => [item.id, item.label]));
    const count = (ids: string[], name: string) => ids.filter((id) => label.get(id) === name).length;
    expect(count(split.test, "Shirts")).toBe(15);
    expect(count(split.validation, "Shirts")).toBe(15);
    expect(count(split.train, "Shirts")).toBe(70);
    expect(count(split.test, "Watches")).toBe(3);
    expect(count(split.validation, "Watches")).toBe(3);
  });

  it("gives small classes one held-out product each", () => {
    const split = stratifiedSplit(items({ Rare: MIN_CLASS_SIZE_FOR_EVALUATION }), config);
    expect(split.test).toHaveLength(1);
    expect(split.validation).toHaveLength(1);
    expect(split.train).toHaveLength(1);
  });

  it("trains on classes too small to evaluate", () => {
    const split = stratifiedSplit(items({ Single: 1, Pair: 2 }), config);
    expect(split.train).toHaveLength(3);
    expect(split.test).toHaveLength(0);
    expect(split.validation).toHaveLength(0);
  });

  it("assigns every id exactly once", () => {
    const data = items({ A: 13, B: 5, C: 2, D: 31 });
    const split = stratifiedSplit(data, config);
    const all = [...split.train, ...split.validation, ...split.test].sort();
    expect(all).toEqual(data.map((item) => item.id).sort());
  });
});
