/**
 * Index sets for sparsity propagation: one set of input indices per tape node, built in one
 * forward pass, with memory and time close to the sizes of the sets that are actually new.
 *
 * Three representations, by size:
 * - small (≤ SMALL_MAX elements): a sorted, immutable slice of one shared Int32Array pool. A unary
 *   op shares its operand's slice (two integers copied), so most nodes cost nothing.
 * - big: an own sorted, growable Int32Array, reference counted;
 * - dense: a bit set of n bits (when a big set holds more than n/32 indices, where the bits take
 *   less memory than the indices), reference counted too.
 *
 * A node's set is released when its last consumer has been processed. A big or dense set whose
 * only holder is an operand at its last use is *stolen*: the union is done in place. So the
 * chain sum x₀ + x₁ + … + xₙ₋₁ — the left-associated chain `sum()` records — costs O(n), not the
 * O(n²) of copying each partial sum's set.
 */

/** The most elements of a set kept in the shared pool. */
export const SMALL_MAX = 32;

class BigSet {
  /** Sorted indices (sorted mode), or null in dense mode. */
  items: Int32Array | null;
  /** The bit set (dense mode), or null. */
  bits: Uint32Array | null = null;
  size: number;
  /** How many nodes hold this set. */
  refs = 0;
  /** Its index in IndexSets.bigs (−1 until a node holds it). */
  id = -1;

  constructor(items: Int32Array, size: number) {
    this.items = items;
    this.size = size;
  }
}

export class IndexSets {
  /** Small set: pool[off[v] … off[v] + len[v]). Big set: len[v] = −1, off[v] = its id in `bigs`. */
  private readonly off: Int32Array;
  private readonly len: Int32Array;
  private pool: Int32Array;
  private top = 0;
  private readonly bigs: (BigSet | null)[] = [];
  private readonly freeIds: number[] = [];
  /** Inputs: the universe is 0 … n−1. */
  private readonly n: number;
  private readonly denseAt: number;
  /** Scratch for merges. */
  private scratch = new Int32Array(2 * SMALL_MAX + 2);
  /** The largest number of bytes held at once (pool + big and dense sets), for reports. */
  peakBytes = 0;
  private bigBytes = 0;

  constructor(nodes: number, n: number) {
    this.off = new Int32Array(nodes);
    this.len = new Int32Array(nodes);
    this.pool = new Int32Array(Math.max(1024, n + 16));
    this.n = n;
    this.denseAt = Math.max(SMALL_MAX, n >>> 5);
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.off.byteLength * 2 + this.pool.byteLength + this.bigBytes;
  }

  private note(): void {
    const b = this.bytes;
    if (b > this.peakBytes) this.peakBytes = b;
  }

  /** Node v's set is {i}. */
  singleton(v: number, i: number): void {
    this.reserve(1);
    this.pool[this.top] = i;
    this.off[v] = this.top++;
    this.len[v] = 1;
  }

  /** Node v's set is empty. */
  empty(v: number): void {
    this.len[v] = 0;
  }

  /** Node v's set is node a's (shared, no copy). */
  share(v: number, a: number): void {
    const len = this.len[a]!;
    this.len[v] = len;
    this.off[v] = this.off[a]!;
    if (len < 0) this.bigs[this.off[a]!]!.refs++;
  }

  /** The number of elements of node v's set. */
  size(v: number): number {
    const len = this.len[v]!;
    return len >= 0 ? len : this.bigs[this.off[v]!]!.size;
  }

