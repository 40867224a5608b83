/** tapegrad as a contender: compile once (untimed), then time value + gradient per call. */
import type { Compiled } from "../../src/index.js";
import type { Prepared } from "../types.js";

/** Times f.grad(x) into a reused output array, as a user calling it in a loop would. */
export function timedGrad(f: Compiled, x: Float64Array): Prepared {
  const grad = new Float64Array(f.inputs);
  return {
    run() {
      f.grad(x, grad);
    },
    answer() {
      const { value, grad } = f.grad(x);
      return { value, grad };
    },
    dispose() {
      f.dispose();
    },
  };
}
