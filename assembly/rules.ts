// Local partial derivatives shared by the sweeps: the few rules longer than one expression.
// Each mirrors the rule of the same name in src/ops.ts; edge cases are documented there.

// The zero rule, in every sweep of both engines (src/ops.ts `zmul`): a partial times a tangent
// or adjoint is exactly 0 when either factor is exactly 0, even if the other is ±∞ or NaN. A path
// with a zero factor contributes nothing (CppAD's azmul, made symmetric), so forward, reverse,
// lanes, hvp and batches agree where a partial is infinite (sqrt at 0) or NaN (an unused branch).
@inline export function zmul(partial: f64, t: f64): f64 {
  const r = partial * t;
  return r == r ? r : partial == 0 || t == 0 ? 0 : r; // a product not NaN needs no test
}

// d(x^y)/dx = y·x^(y−1), and 0 when y = 0 (the derivative of the constant 1, not 0·∞ at x = 0).
@inline export function powDx(x: f64, y: f64): f64 {
  return y == 0 ? 0 : y * Math.pow(x, y - 1);
}

// d²(x^y)/dx² = y(y−1)·x^(y−2), and 0 when y is 0 or 1 (not 0·∞ at x = 0).
@inline export function powDaa(x: f64, y: f64): f64 {
  return y == 0 || y == 1 ? 0 : y * (y - 1) * Math.pow(x, y - 2);
}

// ln(x) as it enters d(x^y)/dy: the limit 0 at x = 0 for y > 0; NaN for x < 0.
@inline export function powLog(x: f64, y: f64): f64 {
  return x > 0 ? Math.log(x) : x == 0 && y > 0 ? 0 : NaN;
}

// d(log x)/dx = 1/x, NaN where log itself is NaN (x < 0); +∞ at both +0 and −0 (|x|).
@inline export function logDx(x: f64): f64 {
  return x < 0 ? NaN : 1 / Math.abs(x);
}

// d(sqrt x)/dx = 1/(2√x) from the value v = √x: +∞ at both +0 and −0 (√−0 = −0, hence |v|).
@inline export function sqrtDx(v: f64): f64 {
  return 0.5 / Math.abs(v);
}

// d²(sqrt x)/dx² = −1/(4·x^(3/2)) from v = √x: −∞ at ±0.
@inline export function sqrtDaa(v: f64): f64 {
  const s = Math.abs(v);
  return -0.25 / (s * s * s);
}

// d²(log x)/dx² = −1/x², NaN for x < 0.
@inline export function logDaa(x: f64): f64 {
  return x < 0 ? NaN : -1 / (x * x);
}

@inline export function sigmoid(x: f64): f64 {
  return 1 / (1 + Math.exp(-x));
}

// The tape's f64 and i32 arrays, addressed by node index.
@inline export function f64At(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}
@inline export function setF64(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}
@inline export function addF64(base: usize, i: i32, v: f64): void {
  const p = base + (<usize>i << 3);
  store<f64>(p, load<f64>(p) + v);
}
@inline export function i32At(base: usize, i: i32): i32 {
  return load<i32>(base + (<usize>i << 2));
}
export { erf, erfc } from "./special";
