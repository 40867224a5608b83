/**
 * A tape's batch sweeps compiled to one module (emit-batch.ts) and installed in the kernels'
 * function table, where the batch entry points (assembly/batch.ts) call them in place of the
 * interpreted sweeps. One module per function and stride; its table slots are given back on dispose.
 */
import type { Tape } from "../tape.js";
import type { Kernels } from "../wasm/module.js";
import type { Heap } from "../wasm/heap.js";
import { MathImports } from "./emit-expr.js";
import { batchForwardFunction, batchGradFunction, zmulFunction, type BatchLayout } from "./emit-batch.js";
import { simdable, SIMD_FUNCTIONS } from "./emit-simd.js";
import { planTape } from "./plan.js";
import { JIT_RULES } from "../generated/jit-rules.js";
import type { JitExpr } from "./expr.js";
import { F64, I32, memoryImport, V128, writeModule, type FunctionBody } from "./wasm-writer.js";

/** Where the batch state keeps its lanes (byte addresses) and at which stride. */
export interface BatchAddresses {
  readonly val: number;
  readonly adj: number;
  readonly stride: number;
}

/** The compiled code's own scratch area: a pair's values and adjoints, 16 bytes per node each. */
export interface Scratch {
  readonly valScratch: number;
  readonly adjScratch: number;
}

/** Table indices of the compiled sweeps, for the kernels' fwd and rev arguments. */
export interface BatchSweeps {
  /** The forward sweep (batchEval). */
  readonly forward: number;
  /** Forward and reverse in one (the gradient entries). */
  readonly reverse: number;
  /** The stride the code was compiled for: calls at another stride use the interpreter. */
  readonly stride: number;
  dispose(): void;
}

/**
 * Tapes up to this size get compiled batch sweeps. Each sweep is one function (a loop over lane
 * pairs around the whole tape, ≈ 60–110 bytes per node, up to ≈ 240 for ops without a two-lane
 * form), and V8 refuses functions over 7,654,321 bytes: build() checks the real size, this bound
 * only spares larger tapes the code generation. Their batches replay with the kernels.
 */
export const BATCH_MAX_NODES = 50_000;

// Types: the sweeps (i32) → (); the math imports by arity; the two-lane functions (v128) → v128.
const TYPES = [[[I32], []], [[F64], [F64]], [[F64, F64], [F64]], [[V128], [V128]]] as const;
/** V8 refuses a function body over 7,654,321 bytes; a margin below it. */
const MAX_FUNCTION_BYTES = 7_500_000;

/** Table slots given back by disposed functions, reused before the table grows. */
const freeSlots = new WeakMap<WebAssembly.Table, number[]>();

function usesTwoLane(e: JitExpr | null, names: Set<string>): void {
  if (e === null) return;
  switch (e.kind) {
    case "call": {
      const f = SIMD_FUNCTIONS[e.fn];
      if (f !== undefined) names.add(f);
      for (const arg of e.args) usesTwoLane(arg, names);
      return;
    }
    case "unary": usesTwoLane(e.arg, names); return;
    case "binary": usesTwoLane(e.left, names); usesTwoLane(e.right, names); return;
    case "cond": usesTwoLane(e.test, names); usesTwoLane(e.then, names); usesTwoLane(e.else, names); return;
    default:
  }
}

/** The module's bytes (bench/jit-sizes.ts reports their size per node). */
export function batchBytes(tape: Tape, at: BatchAddresses & Scratch, memory: WebAssembly.Memory): Uint8Array {
  return build(tape, at, memory).bytes;
}

/** The compiled module and the kernels' exports it imports (by name, module "m", beside "memory"): for a worker's memory. */
export function batchModule(tape: Tape, at: BatchAddresses & Scratch, memory: WebAssembly.Memory): { module: WebAssembly.Module; imports: string[] } {
  const { bytes, names } = build(tape, at, memory);
  return { module: new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), imports: names };
}

