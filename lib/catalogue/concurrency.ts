/**
 * Maps `items` with at most `limit` calls of `map` in flight, keeping the
 * input order in the result. The first rejection rejects the whole call once
 * the calls already started have settled.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  map: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new Error(`Invalid concurrency limit ${limit}: use a whole number of at least 1`);
  }

  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;

  async function work(): Promise<void> {
    while (failure === null && next < items.length) {
      const index = next;
      next += 1;
      try {
        results[index] = await map(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  }

  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, work));
  if (failure !== null) throw (failure as { error: unknown }).error;
  return results;
}
