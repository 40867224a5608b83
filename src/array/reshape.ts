/** reshape(x, shape): the free-function form of x.reshape(shape) (docs/arrays.md). */
import { arrayArg } from "./record.js";
import { reshapeVar, type Var } from "../var.js";

/** The same elements, row-major, in another shape of the same size; one dimension may be −1 (inferred). */
export function reshape(x: Var, shape: readonly number[]): Var {
  return reshapeVar(arrayArg("reshape(x, shape)", x), shape);
}
