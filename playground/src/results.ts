/**
 * The results panel: every derivative by both modes (reverse: f.vjp, a row per output; forward:
 * f.jvp, a column per input), the lecture's definition from explain() — the paths, each with its
 * product, and their sum — and for a function of several outputs the Jacobian with the mode
 * chooseMode picks and why.
 */
import { chooseMode, explain, REVERSE_COST, type Compiled, type Explanation } from "tapegrad";

/** What chooseMode weighs (README, "Mode choice"): an extra lane costs a quarter of a sweep. */
const LANES = 8;
const LANE_COST = 0.25;
const sweepsCost = (directions: number): number => {
  const full = Math.floor(directions / LANES), rest = directions % LANES;
  return full * (1 + LANE_COST * (LANES - 1)) + (rest > 0 ? 1 + LANE_COST * (rest - 1) : 0);
};

const h = (tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
};
export const show = (x: number): string => String(x);
const short = (x: number): string => (Number.isInteger(x) ? String(x) : x.toPrecision(4));

export interface PathHover {
  (path: { nodes: readonly number[] } | null): void;
}

/** Fills `host` with the results for f at `at`; paths are listed for `output`, hovering calls onHover. */
export function renderResults(host: HTMLElement, f: Compiled, at: number[], output: number, onHover: PathHover): void {
  const n = f.inputs, m = f.outputs;
  const names = Array.from({ length: n }, (_, i) => f.tape.inputNames[i] ?? `x[${i}]`);
  const outName = (j: number): string => (m === 1 ? "f" : `f[${j}]`);
  const table = h("table", { class: "derivatives" });
  table.append(h("tr", {}, h("th", {}, "derivative"), h("th", {}, "reverse (vjp)"), h("th", {}, "forward (jvp)")));
  const forward = names.map((_, i) => f.jvp(at, names.map((__, k) => (k === i ? 1 : 0))).tangent);
  for (let j = 0; j < m; j++) {
    const row = f.vjp(at, Array.from({ length: m }, (_, k) => (k === j ? 1 : 0))).grad;
    names.forEach((name, i) => {
      table.append(h("tr", { "data-output": String(j), "data-input": name },
        h("td", {}, `∂${outName(j)}/∂${name}`),
        h("td", { class: "num", "data-mode": "reverse", "data-value": show(row[i]!) }, show(row[i]!)),
        h("td", { class: "num", "data-mode": "forward", "data-value": show(forward[i]![j]!) }, show(forward[i]![j]!))));
    });
  }
  const parts: Node[] = [h("h3", {}, "Both modes"), table];

  // The lecture's definition: Σ over paths of the product of the partials along each.
  parts.push(h("h3", {}, `Sum over paths (explain), ${outName(output)}`));
  for (let i = 0; i < n; i++) {
    let ex: Explanation;
    try {
      ex = explain(f, { at, wrt: i, output, maxPaths: 200 });
    } catch (error) {
      parts.push(h("p", { class: "muted" }, `∂${outName(output)}/∂${names[i]}: ${(error as Error).message.replace(/^tapegrad: /, "")}`));
      continue;
    }
    const list = h("ol", { class: "paths" });
    for (const p of ex.paths) {
      const item = h("li", { tabindex: "0" },
        h("span", { class: "path" }, p.names.join(" → ")), ": ",
        h("span", {}, `${p.partials.map((q) => (q < 0 ? `(${short(q)})` : short(q))).join(" × ")} = ${short(p.product)}`));
      // Hovering (or focusing, on a phone: tapping) a path lights it up on the graph.
      const on = (): void => onHover(p);
      const off = (): void => onHover(null);
      item.addEventListener("mouseenter", on);
      item.addEventListener("focus", on);
      item.addEventListener("mouseleave", off);
      item.addEventListener("blur", off);
      list.append(item);
    }
    parts.push(h("div", { class: "explain" },
      h("div", {}, `∂${outName(output)}/∂${names[i]}: ${ex.paths.length} path${ex.paths.length === 1 ? "" : "s"}`),
      list,
      h("div", { class: "sum" }, `sum = `, h("span", { "data-sum": names[i]!, "data-value": show(ex.sum) }, show(ex.sum)),
        ` (reverse sweep: ${show(ex.derivative)})`)));
  }

  if (m > 1) {
    const J = f.jacobian(at);
    const grid = h("table", { class: "jacobian" });
    grid.append(h("tr", {}, h("th", {}), ...names.map((name) => h("th", {}, `∂/∂${name}`))));
    for (let j = 0; j < m; j++) {
      grid.append(h("tr", {}, h("th", {}, outName(j)), ...names.map((_, i) => h("td", { class: "num" }, short(J.data[j * n + i]!)))));
    }
    const fwd = sweepsCost(n), rev = REVERSE_COST * sweepsCost(m);
    const mode = chooseMode(n, m, LANES);
    parts.push(h("h3", {}, `Jacobian (${m}×${n}), computed in ${J.mode} mode`), grid,
      h("p", { class: "reason", "data-mode": mode },
        `chooseMode(${n}, ${m}, ${LANES}) = "${mode}": forward mode needs a column per input, ${n} directions in ⌈${n}/${LANES}⌉ sweep(s), cost ${fwd.toFixed(2)}; ` +
        `reverse mode a row per output, ${m} directions, cost ${REVERSE_COST} × ${sweepsCost(m).toFixed(2)} = ${rev.toFixed(2)} ` +
        `(a reverse sweep counts as ${REVERSE_COST} forward sweeps, each extra lane as ${LANE_COST} of a sweep). ` +
        `${mode === "forward" ? "Forward" : "Reverse"} is cheaper${fwd === rev ? " (a tie goes to forward)" : ""}.`));
  }
  host.replaceChildren(...parts);
}
