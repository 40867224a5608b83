/**
 * How long the pictures take: parse, toDot and explain on the lecture's example, and explain's
 * path counting against listing on a graph with 2^13 paths. Run: npx tsx bench/show.ts
 * (after npm run build:wasm). Medians from tinybench.
 */
import { Bench } from "tinybench";
import { compile, explain, parse, sin, toDot, type Var } from "../src/index.js";

const lecture = compile((x, y) => x.add(y).mul(sin(x)));
const at = [Math.PI, Math.PI];
const doubling = (k: number) =>
  compile((x: Var) => {
    let v = x;
    for (let j = 0; j < k; j++) v = v.mul(v);
    return v;
  });
const many = doubling(13);
const huge = doubling(1000);

const bench = new Bench({ time: 500 });
bench
  .add("parse (x + y) * sin(x)  [compiles a wasm function]", () => parse("(x + y) * sin(x)").dispose())
  .add("parse … { engine: 'js' }", () => parse("(x + y) * sin(x)", { engine: "js" }))
  .add("toDot lecture, structure", () => toDot(lecture))
  .add("toDot lecture, reverse at π", () => toDot(lecture, { at, mode: "reverse" }))
  .add("explain lecture wrt x", () => explain(lecture, { at, wrt: "x" }))
  .add("explain 2^13 = 8192 paths (13-node chain)", () => explain(many, { at: [1] }))
  .add("explain refuses 2^1000 paths (count only)", () => {
    try {
      explain(huge, { at: [1] });
    } catch {
      return;
    }
    throw new Error("expected a refusal");
  });
await bench.run();
console.table(
  bench.tasks.map((t) => {
    const r = t.result as { latency?: { p50?: number } } | undefined;
    return { task: t.name, "median (µs)": r?.latency?.p50 === undefined ? "n/a" : (r.latency.p50 * 1000).toFixed(2) };
  }),
);
