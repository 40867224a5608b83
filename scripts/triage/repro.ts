// Reproducers for the fuzz failures of seeds 11–17 at FUZZ_GRAPHS=6000 (see the triage report).
import { compile, exp, log, neg, pow, select, square, sub, div, add, tan, sqrt, gt, tanh, lt, relu, sin, min, constant, ge, eq, type Var } from "../../src/index.js";

const show = (label: string, ...xs: unknown[]) => console.log(label, ...xs);
const hex = (x: number) => { const b = new DataView(new ArrayBuffer(8)); b.setFloat64(0, x); return b.getBigUint64(0).toString(16); };

// exp(40): scalar engines and the SIMD batch lane
{
  for (const engine of ["wasm", "js"] as const) {
    const f = compile(([x]: Var[]) => exp(x!), { inputs: 1, engine });
    const fb = compile({ params: 1, data: 1, engine }, ([_t], [d]) => exp(d!));
    const e = f.eval([40])[0]!;
    const eb = fb.evalBatch([0], new Float64Array([40, 40, 40]));
    show(`exp(40) ${engine}: eval ${e} (${hex(e)}), evalBatch ${Array.from(eb)} (${Array.from(eb, hex)}), Math.exp ${Math.exp(40)} (${hex(Math.exp(40))})`);
    show(`  sin(exp(40)+1) with that exp: ${Math.sin(e + 1)}, tan(exp(40)) ${Math.tan(e)}, tan(1+2exp(40)) ${Math.tan(1 + 2 * e)}; batch exp: tan ${Math.tan(eb[0]!)}`);
    f.dispose(); fb.dispose();
  }
  const t = compile({ params: 1, data: 1 }, ([_t], [d]) => tanh(d!));
  const tb = t.evalBatch([0], new Float64Array([1e-8, 1e-8])), ts = t.eval([0], [1e-8])[0]!;
  show(`tanh(1e-8): wasm eval ${ts} (${hex(ts)}), wasm evalBatch ${tb[0]} (${hex(tb[0]!)}), Math.tanh ${hex(Math.tanh(1e-8))}, 1e-8 = ${hex(1e-8)}`);
}

// seed 11 #2310: forward vs reverse, cancellation amplified (both engines)
{
  const g = ([x0, x1, x2, x3]: Var[]) => {
    const v4 = select(x3!, x2!, x1!); const v5 = sub(0.001, v4); const v6 = div(v5, v4); const v7 = neg(v6);
    const v8 = pow(v7, v4); const v10 = add(x0!, x1!); const v11 = select(v6, v10, v8); return neg(v11);
  };
  for (const engine of ["wasm", "js"] as const) {
    const f = compile(g, { inputs: 4, engine });
    const x = [1e300, 1e300, 0.866090096261242, 1e300];
    const jf = f.jacobian(x, { mode: "forward" }).data[2]!, jr = f.jacobian(x, { mode: "reverse" }).data[2]!;
    show(`seed 11 ${engine}: d/dx2 forward ${jf}, reverse ${jr}, |diff| ${Math.abs(jf - jr)}, rel ${Math.abs(jf - jr) / Math.abs(jf)}`);
    f.dispose();
  }
  // the pieces: d v6/dx2 = -1/v4 - v6/v4 (two terms of ~1.15 summing to ~1.3e-3), then
  // dv8/dx2 = v4·v7^(v4-1)·dv7 + ln(v7)·v8 (two terms of ~1.15e-3 summing to -6.7e-7)
  const v4 = 0.866090096261242, v6 = (0.001 - v4) / v4, v7 = -v6, v8 = Math.pow(v7, v4);
  const t6 = -1 / v4 - v6 / v4, p1 = v4 * Math.pow(v7, v4 - 1) * -t6, p2 = Math.log(v7) * v8;
  show(`  pieces: dv6 = ${-1 / v4} + ${-v6 / v4} = ${t6}; dv8 = ${p1} + ${p2} = ${p1 + p2}; abs-sum ${(Math.abs(p1) + Math.abs(p2))}`);
}

// seed 12 #2302: meanGrad of a gradient that is exactly 0 per point by cancelling paths
{
  const fn = ([a, _b]: Var[], [c]: Var[]) => neg(add(a!, sub(neg(a!), c!)));
  for (const engine of ["wasm", "js"] as const) {
    const f = compile({ params: 2, data: 1, engine }, fn);
    const ds = new Float64Array([1e-300, -0.010989930324563942, 1e-8]);
    const mg = f.meanGrad([2, 1e8], ds), gb = f.gradBatch([2, 1e8], ds);
    show(`seed 12 ${engine}: meanGrad ${Array.from(mg.grad)}, gradBatch ${Array.from(gb.grad)}; per path: (-1/3)*3 + (1/3)*3 in float = ${(-1 / 3 + -1 / 3 + -1 / 3) + (1 / 3 + 1 / 3 + 1 / 3)}, (-1/3-1/3)+(1/3+1/3) + (-1/3+1/3) = ${(-1 / 3 + -1 / 3) + (1 / 3 + 1 / 3) + (-1 / 3 + 1 / 3)}`);
    f.dispose();
  }
}

