/**
 * The tangent sweep of one chunk (jvp) as a wasm function: each needed node's value and its
 * directional derivative t = term(∂a, t_a) + term(∂b, t_b), in tape order, as
 * assembly/generated/tangent.ts computes them (partials ±1 as plain sums, select copies the chosen
 * branch's tangent, comparisons 0). Input tangents are read from the adjoint/tangent region, where
 * the caller wrote them; data and constants have tangent +0. Output tangents are stored there too;
 * a tangent whose value is kept in a local (plan.ts) is kept in a local beside it.
 */
import { OP } from "../ops.js";
import { JIT_RULES } from "../generated/jit-rules.js";
import type { JitExpr } from "./expr.js";
import { emitExpr, type MathImports } from "./emit-expr.js";
import { computes, emitValue, releaseReads } from "./emit-forward.js";
import { LocalPool, ValueReader } from "./locals.js";
import { CHUNK, type JitPlan } from "./plan.js";
import { ByteWriter, F64, Op, type FunctionBody } from "./wasm-writer.js";

export function tangentChunk(plan: JitPlan, chunk: number, val: number, der: number, math: MathImports): FunctionBody {
  const tape = plan.tape;
  const w = new ByteWriter(96 * CHUNK);
  const pool = new LocalPool();
  const P = pool.take();
  const R = pool.take();
  const T = pool.take();
  const values = new ValueReader(tape, val);
  const tanLocal = new Int32Array(plan.n).fill(-1);
  const reads = new Int32Array(3);
  const first = plan.start + chunk * CHUNK;
  const end = Math.min(plan.n, first + CHUNK);

  const pushTangent = (j: number): void => {
    if (tanLocal[j]! >= 0) w.localGet(tanLocal[j]!);
    else if (j < tape.inputs || (j >= plan.start && tape.op[j] !== OP.CONST)) w.f64LoadAt(der + 8 * j);
    else w.f64Const(0);
  };

  /** Pushes term(partial, t_j): the zero rule's product, or ±t_j for a partial of ±1. */
  const pushTerm = (partial: JitExpr, j: number): void => {
    if (partial.kind === "num" && partial.value === 1) return pushTangent(j);
    if (partial.kind === "num" && partial.value === -1) {
      pushTangent(j);
      return w.op(Op.f64Neg);
    }
    pushTangent(j);
    w.localSet(T);
    emitExpr(w, partial, values, math);
    w.localTee(P);
    w.localGet(T);
    w.op(Op.f64Mul);
    w.localTee(R);
    w.localGet(R);
    w.op(Op.f64Eq);
    w.op(Op.if);
    w.byte(F64);
    w.localGet(R);
    w.op(Op.else);
    w.f64Const(0);
    w.localGet(R);
    w.localGet(P);
    w.f64Const(0);
    w.op(Op.f64Eq);
    w.localGet(T);
    w.f64Const(0);
    w.op(Op.f64Eq);
    w.op(Op.i32Or);
    w.op(Op.select);
    w.op(Op.end);
  };

  for (let i = first; i < end; i++) {
    if (!computes(plan, i)) continue;
    const op = tape.op[i]!;
    // The value, as the forward sweep does; then the tangent.
    w.storeBegin();
    emitValue(w, plan, i, values, math);
    if (plan.valueLocal[i] === 1) {
      const local = pool.take();
      w.localTee(local);
      values.local[i] = local;
    }
    w.f64StoreEnd(val + 8 * i);

    const keep = plan.valueLocal[i] === 1;
    const store = !keep || plan.output[i] === 1;
    if (store) w.storeBegin();
    if (op === OP.SELECT) {
      const branches = tape.b[i]!;
      pushTangent(tape.a[branches]!);
      pushTangent(tape.b[branches]!);
      values.pushNode(w, tape.a[i]!);
      w.f64Const(0);
      w.op(Op.f64Gt);
      w.op(Op.select);
    } else {
      const rule = JIT_RULES[op]!;
      values.a = tape.a[i]!;
      values.b = tape.b[i]!;
      values.self = i;
      const da = rule.arity >= 1 ? rule.da : null;
      const db = rule.arity === 2 ? rule.db : null;
      if (da === null && db === null) w.f64Const(0);
      else if (db === null) pushTerm(da!, values.a);
      else if (da === null) pushTerm(db, values.b);
      else {
        // tx − ty for a partial of −1 on b, as the interpreter writes sub (the same IEEE result as tx + (−ty)).
        pushTerm(da, values.a);
        if (db.kind === "num" && db.value === -1) {
          pushTangent(values.b);
          w.op(Op.f64Sub);
        } else {
          pushTerm(db, values.b);
          w.op(Op.f64Add);
        }
      }
    }
    if (keep) {
      const local = pool.take();
      tanLocal[i] = local;
      if (store) w.localTee(local);
      else w.localSet(local);
    }
    if (store) w.f64StoreEnd(der + 8 * i);
    releaseReads(plan, i, reads, values, pool, tanLocal);
  }
  return { type: 0, locals: [[pool.count, F64]], code: w };
}
