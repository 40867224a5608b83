/** docs/graph.svg, the README's picture, is drawn from what toDot writes today (no Graphviz needed). */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GRAPH_SVG, graphDot, graphHash, sha256 } from "../scripts/graph-svg.js";

describe("docs/graph.svg", () => {
  const svg = readFileSync(GRAPH_SVG, "utf8");

  it("was drawn from today's toDot output (else: npm run docs:graph)", () => {
    expect(graphHash(svg), "docs/graph.svg carries no hash of its DOT source").toBeDefined();
    expect(graphHash(svg), "docs/graph.svg is out of date: run npm run docs:graph").toBe(sha256(graphDot()));
  });

  it("is an SVG of the lecture's graph", () => {
    expect(svg).toContain("<svg");
    const text = svg.replace(/&#45;/g, "-"); // Graphviz writes some minus signs as entities
    for (const label of ["v2 = x + y", "v3 = sin(x)", "v4 = v2 * v3", "∂f/∂x = -6.28319"]) expect(text).toContain(label);
  });

  it("is shown in the README", () => {
    expect(readFileSync(new URL("../README.md", import.meta.url), "utf8")).toContain("](docs/graph.svg)");
  });
});
