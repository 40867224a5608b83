/**
 * record: trace + compile of a ~100,000-node function (extended Rosenbrock, n = 11,111), in ns per
 * node — the one-off cost before any replay. Timed: compile() (tracing the user's function into
 * the tape, then binding it to the engine) and dispose(). Only tapegrad records a tape.
 */
import { compile, type Compiled } from "../../src/index.js";
import { uniform } from "../data.js";
import { rosenbrockGrad } from "../contenders/hand.js";
import type { Prepared, Workload } from "../types.js";
import { rosenbrockTape } from "./rosenbrock.js";
import { compileMnistArrays, compileMnistPoint, mnistMlp, rows as mnistRows, theta as mnistTheta } from "./mnist-mlp.js";

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

/**
 * record-mnist: compile() of the MNIST-size classifier (mnist-mlp.ts), scalar form (~306k nodes)
 * against the array form (13 array nodes): the array issue's "compile under 5 ms". Checked by the
 * mean gradient of the compiled function.
 */
export const recordMnist: Workload = {
  id: "record-mnist",
  title: "record: compile the mnist-mlp model",
  what: "compile() of the 784→128→10 classifier of mnist-mlp, scalar per-point form and array form, and dispose()",
  note: "wasm: the scalar per-point tape (306k nodes); wasm-array: the same loss with matmul (13 array nodes). Checked by f.meanGrad over mnist-mlp's points.",
  tapeNodes: () => compileMnistPoint("js").size,
  reference: mnistMlp.reference,
  extraContenders: { "wasm-array": { label: "tapegrad, wasm engine, array form (matmul)" } },
  contenders: {
    wasm: () => compiling(() => compileMnistPoint("wasm")),
    "wasm-array": () => compiling(() => compileMnistArrays("wasm")),
  },
};

function compiling(make: () => Compiled): Prepared {
  return {
    run: () => make().dispose(),
    answer: () => {
      const f = make();
      const { value, grad } = f.meanGrad(mnistTheta, mnistRows);
      f.dispose();
      return { value, grad };
    },
  };
}
