/**
 * The op table of docs/ops.md, generated from the op table in src/ops.ts so the two cannot drift:
 * `npx tsx scripts/op-table.ts` prints it; test/readme.test.ts checks docs/ops.md contains it.
 */
import { OPS, type OpRule } from "../src/ops.js";

function writtenAs(rule: OpRule): string {
  const { name, kind } = rule;
  if (name === "input") return "a parameter of the traced function";
  if (name === "data") return "a data input";
  if (name === "const") return "a plain number";
  if (name === "powc") return "`x.pow(c)`, `pow(x, c)` with a number `c`";
  if (name === "select") return "`select(c, t, f)`";
  if (name === "branches") return "(recorded by select)";
  if (name === "pow") return "`x.pow(y)`, `pow(x, y)`";
  if (name === "min" || name === "max") return `\`x.${name}(y)\`, \`${name}(x, y, …)\``;
  const [p, q] = rule.params;
  const written = [
    rule.method ? (kind === "unary" ? `\`x.${name}()\`` : `\`x.${name}(y)\``) : "",
    rule.fn ? (kind === "unary" ? `\`${name}(x)\`` : `\`${name}(${p}, ${q})\``) : "",
  ];
  return written.filter((w) => w !== "").join(", ");
}

export function opTableMarkdown(): string {
  const lines = ["| code | op | written as | value; derivatives | edge cases |", "|---:|---|---|---|---|"];
  for (const rule of OPS) {
    lines.push(`| ${rule.code} | ${rule.name} | ${writtenAs(rule)} | ${rule.math.replace(/\|/g, "\\|")} | ${rule.edge || "—"} |`);
  }
  return lines.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(opTableMarkdown());
