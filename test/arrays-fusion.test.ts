/**
 * The wasm engine's fused elementwise runs (src/array/fusion.ts): long chains replayed by the
 * batch kernels in blocks of lanes. Checked against the js engine (which runs every value by its
 * own loops, never fused), against jvp (which runs the scalar expansion: another sweep entirely)
 * and against plain-JS values: chains longer than a block with an odd last block, broadcast
 * scalars, select and comparisons, the zero rule in a lane whose adjoint is 0, members read
 * outside the run (outputs, views), and batches whose lanes are points.
 */
import { describe, expect, it } from "vitest";
import * as tg from "../src/index.js";
import { planFusion } from "../src/array/fusion.js";
import { layoutStorage } from "../src/array/storage.js";
import { replayedProgram, type Compiled } from "../src/compiled.js";
import { expectClose, randomVector, rng } from "./helpers.js";

type Fn = (p: Record<string, tg.Var>, d: Record<string, tg.Var>) => tg.Var | tg.Var[];
type Spec = { params: Record<string, number[]>; data?: Record<string, number[]> };

function both(spec: Spec, fn: Fn): [Compiled, Compiled] {
  const make = (engine: "wasm" | "js") => tg.compile({ ...spec, engine } as never, fn as never) as unknown as Compiled;
  return [make("wasm"), make("js")];
}

/** How many values the wasm executor fuses, for one point: the test must exercise fusion. */
function fusedMembers(f: Compiled, points = 1): number {
  const program = replayedProgram(f)!;
  return planFusion(program, layoutStorage(program, points)).reduce((n, r) => n + r.members.length, 0);
}

/** grad on both engines, and its dot with a direction against jvp (the scalar expansion). */
function checkGrad(w: Compiled, j: Compiled, theta: Float64Array, data?: Float64Array): Float64Array {
  const args = data === undefined ? [theta] : [theta, data];
  const gw = (w.grad as (...a: unknown[]) => { value: number; grad: Float64Array })(...args);
  const gj = (j.grad as (...a: unknown[]) => { value: number; grad: Float64Array })(...args);
  expectClose(gw.value, gj.value, 1e-12);
  expectClose(gw.grad, gj.grad, 1e-12, 1e-12);
  const v = randomVector(rng(7), theta.length);
  const jv = (data === undefined ? w.jvp(theta, v) : w.jvp(theta, v, data)).tangent[0]!;
  let dot = 0;
  for (let i = 0; i < v.length; i++) dot += gw.grad[i]! * v[i]!;
  expectClose(dot, jv, 1e-10, 1e-10);
  return gw.grad;
}

