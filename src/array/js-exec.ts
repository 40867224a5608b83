/**
 * The TypeScript executor of array programs: the reference for the WebAssembly one
 * (wasm-exec.ts). One function per value kind, forward and reverse, straight from the op table
 * (ops.ts) for the elementwise and fold rules, so every element follows the scalar engines'
 * rules: the zero rule for each partial, zero adjoints skipped.
 */
import { OP, OPS, zmul } from "../ops.js";
import { matmulForward, matmulReverse, gemmJs, stridedForward, stridedReverse, type MatmulOperands } from "./matmul.js";
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
export function makeJsExecutor(program: Program, storage: Storage): JsArrayExecutor {
  return new JsArrayExecutor(program, storage, new Float64Array(storage.length), new Float64Array(storage.length));
}

export class JsArrayExecutor {
  constructor(
    private readonly program: Program,
    readonly storage: Storage,
    readonly val: Float64Array,
    readonly adj: Float64Array,
  ) {
    this.fillConstants();
  }

  get bytes(): number {
    return this.val.byteLength + this.adj.byteLength;
  }

  clearAdjoints(): void {
    this.adj.fill(0);
  }

  dispose(): void {
    // Plain typed arrays: collected with the executor.
  }

  private fillConstants(): void {
    const { values } = this.program;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v.kind === "constant") this.val.set(v.values!, this.storage.base[i]!);
    }
  }

  /** Writes θ into the input values and points first … first+B−1 of `rows` (d wide) into the data values. */
  load(x: ArrayLike<number>, rows: ArrayLike<number>, first: number): void {
    const { values } = this.program;
    const { base, points: P } = this.storage;
    const d = this.program.data;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      const at = base[i]!;
      if (v.kind === "input") for (let e = 0; e < v.size; e++) this.val[at + e] = x[v.offset + e]!;
      else if (v.kind === "data") {
        for (let l = 0; l < P; l++) {
          const row = (first + l) * d + v.offset;
          for (let e = 0; e < v.size; e++) this.val[at + e * P + l] = rows[row + e]!;
        }
      }
    }
  }

  forward(): void {
    const { values } = this.program;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      switch (v.kind) {
        case "elementwise": case "select": this.elementwise(i, false); break;
        case "fold": this.fold(i, false); break;
        case "matmul": matmulForward(this.matmulOperands(i), gemmJs, stridedForward); break;
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
      const v = values[i]!;
      if (!v.needsAdjoint) continue;
      switch (v.kind) {
        case "elementwise": case "select": this.elementwise(i, true); break;
        case "fold": this.fold(i, true); break;
        case "matmul": {
          const [A, B] = v.args.map((x) => values[x]!.needsAdjoint);
          matmulReverse(this.matmulOperands(i), A!, B!, gemmJs, stridedReverse);
          break;
        }
        case "transpose": this.transpose(i, true); break;
        case "concat": this.concat(i, true); break;
        default: break;
      }
    }
  }

  private matmulOperands(i: number): MatmulOperands<Float64Array> {
    const v = this.program.values[i]!;
    const [A, B] = v.args.map((x) => this.program.values[x]!);
    const [r, k] = A!.shape as [number, number];
    const { base, points } = this.storage;
    return {
      r, k, c: B!.shape[1]!, points, aBatched: A!.batched, bBatched: B!.batched,
      a: base[v.args[0]!]!, b: base[v.args[1]!]!, out: base[i]!, val: this.val, adj: this.adj,
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
    let o = base[i]!;
    for (let r = 0; r < R; r++) {
      for (let c = 0; c < C; c++) {
        for (let l = 0; l < L; l++, o++) {
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
  private fold(i: number, reverse: boolean): void {
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
    for (let a = 0; a < r; a++) {
      for (let b = 0; b < c; b++) {
        for (let l = 0; l < L; l++) {
          const src = from + (a * c + b) * L + l;
          const dst = to + (b * r + a) * L + l;
          if (reverse) this.adj[src] += this.adj[dst]!;
          else this.val[dst] = this.val[src]!;
        }
      }
    }
  }

  private concat(i: number, reverse: boolean): void {
    const { values } = this.program;
    const v = values[i]!;
    const { base, copies } = this.storage;
    const L = copies[i]!;
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
          if (!reverse) this.val[dst] = this.val[src]!;
          else if (need) this.adj[src] += this.adj[dst]!;
        }
      }
      e0 += part.size;
    }
  }
}
