/**
 * How the pictures name nodes: inputs by name, constants by value, op nodes as v<i> (i = the
 * tape index), and each op node as an expression of its operands' names: v4 = v2 * v3.
 */
import { OP } from "../ops.js";
import type { Tape } from "../tape.js";
import { EXPRESSIONS } from "./formulas.js";
import { nodeName } from "./graph.js";

/** Inputs and constants by their name or value, op nodes as v<i>. */
export function nameOf(tape: Tape, node: number): string {
  const code = tape.op[node]!;
  return code === OP.INPUT || code === OP.DATA || code === OP.CONST ? nodeName(tape, node) : `v${node}`;
}

/** The node as an expression of its operands. */
export function expression(tape: Tape, node: number): string {
  const code = tape.op[node]!;
  const a = nameOf(tape, tape.a[node]!);
  if (code === OP.SELECT) {
    const branches = tape.b[node]!;
    return `select(${a}, ${nameOf(tape, tape.a[branches]!)}, ${nameOf(tape, tape.b[branches]!)})`;
  }
  const b = nameOf(tape, tape.b[node]!);
  return EXPRESSIONS[code]?.(a, b) ?? `${nodeName(tape, node)}(${a}, ${b})`;
}
