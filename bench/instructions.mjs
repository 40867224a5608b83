// Instructions per call of eval, jvp, grad and hvp on the Rosenbrock tape (n = 1,000, 8,993 nodes),
// counted by valgrind's callgrind: unlike time, the same for the same code whatever else this shared
// machine is doing, so small kernel changes can be compared. Each count is (run with N calls − run
// with 0 calls) / N, in `node --no-liftoff --single-threaded` (TurboFan code only, no background
// compiles). Needs `valgrind` (Debian package) and a built dist/ (`npm run build`); ~20 s per run.
//
//   node bench/instructions.mjs [checkout …]      default: this checkout; pass another to compare
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const self = fileURLToPath(import.meta.url);

if (process.argv[2] === "--child") {
  // The workload: [root, op, calls].
  const [root, op, calls] = process.argv.slice(3);
  const L = await import(`${root}/dist/index.js`);
  const n = 1000;
  const f = L.compile((xs) => {
    const t = [];
    for (let i = 0; i < n - 1; i++) t.push(L.square(xs[i + 1].sub(L.square(xs[i]))).mul(100).add(L.square(xs[i].sub(1))));
    return L.sum(t);
  }, { inputs: n });
  const x = Float64Array.from({ length: n }, (_, i) => 0.5 + 0.001 * i);
  const v = Float64Array.from({ length: n }, (_, i) => ((i * 7) % 11) / 11);
  const g = new Float64Array(n);
  const o = new Float64Array(1);
  const run = { eval: () => f.eval(x, o), jvp: () => f.jvp(x, v, o), grad: () => f.grad(x, g), hvp: () => f.hvp(x, v, g) }[op];
  for (let i = 0; i < 50; i++) { f.eval(x, o); f.jvp(x, v, o); f.grad(x, g); f.hvp(x, v, g); } // compiled and warm
  for (let i = 0; i < Number(calls); i++) run();
} else {
  const roots = process.argv.length > 2 ? process.argv.slice(2).map((r) => resolve(r)) : [fileURLToPath(new URL("..", import.meta.url))];
  const dir = mkdtempSync(join(tmpdir(), "callgrind-"));
  const count = (root, op, calls) => {
    const run = spawnSync("valgrind", [
      "--tool=callgrind", `--callgrind-out-file=${join(dir, "out")}`,
      process.execPath, "--no-liftoff", "--single-threaded", self, "--child", root, op, String(calls),
    ], { encoding: "utf8" }); // callgrind reports on stderr
    const total = /Collected : (\d+)/.exec(run.stderr)?.[1];
    if (run.status !== 0 || total === undefined) throw new Error(`valgrind failed (${root}, ${op}):\n${run.stderr}`);
    return Number(total);
  };
  try {
    for (const root of roots) {
      const base = count(root, "eval", 0);
      const calls = { eval: 2000, jvp: 2000, grad: 2000, hvp: 500 };
      const line = Object.entries(calls).map(([op, k]) => `${op} ${Math.round((count(root, op, k) - base) / k).toLocaleString("en")}`);
      console.log(`${root}: instructions per call — ${line.join(", ")}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
