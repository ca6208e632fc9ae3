/**
 * Orders text matches by relevance. Only the first offset + limit positions
 * are ever needed, so large result sets go through a bounded heap instead
 * of a full sort.
 */
import type { Bitset } from "./bitset";

/** Below this many candidates a full sort is as fast as the heap. */
const FULL_SORT_MAX_CANDIDATES = 4096;

/**
 * Returns the positions of one page of the set, ordered by score (higher
 * first) and then by position, which follows product id, for stable pages.
 * scores is indexed by position.
 */
export function pageByScore(set: Bitset, scores: Float64Array, offset: number, limit: number): number[] {
  if (limit <= 0) return [];
  const candidates = set.toArray();
  const needed = offset + limit;
  const ranksBefore = (a: number, b: number) => scores[a]! > scores[b]! || (scores[a] === scores[b] && a < b);

  let top: number[];
  if (candidates.length <= FULL_SORT_MAX_CANDIDATES || needed * 4 >= candidates.length) {
    top = Array.from(candidates).sort((a, b) => (ranksBefore(a, b) ? -1 : ranksBefore(b, a) ? 1 : 0));
  } else {
    top = selectTop(candidates, needed, ranksBefore);
  }
  return top.slice(offset, needed);
}

/**
 * Returns the k best candidates in rank order. The heap's root is the worst
 * candidate kept so far, and a newcomer replaces it when it ranks before it.
 */
function selectTop(candidates: Int32Array, k: number, ranksBefore: (a: number, b: number) => boolean): number[] {
  const heap: number[] = [];
  // In this heap a parent ranks after its children, so the root ranks last.
  const worse = (a: number, b: number) => ranksBefore(b, a);

  const siftUp = (index: number) => {
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!worse(heap[index]!, heap[parent]!)) break;
      [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
      index = parent;
    }
  };
  const siftDown = (index: number) => {
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let worst = index;
      if (left < heap.length && worse(heap[left]!, heap[worst]!)) worst = left;
      if (right < heap.length && worse(heap[right]!, heap[worst]!)) worst = right;
      if (worst === index) return;
      [heap[index], heap[worst]] = [heap[worst]!, heap[index]!];
      index = worst;
    }
  };

  for (const candidate of candidates) {
    if (heap.length < k) {
      heap.push(candidate);
      siftUp(heap.length - 1);
    } else if (ranksBefore(candidate, heap[0]!)) {
      heap[0] = candidate;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => (ranksBefore(a, b) ? -1 : ranksBefore(b, a) ? 1 : 0));
}
