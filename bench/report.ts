/**
 * Writes a run's results: bench/results.json (everything), bench/RESULTS.md (every table, the
 * targets and bench/notes.md) and the README's benchmark block (the one summary table and a link).
 * test/readme.test.ts checks that both Markdown files are what this writes from results.json.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Check } from "./compare.js";
import type { Machine } from "./machine.js";
import { CONTENDERS, CONTENDER_LABELS, type ContenderId } from "./types.js";

export interface ContenderResult {
  id: ContenderId;
  label: string;
  status: "timed" | "disagrees" | "failed";
  check?: Check;
  error?: string;
  samples?: number;
  medianNs?: number;
  nsPerNode?: number;
  /** Median time over the baseline's (the wasm engine's, unless the workload says otherwise). */
  ratioToWasm?: number;
  /** The fastest and slowest of the per-round medians. */
  roundMinNs?: number;
  roundMaxNs?: number;
}

export interface WorkloadResult {
  id: string;
  title: string;
  what: string;
  note?: string;
  /** The contender the × column divides by. */
  baseline?: ContenderId;
  tapeNodes: number;
  /** Points per evaluation of a batched workload: ns/node is then per node-lane. */
  lanes?: number;
  contenders: ContenderResult[];
}

export interface Results {
  date: string;
  machine: Machine;
  rounds: number;
  roundMs: number;
  /** os.loadavg() (1, 5, 15 minutes) when the run started and when it ended. */
  load?: { before: number[]; after: number[] };
  /** Wall time of the whole run. */
  seconds?: number;
  workloads: WorkloadResult[];
}

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

export function time(ns: number): string {
  if (ns < 1e3) return `${ns.toPrecision(3)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toPrecision(3)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toPrecision(3)} ms`;
  return `${(ns / 1e9).toPrecision(3)} s`;
}

const loadavg = (xs: number[]): string => xs.map((x) => x.toFixed(2)).join(" / ");

function row(c: ContenderResult, baseline: ContenderId): string {
  if (c.status !== "timed") {
    const why = c.status === "failed" ? `failed: ${c.error?.split("\n")[0]}` : `not timed: ${c.check?.message} (value error ${c.check?.valueError.toExponential(1)}, gradient error ${c.check?.gradError.toExponential(1)})`;
    return `| ${c.label} | ${why} | | | | |`;
  }
  const ratio = c.id === baseline ? "1" : formatRatio(c.ratioToWasm!);
  const error = c.id === "hand" ? "reference" : c.check!.gradError.toExponential(0);
  return `| ${c.label} | **${time(c.medianNs!)}** | ${c.nsPerNode!.toPrecision(3)} | ${ratio}× | ${time(c.roundMinNs!)} – ${time(c.roundMaxNs!)} | ${error} |`;
}

function find(results: Results, workload: string, contender: ContenderId): ContenderResult | undefined {
  return results.workloads.find((w) => w.id === workload)?.contenders.find((c) => c.id === contender && c.status === "timed");
}

