/**
 * Stress cases for the JIT tier (src/jit/) beyond test/jit.test.ts: large random graphs (values and
 * adjoints living past the 32-node window, the batch sweeps' 8-node window and the 4,096-node chunk
 * border), many and odd outputs (inputs, data, constants, duplicates, an output with dead code
 * after it), data inputs, select chains, methods called in random order (state left by one method
 * for the next), batch calls of every block shape (1, 2, 3, 63, 64, 65, 127, 1000 points) with NaN
 * in the data, and "auto" switching mid-stream. Compiled against interpreted, bit for bit.
 * JIT_STRESS (graphs per case) and JIT_STRESS_SEED scale it for fuzz campaigns.
 */
import { describe, expect, it } from "vitest";
import * as tg from "../src/index.js";
import type { Compiled, Var } from "../src/index.js";
import { autoCalls } from "../src/jit/tier.js";
import { CHUNK } from "../src/jit/plan.js";
import { BINARY, COMPARE, CONSTANTS, EXPONENTS, UNARY, randomPoint, fmt, replayNodes, type GNode, type Ref } from "./fuzz-graphs.js";
import { rng } from "./helpers.js";

const COUNT = Number(process.env.JIT_STRESS ?? 1);
const SEED = Number(process.env.JIT_STRESS_SEED ?? 0);

/** A graph of params + data inputs (value indices params … params + data − 1 are data). */
interface SGraph {
  params: number;
  data: number;
  nodes: GNode[];
  outputs: Ref[];
}

const BOUNDED_UNARY = ["sin", "cos", "tanh", "sigmoid", "atan", "erf", "abs", "relu", "neg", "square", "softplus", "sign", "floor"];
const BOUNDED_BINARY = ["add", "sub", "mul", "min", "max", "atan2", "hypot"];

/**
 * A random graph of `size` nodes. Operands: recent nodes, nodes at the windows' borders (4, 8, 32),
 * far ones, ones just before the current chunk, inputs, data, constants. "bounded" keeps values
 * in a few units (sin, tanh, … after every growing op), "any" uses every op.
 */
