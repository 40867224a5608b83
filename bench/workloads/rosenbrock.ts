/** rosenbrock: the extended Rosenbrock function of n variables — one gradient of a large tape. */
import { compile, square, sub, sum, type Compiled, type Operand, type Var } from "../../src/index.js";
import { uniform } from "../data.js";
import { rosenbrockGrad } from "../contenders/hand.js";
import { Value } from "../contenders/micrograd.js";
import { timedGrad } from "../contenders/tapegrad.js";
import { f64, loadJax, readInto, type JaxArray } from "../contenders/jax.js";
import { copyInto, loadTf, tidyAnswer, type TfBackend } from "../contenders/tfjs.js";
import type { Answer, Prepared, Workload } from "../types.js";

/** Σᵢ 100·(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)², recorded by tapegrad: 8 nodes per term. */
export function rosenbrockTape(xs: Var[]): Var {
  let total: Operand = 0;
  for (let i = 0; i < xs.length - 1; i++) {
    const t = xs[i + 1]!.sub(square(xs[i]!));
    const term = square(t).mul(100).add(square(sub(1, xs[i]!)));
    total = i === 0 ? term : term.add(total);
  }
  return total as Var;
}

/** TF.js's value + gradient of the same function at x (float32), as its users write it. */
export async function tfRosenbrockGrad(x: Float64Array, backend: TfBackend = "cpu"): Promise<Prepared> {
  const n = x.length;
  const tf = await loadTf(backend);
  const f = tf.valueAndGrad((v: import("@tensorflow/tfjs").Tensor) => {
    const head = v.slice(0, n - 1);
    const tail = v.slice(1, n - 1);
    const t = tail.sub(head.square());
    return t.square().mul(100).add(tf.scalar(1).sub(head).square()).sum();
  });
  const x32 = Float32Array.from(x);
  const grad = new Float64Array(n);
  const evaluate = (): Answer =>
    tidyAnswer(tf, () => {
      const { value, grad: g } = f(tf.tensor1d(x32));
      copyInto(grad, 0, g.dataSync());
      return { value: value.dataSync()[0]!, grad };
    });
  return { run: () => void evaluate(), answer: () => ({ ...evaluate(), grad: grad.slice() }) };
}

/**
 * jax-js's value + gradient of the same function (float64), as its users write it: slices of one
 * array, `jit(valueAndGrad(f))`. x is uploaded on every call, as TF.js's is; the first call (in
 * the untimed check) traces and compiles.
 */
export async function jaxRosenbrockGrad(x: Float64Array): Promise<Prepared> {
  const n = x.length;
  const jax = await loadJax();
  const np = jax.numpy;
  const f = jax.jit(
    jax.valueAndGrad((v: JaxArray) => {
      const head = v.ref.slice([0, n - 1]);
      const t = v.slice([1, n]).sub(np.square(head.ref));
      return np.square(t).mul(100).add(np.square(np.subtract(1, head))).sum();
    }),
  );
  const grad = new Float64Array(n);
  const evaluate = (): Answer => {
    const [value, g] = f(f64(jax, x));
    readInto(grad, 0, g);
    return { value: value.item(), grad };
  };
  return { run: () => void evaluate(), answer: () => ({ ...evaluate(), grad: grad.slice() }), dispose: () => f.dispose() };
}

/** The same function in array form: two slices of one vector, one node per array operation. */
export function rosenbrockArrays(n: number, engine: "wasm" | "js"): Compiled {
  return compile({ params: { x: [n] }, engine }, ({ x }) => {
    const head = x.slice(0, -1);
    return sum(square(x.slice(1).sub(square(head))).mul(100).add(square(sub(1, head))));
  });
}

export function rosenbrock(n: number): Workload {
  const x = uniform(1000 + n, n, -1.5, 1.5);
  const compileFor = (engine: "wasm" | "js", jit = false) => compile(rosenbrockTape, { inputs: n, engine, jit });
  return {
    id: `rosenbrock-${n}`,
    title: `rosenbrock n = ${n.toLocaleString("en-US")}`,
    what: `value + gradient of the extended Rosenbrock function of ${n.toLocaleString("en-US")} variables`,
    tapeNodes: () => compileFor("js").size,
    reference: () => {
      const grad = new Float64Array(n);
      return { value: rosenbrockGrad(x, grad), grad };
    },
    extraContenders: { "wasm-array": { label: "tapegrad, wasm engine, array form (slices)" } },
    contenders: {
      wasm: () => timedGrad(compileFor("wasm"), x),
      jit: () => timedGrad(compileFor("wasm", true), x),
      "wasm-array": () => timedGrad(rosenbrockArrays(n, "wasm"), x),
      ts: () => timedGrad(compileFor("js"), x),
      hand: () => {
        const grad = new Float64Array(n);
        return {
          run: () => void rosenbrockGrad(x, grad),
          answer: () => ({ value: rosenbrockGrad(x, grad), grad: grad.slice() }),
        };
      },
      micrograd: () => {
        const evaluate = (): Answer => {
          const xs = Array.from(x, (xi) => new Value(xi));
          let total: Value | null = null;
          for (let i = 0; i < n - 1; i++) {
            const t = xs[i + 1]!.sub(xs[i]!.square());
            const term = t.square().mul(100).add(new Value(1).sub(xs[i]!).square());
            total = total === null ? term : term.add(total);
          }
          total!.backward();
          return { value: total!.data, grad: xs.map((v) => v.grad) };
        };
        return { run: () => void evaluate(), answer: evaluate };
      },
      tfjs: () => tfRosenbrockGrad(x),
      "tfjs-wasm": () => tfRosenbrockGrad(x, "wasm"),
      "jax-wasm": () => jaxRosenbrockGrad(x),
    },
  };
}
