/**
 * The batch sweeps of a tape as wasm functions of (lanes) → () that replace the kernels'
 * batchForward and batchReverse inside the batch entry points (assembly/batch.ts calls them through
 * the function table): `eval` (forward) and `grad` (forward and reverse in one). They keep the
 * kernels' protocol: node i's lanes in rows at val + i·row and adj + i·row (row = 8·stride, the
 * stride fixed when compiled), data and parameters loaded into their rows by the entry, the
 * output's adjoint row seeded by it, adjoint rows zero between blocks except the leaves', which the
 * entry reads and clears; outputs' values are left in their rows.
 *
 * Where the kernels go node by node, each over every lane, these go lane pair by lane pair (f64x2),
 * each pair through the whole tape: its values and adjoints live in locals and in a scratch area of
 * 16 bytes per node at constant addresses, reused by every pair and so always in L1. (Over the
 * kernels' rows a pair touches a cache line per node — measured 1.6× slower than the kernels on the
 * MLP.) Per lane the operations and their order are the kernels' — the same two-lane rules
 * (emit-simd.ts), the zero rule as their `zterm` mask, per-lane scalar rules where an op has no
 * two-lane form — so each point's values and gradient are theirs, bit for bit, and so are
 * meanGrad's sums, which the entry forms from the per-lane adjoints in both tiers. The zero rule:
 * products are plain, and a NaN in a parameter's adjoint sends the block back to the kernels.
 */
import { OP } from "../ops.js";
import { JIT_RULES } from "../generated/jit-rules.js";
import type { JitExpr, JitOperand } from "./expr.js";
import type { MathImports } from "./emit-expr.js";
import { emitPerLane, emitSimd, LaneOperands, simdable, type SimdFunctionIndex, type SimdOperands } from "./emit-simd.js";
import { LocalPool } from "./locals.js";
import { adjointTargets, forwardReads, readMask, type JitPlan } from "./plan.js";
import { computes } from "./emit-forward.js";
import { ByteWriter, F64, I32, Op, Simd, V128, VOID, type FunctionBody } from "./wasm-writer.js";
import { unitPartial } from "./zero-rule.js";

// Local copies: an imported binding read in a hot loop is a getter call under tsx and vitest.
const K = { ...OP };
const O = { ...Op };
const S = { ...Simd };
const RULES = JIT_RULES;

/** How far (in nodes) a pair's value or adjoint may live in a v128 local (16 xmm registers). */
export const BATCH_WINDOW = 8;

// Locals: LANES (the parameter: lanes, even), OFF (i32, the pair's byte offset in a row), END (i32),
// then the v128 pool: ZERO (never written), then scratch and the values or adjoints in locals.
const LANES = 0;
const OFF = 1;
const END = 2;
const ZERO = 3;

/** Memory and module facts both sweeps need. */
export interface BatchLayout {
  readonly val: number;
  readonly adj: number;
  /** The pair's values, 16 bytes per node (node i at valScratch + 16·i). */
  readonly valScratch: number;
  /** The pair's adjoints kept in memory, 16 bytes per node. */
  readonly adjScratch: number;
  /** Bytes per node row: 8 · stride. */
  readonly row: number;
  readonly math: MathImports;
  readonly functions: SimdFunctionIndex;
  /** Function index of the module's scalar zmul (f64, f64) → f64. */
  readonly zmul: number;
}

/** Emits the reads of node values for one pair: locals, or loads at OFF from the rows. */
class PairValues implements SimdOperands {
  readonly local: Int32Array;
  private readonly constants = new Map<number | string, number>();
  /** Operand locals of the node being emitted. */
  a = -1;
  b = -1;
  v = -1;

  constructor(private readonly plan: JitPlan, private readonly layout: BatchLayout, private readonly pool: LocalPool, private readonly prologue: ByteWriter) {
    this.local = new Int32Array(plan.n).fill(-1);
  }

  push(w: ByteWriter, name: JitOperand): void {
    w.localGet(name === "a" ? this.a : name === "b" ? this.b : this.v);
  }

  /** A splat constant, hoisted into a local set once before the loop (V8 rebuilds v128 immediates in a loop body). */
  constant(w: ByteWriter, value: number): void {
    const key = Object.is(value, -0) ? "-0" : value; // −0 and +0 apart (a Map's keys are equal for them)
    let local = this.constants.get(key);
    if (local === undefined) {
      local = this.pool.fresh(); // not a recycled one: a value may have used it inside the loop

      this.constants.set(key, local);
      this.prologue.f64Const(value);
      this.prologue.simd(S.f64x2Splat);
      this.prologue.localSet(local);
    }
    w.localGet(local);
  }

