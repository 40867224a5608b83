/**
 * A tape compiled to one WebAssembly module: the chunk functions of each sweep (emit-forward.ts,
 * emit-reverse.ts, emit-tangent.ts) and four exported entries that replace the interpreter's
 * kernels for one compiled function — eval, grad, vjp, jvp — working on the engine's own block of
 * memory (the interpreter's layout, at the addresses the engine allocated), so the engine's loading
 * of inputs and reading of results stay as they are. The module imports the kernels' memory and the
 * math functions its rules call (assembly/generated/jit_math.ts): wasm-to-wasm calls, same bits.
 */
import type { Kernels } from "../wasm/module.js";
import type { Tape } from "../tape.js";
import { MathImports } from "./emit-expr.js";
import { forwardChunk } from "./emit-forward.js";
import { ReverseState, reverseChunk } from "./emit-reverse.js";
import { tangentChunk } from "./emit-tangent.js";
import { planTape, type JitPlan } from "./plan.js";
import { ByteWriter, F64, I32, memoryImport, Op, writeModule, type FunctionBody } from "./wasm-writer.js";
import { ENTRY_LOCALS, flagNaNAt, flagNaNRange } from "./zero-rule.js";
import { OP } from "../ops.js";

// Local copies: an imported binding read in a hot loop is a getter call under tsx and vitest.
const K = { ...OP };
const O = { ...Op };

/** Where the engine keeps the function's working memory (byte addresses). */
export interface JitAddresses {
  /** Node values, f64 × n. */
  readonly val: number;
  /** Adjoints (reverse mode) or tangents (forward mode), f64 × n. */
  readonly der: number;
  /** Output cotangents for vjp, f64 × m. */
  readonly u: number;
}

/**
 * The compiled entries. Inputs and data are in the value region before a call, as for the kernels;
 * values are left in the value region. grad, vjp and jvp return the NaN flag (zero-rule.ts): when it
 * is nonzero, the call must be done again by the interpreter's kernel.
 */
export interface JitCode {
  /** Values of every needed node. */
  eval(): void;
  /** Gradient of output 0 in the adjoint region's first `inputs` slots. */
  grad(): number;
  /** Reverse sweep seeded with the cotangents in the u region; gradient as for grad. */
  vjp(): number;
  /** Values and tangents; input tangents read from the tangent region's first slots, outputs' tangents left there. */
  jvp(): number;
}

// Type indices: chunks and eval () → (); grad, vjp, jvp () → i32 (the NaN flag, zero-rule.ts); the
// math imports by arity.
const TYPES = [
  [[], []], [[], [I32]], [[F64], [F64]], [[F64, F64], [F64]],
] as const;
const VOID_TYPE = 0;
const FLAG_TYPE = 1;
// The entries' locals (ENTRY_LOCALS): the flag first; SCRATCH an f64.
const FLAG = 0;
const SCRATCH = 3;

/** Which entries a module holds: eval, grad and vjp (what most callers use), or jvp (on its first call). */
export type JitPart = "reverse" | "tangent";

