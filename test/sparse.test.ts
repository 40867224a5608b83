/**
 * Sparse derivatives: patterns from the tape against dense Jacobians and Hessians, colorings
 * (valid, and close to the maximum row degree on the standard patterns), compressed values
 * against the dense ones on both engines, caching, the documented rules and the edge cases.
 */
import { describe, expect, it } from "vitest";
import {
  abs, compile, cos, exp, floor, log, max, min, relu, select, sin, sqrt, square, sub, sum, tanh,
  type Compiled, type EngineName, type SparsityPattern, type Var,
} from "../src/index.js";
import { columnColoring, isColumnColoring, rowColoring, starColoring, transpose } from "../src/sparse/coloring.js";
import { sparseColors, starSources } from "../src/sparse/compressed.js";
import { patternPasses } from "../src/sparse/pattern.js";
import { replayedTape } from "../src/compiled.js";
import { ENGINES } from "./engines.js";
import { randomGraph, randomVector, rng } from "./helpers.js";

/** The pattern as a set of "r,c" keys. */
function keys(P: SparsityPattern): Set<string> {
  const s = new Set<string>();
  for (let r = 0; r < P.rows; r++) for (let k = P.rowPtr[r]!; k < P.rowPtr[r + 1]!; k++) s.add(`${r},${P.colIdx[k]}`);
  return s;
}

function checkWellFormed(P: SparsityPattern): void {
  expect(P.rowPtr.length).toBe(P.rows + 1);
  expect(P.rowPtr[0]).toBe(0);
  expect(P.rowPtr[P.rows]).toBe(P.nnz);
  expect(P.colIdx.length).toBe(P.nnz);
  for (let r = 0; r < P.rows; r++) {
    for (let k = P.rowPtr[r]!; k < P.rowPtr[r + 1]!; k++) {
      const c = P.colIdx[k]!;
      expect(c >= 0 && c < P.cols).toBe(true);
      if (k > P.rowPtr[r]!) expect(c).toBeGreaterThan(P.colIdx[k - 1]!);
    }
  }
}

/** Every nonzero (or NaN) of the dense matrix is in the pattern; with `exact`, every pattern entry is nonzero. */
function expectPatternOf(P: SparsityPattern, dense: Float64Array, exact: boolean): void {
  const inside = keys(P);
  for (let r = 0; r < P.rows; r++) {
    for (let c = 0; c < P.cols; c++) {
      const v = dense[r * P.cols + c]!;
      if (v !== 0) expect(inside.has(`${r},${c}`), `(${r}, ${c}) = ${v} is not in the pattern`).toBe(true);
      else if (exact) expect(inside.has(`${r},${c}`), `(${r}, ${c}) is 0 but in the pattern`).toBe(false);
    }
  }
}

/** The pattern's entries of a dense row-major matrix. */
function gather(P: SparsityPattern, dense: Float64Array): Float64Array {
  const out = new Float64Array(P.nnz);
  for (let r = 0; r < P.rows; r++) for (let k = P.rowPtr[r]!; k < P.rowPtr[r + 1]!; k++) out[k] = dense[r * P.cols + P.colIdx[k]!]!;
  return out;
}

function expectNear(actual: Float64Array, expected: Float64Array, rtol = 1e-10): void {
  let scale = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  expect(actual.length).toBe(expected.length);
  for (let k = 0; k < expected.length; k++) {
    const a = actual[k]!;
    const e = expected[k]!;
    if (Number.isNaN(e)) expect(a).toBeNaN();
    else expect(Math.abs(a - e), `entry ${k}: ${a} vs ${e}`).toBeLessThanOrEqual(rtol * (scale + Math.abs(e)) + 1e-300);
  }
}

function maxRowNnz(P: SparsityPattern): number {
  let d = 0;
  for (let r = 0; r < P.rows; r++) d = Math.max(d, P.rowPtr[r + 1]! - P.rowPtr[r]!);
  return d;
}

