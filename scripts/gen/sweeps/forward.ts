/**
 * Template of the forward sweep (assembly/generated/forward.ts): the value of every node, in tape
 * order. Leaves before `start` (inputs, data) and constant nodes were written by the caller.
 */
import { scalar } from "../expr.js";
import { OP } from "../../../src/ops.js";
import { chain, type OpModel } from "../model.js";
import { header, XYV } from "./common.js";

export function forwardSweep(models: readonly OpModel[]): string {
  const cases = chain(models, (m) => `v = ${scalar(m.value, XYV)};`, [
    { code: OP.SELECT, body: "v = f64At(val, x > 0 ? i32At(a, ib) : i32At(b, ib));" },
  ], "    ", "{ stopAt = i; return; }");
  return `${header("Forward sweep: every node's value from its operands' values, in tape order.", "scripts/gen/sweeps/forward.ts")}
import * as K from "./opcodes";
import { f64At, i32At, setF64 } from "../rules";
import * as R from "../rules";
import * as G from "./cold";
import * as T from "../trig";

// The cold ops leave the loop (forwardHot stops at them, its index in stopAt) and are evaluated
// here. Measured with callgrind on Rosenbrock n = 1,000, which has no cold op: the call to coldValue
// inside the loop made the sweep execute 23% more instructions (290k against 236k per call);
// returning the index from the loop, 12%; stopping through a module global, 2% (241k).
let stopAt: i32 = 0;

export function forward(n: i32, start: i32, ops: usize, a: usize, b: usize, val: usize): void {
  let i = start;
  while (true) {
    forwardHot(n, i, ops, a, b, val);
    i = stopAt;
    if (i >= n) return;
    const op = <i32>load<u8>(ops + <usize>i);
    setF64(val, i, G.coldValue(op, f64At(val, i32At(a, i)), f64At(val, i32At(b, i))));
    i++;
  }
}

/** The sweep from start until the first cold op (stopAt = its index) or the end (stopAt = n). */
function forwardHot(n: i32, start: i32, ops: usize, a: usize, b: usize, val: usize): void {
  stopAt = n;
  for (let i = start; i < n; i++) {
    const ia = i32At(a, i);
    const ib = i32At(b, i);
    const x = f64At(val, ia);
    const y = f64At(val, ib);
    let v: f64;
    const op = <i32>load<u8>(ops + <usize>i);
    ${cases}
    else continue; // CONST (pre-filled) and BRANCHES (no value)
    setF64(val, i, v);
  }
}
`;
}