/** A module's bytes for a tape and the addresses of its function's memory. */
export function jitBytes(
  tape: Tape, at: JitAddresses, memory: WebAssembly.Memory, part: JitPart = "reverse", planned?: JitPlan,
): { bytes: Uint8Array; math: MathImports; plan: JitPlan } {
  const plan = planned ?? planTape(tape);
  const math = MathImports.forOps(plan.codes);
  const imports = math.names.map((name, k) => ({ name, type: math.arity[k] === 1 ? 2 : 3 }));
  const base = imports.length;
  const functions: FunctionBody[] = [];
  const chunks = plan.chunks;
  const outputs = [...new Set(tape.outputs)];
  const entries: { name: string; body: ByteWriter; type: number }[] = [];
  const calls = (w: ByteWriter, list: readonly number[]): void => {
    for (const f of list) w.call(f);
  };

  if (part === "reverse") {
    const forward: number[] = [];
    const reverse: number[] = [];
    for (let c = 0; c < chunks; c++) {
      forward.push(base + functions.length);
      functions.push(forwardChunk(plan, c, at.val, math));
    }
    const state = new ReverseState(plan);
    for (let c = chunks - 1; c >= 0; c--) {
      reverse.push(base + functions.length);
      functions.push(reverseChunk(state, c, at.val, at.der, math));
    }
    const out0 = tape.outputs[0]!;
    // Inputs no contribution reaches: their gradient entry is written 0 each call.
    const zeroInputs: number[] = [];
    for (let j = 0; j < tape.inputs; j++) if (state.started[j] === 0) zeroInputs.push(j);
    const seedAndSweep = (w: ByteWriter, seed: (w: ByteWriter) => void): void => {
      calls(w, forward);
      for (const j of zeroInputs) store(w, at.der + 8 * j, () => w.f64Const(0));
      seed(w);
      calls(w, reverse);
      flagNaNRange(w, at.der, tape.inputs, FLAG);
      w.localGet(FLAG);
    };

    const evalBody = new ByteWriter();
    calls(evalBody, forward);

    const gradBody = new ByteWriter();
    seedAndSweep(gradBody, (w) => {
      for (const o of outputs) if (plan.flows[o] === 1) store(w, at.der + 8 * o, () => w.f64Const(o === out0 ? 1 : 0));
    });

    const vjpBody = new ByteWriter();
    seedAndSweep(vjpBody, (w) => {
      for (const o of outputs) if (plan.flows[o] === 1) store(w, at.der + 8 * o, () => w.f64Const(0));
      tape.outputs.forEach((o, j) => {
        if (plan.flows[o] !== 1) return;
        store(w, at.der + 8 * o, () => {
          w.f64LoadAt(at.der + 8 * o);
          w.f64LoadAt(at.u + 8 * j);
          w.op(O.f64Add);
        });
      });
    });
    entries.push(
      { name: "eval", body: evalBody, type: VOID_TYPE },
      { name: "grad", body: gradBody, type: FLAG_TYPE },
      { name: "vjp", body: vjpBody, type: FLAG_TYPE },
    );
  } else {
    const tangent: number[] = [];
    for (let c = 0; c < chunks; c++) {
      tangent.push(base + functions.length);
      functions.push(tangentChunk(plan, c, at.val, at.der, math));
    }
    const jvpBody = new ByteWriter();
    // Outputs that are data or constants have tangent 0 (the interpreter clears every non-input slot).
    for (const o of outputs) {
      if (o >= tape.inputs && (o < plan.start || tape.op[o] === K.CONST)) store(jvpBody, at.der + 8 * o, () => jvpBody.f64Const(0));
    }
    calls(jvpBody, tangent);
    for (const o of outputs) flagNaNAt(jvpBody, at.der + 8 * o, SCRATCH, FLAG);
    jvpBody.localGet(FLAG);
    entries.push({ name: "jvp", body: jvpBody, type: FLAG_TYPE });
  }

  const exports = entries.map((e) => {
    const index = base + functions.length;
    functions.push({ type: e.type, locals: ENTRY_LOCALS, code: e.body });
    return { name: e.name, index };
  });
  const bytes = writeModule({
    types: TYPES.map(([p, r]) => [p, r]),
    imports,
    memory: memoryImport(memory),
    functions,
    exports,
  });
  return { bytes, math, plan };
}

function store(w: ByteWriter, address: number, push: () => void): void {
  w.storeBegin();
  push();
  w.f64StoreEnd(address);
}

function instantiate(bytes: Uint8Array, math: MathImports, kernels: Kernels): Record<string, unknown> {
  const fns: Record<string, unknown> = { memory: kernels.memory };
  const exported = kernels as unknown as Record<string, unknown>;
  for (const name of math.names) fns[name] = exported[name];
  const module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  return new WebAssembly.Instance(module, { m: fns as WebAssembly.ModuleImports }).exports;
}

/**
 * Compiles and instantiates the tape's eval/grad/vjp module (synchronously: V8 compiles each
 * function at its first call, with its baseline compiler, and optimises hot ones in the background);
 * the jvp module on the first jvp — most functions never take one, and it is 40% of the codegen.
 */
export function jitCompile(tape: Tape, at: JitAddresses, kernels: Kernels): JitCode {
  const { bytes, math, plan } = jitBytes(tape, at, kernels.memory, "reverse");
  const e = instantiate(bytes, math, kernels) as unknown as Pick<JitCode, "eval" | "grad" | "vjp">;
  let jvp: (() => number) | null = null;
  const code: JitCode = {
    eval: e.eval,
    grad: e.grad,
    vjp: e.vjp,
    jvp: () => {
      if (jvp === null) {
        try {
          const t = jitBytes(tape, at, kernels.memory, "tangent", plan);
          jvp = (instantiate(t.bytes, t.math, kernels) as unknown as Pick<JitCode, "jvp">).jvp;
        } catch {
          // A second, optional module (jit: true compiled eval/grad/vjp in compile()): where it
          // cannot be made, the flag sends every jvp to the interpreter, which computes the same.
          jvp = () => 1;
        }
      }
      return jvp();
    },
  };
  return code;
}
