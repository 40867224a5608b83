/**
 * docs/graph.svg, the README's picture: toDot of the lecture's example (x + y)·sin(x) at
 * x = y = π in reverse mode, laid out by Graphviz. `npm run docs:graph` rewrites it (needs `dot`).
 *
 * The SVG carries the SHA-256 of the DOT source it was drawn from in an XML comment, so
 * test/docs-graph.test.ts can check that it is current without Graphviz.
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compile, sin, toDot } from "../src/index.js";

export const GRAPH_SVG = fileURLToPath(new URL("../docs/graph.svg", import.meta.url));

/** The DOT source of the picture, as toDot writes it today. */
export function graphDot(): string {
  const f = compile((x, y) => x.add(y).mul(sin(x)));
  try {
    return toDot(f, { at: [Math.PI, Math.PI], mode: "reverse" });
  } finally {
    f.dispose();
  }
}

export const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** The comment the SVG carries; graphHash(svg) reads it back. */
const stamp = (hash: string): string =>
  `<!-- drawn by scripts/graph-svg.ts (npm run docs:graph) from toDot output with sha256 ${hash} -->`;

export function graphHash(svg: string): string | undefined {
  return /from toDot output with sha256 ([0-9a-f]{64})/.exec(svg)?.[1];
}

/** Renders the DOT with `dot -Tsvg` and stamps it with the DOT's hash. */
export function renderGraphSvg(dot = graphDot()): string {
  const svg = execFileSync("dot", ["-Tsvg"], { input: dot, encoding: "utf8" });
  const at = svg.indexOf("<svg");
  if (at < 0) throw new Error("scripts/graph-svg.ts: dot -Tsvg printed no <svg> element");
  return `${svg.slice(0, at)}${stamp(sha256(dot))}\n${svg.slice(at)}`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(GRAPH_SVG, renderGraphSvg());
  console.log(`wrote ${GRAPH_SVG}`);
}
