// Forward sweep: the value of every node, in tape order.
// Leaves before `start` (inputs, data) and constant nodes were written by the caller.
import { f64At, i32At, setF64 } from "./rules";
import { nodeValue } from "./values";

export function forward(n: i32, start: i32, ops: usize, a: usize, b: usize, val: usize): void {
  for (let i = start; i < n; i++) {
    const ia = i32At(a, i);
    const ib = i32At(b, i);
    const op = <i32>load<u8>(ops + <usize>i);
    setF64(val, i, nodeValue(op, f64At(val, ia), f64At(val, ib), i, ib, val, a, b));
  }
}
