/** Bad input gets a clear Error naming the problem: never a WebAssembly trap, never a wrong number. */
import { afterEach, describe, expect, it } from "vitest";
import { adam, compile, memoryStats, parse, setMemoryLimit, sin, square, sum, type Var } from "../src/index.js";
import { ENGINES } from "./engines.js";

describe.each(ENGINES)("input checks on the %s engine", (engine) => {
  const f = compile((x: Var, y: Var) => x.mul(y), { engine });
  const g = compile((x: Var, y: Var) => [x, y.mul(2)], { engine });

  it("rejects the wrong number of inputs", () => {
    expect(() => f.grad([1])).toThrow(/grad\(x\): x must have 2 elements, got 1/);
    expect(() => f.eval([1, 2, 3])).toThrow(/must have 2 elements, got 3/);
    expect(() => f.jvp([1, 2], [1])).toThrow(/v \(one tangent per input\) must have 2 elements, got 1/);
    expect(() => g.vjp([1, 2], [1])).toThrow(/u \(one cotangent per output\) must have 2 elements, got 1/);
  });

  it("rejects inputs that are not numbers", () => {
    expect(() => f.grad([1, "2"] as unknown as number[])).toThrow(/x\[1\] must be a number, got string 2/);
    expect(() => f.grad([1, undefined] as unknown as number[])).toThrow(/x\[1\] must be a number, got undefined/);
    expect(() => f.eval(3 as unknown as number[])).toThrow(/must be an array of numbers, got number 3/);
    expect(() => f.eval(null as unknown as number[])).toThrow(/must be an array of numbers, got null/);
    expect(() => f.eval(new BigInt64Array(2) as unknown as number[])).toThrow(/x\[0\] must be a number, got bigint/);
  });

  it("accepts any array-like of numbers", () => {
    expect(f.eval([2, 3])[0]).toBe(6);
    expect(f.eval(new Float32Array([2, 3]))[0]).toBe(6);
    expect(f.eval(new Int16Array([2, 3]))[0]).toBe(6);
    expect(f.eval({ length: 2, 0: 2, 1: 3 })[0]).toBe(6);
  });

  it("rejects output arrays of the wrong type or size", () => {
    expect(() => f.grad([1, 2], new Float64Array(3))).toThrow(/output array for grad must have length 2, got 3/);
    expect(() => f.grad([1, 2], [0, 0] as unknown as Float64Array)).toThrow(/must be a Float64Array/);
  });

  it("refuses grad on a function with several outputs", () => {
    expect(() => g.grad([1, 2])).toThrow(/grad\(x\) needs a scalar function \(one output\), this one has 2 outputs/);
  });

  it("refuses every method after dispose", () => {
    const h = compile((x: Var) => sin(x), { engine });
    h.dispose();
    h.dispose(); // twice is fine
    expect(h.disposed).toBe(true);
    expect(() => h.eval([1])).toThrow(/eval\(\) called on a disposed function/);
    expect(() => h.grad([1])).toThrow(/grad\(\) called on a disposed function/);
    expect(() => h.vjp([1], [1])).toThrow(/disposed/);
    expect(() => h.jvp([1], [1])).toThrow(/disposed/);
  });
});

describe("tracing checks", () => {
  it("refuses a variable from another trace", () => {
    let leaked: Var | undefined;
    compile((x: Var) => (leaked = x));
    expect(() => compile((y: Var) => y.add(leaked!))).toThrow(/a variable from another trace/);
    expect(() => compile((y: Var) => sin(leaked!).add(y))).toThrow(/a variable from another trace/);
    expect(() => leaked!.add(1)).toThrow(/only work inside the function given to compile/);
  });

  it("refuses operations outside compile()", () => {
    expect(() => sin(1)).toThrow(/only work inside the function given to compile\(\)/);
  });

  it("refuses JS operators and conditionals on variables instead of recording a wrong graph", () => {
    expect(() => compile((x: Var) => ((x as unknown as number) > 0 ? x : x.neg()))).toThrow(/no numeric value while recording.*select/);
    expect(() => compile((x: Var) => (x as unknown as number) + 1)).toThrow(/use x\.add\(y\)/);
  });

  it("refuses bad functions, options and results", () => {
    expect(() => compile(42 as unknown as () => Var)).toThrow(/needs a function, got number 42/);
    expect(() => compile(() => 1)).toThrow(/declares no parameters/);
    expect(() => compile((xs: Var[]) => xs[0]!, { inputs: -1 })).toThrow(/non-negative integer/);
    expect(() => compile((x: Var) => x, { engine: "gpu" as "js" })).toThrow(/unknown engine "gpu"/);
    expect(() => compile((x: Var) => "x" as unknown as Var)).toThrow(/the result of the compiled function must be a variable or a number, got string x/);
    expect(() => compile((x: Var) => [x, {}] as unknown as Var[])).toThrow(/output 1 .* got an object/);
    expect(() => compile((_x: Var) => [])).toThrow(/empty array: no outputs/);
    expect(() => compile((x: Var) => x.add("1" as unknown as number))).toThrow(/expected a variable or a number, got string 1/);
    expect(() => compile((x: Var, y: Var) => x.add(y), { names: ["x"] })).toThrow(/names must be 2 strings/);
  });

  it("names a null options argument or a misplaced function instead of crashing on a property read", () => {
    const nil = null as unknown as object;
    expect(() => compile((x: Var) => x, nil)).toThrow(/^tapegrad: compile\(fn, options\): options must be an object, got null/);
    expect(() => compile({ params: 1, data: 1 }, nil as unknown as () => Var)).toThrow(/^tapegrad: compile\(\{ params, data \}, fn\) needs the traced function second, got null/);
    // Several parameters with { inputs } would leave all but the first undefined.
    expect(() => compile(((x: Var, y: Var) => x.add(y)) as unknown as (xs: Var[]) => Var, { inputs: 2 })).toThrow(/takes one array, but fn declares 2 parameters/);
    const f = compile((x: Var, y: Var) => x.mul(y));
    expect(() => f.jacobian([1, 2], nil)).toThrow(/^tapegrad: jacobian\(x, options\): options must be an object/);
    expect(() => parse("x", nil)).toThrow(/^tapegrad: parse\(text, options\): options must be an object/);
    expect(() => adam(nil)).toThrow(/^tapegrad: adam\(options\): options must be an object/);
  });
});

describe("memory limit", () => {
  afterEach(() => setMemoryLimit(4 * 1024 ** 3));

  it("turns a tape larger than memory allows into a clear error, and recovers", () => {
    const before = memoryStats();
    setMemoryLimit(before.memoryBytes);
    const rosenbrock = (xs: Var[]) => sum(xs.slice(1).map((x, i) => square(x.sub(square(xs[i]!))).mul(100)));
    expect(() => compile(rosenbrock, { inputs: 400_000 })).toThrow(/out of memory: this needs .* MiB .* may not grow past/);
    expect(memoryStats().liveFunctions).toBe(before.liveFunctions);
    expect(memoryStats().bytesInUse).toBe(before.bytesInUse);
    setMemoryLimit(4 * 1024 ** 3);
    const f = compile(rosenbrock, { inputs: 400_000 });
    expect(f.grad(new Float64Array(400_000).fill(1)).value).toBe(0);
    f.dispose();
  });

  it("rejects a nonsensical limit", () => {
    expect(() => setMemoryLimit(-1)).toThrow(/positive number/);
  });
});