// seed 13 #3569: gt(pow(pow(exp(x0),4),4), exp(x0)/relu(sin(exp(x0)+1)))
{
  for (const engine of ["wasm", "js"] as const) {
    const f = compile(([x0]: Var[]) => {
      const v7 = exp(x0!); const v10 = relu(sin(sub(v7, -1))); const v11 = div(v7, v10);
      const v17 = pow(pow(v7, 4), 4); return [gt(v17, v11), v11, v17, sin(sub(v7, -1))];
    }, { inputs: 1, engine });
    show(`seed 13 #3569 ${engine}: [gt, v11, v17, sin(exp(40)+1)] = ${Array.from(f.eval([40]))}`);
    f.dispose();
  }
}

// seed 13 #4675 / seed 16 #4521 / seed 14 #4145: tan of exp(40)-sized arguments; evalBatch vs eval
{
  const g13 = (x1: Var) => { const v2 = exp(x1); const v3 = lt(v2, x1); const v4 = pow(v3, 3); const v5 = pow(v2, 1.5); const v6 = tan(v2);
    const v7 = add(v4, v6); const v8 = add(v7, v5); const v9 = log(v8); const v10 = pow(v9, v7); return [pow(v9, -0.5), min(v10, 2), v6]; };
  const f = compile({ params: 1, data: 1 }, ([_t], [d]) => g13(d!));
  show(`seed 13 #4675 wasm: eval ${Array.from(f.eval([-0.6227089993113607], [40]))}, evalBatch row ${Array.from(f.evalBatch([-0.6227089993113607], new Float64Array([40])))} (outputs v12, v11, tan(exp(40)))`);
  f.dispose();
  const g16 = (x0: Var, x1: Var) => { const v2 = exp(x1); const v3 = tan(v2); const v4 = select(v3, v3, x0); const v5 = log(v4); const v6 = add(v5, v2);
    const v7 = ge(v2, v6); const v8 = eq(v7, v6); const v9 = div(v3, v8); const v10 = sub(v9, v7); return [relu(v10), v10, v3]; };
  const f16 = compile({ params: 1, data: 1 }, ([t], [d]) => g16(t!, d!));
  show(`seed 16 #4521 wasm: eval ${Array.from(f16.eval([1], [40]))}, evalBatch ${Array.from(f16.evalBatch([1], new Float64Array([40])))} (outputs relu(v10), v10, tan(exp(40)))`);
  f16.dispose();
  for (const engine of ["wasm", "js"] as const) {
    const f14 = compile(([x]: Var[]) => { const v3 = exp(x!); const v8 = add(1, add(div(v3, gt(x!, 0.5)), select(v3, v3, v3))); return [sqrt(tan(v8)), tan(v8), v8]; }, { inputs: 1, engine });
    show(`seed 14 #4145 ${engine}: [sqrt(tan(1+2exp(40))), tan(..), 1+2exp(40)] = ${Array.from(f14.eval([40]))}`);
    f14.dispose();
  }
  const f47 = compile({ params: 1, data: 1 }, ([_t], [d]) => { const v2 = tanh(d!); const v4 = lt(v2, d!); return relu(select(pow(v2, 1), v4, v4)); });
  show(`seed 14 #4750 wasm: eval ${f47.eval([40], [1e-8])}, evalBatch ${f47.evalBatch([40], new Float64Array([1e-8]))} (lt(tanh(1e-8), 1e-8))`);
  f47.dispose();
}

// seed 17 #1862: square(exp(log(x0))) at 1e300: forward multiplies 1·1e-300·1e300·2e300, reverse 1·2e300·1e300 (overflow)·1e-300
{
  for (const engine of ["wasm", "js"] as const) {
    const f = compile(([x]: Var[]) => square(exp(log(x!))), { inputs: 1, engine });
    show(`seed 17 ${engine}: forward ${f.jacobian([1e300], { mode: "forward" }).data[0]}, reverse ${f.jacobian([1e300], { mode: "reverse" }).data[0]}; by hand reverse: ${2 * 1e300 * 1e300 * 1e-300}, forward: ${1e-300 * 1e300 * 2e300}`);
    f.dispose();
  }
}
