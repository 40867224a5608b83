/**
 * What the JIT decides about a tape before it writes any code: which nodes each sweep needs, where
 * every value, tangent and adjoint lives, and how the tape is cut into functions.
 *
 * Storage. A value whose forward readers are all within WINDOW nodes after it, in the same chunk,
 * is kept in a local for them; so is an adjoint whose contributions all come within WINDOW nodes (of
 * the node, or for an input, of each other). A value is stored to the engine's value region (val +
 * 8·i, the interpreter's layout) where something reads it from there (`stored`: the reverse sweep,
 * far readers, the caller for outputs); other adjoints live in linear memory at constant addresses. Why: one local per node
 * made V8's baseline compiler superlinear (150–240 ms for 9k nodes, measured in the prototype), a
 * bounded window keeps the live locals below ~2·WINDOW whatever the tape, and the values that
 * escape the window are reloaded from L1-resident memory at one load each.
 *
 * Chunks. The sweep over nodes [start, n) is cut into chunks of CHUNK nodes, one wasm function per
 * chunk and sweep: V8 refuses functions over 7,654,321 bytes and 50,000 locals, and TurboFan's
 * compile time grows faster than linearly in a function's size. Nothing is kept in a local across a
 * chunk's border (the decisions above require the same chunk), so chunks share only memory.
 */
import { OP } from "../ops.js";
import type { Tape } from "../tape.js";
import { JIT_RULES } from "../generated/jit-rules.js";
import type { JitExpr } from "./expr.js";

// Local copies: an imported binding read in a hot loop is a getter call under tsx and vitest.
const K = { ...OP };
const RULES = JIT_RULES;

/** How far (in nodes) a value or adjoint may live in a local. */
export const WINDOW = 32;
/**
 * The window of the tangent sweep, which keeps a value and a tangent per node: measured on the
 * Rosenbrock n = 1e3 jvp, 7.3 µs with 4, 13.4 µs with 16 to 256 (V8 spills the wider live set).
 */
export const TANGENT_WINDOW = 4;
/** Nodes per function. */
export const CHUNK = 4096;

export interface JitPlan {
  readonly tape: Tape;
  readonly n: number;
  readonly start: number;
  /** Number of chunks: chunk c holds nodes [start + c·CHUNK, min(n, start + (c + 1)·CHUNK)). */
  readonly chunks: number;
  /** 1 where the forward sweep computes the node (it reaches an output). */
  readonly needed: Uint8Array;
  /**
   * 1 where the node receives adjoint: an input, or a computed node that depends on an input through
   * differentiable ops (comparisons have derivative 0) and lies on a differentiable path to an output.
   */
  readonly flows: Uint8Array;
  /** 1 for output nodes (their adjoints and tangents live in memory: the caller seeds and reads them). */
  readonly output: Uint8Array;
  /** 1 where the node's value (and tangent) are kept in a local for their forward readers. */
  readonly valueLocal: Uint8Array;
  /** The same for the tangent sweep (value and tangent), with TANGENT_WINDOW. */
  readonly tangentLocal: Uint8Array;
  /** 1 where the node's adjoint is kept in a local. */
  readonly adjointLocal: Uint8Array;
  /**
   * 1 where the forward sweep must store the value to memory: the reverse sweep reads it (an
   * operand a non-unit partial reads, a node whose partial reads its own value, a select's
   * condition), a forward reader lies outside the window, or it is an output.
   */
  readonly stored: Uint8Array;
  /** The part of `stored` the reverse sweep wants (the batch sweeps, which keep values apart, read it). */
  readonly reverseRead: Uint8Array;
  /** For a node in valueLocal: its last forward reader. */
  readonly lastRead: Int32Array;
  /** For an input in adjointLocal: the last node (lowest index) that contributes to its adjoint. */
  readonly lastContribution: Int32Array;
  /** The op codes on the tape (for the math imports). */
  readonly codes: ReadonlySet<number>;
}

