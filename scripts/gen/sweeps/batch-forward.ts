/**
 * Template of the batched forward sweep (assembly/generated/batch_forward.ts): every node holds
 * `lanes` values (one per data point), node-major and contiguous — node i's lanes start at
 * val + i·stride·8 — so an op whose value rule has a two-lane form (arithmetic, comparisons,
 * ?:, sqrt, abs, min, max, exp and tanh via simd_math.ts; expr.ts `simdable`) runs as f64x2 SIMD,
 * two points per instruction; the others loop the lanes with the scalar rule. `lanes` is even (the
 * caller pads an odd block with a copy of its last point). Dispatch is the frequency-ordered
 * if-chain of forward.ts, paid once per node for all lanes.
 *
 * Parameters (nodes below `inputs`) hold the same value in every lane: an arithmetic binary op
 * (expr.ts `arithmetic`: add, sub, mul, div) with one reads it once and splats it instead of
 * loading its lanes (the weights of a dense layer, mostly).
 */
import { OP } from "../../../src/ops.js";
import { arithmetic, reads, scalar, simd, simdable, SimdConstants } from "../expr.js";
import { chain, type OpModel } from "../model.js";
import { header } from "./common.js";

const loop16 = (body: string): string => `for (let o: usize = 0; o < end; o += 16) ${body}`;

function batchForwardCase(m: OpModel, k: SimdConstants): string {
  const value = m.source.value; // the rule as written: its two-lane form, if it has one
  if (!simdable(value)) {
    const vars = { a: "load<f64>(pa + o)", b: "load<f64>(pb + o)", v: "NaN" };
    return `{\n      for (let o: usize = 0; o < end; o += 8) store<f64>(pv + o, ${scalar(m.value, vars)});\n    }`;
  }
  const store = (x: string, y: string): string => `v128.store(pv + o, ${simd(value, { a: x, b: y, v: "NaN" }, k)});`;
  if (m.arity === 1 || !(reads(value, "a") && reads(value, "b")) || !arithmetic(value)) {
    return `{\n      ${loop16(`{ const x = v128.load(pa + o); ${reads(value, "b") ? "const y = v128.load(pb + o); " : ""}${store("x", "y")} }`)}\n    }`;
  }
  return `{
      if (ia < inputs) {
        const x = v128.load64_splat(pa);
        ${loop16(`{ const y = v128.load(pb + o); ${store("x", "y")} }`)}
      } else if (ib < inputs) {
        const y = v128.load64_splat(pb);
        ${loop16(`{ const x = v128.load(pa + o); ${store("x", "y")} }`)}
      } else {
        ${loop16(`{ const x = v128.load(pa + o); const y = v128.load(pb + o); ${store("x", "y")} }`)}
      }
    }`;
}

export function batchForwardSweep(models: readonly OpModel[]): string {
  const k = new SimdConstants();
  const cases = chain(models, (m) => batchForwardCase(m, k), [
    { code: OP.SELECT, body: `{
      const pt = val + <usize>i32At(a, ib) * row;
      const pf = val + <usize>i32At(b, ib) * row;
      for (let o: usize = 0; o < end; o += 16) {
        v128.store(pv + o, v128.bitselect(v128.load(pt + o), v128.load(pf + o), f64x2.gt(v128.load(pa + o), ${k.name("0.0")})));
      }
    }` },
  ], "    ", `{
      for (let o: usize = 0; o < end; o += 8) store<f64>(pv + o, G.coldValue(op, load<f64>(pa + o), load<f64>(pb + o)));
    }`);
  return `${header("Batched forward sweep: values of many points per node, two per SIMD instruction.", "scripts/gen/sweeps/batch-forward.ts")}
import * as K from "./opcodes";
import { i32At } from "../rules";
import * as R from "../rules";
import * as G from "./cold";
import { exp2, tanh2 } from "../simd_math";
import * as T from "../trig";

export function batchForward(n: i32, start: i32, inputs: i32, ops: usize, a: usize, b: usize, val: usize, stride: i32, lanes: i32): void {
  const row = <usize>stride << 3;
  const end = <usize>lanes << 3;
${k.declarations()}
  for (let i = start; i < n; i++) {
    const op = <i32>load<u8>(ops + <usize>i);
    const ib = i32At(b, i);
    const ia = i32At(a, i);
    const pv = val + <usize>i * row;
    const pa = val + <usize>ia * row;
    const pb = val + <usize>ib * row;
    ${cases}
    // else: CONST (lanes pre-filled) and BRANCHES (no value)
  }
}
`;
}
