/**
 * The op table of docs/ops.md, generated from the op table in src/ops.ts so the two cannot drift:
 * `npx tsx scripts/op-table.ts` prints it; test/readme.test.ts checks docs/ops.md contains it.
 */
import { OPS, type OpRule } from "../src/ops.js";

const METHODS = new Set(["add", "sub", "mul", "div", "pow", "neg", "lt", "le", "gt", "ge", "eq"]);

function writtenAs(rule: OpRule): string {
  const { name, kind } = rule;
  if (name === "input") return "a parameter of the traced function";
  if (name === "data") return "a data input";
  if (name === "const") return "a plain number";
  if (name === "powc") return "`x.pow(c)`, `pow(x, c)` with a number `c`";
  if (name === "select") return "`select(c, t, f)`";
  if (name === "branches") return "(recorded by select)";
  if (kind === "unary") return METHODS.has(name) ? `\`x.${name}()\`, \`${name}(x)\`` : `\`${name}(x)\``;
  return METHODS.has(name) ? `\`x.${name}(y)\`, \`${name}(x, y)\`` : `\`${name}(x, y)\``;
}

export function opTableMarkdown(): string {
  const lines = ["| code | op | written as | value; derivatives | edge cases |", "|---:|---|---|---|---|"];
  for (const rule of OPS) {
    lines.push(`| ${rule.code} | ${rule.name} | ${writtenAs(rule)} | ${rule.math.replace(/\|/g, "\\|")} | ${rule.edge || "—"} |`);
  }
  return lines.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(opTableMarkdown());
