/**
 * Hand-written C as a contender: bench/mlp.c compiled with gcc -O3 -march=native at bench time
 * (the flags bench/batch.ts uses), run as a child process in `--serve` mode. It gets the very
 * points and parameters the Node contenders get (as %.17g text, which round-trips float64), answers
 * once for the check, then times its own rounds with clock_gettime, batched like bench/child.ts.
 * Where gcc is missing, setup fails with a message and the report lists the contender as such.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Answer, Prepared } from "../types.js";

const SOURCE = fileURLToPath(new URL("../mlp.c", import.meta.url));

/** Compiles mlp.c (once per process); throws with the reason when that is not possible. */
export function buildMlpC(): string {
  const binary = join(tmpdir(), `tapegrad-bench-mlp-${process.pid}`);
  const built = spawnSync("gcc", ["-O3", "-march=native", SOURCE, "-lm", "-o", binary], { encoding: "utf8" });
  if (built.error !== undefined) throw new Error(`gcc not available (${built.error.message}): C contender skipped`);
  if (built.status !== 0) throw new Error(`gcc failed: ${built.stderr.trim()}`);
  return binary;
}

/** Lines from a child's stdout, one promise at a time. */
class Lines {
  private buffer = "";
  private readonly queue: string[] = [];
  private waiting: ((line: string) => void) | null = null;
  private failure: Error | null = null;
  private reject: ((error: Error) => void) | null = null;

  constructor(child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      this.buffer += chunk;
      let newline: number;
      while ((newline = this.buffer.indexOf("\n")) >= 0) {
        const line = this.buffer.slice(0, newline);
        this.buffer = this.buffer.slice(newline + 1);
        if (this.waiting !== null) {
          const resolve = this.waiting;
          this.waiting = null;
          this.reject = null;
          resolve(line);
        } else this.queue.push(line);
      }
    });
    child.on("exit", (code) => {
      this.failure = new Error(`C contender exited with code ${code}`);
      this.reject?.(this.failure);
    });
  }

  next(): Promise<string> {
    const line = this.queue.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.reject = reject;
    });
  }
}

/**
 * The MLP mean gradient in C over `count` rows (x1, x2, y) at parameters theta (mlpLayout order,
 * which mlp.c shares). The answer is read before any timing.
 */
export async function cMlp(theta: Float64Array, rows: Float64Array, count: number): Promise<Prepared> {
  const binary = buildMlpC();
  const child = spawn(binary, ["--serve"], { stdio: ["pipe", "pipe", "pipe"] });
  const lines = new Lines(child);
  const text = (xs: Float64Array): string => Array.from(xs, (x) => x.toPrecision(17)).join(" ");
  child.stdin.write(`${count}\n${text(theta)}\n${text(rows.subarray(0, 3 * count))}\n`);
  const numbers = (await lines.next()).trim().split(/\s+/).map(Number);
  const answer: Answer = { value: numbers[0]!, grad: Float64Array.from(numbers.slice(1)) };
  return {
    run: () => {
      throw new Error("the C contender times its own rounds");
    },
    answer: () => answer,
    timeRound: async (timeMs, warmup) => {
      child.stdin.write(`round ${timeMs} ${warmup ? 1 : 0}\n`);
      return (await lines.next()).trim().split(/\s+/).map(Number);
    },
    dispose: () => {
      child.stdin.end();
      child.kill();
      rmSync(binary, { force: true });
    },
  };
}
