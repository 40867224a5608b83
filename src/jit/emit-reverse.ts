/**
 * The reverse sweep of one chunk as a wasm function: adjoints from the chunk's last node back to its
 * first, each contribution adj[target] += zmul(partial, g) in the interpreter's order (operand a,
 * then b; nodes from the end), so sums round as assembly/generated/reverse.ts's do.
 *
 * Where the interpreter differs in form, not in result: it skips a node whose adjoint g is 0 and
 * takes the zero rule only when g is ±∞ or NaN. Here every contribution goes through the zero rule:
 * zmul(p, 0) is ±0 or 0, and adding a zero to an adjoint changes no bit, because an adjoint summed
 * from +0 is never −0. Partials identically ±1 (add, sub, neg, select) pass g on without a product.
 *
 * An adjoint starts at its first contribution as 0 + c (the interpreter's cleared slot plus c:
 * −0 becomes +0 exactly as there); outputs' adjoints are seeded in memory by the entry functions.
 */
import { OP } from "../ops.js";
import { JIT_RULES } from "../generated/jit-rules.js";
import type { JitExpr } from "./expr.js";
import { emitExpr, type MathImports } from "./emit-expr.js";
import { LocalPool, ValueReader } from "./locals.js";
import { CHUNK, type JitPlan } from "./plan.js";
import { ByteWriter, F64, Op, VOID, type FunctionBody } from "./wasm-writer.js";

/** State shared by the reverse chunks of one tape, emitted last chunk first. */
export class ReverseState {
  /** 1 once a node's adjoint has had its first contribution (emission order is the sweep's order). */
  readonly started: Uint8Array;
  constructor(readonly plan: JitPlan) {
    this.started = new Uint8Array(plan.n);
    for (let j = 0; j < plan.n; j++) if (plan.output[j] === 1) this.started[j] = 1; // seeded by the entry
  }
}

/** A literal partial of ±1, or 0 for any other expression. */
function unit(e: JitExpr): number {
  return e.kind === "num" && (e.value === 1 || e.value === -1) ? e.value : 0;
}

export function reverseChunk(state: ReverseState, chunk: number, val: number, der: number, math: MathImports): FunctionBody {
  const plan = state.plan;
  const tape = plan.tape;
  const w = new ByteWriter(96 * CHUNK);
  const pool = new LocalPool();
  const G = pool.take(); // the node's adjoint
  const P = pool.take(); // a partial
  const R = pool.take(); // partial · g
  const adjLocal = new Int32Array(plan.n).fill(-1);
  const values = new ValueReader(tape, val); // reads values from memory only: no locals here
  const first = plan.start + chunk * CHUNK;
  const end = Math.min(plan.n, first + CHUNK);

  /** adj[j] = (started ? adj[j] : 0) + contribution; `push` emits the contribution. */
  const contribute = (j: number, push: () => void): void => {
    const local = adjLocal[j]!;
    if (state.started[j] === 0) {
      state.started[j] = 1;
      if (plan.adjointLocal[j] === 1) {
        const l = pool.take();
        adjLocal[j] = l;
        w.f64Const(0);
        push();
        w.op(Op.f64Add);
        w.localSet(l);
      } else {
        w.storeBegin();
        w.f64Const(0);
        push();
        w.op(Op.f64Add);
        w.f64StoreEnd(der + 8 * j);
      }
    } else if (local >= 0) {
      w.localGet(local);
      push();
      w.op(Op.f64Add);
      w.localSet(local);
    } else {
      w.storeBegin();
      w.f64LoadAt(der + 8 * j);
      push();
      w.op(Op.f64Add);
      w.f64StoreEnd(der + 8 * j);
    }
  };

  /** Pushes zmul(partial, g): the product, or exactly 0 where it is NaN and a factor is 0. */
  const pushTerm = (partial: JitExpr): void => {
    const u = unit(partial);
    if (u === 1) return w.localGet(G);
    if (u === -1) {
      w.localGet(G);
      return w.op(Op.f64Neg);
    }
    emitExpr(w, partial, values, math);
    w.localTee(P);
    w.localGet(G);
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
    w.localGet(G);
    w.f64Const(0);
    w.op(Op.f64Eq);
    w.op(Op.i32Or);
    w.op(Op.select);
    w.op(Op.end);
  };

  /** An input's adjoint is complete after its last contribution: store it to the gradient. */
  const finishInput = (j: number): void => {
    const local = adjLocal[j]!;
    if (j >= tape.inputs || local < 0 || plan.lastContribution[j] !== currentNode) return;
    w.storeBegin();
    w.localGet(local);
    w.f64StoreEnd(der + 8 * j);
    pool.give(local);
    adjLocal[j] = -1;
  };
  let currentNode = 0;

  for (let i = end - 1; i >= first; i--) {
    if (plan.flows[i] === 0 || state.started[i] === 0) continue;
    currentNode = i;
    const op = tape.op[i]!;
    if (adjLocal[i] >= 0) w.localGet(adjLocal[i]!);
    else w.f64LoadAt(der + 8 * i);
    w.localSet(G);
    if (op === OP.SELECT) {
      const branches = tape.b[i]!;
      const t = tape.a[branches]!;
      const f = tape.b[branches]!;
      // Only the chosen branch receives g, so both start before the test.
      for (const j of t === f ? [t] : [t, f]) if (state.started[j] === 0 && plan.flows[j] === 1) contribute(j, () => w.f64Const(0));
      values.pushNode(w, tape.a[i]!);
      w.f64Const(0);
      w.op(Op.f64Gt);
      w.op(Op.if);
      w.byte(VOID);
      if (plan.flows[t] === 1) contribute(t, () => w.localGet(G));
      w.op(Op.else);
      if (plan.flows[f] === 1) contribute(f, () => w.localGet(G));
      w.op(Op.end);
      finishInput(t);
      if (f !== t) finishInput(f);
    } else {
      const rule = JIT_RULES[op]!;
      values.a = tape.a[i]!;
      values.b = tape.b[i]!;
      values.self = i;
      const ia = tape.a[i]!;
      const ib = tape.b[i]!;
      if (rule.da !== null && plan.flows[ia] === 1) contribute(ia, () => pushTerm(rule.da!));
      if (rule.arity === 2 && rule.db !== null && plan.flows[ib] === 1) contribute(ib, () => pushTerm(rule.db!));
      finishInput(ia);
      if (rule.arity === 2 && ib !== ia) finishInput(ib);
    }
    if (adjLocal[i] >= 0) {
      pool.give(adjLocal[i]!);
      adjLocal[i] = -1;
    }
  }
  return { type: 0, locals: [[pool.count, F64]], code: w };
}
