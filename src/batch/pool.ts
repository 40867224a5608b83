/**
 * A pool of worker threads for one compiled function: worker_threads in Node, Web Workers in
 * browsers, each with its own instance of the WebAssembly module. meanGrad splits the points
 * into one contiguous slice per worker, each worker sums its points' terms scaled by 1/N (N the
 * whole dataset's points: its share of the mean), and the shares are added in worker order, so
 * the result equals one thread's up to the rounding of a different summation order.
 *
 * One pool per function, grown to the largest worker count asked so far; a call with
 * { workers: w } uses the first w threads. So concurrent calls with any counts share the threads
 * (jobs queue per thread, answered in order), a call's split — and so its rounding — depends only
 * on its own count, and no thread is restarted when the count changes. (One pool per count would
 * keep threads apart that are idle most of the time, and each holds its own module and memory.)
 *
 * Every call copies θ and its dataset slices before it returns its Promise: changing them
 * afterwards cannot change the result.
 *
 * Threads start on first use and stay up until dispose(), which rejects the calls still running.
 * In Node they are unref'd while idle, so a forgotten dispose() never keeps the process alive.
 */
import { OP } from "../ops.js";
import type { Tape } from "../tape.js";
import { blockLanes } from "../engine/wasm-batch.js";
import { kernels, memoryType, wasmModule } from "../wasm/module.js";
import { WORKER_SOURCE } from "./worker-source.js";
import { workerLayout } from "./worker-layout.js";
import { batchModule } from "../jit/batch-module.js";

/**
 * The workers' compiled batch sweeps: one module for the addresses every worker uses (their
 * layout is the same function of the same sizes, worker-layout.ts), sent with the init message;
 * null where it cannot be made (the workers then interpret).
 */
function workerSweeps(tape: Tape): { module: WebAssembly.Module; imports: string[] } | null {
  try {
    const stride = blockLanes(tape.op.length);
    const at = workerLayout(kernels().heapBase(), tape.op.length, stride, tape.inputs);
    return batchModule(tape, { val: at.val, adj: at.adj, stride, valScratch: at.scratch, adjScratch: at.scratch + 16 * tape.op.length }, kernels().memory);
  } catch {
    return null;
  }
}

interface Endpoint {
  /** No transfer list: a transfer would detach a buffer of the user's thread (src/wasm/memory.ts). */
  post(message: unknown): void;
  onMessage(handler: (message: unknown) => void): void;
  /** Called with the reason when the thread fails outside a job (it could not start, or crashed). */
  onError(handler: (error: Error) => void): void;
  ref(): void;
  unref(): void;
  terminate(): void;
}

interface SliceResult {
  total: number;
  grad: Float64Array;
  /** True when the worker ran compiled batch sweeps (src/jit/). */
  compiled?: boolean;
}

interface Pending {
  resolve(result: SliceResult): void;
  reject(error: Error): void;
}

// Typed by hand: the library build targets browsers too and carries no Node type definitions.
interface NodeWorker {
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  on(event: "message" | "error", handler: (value: unknown) => void): void;
  ref(): void;
  unref(): void;
  terminate(): Promise<number>;
}
interface WorkerThreads {
  Worker: new (code: string, options: { eval: true }) => NodeWorker;
}

const isNode = typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node === "string";

/** The error of the calls that a dispose() cut short. */
const disposedWhileRunning = (): Error => new Error("tapegrad: meanGrad(): the function was disposed while the call ran");

/**
 * The error for a Web Worker that fired `error` on its Worker object (or whose constructor threw):
 * the worker code catches everything inside its jobs, so this means the script never ran —
 * typically a Content Security Policy without blob: workers. `event` is an ErrorEvent, a plain
 * Event (no message), or a thrown SecurityError.
 */
export function workerStartError(event: unknown): Error {
  const message = (event as { message?: unknown } | null)?.message;
  const detail = typeof message === "string" && message !== "" ? ` (${message})` : "";
  return new Error(
    `tapegrad: a batch worker could not start${detail}; the workers run from a Blob URL, so a ` +
      "Content Security Policy must allow worker-src blob:",
  );
}

/**
 * Node's worker_threads, loaded so that no bundler sees a module to resolve or warns: a browser
 * bundle must neither pull in nor choke on a Node built-in it never runs (this runs only when
 * isNode). process.getBuiltinModule (Node ≥ 20.16 / 22.3) is a plain function call, invisible to
 * bundlers; older Node imports a computed specifier, which esbuild and Rollup leave alone, and
 * which the magic comments keep webpack ("Critical dependency: the request of a dependency is an
 * expression") and Vite from analysing. `process` is read off globalThis so that no bundler
 * substitutes or polyfills it. test/browser/bundlers.mjs checks that all three stay silent.
 */
async function workerThreads(): Promise<WorkerThreads> {
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof process?.getBuiltinModule === "function") return process.getBuiltinModule("node:worker_threads") as WorkerThreads;
  const specifier = "node:worker_threads";
  return (await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier)) as WorkerThreads;
}

async function spawn(): Promise<Endpoint> {
  if (isNode) {
    const { Worker } = await workerThreads();
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    return {
      post: (message) => worker.postMessage(message),
      onMessage: (handler) => void worker.on("message", handler),
      onError: (handler) => void worker.on("error", (error) => handler(new Error(`tapegrad: a batch worker failed: ${String(error)}`))),
      ref: () => worker.ref(),
      unref: () => worker.unref(),
      terminate: () => void worker.terminate(),
    };
  }
  if (typeof Worker !== "function" || typeof Blob !== "function") {
    throw new Error("tapegrad: { workers } needs worker_threads (Node) or Web Workers (browsers); neither is available here");
  }
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
  let worker: Worker;
  try {
    worker = new Worker(url);
  } catch (error) {
    throw workerStartError(error);
  } finally {
    URL.revokeObjectURL(url);
  }
  return {
    post: (message) => worker.postMessage(message),
    onMessage: (handler) => void (worker.onmessage = (event) => handler(event.data)),
    onError: (handler) => void (worker.onerror = (event) => handler(workerStartError(event))),
    ref: () => {},
    unref: () => {},
    terminate: () => worker.terminate(),
  };
}