function bigGraph(random: () => number, size: number, params: number, data: number, kind: "bounded" | "any", singleOutput: boolean): SGraph {
  const inputs = params + data;
  const nodes: GNode[] = [];
  const comparisons: number[] = [];
  const pickV = (): number => {
    const count = inputs + nodes.length;
    const i = count; // the index of the node being made
    const r = random();
    const back = (d: number): number => Math.max(0, i - d);
    if (r < 0.35) return back(1 + Math.floor(random() * 3));
    if (r < 0.45) return back(30 + Math.floor(random() * 6));
    if (r < 0.5) return back(3 + Math.floor(random() * 4));
    if (r < 0.55) return back(7 + Math.floor(random() * 4));
    if (r < 0.7) return Math.floor(random() * count);
    if (r < 0.8) {
      const inChunk = (i - inputs) % CHUNK;
      return back(inChunk + 1 + Math.floor(random() * 40));
    }
    if (r < 0.88) return Math.floor(random() * inputs);
    return back(1 + Math.floor(random() * 64));
  };
  const pick = (): Ref => (random() < 0.07 ? { c: CONSTANTS[Math.floor(random() * CONSTANTS.length)]! } : { v: pickV() });
  for (let k = 0; k < size; k++) {
    const r = random();
    let node: GNode;
    if (random() < 0.03) {
      // A burst, like a dense layer: several values live in locals at once, then combined in pairs.
      const width = 6 + Math.floor(random() * 6);
      const first = inputs + nodes.length;
      for (let j = 0; j < width; j++) nodes.push({ op: BOUNDED_UNARY[Math.floor(random() * BOUNDED_UNARY.length)]!, args: [{ v: pickV() }] });
      for (let j = 0; j + 1 < width; j += 2) nodes.push({ op: BOUNDED_BINARY[Math.floor(random() * 3)]!, args: [{ v: first + j }, { v: first + j + 1 }] });
      k += width + Math.floor(width / 2) - 1;
      continue;
    }
    if (r < 0.4) {
      const list = kind === "bounded" ? BOUNDED_UNARY : UNARY;
      node = { op: list[Math.floor(random() * list.length)]!, args: [{ v: pickV() }] };
    } else if (r < 0.72) {
      const list = kind === "bounded" ? BOUNDED_BINARY : BINARY;
      node = { op: list[Math.floor(random() * list.length)]!, args: [{ v: pickV() }, pick()] };
      if (random() < 0.3) node.args.reverse();
    } else if (r < 0.77) {
      node = { op: "powc", args: [{ v: pickV() }, { c: kind === "bounded" ? [2, 3, 0, 1][Math.floor(random() * 4)]! : EXPONENTS[Math.floor(random() * EXPONENTS.length)]! }] };
    } else if (r < 0.85) {
      node = { op: COMPARE[Math.floor(random() * COMPARE.length)]!, args: [{ v: pickV() }, pick()] };
      comparisons.push(inputs + nodes.length);
    } else {
      // select: often on a recent comparison, often chained on the previous select
      const cond: Ref = comparisons.length > 0 && random() < 0.7 ? { v: comparisons[comparisons.length - 1 - Math.floor(random() * Math.min(3, comparisons.length))]! } : { v: pickV() };
      const prev = inputs + nodes.length - 1;
      const t: Ref = random() < 0.4 && nodes.length > 0 && nodes[nodes.length - 1]!.op === "select" ? { v: prev } : { v: pickV() };
      node = { op: "select", args: [cond, t, pick()] };
      if (random() < 0.3) node.args = [node.args[0]!, node.args[2]!, node.args[1]!];
    }
    if (kind === "bounded" && ["mul", "add", "sub", "hypot", "square", "powc"].includes(node.op) && random() < 0.7) {
      nodes.push(node);
      node = { op: random() < 0.5 ? "tanh" : "sin", args: [{ v: inputs + nodes.length - 1 }] };
      k++;
    }
    nodes.push(node);
  }
  const total = inputs + nodes.length;
  const outputs: Ref[] = [];
  if (singleOutput) {
    const r = random();
    // Output 0: the last node, or one with dead code after it, or a leaf, or a constant.
    if (r < 0.6) outputs.push({ v: total - 1 });
    else if (r < 0.8) outputs.push({ v: inputs + Math.floor(random() * nodes.length) });
    else if (r < 0.9) outputs.push({ v: Math.floor(random() * inputs) });
    else outputs.push({ c: CONSTANTS[Math.floor(random() * CONSTANTS.length)]! });
  } else {
    const m = 2 + Math.floor(random() * (random() < 0.2 ? 60 : 8));
    outputs.push({ v: total - 1 });
    for (let j = 1; j < m; j++) {
      const r = random();
      if (r < 0.5) outputs.push({ v: inputs + Math.floor(random() * nodes.length) });
      else if (r < 0.65) outputs.push({ v: Math.floor(random() * inputs) });
      else if (r < 0.75) outputs.push({ c: CONSTANTS[Math.floor(random() * CONSTANTS.length)]! });
      else outputs.push(outputs[Math.floor(random() * outputs.length)]!); // a duplicate
    }
  }
  // compile() refuses a comparison no output uses: those not reached become subtractions (or, with
  // several outputs, outputs).
  const used = new Uint8Array(total);
  const mark = (): void => {
    for (let v = total - 1; v >= inputs; v--) {
      if (used[v] === 0) continue;
      for (const arg of nodes[v - inputs]!.args) if ("v" in arg) used[arg.v] = 1;
    }
  };
  for (const o of outputs) if ("v" in o) used[o.v] = 1;
  mark();
  for (const c of comparisons) {
    if (used[c] === 1) continue;
    if (singleOutput) nodes[c - inputs]!.op = "sub";
    else {
      outputs.push({ v: c });
      used[c] = 1;
      mark();
    }
  }
  return { params, data, nodes, outputs };
}

function build(g: SGraph): (p: Var[], d: Var[]) => Var[] {
  return (p: Var[], d: Var[]) => {
    const vals: Var[] = [...p, ...d];
    replayNodes(g.nodes, vals);
    return g.outputs.map((o) => ("c" in o ? tg.constant(o.c) : vals[o.v]!));
  };
}

