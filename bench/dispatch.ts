/**
 * Why the sweeps dispatch with an if-chain and not a switch (see assembly/index.ts): compiles the
 * same forward sweep both ways with asc and times each on the Rosenbrock tape (n = 1,000).
 * Run: `npx tsx bench/dispatch.ts`. asc turns the dense switch into br_table, one indirect jump.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Bench } from "tinybench";
import { compile, OP } from "../src/index.js";
import { rosenbrockTape } from "./workloads/rosenbrock.js";

const CASES: Array<[keyof typeof OP, string]> = [
  ["ADD", "x + y"], ["MUL", "x * y"], ["SUB", "x - y"], ["SQUARE", "x * x"], ["DIV", "x / y"], ["NEG", "-x"],
  ["SIN", "Math.sin(x)"], ["COS", "Math.cos(x)"], ["EXP", "Math.exp(x)"], ["LOG", "Math.log(x)"],
  ["SQRT", "Math.sqrt(x)"], ["TANH", "Math.tanh(x)"], ["TAN", "Math.tan(x)"], ["ABS", "Math.abs(x)"],
  ["MIN", "min<f64>(x, y)"], ["MAX", "max<f64>(x, y)"], ["RELU", "x > 0 ? x : 0"], ["POWC", "Math.pow(x, y)"],
];

function sweep(dispatch: "switch" | "chain"): string {
  const body = dispatch === "switch"
    ? `switch (op) {\n${CASES.map(([name, rule]) => `      case ${OP[name]}: v = ${rule}; break;`).join("\n")}\n      default: continue;\n    }`
    : `${CASES.map(([name, rule], i) => `${i === 0 ? "if" : "else if"} (op == ${OP[name]}) v = ${rule};`).join("\n    ")}\n    else continue;`;
  return `export function forward(n: i32, start: i32, ops: usize, a: usize, b: usize, val: usize): void {
  for (let i = start; i < n; i++) {
    const x = load<f64>(val + (<usize>load<i32>(a + (<usize>i << 2)) << 3));
    const y = load<f64>(val + (<usize>load<i32>(b + (<usize>i << 2)) << 3));
    const op = <i32>load<u8>(ops + <usize>i);
    let v: f64;
    ${body}
    store<f64>(val + (<usize>i << 3), v);
  }
}
`;
}

const asc = fileURLToPath(new URL("../node_modules/.bin/asc", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "tapegrad-dispatch-"));
const f = compile(rosenbrockTape, { inputs: 1000, engine: "js" });
const { op, a, b, constants } = f.tape;
const n = op.length;

function instantiate(dispatch: "switch" | "chain"): () => void {
  const source = join(dir, `${dispatch}.ts`);
  const wasm = join(dir, `${dispatch}.wasm`);
  writeFileSync(source, sweep(dispatch));
  execFileSync(asc, [source, "-O3", "--noAssert", "--runtime", "stub", "--initialMemory", "16", "-o", wasm]);
  const k = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasm)), {}).exports as {
    memory: WebAssembly.Memory;
    forward(n: number, start: number, ops: number, a: number, b: number, val: number): void;
  };
  const base = 1 << 16;
  const val = base, A = val + 8 * n, B = A + 4 * n, ops = B + 4 * n;
  new Int32Array(k.memory.buffer, A, n).set(a);
  new Int32Array(k.memory.buffer, B, n).set(b);
  new Uint8Array(k.memory.buffer, ops, n).set(op);
  const f64 = new Float64Array(k.memory.buffer, val, n);
  for (let i = 0; i < n; i++) f64[i] = op[i] === OP.CONST ? constants[a[i]!]! : i < 1000 ? Math.cos(i) : 0;
  return () => k.forward(n, 1000, ops, A, B, val);
}

const bench = new Bench({ time: 1000 });
bench.add("switch (br_table)", instantiate("switch"));
bench.add("if-chain", instantiate("chain"));
await bench.run();
rmSync(dir, { recursive: true, force: true });
for (const task of bench.tasks) {
  const result = task.result;
  if (result.state !== "completed") throw new Error(`bench/dispatch.ts: ${task.name}: tinybench ended ${result.state}`);
  const median = result.latency.p50 * 1e6;
  console.log(`${task.name.padEnd(18)} forward sweep ${(median / n).toFixed(2)} ns/node (median, Rosenbrock n = 1,000, ${n} nodes)`);
}
