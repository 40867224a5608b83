/**
 * The check compile() runs on every finished tape: a comparison (lt le gt ge eq) that no output
 * depends on.
 *
 * A JS `if`, `?:`, `&&` or `||` on a variable cannot be refused while recording: a Var is an
 * object, always truthy, and truthiness fires no conversion hook. So
 * `(x) => (x.gt(0) ? x : x.neg())` records `x.gt(0)`, takes the first branch every time, and
 * bakes it in. What it leaves behind is a comparison whose result nothing uses — and a comparison
 * recorded for nothing is almost always exactly this mistake, so compile() refuses it.
 *
 * One scan for comparison codes (most tapes have none, and stop there), then one backward pass of
 * reachability from the outputs: O(n) time, n bytes, no allocation per node.
 */
import { OP, OPS } from "./ops.js";
import { dataName, inputName, type Tape } from "./tape.js";

const SYMBOLS: Readonly<Record<number, string>> = {
  [OP.LT]: "<",
  [OP.LE]: "<=",
  [OP.GT]: ">",
  [OP.GE]: ">=",
  [OP.EQ]: "==",
};

/**
 * How many of (a, b) are node indices, by op code: none for leaves (their `a` indexes the inputs,
 * data or constants pool), a for unary ops, both for binary ops, comparisons and control nodes.
 */
const OPERANDS = Uint8Array.from(OPS, (rule) => (rule.kind === "leaf" ? 0 : rule.kind === "unary" ? 1 : 2));

/** The index of the first comparison node, or −1: the whole cost of the check on most tapes. */
function firstComparison(op: Uint8Array): number {
  const n = op.length;
  const lt = OP.LT;
  const eq = OP.EQ;
  for (let i = 0; i < n; i++) {
    const code = op[i]!;
    if (code >= lt && code <= eq) return i;
  }
  return -1;
}

/** Throws if some comparison on the tape is not used by any output; `what` names the caller. */
export function checkUnusedComparisons(tape: Tape, what: string): void {
  const first = firstComparison(tape.op);
  if (first < 0) return;
  const { op, a, b, outputs } = tape;
  const n = op.length;

  // Nodes below the first comparison cannot depend on it: the backward pass stops there.
  // Locals, not property loads of OP: this loop runs over every node of the tape.
  const used = new Uint8Array(n);
  const operands = OPERANDS;
  const lt = OP.LT;
  const eq = OP.EQ;
  for (let j = 0; j < outputs.length; j++) used[outputs[j]!] = 1;
  for (let i = n - 1; i > first; i--) {
    if (used[i] === 0) continue;
    const uses = operands[op[i]!]!;
    if (uses > 0) used[a[i]!] = 1;
    if (uses > 1) used[b[i]!] = 1;
  }

  let unused = -1;
  let count = 0;
  for (let i = first; i < n; i++) {
    const code = op[i]!;
    if (used[i] === 0 && code >= lt && code <= eq) {
      if (unused < 0) unused = i;
      count++;
    }
  }
  if (unused < 0) return;

  const name = OPS[op[unused]!]!.name;
  const left = operand(tape, a[unused]!);
  const right = operand(tape, b[unused]!);
  const named = op[a[unused]!] === OP.INPUT || op[a[unused]!] === OP.DATA;
  const fix = named ? `select(${left}.${name}(${right}), a, b)` : `select(${name}(${left}, ${right}), a, b)`;
  const more = count > 1 ? ` (and ${count - 1} more unused comparison${count > 2 ? "s" : ""})` : "";
  throw new Error(
    `tapegrad: ${what}: a comparison ${left} ${SYMBOLS[op[unused]!]} ${right} (${name}) was recorded but no output ` +
      `uses it${more}: a JS if / ?: / && on a variable is decided once while recording; use ${fix}`,
  );
}

/** An operand for the message: an input's or data input's name, a constant's number, else "node i". */
function operand(tape: Tape, node: number): string {
  const code = tape.op[node];
  const index = tape.a[node]!;
  if (code === OP.INPUT) return inputName(tape, index);
  if (code === OP.DATA) return dataName(tape, index);
  if (code === OP.CONST) {
    const c = tape.constants[index]!;
    return Object.is(c, -0) ? "-0" : String(c);
  }
  return `node ${node}`;
}
