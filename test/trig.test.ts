/**
 * sin, cos and tan on the wasm engine against V8's Math.sin/cos/tan, in every sweep: values (eval),
 * first derivatives (grad, vjp, jvp), lanes (jvpMany / vjpMany with k = 8, jacobian forward and
 * reverse), second derivatives (hvp, hessian) and batches (evalBatch, gradBatch, meanGrad).
 *
 * The arguments cover every binade from 1e-300 to 1e300 in both signs, a dense sample of
 * [2^20, 2^32) (where argument reduction has been wrong: sin(2500000.1) came out with the wrong
 * sign), and multiples k·π/2 near 2^20 … 2^30 with their neighbours ±1..3 ulp.
 *
 * The spec: each result agrees with Math to ≤ 2 ulp (derived formulas such as 1 + tan² and
 * 2·tan·(1 + tan²) to the few ulp that rounding the formula adds).
 */
import { describe, expect, it } from "vitest";
import { compile, cos, sin, sum, tan, type Var } from "../src/index.js";
import { rng } from "./helpers.js";

// ---------------------------------------------------------------------------------------------
// ulp distance

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

/** A monotone integer key of a double: adjacent doubles differ by 1, −0 and +0 both map to 0. */
function orderedKey(x: number): bigint {
  f64[0] = x;
  const bits = i64[0]!;
  return bits < 0n ? -(bits & 0x7fffffffffffffffn) : bits;
}

/** How many doubles apart a and b are (0 when identical, ∞ when exactly one is NaN). */
export function ulpDistance(a: number, b: number): number {
  if (Object.is(a, b) || a === b) return 0;
  if (Number.isNaN(a) || Number.isNaN(b)) return Infinity;
  const d = orderedKey(a) - orderedKey(b);
  return Number(d < 0n ? -d : d);
}

// ---------------------------------------------------------------------------------------------
// arguments

function trigArguments(): Float64Array {
  const random = rng(20240611);
  const xs: number[] = [];
  // Every binade 2^e for 1e-300 ≲ 2^e ≲ 1e300, both signs, 52 points each (about 104,000).
  const emin = Math.floor(Math.log2(1e-300));
  const emax = Math.ceil(Math.log2(1e300));
  for (let e = emin; e <= emax; e++) {
    for (let j = 0; j < 52; j++) {
      const x = 2 ** e * (1 + random());
      if (x < 1e-300 || x > 1e300) continue;
      xs.push(j % 2 === 0 ? x : -x);
    }
  }
  // Dense in [2^20, 2^32): uniform in each binade, both signs, some with few fraction bits.
  for (let e = 20; e < 32; e++) {
    for (let j = 0; j < 1200; j++) {
      let x = 2 ** e * (1 + random());
      if (j % 4 === 1) x = Math.round(x * 10) / 10; // like 2500000.1
      if (j % 4 === 2) x = Math.round(x * 100) / 100; // like 1874839.72
      xs.push(j % 2 === 0 ? x : -x);
    }
  }
  // Multiples of π/2 near 2^20 … 2^30 and their neighbours ±1..3 ulp.
  for (let e = 20; e <= 30; e++) {
    for (let j = 0; j < 60; j++) {
      const k = Math.floor((2 ** e * (1 + random())) / (Math.PI / 2));
      const c = (k * Math.PI) / 2;
      let up = c;
      let down = c;
      xs.push(c, -c);
      for (let s = 0; s < 3; s++) {
        up = nextUp(up);
        down = nextDown(down);
        xs.push(up, down, -up, -down);
      }
    }
  }
  // A few named cases from the bug report.
  xs.push(2500000.1, 1874839.72, 2095520.8971339052, Math.PI, Math.PI / 2, 1e300, -1e300, 1e-300, 0, -0);
  return Float64Array.from(xs);
}

function nextUp(x: number): number {
  f64[0] = x;
  if (x >= 0) i64[0] = i64[0]! + 1n;
  else i64[0] = i64[0]! - 1n;
  return f64[0];
}

function nextDown(x: number): number {
  return -nextUp(-x);
}

const X = trigArguments();
const N = X.length;

// ---------------------------------------------------------------------------------------------
// expected values

type Trig = "sin" | "cos" | "tan";
const OPS: Record<Trig, (v: Var) => Var> = { sin, cos, tan };
const value: Record<Trig, (x: number) => number> = { sin: Math.sin, cos: Math.cos, tan: Math.tan };
const first: Record<Trig, (x: number) => number> = {
  sin: (x) => Math.cos(x),
  cos: (x) => -Math.sin(x),
  tan: (x) => 1 + Math.tan(x) ** 2,
};
const second: Record<Trig, (x: number) => number> = {
  sin: (x) => -Math.sin(x),
  cos: (x) => -Math.cos(x),
  tan: (x) => {
    const t = Math.tan(x);
    return 2 * t * (1 + t * t);
  },
};
/** Allowed ulp distance: 2 for Math's own functions, a few more for the formulas built on tan. */
const TOL = { value: { sin: 2, cos: 2, tan: 2 }, first: { sin: 2, cos: 2, tan: 6 }, second: { sin: 2, cos: 2, tan: 10 } };

