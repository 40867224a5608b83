/**
 * The graph: toDot's picture (constants inline, values on nodes, partials on edges) laid out
 * and drawn by Graphviz compiled to WebAssembly (@viz-js/viz), in the page. The SVG's nodes and
 * edges are found by the <title> Graphviz gives them (the DOT ids n<i> and n<i>->n<j>) and
 * tagged with data attributes, so the sweeps and the path list can highlight them.
 */
import { instance, type Viz } from "@viz-js/viz";
import { OP, toDot, type Compiled, type DotOptions } from "tapegrad";

let viz: Promise<Viz> | undefined;

export interface DrawnGraph {
  readonly svg: SVGSVGElement;
  /** Tape node → its <g class="node">. */
  readonly nodes: Map<number, SVGGElement>;
  /** "from->to" → the edges between them (x * x has two). */
  readonly edges: Map<string, SVGGElement[]>;
}

/** Draws f at the point into `host`; `sweep` adds the tangents or adjoints (hidden until shown). */
export async function drawGraph(host: HTMLElement, f: Compiled, at: number[], sweep?: Pick<DotOptions, "mode" | "wrt" | "output">): Promise<DrawnGraph> {
  viz ??= instance();
  const dot = toDot(f, { at, constants: "inline", digits: 4, ...sweep });
  const svg = (await viz).renderSVGElement(dot);
  // Natural size (Graphviz's width in pt), shrunk to fit a narrow screen by CSS (max-width: 100%).
  svg.removeAttribute("height");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "computational graph");
  const nodes = new Map<number, SVGGElement>();
  const edges = new Map<string, SVGGElement[]>();
  const outputs = new Set(f.tape.outputs);
  for (const g of svg.querySelectorAll<SVGGElement>("g.node")) {
    const id = Number(g.querySelector("title")?.textContent?.slice(1));
    const code = f.tape.op[id]!;
    g.dataset.node = String(id);
    g.dataset.kind = code === OP.INPUT || code === OP.DATA ? "input" : code === OP.CONST ? "const" : "op";
    if (outputs.has(id)) g.dataset.output = "";
    // The derivative line is the label's last; a sweep reveals it when it reaches the node.
    if (sweep?.mode !== undefined) [...g.querySelectorAll("text")].at(-1)?.classList.add("derivative");
    nodes.set(id, g);
  }
  for (const g of svg.querySelectorAll<SVGGElement>("g.edge")) {
    const key = (g.querySelector("title")?.textContent ?? "").replace(/n/g, "");
    g.dataset.edge = key;
    edges.set(key, [...(edges.get(key) ?? []), g]);
  }
  host.replaceChildren(svg);
  // A small graph shrinks to fit the screen; a big one keeps a readable size and scrolls instead.
  const natural = parseFloat(svg.getAttribute("width") ?? "0") * (4 / 3);
  svg.classList.toggle("wide", natural > 1.6 * host.clientWidth);
  return { svg, nodes, edges };
}

/** Marks nodes and edges with a CSS class (replacing where it was before). */
export function highlight(graph: DrawnGraph, cls: string, nodes: Iterable<number>, edges: Iterable<[number, number]> = []): void {
  for (const el of graph.svg.querySelectorAll(`.${cls}`)) el.classList.remove(cls);
  for (const n of nodes) graph.nodes.get(n)?.classList.add(cls);
  for (const [from, to] of edges) for (const g of graph.edges.get(`${from}->${to}`) ?? []) g.classList.add(cls);
}