// Per op code, from the rules: how many operands the forward sweep reads (3 for select: condition
// and both branches via BRANCHES), and whether adjoint goes to operand a, to b. Tables, not rule
// lookups: the plan reads them once per node of every compiled tape.
const READS = new Uint8Array(256);
const TO_A = new Uint8Array(256);
const TO_B = new Uint8Array(256);
for (let code = 0; code < RULES.length; code++) {
  const rule = RULES[code];
  if (rule === null || rule === undefined) continue;
  READS[code] = rule.arity === 1 ? 1 : 2;
  if (rule.arity >= 1 && rule.da !== null) TO_A[code] = 1;
  if (rule.arity === 2 && rule.db !== null) TO_B[code] = 1;
}
READS[K.SELECT] = 3;

/**
 * Which values an expression reads: 1 operand a, 2 operand b, 4 the node's own value. A partial of
 * ±1 reads none as the sweeps use it (they pass the derivative on), unless `literally`.
 */
export function readMask(e: JitExpr | null, literally = false): number {
  if (e === null || (!literally && e.kind === "num" && (e.value === 1 || e.value === -1))) return 0;
  const walk = (x: JitExpr): number => {
    switch (x.kind) {
      case "operand": return x.name === "a" ? 1 : x.name === "b" ? 2 : 4;
      case "unary": return walk(x.arg);
      case "binary": return walk(x.left) | walk(x.right);
      case "cond": return walk(x.test) | walk(x.then) | walk(x.else);
      case "call": return x.args.reduce((m, arg) => m | walk(arg), 0);
      default: return 0;
    }
  };
  return walk(e);
}
const DA_READS = new Uint8Array(256);
const DB_READS = new Uint8Array(256);
for (let code = 0; code < RULES.length; code++) {
  const rule = RULES[code];
  if (rule === null || rule === undefined) continue;
  DA_READS[code] = readMask(rule.da);
  DB_READS[code] = readMask(rule.db);
}
TO_A[K.SELECT] = 1; // the branches, for select (see adjointTargets)
TO_B[K.SELECT] = 1;

/** The nodes a node reads in the forward sweep, into out (up to 3); returns how many. */
export function forwardReads(tape: Tape, i: number, out: Int32Array): number {
  const op = tape.op[i]!;
  const k = READS[op]!;
  if (k === 3) {
    const branches = tape.b[i]!;
    out[0] = tape.a[i]!;
    out[1] = tape.a[branches]!;
    out[2] = tape.b[branches]!;
    return 3;
  }
  if (k >= 1) out[0] = tape.a[i]!;
  if (k === 2) out[1] = tape.b[i]!;
  return k;
}

/** The nodes node i passes adjoint to (select: both branches, chosen per call), into out; how many. */
export function adjointTargets(tape: Tape, i: number, out: Int32Array): number {
  const op = tape.op[i]!;
  if (op === K.SELECT) {
    const branches = tape.b[i]!;
    out[0] = tape.a[branches]!;
    out[1] = tape.b[branches]!;
    return 2;
  }
  let k = 0;
  if (TO_A[op] === 1) out[k++] = tape.a[i]!;
  if (TO_B[op] === 1) out[k++] = tape.b[i]!;
  return k;
}

