/**
 * `npm run bench`: every workload × every contender, each contender in its own child process
 * (bench/child.ts), timed with tinybench in interleaved rounds — round r times contender 1, then
 * 2, …, then round r + 1 starts with the next contender — so that slow drift of this shared
 * machine spreads over everyone. Before each round the child collects garbage and pauses.
 *
 *   npm run bench                    the full suite; writes bench/RESULTS.md, bench/results.json and README.md's table
 *   npm run bench -- seed mlp        only these workloads; prints the table, writes nothing
 *   BENCH_ROUNDS=7 BENCH_ROUND_MS=300 npm run bench    more rounds / longer rounds
 */
import { fork, type ChildProcess } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import type { ChildMessage, ParentMessage } from "./child.js";
import type { Check } from "./compare.js";
import { machine } from "./machine.js";
import { renderMarkdown, writeReport, type ContenderResult, type Results, type WorkloadResult } from "./report.js";
import { median } from "./stats.js";
import { contenderIds, contenderLabel, type ContenderId } from "./types.js";
import { WORKLOADS } from "./workloads/index.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 200);
const CHILD = fileURLToPath(new URL("./child.ts", import.meta.url));

/** A child process and the messages it sent that nobody has read yet. */
class Contender {
  private readonly inbox: ChildMessage[] = [];
  private waiting: ((message: ChildMessage) => void) | null = null;
  private readonly process: ChildProcess;

  constructor(readonly workload: string, readonly id: ContenderId) {
    this.process = fork(CHILD, [workload, id], {
      execArgv: ["--expose-gc", "--import", "tsx"],
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    this.process.on("message", (message: ChildMessage) => this.deliver(message));
    this.process.on("exit", (code) => {
      if (code !== 0) this.deliver({ type: "failed", error: `exited with code ${code}` });
    });
  }

  private deliver(message: ChildMessage): void {
    if (this.waiting !== null) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve(message);
    } else this.inbox.push(message);
  }

  next(): Promise<ChildMessage> {
    const message = this.inbox.shift();
    return message !== undefined ? Promise.resolve(message) : new Promise((resolve) => (this.waiting = resolve));
  }

  send(message: ParentMessage): void {
    if (this.process.connected) this.process.send(message);
  }
}

async function runWorkload(index: number): Promise<WorkloadResult> {
  const workload = WORKLOADS[index]!();
  const tapeNodes = workload.tapeNodes();
  const lanes = workload.lanes ?? 1;
  const ids = contenderIds(workload);
  const baseline = workload.baseline ?? "wasm";
  console.error(`\n${workload.title} (${tapeNodes.toLocaleString("en-US")} tape nodes${lanes > 1 ? ` × ${lanes} lanes` : ""}): setting up ${ids.join(", ")}`);

  // Set up one at a time: setup (tracing, building tensors) is not timed but competes for cores.
  const children = new Map<ContenderId, { child: Contender; check?: Check; error?: string; rounds: number[][] }>();
  for (const id of ids) {
    const child = new Contender(workload.id, id);
    const ready = await child.next();
    if (ready.type === "ready") children.set(id, { child, check: ready.check, rounds: [] });
    else children.set(id, { child, error: ready.type === "failed" ? ready.error : "unexpected message", rounds: [] });
    if (ready.type === "ready" && !ready.check.ok) console.error(`  ${id}: ${ready.check.message} — not timed`);
    if (ready.type === "failed") console.error(`  ${id}: failed: ${ready.error}`);
  }

  const timed = ids.filter((id) => children.get(id)!.check?.ok === true);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < timed.length; k++) {
      const id = timed[(round + k) % timed.length]!;
      const entry = children.get(id)!;
      entry.child.send({ type: "round", timeMs: ROUND_MS, warmup: round === 0 });
      const reply = await entry.child.next();
      if (reply.type !== "samples") throw new Error(`bench: ${workload.id}/${id}: ${reply.type === "failed" ? reply.error : reply.type}`);
      entry.rounds.push(reply.samples);
    }
    console.error(`  round ${round + 1}/${ROUNDS} done`);
  }
  for (const { child } of children.values()) child.send({ type: "exit" });

  const baselineRounds = children.get(baseline)?.rounds ?? [];
  const baselineMedian = baselineRounds.length > 0 ? median(baselineRounds.flat()) : NaN;
  const contenders: ContenderResult[] = ids.map((id) => {
    const { check, error, rounds } = children.get(id)!;
    const base = { id, label: contenderLabel(workload, id), check, error };
    if (rounds.length === 0) return { ...base, status: error !== undefined ? "failed" : "disagrees" };
    const samples = rounds.flat();
    const medianNs = median(samples);
    const roundMedians = rounds.map(median);
    return {
      ...base,
      status: "timed",
      samples: samples.length,
      medianNs,
      nsPerNode: medianNs / (tapeNodes * lanes),
      ratioToWasm: medianNs / baselineMedian,
      roundMinNs: Math.min(...roundMedians),
      roundMaxNs: Math.max(...roundMedians),
    };
  });
  return { id: workload.id, title: workload.title, what: workload.what, note: workload.note, baseline, tapeNodes, lanes, contenders };
}

async function main(): Promise<void> {
  const filter = process.argv.slice(2);
  const selected = WORKLOADS.map((_, i) => i).filter((i) => filter.length === 0 || filter.some((f) => { const id = WORKLOADS[i]!().id; return id === f || id.startsWith(`${f}-`); }));
  if (selected.length === 0) throw new Error(`bench: no workload matches ${filter.join(", ")}`);
  const workloads: WorkloadResult[] = [];
  const started = performance.now();
  const loadBefore = os.loadavg();
  for (const i of selected) workloads.push(await runWorkload(i));
  const load = { before: loadBefore, after: os.loadavg() };
  const seconds = Math.round((performance.now() - started) / 1000);
  const results: Results = { date: new Date().toISOString(), machine: machine(), rounds: ROUNDS, roundMs: ROUND_MS, load, seconds, workloads };
  if (filter.length === 0) {
    const written = writeReport(results);
    console.error(`\nwrote ${written.join(" and ")}`);
  }
  console.log(renderMarkdown(results));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
