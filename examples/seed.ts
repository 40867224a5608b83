/**
 * The lecture's worked examples, each derivative computed in forward mode (jvp) and in reverse
 * mode (grad / vjp) and printed beside its closed form. Run with `npm start`.
 */
import { compile, cos, log, sin, square, type Var } from "../src/index.js";

const fmt = (x: number): string => (x === 0 || (Math.abs(x) >= 1e-3 && Math.abs(x) < 1e6) ? x.toFixed(10) : x.toExponential(10));
const row = (label: string, forward: number, reverse: number, closed: number): void =>
  console.log(`  ${label.padEnd(10)} forward ${fmt(forward).padStart(18)}   reverse ${fmt(reverse).padStart(18)}   closed form ${fmt(closed).padStart(18)}`);

// (a) o = (x + y)·sin(x) at x = y = π
{
  console.log("(a) o = (x + y)·sin(x) at x = y = π");
  const f = compile((x: Var, y: Var) => x.add(y).mul(sin(x)));
  const at = [Math.PI, Math.PI];
  const { value, grad } = f.grad(at);
  console.log(`  o = ${fmt(value)}`);
  row("do/dx", f.jvp(at, [1, 0]).tangent[0]!, grad[0]!, Math.sin(Math.PI) + 2 * Math.PI * Math.cos(Math.PI));
  row("do/dy", f.jvp(at, [0, 1]).tangent[0]!, grad[1]!, Math.sin(Math.PI));
  const piFloat32 = Math.fround(Math.PI);
  console.log(
    `  do/dy = sin(π) is not 0 in floating point: float64 π falls short of π by δ ≈ 1.2246e−16,\n` +
      `  and sin(π − δ) ≈ δ, so tapegrad prints ${Math.sin(Math.PI).toExponential(4)}.\n` +
      `  PyTorch's float32 prints −8.7423e−08: float32(π) = ${piFloat32} exceeds π by ` +
      `ε = ${(piFloat32 - Math.PI).toExponential(4)}, and sin(π + ε) ≈ −ε = ${Math.sin(piFloat32).toExponential(4)}.`,
  );
  f.dispose();
}

// (b) o = sin(x²): do/dx = 2x·cos(x²)
{
  console.log("\n(b) o = sin(x²) at x = 1.5");
  const f = compile((x: Var) => sin(square(x)));
  const x = 1.5;
  row("do/dx", f.jvp([x], [1]).tangent[0]!, f.grad([x]).grad[0]!, 2 * x * Math.cos(x * x));
  f.dispose();
}

// (c) f(x) = ln(sin x · cos x): f'(x) = cos x / sin x − sin x / cos x = cot x − tan x
{
  console.log("\n(c) f(x) = ln(sin x · cos x) at x = 0.6");
  const f = compile((x: Var) => log(sin(x).mul(cos(x))));
  const x = 0.6;
  console.log(`  f = ${fmt(f.eval([x])[0]!)}`);
  row("df/dx", f.jvp([x], [1]).tangent[0]!, f.grad([x]).grad[0]!, 1 / Math.tan(x) - Math.tan(x));
  f.dispose();
}

// (d) f(x, y, z, q) = ((x + y)·z, (x + y)·q): a 2×4 Jacobian
{
  console.log("\n(d) f(x, y, z, q) = ((x + y)·z, (x + y)·q) at (1, 2, 3, 4)");
  const f = compile((x: Var, y: Var, z: Var, q: Var) => {
    const s = x.add(y);
    return [s.mul(z), s.mul(q)];
  });
  const at = [1, 2, 3, 4];
  const [x, y, z, q] = at as [number, number, number, number];
  const closed = [
    [z, z, x + y, 0],
    [q, q, 0, x + y],
  ];
  // Forward mode: one pass per input gives one column.
  const columns = [0, 1, 2, 3].map((i) => f.jvp(at, at.map((_, k) => (k === i ? 1 : 0))).tangent);
  // Reverse mode: one pass per output gives one row.
  const rows = [0, 1].map((j) => f.vjp(at, [j === 0 ? 1 : 0, j === 1 ? 1 : 0]).grad);
  const show = (m: (i: number, j: number) => number): string =>
    [0, 1].map((i) => "    [" + [0, 1, 2, 3].map((j) => String(m(i, j)).padStart(4)).join("") + " ]").join("\n");
  console.log("  forward mode, 4 passes (one per input, a column each):\n" + show((i, j) => columns[j]![i]!));
  console.log("  reverse mode, 2 passes (one per output, a row each):\n" + show((i, j) => rows[i]![j]!));
  console.log("  closed form:\n" + show((i, j) => closed[i]![j]!));
  f.dispose();
}
