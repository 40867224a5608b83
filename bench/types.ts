/**
 * The shapes the benchmark suite is built from. A workload names a task (seed, rosenbrock, …),
 * its reference answer (the hand-written closed-form gradient) and, per contender, a factory that
 * prepares everything untimed (tracing, compiling, building constant tensors) and returns the
 * one evaluation that gets timed.
 */

/** Who is compared. The order is the order of the table's rows. */
export const CONTENDERS = ["wasm", "ts", "hand", "micrograd", "tfjs"] as const;
export type ContenderId = (typeof CONTENDERS)[number];

export const CONTENDER_LABELS: Record<ContenderId, string> = {
  wasm: "tapegrad, wasm engine",
  ts: "tapegrad, TS engine",
  hand: "hand-written gradient (plain JS)",
  micrograd: "micrograd-style Value graph",
  tfjs: "TensorFlow.js 4 (cpu backend, float32)",
};

/** Relative tolerance of the correctness check: float64 contenders, and TF.js's float32. */
export const TOLERANCE: Record<ContenderId, number> = {
  wasm: 1e-9,
  ts: 1e-9,
  hand: 0,
  micrograd: 1e-9,
  tfjs: 2e-3,
};

/** What a workload computes once, to check a contender: a value and a derivative, flattened. */
export interface Answer {
  value: number;
  grad: ArrayLike<number>;
}

export interface Prepared {
  /** One timed evaluation. Results go into buffers the contender owns (or are dropped). */
  run(): void;
  /** The answer, computed the same way run() computes it: checked before anything is timed. */
  answer(): Answer;
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
  /** The closed-form answer (the hand-written gradient), the truth every contender is checked against. */
  reference(): Answer;
  /** The contenders that take part, each with its untimed setup. */
  contenders: Partial<Record<ContenderId, () => Prepared | Promise<Prepared>>>;
  /** A note for the report (how the workload is set up, what is not comparable). */
  note?: string;
}