/** The recovery condition of a star coloring: proper, and every H_ij read directly from one side. */
function expectStar(H: SparsityPattern, color: Int32Array): void {
  const countIn = (r: number, c: number): number => {
    let k = 0;
    for (let e = H.rowPtr[r]!; e < H.rowPtr[r + 1]!; e++) if (color[H.colIdx[e]!] === c) k++;
    return k;
  };
  for (let i = 0; i < H.rows; i++) {
    for (let e = H.rowPtr[i]!; e < H.rowPtr[i + 1]!; e++) {
      const j = H.colIdx[e]!;
      expect(color[j]).toBeGreaterThanOrEqual(0);
      if (i === j) continue;
      expect(color[i], `${i} and ${j} are neighbors of one color`).not.toBe(color[j]);
      expect(countIn(i, color[j]!) === 1 || countIn(j, color[i]!) === 1, `H(${i}, ${j}) cannot be read directly`).toBe(true);
    }
  }
}

/** A random sparse pattern, with optional dense rows and empty rows/columns. */
function randomPattern(seed: number, rows: number, cols: number, perRow: number, denseRows = 0): SparsityPattern {
  const random = rng(seed);
  const rowPtr = new Int32Array(rows + 1);
  const all: number[] = [];
  for (let r = 0; r < rows; r++) {
    const set = new Set<number>();
    if (r < denseRows) for (let c = 0; c < cols; c++) set.add(c);
    else if (random() > 0.1) for (let k = 0; k < perRow; k++) set.add(Math.floor(random() * cols * 0.9)); // the last tenth of the columns stays empty
    const sorted = [...set].sort((a, b) => a - b);
    all.push(...sorted);
    rowPtr[r + 1] = all.length;
  }
  return { rows, cols, nnz: all.length, rowPtr, colIdx: Int32Array.from(all) };
}

/** A random symmetric pattern with its diagonal, optionally with a dense first row and column. */
function randomSymmetric(seed: number, n: number, perRow: number, arrow = false): SparsityPattern {
  const random = rng(seed);
  const rows: Set<number>[] = Array.from({ length: n }, (_, i) => new Set([i]));
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < perRow; k++) {
      const j = Math.floor(random() * n);
      rows[i]!.add(j);
      rows[j]!.add(i);
    }
    if (arrow) (rows[0]!.add(i), rows[i]!.add(0));
  }
  const rowPtr = new Int32Array(n + 1);
  const all: number[] = [];
  for (let i = 0; i < n; i++) {
    all.push(...[...rows[i]!].sort((a, b) => a - b));
    rowPtr[i + 1] = all.length;
  }
  return { rows: n, cols: n, nnz: all.length, rowPtr, colIdx: Int32Array.from(all) };
}

// Standard test functions.
const rosenbrock = (xs: Var[]): Var =>
  sum(xs.slice(1).map((x, i) => square(x.sub(square(xs[i]!))).mul(100).add(square(sub(1, xs[i]!)))));
/** A banded residual of half-bandwidth 2 (5 nonzeros per row): r_i = Σ_k c_k·x_{i+k}² + sin(x_i). */
const banded = (xs: Var[]): Var[] =>
  xs.map((x, i) => {
    let r: Var = sin(x);
    for (let k = -2; k <= 2; k++) if (i + k >= 0 && i + k < xs.length) r = r.add(square(xs[i + k]!).mul(1 + k * 0.1));
    return r;
  });
/** Σ (x₀·xᵢ)² + Σ xᵢ⁴: an arrowhead Hessian. */
const arrowhead = (xs: Var[]): Var => sum(xs.slice(1).map((x) => square(x.mul(xs[0]!)).add(square(square(x)))));
/** The 2-D grid Laplacian energy with a quartic term: the 5-point stencil Hessian. */
const grid = (side: number) => (xs: Var[]): Var => {
  const terms: Var[] = [];
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) {
      const p = xs[i * side + j]!;
      if (i + 1 < side) terms.push(square(p.sub(xs[(i + 1) * side + j]!)));
      if (j + 1 < side) terms.push(square(p.sub(xs[i * side + j + 1]!)));
      terms.push(square(square(p)).mul(0.1));
    }
  }
  return sum(terms);
};

