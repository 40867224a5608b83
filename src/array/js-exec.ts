/**
 * The TypeScript executor of array programs: the reference for the WebAssembly one
 * (wasm-exec.ts). One function per value kind, forward and reverse, straight from the op table
 * (ops.ts) for the elementwise and fold rules, so every element follows the scalar engines'
 * rules: the zero rule for each partial, zero adjoints skipped.
 */
import { OP, OPS, zmul } from "../ops.js";
import {
  matmulForward, matmulReverse, gemmJs, stridedForward, stridedReverse, zeroRuleNeeded, zeroRuleReverse, type MatmulOperands,
} from "./matmul.js";
import type { Program, ProgramValue } from "./program.js";
import type { Storage } from "./storage.js";

const VALUE = OPS.map((r) => r.value);
const DA = OPS.map((r) => r.da);
const DB = OPS.map((r) => r.db);
/** Operands whose partial an elementwise op passes: 1 for unary ops and powc, 2 for binary, 0 for comparisons. */
export const ELEMENT_ARITY = OPS.map((r) => (r.kind === "unary" || (r.kind === "binary" && r.code === OP.POWC) ? 1 : r.kind === "binary" ? 2 : 0));

/** (rows, columns) of a shape of rank ≤ 2. */
export function dims(shape: readonly number[]): [number, number] {
  return shape.length === 0 ? [1, 1] : shape.length === 1 ? [1, shape[0]!] : [shape[0]!, shape[1]!];
}

/** Element strides of an operand within the broadcast output (storage.ts layout): [row, column, point]. */
export function operandStrides(operand: ProgramValue, out: ProgramValue, copies: number): [number, number, number] {
  const [r, c] = dims(operand.shape);
  const [R, C] = dims(out.shape);
  return [r === 1 && R !== 1 ? 0 : c * copies, c === 1 && C !== 1 ? 0 : copies, operand.batched ? 1 : 0];
}

/** A JS executor with its own buffers. */
export function makeJsExecutor(program: Program, storage: Storage): ArrayExecutor {
  return new JsArrayExecutor(program, storage);
}

/**
 * The sweeps over an array program, on two Float64Array buffers of the layout in storage.ts.
 * Subclasses provide the buffers (JS arrays, or views of WebAssembly memory) and the matrix
 * product; everything else is the same code, so both engines follow the same rules.
 */
export abstract class ArrayExecutor {
  constructor(
    protected readonly program: Program,
    readonly storage: Storage,
  ) {}

  /** The values and adjoints (views; the wasm executor's stay valid until the next allocation anywhere). */
  abstract get val(): Float64Array;
  abstract get adj(): Float64Array;
  abstract get bytes(): number;
  abstract dispose(): void;
  protected abstract matmul(i: number, reverse: boolean, needA: boolean, needB: boolean): void;

  clearAdjoints(): void {
    this.adj.fill(0);
  }

