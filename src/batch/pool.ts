/**
 * A pool of worker threads for one compiled function: worker_threads in Node, Web Workers in
 * browsers, each with its own instance of the WebAssembly module. meanGrad splits the points
 * into one contiguous slice per worker and adds the partial sums in worker order, so the result
 * equals one thread's up to the rounding of a different summation order.
 *
 * Threads start on first use and stay up until dispose(). In Node they are unref'd while idle,
 * so a forgotten dispose() never keeps the process alive.
 */
import { OP } from "../ops.js";
import type { Tape } from "../tape.js";
import { blockLanes } from "../engine/wasm-batch.js";
import { wasmModule } from "../wasm/module.js";
import { WORKER_SOURCE } from "./worker-source.js";

interface Endpoint {
  post(message: unknown, transfer?: Transferable[]): void;
  onMessage(handler: (message: unknown) => void): void;
  onError(handler: (error: unknown) => void): void;
  ref(): void;
  unref(): void;
  terminate(): void;
}

interface SliceResult {
  total: number;
  grad: Float64Array;
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

async function spawn(): Promise<Endpoint> {
  if (isNode) {
    // A computed specifier keeps browser bundlers from resolving a Node-only module.
    const specifier = "node:worker_threads";
    const { Worker } = (await import(specifier)) as WorkerThreads;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    return {
      post: (message, transfer) => worker.postMessage(message, transfer),
      onMessage: (handler) => void worker.on("message", handler),
      onError: (handler) => void worker.on("error", handler),
      ref: () => worker.ref(),
      unref: () => worker.unref(),
      terminate: () => void worker.terminate(),
    };
  }
  if (typeof Worker !== "function" || typeof Blob !== "function") {
    throw new Error("tapegrad: { workers } needs worker_threads (Node) or Web Workers (browsers); neither is available here");
  }
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
  const worker = new Worker(url);
  URL.revokeObjectURL(url);
  return {
    post: (message, transfer) => worker.postMessage(message, transfer ?? []),
    onMessage: (handler) => void (worker.onmessage = (event) => handler(event.data)),
    onError: (handler) => void (worker.onerror = (event) => handler(event)),
    ref: () => {},
    unref: () => {},
    terminate: () => worker.terminate(),
  };
}

class BatchWorker {
  private readonly queue: Pending[] = [];
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
    endpoint.onError((error) => this.failAll(new Error(`tapegrad: a batch worker failed: ${String(error)}`)));
  }

  init(message: object): void {
    this.endpoint.post(message);
  }

  run(theta: Float64Array, rows: Float64Array, count: number): Promise<SliceResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      this.endpoint.ref();
      this.endpoint.post({ type: "sumGrad", theta, rows, count }, [rows.buffer]);
    });
  }

  failAll(error: Error): void {
    for (const pending of this.queue.splice(0)) pending.reject(error);
  }

  terminate(): void {
    this.failAll(new Error("tapegrad: the function was disposed while a batch was running"));
    this.endpoint.terminate();
  }
}

export class WorkerPool {
  private workers: Promise<BatchWorker[]> | null = null;
  private disposed = false;

  constructor(private readonly tape: Tape, readonly size: number) {}

  /** Loss sum and gradient sum over `count` points of `rows` (d numbers each), across the pool. */
  async sumGrad(theta: ArrayLike<number>, rows: Float64Array, count: number): Promise<{ total: number; grad: Float64Array }> {
    const workers = await this.started();
    if (this.disposed) throw new Error("tapegrad: meanGrad() called on a disposed function");
    const d = this.tape.data;
    const parts = Math.min(workers.length, count);
    const jobs: Promise<SliceResult>[] = [];
    for (let w = 0; w < parts; w++) {
      const first = Math.floor((count * w) / parts);
      const last = Math.floor((count * (w + 1)) / parts);
      // slice() copies, so the caller's dataset is never transferred away.
      jobs.push(workers[w]!.run(Float64Array.from(theta), rows.slice(first * d, last * d), last - first));
    }
    const results = await Promise.all(jobs);
    const grad = new Float64Array(this.tape.inputs);
    let total = 0;
    for (const result of results) {
      total += result.total;
      for (let i = 0; i < grad.length; i++) grad[i] += result.grad[i]!;
    }
    return { total, grad };
  }

  dispose(): void {
    this.disposed = true;
    void this.workers?.then((workers) => workers.forEach((worker) => worker.terminate()), () => {});
    this.workers = null;
  }

  private started(): Promise<BatchWorker[]> {
    if (this.workers === null) {
      const tape = this.tape;
      const init = {
        type: "init",
        module: wasmModule(),
        op: tape.op,
        a: tape.a,
        b: tape.b,
        constants: tape.constants,
        inputs: tape.inputs,
        data: tape.data,
        out0: tape.outputs[0],
        stride: blockLanes(tape.op.length),
        constCode: OP.CONST,
      };
      this.workers = Promise.all(
        Array.from({ length: this.size }, async () => {
          const worker = new BatchWorker(await spawn());
          worker.init(init);
          return worker;
        }),
      );
    }
    return this.workers;
  }
}
