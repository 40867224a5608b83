/**
 * TensorFlow.js with its pure-JavaScript CPU backend (float32): loaded only in the process that
 * benchmarks it, so the other contenders never share a heap with it. (`@tensorflow/tfjs-node`
 * would be faster but downloads native binaries and cannot install here.)
 */
export type Tf = typeof import("@tensorflow/tfjs");

let loaded: Tf | null = null;

export async function loadTf(): Promise<Tf> {
  if (loaded === null) {
    const tf = await import("@tensorflow/tfjs");
    await tf.setBackend("cpu");
    await tf.ready();
    loaded = tf;
  }
  return loaded;
}

/** Copies a float32 tensor's data into a float64 array at offset. */
export function copyInto(target: Float64Array, offset: number, data: ArrayLike<number>): void {
  for (let i = 0; i < data.length; i++) target[offset + i] = data[i]!;
}

/** Runs fn inside tf.tidy (so every tensor it makes is freed) and returns its plain-JS answer. */
export function tidyAnswer<T>(tf: Tf, fn: () => T): T {
  let result!: T;
  tf.tidy(() => {
    result = fn();
  });
  return result;
}
