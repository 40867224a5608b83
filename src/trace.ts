/**
 * Recording: while the user's function runs inside compile(), every operation on a Var appends
 * one node to the active Trace. Nodes are written straight into growable typed arrays — no
 * object per node besides the Var the user holds, and no WebAssembly call per node.
 */
import { OP } from "./ops.js";
import type { Tape } from "./tape.js";
import type { ArrayNode } from "./array/node.js";

/** The largest tape tapegrad records: its working memory must fit in 4 GiB of wasm32 memory. */
export const MAX_NODES = 1 << 27;

let nextTraceId = 1;

/**
 * The growable arrays of the last finished trace, kept for the next one: finish() copies the tape
 * out anyway, and re-growing from 256 nodes by doubling was the largest single cost of recording
 * a 10⁵-node function (allocating and zeroing ~2× its size in fresh typed arrays).
 */
let spare: { op: Uint8Array; a: Int32Array; b: Int32Array } | null = null;
/** Larger arrays (9 bytes per node) are not kept alive between compiles. */
const SPARE_MAX_NODES = 1 << 20;

export class Trace {
  readonly id = nextTraceId++;
  size = 0;
  private op: Uint8Array;
  private a: Int32Array;
  private b: Int32Array;
  private readonly constants: number[] = [];
  /** Constant value → its node. Map keys use SameValueZero, so −0 gets its own slot. */
  private readonly constantNodes = new Map<number, number>();
  private negativeZeroNode = -1;
  /** The array nodes recorded so far (array/node.ts); reference −1 − i is arrays[i]. */
  readonly arrays: ArrayNode[] = [];
  /** Node of each integer constant 0 … 255, or −1. */
  private readonly smallConstants = new Int32Array(256).fill(-1);

  constructor() {
    if (spare !== null) {
      ({ op: this.op, a: this.a, b: this.b } = spare);
      spare = null; // a nested compile() gets fresh arrays
    } else {
      this.op = new Uint8Array(256);
      this.a = new Int32Array(256);
      this.b = new Int32Array(256);
    }
  }

  /** Appends a node and returns its index. */
  push(op: number, a: number, b: number): number {
    const i = this.size;
    if (i === this.op.length) this.grow();
    this.op[i] = op;
    this.a[i] = a;
    this.b[i] = b;
    this.size = i + 1;
    return i;
  }

  /** Appends an array node (anchored after the scalar nodes so far) and returns its reference. */
  pushArray(node: Omit<ArrayNode, "anchor">): number {
    this.arrays.push({ ...node, anchor: this.size });
    return -this.arrays.length;
  }

  /** The node holding the number x, created on first use. */
  constant(x: number): number {
    // Small non-negative integers (1, 2, 100: most literals) skip the Map.
    if ((x & 255) === x && !Object.is(x, -0)) {
      const cached = this.smallConstants[x];
      if (cached >= 0) return cached;
      return (this.smallConstants[x] = this.newConstant(x));
    }
    if (Object.is(x, -0)) {
      if (this.negativeZeroNode < 0) this.negativeZeroNode = this.newConstant(x);
      return this.negativeZeroNode;
    }
    let node = this.constantNodes.get(x);
    if (node === undefined) {
      node = this.newConstant(x);
      this.constantNodes.set(x, node);
    }
    return node;
  }

  private newConstant(x: number): number {
    this.constants.push(x);
    return this.push(OP.CONST, this.constants.length - 1, 0);
  }

  private grow(): void {
    if (this.op.length >= MAX_NODES) {
      throw new Error(
        `tapegrad: the function records more than ${MAX_NODES} nodes, the largest tape tapegrad supports`,
      );
    }
    const capacity = Math.min(this.op.length * 2, MAX_NODES);
    const op = new Uint8Array(capacity);
    const a = new Int32Array(capacity);
    const b = new Int32Array(capacity);
    op.set(this.op);
    a.set(this.a);
    b.set(this.b);
    this.op = op;
    this.a = a;
    this.b = b;
  }

  /** The scalar recording as it stands, for building an array program (array/program.ts). */
  scalars(): { op: Uint8Array; a: Int32Array; b: Int32Array; constants: readonly number[]; size: number } {
    return { op: this.op, a: this.a, b: this.b, constants: this.constants, size: this.size };
  }

  /** Freezes the recording into a tape, trimmed to size. */
  finish(
    inputs: number,
    data: number,
    outputs: number[],
    names: Pick<Tape, "inputNames" | "vectorName" | "dataNames" | "dataVectorName">,
  ): Tape {
    const n = this.size;
    const tape: Tape = {
      op: this.op.slice(0, n),
      a: this.a.slice(0, n),
      b: this.b.slice(0, n),
      constants: Float64Array.from(this.constants),
      inputs,
      data,
      outputs: Int32Array.from(outputs),
      ...names,
    };
    // Stale entries past `size` are harmless: every node is written before it is read.
    const keep = this.op.length <= SPARE_MAX_NODES && (spare === null || spare.op.length < this.op.length);
    if (keep) spare = { op: this.op, a: this.a, b: this.b };
    return tape;
  }
}

let active: Trace | null = null;

/** The trace being recorded; throws when called outside compile(). */
export function activeTrace(): Trace {
  if (active === null) {
    throw new Error(
      "tapegrad: operations on variables only work inside the function given to compile() " +
        "(was a variable kept and used after compile() returned?)",
    );
  }
  return active;
}

/** The trace being recorded, or null outside compile() (for messages that need to tell which). */
export function currentTrace(): Trace | null {
  return active;
}

/** Runs body with trace active; nested compile() calls restore the outer trace after. */
export function withTrace<T>(trace: Trace, body: () => T): T {
  const outer = active;
  active = trace;
  try {
    return body();
  } finally {
    active = outer;
  }
}
