/**
 * The locals of one emitted function: a recycled pool (a freed local is the next one taken), so a
 * function declares as many locals as are live at once, not one per node (see plan.ts, why), and
 * the reader of node values every sweep shares.
 */
import { OP } from "../ops.js";
import type { Tape } from "../tape.js";
import type { JitOperand } from "./expr.js";
import type { Operands } from "./emit-expr.js";
import type { ByteWriter } from "./wasm-writer.js";

// Local copies: an imported binding read in a hot loop is a getter call under tsx and vitest.
const K = { ...OP };

export class LocalPool {
  private readonly free: number[] = [];
  /** Locals of the pool's type declared so far (indices base … base + count − 1). */
  count = 0;

  /** `base`: the index of the pool's first local (locals of other types come before it). */
  constructor(private readonly base = 0) {}

  take(): number {
    return this.free.pop() ?? this.base + this.count++;
  }

  /** A local never used before, never to be given back: for values set once before a loop (constants). */
  fresh(): number {
    return this.base + this.count++;
  }

  give(index: number): void {
    this.free.push(index);
  }
}

/**
 * Pushes node values: a constant as an immediate, a value held in a local by local.get, any other
 * from the value region. `local[j]` is the local holding node j's value, or −1.
 */
export class ValueReader implements Operands {
  /** The operands of the node being emitted: a, b, and the node itself (v). */
  a = 0;
  b = 0;
  self = 0;
  readonly local: Int32Array;

  constructor(private readonly tape: Tape, private readonly val: number) {
    this.local = new Int32Array(tape.op.length).fill(-1);
  }

  push(w: ByteWriter, name: JitOperand): void {
    this.pushNode(w, name === "a" ? this.a : name === "b" ? this.b : this.self);
  }

  pushNode(w: ByteWriter, j: number): void {
    const tape = this.tape;
    if (tape.op[j] === K.CONST) w.f64Const(tape.constants[tape.a[j]!]!);
    else if (this.local[j]! >= 0) w.localGet(this.local[j]!);
    else w.f64LoadAt(this.val + 8 * j);
  }
}
