/**
 * The tangent sweep of one chunk (jvp) as a wasm function: each needed node's value and its
 * directional derivative t = ∂a·t_a + ∂b·t_b, in tape order, as assembly/generated/tangent.ts
 * computes them (partials ±1 as plain sums and differences, select copies the chosen branch's
 * tangent, comparisons 0). Products are plain; the zero rule is kept by the entry's NaN check of
 * the output tangents (zero-rule.ts). Input tangents are read from the adjoint/tangent region, where the
 * caller wrote them; data and constants have tangent +0. Output tangents are stored there too; a
 * tangent whose value is kept in a local (plan.ts tangentLocal) is kept in a local beside it.
 */
import { OP } from "../ops.js";
import { JIT_RULES } from "../generated/jit-rules.js";
import type { JitExpr } from "./expr.js";
import { emitExpr, type MathImports } from "./emit-expr.js";
import { computes, emitValue, releaseReads } from "./emit-forward.js";
import { LocalPool, ValueReader } from "./locals.js";
import { CHUNK, type JitPlan } from "./plan.js";
import { ByteWriter, F64, Op, type FunctionBody } from "./wasm-writer.js";
import { unitPartial } from "./zero-rule.js";

// Local copies: an imported binding read in a hot loop is a getter call under tsx and vitest.
const K = { ...OP };
const O = { ...Op };
const RULES = JIT_RULES;

// Locals, from a pool: T (the node's tangent), then values and tangents.
const T = 0;

/** The chunk's function, () → (). */
export function tangentChunk(plan: JitPlan, chunk: number, val: number, der: number, math: MathImports): FunctionBody {
  const tape = plan.tape;
  const first = plan.start + chunk * CHUNK;
  const end = Math.min(plan.n, first + CHUNK);
  const w = new ByteWriter(40 * (end - first) + 64);
  const pool = new LocalPool();
  pool.take(); // T
  const values = new ValueReader(tape, val);
  const tanLocal = new Int32Array(plan.n).fill(-1);
  const reads = new Int32Array(3);

  const pushTangent = (j: number): void => {
    if (tanLocal[j]! >= 0) w.localGet(tanLocal[j]!);
    else if (j < tape.inputs || (j >= plan.start && tape.op[j] !== K.CONST)) w.f64LoadAt(der + 8 * j);
    else w.f64Const(0);
  };

  /** Pushes ∂·t_j: ±t_j for a partial of ±1, else the plain product. */
  const pushTerm = (partial: JitExpr, j: number): void => {
    const unit = unitPartial(partial);
    pushTangent(j);
    if (unit === -1) w.op(O.f64Neg);
    if (unit !== 0) return;
    emitExpr(w, partial, values, math);
    w.op(O.f64Mul);
  };

  for (let i = first; i < end; i++) {
    if (!computes(plan, i)) continue;
    const op = tape.op[i]!;
    w.storeBegin();
    emitValue(w, plan, i, values, math);
    if (plan.tangentLocal[i] === 1) {
      const local = pool.take();
      w.localTee(local);
      values.local[i] = local;
    }
    w.f64StoreEnd(val + 8 * i);

    if (op === K.SELECT) {
      const branches = tape.b[i]!;
      pushTangent(tape.a[branches]!);
      pushTangent(tape.b[branches]!);
      values.pushNode(w, tape.a[i]!);
      w.f64Const(0);
      w.op(O.f64Gt);
      w.op(O.select);
    } else {
      const rule = RULES[op]!;
      values.a = tape.a[i]!;
      values.b = tape.b[i]!;
      values.self = i;
      const da = rule.arity >= 1 ? rule.da : null;
      const db = rule.arity === 2 ? rule.db : null;
      if (da === null && db === null) w.f64Const(0);
      else if (db === null) pushTerm(da!, values.a);
      else if (da === null) pushTerm(db, values.b);
      else if (unitPartial(db) === -1) {
        // ta − tb, as the interpreter writes sub (the same IEEE result as ta + (−tb)).
        pushTerm(da, values.a);
        pushTangent(values.b);
        w.op(O.f64Sub);
      } else {
        pushTerm(da, values.a);
        pushTerm(db, values.b);
        w.op(O.f64Add);
      }
    }
    w.localSet(T);
    if (plan.tangentLocal[i] === 1) {
      const local = pool.take();
      tanLocal[i] = local;
      w.localGet(T);
      w.localSet(local);
    }
    if (plan.tangentLocal[i] === 0 || plan.output[i] === 1) {
      w.storeBegin();
      w.localGet(T);
      w.f64StoreEnd(der + 8 * i);
    }
    releaseReads(plan, i, reads, values, pool, tanLocal);
  }
  return { type: 0, locals: [[pool.count, F64]], code: w };
}