describe("fused elementwise runs on the wasm engine", () => {
  it("Rosenbrock over 2,501 elements: several blocks, an odd last one, broadcast constants", () => {
    const n = 2501;
    const [w, j] = both({ params: { x: [n] } }, ({ x }) => {
      const h = x!.slice(0, -1);
      return tg.sum(tg.square(x!.slice(1).sub(tg.square(h))).mul(100).add(tg.square(tg.sub(1, h))));
    });
    expect(fusedMembers(w)).toBe(7);
    const x = randomVector(rng(1), n, -1.5, 1.5);
    let value = 0;
    for (let i = 0; i < n - 1; i++) value += 100 * (x[i + 1]! - x[i]! ** 2) ** 2 + (1 - x[i]!) ** 2;
    expectClose(w.eval(x)[0]!, value, 1e-12);
    const grad = checkGrad(w, j, x);
    // closed form of one interior entry
    const k = 1234;
    const expected = -400 * x[k]! * (x[k + 1]! - x[k]! ** 2) - 2 * (1 - x[k]!) + 200 * (x[k]! - x[k - 1]! ** 2);
    expectClose(grad[k]!, expected, 1e-12);
    w.dispose();
    j.dispose();
  });

  it("select and comparisons, with the zero rule where sqrt′(0) = ∞ meets a zero adjoint", () => {
    const n = 301;
    const [w, j] = both({ params: { x: [n], y: [n] } }, ({ x, y }) =>
      tg.sum(tg.select(tg.gt(x!, 0), tg.sqrt(x!), tg.square(x!)).mul(y!).add(tg.lt(y!, x!))),
    );
    expect(fusedMembers(w)).toBeGreaterThanOrEqual(5);
    const x = randomVector(rng(2), n, -1, 1);
    const y = randomVector(rng(3), n, -1, 1);
    for (let i = 0; i < n; i += 10) x[i] = 0; // sqrt's partial is ∞ there, on the branch not taken
    const theta = Float64Array.from([...x, ...y]);
    const grad = checkGrad(w, j, theta);
    for (let i = 0; i < n; i += 10) expect(grad[i]).toBe(0);
    expect(grad.every(Number.isFinite)).toBe(true);
    w.dispose();
    j.dispose();
  });

  it("members read outside the run: several outputs and a view of an inner value", () => {
    const n = 200;
    const [w, j] = both({ params: { x: [n] } }, ({ x }) => {
      const z = tg.tanh(x!.mul(0.5)).add(x!);
      const e = tg.exp(z.mul(-1));
      return [tg.sum(e), z.at(5), tg.sum(z.slice(10, 20))];
    });
    expect(fusedMembers(w)).toBeGreaterThanOrEqual(4);
    const x = randomVector(rng(4), n);
    const vw = w.eval(x);
    const vj = j.eval(x);
    expectClose(vw, vj, 1e-12);
    expectClose(vw[1]!, Math.tanh(x[5]! * 0.5) + x[5]!, 1e-12);
    const u = Float64Array.of(0.5, -2, 3);
    expectClose(w.vjp(x, u).grad, j.vjp(x, u).grad, 1e-12, 1e-12);
    w.dispose();
    j.dispose();
  });

  it("batches: a data vector's chain with a broadcast parameter, lanes = elements × points", () => {
    const n = 50;
    const points = 37;
    const [w, j] = both({ params: { s: [], c: [] }, data: { x: [n] } }, ({ s, c }, { x }) =>
      tg.sum(tg.tanh(x!.mul(s!)).sub(c!).square()),
    );
    expect(fusedMembers(w, points)).toBeGreaterThanOrEqual(4);
    const rows = randomVector(rng(5), n * points, -2, 2);
    const theta = Float64Array.of(0.7, 0.1);
    const mw = w.meanGrad(theta, rows);
    const mj = j.meanGrad(theta, rows);
    expectClose(mw.value, mj.value, 1e-12);
    expectClose(mw.grad, mj.grad, 1e-11, 1e-12);
    // against the per-point gradients (single-point sweeps, one lane per element)
    const mean = new Float64Array(2);
    for (let p = 0; p < points; p++) {
      const g = w.grad(theta, rows.subarray(p * n, (p + 1) * n)).grad;
      mean[0] += g[0]! / points;
      mean[1] += g[1]! / points;
    }
    expectClose(mw.grad, mean, 1e-11, 1e-12);
    expectClose(w.evalBatch(theta, rows), j.evalBatch(theta, rows), 1e-12);
    w.dispose();
    j.dispose();
  });
});

describe("fused runs with repeated leaves (an unbatched vector against a batch)", () => {
  it("a bias vector added to a batched layer, through tanh, in meanGrad and gradBatch", () => {
    const n = 24;
    const points = 41; // lanes = 24 × 41: blocks cut through an element's points
    const [w, j] = both({ params: { b: [n], s: [] }, data: { x: [n] } }, ({ b, s }, { x }) =>
      tg.sum(tg.tanh(x!.mul(s!).add(b!)).square()),
    );
    expect(fusedMembers(w, points)).toBeGreaterThanOrEqual(4);
    const rows = randomVector(rng(6), n * points, -2, 2);
    const theta = Float64Array.from([...randomVector(rng(8), n), 0.8]);
    const mw = w.meanGrad(theta, rows);
    expectClose(mw.value, j.meanGrad(theta, rows).value, 1e-12);
    expectClose(mw.grad, j.meanGrad(theta, rows).grad, 1e-11, 1e-12);
    // closed form: ∂/∂b_e of the mean of Σ tanh(x·s + b)² = mean over points of 2·tanh·(1 − tanh²)
    for (const e of [0, 7, n - 1]) {
      let expected = 0;
      for (let p = 0; p < points; p++) {
        const t = Math.tanh(rows[p * n + e]! * 0.8 + theta[e]!);
        expected += (2 * t * (1 - t * t)) / points;
      }
      expectClose(mw.grad[e]!, expected, 1e-11, 1e-13);
    }
    expectClose(w.gradBatch(theta, rows).grad, j.gradBatch(theta, rows).grad, 1e-11, 1e-12);
    w.dispose();
    j.dispose();
  });
});