  protected fillConstants(): void {
    const { values } = this.program;
    const val = this.val;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v.kind === "constant") val.set(v.values!, this.storage.base[i]!);
    }
  }

  /** Writes θ into the input values and points first … first+B−1 of `rows` (d wide) into the data values. */
  load(x: ArrayLike<number>, rows: ArrayLike<number>, first: number): void {
    const { values } = this.program;
    const val = this.val;
    const { base, points: P } = this.storage;
    const d = this.program.data;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      const at = base[i]!;
      if (v.kind === "input") {
        // A typed array copies as one block (memcpy); other array-likes element by element.
        if (x instanceof Float64Array) val.set(x.subarray(v.offset, v.offset + v.size), at);
        else for (let e = 0; e < v.size; e++) val[at + e] = x[v.offset + e]!;
      }
      else if (v.kind === "data") {
        for (let l = 0; l < P; l++) {
          const row = (first + l) * d + v.offset;
          for (let e = 0; e < v.size; e++) val[at + e * P + l] = rows[row + e]!;
        }
      }
    }
  }

  /**
   * An executor that fuses runs of values (wasm-exec.ts) runs the one starting at i (forward) or
   * ending at i (reverse) and returns the index the sweep goes on from (its other end); -1: no run.
   */
  protected runFused(_i: number, _reverse: boolean): number {
    return -1;
  }

  forward(): void {
    const { values } = this.program;
    for (let i = 0; i < values.length; i++) {
      const fused = this.runFused(i, false);
      if (fused >= 0) {
        i = fused;
        continue;
      }
      const v = values[i]!;
      switch (v.kind) {
        case "elementwise": case "select": this.elementwise(i, false); break;
        case "fold": this.fold(i, false); break;
        case "matmul": this.matmul(i, false, false, false); break;
        case "transpose": this.transpose(i, false); break;
        case "concat": this.concat(i, false); break;
        default: break; // leaves are loaded, views share their root's elements
      }
    }
  }

  /** Adjoints back from the seeds already written into adj. */
  reverse(): void {
    const { values } = this.program;
    for (let i = values.length - 1; i >= 0; i--) {
      const fused = this.runFused(i, true);
      if (fused >= 0) {
        i = fused;
        continue;
      }
      const v = values[i]!;
      if (!v.needsAdjoint) continue;
      switch (v.kind) {
        case "elementwise": case "select": this.elementwise(i, true); break;
        case "fold": this.fold(i, true); break;
        case "matmul": {
          const needA = values[v.args[0]!]!.needsAdjoint;
          const needB = values[v.args[1]!]!.needsAdjoint;
          const views = this.matmulOperands(i, this.val, this.adj);
          if (zeroRuleNeeded(views, needA, needB)) zeroRuleReverse(views, needA, needB);
          else this.matmul(i, true, needA, needB);
          break;
        }
        case "transpose": this.transpose(i, true); break;
        case "concat": this.concat(i, true); break;
        default: break;
      }
    }
  }

  /** matmul i's dimensions and where its operands live, on buffers of type Buf. */
  protected matmulOperands<Buf>(i: number, val: Buf, adj: Buf): MatmulOperands<Buf> {
    const v = this.program.values[i]!;
    const [A, B] = v.args.map((x) => this.program.values[x]!);
    const [r, k] = A!.shape as [number, number];
    const { base, points } = this.storage;
    return {
      r, k, c: B!.shape[1]!, points, aBatched: A!.batched, bBatched: B!.batched,
      a: base[v.args[0]!]!, b: base[v.args[1]!]!, out: base[i]!, val, adj,
    };
  }

  /** An op of the table (or select) over the broadcast shape: out[i, j, l] from each operand's strided element. */
  private elementwise(i: number, reverse: boolean): void {
    const { values } = this.program;
    const v = values[i]!;
    const { base, copies } = this.storage;
    const [R, C] = dims(v.shape);
    const L = copies[i]!;
    const ops = v.args.map((x) => values[x]!);
    const st = ops.map((o, k) => operandStrides(o, v, copies[v.args[k]!]!));
    const at = v.args.map((x) => base[x]!);
    const { val, adj } = this;
    const code = v.op;
    const select = v.kind === "select";
    const arity = select ? 0 : ELEMENT_ARITY[code]!;
    const need = ops.map((o) => o.needsAdjoint);
    const f = VALUE[code]!;
    const da = DA[code]!;
    const db = DB[code]!;
    // The reverse sweep visits the elements last to first, as the scalar tape's reverse sweep
    // visits the same function written element by element: a broadcast operand's adjoint is then
    // summed in the same order, to the same bits.
    const step = reverse ? -1 : 1;
    for (let r = reverse ? R - 1 : 0; reverse ? r >= 0 : r < R; r += step) {
      for (let c = reverse ? C - 1 : 0; reverse ? c >= 0 : c < C; c += step) {
        for (let l = reverse ? L - 1 : 0; reverse ? l >= 0 : l < L; l += step) {
          const o = base[i]! + (r * C + c) * L + l;
          const ia = at[0]! + r * st[0]![0] + c * st[0]![1] + l * st[0]![2];
          const ib = ops.length > 1 ? at[1]! + r * st[1]![0] + c * st[1]![1] + l * st[1]![2] : 0;
          if (select) {
            const ic = at[2]! + r * st[2]![0] + c * st[2]![1] + l * st[2]![2];
            // args: condition, if-true, if-false; NaN chooses if-false
            const chosen = val[ia]! > 0 ? 1 : 2;
            const from = chosen === 1 ? ib : ic;
            if (!reverse) val[o] = val[from]!;
            else if (adj[o] !== 0 && need[chosen]) adj[from] += adj[o]!;
            continue;
          }
          const x = val[ia]!;
          const y = ops.length > 1 ? val[ib]! : 0;
          if (!reverse) {
            val[o] = f(x, y);
            continue;
          }
          const g = adj[o]!;
          if (g === 0 || arity === 0) continue;
          const w = val[o]!;
          if (need[0]) adj[ia] += zmul(da(x, y, w), g);
          if (arity === 2 && need[1]) adj[ib] += zmul(db(x, y, w), g);
        }
      }
    }
  }

  /** A left fold along the middle of (outer, middle, inner); the reverse is the chain rule through the fold's steps. */
  protected fold(i: number, reverse: boolean): void {
    const v = this.program.values[i]!;
    const [O, M, I0] = v.fold!;
    const { base, copies } = this.storage;
    const I = I0 * copies[v.args[0]!]!;
    const x = base[v.args[0]!]!;
    const out = base[i]!;
    const { val, adj } = this;
    const code = v.op;
    const f = VALUE[code]!;
    const prefix = reverse && code !== OP.ADD ? new Float64Array(M) : null;
    for (let o = 0; o < O; o++) {
      for (let k = 0; k < I; k++) {
        const first = x + o * M * I + k;
        if (!reverse) {
          let acc = val[first]!;
          for (let m = 1; m < M; m++) acc = f(acc, val[first + m * I]!);
          val[out + o * I + k] = acc;
          continue;
        }
        let g = adj[out + o * I + k]!;
        if (g === 0) continue;
        if (prefix === null) {
          for (let m = 0; m < M; m++) adj[first + m * I] += g;
          continue;
        }
        prefix[0] = val[first]!;
        for (let m = 1; m < M; m++) prefix[m] = f(prefix[m - 1]!, val[first + m * I]!);
        for (let m = M - 1; m >= 1; m--) {
          const a = prefix[m - 1]!;
          const b = val[first + m * I]!;
          const w = prefix[m]!;
          adj[first + m * I] += zmul(DB[code]!(a, b, w), g);
          g = zmul(DA[code]!(a, b, w), g);
        }
        adj[first] += g;
      }
    }
  }

  private transpose(i: number, reverse: boolean): void {
    const v = this.program.values[i]!;
    const [c, r] = v.shape as [number, number];
    const { base, copies } = this.storage;
    const L = copies[i]!;
    const from = base[v.args[0]!]!;
    const to = base[i]!;
    const { val, adj } = this;
    for (let a = 0; a < r; a++) {
      for (let b = 0; b < c; b++) {
        for (let l = 0; l < L; l++) {
          const src = from + (a * c + b) * L + l;
          const dst = to + (b * r + a) * L + l;
          if (reverse) adj[src] += adj[dst]!;
          else val[dst] = val[src]!;
        }
      }
    }
  }

  private concat(i: number, reverse: boolean): void {
    const { values } = this.program;
    const v = values[i]!;
    const { base, copies } = this.storage;
    const L = copies[i]!;
    const { val, adj } = this;
    let e0 = 0;
    for (const p of v.args) {
      const part = values[p]!;
      const from = base[p]!;
      const step = part.batched ? 1 : 0;
      const P = copies[p]!;
      const need = part.needsAdjoint;
      for (let e = 0; e < part.size; e++) {
        for (let l = 0; l < L; l++) {
          const dst = base[i]! + (e0 + e) * L + l;
          const src = from + e * P + l * step;
          if (!reverse) val[dst] = val[src]!;
          else if (need) adj[src] += adj[dst]!;
        }
      }
      e0 += part.size;
    }
  }
}

/** The reference executor: plain Float64Arrays and the JS product. */
class JsArrayExecutor extends ArrayExecutor {
  readonly val: Float64Array;
  readonly adj: Float64Array;

  constructor(program: Program, storage: Storage) {
    super(program, storage);
    this.val = new Float64Array(storage.length);
    this.adj = new Float64Array(storage.length);
    this.fillConstants();
  }

  get bytes(): number {
    return this.val.byteLength + this.adj.byteLength;
  }

  dispose(): void {
    // Plain typed arrays: collected with the executor.
  }

  protected matmul(i: number, reverse: boolean, needA: boolean, needB: boolean): void {
    const o = this.matmulOperands(i, this.val, this.adj);
    if (reverse) matmulReverse(o, needA, needB, gemmJs, stridedReverse);
    else matmulForward(o, gemmJs, stridedForward);
  }
}
