/**
 * Optimizers: each step updates the parameters in place from a gradient, keeping its own state
 * (velocity, moment estimates) sized on first use. Formulas as in PyTorch's SGD and Adam.
 */
import { checkOptionKeys } from "../validate.js";

/** An optimizer made by sgd() or adam(), for fit() or a loop of your own. */
export interface Optimizer {
  /** θ ← θ − update(grad), in place. */
  step(params: Float64Array, grad: ArrayLike<number>): void;
  /** Forgets the state (velocity, moments, step count). */
  reset(): void;
}

/** Options of sgd(options). */
export interface SgdOptions {
  /** Required: step size α (> 0). */
  learningRate: number;
  /** Momentum μ in [0, 1): v ← μ·v + g, θ ← θ − α·v. Default 0 (plain SGD). */
  momentum?: number;
}

/** Options of adam(options); every one has a default. */
export interface AdamOptions {
  /** Step size α (> 0), default 0.001. */
  learningRate?: number;
  /** Decay of the first moment estimate, in [0, 1); default 0.9. */
  beta1?: number;
  /** Decay of the second moment estimate, in [0, 1); default 0.999. */
  beta2?: number;
  /** Added to √v̂ against division by zero; default 1e-8. */
  epsilon?: number;
}

/** Stochastic gradient descent, with optional (heavy-ball) momentum. */
export function sgd(options: SgdOptions): Optimizer {
  if (options === undefined) {
    throw new TypeError("tapegrad: sgd(options) needs options with a learningRate, e.g. sgd({ learningRate: 0.1 })");
  }
  checkOptionKeys(options, ["learningRate", "momentum"], "sgd(options)");
  const rate = positive(options.learningRate, "sgd: learningRate");
  const momentum = unitInterval(options.momentum === undefined ? 0 : options.momentum, "sgd: momentum");
  let velocity: Float64Array | null = null;
  return {
    step(params, grad) {
      checkStep(params, grad, "sgd");
      if (momentum === 0) {
        for (let i = 0; i < params.length; i++) params[i] -= rate * grad[i]!;
        return;
      }
      if (velocity === null || velocity.length !== params.length) velocity = new Float64Array(params.length);
      for (let i = 0; i < params.length; i++) {
        velocity[i] = momentum * velocity[i]! + grad[i]!;
        params[i] -= rate * velocity[i]!;
      }
    },
    reset() {
      velocity = null;
    },
  };
}

/** Adam (Kingma & Ba): per-parameter steps from bias-corrected moment estimates. */
export function adam(options: AdamOptions = {}): Optimizer {
  checkOptionKeys(options, ["learningRate", "beta1", "beta2", "epsilon"], "adam(options)");
  const rate = positive(options.learningRate ?? 0.001, "adam: learningRate");
  const beta1 = unitInterval(options.beta1 ?? 0.9, "adam: beta1");
  const beta2 = unitInterval(options.beta2 ?? 0.999, "adam: beta2");
  const epsilon = positive(options.epsilon ?? 1e-8, "adam: epsilon");
  let m: Float64Array | null = null;
  let v: Float64Array | null = null;
  let t = 0;
  return {
    step(params, grad) {
      checkStep(params, grad, "adam");
      if (m === null || v === null || m.length !== params.length) {
        m = new Float64Array(params.length);
        v = new Float64Array(params.length);
        t = 0;
      }
      t++;
      const c1 = 1 - Math.pow(beta1, t);
      const c2 = 1 - Math.pow(beta2, t);
      for (let i = 0; i < params.length; i++) {
        const g = grad[i]!;
        m[i] = beta1 * m[i]! + (1 - beta1) * g;
        v[i] = beta2 * v[i]! + (1 - beta2) * g * g;
        params[i] -= (rate * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + epsilon);
      }
    },
    reset() {
      m = v = null;
      t = 0;
    },
  };
}

function positive(x: unknown, what: string): number {
  if (typeof x !== "number" || !(x > 0) || !Number.isFinite(x)) {
    throw new RangeError(`tapegrad: ${what} must be a positive finite number, got ${String(x)}`);
  }
  return x;
}

function unitInterval(x: unknown, what: string): number {
  if (typeof x !== "number" || !(x >= 0 && x < 1)) {
    throw new RangeError(`tapegrad: ${what} must be a number in [0, 1), got ${String(x)}`);
  }
  return x;
}

function checkStep(params: unknown, grad: ArrayLike<number>, who: string): asserts params is Float64Array {
  if (!(params instanceof Float64Array)) {
    throw new TypeError(`tapegrad: ${who}.step(params, grad): params must be a Float64Array (it is updated in place)`);
  }
  if (grad?.length !== params.length) {
    throw new RangeError(`tapegrad: ${who}.step(params, grad): grad has ${grad?.length} elements, params ${params.length}`);
  }
}