/** The issue's expectations, checked against this run: [what, target, measured, met]. */
function targets(results: Results): string[][] {
  const lines: string[][] = [];
  const add = (what: string, target: string, measured: number | undefined, met: (x: number) => boolean, format: (x: number) => string): void => {
    if (measured === undefined || Number.isNaN(measured)) return;
    lines.push([what, target, format(measured), met(measured) ? "met" : "**missed**"]);
  };
  const ratio = (x: number): string => `${x.toFixed(x >= 10 ? 0 : 2)}×`;
  const over = (workload: string, a: ContenderId, b: ContenderId): number | undefined => {
    const x = find(results, workload, a)?.medianNs;
    const y = find(results, workload, b)?.medianNs;
    return x === undefined || y === undefined ? undefined : x / y;
  };
  for (const n of ["1000", "100000"]) {
    const id = `rosenbrock-${n}`;
    const wasm = find(results, id, "wasm");
    add(`${id}: TS engine time / wasm time`, "≥ 1.8×", find(results, id, "ts")?.ratioToWasm, (x) => x >= 1.8, ratio);
    add(`${id}: wasm, ns per tape node (forward + reverse)`, "≤ 4", wasm?.nsPerNode, (x) => x <= 4, (x) => x.toFixed(2));
  }
  for (const id of ["rosenbrock-100000", "mlp", "mlp-batched"]) {
    add(`${id}: micrograd-style time / wasm time`, "≥ 100×", find(results, id, "micrograd")?.ratioToWasm, (x) => x >= 100, ratio);
    add(`${id}: TF.js time / wasm time`, "≥ 10×", find(results, id, "tfjs")?.ratioToWasm, (x) => x >= 10, ratio);
  }
  // The batching issue's (5) and the Jacobian issue's (4) targets.
  add("mlp-batched: wasm meanGrad, ns per node-lane", "≤ 1.5", find(results, "mlp-batched", "wasm")?.nsPerNode, (x) => x <= 1.5, (x) => x.toFixed(2));
  add("mlp-batched: hand-written JS time / wasm meanGrad time (faster than hand-written JS)", "> 1×", find(results, "mlp-batched", "hand")?.ratioToWasm, (x) => x > 1, ratio);
  add("mlp-batched: wasm meanGrad time / hand-written C time", "≤ 2×", over("mlp-batched", "wasm", "c"), (x) => x <= 2, ratio);
  add("mlp-workers: 1 thread time / 2 workers time, 65,536 points", "≥ 1.6×", over("mlp-workers", "wasm", "wasm-workers"), (x) => x >= 1.6, ratio);
  add("hvp: Hessian-vector product time / one gradient time (wasm)", "≤ 4×", over("hvp", "wasm", "wasm-grad"), (x) => x <= 4, ratio);
  add("jacobian 1000 → 1: full Jacobian (auto) time / one gradient time (wasm)", "≤ 3×", over("jacobian-1000x1", "wasm-auto", "wasm-grad"), (x) => x <= 3, ratio);
  add("jacobian 1 → 1000: full Jacobian (auto) time / one forward pass, f.eval (wasm)", "≤ 3×", over("jacobian-1x1000", "wasm-auto", "wasm-eval"), (x) => x <= 3, ratio);
  add("jacobian 1 → 1000: full Jacobian (auto) time / one tangent sweep, f.jvp (wasm)", "≤ 3×", over("jacobian-1x1000", "wasm-auto", "wasm-jvp"), (x) => x <= 3, ratio);
  // The array issue's (12) targets: the array form against the scalar tape and the array libraries.
  add("rosenbrock-100000: scalar tape time / array form time", "≥ 4×", over("rosenbrock-100000", "wasm", "wasm-array"), (x) => x >= 4, ratio);
  add("rosenbrock-100000: jax-js time / array form time (faster than jax-js)", "> 1×", over("rosenbrock-100000", "jax-wasm", "wasm-array"), (x) => x > 1, ratio);
  add("mnist-mlp: TF.js cpu time / array form time", "≥ 5×", over("mnist-mlp", "tfjs", "wasm-array"), (x) => x >= 5, ratio);
  add("mnist-mlp: array form time / TF.js wasm time (float32)", "≤ 1.5×", over("mnist-mlp", "wasm-array", "tfjs-wasm"), (x) => x <= 1.5, ratio);
  add("record-mnist: compile of the mnist-mlp model, array form", "< 5 ms", find(results, "record-mnist", "wasm-array")?.medianNs, (x) => x < 5e6, time);
  add("mlp-batched: array form time / scalar per-point meanGrad time (no slower)", "≤ 1×", over("mlp-batched", "wasm-array", "wasm"), (x) => x <= 1, ratio);
  add("seed: wasm, value + gradient per call", "≤ 100 ns", find(results, "seed", "wasm")?.medianNs, (x) => x <= 100, time);
  add("record: wasm engine, ns per node (trace + compile)", "≤ 50", find(results, "record", "wasm")?.nsPerNode, (x) => x <= 50, (x) => x.toFixed(1));
  add("record: TS engine, ns per node (trace + compile)", "≤ 50", find(results, "record", "ts")?.nsPerNode, (x) => x <= 50, (x) => x.toFixed(1));
  // The JIT issue's (13) targets: compiled against interpreted on the same tape.
  add("seed: JIT, f.grad(x, out) per call", "≤ 25 ns", find(results, "seed", "jit")?.medianNs, (x) => x <= 25, time);
  add("seed: JIT time / interpreter time", "≤ 0.35×", find(results, "seed", "jit")?.ratioToWasm, (x) => x <= 0.35, ratio);
  add("rosenbrock-1000: JIT time / interpreter time", "≤ 0.25×", find(results, "rosenbrock-1000", "jit")?.ratioToWasm, (x) => x <= 0.25, ratio);
  add("rosenbrock-1000: JIT time / hand-written JS time", "≤ 3×", over("rosenbrock-1000", "jit", "hand"), (x) => x <= 3, ratio);
  add("mlp-batched: JIT meanGrad time / interpreter time", "≤ 0.45×", find(results, "mlp-batched", "jit")?.ratioToWasm, (x) => x <= 0.45, ratio);
  add("mlp-batched: JIT meanGrad time / hand-written C time (faster than C)", "< 1×", over("mlp-batched", "jit", "c"), (x) => x < 1, ratio);
  for (const id of ["seed", "rosenbrock-1000", "mlp", "mlp-batched"]) {
    const w = results.workloads.find((x) => x.id === `jit-compile-${id}`);
    const jit = find(results, `jit-compile-${id}`, "jit")?.medianNs;
    const interp = find(results, `jit-compile-${id}`, "wasm")?.medianNs;
    if (w === undefined || jit === undefined || interp === undefined) continue;
    add(`jit-compile-${id}: the JIT's compile (codegen + instantiate + first call), µs per node`, "≤ 1", (jit - interp) / 1000 / w.tapeNodes, (x) => x <= 1, (x) => x.toFixed(2));
  }
  // The JIT issue's (13) item 5: tapegrad must not slow the host's typed-array code.
  add("detach-tax: host loop after a 1M-node compile / in a fresh process", "≤ 1.1×", find(results, "detach-tax", "after-compile")?.ratioToWasm, (x) => x <= 1.1, ratio);
  return lines;
}

