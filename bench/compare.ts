/** The correctness check every contender passes before it is timed. */
import type { Answer } from "./types.js";

export interface Check {
  ok: boolean;
  valueError: number;
  gradError: number;
  message?: string;
}

/** Norm-wise relative errors of an answer against the reference. */
export function compare(answer: Answer, reference: Answer, tolerance: number): Check {
  const valueError = Math.abs(answer.value - reference.value) / Math.max(1, Math.abs(reference.value));
  let diff = 0;
  let norm = 0;
  const n = reference.grad.length;
  if (answer.grad.length !== n) {
    return { ok: false, valueError, gradError: Infinity, message: `gradient has ${answer.grad.length} entries, expected ${n}` };
  }
  for (let i = 0; i < n; i++) {
    diff += (answer.grad[i]! - reference.grad[i]!) ** 2;
    norm += reference.grad[i]! ** 2;
  }
  const gradError = Math.sqrt(diff) / Math.max(1, Math.sqrt(norm));
  const ok = valueError <= tolerance && gradError <= tolerance;
  return ok ? { ok, valueError, gradError } : { ok, valueError, gradError, message: `disagrees with the hand-written gradient beyond ${tolerance}` };
}