/** Random sparse functions: each output a random expression of a few random inputs. */
function sparseGraph(seed: number, outputs: number, inputs: number) {
  return (xs: Var[]): Var[] => {
    const random = rng(seed);
    const pick = (): Var => xs[Math.floor(random() * inputs)]!;
    const outs: Var[] = [];
    for (let o = 0; o < outputs; o++) {
      const pool: Var[] = [pick(), pick()];
      const take = (): Var => pool[Math.floor(random() * pool.length)]!;
      const steps = 1 + Math.floor(random() * 6);
      for (let s = 0; s < steps; s++) {
        const kind = Math.floor(random() * 12);
        const u = take();
        const w = random() < 0.3 ? pick() : take();
        pool.push(
          kind === 0 ? u.add(w) : kind === 1 ? u.mul(w) : kind === 2 ? sin(u) : kind === 3 ? exp(tanh(u))
            : kind === 4 ? square(u).sub(w) : kind === 5 ? log(square(u).add(1)) : kind === 6 ? u.div(square(w).add(1))
              : kind === 7 ? select(u.gt(w), u.mul(u), w.mul(3)) : kind === 8 ? max(u, w).mul(cos(u))
                : kind === 9 ? relu(u).add(abs(w)) : kind === 10 ? floor(u).mul(w) : sqrt(square(u).add(w.mul(w)).add(1)),
        );
      }
      const all = sum(pool.slice(2)); // every node used, so no select's comparison goes unused
      outs.push(random() < 0.05 ? all.mul(0).add(floor(take())) : all);
    }
    return outs;
  };
}

describe("sparsity patterns", () => {
  it("are supersets of the dense Jacobian's nonzeros on random graphs, exact where nothing cancels", () => {
    for (let seed = 1; seed <= 30; seed++) {
      const n = 12;
      const m = 1 + (seed % 10);
      const f = compile(sparseGraph(seed, m, n), { inputs: n });
      const P = f.jacobianSparsity();
      checkWellFormed(P);
      expect([P.rows, P.cols]).toEqual([m, n]);
      for (let t = 0; t < 3; t++) expectPatternOf(P, f.jacobian(randomVector(rng(seed * 7 + t), n, -2, 2)).data, false);
      f.dispose();
    }
    // randomGraph (dense-ish, many shared nodes) and several outputs
    for (let seed = 1; seed <= 20; seed++) {
      const f = compile(randomGraph(seed, 30, 4), { inputs: 6 });
      const P = f.jacobianSparsity();
      checkWellFormed(P);
      expectPatternOf(P, f.jacobian(randomVector(rng(seed), 6)).data, false);
      f.dispose();
    }
  });

  it("equal the nonzeros exactly on the standard functions", () => {
    const n = 16;
    const x = randomVector(rng(3), n, 0.5, 1.5);
    const b = compile(banded, { inputs: n });
    expectPatternOf(b.jacobianSparsity(), b.jacobian(x).data, true);
    expect(b.jacobianSparsity().nnz).toBe(5 * n - 6);
    const r = compile(rosenbrock, { inputs: n });
    expectPatternOf(r.hessianSparsity(), r.hessian(x).data, true);
    expect(r.hessianSparsity().nnz).toBe(3 * n - 2);
    const a = compile(arrowhead, { inputs: n });
    expectPatternOf(a.hessianSparsity(), a.hessian(x).data, true);
    const g = compile(grid(4), { inputs: 16 });
    expectPatternOf(g.hessianSparsity(), g.hessian(x).data, true);
    for (const f of [b, r, a, g]) checkWellFormed(f.hessianSparsity());
  });

  it("give Hessian supersets on random graphs (the union over outputs for several)", () => {
    for (let seed = 1; seed <= 30; seed++) {
      const n = 10;
      const single = compile((xs) => sum(sparseGraph(seed, 4, n)(xs)), { inputs: n });
      const H = single.hessianSparsity();
      checkWellFormed(H);
      expect(keys(H)).toEqual(keys(transpose(H)));
      for (let t = 0; t < 3; t++) expectPatternOf(H, single.hessian(randomVector(rng(seed + 100 * t), n, -2, 2)).data, false);
      // several outputs: the union over them, which is the pattern of their sum
      const many = compile(sparseGraph(seed, 4, n), { inputs: n });
      expect(keys(many.hessianSparsity())).toEqual(keys(H));
      const dense = compile(randomGraph(seed, 30), { inputs: 5 });
      expectPatternOf(dense.hessianSparsity(), dense.hessian(randomVector(rng(seed), 5)).data, false);
      for (const f of [single, many, dense]) f.dispose();
    }
  });

  it("follow the documented rules: select both branches, comparisons nothing, piecewise ops structural", () => {
    const pattern = (f: Compiled): number[][] => {
      const P = f.jacobianSparsity();
      return Array.from({ length: P.rows }, (_, r) => Array.from(P.colIdx.subarray(P.rowPtr[r]!, P.rowPtr[r + 1]!)));
    };
    // select: both branches, not the condition
    expect(pattern(compile((x, y, z, w) => select(x.gt(y), x.mul(z), w)))).toEqual([[0, 2, 3]]);
    // comparisons: no dependence; floor/round/sign: their operand (derivative 0, NaN at NaN)
    expect(pattern(compile((x, y) => [x.gt(y), floor(x), x.lt(y).mul(y)]))).toEqual([[], [0], [1]]);
    // relu, abs, min, max: every operand, wherever the point is
    const p = compile((x, y, z) => [relu(x), min(x, y), max(y, z).add(abs(z))]);
    expect(pattern(p)).toEqual([[0], [0, 1], [1, 2]]);
    expect(p.sparseJacobian([-1, 2, 3]).data).toEqual(new Float64Array([0, 1, 0, 0, 2]));
    // Hessians: piecewise ops and select add no second-order term of their own
    const h = compile((x, y, z) => relu(x.mul(y)).add(select(z.gt(0), square(z), x)));
    expect([...keys(h.hessianSparsity())].sort()).toEqual(["0,1", "1,0", "2,2"]);
    const hx = [1, 2, -3];
    expect(h.sparseHessian(hx).data).toEqual(new Float64Array([1, 1, 0]));
  });
});