/** The graph as code (for a failure's message; only small graphs are printed whole). */
function show(g: SGraph): string {
  if (g.nodes.length > 60) return `(${g.nodes.length} nodes, ${g.outputs.length} outputs)`;
  const name = (r: Ref): string => ("c" in r ? fmt(r.c) : r.v < g.params ? `p[${r.v}]` : r.v < g.params + g.data ? `d[${r.v - g.params}]` : `v${r.v}`);
  const lines = g.nodes.map((n, k) => `  const v${g.params + g.data + k} = ${n.op === "powc" ? "pow" : n.op}(${n.args.map(name).join(", ")});`);
  return `compile({ params: ${g.params}, data: ${g.data} }, (p, d) => {\n${lines.join("\n")}\n  return [${g.outputs.map((o) => ("c" in o ? `constant(${fmt(o.c)})` : name(o))).join(", ")}];\n})`;
}

function same(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      throw new Error(`${what}, element ${i}: compiled ${String(actual[i])} vs interpreted ${String(expected[i])}`);
    }
  }
}

const point = (random: () => number, n: number): Float64Array => randomPoint(random, n, random() < 0.5 ? "ordinary" : "edge");

/** One random covered call on both functions, compared. */
function oneCall(a: Compiled, b: Compiled, g: SGraph, random: () => number, what: string): void {
  const x = point(random, g.params);
  const d = point(random, g.data);
  // With no data inputs, an array after x (or u, v) would be the output array.
  const D = (g.data > 0 ? [d] : []) as [];
  const at = `${what} at p = [${Array.from(x).map(fmt).join(", ")}], d = [${Array.from(d).map(fmt).join(", ")}]`;
  const r = random();
  if (r < 0.25) same(a.eval(x, ...D), b.eval(x, ...D), `${at}: eval`);
  else if (r < 0.45 && a.outputs === 1) {
    const [p, q] = [a.grad(x, ...D), b.grad(x, ...D)];
    same([p.value], [q.value], `${at}: grad value`);
    same(p.grad, q.grad, `${at}: grad`);
  } else if (r < 0.7) {
    const u = point(random, a.outputs);
    const [p, q] = [a.vjp(x, u, ...D), b.vjp(x, u, ...D)];
    same(p.value, q.value, `${at}: vjp value, u = [${Array.from(u).map(fmt).join(", ")}]`);
    same(p.grad, q.grad, `${at}: vjp, u = [${Array.from(u).map(fmt).join(", ")}]`);
  } else if (r < 0.8 && g.params <= 4) {
    // The interpreted methods after compiled calls: they set the point with the interpreter's forward.
    const k = 1 + Math.floor(random() * 3);
    const r2 = random();
    if (r2 < 0.3) {
      const mode: "forward" | "reverse" = random() < 0.5 ? "forward" : "reverse";
      const opts = g.data > 0 ? { mode, data: d } : { mode };
      same(a.jacobian(x, opts).data, b.jacobian(x, opts).data, `${at}: jacobian ${mode}`);
    } else if (r2 < 0.5) {
      const V = point(random, k * g.params);
      same(a.jvpMany(x, V, k, g.data > 0 ? d : undefined).tangents, b.jvpMany(x, V, k, g.data > 0 ? d : undefined).tangents, `${at}: jvpMany`);
    } else if (r2 < 0.7) {
      const U = point(random, k * a.outputs);
      same(a.vjpMany(x, U, k, g.data > 0 ? d : undefined).grads, b.vjpMany(x, U, k, g.data > 0 ? d : undefined).grads, `${at}: vjpMany`);
    } else if (a.outputs === 1) {
      if (random() < 0.5) same(a.hessian(x, g.data > 0 ? d : undefined).data, b.hessian(x, g.data > 0 ? d : undefined).data, `${at}: hessian`);
      else {
        const v = point(random, g.params);
        same(a.hvp(x, v, ...D), b.hvp(x, v, ...D), `${at}: hvp`);
      }
    }
  } else {
    const v = point(random, g.params);
    const [p, q] = [a.jvp(x, v, ...D), b.jvp(x, v, ...D)];
    same(p.value, q.value, `${at}: jvp value, v = [${Array.from(v).map(fmt).join(", ")}]`);
    same(p.tangent, q.tangent, `${at}: jvp, v = [${Array.from(v).map(fmt).join(", ")}]`);
  }
}

