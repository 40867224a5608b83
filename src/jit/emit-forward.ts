/**
 * The forward sweep of one chunk as a wasm function: every needed node's value, in tape order,
 * kept in a local for near readers and stored to the value region at its constant address where
 * the plan says something reads it from there (plan.ts `stored`: the reverse sweep, far readers,
 * the caller for outputs).
 * The same expressions, in the same order, as assembly/generated/forward.ts.
 */
import { OP } from "../ops.js";
import { JIT_RULES } from "../generated/jit-rules.js";
import { emitExpr, type MathImports } from "./emit-expr.js";
import { LocalPool, ValueReader } from "./locals.js";
import { CHUNK, forwardReads, type JitPlan } from "./plan.js";
import { ByteWriter, F64, Op, type FunctionBody } from "./wasm-writer.js";

// Local copies: an imported binding read in a hot loop is a getter call under tsx and vitest.
const K = { ...OP };
const O = { ...Op };
const RULES = JIT_RULES;

/** Pushes node i's value (select and the rule's value expression); operands read by `values`. */
export function emitValue(w: ByteWriter, plan: JitPlan, i: number, values: ValueReader, math: MathImports): void {
  const tape = plan.tape;
  const op = tape.op[i]!;
  if (op === K.SELECT) {
    const branches = tape.b[i]!;
    values.pushNode(w, tape.a[branches]!);
    values.pushNode(w, tape.b[branches]!);
    values.pushNode(w, tape.a[i]!);
    w.f64Const(0);
    w.op(O.f64Gt);
    w.op(O.select);
    return;
  }
  values.a = tape.a[i]!;
  values.b = tape.b[i]!;
  values.self = i;
  emitExpr(w, RULES[op]!.value, values, math);
}

/** True for the nodes a forward sweep computes: needed, and neither a leaf, a constant nor BRANCHES. */
export function computes(plan: JitPlan, i: number): boolean {
  const op = plan.tape.op[i]!;
  return plan.needed[i] === 1 && op !== K.CONST && op !== K.BRANCHES;
}

/** Frees the locals of node i's operands that node i reads last. */
export function releaseReads(plan: JitPlan, i: number, reads: Int32Array, values: ValueReader, pool: LocalPool, also?: Int32Array): void {
  const k = forwardReads(plan.tape, i, reads);
  for (let r = 0; r < k; r++) {
    const j = reads[r]!;
    const local = values.local[j]!;
    if (local >= 0 && plan.lastRead[j] === i) {
      values.local[j] = -1;
      pool.give(local);
      if (also !== undefined && also[j]! >= 0) {
        pool.give(also[j]!);
        also[j] = -1;
      }
    }
  }
}

export function forwardChunk(plan: JitPlan, chunk: number, val: number, math: MathImports): FunctionBody {
  const w = new ByteWriter(64 * CHUNK);
  const pool = new LocalPool();
  const values = new ValueReader(plan.tape, val);
  const reads = new Int32Array(3);
  const first = plan.start + chunk * CHUNK;
  const end = Math.min(plan.n, first + CHUNK);
  for (let i = first; i < end; i++) {
    if (!computes(plan, i)) continue;
    const store = plan.stored[i] === 1;
    if (store) w.storeBegin();
    emitValue(w, plan, i, values, math);
    if (plan.valueLocal[i] === 1) {
      const local = pool.take();
      if (store) w.localTee(local);
      else w.localSet(local);
      values.local[i] = local;
    } else if (!store) w.op(O.drop); // read by nothing (the plan keeps such nodes only as outputs: not here)
    if (store) w.f64StoreEnd(val + 8 * i);
    releaseReads(plan, i, reads, values, pool);
  }
  return { type: 0, locals: pool.count > 0 ? [[pool.count, F64]] : [], code: w };
}