  /**
   * Node v's set is a ∪ b. `lastA` / `lastB`: this is the last use of a's / b's set (it is released
   * right after), which allows stealing it.
   */
  union(v: number, a: number, b: number, lastA: boolean, lastB: boolean): void {
    const la = this.len[a]!;
    const lb = this.len[b]!;
    if (a === b || lb === 0) return this.share(v, a);
    if (la === 0) return this.share(v, b);
    if (la >= 0 && lb >= 0) return this.unionSmall(v, a, b, la, lb);
    // At least one big set: add the other into it, in place when it can be stolen, else into a copy.
    if (la < 0 && lb < 0 && this.off[a] === this.off[b]) return this.share(v, a); // the same set
    const stealA = la < 0 && lastA && this.bigs[this.off[a]!]!.refs === 1;
    const stealB = lb < 0 && lastB && this.bigs[this.off[b]!]!.refs === 1;
    let intoA: boolean;
    if (la >= 0) intoA = false;
    else if (lb >= 0) intoA = true;
    else if (stealA !== stealB) intoA = stealA;
    else intoA = this.size(a) >= this.size(b);
    const big = intoA ? a : b;
    const other = intoA ? b : a;
    let set = this.bigs[this.off[big]!]!;
    if (!(intoA ? stealA : stealB)) set = this.clone(set);
    this.addNode(set, other);
    this.holdBig(v, set);
  }

  /** Writes node v's elements (sorted) into out from 0; returns the count. out must have room for size(v). */
  elements(v: number, out: Int32Array): number {
    const len = this.len[v]!;
    if (len >= 0) {
      const o = this.off[v]!;
      out.set(this.pool.subarray(o, o + len));
      return len;
    }
    const set = this.bigs[this.off[v]!]!;
    if (set.items !== null) {
      out.set(set.items.subarray(0, set.size));
      return set.size;
    }
    let k = 0;
    const bits = set.bits!;
    for (let w = 0; w < bits.length; w++) {
      let word = bits[w]!;
      while (word !== 0) {
        const t = word & -word;
        out[k++] = (w << 5) + 31 - Math.clz32(t);
        word ^= t;
      }
    }
    return k;
  }

  /** Node v no longer needs its set. */
  release(v: number): void {
    if (this.len[v]! >= 0) return;
    const id = this.off[v]!;
    const set = this.bigs[id]!;
    if (--set.refs === 0) {
      this.bigBytes -= set.items !== null ? set.items.byteLength : set.bits!.byteLength;
      this.bigs[id] = null;
      this.freeIds.push(id);
    }
    this.len[v] = 0;
  }

  private reserve(k: number): void {
    if (this.top + k <= this.pool.length) return;
    let size = this.pool.length * 2;
    while (size < this.top + k) size *= 2;
    const next = new Int32Array(size);
    next.set(this.pool.subarray(0, this.top));
    this.pool = next;
    this.note();
  }

  private unionSmall(v: number, a: number, b: number, la: number, lb: number): void {
    const pool = this.pool;
    let i = this.off[a]!;
    let j = this.off[b]!;
    const ie = i + la;
    const je = j + lb;
    // b ⊆ a or a ⊆ b is common (x·x, (x + y)·x): share instead of copying.
    const s = this.scratch;
    let k = 0;
    while (i < ie && j < je) {
      const x = pool[i]!;
      const y = pool[j]!;
      if (x < y) (s[k++] = x), i++;
      else if (y < x) (s[k++] = y), j++;
      else (s[k++] = x), i++, j++;
    }
    while (i < ie) s[k++] = pool[i++]!;
    while (j < je) s[k++] = pool[j++]!;
    if (k === la) return this.share(v, a);
    if (k === lb) return this.share(v, b);
    if (k <= SMALL_MAX) {
      this.reserve(k);
      this.pool.set(s.subarray(0, k), this.top);
      this.off[v] = this.top;
      this.len[v] = k;
      this.top += k;
      return;
    }
    const items = new Int32Array(2 * k);
    items.set(s.subarray(0, k));
    const set = new BigSet(items, k);
    this.bigBytes += items.byteLength;
    this.holdBig(v, set);
  }

  /** Node v holds `set`; a new set (from a merge or a clone) gets an id first. */
  private holdBig(v: number, set: BigSet): void {
    if (set.id < 0) {
      set.id = this.freeIds.length > 0 ? this.freeIds.pop()! : this.bigs.length;
      this.bigs[set.id] = set;
    }
    set.refs++;
    this.off[v] = set.id;
    this.len[v] = -1;
    this.note();
  }