const COUNTS = [1, 2, 3, 63, 64, 65, 127, 1000];

/** One batch call of `count` points on both functions, compared; some rows hold NaN or ±∞. */
function oneBatch(a: Compiled, b: Compiled, g: SGraph, count: number, random: () => number, what: string): void {
  const theta = point(random, g.params);
  const rows = new Float64Array(count * g.data);
  for (let r = 0; r < count; r++) rows.set(random() < 0.9 ? randomPoint(random, g.data, "ordinary") : point(random, g.data), r * g.data);
  if (g.data > 0 && random() < 0.2) rows[Math.floor(random() * rows.length)] = [NaN, Infinity, -Infinity][Math.floor(random() * 3)]!;
  const at = `${what}, ${count} points, θ = [${Array.from(theta).map(fmt).join(", ")}]`;
  const r = random();
  if (r < 0.3 || a.outputs !== 1) same(a.evalBatch(theta, rows), b.evalBatch(theta, rows), `${at}: evalBatch`);
  else if (r < 0.65) {
    const [p, q] = [a.gradBatch(theta, rows), b.gradBatch(theta, rows)];
    same(p.value, q.value, `${at}: gradBatch values`);
    same(p.grad, q.grad, `${at}: gradBatch`);
  } else {
    const [p, q] = [a.meanGrad(theta, rows), b.meanGrad(theta, rows)];
    same([p.value], [q.value], `${at}: meanGrad value`);
    same(p.grad, q.grad, `${at}: meanGrad`);
  }
}

function pair(g: SGraph, jit: true | "auto"): [Compiled, Compiled] {
  const fn = build(g);
  const spec = { params: g.params, data: g.data };
  return [compile(jit === true ? { ...spec, jit: true } : spec, fn), compile({ ...spec, jit: false }, fn)];
}
const compile = tg.compile as (spec: { params: number; data: number; jit?: boolean | "auto" }, fn: (p: Var[], d: Var[]) => Var[]) => Compiled;