describe("random elementwise chains: the fused wasm engine against the js engine", () => {
  const unary = ["tanh", "sigmoid", "sin", "cos", "atan", "abs", "relu", "neg"] as const;
  const binary = ["add", "sub", "mul", "max", "min", "hypot"] as const;
  type Fns = Record<string, (...a: unknown[]) => tg.Var>;
  const F = tg as unknown as Fns;

  /** A chain of `steps` ops over same-shape vectors, scalars and numbers; returns its sum plus a read of an inner value. */
  function chain(seed: number, steps: number): (v: tg.Var[], s: tg.Var) => tg.Var {
    return (vs, s) => {
      const random = rng(seed);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
      const pool: tg.Var[] = [...vs];
      const selects: tg.Var[] = [];
      for (let k = 0; k < steps; k++) {
        const r = random();
        const a = pool[pool.length - 1 - Math.floor(random() * Math.min(3, pool.length))]!;
        if (r < 0.4) pool.push(F[pick(unary)]!(a));
        else if (r < 0.8) {
          const other = random();
          const b = other < 0.5 ? pick(pool) : other < 0.75 ? s : Math.round(random() * 40 - 20) / 8;
          pool.push(random() < 0.5 ? F[pick(binary)]!(a, b) : F[pick(binary)]!(b, a));
        } else {
          selects.push(tg.select(tg.gt(a, pick(pool)), pick(pool), tg.square(a)));
          pool.push(selects[selects.length - 1]!);
        }
      }
      // the last value, every select (an unused select's comparison is a compile error) and a
      // slice of the middle value reach the output: the rest are inner values of the run
      const totals = [pool[pool.length - 1]!, ...selects].map((p, k) => tg.sum(p).mul(1 + k / 8));
      return tg.sum(totals).add(tg.sum(pool[vs.length + Math.floor(steps / 2)]!.slice(0, 3)));
    };
  }

  for (let seed = 1; seed <= 24; seed++) {
    it(`chain ${seed}: single point grad and eval`, () => {
      const n = 64 + ((seed * 37) % 200);
      const build = chain(seed, 6 + (seed % 7));
      const [w, j] = both({ params: { u: [n], v: [n], s: [] } }, ({ u, v, s }) => build([u!, v!], s!));
      expect(fusedMembers(w)).toBeGreaterThan(0);
      const theta = randomVector(rng(100 + seed), 2 * n + 1, -1.5, 1.5);
      expectClose(w.eval(theta), j.eval(theta), 1e-11, 1e-12);
      const gw = w.grad(theta);
      const gj = j.grad(theta);
      expectClose(gw.grad, gj.grad, 1e-10, 1e-12);
      w.dispose();
      j.dispose();
    });

    it(`chain ${seed}: meanGrad over points, a data vector beside the parameters`, () => {
      const n = 8 + (seed % 9);
      const points = 9 + seed;
      const build = chain(seed, 5 + (seed % 5));
      const [w, j] = both({ params: { s: [] }, data: { x: [n], y: [n] } }, ({ s }, { x, y }) => build([x!, y!], s!));
      const rows = randomVector(rng(200 + seed), 2 * n * points, -1.5, 1.5);
      const theta = Float64Array.of(0.3 + seed / 50);
      const mw = w.meanGrad(theta, rows);
      const mj = j.meanGrad(theta, rows);
      expectClose(mw.value, mj.value, 1e-11, 1e-12);
      expectClose(mw.grad, mj.grad, 1e-10, 1e-12);
      w.dispose();
      j.dispose();
    });
  }
});