  /** Pushes node j's lanes of this pair. */
  pushNode(w: ByteWriter, j: number): void {
    const tape = this.plan.tape;
    if (this.local[j]! >= 0) return w.localGet(this.local[j]!);
    if (tape.op[j] === K.CONST) return this.constant(w, tape.constants[tape.a[j]!]!);
    const address = this.layout.val + j * this.layout.row;
    if (j < tape.inputs) {
      // A parameter: the same value in every lane.
      w.i32Const(0);
      return w.v128Mem(S.load64Splat, address);
    }
    if (j < this.plan.start) {
      w.localGet(OFF); // data: this pair's lanes of its row
      return w.v128Mem(S.load, address);
    }
    w.i32Const(0);
    w.v128Mem(S.load, this.layout.valScratch + 16 * j);
  }
}

/** The pair loop around `body`: OFF from 0 to 8·lanes in steps of 16 (lanes ≥ 2, even). */
function pairLoop(w: ByteWriter, body: ByteWriter): void {
  w.localGet(LANES);
  w.i32Const(8);
  w.op(O.i32Mul);
  w.localSet(END);
  w.op(O.loop);
  w.byte(VOID);
  w.append(body);
  w.loopBack(OFF, 16, END, false);
}

/** Loads the operands node i's rule reads into scratch locals (or names their value locals). */
function loadOperands(w: ByteWriter, values: PairValues, i: number, reads: Int32Array, scratch: readonly number[], count: number): void {
  for (let r = 0; r < count; r++) {
    const j = reads[r]!;
    const local = values.local[j]!;
    if (local >= 0) {
      if (r === 0) values.a = local;
      else values.b = local;
      continue;
    }
    values.pushNode(w, j);
    w.localSet(scratch[r]!);
    if (r === 0) values.a = scratch[0]!;
    else values.b = scratch[1]!;
  }
}

/** Emits one pair's forward sweep into `body`: values to locals, the scratch area (where `store` or a far reader wants them) and, for outputs, their rows. */
function emitPairForward(plan: JitPlan, layout: BatchLayout, body: ByteWriter, pool: LocalPool, values: PairValues, store: Uint8Array | null): void {
  const tape = plan.tape;
  const XA = pool.take();
  const XB = pool.take();
  const lanes = new LaneOperands();
  const reads = new Int32Array(3);
  for (let i = plan.start; i < plan.n; i++) {
    if (!computes(plan, i)) continue;
    const op = tape.op[i]!;
    const near = lastReadWithin(plan, i);
    const toScratch = (store !== null && store[i] === 1) || (!near && plan.lastRead[i]! >= 0);
    if (toScratch) body.i32Const(0); // the scratch store's address
    if (op === K.SELECT) {
      const branches = tape.b[i]!;
      values.pushNode(body, tape.a[branches]!);
      values.pushNode(body, tape.b[branches]!);
      values.pushNode(body, tape.a[i]!);
      values.constant(body, 0);
      body.simd(S.f64x2Gt);
      body.simd(S.bitselect);
    } else {
      const rule = RULES[op]!;
      loadOperands(body, values, i, reads, [XA, XB], forwardReads(tape, i, reads));
      if (rule.hot && simdable(rule.value)) emitSimd(body, rule.value, values, layout.functions);
      else {
        lanes.a = values.a;
        lanes.b = values.b;
        emitPerLane(body, rule.value, lanes, layout.math);
      }
    }
    const local = pool.take();
    if (toScratch) {
      body.localTee(local);
      body.v128Mem(S.store, layout.valScratch + 16 * i);
    } else body.localSet(local);
    if (plan.output[i] === 1) {
      body.localGet(OFF);
      body.localGet(local);
      body.v128Mem(S.store, layout.val + i * layout.row);
    }
    if (near) values.local[i] = local;
    else pool.give(local);
    // Free the locals of operands read for the last time.
    const k = forwardReads(tape, i, reads);
    for (let r = 0; r < k; r++) {
      const j = reads[r]!;
      if (values.local[j]! >= 0 && plan.lastRead[j] === i) {
        pool.give(values.local[j]!);
        values.local[j] = -1;
      }
    }
  }
  // The reverse sweep reads values from the scratch area.
  for (let j = 0; j < plan.n; j++) {
    if (values.local[j]! >= 0) {
      pool.give(values.local[j]!);
      values.local[j] = -1;
    }
  }
}