describe("a NaN derivative stays in its entry", () => {
  // floor(log(x1)) at x1 = −1: floor's derivative is NaN there (NaN in, NaN out). With floor counted
  // as depending on nothing, the NaN lay outside the pattern and the compressed sweeps added it into
  // other entries: a forward sparseJacobian gave NaN for ∂out0/∂x0 = 1, a reverse one for ∂out1/∂x1 = 1.
  it.each(["wasm", "js"] as const)("sparseJacobian equals the dense Jacobian at a NaN point (%s engine)", (engine) => {
    const f = compile((x0, x1) => [x0.add(floor(log(x1))), x1], { engine });
    const x = [2, -1];
    for (const mode of ["forward", "reverse"] as const) {
      const dense = f.jacobian(x, { mode });
      const sparse = f.sparseJacobian(x, { mode });
      const P = f.jacobianSparsity();
      for (let r = 0; r < P.rows; r++) {
        for (let k = P.rowPtr[r]!; k < P.rowPtr[r + 1]!; k++) {
          expect(sparse.data[k], `${mode} (${r}, ${P.colIdx[k]})`).toBe(dense.data[r * dense.cols + P.colIdx[k]!]);
        }
      }
      // and every entry outside the pattern is exactly 0 in the dense Jacobian
      const inside = new Set<number>();
      for (let r = 0; r < P.rows; r++) for (let k = P.rowPtr[r]!; k < P.rowPtr[r + 1]!; k++) inside.add(r * P.cols + P.colIdx[k]!);
      dense.data.forEach((v, i) => { if (!inside.has(i)) expect(v).toBe(0); });
    }
  });
});

