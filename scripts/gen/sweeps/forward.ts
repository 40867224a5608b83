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
  ], "    ", "return i;");
  return `${header("Forward sweep: every node's value from its operands' values, in tape order.", "scripts/gen/sweeps/forward.ts")}
import * as K from "./opcodes";
import { f64At, i32At, setF64 } from "../rules";
import * as R from "../rules";
import * as G from "./cold";
import * as T from "../trig";

// The cold ops leave the loop (forwardHot returns their index) and are evaluated here: with the
// call to coldValue inside the loop, the Rosenbrock forward sweep (no cold op at all) executed 23%
// more instructions than without it (callgrind, 290k against 236k per call); out of the loop, 11%.
export function forward(n: i32, start: i32, ops: usize, a: usize, b: usize, val: usize): void {
  let i = start;
  while (true) {
    i = forwardHot(n, i, ops, a, b, val);
    if (i >= n) return;
    const op = <i32>load<u8>(ops + <usize>i);
    setF64(val, i, G.coldValue(op, f64At(val, i32At(a, i)), f64At(val, i32At(b, i))));
    i++;
  }
}

/** The sweep from start until the first cold op (its index) or the end (n). */
function forwardHot(n: i32, start: i32, ops: usize, a: usize, b: usize, val: usize): i32 {
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
  return n;
}
`;
}
