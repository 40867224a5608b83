/**
 * The code each batch worker runs, as a self-contained JavaScript string (no imports): started
 * with `new Worker(code, { eval: true })` in Node or from a Blob URL in browsers, so no bundler
 * or separate file is needed. It receives the compiled WebAssembly.Module (structured-cloneable)
 * and the tape once, instantiates its own module over a memory of its own (of the type the main
 * thread names), lays out the same regions as src/engine/wasm-batch.ts, and answers each job — θ,
 * a slice of the dataset and a scale (1/N for N points in the whole dataset) — with the slice's
 * scaled loss sum and gradient sum from the batchSumGrad kernel: its share of the mean.
 */
import { MATH_IMPORTS } from "../wasm/imports.js";
import { workerLayout } from "./worker-layout.js";

export const WORKER_SOURCE = String.raw`
"use strict";
const port = typeof require === "function" ? require("node:worker_threads").parentPort : self;
const align = (p) => Math.ceil(p / 16) * 16;
let k = null;
let L = null;

function ensure(bytes) {
  const missing = bytes - k.memory.buffer.byteLength;
  if (missing > 0) k.memory.grow(Math.ceil(missing / 65536));
}

function init(m) {
  const math = {};
  for (const name of ${JSON.stringify(MATH_IMPORTS)}) math[name] = Math[name];
  // The same env.abort as src/wasm/imports.ts (readString), written out: this source has no imports.
  const str = (p) => {
    if (p === 0) return "";
    const b = k && k.memory.buffer;
    if (!b || p < 4 || p % 4 !== 0 || p > b.byteLength) return "<string at " + p + ">";
    const n = new Uint32Array(b, p - 4, 1)[0] >>> 1;
    if (p + 2 * n > b.byteLength) return "<string at " + p + ">";
    let text = "";
    for (let i = 0; i < n; i += 4096) text += String.fromCharCode(...new Uint16Array(b, p + 2 * i, Math.min(4096, n - i)));
    return text;
  };
  const abort = (message, file, line, column) => {
    throw new Error("tapegrad: the WebAssembly kernel aborted: " + str(message) + " at " + str(file) + ":" + line + ":" + column);
  };
  // A memory of the main thread's type (src/wasm/memory.ts): shared where allowed, so growing it
  // detaches nothing. A module with a memory of its own (tests) ignores the import.
  const env = m.memory ? { abort, memory: new WebAssembly.Memory(m.memory) } : { abort };
  k = new WebAssembly.Instance(m.module, { math, env }).exports;
  const n = m.op.length;
  const S = m.stride;
  L = { n, S, inputs: m.inputs, d: m.data, out0: m.out0, start: m.inputs + m.data, rev: 0 };
  Object.assign(L, workerLayout(k.heapBase(), n, S, m.inputs));
  const p = L.rows;
  ensure(p);
  const buffer = k.memory.buffer;
  new Uint8Array(buffer).set(m.op, L.op);
  new Int32Array(buffer).set(m.a, L.a / 4);
  new Int32Array(buffer).set(m.b, L.b / 4);
  const f64 = new Float64Array(buffer);
  for (let i = 0; i < n; i++) {
    if (m.op[i] === m.constCode) f64.fill(m.constants[m.a[i]], (L.val / 8) + i * S, (L.val / 8) + (i + 1) * S);
  }
  // The compiled batch sweeps (src/jit/batch-module.ts), made by the main thread for these very
  // addresses: installed in this instance's table, their index passed to the kernel. A module
  // that does not link here leaves the kernels to do the work.
  if (m.jit && m.memory) {
    try {
      const fns = { memory: env.memory };
      for (const name of m.jit.imports) fns[name] = k[name];
      const x = new WebAssembly.Instance(m.jit.module, { m: fns }).exports;
      const slot = k.table.grow(2);
      k.table.set(slot, x.forward);
      k.table.set(slot + 1, x.reverse);
      L.rev = slot + 1;
    } catch (e) {
      L.rev = 0;
    }
  }
}

// worker-layout.ts's function, pasted as an expression: a bundler may have renamed it.
const workerLayout = (${workerLayout.toString()});

function sumGrad(m) {
  ensure(L.rows + 8 * m.rows.length);
  const f64 = new Float64Array(k.memory.buffer);
  f64.set(m.theta, L.theta / 8);
  f64.set(m.rows, L.rows / 8);
  const total = k.batchSumGrad(L.n, L.start, L.inputs, L.d, L.op, L.a, L.b, L.val, L.adj, L.S,
    L.theta, L.rows, m.count, L.out0, L.gsum, m.scale === undefined ? 1 : m.scale, L.rev);
  const grad = new Float64Array(k.memory.buffer, L.gsum, L.inputs).slice();
  return { total, grad, compiled: L.rev !== 0 };
}

// An init failure has no job to answer: keep it, and answer every job with it.
let initError = null;

function onMessage(m) {
  if (m.type === "init") {
    try {
      init(m);
    } catch (e) {
      initError = String((e && e.stack) || e);
    }
    return;
  }
  try {
    if (initError !== null) throw new Error("the worker could not start: " + initError);
    const result = sumGrad(m);
    port.postMessage(result, [result.grad.buffer]);
  } catch (e) {
    port.postMessage({ error: String((e && e.stack) || e) });
  }
}

if (typeof port.on === "function") port.on("message", onMessage);
else port.onmessage = (event) => onMessage(event.data);
`;
