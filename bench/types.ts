/**
 * The shapes the benchmark suite is built from. A workload names a task (seed, rosenbrock, …),
 * its reference answer (the hand-written closed-form gradient) and, per contender, a factory that
 * prepares everything untimed (tracing, compiling, building constant tensors) and returns the
 * one evaluation that gets timed.
 */

/** The contenders every workload may have, in the order of the tables' rows and columns. */
export const CONTENDERS = ["wasm", "jit", "ts", "hand", "c", "micrograd", "tfjs", "tfjs-wasm", "jax-wasm"] as const;
/**
 * A standard contender, or one a workload adds with its own label (a Jacobian workload's
 * "wasm, forward mode", "wasm, reverse mode", "wasm, auto", say).
 */
export type ContenderId = (typeof CONTENDERS)[number] | (string & {});

export const CONTENDER_LABELS: Record<(typeof CONTENDERS)[number], string> = {
  wasm: "tapegrad, wasm engine (interpreter)",
  jit: "tapegrad, wasm engine, JIT (tape compiled to wasm)",
  ts: "tapegrad, TS engine",
  hand: "hand-written gradient (plain JS)",
  c: "hand-written gradient (C, gcc -O3)",
  micrograd: "micrograd-style Value graph",
  tfjs: "TensorFlow.js 4 (cpu backend, float32)",
  "tfjs-wasm": "TensorFlow.js 4 (wasm backend, float32)",
  "jax-wasm": "jax-js 0.1 (wasm backend, float64, jit)",
};

/**
 * Relative tolerance of the correctness check: float64 contenders, and TF.js's float32. jax-js
 * computes in float64, but its wasm backend's exp, tanh, sin and log are approximations good to
 * about 1e-7–1e-6 relative (tanh: 2.3e-6 at worst on [−3, 3], measured against Math.tanh), so
 * its answers on the MLPs differ from the hand-written ones by ~1e-8 where arithmetic alone
 * (Rosenbrock) agrees to 1e-16.
 */
export const TOLERANCE: Record<(typeof CONTENDERS)[number], number> = {
  wasm: 1e-9,
  jit: 1e-9,
  ts: 1e-9,
  hand: 0,
  c: 1e-9,
  micrograd: 1e-9,
  tfjs: 2e-3,
  "tfjs-wasm": 2e-3,
  "jax-wasm": 1e-6,
};

/** What a workload computes once, to check a contender: a value and a derivative, flattened. */
export interface Answer {
  value: number;
  grad: ArrayLike<number>;
}

export interface Prepared {
  /**
   * One timed evaluation. Results go into buffers the contender owns (or are dropped). An async
   * run (tapegrad's meanGrad with worker threads) is awaited inside the timing.
   */
  run(): void | Promise<void>;
  /** The answer, computed the same way run() computes it: checked before anything is timed. */
  answer(): Answer | Promise<Answer>;
  /**
   * A contender timed outside Node (compiled C) times its own round the way child.ts times one
   * (batches of calls lasting ≥ 50 µs, ns per call per sample) and returns the samples; run() is
   * then never called.
   */
  timeRound?(timeMs: number, warmup: boolean): Promise<number[]>;
  /** Frees what setup took (tapegrad's compiled functions, TF.js tensors). */
  dispose?(): void;
}

export interface Workload {
  id: string;
  title: string;
  /** One line for the report: what one evaluation is. */
  what: string;
  /** Nodes on tapegrad's tape for this workload: the unit of "ns per tape node". */
  tapeNodes(): number;
  /**
   * Points the tape is replayed over in one evaluation (a batched workload's dataset size): the
   * ns/node column then divides by tapeNodes × lanes, ns per node-lane. Default 1.
   */
  lanes?: number;
  /** The closed-form answer (the hand-written gradient), the truth every contender is checked against. */
  reference(): Answer;
  /** The contenders that take part, each with its untimed setup. */
  contenders: Partial<Record<ContenderId, () => Prepared | Promise<Prepared>>>;
  /** A note for the report (how the workload is set up, what is not comparable). */
  note?: string;
  /**
   * Labels (and tolerances, default 1e-9) of contenders beyond the standard ones (a label given
   * here for a standard one replaces its usual label: "hand-written Jacobian"). A contender
   * that times something other than the workload's task, for scale (one gradient beside a full
   * Jacobian, say), brings its own reference to be checked against.
   */
  extraContenders?: Record<string, { label: string; tolerance?: number; reference?: () => Answer }>;
  /** The contender the × column divides by; default "wasm". */
  baseline?: ContenderId;
}

/** The contenders of a workload: the standard ones first, in their order, then its own. */
export function contenderIds(workload: Workload): ContenderId[] {
  const ids = Object.keys(workload.contenders);
  const standard: string[] = [...CONTENDERS];
  return [...CONTENDERS.filter((id) => ids.includes(id)), ...ids.filter((id) => !standard.includes(id))];
}

export function contenderLabel(workload: Workload, id: ContenderId): string {
  return workload.extraContenders?.[id]?.label ?? (CONTENDER_LABELS as Record<string, string>)[id] ?? id;
}

export function contenderTolerance(workload: Workload, id: ContenderId): number {
  return (TOLERANCE as Record<string, number>)[id] ?? workload.extraContenders?.[id]?.tolerance ?? 1e-9;
}

/** What a contender is checked against: its own reference if it has one, else the workload's. */
export function contenderReference(workload: Workload, id: ContenderId): Answer {
  return workload.extraContenders?.[id]?.reference?.() ?? workload.reference();
}
