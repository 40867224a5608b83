/**
 * A/B of two checkouts in one process: another checkout's src/ (say a `git worktree` of the
 * commit before a change, with its wasm built) against this one's, each with its own module and
 * WebAssembly instance, timed in alternating tinybench tasks (3 rounds, order flipped each round)
 * so that the noise of this shared machine hits both alike. Separate processes, as `npm run bench`
 * uses, differed by up to 1.5× between runs of the same code here; this is for before/after
 * figures of a kernel change, `npm run bench` for the suite.
 *
 *   npx tsx bench/ab.ts ../other-checkout [task-name-filter]
 */
import { Bench } from "tinybench";
import { fileURLToPath } from "node:url";
const other = process.argv[2];
if (other === undefined) throw new Error("usage: npx tsx bench/ab.ts <other checkout> [filter]");
const trees = { base: other, main: fileURLToPath(new URL("..", import.meta.url)) } as const;
const libs: Record<string, any> = {};
for (const [k, root] of Object.entries(trees)) libs[k] = await import(`${root}/src/index.ts`);
const only = process.argv[3];
const bench = new Bench({ time: 250, warmupTime: 100, iterations: 50 });
const tasks: [string, (L: any) => () => void][] = [
  ["seed grad x100", (L) => { const f = L.compile((x: any, y: any) => x.add(y).mul(L.sin(x))); const sx = [Math.PI, Math.PI]; const o = new Float64Array(2); return () => { for (let i = 0; i < 100; i++) f.grad(sx, o); }; }],
  ["poly grad x100", (L) => { const f = L.compile((x: any, y: any) => x.add(y).mul(x)); const sx = [Math.PI, Math.PI]; const o = new Float64Array(2); return () => { for (let i = 0; i < 100; i++) f.grad(sx, o); }; }],
  ["sin chain eval", (L) => { const f = L.compile((xs: any[]) => { let y = xs[0]; for (let i = 0; i < 1000; i++) y = L.sin(y).add(xs[1]); return y; }, { inputs: 2 }); const o = new Float64Array(1); return () => f.eval([0.3, 0.1], o); }],
  ["sin chain grad", (L) => { const f = L.compile((xs: any[]) => { let y = xs[0]; for (let i = 0; i < 1000; i++) y = L.sin(y).add(xs[1]); return y; }, { inputs: 2 }); const o = new Float64Array(2); return () => f.grad([0.3, 0.1], o); }],
  ...(["eval", "grad", "jvp", "hvp"] as const).map((m): [string, (L: any) => () => void] => [`ros ${m}`, (L) => {
    const n = 1000;
    const f = L.compile((xs: any[]) => { const t = []; for (let i = 0; i < n - 1; i++) t.push(L.square(xs[i + 1].sub(L.square(xs[i]))).mul(100).add(L.square(xs[i].sub(1)))); return L.sum(t); }, { inputs: n });
    const x = Float64Array.from({ length: n }, (_, i) => 0.5 + 0.001 * i);
    const v = Float64Array.from({ length: n }, (_, i) => ((i * 7) % 11) / 11);
    const g = new Float64Array(n); const o1 = new Float64Array(1);
    if (m === "eval") return () => f.eval(x, o1);
    if (m === "grad") return () => f.grad(x, g);
    if (m === "jvp") return () => f.jvp(x, v, o1);
    return () => f.hvp(x, v, g);
  }]),
  ["mlp meanGrad", (L) => {
    const H = 16; const P = 2 * H + H + H * H + H + H + 1;
    const f = L.compile({ params: P, data: 3 }, (p: any[], d: any[]) => {
      let k = 0;
      const h1 = []; for (let i = 0; i < H; i++) { const s = p[k++].mul(d[0]).add(p[k++].mul(d[1])); h1.push(L.tanh(s.add(p[k++]))); }
      const h2 = []; for (let i = 0; i < H; i++) { let s = p[k++]; for (let j = 0; j < H; j++) s = s.add(p[k++].mul(h1[j])); h2.push(L.tanh(s)); }
      let o = p[k++]; for (let j = 0; j < H; j++) o = o.add(p[k++].mul(h2[j]));
      return L.square(o.sub(d[2]));
    });
    const th = Float64Array.from({ length: f.inputs }, (_, i) => Math.sin(i) * 0.3);
    const ds = Float64Array.from({ length: 1024 * 3 }, (_, i) => Math.cos(i * 1.7));
    const g = new Float64Array(f.inputs);
    return () => f.meanGrad(th, ds, g);
  }],
];
for (const [name, make] of tasks) {
  if (only && !name.includes(only)) continue;
  for (const round of [0, 1, 2]) for (const k of round % 2 ? ["main", "base"] : ["base", "main"]) bench.add(`${name} | ${k} | ${round}`, make(libs[k]));
}
await bench.run();
const by = new Map<string, number[]>();
for (const t of bench.tasks) { const [n, k] = t.name.split(" | "); const key = `${n} | ${k}`; by.set(key, [...(by.get(key) ?? []), (t.result as any).latency.p50 * 1000]); }
const med = (a: number[]) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
for (const [name] of tasks) {
  const b = by.get(`${name} | base`); const m = by.get(`${name} | main`);
  if (!b || !m) continue;
  console.log(`${name.padEnd(16)} base ${med(b).toFixed(2).padStart(9)} µs  main ${med(m).toFixed(2).padStart(9)} µs  main/base ${(med(m) / med(b)).toFixed(3)}`);
}
