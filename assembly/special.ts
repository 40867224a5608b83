// erf and erfc for the kernels: the algorithm of src/special.ts, line for line, so the engines
// agree up to their Math.exp (the comments there say how and why).

const TWO_OVER_SQRT_PI: f64 = 1.1283791670955126;
const ONE_OVER_SQRT_PI: f64 = 0.5641895835477563;

function expMinusSquare(x: f64): f64 {
  const c = 134217729.0 * x;
  const hi = c - (c - x);
  const lo = x - hi;
  return Math.exp(-hi * hi) * Math.exp(-(lo * (2.0 * hi + lo)));
}

function erfSeries(x: f64): f64 {
  const x2 = x * x;
  let term: f64 = 1;
  let sum: f64 = 1;
  for (let n = 1; n < 40; n++) {
    term *= (2.0 * x2) / <f64>(2 * n + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return TWO_OVER_SQRT_PI * x * Math.exp(-x2) * sum;
}

function erfcFraction(x: f64): f64 {
  if (x > 27.3) return 0;
  const n = <i32>Math.ceil(16.0 + 160.0 / (x * x));
  let t = x;
  for (let k = n; k >= 1; k--) t = x + (<f64>k * 0.5) / t;
  return (ONE_OVER_SQRT_PI * expMinusSquare(x)) / t;
}

// Not inlined into the sweeps: called rarely, and a loop per call site would bloat every chain.
export function erf(x: f64): f64 {
  if (x != x) return x;
  const ax = Math.abs(x);
  if (ax < 0.5) return erfSeries(x);
  const r = 1.0 - erfcFraction(ax);
  return x < 0 ? -r : r;
}

export function erfc(x: f64): f64 {
  if (x != x) return x;
  if (Math.abs(x) < 0.5) return 1.0 - erfSeries(x);
  return x > 0 ? erfcFraction(x) : 2.0 - erfcFraction(-x);
}
