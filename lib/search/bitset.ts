/**
 * A fixed-size set of small non-negative integers (positions in the facet
 * index), stored as 32-bit words. Set operations work word by word, so
 * intersecting two sets of 100k positions touches 3,125 words.
 */
export class Bitset {
  readonly size: number;
  readonly words: Uint32Array;

  constructor(size: number, words?: Uint32Array) {
    this.size = size;
    this.words = words ?? new Uint32Array(Math.ceil(size / 32));
  }

  /** Returns a set that contains every position below size. */
  static full(size: number): Bitset {
    const set = new Bitset(size);
    set.words.fill(0xffffffff);
    const tail = size % 32;
    if (tail !== 0) set.words[set.words.length - 1] = (1 << tail) - 1;
    return set;
  }

  /** Returns a set that contains the given positions, which must be below size. */
  static of(size: number, positions: Iterable<number>): Bitset {
    const set = new Bitset(size);
    for (const position of positions) set.add(position);
    return set;
  }

  add(position: number): void {
    this.words[position >>> 5]! |= 1 << (position & 31);
  }

  has(position: number): boolean {
    return ((this.words[position >>> 5]! >>> (position & 31)) & 1) === 1;
  }

  clone(): Bitset {
    return new Bitset(this.size, this.words.slice());
  }

  /** Keeps only the positions that are also in other (in place). */
  intersect(other: Bitset): this {
    const words = this.words;
    const otherWords = other.words;
    for (let i = 0; i < words.length; i++) words[i]! &= otherWords[i]!;
    return this;
  }

  /** Adds the positions of other (in place). */
  union(other: Bitset): this {
    const words = this.words;
    const otherWords = other.words;
    for (let i = 0; i < words.length; i++) words[i]! |= otherWords[i]!;
    return this;
  }

  count(): number {
    let total = 0;
    for (const word of this.words) total += popcount(word);
    return total;
  }

  /** Calls visit with each position in ascending order. */
  forEach(visit: (position: number) => void): void {
    const words = this.words;
    for (let i = 0; i < words.length; i++) {
      let word = words[i]!;
      while (word !== 0) {
        const lowest = word & -word;
        visit((i << 5) + 31 - Math.clz32(lowest));
        word ^= lowest;
      }
    }
  }

  /** Returns the positions in ascending order. */
  toArray(): Int32Array {
    const positions = new Int32Array(this.count());
    let next = 0;
    this.forEach((position) => {
      positions[next++] = position;
    });
    return positions;
  }
}

function popcount(word: number): number {
  let bits = word - ((word >>> 1) & 0x55555555);
  bits = (bits & 0x33333333) + ((bits >>> 2) & 0x33333333);
  return Math.imul((bits + (bits >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