function build(tape: Tape, at: BatchAddresses & Scratch, memory: WebAssembly.Memory): { bytes: Uint8Array; names: string[] } {
  const plan = planTape(tape);
  const math = MathImports.forOps(plan.codes);
  const twoLane = new Set<string>();
  for (const code of plan.codes) {
    const rule = JIT_RULES[code];
    if (rule === null || rule === undefined || !rule.hot) continue; // cold ops go per lane (emit-batch.ts)
    for (const e of [rule.value, rule.da, rule.db]) if (e !== null && simdable(e)) usesTwoLane(e, twoLane);
  }
  const names = [...math.names, ...twoLane];
  const imports = [
    ...math.names.map((name, k) => ({ name, type: math.arity[k] === 1 ? 1 : 2 })),
    ...[...twoLane].map((name) => ({ name, type: 3 })),
  ];
  const index = new Map(names.map((name, k) => [name, k]));
  const base = imports.length;
  const layout: BatchLayout = {
    val: at.val, adj: at.adj, valScratch: at.valScratch, adjScratch: at.adjScratch, row: 8 * at.stride, math,
    functions: { indexOf: (name) => index.get(name)! },
    zmul: base,
  };
  const functions: FunctionBody[] = [zmulFunction(2), batchForwardFunction(plan, layout), batchGradFunction(plan, layout)];
  // One function per sweep (a loop around the whole tape): past V8's limit the batches stay with
  // the kernels. Ops without a two-lane form write ≈ 240 bytes per node, so no node count is a bound.
  for (const f of functions) {
    if (f.code.length > MAX_FUNCTION_BYTES) throw new Error(`the batch sweep is ${f.code.length} bytes, over V8's ${MAX_FUNCTION_BYTES}`);
  }
  const bytes = writeModule({
    types: TYPES.map(([p, r]) => [p, r]),
    imports,
    memory: memoryImport(memory),
    functions,
    exports: [{ name: "forward", index: base + 1 }, { name: "reverse", index: base + 2 }],
  });
  return { bytes, names };
}

/**
 * Compiles the batch sweeps and puts them into the kernels' table; null where they cannot be (a
 * sweep over V8's function size, an engine that refuses the module): the batches then stay with
 * the kernels, which compute the same numbers. Never an error for the caller, jit: true included —
 * compile() already compiled the single-point entries, and this is a second, optional module.
 */
export function compileBatch(tape: Tape, at: BatchAddresses, kernels: Kernels, heap: Heap): BatchSweeps | null {
  const n = tape.op.length;
  let scratch = -1;
  const table = kernels.table;
  let free = freeSlots.get(table);
  if (free === undefined) freeSlots.set(table, (free = []));
  const slots: number[] = [];
  let forward: number;
  let reverse: number;
  try {
    scratch = heap.alloc(32 * n);
    const { bytes, names } = build(tape, { ...at, valScratch: scratch, adjScratch: scratch + 16 * n }, kernels.memory);
    const exported = kernels as unknown as Record<string, unknown>;
    const fns: Record<string, unknown> = { memory: kernels.memory };
    for (const name of names) fns[name] = exported[name];
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), { m: fns as WebAssembly.ModuleImports });
    const slot = (): number => {
      const s = free!.pop() ?? table.grow(1);
      slots.push(s);
      return s;
    };
    forward = slot();
    reverse = slot();
    table.set(forward, instance.exports.forward as never);
    table.set(reverse, instance.exports.reverse as never);
  } catch {
    for (const s of slots) {
      table.set(s, null);
      free.push(s);
    }
    if (scratch >= 0) heap.release(scratch);
    return null;
  }
  let live = true;
  return {
    forward, reverse, stride: at.stride,
    dispose() {
      if (!live) return;
      live = false;
      table.set(forward, null);
      table.set(reverse, null);
      free!.push(forward, reverse);
      heap.release(scratch);
    },
  };
}
