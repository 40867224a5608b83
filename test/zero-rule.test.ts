/**
 * The zero rule and its neighbours, as regression cases on both engines and in every mode.
 *
 * The rule (one rule for every sweep): a path whose product of partials has an exact zero factor
 * contributes exactly 0 — partial × derivative is exactly 0 when EITHER is exactly 0, even if the
 * other is ±∞ or NaN (a symmetric "absorbing zero" multiply). So forward, reverse, lanes, hvp,
 * jacobian (both modes) and batches agree exactly on NaN versus finite.
 *
 * The one documented exception: an exact cancellation between paths that then meets an infinite
 * partial, sqrt(x − x): forward sums the tangents to 0 before the ∞ (0), reverse meets ∞ − ∞ (NaN).
 *
 * Also: sqrt'(−0) = log'(−0) = +∞ as at +0; min/max with a NaN operand give value NaN and
 * derivative NaN; every sweep computes each partial with the same formula, so jvp, jvpMany and
 * jacobian forward are bit-identical per entry, as are grad, vjp, vjpMany and jacobian reverse.
 */
import { describe, expect, it } from "vitest";
import {
  add, compile, div, log, max, min, mul, sqrt, sub, type Compiled, type EngineName, type Var,
} from "../src/index.js";
import { ENGINES } from "./engines.js";

