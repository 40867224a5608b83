// sin, cos and tan for every sweep: AssemblyScript's own below 1.6e6, the host's Math above.
//
// AssemblyScript 0.28's Math.sin/cos/tan (musl ports) reduce the argument wrongly for many
// non-integer |x| in about [1.65e6, 4.2e6), where they switch from the medium (Cody–Waite, exact
// for |x| < 2²⁰·π/2 ≈ 1,647,099) to the large-argument reduction: sin(2500000.1) came out
// −0.7131 instead of +0.7131. Below the switch they agree with V8's Math to an ulp.
// The host's Math.sin/cos/tan are right over every binade, but a call into JS from wasm costs
// ≈ 50 ns here against ≈ 18 ns for the compiled-in version (measured on a 1,000-node sin chain,
// Node 20), so it serves only the rare large arguments. NaN and ±∞ take the host path too.
// src/wasm/imports.ts supplies the imports (the batch workers' source writes the same list).
@external("math", "sin") declare function hostSin(x: f64): f64;
@external("math", "cos") declare function hostCos(x: f64): f64;
@external("math", "tan") declare function hostTan(x: f64): f64;

/** Below this |x| AssemblyScript's argument reduction is exact (2²⁰·π/2 ≈ 1,647,099, less a margin). */
const MEDIUM_LIMIT: f64 = 1.6e6;

// The host calls sit in functions of their own, never inlined into a sweep's loop: an import call
// site inside the loop slowed the whole forward sweep by ~70% (Rosenbrock n = 1,000, which has no
// trig at all), while a call to a wasm function costs nothing until it is taken. binaryen inlines
// a function with a call only while it is tiny; the NaN test keeps these just past that size.
function sinLarge(x: f64): f64 {
  return x != x ? x : hostSin(x);
}
function cosLarge(x: f64): f64 {
  return x != x ? x : hostCos(x);
}
function tanLarge(x: f64): f64 {
  return x != x ? x : hostTan(x);
}

@inline export function sin(x: f64): f64 {
  return Math.abs(x) < MEDIUM_LIMIT ? Math.sin(x) : sinLarge(x);
}
@inline export function cos(x: f64): f64 {
  return Math.abs(x) < MEDIUM_LIMIT ? Math.cos(x) : cosLarge(x);
}
@inline export function tan(x: f64): f64 {
  return Math.abs(x) < MEDIUM_LIMIT ? Math.tan(x) : tanLarge(x);
}