describe("JIT stress: compiled equals interpreted", () => {
  it("on large graphs across the windows and a chunk border, many outputs, methods in random order", () => {
    const random = rng(1001 + SEED);
    for (let k = 0; k < 3 * COUNT; k++) {
      const size = [50, 300, 1200, CHUNK + 300][k % 4]!;
      const g = bigGraph(random, size, 1 + Math.floor(random() * 4), Math.floor(random() * 3), random() < 0.7 ? "bounded" : "any", random() < 0.4);
      const [a, b] = pair(g, true);
      for (let c = 0; c < 12; c++) oneCall(a, b, g, random, `graph ${k}: ${show(g)}`);
      a.dispose();
      b.dispose();
    }
  });

  it("batch calls of every block shape, in random order, with NaN data", () => {
    const random = rng(2002 + SEED);
    for (let k = 0; k < 6 * COUNT; k++) {
      const size = [8, 40, 200, 900][k % 4]!;
      const g = bigGraph(random, size, 1 + Math.floor(random() * 3), 1 + Math.floor(random() * 3), random() < 0.7 ? "bounded" : "any", random() < 0.8);
      const [a, b] = pair(g, true);
      for (let c = 0; c < 8; c++) {
        const count = random() < 0.8 ? COUNTS[Math.floor(random() * COUNTS.length)]! : 1 + Math.floor(random() * 300);
        oneBatch(a, b, g, count, random, `graph ${k}: ${show(g)}`);
        if (random() < 0.3) oneCall(a, b, g, random, `graph ${k}: ${show(g)}`);
      }
      a.dispose();
      b.dispose();
    }
  });

  it("batch calls on tapes whose block is narrower than 64 lanes (2, 4, 20): every call compiled", () => {
    const random = rng(4004 + SEED);
    for (let k = 0; k < COUNT; k++) {
      const size = [3000, 12000, 30000][k % 3]!;
      const g = bigGraph(random, size, 1 + Math.floor(random() * 3), 1 + Math.floor(random() * 2), "bounded", true);
      const [a, b] = pair(g, true);
      for (const count of [1, 2, 3, 5, 21, 64]) oneBatch(a, b, g, count, random, `graph ${k}: ${show(g)}`);
      a.dispose();
      b.dispose();
    }
  });

  it('"auto" switching mid-stream, single calls and batches mixed', () => {
    const random = rng(3003 + SEED);
    for (let k = 0; k < COUNT; k++) {
      const g = bigGraph(random, 20 + Math.floor(random() * 200), 1 + Math.floor(random() * 3), 1 + Math.floor(random() * 2), "bounded", random() < 0.7);
      const [a, b] = pair(g, "auto");
      // Some calls (jacobian, hessian, …) are not covered and do not count: go on until 30 after the switch.
      let after = 30;
      for (let c = 0; c < 3 * autoCalls(a.size) && after > 0; c++) {
        if (a.jit) after--;
        if (random() < 0.03) oneBatch(a, b, g, COUNTS[Math.floor(random() * 4)]!, random, `graph ${k}, call ${c}: ${show(g)}`);
        else oneCall(a, b, g, random, `graph ${k}, call ${c}: ${show(g)}`);
      }
      expect(a.jit).toBe(true);
      a.dispose();
      b.dispose();
    }
  });

  it("meanGrad in batch workers, compiled (jit: true and \"auto\") against interpreted", async () => {
    const random = rng(5005 + SEED);
    for (let k = 0; k < COUNT; k++) {
      const g = bigGraph(random, [10, 60, 400][k % 3]!, 1 + Math.floor(random() * 3), 1 + Math.floor(random() * 2), random() < 0.5 ? "bounded" : "any", true);
      const fn = build(g);
      const spec = { params: g.params, data: g.data };
      const fs = [compile({ ...spec, jit: true }, fn), compile(spec, fn), compile({ ...spec, jit: false }, fn)];
      for (const count of [130, 1001]) {
        const theta = point(random, g.params);
        const rows = new Float64Array(count * g.data);
        for (let r = 0; r < count; r++) rows.set(random() < 0.9 ? randomPoint(random, g.data, "ordinary") : point(random, g.data), r * g.data);
        const [p, q, e] = await Promise.all(fs.map((f) => f.meanGrad(theta, rows, { workers: 2 })));
        for (const [x, name] of [[p!, "jit: true"], [q!, "auto"]] as const) {
          const what = `graph ${k}: ${show(g)}, ${count} points, θ = [${Array.from(theta).map(fmt).join(", ")}], ${name}`;
          same([x.value], [e!.value], `${what}: meanGrad value in workers`);
          same(x.grad, e!.grad, `${what}: meanGrad in workers`);
        }
      }
      expect((fs[0] as unknown as { pool: { compiledJobs: number } }).pool.compiledJobs).toBeGreaterThan(0);
      for (const f of fs) f.dispose();
    }
  });

  it("on tapes of exactly k·4,096 − 2 … k·4,096 + 2 computed nodes (k = 1, 2, 3), reads across the chunk borders", () => {
    const random = rng(6006 + SEED);
    const ops1 = ["sin", "tanh", "cos", "sigmoid", "atan", "abs", "neg", "erf", "relu"];
    const ops2 = ["add", "sub", "mul", "min", "max", "hypot"];
    for (let rep = 0; rep < COUNT; rep++) {
      for (const k of [1, 2, 3]) {
        for (const off of [-2, -1, 0, 1, 2]) {
          const computed = k * CHUNK + off; // tape nodes after the inputs and data: a select is two (BRANCHES, SELECT)
          const params = 1 + Math.floor(random() * 3);
          const data = Math.floor(random() * 2);
          const start = params + data;
          const nodes: GNode[] = [];
          const comparisons: number[] = [];
          let tapeNodes = 0;
          while (tapeNodes < computed) {
            const i = start + nodes.length;
            const far = (): Ref => {
              const q = random();
              if (q < 0.3) return { v: Math.floor(random() * start) };
              if (q < 0.6) return { v: Math.max(0, i - 1 - Math.floor(random() * 40)) };
              // just before or after the border of the chunk of tape node start + tapeNodes
              if (q < 0.8) return { v: Math.min(i - 1, Math.max(0, i - (tapeNodes % CHUNK) - 2 + Math.floor(random() * 3))) };
              return { v: Math.floor(random() * i) };
            };
            const r = random();
            if (r < 0.4) nodes.push({ op: ops1[Math.floor(random() * ops1.length)]!, args: [far()] });
            else if (r < 0.8) nodes.push({ op: ops2[Math.floor(random() * ops2.length)]!, args: [far(), far()] });
            else if (r < 0.9) {
              comparisons.push(i);
              nodes.push({ op: "gt", args: [far(), far()] });
            } else if (computed - tapeNodes >= 2 && comparisons.length > 0) {
              nodes.push({ op: "select", args: [{ v: comparisons[comparisons.length - 1]! }, far(), far()] });
              tapeNodes++;
            } else nodes.push({ op: "neg", args: [far()] });
            tapeNodes++;
          }
          const L = nodes.length;
          const outputs: Ref[] = [{ v: start + L - 1 }, { v: Math.floor(random() * (start + L)) }, { v: start + Math.floor(random() * L) }];
          for (const c of comparisons) outputs.push({ v: c }); // every comparison an output: compile() wants them used
          const g: SGraph = { params, data, nodes, outputs };
          const [a, b] = pair(g, true);
          expect(a.size - start).toBe(computed);
          for (let c = 0; c < 4; c++) oneCall(a, b, g, random, `${computed} nodes: ${show(g)}`);
          a.dispose();
          b.dispose();
        }
      }
    }
  });

  it("zero-rule traps (0·∞) in a few random lanes of a block, beside random graphs", () => {
    // f = g(p, d) + q·sqrt(p0 − e) with q = 0 an extra parameter and e an extra data input: where a
    // row has e = p0, sqrt'(0) = ∞ meets the adjoint q = 0, so the plain product is NaN and the
    // block must go back to the kernels, whichever pair of it the trap is in.
    const random = rng(7007 + SEED);
    for (let k = 0; k < 4 * COUNT; k++) {
      const g = bigGraph(random, [6, 30, 120, 400][k % 4]!, 1 + Math.floor(random() * 3), 1 + Math.floor(random() * 2), "bounded", true);
      const inner = build(g);
      const fn = (p: Var[], d: Var[]) => {
        const [out] = inner(p.slice(0, g.params), d.slice(0, g.data));
        const q = p[g.params]!;
        return [tg.add(out!, q.mul(tg.sqrt(p[0]!.sub(d[g.data]!))))];
      };
      const spec = { params: g.params + 1, data: g.data + 1 };
      const a = compile({ ...spec, jit: true }, fn);
      const b = compile({ ...spec, jit: false }, fn);
      for (const count of [64, 130, 2, 65]) {
        const theta = Float64Array.from({ length: spec.params }, (_, i) => (i === g.params ? 0 : randomPoint(random, 1, "ordinary")[0]!));
        const rows = new Float64Array(count * spec.data);
        for (let r = 0; r < count; r++) {
          rows.set(randomPoint(random, g.data, "ordinary"), r * spec.data);
          rows[r * spec.data + g.data] = random() < 0.05 ? theta[0]! : theta[0]! - 0.5 - random();
        }
        const what = `graph ${k}: ${show(g)}, ${count} points`;
        const [p, q] = [a.gradBatch(theta, rows), b.gradBatch(theta, rows)];
        same(p.grad, q.grad, `${what}: gradBatch`);
        const [m, n] = [a.meanGrad(theta, rows), b.meanGrad(theta, rows)];
        same(m.grad, n.grad, `${what}: meanGrad`);
      }
      a.dispose();
      b.dispose();
    }
  });
});