  private clone(set: BigSet): BigSet {
    if (set.items !== null) {
      const items = new Int32Array(Math.max(2 * set.size, 2 * SMALL_MAX));
      items.set(set.items.subarray(0, set.size));
      this.bigBytes += items.byteLength;
      return new BigSet(items, set.size);
    }
    const copy = new BigSet(new Int32Array(0), set.size);
    copy.items = null;
    copy.bits = set.bits!.slice();
    this.bigBytes += copy.bits.byteLength;
    return copy;
  }

  /** Adds node u's elements to a big or dense set owned by the caller. */
  private addNode(set: BigSet, u: number): void {
    const len = this.len[u]!;
    if (len >= 0) {
      const o = this.off[u]!;
      this.addSorted(set, this.pool, o, o + len);
      return;
    }
    const src = this.bigs[this.off[u]!]!;
    if (src.items !== null) {
      this.addSorted(set, src.items, 0, src.size);
      return;
    }
    this.toDense(set);
    const bits = set.bits!;
    const from = src.bits!;
    let size = 0;
    for (let w = 0; w < bits.length; w++) {
      const word = (bits[w]! | from[w]!) >>> 0;
      bits[w] = word;
      size += popcount(word);
    }
    set.size = size;
  }

  /** Adds the sorted elements src[from … to) to set. */
  private addSorted(set: BigSet, src: Int32Array, from: number, to: number): void {
    if (set.items === null) {
      const bits = set.bits!;
      for (let p = from; p < to; p++) {
        const e = src[p]!;
        const w = e >>> 5;
        const mask = 1 << (e & 31);
        if ((bits[w]! & mask) === 0) {
          bits[w] = bits[w]! | mask;
          set.size++;
        }
      }
      return;
    }
    // Fast path: each element already present (binary search) or past the last (append).
    let p = from;
    for (; p < to; p++) {
      const e = src[p]!;
      const items = set.items!;
      const size = set.size;
      if (size > 0 && e <= items[size - 1]!) {
        if (search(items, size, e)) continue;
        break; // an insertion in the middle: merge the rest
      }
      if (size === items.length) this.grow(set, size + 1);
      set.items![set.size++] = e;
    }
    if (p < to) this.merge(set, src, p, to);
    if (set.size > this.denseAt) this.toDense(set);
  }

  private grow(set: BigSet, need: number): void {
    const old = set.items!;
    const next = new Int32Array(Math.max(need, old.length * 2));
    next.set(old.subarray(0, set.size));
    this.bigBytes += next.byteLength - old.byteLength;
    set.items = next;
    this.note();
  }

  private merge(set: BigSet, src: Int32Array, from: number, to: number): void {
    const items = set.items!;
    const size = set.size;
    const out = new Int32Array(Math.max(2 * (size + to - from), 2 * SMALL_MAX));
    let i = 0;
    let j = from;
    let k = 0;
    while (i < size && j < to) {
      const x = items[i]!;
      const y = src[j]!;
      if (x < y) (out[k++] = x), i++;
      else if (y < x) (out[k++] = y), j++;
      else (out[k++] = x), i++, j++;
    }
    while (i < size) out[k++] = items[i++]!;
    while (j < to) out[k++] = src[j++]!;
    this.bigBytes += out.byteLength - items.byteLength;
    set.items = out;
    set.size = k;
    this.note();
  }

  private toDense(set: BigSet): void {
    if (set.items === null) return;
    const bits = new Uint32Array((this.n + 31) >>> 5);
    const items = set.items;
    for (let p = 0; p < set.size; p++) {
      const e = items[p]!;
      bits[e >>> 5] = bits[e >>> 5]! | (1 << (e & 31));
    }
    this.bigBytes += bits.byteLength - items.byteLength;
    set.items = null;
    set.bits = bits;
    this.note();
  }
}

function search(items: Int32Array, size: number, e: number): boolean {
  let lo = 0;
  let hi = size - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const x = items[mid]!;
    if (x === e) return true;
    if (x < e) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
