/**
 * record: trace + compile of a ~100,000-node function (extended Rosenbrock, n = 11,111), in ns per
 * node — the one-off cost before any replay. Timed: compile() (tracing the user's function into
 * the tape, then binding it to the engine) and dispose(). Only tapegrad records a tape.
 */
import { compile } from "../../src/index.js";
import { uniform } from "../data.js";
import { rosenbrockGrad } from "../contenders/hand.js";
import type { Prepared, Workload } from "../types.js";
import { rosenbrockTape } from "./rosenbrock.js";

const N = 11_111;
const x = uniform(42, N, -1.5, 1.5);

const recording = (engine: "wasm" | "js") => (): Prepared => ({
  run: () => compile(rosenbrockTape, { inputs: N, engine }).dispose(),
  answer: () => {
    const f = compile(rosenbrockTape, { inputs: N, engine });
    const { value, grad } = f.grad(x);
    f.dispose();
    return { value, grad };
  },
});

export const record: Workload = {
  id: "record",
  title: "record: trace + compile, 100k nodes",
  what: "compile() of the extended Rosenbrock function of 11,111 variables (trace + tape + engine setup) and dispose()",
  note: "Checked by the gradient of the compiled function; tapegrad only (nothing else records a tape).",
  tapeNodes: () => compile(rosenbrockTape, { inputs: N, engine: "js" }).size,
  reference: () => {
    const grad = new Float64Array(N);
    return { value: rosenbrockGrad(x, grad), grad };
  },
  contenders: { wasm: recording("wasm"), ts: recording("js") },
};