const formatRatio = (x: number): string => (x >= 10 ? x.toFixed(0) : x.toFixed(2));
const nodesCell = (w: WorkloadResult): string =>
  (w.lanes ?? 1) > 1 ? `${w.tapeNodes.toLocaleString("en-US")} × ${(w.lanes ?? 1).toLocaleString("en-US")} points` : w.tapeNodes.toLocaleString("en-US");
/** Workloads whose contenders are all standard ones: one row each in the first summary table. */
/**
 * The array form of a workload (issue 12) is a column of the summary, not a contender of its own:
 * the same function written with array nodes, beside the scalar tape it replaces.
 */
const ARRAY_FORM = "wasm-array";
const SUMMARY_COLUMNS: readonly string[] = [...CONTENDERS, ARRAY_FORM];
const columnLabel = (id: string): string => (id === ARRAY_FORM ? "tapegrad, wasm engine, array form" : CONTENDER_LABELS[id as (typeof CONTENDERS)[number]]);
const standardOnly = (w: WorkloadResult): boolean => (w.baseline ?? "wasm") === "wasm" && w.contenders.every((c) => SUMMARY_COLUMNS.includes(c.id));

const cell = (c: ContenderResult | undefined, baseline: ContenderId): string => {
  if (c === undefined) return "—";
  if (c.status !== "timed") return c.status === "failed" ? "failed" : "disagrees";
  return c.id === baseline ? `**${time(c.medianNs!)}**` : `${time(c.medianNs!)} (${formatRatio(c.ratioToWasm!)}×)`;
};

