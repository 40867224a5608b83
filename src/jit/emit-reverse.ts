/**
 * The reverse sweep of one chunk as a wasm function: adjoints from the chunk's last node back to its
 * first, each contribution adj[target] += partial · g in the interpreter's order (operand a, then b;
 * nodes from the end), so the sums round as assembly/generated/reverse.ts's do. Products are plain;
 * the zero rule is kept by the entries' NaN check of the gradient (zero-rule.ts).
 *
 * Where the interpreter differs in form, not in result: it skips a node whose adjoint g is 0. Here
 * such a node adds partial · 0 = ±0 (or NaN, flagged), and adding a zero to an adjoint changes no
 * bit, because an adjoint summed from +0 is never −0. An adjoint starts at its first contribution as
 * 0 + c, the interpreter's cleared slot plus c; outputs' adjoints are seeded in memory by the entries.
 */
import { OP } from "../ops.js";
import { JIT_RULES } from "../generated/jit-rules.js";
import type { JitExpr } from "./expr.js";
import { emitExpr, type MathImports } from "./emit-expr.js";
import { LocalPool, ValueReader } from "./locals.js";
import { CHUNK, type JitPlan } from "./plan.js";
import { ByteWriter, F64, Op, VOID, type FunctionBody } from "./wasm-writer.js";
import { unitPartial } from "./zero-rule.js";

// Local copies: an imported binding read in a hot loop is a getter call under tsx and vitest.
const K = { ...OP };
const O = { ...Op };
const RULES = JIT_RULES;

/** State shared by the reverse chunks of one tape, emitted last chunk first. */
export class ReverseState {
  /** 1 once a node's adjoint has had its first contribution (emission order is the sweep's order). */
  readonly started: Uint8Array;
  constructor(readonly plan: JitPlan) {
    this.started = new Uint8Array(plan.n);
    for (let j = 0; j < plan.n; j++) if (plan.output[j] === 1) this.started[j] = 1; // seeded by the entry
  }
}

// Locals, from a pool: Z (never written, so +0), G (the node's adjoint), then the adjoints kept in locals.
const Z = 0;
const G = 1;

/** What a contribution adds: +0 (to start an adjoint before a select), g, −g, or partial · g. */
const NOTHING = 0;
const PLUS_G = 1;
const MINUS_G = -1;
const PRODUCT = 2;

class ReverseChunk {
  readonly w: ByteWriter;
  readonly pool = new LocalPool();
  readonly adjLocal: Int32Array;
  readonly values: ValueReader;
  /** The node being emitted (inputs' adjoints are stored after their last contribution). */
  node = 0;

  constructor(readonly state: ReverseState, readonly der: number, readonly math: MathImports, val: number, size: number) {
    this.w = new ByteWriter(size);
    this.pool.take(); // Z
    this.pool.take(); // G
    this.adjLocal = new Int32Array(state.plan.n).fill(-1);
    this.values = new ValueReader(state.plan.tape, val); // values from memory only
  }

  /** adj[j] = (started ? adj[j] : 0) + contribution. */
  contribute(j: number, kind: number, partial: JitExpr | null): void {
    const { w, state, der } = this;
    const local = this.adjLocal[j]!;
    if (state.started[j] === 0) {
      state.started[j] = 1;
      // 0 + c, except for c = g: an adjoint is never −0, so 0 + g = g — and leaving that add out
      // takes it off the critical path of a sum chain's adjoints (Rosenbrock: 1,000 serial adds).
      const add = kind !== PLUS_G;
      if (state.plan.adjointLocal[j] === 1) {
        const l = this.pool.take();
        this.adjLocal[j] = l;
        if (add) w.localGet(Z);
        this.push(kind, partial);
        if (add) w.op(O.f64Add);
        w.localSet(l);
      } else {
        w.storeBegin();
        if (add) w.localGet(Z);
        this.push(kind, partial);
        if (add) w.op(O.f64Add);
        w.f64StoreEnd(der + 8 * j);
      }
    } else if (local >= 0) {
      w.localGet(local);
      this.push(kind, partial);
      w.op(O.f64Add);
      w.localSet(local);
    } else {
      w.storeBegin();
      w.f64LoadAt(der + 8 * j);
      this.push(kind, partial);
      w.op(O.f64Add);
      w.f64StoreEnd(der + 8 * j);
    }
  }