describe("colorings", () => {
  it("are valid on random patterns, dense rows and empty rows/columns included", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const P = randomPattern(seed, 30 + seed, 40, 1 + (seed % 5), seed % 4 === 0 ? 1 : 0);
      const T = transpose(P);
      const columns = columnColoring(P);
      expect(isColumnColoring(P, columns)).toBe(true);
      const rows = rowColoring(P);
      expect(isColumnColoring(T, rows)).toBe(true);
      for (let c = 0; c < P.cols; c++) expect(columns.color[c]! < 0).toBe(T.rowPtr[c] === T.rowPtr[c + 1]);
      if (seed % 4 === 0) expect(columns.count).toBe(new Set(P.colIdx).size); // a dense row: all distinct
      const H = randomSymmetric(seed, 30 + seed, 1 + (seed % 3), seed % 3 === 0);
      const star = starColoring(H);
      expectStar(H, star.color);
      expect(() => starSources(H, star)).not.toThrow();
    }
  });

  it("are valid with long rows (kept as color sets rather than scanned)", () => {
    for (let seed = 1; seed <= 10; seed++) {
      const P = randomPattern(seed, 60, 300, 20 + 15 * seed, seed % 3);
      const columns = columnColoring(P);
      expect(isColumnColoring(P, columns)).toBe(true);
      expect(columns.count).toBeGreaterThanOrEqual(maxRowNnz(P));
      if (seed % 3 !== 0) expect(columns.count).toBe(new Set(P.colIdx).size);
      expect(isColumnColoring(transpose(P), rowColoring(P))).toBe(true);
    }
    // one dense row of a long gradient: n colors in forward mode, found in linear time
    const n = 200_000;
    const gradient = { rows: 1, cols: n, nnz: n, rowPtr: Int32Array.of(0, n), colIdx: Int32Array.from({ length: n }, (_, i) => i) };
    const started = performance.now();
    expect(columnColoring(gradient).count).toBe(n);
    expect(rowColoring(gradient).count).toBe(1);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it("use about the maximum row degree on the standard patterns", () => {
    const n = 200;
    const b = compile(banded, { inputs: n });
    expect(sparseColors(internalTape(b)).forward).toBe(5);
    expect(sparseColors(internalTape(b)).reverse).toBe(5);
    const r = compile(rosenbrock, { inputs: n });
    expect(sparseColors(internalTape(r)).hessian).toBeLessThanOrEqual(3);
    const a = compile(arrowhead, { inputs: n });
    expect(sparseColors(internalTape(a)).hessian).toBe(2); // a distance-2 coloring would need n
    const g = compile(grid(12), { inputs: 144 });
    const degree = maxRowNnz(g.hessianSparsity());
    expect(degree).toBe(5);
    expect(sparseColors(internalTape(g)).hessian).toBeLessThanOrEqual(degree);
    const r2 = compile(rosenbrock, { inputs: 50 });
    expectStar(r2.hessianSparsity(), starColoring(r2.hessianSparsity()).color);
  });
});

const internalTape = (f: Compiled) => replayedTape(f)!;

describe("compressed evaluation", () => {
  it.each(ENGINES)("sparseJacobian equals the dense Jacobian's entries bit for bit in each mode (%s)", (engine: EngineName) => {
    for (let seed = 1; seed <= 25; seed++) {
      const n = 15;
      const m = 1 + (seed % 12);
      const f = compile(sparseGraph(seed, m, n), { inputs: n, engine });
      const P = f.jacobianSparsity();
      for (let t = 0; t < 2; t++) {
        const x = randomVector(rng(seed * 3 + t), n, -2, 2);
        for (const mode of ["forward", "reverse"] as const) {
          const s = f.sparseJacobian(x, { mode });
          expect(s.mode).toBe(mode);
          expect(s.data).toEqual(gather(P, f.jacobian(x, { mode }).data));
          expect(s.value).toEqual(f.eval(x));
        }
        const auto = f.sparseJacobian(x);
        expect(auto.data).toEqual(gather(P, f.jacobian(x, { mode: auto.mode }).data));
      }
      f.dispose();
    }
  });

  it.each(ENGINES)("sparseHessian equals the dense Hessian's entries on random and standard functions (%s)", (engine: EngineName) => {
    for (let seed = 1; seed <= 25; seed++) {
      const n = 12;
      const f = compile((xs: Var[]) => sum(sparseGraph(seed, 5, n)(xs)), { inputs: n, engine });
      const H = f.hessianSparsity();
      const x = randomVector(rng(seed), n, -2, 2);
      const s = f.sparseHessian(x);
      expectNear(s.data, gather(H, f.hessian(x).data));
      expect(s.value).toBe(f.eval(x)[0]);
      f.dispose();
    }
    const x = randomVector(rng(9), 144, 0.5, 1.5);
    for (const [fn, size] of [[rosenbrock, 40], [arrowhead, 40], [grid(12), 144]] as const) {
      const f = compile(fn, { inputs: size, engine });
      const H = f.hessianSparsity();
      const s = f.sparseHessian(x.subarray(0, size));
      expectNear(s.data, gather(H, f.hessian(x.subarray(0, size)).data));
      // exactly symmetric: H_ij and H_ji are the same number
      const T = transpose(H);
      expect(T.colIdx).toEqual(H.colIdx);
      const at = new Map<string, number>();
      for (let r = 0; r < H.rows; r++) for (let k = H.rowPtr[r]!; k < H.rowPtr[r + 1]!; k++) at.set(`${r},${H.colIdx[k]}`, s.data[k]!);
      for (const [key, v] of at) expect(at.get(key.split(",").reverse().join(","))).toBe(v);
      f.dispose();
    }
  });

  it.each(ENGINES)("works on banded residuals, both modes, and picks by color count (%s)", (engine: EngineName) => {
    const n = 300;
    const f = compile(banded, { inputs: n, engine });
    const x = randomVector(rng(1), n);
    const P = f.jacobianSparsity();
    const dense = gather(P, f.jacobian(x, { mode: "forward" }).data);
    const s = f.sparseJacobian(x);
    expect(s.colors).toBe(5);
    expect(s.mode).toBe("forward");
    expect(s.data).toEqual(dense);
    expectNear(f.sparseJacobian(x, { mode: "reverse" }).data, dense, 1e-14);
  });

  it("caches the pattern and colorings: later calls run no propagation pass", () => {
    const f = compile(banded, { inputs: 50 });
    const x = randomVector(rng(2), 50);
    const before = patternPasses;
    f.sparseJacobian(x);
    expect(patternPasses).toBe(before + 1);
    f.sparseJacobian(randomVector(rng(3), 50));
    f.sparseJacobian(x, { mode: "reverse" });
    f.jacobianSparsity();
    expect(patternPasses).toBe(before + 1);
    const g = compile(rosenbrock, { inputs: 50 });
    g.sparseHessian(x);
    g.sparseHessian(randomVector(rng(4), 50));
    g.hessianSparsity();
    g.jacobianSparsity(); // computed by the Hessian pass too
    g.sparseJacobian(x);
    expect(patternPasses).toBe(before + 2);
    // a returned pattern is a copy: editing it changes nothing
    const P = f.jacobianSparsity();
    P.colIdx.fill(0);
    P.rowPtr.fill(0);
    expect(f.jacobianSparsity().colIdx[1]).toBe(1);
  });
});

