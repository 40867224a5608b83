/**
 * Calls of different kinds share working buffers (values, adjoints/tangents, lanes, batch
 * blocks). Interleaved in random order, each call must give what it gives on a fresh function —
 * nothing left behind by grad after jvp after hessian after meanGrad … on either engine.
 */
import { describe, expect, it } from "vitest";
import { compile, exp, select, sin, sqrt, square, tanh, type Compiled, type Var } from "../src/index.js";
import { ENGINES } from "./engines.js";
import { rng } from "./helpers.js";

type Call = (f: Compiled, p: Float64Array, d: Float64Array) => unknown;

const withData = (engine: "wasm" | "js") =>
  compile({ params: 3, data: 2, engine }, ([a, b, c]: Var[], [x, y]: Var[]) => {
    const h = tanh(a!.mul(x!).add(b!));
    const s = select(h.gt(0), sqrt(h), h.mul(0.5));
    return square(s.mul(c!).add(sin(y!.mul(b!))).sub(y!)).add(exp(c!.mul(0.1)));
  });

// Outputs that are an input, a constant and a shared subexpression: leaves and constants as outputs.
const manyOutputs = (engine: "wasm" | "js") =>
  compile((x: Var, y: Var, z: Var) => { const s = x.mul(y); return [s.add(sin(z)), x, 3, s.mul(s)]; }, { engine });

const scalarCalls: Call[] = [
  (f, p, d) => f.eval(p, d),
  (f, p, d) => f.grad(p, d),
  (f, p, d) => f.jvp(p, [0.3, -1, 2], d),
  (f, p, d) => f.vjp(p, [1.5], d),
  (f, p, d) => f.jvpMany(p, [1, 0, 0, 0, 1, 0, 0.5, 0.5, 1], 3, d),
  (f, p, d) => f.vjpMany(p, [1, 2], 2, d),
  (f, p, d) => f.jacobian(p, { mode: "forward", data: d }),
  (f, p, d) => f.jacobian(p, { mode: "reverse", data: d }),
  (f, p, d) => f.hvp(p, [1, -1, 0.5], d),
  (f, p, d) => f.hessian(p, d),
  (f, p, d) => f.evalBatch(p, Float64Array.of(...d, ...d, 0.1, 0.2)),
  (f, p, d) => f.gradBatch(p, Float64Array.of(...d, 0.1, 0.2, ...d)),
  (f, p, d) => f.meanGrad(p, Float64Array.of(...d, 0.1, 0.2, ...d)),
];

const vectorCalls: Call[] = [
  (f, p) => f.eval(p),
  (f, p) => f.jvp(p, [0.3, -1, 2]),
  (f, p) => f.vjp(p, [1, -2, 0.5, 3]),
  (f, p) => f.jvpMany(p, [1, 0, 0, 0, 1, 0], 2),
  (f, p) => f.vjpMany(p, [1, 0, 0, 0, 0, 1, 1, 1, 2, 0, 0, 0], 3),
  (f, p) => f.jacobian(p, { mode: "forward" }),
  (f, p) => f.jacobian(p, { mode: "reverse" }),
];

describe.each(ENGINES)("interleaved calls (%s engine)", (engine) => {
  const cases: Array<[string, (e: "wasm" | "js") => Compiled, Call[], number]> = [
    ["a scalar function with data inputs", withData, scalarCalls, 2],
    ["a function with several outputs", manyOutputs, vectorCalls, 0],
  ];
  for (const [name, build, calls, dataLength] of cases) {
    it(`${name}: every call equals the same call on a fresh function`, () => {
      const random = rng(11);
      const f = build(engine);
      for (let step = 0; step < 300; step++) {
        const p = Float64Array.from({ length: 3 }, () => 2 * random() - 1);
        const d = Float64Array.from({ length: dataLength }, () => 2 * random() - 1);
        const c = Math.floor(random() * calls.length);
        const fresh = build(engine);
        const want = calls[c]!(fresh, p, d);
        fresh.dispose();
        expect(calls[c]!(f, p, d), `call ${c} at step ${step}`).toEqual(want);
      }
      f.dispose();
    });
  }
});