/** Equal as the spec means it: NaN equals NaN, zeros of either sign are equal, else ===. */
function same(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

function show(xs: ArrayLike<number>): string {
  return `[${Array.from(xs, (x) => (Object.is(x, -0) ? "-0" : String(x))).join(", ")}]`;
}

function expectSame(what: string, got: ArrayLike<number>, want: ArrayLike<number>): void {
  const ok = got.length === want.length && Array.from(want).every((w, i) => same(got[i]!, w));
  expect.soft(ok, `${what}: got ${show(got)}, want ${show(want)}`).toBe(true);
}

const unit = (n: number, i: number): Float64Array => {
  const e = new Float64Array(n);
  e[i] = 1;
  return e;
};

/**
 * Checks f at x in every mode against the m×n Jacobian J (row-major) and, for one output, the
 * n×n Hessian H: jvp column by column, vjp row by row, grad, jvpMany/vjpMany with k ≥ 2 (lane
 * kernels), jacobian forward and reverse, hvp column by column, hessian.
 */
function expectEveryMode(label: string, f: Compiled, x: number[], J: number[], H?: number[]): void {
  const n = f.inputs;
  const m = f.outputs;
  for (let i = 0; i < n; i++) {
    const t = f.jvp(x, unit(n, i)).tangent;
    expectSame(`${label}: jvp along e${i}`, t, J.filter((_, r) => r % n === i));
  }
  for (let j = 0; j < m; j++) {
    expectSame(`${label}: vjp with e${j}`, f.vjp(x, unit(m, j)).grad, J.slice(j * n, j * n + n));
  }
  if (m === 1) expectSame(`${label}: grad`, f.grad(x).grad, J);
  // Lane sweeps: k = max(2, n) directions e_{l mod n}, and k = max(2, m) cotangents.
  const kf = Math.max(2, n);
  const V = new Float64Array(kf * n);
  for (let l = 0; l < kf; l++) V[l * n + (l % n)] = 1;
  const { tangents } = f.jvpMany(x, V, kf);
  for (let l = 0; l < kf; l++) {
    expectSame(`${label}: jvpMany lane ${l} (k=${kf})`, tangents.subarray(l * m, l * m + m), J.filter((_, r) => r % n === l % n));
  }
  const kr = Math.max(2, m);
  const U = new Float64Array(kr * m);
  for (let l = 0; l < kr; l++) U[l * m + (l % m)] = 1;
  const { grads } = f.vjpMany(x, U, kr);
  for (let l = 0; l < kr; l++) {
    const j = l % m;
    expectSame(`${label}: vjpMany lane ${l} (k=${kr})`, grads.subarray(l * n, l * n + n), J.slice(j * n, j * n + n));
  }
  expectSame(`${label}: jacobian forward`, f.jacobian(x, { mode: "forward" }).data, J);
  expectSame(`${label}: jacobian reverse`, f.jacobian(x, { mode: "reverse" }).data, J);
  if (H !== undefined) {
    for (let i = 0; i < n; i++) {
      expectSame(`${label}: hvp along e${i}`, f.hvp(x, unit(n, i)), H.filter((_, r) => r % n === i));
    }
    expectSame(`${label}: hessian`, f.hessian(x).data, H);
  }
}

describe.each(ENGINES)("the zero rule on the %s engine", (engine: EngineName) => {
  it("sqrt(0·x) + y at (1, 2): the 0 partial of 0·x kills the ∞ of sqrt'(0) in every mode", () => {
    const f = compile((x, y) => add(sqrt(mul(0, x)), y), { engine });
    expectSame("value", f.eval([1, 2]), [2]);
    expectEveryMode("sqrt(0·x) + y", f, [1, 2], [0, 1], [0, 0, 0, 0]);
    f.dispose();
  });

  it("sqrt(x·0) + y (the zero on the other side of mul)", () => {
    const f = compile((x, y) => add(sqrt(mul(x, 0)), y), { engine });
    expectEveryMode("sqrt(x·0) + y", f, [1, 2], [0, 1], [0, 0, 0, 0]);
    f.dispose();
  });

  it("0·sqrt(x) at x = 0: the 0 adjoint/partial kills the ∞ in every mode", () => {
    const f = compile((x) => mul(0, sqrt(x)), { engine });
    expectSame("value", f.eval([0]), [0]);
    expectEveryMode("0·sqrt(x)", f, [0], [0], [0]);
    f.dispose();
  });

  it("sqrt(x)·0 at x = 0", () => {
    const f = compile((x) => mul(sqrt(x), 0), { engine });
    expectEveryMode("sqrt(x)·0", f, [0], [0], [0]);
    f.dispose();
  });

  it("a NaN partial is killed by a 0 factor too: log(0·x) + y at x = −1 (0·−1 = −0, log'(−0))", () => {
    // 0 · (−1) = −0; log(−0) = −∞, log'(−0) = +∞ (per the spec), times the 0 partial → 0.
    const f = compile((x, y) => add(log(mul(0, x)), y), { engine });
    expectEveryMode("log(0·x) + y", f, [-1, 2], [0, 1], [0, 0, 0, 0]);
    f.dispose();
  });

  it("keeps ∞·(non-zero) on a path that does carry derivative: sqrt(x) at 0 is +∞", () => {
    const f = compile((x) => sqrt(x), { engine });
    expectEveryMode("sqrt(x) at 0", f, [0], [Infinity], [-Infinity]);
    f.dispose();
  });

  it("the documented exception: sqrt(x − x) is 0 forward, NaN reverse", () => {
    const f = compile((x) => sqrt(sub(x, x)), { engine });
    const x = [1];
    expectSame("jvp", f.jvp(x, [1]).tangent, [0]);
    expectSame("jvpMany", f.jvpMany(x, [1, 1], 2).tangents, [0, 0]);
    expectSame("jacobian forward", f.jacobian(x, { mode: "forward" }).data, [0]);
    expectSame("grad", f.grad(x).grad, [NaN]);
    expectSame("vjp", f.vjp(x, [1]).grad, [NaN]);
    expectSame("vjpMany", f.vjpMany(x, [1, 1], 2).grads, [NaN, NaN]);
    expectSame("jacobian reverse", f.jacobian(x, { mode: "reverse" }).data, [NaN]);
    f.dispose();
  });

  it("in batches: sqrt(d·x) + y with d = 0 in some rows (gradBatch, meanGrad)", () => {
    const f = compile({ params: 2, data: 1, engine }, ([x, y], [d]) => add(sqrt(mul(d!, x!)), y!));
    const dataset = new Float64Array([0, 1, 0, 4]);
    const { value, grad } = f.gradBatch([1, 2], dataset);
    expectSame("gradBatch value", value, [2, 3, 2, 4]);
    const want = [0, 1, 0.5, 1, 0, 1, 1, 1];
    expectSame("gradBatch grad", grad, want);
    const mg = f.meanGrad([1, 2], dataset);
    expectSame("meanGrad value", [mg.value], [11 / 4]);
    expectSame("meanGrad grad", mg.grad, [1.5 / 4, 1]);
    // Per-point sweeps on the same rows give the same.
    for (let r = 0; r < 4; r++) {
      const g = f.grad([1, 2], [dataset[r]!]).grad;
      expectSame(`grad at row ${r}`, g, want.slice(2 * r, 2 * r + 2));
      const t = f.jvp([1, 2], [1, 0], [dataset[r]!]).tangent;
      expectSame(`jvp along x at row ${r}`, t, [want[2 * r]!]);
    }
    f.dispose();
  });

  it("in batches: d·sqrt(x) at x = 0 with d = 0 (gradBatch, meanGrad, evalBatch)", () => {
    const f = compile({ params: 1, data: 1, engine }, ([x], [d]) => mul(d!, sqrt(x!)));
    const dataset = new Float64Array([0, 0, 0]);
    expectSame("evalBatch", f.evalBatch([0], dataset), [0, 0, 0]);
    const { grad } = f.gradBatch([0], dataset);
    expectSame("gradBatch grad", grad, [0, 0, 0]);
    expectSame("meanGrad grad", f.meanGrad([0], dataset).grad, [0]);
    expectSame("jvp", f.jvp([0], [1], [0]).tangent, [0]);
    expectSame("hvp", f.hvp([0], [1], [0]), [0]);
    f.dispose();
  });
});

describe.each(ENGINES)("derivatives at −0 on the %s engine are those at +0", (engine: EngineName) => {
  it("sqrt'(−0) = +∞ and sqrt''(−0) = −∞, in every mode", () => {
    const f = compile((x) => sqrt(x), { engine });
    expectSame("value", f.eval([-0]), [-0]);
    expectEveryMode("sqrt at −0", f, [-0], [Infinity], [-Infinity]);
    f.dispose();
  });

  it("log'(−0) = +∞ and log''(−0) = −∞, in every mode", () => {
    const f = compile((x) => log(x), { engine });
    expectSame("value", f.eval([-0]), [-Infinity]);
    expectEveryMode("log at −0", f, [-0], [Infinity], [-Infinity]);
    f.dispose();
  });

  it("in batches: sqrt(x + d) and log(x + d) at x = d = −0", () => {
    for (const op of [sqrt, log]) {
      const f = compile({ params: 1, data: 1, engine }, ([x], [d]) => op(x!.add(d!)));
      expectSame(`${op.name} gradBatch`, f.gradBatch([-0], [-0, -0]).grad, [Infinity, Infinity]);
      expectSame(`${op.name} meanGrad`, f.meanGrad([-0], [-0, -0]).grad, [Infinity]);
      expectSame(`${op.name} grad`, f.grad([-0], [-0]).grad, [Infinity]);
      f.dispose();
    }
  });
});

describe.each(ENGINES)("min and max with a NaN operand on the %s engine: NaN in, NaN out", (engine: EngineName) => {
  const cases: Array<[string, (a: Var, b: Var) => Var, number[]]> = [
    ["min(NaN, 1)", min, [NaN, 1]],
    ["min(1, NaN)", min, [1, NaN]],
    ["max(NaN, 1)", max, [NaN, 1]],
    ["max(1, NaN)", max, [1, NaN]],
    ["min(NaN, NaN)", min, [NaN, NaN]],
  ];
  for (const [label, op, x] of cases) {
    it(`${label}: value NaN and every partial NaN, in every mode`, () => {
      const f = compile((a, b) => op(a, b), { engine });
      expectSame(`${label} value`, f.eval(x), [NaN]);
      // Both partials NaN (not a route [0, 1] or [1, 0]); no second-order check (routes have H = 0).
      expectEveryMode(label, f, x, [NaN, NaN]);
      f.dispose();
    });
  }

  it("in batches: max(x, d) with d = NaN in a row", () => {
    const f = compile({ params: 1, data: 1, engine }, ([x], [d]) => max(x!, d!));
    const { value, grad } = f.gradBatch([1], [NaN, 0]);
    expectSame("gradBatch value", value, [NaN, 1]);
    expectSame("gradBatch grad", grad, [NaN, 1]);
    expectSame("meanGrad grad", f.meanGrad([1], [NaN, 0]).grad, [NaN]);
    f.dispose();
  });
});

describe("every sweep computes each partial with the same formula", () => {
  /** Points where x / y has an exact-cancellation tangent along v ∝ (x, y), and ordinary ones. */
  const points: Array<[number, number, number, number]> = [];
  for (const [x, y] of [[0.3, 0.7], [0.1, -0.1], [0.7, -0.8], [1e-3, 3.3], [-0.7, -0.2], [0.2, 0.6], [5, 0.1]] as const) {
    points.push([x, y, x, y], [x, y, 3 * x, 3 * y], [x, y, -0.5, -0.7], [x, y, 0.4, -0.3]);
  }

  for (const engine of ENGINES) {
    it(`div on the ${engine} engine: jvp, jvpMany and jacobian forward are bit-identical; so are grad, vjp, vjpMany, jacobian reverse`, () => {
      const f = compile((x, y) => div(x, y), { engine });
      for (const [x, y, vx, vy] of points) {
        const at = `x/y at (${x}, ${y}) along (${vx}, ${vy})`;
        const single = f.jvp([x, y], [vx, vy]).tangent[0]!;
        const lanes = f.jvpMany([x, y], [vx, vy, 1, 0, 0, 1], 3).tangents;
        expect.soft(Object.is(lanes[0], single), `${at}: jvp ${single} vs jvpMany lane 0 ${lanes[0]}`).toBe(true);
        const J = f.jacobian([x, y], { mode: "forward" }).data;
        const Jr = f.jacobian([x, y], { mode: "reverse" }).data;
        const g = f.grad([x, y]).grad;
        const vj = f.vjp([x, y], [1]).grad;
        const vm = f.vjpMany([x, y], [1, 2], 2).grads;
        for (let i = 0; i < 2; i++) {
          const col = f.jvp([x, y], unit(2, i)).tangent[0]!;
          expect.soft(Object.is(lanes[1 + i], col), `${at}: jvp e${i} ${col} vs jvpMany lane ${1 + i} ${lanes[1 + i]}`).toBe(true);
          expect.soft(Object.is(J[i], col), `${at}: jvp e${i} ${col} vs jacobian forward ${J[i]}`).toBe(true);
          expect.soft(Object.is(vj[i], g[i]), `${at}: grad ${g[i]} vs vjp ${vj[i]}`).toBe(true);
          expect.soft(Object.is(vm[i], g[i]), `${at}: grad ${g[i]} vs vjpMany lane 0 ${vm[i]}`).toBe(true);
          expect.soft(Object.is(vm[2 + i], 2 * g[i]!), `${at}: 2·grad ${2 * g[i]!} vs vjpMany lane 1 ${vm[2 + i]}`).toBe(true);
          expect.soft(Object.is(Jr[i], g[i]), `${at}: grad ${g[i]} vs jacobian reverse ${Jr[i]}`).toBe(true);
        }
      }
      f.dispose();
    });
  }

  it("div: the wasm and js engines agree to an ulp on every one of those tangents", () => {
    const w = compile((x, y) => div(x, y));
    const j = compile((x, y) => div(x, y), { engine: "js" });
    for (const [x, y, vx, vy] of points) {
      const a = w.jvp([x, y], [vx, vy]).tangent[0]!;
      const b = j.jvp([x, y], [vx, vy]).tangent[0]!;
      const scale = Math.abs(vx / y) + Math.abs((x * vy) / (y * y));
      expect.soft(Math.abs(a - b) <= 4 * 2 ** -52 * scale, `x/y at (${x}, ${y}) along (${vx}, ${vy}): wasm ${a}, js ${b}`).toBe(true);
    }
    w.dispose();
    j.dispose();
  });
});
