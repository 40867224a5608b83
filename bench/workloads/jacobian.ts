/**
 * jacobian: the full m×n Jacobian of f: Rⁿ→Rᵐ by f.jacobian(x, { mode }) — forward mode (⌈n/8⌉
 * tangent sweeps, 8 directions in lanes), reverse mode (⌈m/8⌉ adjoint sweeps), and auto (the
 * cheaper by tapegrad's cost model) — for n ≫ m (1000 → 1, the extended Rosenbrock function) and
 * n ≪ m (1 → 1000, f_j(t) = sin(t·j/1000)·eᵗ + j·t²). Checked against hand-written Jacobians.
 *
 * Beside the three modes, for scale (each checked against what it computes): one gradient
 * (1000 → 1: f.grad, one reverse sweep — the Jacobian of a scalar function is its gradient) and
 * one forward pass (1 → 1000: f.eval, values only, and f.jvp(t, [1]), one tangent sweep, whose
 * result for n = 1 is the whole Jacobian). An Answer is (Σ outputs, J row-major).
 */
import { compile, exp, sin, type Compiled, type EngineName, type Var } from "../../src/index.js";
import { uniform } from "../data.js";
import { rosenbrockGrad } from "../contenders/hand.js";
import type { Answer, Prepared, Workload } from "../types.js";
import { timedGrad } from "../contenders/tapegrad.js";
import { rosenbrockTape, tfRosenbrockGrad } from "./rosenbrock.js";

const N = 1000;
type Mode = "forward" | "reverse" | "auto";

const sumOf = (xs: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s;
};

/** Times f.jacobian(x, { mode }) (it allocates its result, as the API does). */
function timedJacobian(f: Compiled, x: Float64Array, mode: Mode): Prepared {
  return {
    run: () => void f.jacobian(x, { mode }),
    answer: () => {
      const J = f.jacobian(x, { mode });
      return { value: sumOf(J.value), grad: J.data };
    },
    dispose: () => f.dispose(),
  };
}

/** The three modes on the wasm engine, auto on the TS engine. */
function modes(make: (engine: EngineName) => Compiled, x: Float64Array): Workload["contenders"] {
  return {
    ts: () => timedJacobian(make("js"), x, "auto"),
    "wasm-forward": () => timedJacobian(make("wasm"), x, "forward"),
    "wasm-reverse": () => timedJacobian(make("wasm"), x, "reverse"),
    "wasm-auto": () => timedJacobian(make("wasm"), x, "auto"),
  };
}

const MODE_LABELS = {
  ts: { label: "tapegrad, TS engine, jacobian auto" },
  hand: { label: "hand-written Jacobian (plain JS)" },
  "wasm-forward": { label: "tapegrad, wasm, jacobian forward mode" },
  "wasm-reverse": { label: "tapegrad, wasm, jacobian reverse mode" },
  "wasm-auto": { label: "tapegrad, wasm, jacobian auto" },
};

/** n = 1000 → m = 1: the extended Rosenbrock function at rosenbrock(1000)'s point. */
export function jacobianWide(): Workload {
  const x = uniform(1000 + N, N, -1.5, 1.5);
  const make = (engine: EngineName): Compiled => compile(rosenbrockTape, { inputs: N, engine, jit: false });
  const reference = (): Answer => {
    const grad = new Float64Array(N);
    return { value: rosenbrockGrad(x, grad), grad };
  };
  return {
    id: "jacobian-1000x1",
    title: "jacobian 1000 → 1 (Rosenbrock)",
    what: "the full 1×1000 Jacobian of the extended Rosenbrock function of 1,000 variables, with its value",
    note: "The TS engine runs auto. TF.js has no jacobian; for m = 1 the Jacobian is the gradient, so its contenders (cpu and wasm backends) are tf.valueAndGrad (float32).",
    tapeNodes: () => make("js").size,
    reference,
    baseline: "wasm-auto",
    extraContenders: {
      ...MODE_LABELS,
      tfjs: { label: "TensorFlow.js 4 (cpu backend, float32), valueAndGrad", tolerance: 2e-3 },
      "tfjs-wasm": { label: "TensorFlow.js 4 (wasm backend, float32), valueAndGrad", tolerance: 2e-3 },
      "wasm-grad": { label: "tapegrad, wasm, one gradient f.grad (for scale)" },
    },
    contenders: {
      ...modes(make, x),
      hand: () => {
        const grad = new Float64Array(N);
        return {
          run: () => void rosenbrockGrad(x, grad),
          answer: () => ({ value: rosenbrockGrad(x, grad), grad: grad.slice() }),
        };
      },
      // For a scalar function the Jacobian is the gradient: TF.js's valueAndGrad is its honest equivalent.
      tfjs: () => tfRosenbrockGrad(x),
      "tfjs-wasm": () => tfRosenbrockGrad(x, "wasm"),
      "wasm-grad": () => timedGrad(make("wasm"), x),
    },
  };
}

