/**
 * jax-js (@jax-js/jax) as a contender: its WebAssembly backend in float64, the function written
 * on arrays as a jax user writes it and wrapped in `jit(valueAndGrad(f))`, so that jax-js traces
 * it once and fuses its kernels. Loaded only in the process that benchmarks it.
 *
 * jax-js follows JAX's move semantics: passing an array to a function consumes it (`a.ref` keeps
 * it), and `dataSync()` / `item()` consume the array they read.
 */
export type Jax = typeof import("@jax-js/jax");
export type JaxArray = import("@jax-js/jax").numpy.Array;

let loaded: Jax | null = null;

/**
 * Two browser globals jax-js touches that Node 20 lacks: `Float16Array` only as the right-hand
 * side of `instanceof` when it builds an array from a typed array (an empty class answers false;
 * no float16 array is ever made here), and `navigator.userAgent`, which its kernel planner tests
 * for "Mobi|Android". `navigator.hardwareConcurrency` is read only for a worker pool, which needs
 * a `Worker` global Node does not have: jax-js runs its kernels on the calling thread, as tapegrad does.
 */
function browserGlobals(): void {
  const g = globalThis as { Float16Array?: unknown; navigator?: unknown };
  g.Float16Array ??= class Float16Array {};
  g.navigator ??= { userAgent: `Node.js/${process.versions.node}` };
}

/** jax-js with its wasm backend started and made the default device. */
export async function loadJax(): Promise<Jax> {
  if (loaded === null) {
    browserGlobals();
    const jax = await import("@jax-js/jax");
    const devices = await jax.init("wasm");
    if (!devices.includes("wasm")) throw new Error(`jax-js: the wasm backend did not start (have ${devices.join(", ")})`);
    jax.defaultDevice("wasm");
    loaded = jax;
  }
  return loaded;
}

/** A float64 array on the wasm device, from float64 data (shape [n] unless given). */
export function f64(jax: Jax, data: Float64Array, shape?: number[]): JaxArray {
  const a = jax.numpy.array(data, { dtype: jax.numpy.float64 });
  return shape === undefined ? a : a.reshape(shape);
}

/** Copies a (consumed) jax array's data into target at offset. */
export function readInto(target: Float64Array, offset: number, a: JaxArray): void {
  target.set(a.dataSync() as Float64Array, offset);
}