describe("edge cases", () => {
  it.each(ENGINES)("empty rows and columns, outputs that depend on no input, a dense row (%s)", (engine: EngineName) => {
    const n = 40;
    // output 0: constant; output 1: a comparison only; output 2: dense row; the rest banded; input n−1 unused
    const f = compile((xs: Var[]) => [
      7,
      xs[0]!.gt(xs[1]!),
      sum(xs.slice(0, n - 1).map((x) => square(x))),
      ...banded(xs.slice(0, n - 1)),
    ], { inputs: n, engine });
    const constant = compile((x, y) => [x.gt(y), y.lt(x).add(1)], { engine }); // comparisons: no dependence
    const P = f.jacobianSparsity();
    checkWellFormed(P);
    expect(P.rowPtr[2]).toBe(0);
    expect(P.rowPtr[3]! - P.rowPtr[2]!).toBe(n - 1);
    expect(new Set(P.colIdx).has(n - 1)).toBe(false);
    const x = randomVector(rng(5), n);
    for (const mode of ["forward", "reverse", "auto"] as const) {
      const s = f.sparseJacobian(x, { mode });
      expect(s.data).toEqual(gather(P, f.jacobian(x, { mode: s.mode }).data));
    }
    expect(f.sparseJacobian(x, { mode: "forward" }).colors).toBe(n - 1); // the dense row: every column its own color
    expect(f.sparseJacobian(x).mode).toBe("reverse");
    // nothing depends on anything: no sweep, the values still come back
    expect(constant.jacobianSparsity()).toEqual({ rows: 2, cols: 2, nnz: 0, rowPtr: new Int32Array(3), colIdx: new Int32Array(0) });
    const s = constant.sparseJacobian([2, 1]);
    expect(s).toEqual({ data: new Float64Array(0), value: new Float64Array([1, 2]), mode: "forward", colors: 0 });
    const flat = compile((x, y) => floor(x).add(y.gt(0)), { engine });
    expect(flat.hessianSparsity().nnz).toBe(0);
    expect(flat.sparseHessian([1.5, 1])).toEqual({ data: new Float64Array(0), value: 2, colors: 0 });
    // linear: a Jacobian but no Hessian
    const linear = compile((x, y) => x.mul(2).sub(y), { engine });
    expect(linear.hessianSparsity().nnz).toBe(0);
    expect(linear.sparseJacobian([1, 1]).data).toEqual(new Float64Array([2, -1]));
  });

  it.each(ENGINES)("functions with data inputs (%s)", (engine: EngineName) => {
    const f = compile({ params: 3, data: 2, engine }, ([a, b, c], [u, w]) => [a.mul(u).add(square(b)), c.mul(w).mul(c)]);
    expect(keys(f.jacobianSparsity())).toEqual(new Set(["0,0", "0,1", "1,2"]));
    const s = f.sparseJacobian([1, 2, 3], { data: [5, 7] });
    expect(s.data).toEqual(new Float64Array([5, 4, 42]));
    const g = compile({ params: 2, data: 1, engine }, ([a, b], [u]) => a.mul(b).mul(u));
    expect(g.sparseHessian([1, 2], { data: [3] }).data).toEqual(new Float64Array([3, 3]));
    expect(() => g.sparseHessian([1, 2])).toThrow(/data inputs/);
  });

  it("is cheap on long tapes: chain sums in either order, a dense Hessian", () => {
    const n = 100_000;
    const forward = compile((xs) => sum(xs.map((x) => square(x))), { inputs: n });
    const started = performance.now();
    const H = forward.hessianSparsity();
    expect(H.nnz).toBe(n);
    expect(forward.jacobianSparsity().nnz).toBe(n);
    const backward = compile((xs) => sum(xs.slice().reverse().map((x) => sin(x))), { inputs: n });
    expect(backward.jacobianSparsity().nnz).toBe(n);
    expect(performance.now() - started).toBeLessThan(5000);
    const dense = compile((xs) => square(sum(xs)), { inputs: 300 });
    expect(dense.hessianSparsity().nnz).toBe(300 * 300);
    const x = randomVector(rng(1), 300);
    expectNear(dense.sparseHessian(x).data, dense.hessian(x).data);
  });

  it("keeps a large index set that several nodes share intact (no in-place union while shared)", () => {
    const n = 500;
    const f = compile((xs: Var[]) => {
      const s = sum(xs.slice(0, 300)); // a big set, then used by three nodes
      const t = sum(xs.slice(200).reverse()); // built from the back: sorted merges, then a bit set
      return [s.mul(2), s.add(xs[499]!), s, t, t.add(s), xs[7]!.add(t)];
    }, { inputs: n });
    const P = f.jacobianSparsity();
    const row = (r: number): number[] => Array.from(P.colIdx.subarray(P.rowPtr[r]!, P.rowPtr[r + 1]!));
    const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
    expect(row(0)).toEqual(range(0, 300));
    expect(row(1)).toEqual([...range(0, 300), 499]);
    expect(row(2)).toEqual(range(0, 300));
    expect(row(3)).toEqual(range(200, 500));
    expect(row(4)).toEqual(range(0, 500));
    expect(row(5)).toEqual([7, ...range(200, 500)]);
  });

  it("validates its arguments like jacobian() and hessian()", () => {
    const f = compile((x, y) => [x.mul(y), x]);
    expect(() => f.sparseJacobian([1, 2], { mdoe: "forward" } as never)).toThrow(/unknown option "mdoe" \(did you mean "mode"\?\)/);
    expect(() => f.sparseJacobian([1, 2], { mode: "sideways" as never })).toThrow(/mode must be "auto", "forward" or "reverse"/);
    expect(() => f.sparseJacobian([1])).toThrow(/sparseJacobian\(x\): x must have 2 elements/);
    expect(() => f.sparseJacobian([1, 2], { data: [1] })).toThrow(/no data inputs/);
    expect(() => f.sparseHessian([1, 2])).toThrow(/sparseHessian\(x\) needs a scalar function/);
    expect(() => f.sparseHessian([1, 2], { dat: [] } as never)).toThrow(/unknown option "dat"/);
    expect(() => f.sparseJacobian([1, 2], null as never)).toThrow(/options must be an object/);
    f.dispose();
    expect(() => f.jacobianSparsity()).toThrow(/disposed/);
    expect(() => f.hessianSparsity()).toThrow(/disposed/);
    expect(() => f.sparseJacobian([1, 2])).toThrow(/disposed/);
    expect(() => f.sparseHessian([1, 2])).toThrow(/disposed/);
  });
});