/** f_j(t) = sin(t·j/1000)·eᵗ + j·t², j = 0 … 999: 1 → 1000, a few nodes per output. */
export function tallTape(t: Var): Var[] {
  return Array.from({ length: N }, (_, j) => sin(t.mul(j / N)).mul(exp(t)).add(t.mul(t).mul(j)));
}

/** The values of tallTape and its Jacobian column, by hand: f_j' = (j/N)·cos(t·j/N)·eᵗ + sin(t·j/N)·eᵗ + 2jt. */
export function tallJacobian(t: number, values: Float64Array, J: Float64Array): void {
  const e = Math.exp(t);
  for (let j = 0; j < N; j++) {
    const c = j / N;
    const s = Math.sin(t * c);
    values[j] = s * e + j * t * t;
    J[j] = c * Math.cos(t * c) * e + s * e + 2 * j * t;
  }
}

/** n = 1 → m = 1000 at t = 0.3. */
export function jacobianTall(): Workload {
  const t = Float64Array.of(0.3);
  const one = Float64Array.of(1);
  const make = (engine: EngineName): Compiled => compile(tallTape, { engine, jit: false });
  const reference = (): Answer => {
    const values = new Float64Array(N);
    const J = new Float64Array(N);
    tallJacobian(t[0]!, values, J);
    return { value: sumOf(values), grad: J };
  };
  return {
    id: "jacobian-1x1000",
    title: "jacobian 1 → 1000",
    what: "the full 1000×1 Jacobian of f_j(t) = sin(t·j/1000)·eᵗ + j·t², j < 1,000, at t = 0.3, with the values",
    note: "The TS engine runs auto. TF.js is left out: it has no jacobian and no forward mode, and its honest general equivalent, 1,000 reverse passes (one per output), is not a comparison anyone would make.",
    tapeNodes: () => make("js").size,
    reference,
    baseline: "wasm-auto",
    extraContenders: {
      ...MODE_LABELS,
      "wasm-eval": {
        label: "tapegrad, wasm, one forward pass f.eval (for scale)",
        reference: () => ({ value: reference().value, grad: [] }),
      },
      "wasm-jvp": { label: "tapegrad, wasm, one tangent sweep f.jvp(t, [1]) (for scale)" },
    },
    contenders: {
      ...modes(make, t),
      hand: () => {
        const values = new Float64Array(N);
        const J = new Float64Array(N);
        return {
          run: () => tallJacobian(t[0]!, values, J),
          answer: () => {
            tallJacobian(t[0]!, values, J);
            return { value: sumOf(values), grad: J.slice() };
          },
        };
      },
      "wasm-eval": () => {
        const f = make("wasm");
        const out = new Float64Array(N);
        return {
          run: () => void f.eval(t, out),
          answer: () => ({ value: sumOf(f.eval(t)), grad: [] }),
          dispose: () => f.dispose(),
        };
      },
      "wasm-jvp": () => {
        const f = make("wasm");
        const out = new Float64Array(N);
        return {
          run: () => void f.jvp(t, one, out),
          answer: () => {
            const { value, tangent } = f.jvp(t, one);
            return { value: sumOf(value), grad: tangent };
          },
          dispose: () => f.dispose(),
        };
      },
    },
  };
}