export function planTape(tape: Tape): JitPlan {
  const { op, a, b, inputs } = tape;
  const n = op.length;
  const start = inputs + tape.data;
  const CONST = K.CONST;
  const SELECT = K.SELECT;
  const needed = new Uint8Array(n);
  const flows = new Uint8Array(n);
  const output = new Uint8Array(n);
  // Active: depends on an input through differentiable ops (comparisons are not). Adjoints of other
  // nodes reach no input, so the reverse sweep leaves them out.
  const active = new Uint8Array(n);
  active.fill(1, 0, inputs);
  for (let i = start; i < n; i++) {
    const code = op[i]!;
    if (code === SELECT) {
      const branches = b[i]!;
      active[i] = active[a[branches]!]! | active[b[branches]!]!;
    } else if (TO_A[code] === 1 || TO_B[code] === 1) {
      active[i] = active[a[i]!]! | (READS[code] === 2 ? active[b[i]!]! : 0);
    }
  }
  // An adjoint is wanted for active inputs and active computed nodes (not data, constants).
  const wanted = (j: number): boolean => active[j] === 1 && (j < inputs || (j >= start && op[j] !== CONST));
  for (const o of tape.outputs) {
    needed[o] = 1;
    output[o] = 1;
    if (wanted(o)) flows[o] = 1;
  }
  const reads = new Int32Array(3);
  const seen = new Uint8Array(256);
  const lastRead = new Int32Array(n).fill(-1);
  const firstContribution = new Int32Array(n).fill(-1);
  const lastContribution = new Int32Array(n).fill(-1);
  for (let i = n - 1; i >= start; i--) {
    if (needed[i] === 0) continue;
    seen[op[i]!] = 1;
    const k = forwardReads(tape, i, reads);
    for (let r = 0; r < k; r++) {
      const j = reads[r]!;
      needed[j] = 1;
      if (lastRead[j]! < 0) lastRead[j] = i;
    }
    if (flows[i] === 0) continue;
    const t = adjointTargets(tape, i, reads);
    for (let r = 0; r < t; r++) {
      const j = reads[r]!;
      if (!wanted(j)) continue;
      flows[j] = 1;
      if (firstContribution[j]! < 0) firstContribution[j] = i;
      lastContribution[j] = i;
    }
  }
  const codes = new Set<number>();
  for (let code = 0; code < 256; code++) if (seen[code] === 1) codes.add(code);
  const plan: JitPlan = {
    tape, n, start, chunks: Math.max(1, Math.ceil((n - start) / CHUNK)), needed, flows, output,
    valueLocal: new Uint8Array(n), tangentLocal: new Uint8Array(n), adjointLocal: new Uint8Array(n), lastRead, lastContribution, codes,
    stored: new Uint8Array(n),
    reverseRead: new Uint8Array(n),
  };
  for (let j = start; j < n; j++) {
    if (needed[j] === 0 || op[j] === CONST || op[j] === K.BRANCHES) continue;
    const last = lastRead[j]!;
    if (output[j] === 1) plan.stored[j] = 1;
    if (last < 0 || ((last - start) / CHUNK | 0) !== ((j - start) / CHUNK | 0)) {
      if (last >= 0) plan.stored[j] = 1;
      continue;
    }
    if (last - j <= WINDOW) plan.valueLocal[j] = 1;
    else plan.stored[j] = 1;
    if (last - j <= TANGENT_WINDOW) plan.tangentLocal[j] = 1;
  }
  // What the reverse sweep reads: partials that read operand a, b or the node's value v.
  for (let i = start; i < n; i++) {
    if (flows[i] === 0) continue;
    const code = op[i]!;
    if (code === SELECT) {
      plan.reverseRead[a[i]!] = 1;
      continue;
    }
    const mask = (TO_A[code] === 1 && flows[a[i]!] === 1 ? DA_READS[code]! : 0) | (TO_B[code] === 1 && flows[b[i]!] === 1 ? DB_READS[code]! : 0);
    if ((mask & 1) !== 0) plan.reverseRead[a[i]!] = 1;
    if ((mask & 2) !== 0) plan.reverseRead[b[i]!] = 1;
    if ((mask & 4) !== 0) plan.reverseRead[i] = 1;
  }
  for (let j = 0; j < n; j++) plan.stored[j] |= plan.reverseRead[j]!;
  for (let j = 0; j < n; j++) {
    if (flows[j] === 0 || output[j] === 1) continue;
    const first = firstContribution[j]!;
    if (first < 0) continue;
    const until = j < start ? lastContribution[j]! : j;
    const sameChunk = (((first - start) / CHUNK) | 0) === (((Math.max(until, start) - start) / CHUNK) | 0);
    if (first - until <= WINDOW && sameChunk && (j >= start || until >= start)) plan.adjointLocal[j] = 1;
  }
  return plan;
}
