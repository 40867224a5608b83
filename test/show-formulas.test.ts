/**
 * The formulas toDot() writes on edges when there is no point are parsed back and checked
 * against the op table's partials, so the picture can't drift from the rules.
 */
import { describe, expect, it } from "vitest";
import { OP, OPS, parse } from "../src/index.js";
import { PARTIALS } from "../src/show/formulas.js";
import { expectClose } from "./helpers.js";

describe("edge formulas agree with the op table", () => {
  // (1, 0.1): 1 % 0.1 = 0.0999…, quotient 9 although trunc(1 / 0.1) = 10 (mod's formula must say so).
  const points: Array<[number, number]> = [[0.7, 1.3], [2.5, -0.4], [-1.2, 0.9], [0.3, 0.3], [1, 0.1]];
  for (const rule of OPS) {
    if (rule.kind !== "unary" && rule.kind !== "binary") continue;
    it(`${rule.name}`, () => {
      const formulas = PARTIALS[rule.code];
      expect(formulas, `no formula for ${rule.name}`).toBeDefined();
      const arity = rule.kind === "binary" && rule.code !== OP.POWC ? 2 : 1;
      for (let k = 0; k < arity; k++) {
        const text = formulas![k]!("a", "b");
        const f = parse(text, { names: ["a", "b"] });
        for (const [a, b] of points) {
          const v = rule.value(a, b);
          // Outside an op's domain (log of a negative, a negative base to a real power) the value
          // is NaN and the table's partial a convention; the formula describes the domain.
          if (Number.isNaN(v)) continue;
          const expected = k === 0 ? rule.da(a, b, v) : rule.db(a, b, v);
          expectClose(f.eval([a, b])[0]!, expected, 1e-13, 1e-15);
        }
      }
    });
  }
});