/**
 * The summary table (the one README.md shows): one row per workload with standard contenders only
 * (and the array form), one column per contender, median (× wasm).
 */
export function summaryTable(results: Results): string[] {
  const first = results.workloads.filter(standardOnly);
  const ids = SUMMARY_COLUMNS.filter((id) => first.some((w) => w.contenders.some((c) => c.id === id)));
  if (first.length === 0) return [];
  const lines = [`| workload (tape nodes) | ${ids.map(columnLabel).join(" | ")} |`, `|---|${ids.map(() => "--:").join("|")}|`];
  for (const w of first) {
    lines.push(`| ${w.title} (${nodesCell(w)}) | ${ids.map((id) => cell(w.contenders.find((x) => x.id === id), "wasm")).join(" | ")} |`);
  }
  return lines;
}

/**
 * The workloads with contenders of their own (Jacobian modes, hvp, worker threads): one row per
 * contender, median (× that workload's baseline).
 */
export function specialTable(results: Results): string[] {
  const second = results.workloads.filter((w) => !standardOnly(w));
  if (second.length === 0) return [];
  const lines = ["| workload (tape nodes) | contender | median (× the workload's baseline, in bold) |", "|---|---|--:|"];
  for (const w of second) {
    w.contenders.forEach((c, k) => {
      lines.push(`| ${k === 0 ? `${w.title} (${nodesCell(w)})` : ""} | ${c.label} | ${cell(c, w.baseline ?? "wasm")} |`);
    });
  }
  return lines;
}

/** Both tables, as bench/RESULTS.md opens. */
export function summary(results: Results): string[] {
  const first = summaryTable(results);
  const second = specialTable(results);
  return first.length > 0 && second.length > 0 ? [...first, "", ...second] : [...first, ...second];
}

/** The part of README.md between these markers is written from results.json (readmeSection). */
export const README_BEGIN = "<!-- bench:begin (written by bench/report.ts from bench/results.json; do not edit) -->";
export const README_END = "<!-- bench:end -->";

/** The README's benchmark figures: where they ran, the one summary table, the targets met, a link to the rest. */
export function readmeSection(results: Results): string {
  const m = results.machine;
  const out = [
    `Median time per evaluation (in brackets: × the wasm engine's median), ` +
      `measured ${results.date.slice(0, 10)} on ${m.cpu}, ${m.cores} cores, Node ${m.node}` +
      (results.load !== undefined ? `, load average ${loadavg(results.load.before)} at the start (a shared machine: read ratios)` : "") +
      ":",
    "",
    ...summaryTable(results),
  ];
  const lines = targets(results);
  const missed = lines.filter((l) => l[3] !== "met").map((l) => l[0]!);
  const rest =
    "Jacobians by mode, Hessian-vector products and worker threads, ns per tape node, the spread over rounds and the " +
    "correctness checks are in [bench/RESULTS.md](bench/RESULTS.md)";
  out.push(
    "",
    lines.length === 0
      ? `${rest}.`
      : `${rest}, with the performance targets: ${lines.length - missed.length} of ${lines.length} met` +
          (missed.length > 0 ? `; ${missed.length === 1 ? "the one missed is" : `the ${missed.length} missed are`} explained there.` : "."),
  );
  return out.join("\n");
}

/** README.md with its benchmark block replaced by readmeSection(results). */
export function withReadmeSection(readme: string, results: Results): string {
  const begin = readme.indexOf(README_BEGIN);
  const end = readme.indexOf(README_END);
  if (begin < 0 || end < begin) throw new Error("bench/report.ts: README.md has no benchmark markers");
  return readme.slice(0, begin + README_BEGIN.length) + "\n" + readmeSection(results) + "\n" + readme.slice(end);
}

