/**
 * The scalar expansion of an array program: the same function as a scalar tape, one node per
 * element operation (matmul as sums of products in k order, folds as chains). The modes the
 * array executors do not run themselves — jvp, jvpMany, vjpMany, Jacobians, Hessians and their
 * sparse forms — run on it with the scalar engines; it is built on first use (it costs what the
 * scalar form of the function would: ~9 bytes per node, and 2·r·k·c nodes per matmul).
 */
import { OP, opRule } from "../ops.js";
import type { Tape } from "../tape.js";
import { Trace } from "../trace.js";
import { dims } from "./js-exec.js";
import type { Program } from "./program.js";

export function expandProgram(program: Program, names: Pick<Tape, "inputNames" | "vectorName" | "dataNames" | "dataVectorName">): Tape {
  const t = new Trace();
  const { inputs, data, values } = program;
  for (let i = 0; i < inputs; i++) t.push(OP.INPUT, i, 0);
  for (let j = 0; j < data; j++) t.push(OP.DATA, j, 0);
  const el: Int32Array[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const out = new Int32Array(v.size);
    const arg = (k: number): Int32Array => el[v.args[k]!]!;
    switch (v.kind) {
      case "input": for (let e = 0; e < v.size; e++) out[e] = v.offset + e; break;
      case "data": for (let e = 0; e < v.size; e++) out[e] = inputs + v.offset + e; break;
      case "constant": for (let e = 0; e < v.size; e++) out[e] = t.constant(v.values![e]!); break;
      case "view": el[i] = arg(0).subarray(v.offset, v.offset + v.size); continue;
      case "elementwise": case "select": {
        const [R, C] = dims(v.shape);
        const idx = v.args.map((a) => {
          const [r, c] = dims(values[a]!.shape);
          return (row: number, col: number): number => (r === 1 ? 0 : row * c) + (c === 1 ? 0 : col);
        });
        const unary = v.kind === "elementwise" && opRule(v.op).kind === "unary";
        for (let r = 0, o = 0; r < R; r++) {
          for (let c = 0; c < C; c++, o++) {
            const x = arg(0)[idx[0]!(r, c)]!;
            if (v.kind === "select") {
              const branches = t.push(OP.BRANCHES, arg(1)[idx[1]!(r, c)]!, arg(2)[idx[2]!(r, c)]!);
              out[o] = t.push(OP.SELECT, x, branches);
            } else out[o] = t.push(v.op, x, unary ? 0 : arg(1)[idx[1]!(r, c)]!);
          }
        }
        break;
      }
      case "fold": {
        const [O, M, I] = v.fold!;
        const x = arg(0);
        for (let o = 0; o < O; o++) {
          for (let k = 0; k < I; k++) {
            let acc = x[o * M * I + k]!;
            for (let m = 1; m < M; m++) acc = t.push(v.op, acc, x[(o * M + m) * I + k]!);
            out[o * I + k] = acc;
          }
        }
        break;
      }
      case "matmul": {
        const [A, B] = [arg(0), arg(1)];
        const [r, k] = values[v.args[0]!]!.shape as [number, number];
        const c = v.shape[1]!;
        for (let a = 0; a < r; a++) {
          for (let b = 0; b < c; b++) {
            let acc = t.push(OP.MUL, A[a * k]!, B[b]!);
            for (let m = 1; m < k; m++) acc = t.push(OP.ADD, acc, t.push(OP.MUL, A[a * k + m]!, B[m * c + b]!));
            out[a * c + b] = acc;
          }
        }
        break;
      }
      case "transpose": {
        const [c, r] = v.shape as [number, number];
        for (let a = 0; a < r; a++) for (let b = 0; b < c; b++) out[b * r + a] = arg(0)[a * c + b]!;
        break;
      }
      case "concat": {
        let e0 = 0;
        for (let p = 0; p < v.args.length; p++) {
          out.set(arg(p), e0);
          e0 += arg(p).length;
        }
        break;
      }
    }
    el[i] = out;
  }
  const outputs: number[] = [];
  for (const o of program.outputs) for (const node of el[o]!) outputs.push(node);
  return t.finish(inputs, data, outputs, names);
}