/** Collects the arguments where `got` is more than `tol` ulp from `want`, and fails listing them. */
function check(what: string, xs: ArrayLike<number>, got: (i: number) => number, want: (x: number) => number, tol: number): void {
  const bad: string[] = [];
  let count = 0;
  let lo = Infinity;
  let hi = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    const g = got(i);
    const w = want(x);
    const d = ulpDistance(g, w);
    if (d > tol) {
      count++;
      lo = Math.min(lo, Math.abs(x));
      hi = Math.max(hi, Math.abs(x));
      if (bad.length < 8) bad.push(`x = ${x}: got ${g}, Math gives ${w} (${d} ulp)`);
    }
  }
  expect.soft(count, `${what}: ${count} of ${xs.length} arguments beyond ${tol} ulp (|x| in [${lo}, ${hi}]), e.g.\n  ${bad.join("\n  ")}`).toBe(0);
}

const ones = (n: number): Float64Array => new Float64Array(n).fill(1);

describe.each(["sin", "cos", "tan"] as const)("%s on the wasm engine agrees with Math", (name) => {
  const op = OPS[name];

  it(`in values and first derivatives of every single-direction sweep (${N} arguments)`, () => {
    const f = compile((xs) => xs.map(op), { inputs: N });
    const v = f.eval(X);
    check(`${name} eval`, X, (i) => v[i]!, value[name], TOL.value[name]);
    const jv = f.jvp(X, ones(N));
    check(`${name} jvp value`, X, (i) => jv.value[i]!, value[name], TOL.value[name]);
    check(`${name}' by jvp`, X, (i) => jv.tangent[i]!, first[name], TOL.first[name]);
    const uj = f.vjp(X, ones(N));
    check(`${name} vjp value`, X, (i) => uj.value[i]!, value[name], TOL.value[name]);
    check(`${name}' by vjp`, X, (i) => uj.grad[i]!, first[name], TOL.first[name]);
    f.dispose();

    const s = compile((xs) => sum(xs.map(op)), { inputs: N });
    const g = s.grad(X);
    check(`${name}' by grad`, X, (i) => g.grad[i]!, first[name], TOL.first[name]);
    s.dispose();
  });

  it("in the lane kernels: jvpMany and vjpMany with k = 8 and k = 2", () => {
    const f = compile((xs) => xs.map(op), { inputs: N });
    for (const k of [8, 2]) {
      const { value: vals, tangents } = f.jvpMany(X, ones(k * N), k);
      check(`${name} jvpMany value (k=${k})`, X, (i) => vals[i]!, value[name], TOL.value[name]);
      for (let l = 0; l < k; l++) {
        check(`${name}' by jvpMany lane ${l} (k=${k})`, X, (i) => tangents[l * N + i]!, first[name], TOL.first[name]);
      }
      const { grads } = f.vjpMany(X, ones(k * N), k);
      for (let l = 0; l < k; l++) {
        check(`${name}' by vjpMany lane ${l} (k=${k})`, X, (i) => grads[l * N + i]!, first[name], TOL.first[name]);
      }
    }
    f.dispose();
  });

  it("in jacobian forward and reverse (diagonal of an 8 → 8 elementwise function)", () => {
    const f = compile((xs) => xs.map(op), { inputs: 8 });
    // Every 8th argument block is plenty for a per-call API; take a spread subset of blocks.
    const blocks = Math.floor(N / 8);
    const step = Math.max(1, Math.floor(blocks / 1500));
    const xs: number[] = [];
    const fwd: number[] = [];
    const rev: number[] = [];
    const off: number[] = [];
    for (let b = 0; b < blocks; b += step) {
      const x = X.subarray(b * 8, b * 8 + 8);
      const Jf = f.jacobian(x, { mode: "forward" });
      const Jr = f.jacobian(x, { mode: "reverse" });
      for (let i = 0; i < 8; i++) {
        xs.push(x[i]!);
        fwd.push(Jf.data[i * 8 + i]!);
        rev.push(Jr.data[i * 8 + i]!);
        for (let j = 0; j < 8; j++) if (j !== i) off.push(Jf.data[i * 8 + j]!, Jr.data[i * 8 + j]!);
      }
    }
    check(`${name}' by jacobian forward`, xs, (i) => fwd[i]!, first[name], TOL.first[name]);
    check(`${name}' by jacobian reverse`, xs, (i) => rev[i]!, first[name], TOL.first[name]);
    expect(off.every((z) => z === 0)).toBe(true);
    f.dispose();
  });

  it("in second derivatives: hvp over all arguments, hessian on a subset", () => {
    const s = compile((xs) => sum(xs.map(op)), { inputs: N });
    const h = s.hvp(X, ones(N));
    check(`${name}'' by hvp`, X, (i) => h[i]!, second[name], TOL.second[name]);
    s.dispose();

    const small = compile((xs) => sum(xs.map(op)), { inputs: 8 });
    const xs: number[] = [];
    const diag: number[] = [];
    const step = Math.max(1, Math.floor(N / 8 / 500));
    for (let b = 0; b < Math.floor(N / 8); b += step) {
      const x = X.subarray(b * 8, b * 8 + 8);
      const H = small.hessian(x);
      for (let i = 0; i < 8; i++) {
        xs.push(x[i]!);
        diag.push(H.data[i * 8 + i]!);
      }
    }
    check(`${name}'' by hessian`, xs, (i) => diag[i]!, second[name], TOL.second[name]);
    small.dispose();
  });

  it("in batches: evalBatch, gradBatch and meanGrad with the argument as a data input", () => {
    // op(p + d) at p = 0: the argument is 0 + d (which is d, except −0 → +0).
    const arg = X.map((d) => 0 + d);
    const f = compile({ params: 1, data: 1 }, ([p], [d]) => [op(p!.add(d!)), op(d!)]);
    const v = f.evalBatch([0], X);
    check(`${name} evalBatch (of p + d)`, arg, (i) => v[2 * i]!, value[name], TOL.value[name]);
    check(`${name} evalBatch (of d)`, X, (i) => v[2 * i + 1]!, value[name], TOL.value[name]);
    f.dispose();

    const g = compile({ params: 1, data: 1 }, ([p], [d]) => op(p!.add(d!)));
    const gb = g.gradBatch([0], X);
    check(`${name} gradBatch value`, arg, (i) => gb.value[i]!, value[name], TOL.value[name]);
    check(`${name}' by gradBatch`, arg, (i) => gb.grad[i]!, first[name], TOL.first[name]);

    // meanGrad over blocks of 64 points: the mean of the derivatives, to summation rounding.
    const bad: string[] = [];
    let count = 0;
    for (let start = 0; start + 64 <= N; start += 64) {
      const block = X.subarray(start, start + 64);
      const mg = g.meanGrad([0], block);
      let want = 0;
      let wantV = 0;
      let scale = 0;
      let scaleV = 0;
      for (const d of block) {
        const a = 0 + d;
        want += first[name](a);
        wantV += value[name](a);
        scale += Math.abs(first[name](a));
        scaleV += Math.abs(value[name](a));
      }
      want /= 64;
      wantV /= 64;
      const tol = (64 * 2 ** -52 * scale) / 64 + Number.MIN_VALUE;
      const tolV = (64 * 2 ** -52 * scaleV) / 64 + Number.MIN_VALUE;
      const okG = !Number.isFinite(want) ? Object.is(mg.grad[0], want) : Math.abs(mg.grad[0]! - want) <= tol;
      const okV = !Number.isFinite(wantV) ? Object.is(mg.value, wantV) : Math.abs(mg.value - wantV) <= tolV;
      if (!okG || !okV) {
        count++;
        if (bad.length < 5) {
          bad.push(`block at ${start} (x = ${block[0]}, …): mean ${mg.value} vs ${wantV}, grad ${mg.grad[0]} vs ${want}`);
        }
      }
    }
    expect.soft(count, `${name} meanGrad: ${count} blocks disagree, e.g.\n  ${bad.join("\n  ")}`).toBe(0);
    g.dispose();
  });
});

describe("ulpDistance", () => {
  it("counts doubles between two numbers", () => {
    expect(ulpDistance(1, 1)).toBe(0);
    expect(ulpDistance(0, -0)).toBe(0);
    expect(ulpDistance(1, 1 + 2 ** -52)).toBe(1);
    expect(ulpDistance(-Number.MIN_VALUE, Number.MIN_VALUE)).toBe(2);
    expect(ulpDistance(NaN, NaN)).toBe(0);
    expect(ulpDistance(NaN, 1)).toBe(Infinity);
    expect(ulpDistance(nextUp(3), nextDown(3))).toBe(2);
  });
  it("has the named bug-report arguments in its sweep", () => {
    expect(Array.from(X)).toContain(2500000.1);
    expect(N).toBeGreaterThanOrEqual(100_000);
  });
});