function writeReadme(results: Results): void {
  const readme = here("../README.md");
  writeFileSync(readme, withReadmeSection(readFileSync(readme, "utf8"), results));
}

export function renderMarkdown(results: Results): string {
  const m = results.machine;
  const out: string[] = [];
  out.push("# tapegrad benchmark results", "");
  out.push(
    `Run ${results.date.slice(0, 16).replace("T", " ")} UTC on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}; ` +
      `Node ${m.node} (V8 ${m.v8}). ${results.rounds} interleaved rounds of ${results.roundMs} ms per contender, ` +
      "each contender in its own process (see bench/run.ts). Regenerate with `npm run bench`." +
      (results.load !== undefined ? ` Load average (1/5/15 min) ${loadavg(results.load.before)} at the start, ${loadavg(results.load.after)} at the end` : "") +
      (results.seconds !== undefined ? `; the run took ${Math.floor(results.seconds / 60)} min ${results.seconds % 60} s.` : results.load !== undefined ? "." : ""),
    "",
    "Columns: **median** time of one evaluation (value + gradient unless said) over every tinybench sample of every round; " +
      "**ns/node** = that median over the number of nodes on tapegrad's tape for the workload (the same divisor for every " +
      "contender, so the column compares like with like; for a batched workload, over nodes × points: ns per node-lane); " +
      "**× wasm** = median / the wasm engine's median (or the workload's named baseline); **spread** = " +
      "fastest – slowest per-round median; **check** = norm-wise relative error of the gradient against the hand-written " +
      "closed form, checked before timing (a contender that disagrees is reported and not timed).",
    "",
  );
  out.push("Median time per evaluation (and how many times the wasm engine's median):", "", ...summary(results), "");
  for (const w of results.workloads) {
    const lanes = w.lanes ?? 1;
    const tape = `${w.tapeNodes.toLocaleString("en-US")} nodes${lanes > 1 ? `, replayed over ${lanes.toLocaleString("en-US")} points` : ""}`;
    out.push(`## ${w.title}`, "", `${w.what}; tapegrad's tape: ${tape}.${w.note ? ` ${w.note}` : ""}`, "");
    out.push(`| contender | median | ${lanes > 1 ? "ns/node-lane" : "ns/node"} | × ${w.baseline ?? "wasm"} | spread | check |`, "|---|--:|--:|--:|---|--:|");
    for (const c of w.contenders) out.push(row(c, w.baseline ?? "wasm"));
    out.push("");
  }
  const lines = targets(results);
  if (lines.length > 0) {
    out.push("## Against the targets of the issues (benchmark, Jacobian, batching, arrays, JIT: 3, 4, 5, 12, 13)", "", "| expectation | target | measured | |", "|---|---|---|---|");
    for (const l of lines) out.push(`| ${l.join(" | ")} |`);
    out.push("");
  }
  const notes = here("./notes.md");
  if (existsSync(notes)) out.push(readFileSync(notes, "utf8").trim(), "");
  return out.join("\n");
}

/** Re-renders RESULTS.md and README's block from results.json (after editing notes.md): `npx tsx bench/report.ts`. */
export function rerender(): void {
  const results = JSON.parse(readFileSync(here("./results.json"), "utf8")) as Results;
  writeFileSync(here("./RESULTS.md"), renderMarkdown(results));
  writeReadme(results);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) rerender();

/** Writes RESULTS.md and results.json beside this file and README's benchmark block; returns their paths. */
export function writeReport(results: Results): string[] {
  const md = here("./RESULTS.md");
  const json = here("./results.json");
  writeFileSync(json, JSON.stringify(results, null, 2) + "\n");
  writeFileSync(md, renderMarkdown(results));
  writeReadme(results);
  return [md, json, here("../README.md")];
}