  private push(kind: number, partial: JitExpr | null): void {
    const w = this.w;
    if (kind === NOTHING) return w.localGet(Z);
    if (kind === PLUS_G) return w.localGet(G);
    if (kind === MINUS_G) {
      w.localGet(G);
      return w.op(O.f64Neg);
    }
    emitExpr(w, partial!, this.values, this.math);
    w.localGet(G);
    w.op(O.f64Mul);
  }

  /** An input's adjoint is complete after its last contribution: store it to the gradient. */
  finishInput(j: number): void {
    const local = this.adjLocal[j]!;
    if (j >= this.state.plan.tape.inputs || local < 0 || this.state.plan.lastContribution[j] !== this.node) return;
    this.w.storeBegin();
    this.w.localGet(local);
    this.w.f64StoreEnd(this.der + 8 * j);
    this.pool.give(local);
    this.adjLocal[j] = -1;
  }

  sweepNode(i: number): void {
    const { state, w, values } = this;
    const plan = state.plan;
    const tape = plan.tape;
    this.node = i;
    const op = tape.op[i]!;
    let ia: number;
    let ib: number;
    let ka = -9;
    let kb = -9;
    let da: JitExpr | null = null;
    let db: JitExpr | null = null;
    if (op === K.SELECT) {
      const branches = tape.b[i]!;
      ia = tape.a[branches]!;
      ib = tape.b[branches]!;
    } else {
      const rule = RULES[op]!;
      ia = tape.a[i]!;
      ib = tape.b[i]!;
      da = rule.da !== null && plan.flows[ia] === 1 ? rule.da : null;
      db = rule.arity === 2 && rule.db !== null && plan.flows[ib] === 1 ? rule.db : null;
      if (da !== null) ka = unitPartial(da) || PRODUCT;
      if (db !== null) kb = unitPartial(db) || PRODUCT;
    }
    // The adjoint is complete here.
    if (this.adjLocal[i]! >= 0) w.localGet(this.adjLocal[i]!);
    else w.f64LoadAt(this.der + 8 * i);
    w.localSet(G);
    if (op === K.SELECT) {
      // Only the chosen branch receives g, so both start (at +0) before the test.
      if (plan.flows[ia] === 1 && state.started[ia] === 0) this.contribute(ia, NOTHING, null);
      if (plan.flows[ib] === 1 && state.started[ib] === 0) this.contribute(ib, NOTHING, null);
      values.pushNode(w, tape.a[i]!);
      w.localGet(Z);
      w.op(O.f64Gt);
      w.op(O.if);
      w.byte(VOID);
      if (plan.flows[ia] === 1) this.contribute(ia, PLUS_G, null);
      w.op(O.else);
      if (plan.flows[ib] === 1) this.contribute(ib, PLUS_G, null);
      w.op(O.end);
    } else {
      values.a = ia;
      values.b = ib;
      values.self = i;
      if (da !== null) this.contribute(ia, ka, da);
      if (db !== null) this.contribute(ib, kb, db);
    }
    this.finishInput(ia);
    if (ib !== ia) this.finishInput(ib);
    if (this.adjLocal[i]! >= 0) {
      this.pool.give(this.adjLocal[i]!);
      this.adjLocal[i] = -1;
    }
  }
}

/** The chunk's function, () → (). */
export function reverseChunk(state: ReverseState, chunk: number, val: number, der: number, math: MathImports): FunctionBody {
  const plan = state.plan;
  const first = plan.start + chunk * CHUNK;
  const end = Math.min(plan.n, first + CHUNK);
  const emitter = new ReverseChunk(state, der, math, val, 40 * (end - first) + 64);
  for (let i = end - 1; i >= first; i--) {
    // A node no contribution reached has adjoint 0 in the interpreter, which skips it: so do we.
    if (plan.flows[i] === 1 && state.started[i] === 1) emitter.sweepNode(i);
  }
  return { type: 0, locals: [[emitter.pool.count, F64]], code: emitter.w };
}
