/** Writes a run's results: bench/results.json (everything) and bench/RESULTS.md (the tables). */
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
  contenders: ContenderResult[];
}

export interface Results {
  date: string;
  machine: Machine;
  rounds: number;
  roundMs: number;
  workloads: WorkloadResult[];
}

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

export function time(ns: number): string {
  if (ns < 1e3) return `${ns.toPrecision(3)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toPrecision(3)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toPrecision(3)} ms`;
  return `${(ns / 1e9).toPrecision(3)} s`;
}

function row(c: ContenderResult, baseline: ContenderId): string {
  if (c.status !== "timed") {
    const why = c.status === "failed" ? `failed: ${c.error?.split("\n")[0]}` : `not timed: ${c.check?.message} (value error ${c.check?.valueError.toExponential(1)}, gradient error ${c.check?.gradError.toExponential(1)})`;
    return `| ${c.label} | ${why} | | | | |`;
  }
  const ratio = c.id === baseline ? "1" : c.ratioToWasm! >= 10 ? c.ratioToWasm!.toFixed(0) : c.ratioToWasm!.toFixed(2);
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
  for (const n of ["1000", "100000"]) {
    const id = `rosenbrock-${n}`;
    const wasm = find(results, id, "wasm");
    add(`${id}: TS engine time / wasm time`, "≥ 1.8×", find(results, id, "ts")?.ratioToWasm, (x) => x >= 1.8, ratio);
    add(`${id}: wasm, ns per tape node (forward + reverse)`, "≤ 4", wasm?.nsPerNode, (x) => x <= 4, (x) => x.toFixed(2));
  }
  for (const id of ["rosenbrock-100000", "mlp"]) {
    add(`${id}: micrograd-style time / wasm time`, "≥ 100×", find(results, id, "micrograd")?.ratioToWasm, (x) => x >= 100, ratio);
    add(`${id}: TF.js time / wasm time`, "≥ 10×", find(results, id, "tfjs")?.ratioToWasm, (x) => x >= 10, ratio);
  }
  add("seed: wasm, value + gradient per call", "≤ 100 ns", find(results, "seed", "wasm")?.medianNs, (x) => x <= 100, time);
  add("record: wasm engine, ns per node (trace + compile)", "≤ 50", find(results, "record", "wasm")?.nsPerNode, (x) => x <= 50, (x) => x.toFixed(1));
  add("record: TS engine, ns per node (trace + compile)", "≤ 50", find(results, "record", "ts")?.nsPerNode, (x) => x <= 50, (x) => x.toFixed(1));
  return lines;
}

/** One row per workload, one column per contender: median (× wasm). The README shows this. */
export function summary(results: Results): string[] {
  const ids = CONTENDERS.filter((id) => results.workloads.some((w) => w.contenders.some((c) => c.id === id)));
  const lines = [
    `| workload (tape nodes) | ${ids.map((id) => CONTENDER_LABELS[id]).join(" | ")} |`,
    `|---|${ids.map(() => "--:").join("|")}|`,
  ];
  for (const w of results.workloads) {
    const cells = ids.map((id) => {
      const c = w.contenders.find((x) => x.id === id);
      if (c === undefined) return "—";
      if (c.status !== "timed") return c.status === "failed" ? "failed" : "disagrees";
      return id === "wasm" ? `**${time(c.medianNs!)}**` : `${time(c.medianNs!)} (${c.ratioToWasm! >= 10 ? c.ratioToWasm!.toFixed(0) : c.ratioToWasm!.toFixed(2)}×)`;
    });
    lines.push(`| ${w.title} (${w.tapeNodes.toLocaleString("en-US")}) | ${cells.join(" | ")} |`);
  }
  return lines;
}

export function renderMarkdown(results: Results): string {
  const m = results.machine;
  const out: string[] = [];
  out.push("# tapegrad benchmark results", "");
  out.push(
    `Run ${results.date.slice(0, 16).replace("T", " ")} UTC on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}; ` +
      `Node ${m.node} (V8 ${m.v8}). ${results.rounds} interleaved rounds of ${results.roundMs} ms per contender, ` +
      "each contender in its own process (see bench/run.ts). Regenerate with `npm run bench`.",
    "",
    "Columns: **median** time of one evaluation (value + gradient unless said) over every tinybench sample of every round; " +
      "**ns/node** = that median over the number of nodes on tapegrad's tape for the workload (the same divisor for every " +
      "contender, so the column compares like with like); **× wasm** = median / the wasm engine's median; **spread** = " +
      "fastest – slowest per-round median; **check** = norm-wise relative error of the gradient against the hand-written " +
      "closed form, checked before timing (a contender that disagrees is reported and not timed).",
    "",
  );
  out.push("Median time per evaluation (and how many times the wasm engine's median):", "", ...summary(results), "");
  for (const w of results.workloads) {
    out.push(`## ${w.title}`, "", `${w.what}; tapegrad's tape: ${w.tapeNodes.toLocaleString("en-US")} nodes.${w.note ? ` ${w.note}` : ""}`, "");
    out.push(`| contender | median | ns/node | × ${w.baseline ?? "wasm"} | spread | check |`, "|---|--:|--:|--:|---|--:|");
    for (const c of w.contenders) out.push(row(c, w.baseline ?? "wasm"));
    out.push("");
  }
  const lines = targets(results);
  if (lines.length > 0) {
    out.push("## Against the targets of the benchmark issue", "", "| expectation | target | measured | |", "|---|---|---|---|");
    for (const l of lines) out.push(`| ${l.join(" | ")} |`);
    out.push("");
  }
  const notes = here("./notes.md");
  if (existsSync(notes)) out.push(readFileSync(notes, "utf8").trim(), "");
  return out.join("\n");
}

/** Re-renders RESULTS.md from results.json (after editing notes.md): `npx tsx bench/report.ts`. */
export function rerender(): void {
  const results = JSON.parse(readFileSync(here("./results.json"), "utf8")) as Results;
  writeFileSync(here("./RESULTS.md"), renderMarkdown(results));
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) rerender();

/** Writes RESULTS.md and results.json beside this file; returns their paths. */
export function writeReport(results: Results): string[] {
  const md = here("./RESULTS.md");
  const json = here("./results.json");
  writeFileSync(json, JSON.stringify(results, null, 2) + "\n");
  writeFileSync(md, renderMarkdown(results));
  return [md, json];
}