class BatchWorker {
  private readonly queue: Pending[] = [];
  /** Set once the thread has failed outside a job: it will answer nothing more. */
  private failed: Error | null = null;
  constructor(private readonly endpoint: Endpoint) {
    endpoint.unref();
    endpoint.onMessage((message) => {
      const pending = this.queue.shift();
      if (this.queue.length === 0) endpoint.unref();
      if (pending === undefined) return;
      const reply = message as SliceResult & { error?: string };
      if (reply.error !== undefined) pending.reject(new Error(`tapegrad: a batch worker failed: ${reply.error}`));
      else pending.resolve(reply);
    });
    endpoint.onError((error) => {
      this.failed = error;
      this.failAll(error);
    });
  }

  init(message: object): void {
    this.endpoint.post(message);
  }

  /**
   * Posts one job; θ and rows are cloned (or shared), never transferred: a transfer detaches an
   * ArrayBuffer of this thread, which slows the host's typed-array code (src/wasm/memory.ts).
   */
  run(theta: Float64Array, rows: Float64Array, count: number, scale: number): Promise<SliceResult> {
    if (this.failed !== null) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      this.endpoint.ref();
      this.endpoint.post({ type: "sumGrad", theta, rows, count, scale });
    });
  }

  failAll(error: Error): void {
    for (const pending of this.queue.splice(0)) pending.reject(error);
  }

  terminate(): void {
    this.failAll(disposedWhileRunning());
    this.endpoint.terminate();
  }
}

/**
 * A copy of `rows` for a worker: in a SharedArrayBuffer where there is one (Node; browsers when
 * crossOriginIsolated), which posting shares instead of copying again; else a plain copy, which
 * posting clones (exactly its length: cloning a subarray would clone its whole buffer).
 */
function copyForPost(rows: Float64Array): Float64Array {
  if (typeof SharedArrayBuffer !== "function") return rows.slice();
  const copy = new Float64Array(new SharedArrayBuffer(rows.byteLength));
  copy.set(rows);
  return copy;
}

export class WorkerPool {
  /** The threads, in order, each started on first use; a call with w workers uses the first w. */
  private readonly threads: Promise<BatchWorker>[] = [];
  private initMessage: object | null = null;
  private disposed = false;
  /** Jobs answered by threads running compiled batch sweeps (for tests and the docs' claim). */
  compiledJobs = 0;

  /** `jit`: compile the workers' batch sweeps (src/jit/batch-module.ts) for their memory layout. */
  constructor(private readonly tape: Tape, private readonly jit: boolean = false) {}

  /** Threads started so far: the largest worker count asked. */
  get size(): number {
    return this.threads.length;
  }

  /**
   * Mean loss and mean gradient over `count` points of `rows` (d numbers each), split across the
   * first `workers` threads. θ and the slices are copied before this returns.
   */
  meanGrad(theta: ArrayLike<number>, rows: Float64Array, count: number, workers: number): Promise<{ value: number; grad: Float64Array }> {
    if (this.disposed) return Promise.reject(disposedWhileRunning());
    const d = this.tape.data;
    const parts = Math.min(workers, count);
    const scale = 1 / count;
    // Copies, taken now: the caller may change θ and the dataset as soon as we return.
    const point = Float64Array.from(theta);
    const jobs: Promise<SliceResult>[] = [];
    for (let w = 0; w < parts; w++) {
      const first = Math.floor((count * w) / parts);
      const last = Math.floor((count * (w + 1)) / parts);
      const slice = copyForPost(rows.subarray(first * d, last * d));
      jobs.push(this.thread(w).then((worker) => {
        if (this.disposed) throw disposedWhileRunning();
        return worker.run(point, slice, last - first, scale);
      }));
    }
    return Promise.all(jobs).then((results) => {
      for (const result of results) if (result.compiled === true) this.compiledJobs++;
      const grad = new Float64Array(this.tape.inputs);
      let value = 0;
      for (const result of results) {
        value += result.total;
        for (let i = 0; i < grad.length; i++) grad[i] += result.grad[i]!;
      }
      return { value, grad };
    });
  }

  /** Terminates the threads; calls still running reject with "disposed while the call ran". */
  dispose(): void {
    this.disposed = true;
    for (const thread of this.threads.splice(0)) void thread.then((worker) => worker.terminate(), () => {});
  }

  /** Thread w, starting threads up to it as needed. */
  private thread(w: number): Promise<BatchWorker> {
    while (this.threads.length <= w) {
      const init = this.init();
      const started = spawn().then((endpoint) => {
        const worker = new BatchWorker(endpoint);
        worker.init(init);
        return worker;
      });
      this.threads.push(started);
    }
    return this.threads[w]!;
  }

  private init(): object {
    if (this.initMessage === null) {
      const tape = this.tape;
      this.initMessage = {
        type: "init",
        module: wasmModule(),
        memory: memoryType(),
        op: tape.op,
        a: tape.a,
        b: tape.b,
        constants: tape.constants,
        inputs: tape.inputs,
        data: tape.data,
        out0: tape.outputs[0],
        stride: blockLanes(tape.op.length),
        constCode: OP.CONST,
        jit: this.jit ? workerSweeps(tape) : null,
      };
    }
    return this.initMessage;
  }
}