/** The forward sweep, (lanes) → (): batchEval's. */
export function batchForwardFunction(plan: JitPlan, layout: BatchLayout): FunctionBody {
  const pool = new LocalPool(ZERO);
  pool.take(); // ZERO
  const prologue = new ByteWriter(256);
  const body = new ByteWriter(48 * plan.n + 64);
  emitPairForward(plan, layout, body, pool, new PairValues(plan, layout, pool, prologue), null);
  const w = new ByteWriter(body.length + prologue.length + 32);
  w.append(prologue);
  pairLoop(w, body);
  return { type: 0, locals: [[2, I32], [pool.count, V128]], code: w };
}

function lastReadWithin(plan: JitPlan, i: number): boolean {
  const last = plan.lastRead[i]!;
  return last >= 0 && last - i <= BATCH_WINDOW;
}

/** The forward and reverse sweep, (lanes) → (): the gradient entries' (the output's row seeded). */
export function batchGradFunction(plan: JitPlan, layout: BatchLayout): FunctionBody {
  const tape = plan.tape;
  const pool = new LocalPool(ZERO);
  pool.take(); // ZERO
  const prologue = new ByteWriter(256);
  const body = new ByteWriter(112 * plan.n + 64);
  const w = body;
  const values = new PairValues(plan, layout, pool, prologue);
  // Only what the reverse sweep reads is stored (plan.ts reverseRead), beside far readers: stores
  // bound a pair's sweep (one per cycle), and storing every value was slower than the kernels.
  emitPairForward(plan, layout, body, pool, values, plan.reverseRead);
  const G = pool.take();
  const XA = pool.take();
  const XB = pool.take();
  const XV = pool.take();
  const P = pool.take();
  const lanes = new LaneOperands();
  const adjLocal = new Int32Array(plan.n).fill(-1);
  const started = new Uint8Array(plan.n);
  // The first (highest) node contributing to each adjoint, for the window.
  const first = new Int32Array(plan.n).fill(-1);
  const targets = new Int32Array(3);
  for (let i = plan.n - 1; i >= plan.start; i--) {
    if (plan.flows[i] === 0) continue;
    const k = adjointTargets(tape, i, targets);
    for (let r = 0; r < k; r++) if (first[targets[r]!]! < 0) first[targets[r]!] = i;
  }
  const inLocal = (j: number): boolean => j >= plan.start && plan.output[j] === 0 && first[j]! - j <= BATCH_WINDOW;

  // The outputs' adjoints start as their rows: the seed (0 in a row the entry did not seed); the
  // rows are cleared (the protocol), also those of outputs that pass no adjoint on (a constant, a
  // comparison, a node of data only): the entry seeds output 0's row whatever it is, and a row left
  // seeded is read by the kernels at a narrower stride as other nodes' lanes.
  for (const o of new Set(tape.outputs)) {
    if (o < plan.start) continue;
    if (plan.flows[o] === 1) {
      started[o] = 1;
      w.i32Const(0);
      w.localGet(OFF);
      w.v128Mem(S.load, layout.adj + o * layout.row);
      w.v128Mem(S.store, layout.adjScratch + 16 * o);
    }
    w.localGet(OFF);
    w.localGet(ZERO);
    w.v128Mem(S.store, layout.adj + o * layout.row);
  }

  /** adj[j] += the v128 `push` leaves. */
  const accumulate = (j: number, push: () => void): void => {
    if (j >= tape.inputs && j < plan.start) return; // data: no adjoint wanted
    if (j < tape.inputs) {
      // A parameter: into its row, which the entry reads (zero on entry, so 0 + c first, as the kernels).
      const address = layout.adj + j * layout.row;
      w.localGet(OFF);
      w.localGet(OFF);
      w.v128Mem(S.load, address);
      push();
      w.simd(S.f64x2Add);
      w.v128Mem(S.store, address);
      return;
    }
    if (inLocal(j)) {
      let local = adjLocal[j]!;
      if (started[j] === 0) {
        local = adjLocal[j] = pool.take();
        w.localGet(ZERO);
      } else w.localGet(local);
      push();
      w.simd(S.f64x2Add);
      w.localSet(local);
    } else {
      const address = layout.adjScratch + 16 * j;
      w.i32Const(0);
      if (started[j] === 0) w.localGet(ZERO);
      else {
        w.i32Const(0);
        w.v128Mem(S.load, address);
      }
      push();
      w.simd(S.f64x2Add);
      w.v128Mem(S.store, address);
    }
    started[j] = 1;
  };

  for (let i = plan.n - 1; i >= plan.start; i--) {
    if (plan.flows[i] === 0 || started[i] === 0) continue; // no contribution reached it: adjoint 0
    const op = tape.op[i]!;
    if (adjLocal[i]! >= 0) {
      w.localGet(adjLocal[i]!);
      pool.give(adjLocal[i]!);
      adjLocal[i] = -1;
    } else {
      w.i32Const(0);
      w.v128Mem(S.load, layout.adjScratch + 16 * i);
    }
    w.localSet(G);
    if (op === K.SELECT) {
      const branches = tape.b[i]!;
      const t = tape.a[branches]!;
      const f = tape.b[branches]!;
      values.pushNode(w, tape.a[i]!);
      values.constant(w, 0);
      w.simd(S.f64x2Gt);
      w.localSet(P); // chosen
      if (plan.flows[t] === 1) accumulate(t, () => { w.localGet(G); w.localGet(P); w.simd(S.and); });
      if (plan.flows[f] === 1) accumulate(f, () => { w.localGet(G); w.localGet(P); w.simd(S.andnot); });
      continue;
    }
    const rule = RULES[op]!;
    const ia = tape.a[i]!;
    const ib = tape.b[i]!;
    const da = rule.da !== null && plan.flows[ia] === 1 ? rule.da : null;
    const db = rule.arity === 2 && rule.db !== null && plan.flows[ib] === 1 ? rule.db : null;
    if (da === null && db === null) continue;
    // The kernels take an op's partials two-lane only if all of them have the form, and only for
    // a hot op: a cold one goes per lane with the scalar rules (its two-lane exp would differ).
    const all = [rule.da, rule.arity === 2 ? rule.db : null].filter((p): p is JitExpr => p !== null);
    const simd = rule.hot && all.every(simdable);
    const needs = (o: JitOperand): boolean => [da, db].some((p) => p !== null && readsOperand(p, o));
    values.a = values.b = values.v = -1;
    if (needs("a")) { values.pushNode(w, ia); w.localSet(XA); values.a = XA; }
    if (needs("b")) { values.pushNode(w, ib); w.localSet(XB); values.b = XB; }
    if (needs("v")) { values.pushNode(w, i); w.localSet(XV); values.v = XV; }
    const contribution = (p: JitExpr): void => {
      const unit = unitPartial(p);
      if (unit === 1) return w.localGet(G);
      if (unit === -1) {
        w.localGet(G);
        return w.simd(S.f64x2Neg);
      }
      if (simd) {
        // The plain product: where the kernels' zterm mask would differ (a NaN product), the
        // parameters' adjoints end NaN and the block is redone by the kernels (see the end).
        emitSimd(w, p, values, layout.functions);
        w.localGet(G);
        return w.simd(S.f64x2Mul);
      }
      // Per lane: zmul(partial, g), the kernels' scalar loop.
      lanes.a = values.a;
      lanes.b = values.b;
      lanes.v = values.v;
      emitPerLane(w, p, lanes, layout.math, (wl, lane) => {
        wl.localGet(G);
        wl.simd(S.f64x2ExtractLane);
        wl.byte(lane);
        wl.call(layout.zmul);
      });
    };
    if (da !== null) accumulate(ia, () => contribution(da));
    if (db !== null) accumulate(ib, () => contribution(db));
  }
  const out = new ByteWriter(body.length + prologue.length + 96);
  out.append(prologue);
  pairLoop(out, body);
  // The zero rule (zero-rule.ts, here for lanes): a NaN product of the plain products reaches the
  // parameters' adjoints; the entry checks the gradients it takes from them and, finding a NaN,
  // does the work again with the kernels (assembly/batch.ts). No check in here: or-ing x ≠ x per
  // parameter and pair cost 15% of the MLP's meanGrad, a sum of them as much (registers held).
  return { type: 0, locals: [[2, I32], [pool.count, V128]], code: out };
}

/** True when the expression reads the operand (plan.ts readMask's bits). */
function readsOperand(e: JitExpr, name: JitOperand): boolean {
  return (readMask(e, true) & (name === "a" ? 1 : name === "b" ? 2 : 4)) !== 0;
}

/** The module's zmul(p, t), (f64, f64) → f64 (src/ops.ts zmul): for the per-lane partials. */
export function zmulFunction(type: number): FunctionBody {
  const w = new ByteWriter(48);
  // r = p·t; r = r ? r : (p = 0 ∨ t = 0 ? 0 : r)
  w.localGet(0);
  w.localGet(1);
  w.op(O.f64Mul);
  w.localSet(2);
  w.localGet(2);
  w.f64Const(0);
  w.localGet(2);
  w.localGet(0);
  w.f64Const(0);
  w.op(O.f64Eq);
  w.localGet(1);
  w.f64Const(0);
  w.op(O.f64Eq);
  w.op(O.i32Or);
  w.op(O.select);
  w.localGet(2);
  w.localGet(2);
  w.op(O.f64Eq);
  w.op(O.select);
  return { type, locals: [[1, F64]], code: w };
}
