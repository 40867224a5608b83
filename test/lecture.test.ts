/** The lecture's worked examples, against their closed forms, in both modes on both engines. */
import { describe, expect, it } from "vitest";
import { compile, cos, log, sin, square, type Var } from "../src/index.js";
import { ENGINES } from "./engines.js";
import { expectClose } from "./helpers.js";

describe.each(ENGINES)("lecture examples on the %s engine", (engine) => {
  it("(a) o = (x + y)·sin(x) at x = y = π: do/dx = −2π, do/dy = sin(π)", () => {
    const f = compile((x: Var, y: Var) => x.add(y).mul(sin(x)), { engine });
    const { value, grad } = f.grad([Math.PI, Math.PI]);
    expectClose(value, 2 * Math.PI * Math.sin(Math.PI));
    // Closed form: do/dx = sin x + (x + y) cos x = −2π at π; do/dy = sin x.
    expectClose(grad, [Math.sin(Math.PI) + 2 * Math.PI * Math.cos(Math.PI), Math.sin(Math.PI)], 1e-15, 0);
    expect(grad[1]).toBe(1.2246467991473532e-16); // float64 sin(π), not float32's −8.7423e−08
    const forward = [f.jvp([Math.PI, Math.PI], [1, 0]).tangent[0], f.jvp([Math.PI, Math.PI], [0, 1]).tangent[0]];
    expectClose(forward as number[], grad, 1e-15, 0);
  });

  it("(b) o = sin(x²): do/dx = 2x·cos(x²)", () => {
    const f = compile((x: Var) => sin(square(x)), { engine });
    for (const x of [-1.3, 0, 0.5, 2.2]) {
      const closed = 2 * x * Math.cos(x * x);
      expectClose(f.grad([x]).grad, [closed], 1e-14, 1e-15);
      expectClose(f.jvp([x], [1]).tangent, [closed], 1e-14, 1e-15);
    }
  });

  it("(c) f(x) = ln(sin x · cos x): f'(x) = cot x − tan x", () => {
    const f = compile((x: Var) => log(sin(x).mul(cos(x))), { engine });
    for (const x of [0.2, 0.7, 1.1]) {
      const closed = 1 / Math.tan(x) - Math.tan(x);
      expectClose(f.eval([x]), [Math.log(Math.sin(x) * Math.cos(x))], 1e-14, 0);
      expectClose(f.grad([x]).grad, [closed], 1e-13, 1e-15);
      expectClose(f.jvp([x], [1]).tangent, [closed], 1e-13, 1e-15);
    }
    // Outside (0, π/2) sin·cos < 0: the log is NaN, and so is its derivative.
    expect(f.grad([2]).grad[0]).toBeNaN();
  });

  it("(d) f(x,y,z,q) = ((x+y)·z, (x+y)·q): the 2×4 Jacobian by columns (forward) and by rows (reverse)", () => {
    const f = compile((x: Var, y: Var, z: Var, q: Var) => {
      const s = x.add(y);
      return [s.mul(z), s.mul(q)];
    }, { engine });
    const [x, y, z, q] = [1.5, -0.5, 2, 3];
    const closed = [
      [z, z, x + y, 0],
      [q, q, 0, x + y],
    ];
    const at = [x, y, z, q];
    for (let i = 0; i < 4; i++) {
      const e = [0, 0, 0, 0];
      e[i] = 1;
      expectClose(f.jvp(at, e).tangent, [closed[0]![i]!, closed[1]![i]!], 0, 0);
    }
    for (let j = 0; j < 2; j++) {
      const u = [0, 0];
      u[j] = 1;
      expectClose(f.vjp(at, u).grad, closed[j]!, 0, 0);
    }
    expectClose(f.eval(at), [(x + y) * z, (x + y) * q], 0, 0);
  });
});
