/**
 * Hand-drawn SVG charts (a polyline and dots in a scaled box): all the demo needs, so the page
 * carries no chart library.
 */
const NS = "http://www.w3.org/2000/svg";
const W = 320, H = 200, PAD = 34;

export interface Layer {
  readonly kind: "line" | "dots";
  readonly cls: string;
  readonly xs: ArrayLike<number>;
  readonly ys: ArrayLike<number>;
}

/** Redraws `svg` with the layers, axes scaled to fit them (y on a log scale if asked). */
export function drawChart(svg: SVGSVGElement, layers: readonly Layer[], options: { logY?: boolean; xLabel?: string; yLabel?: string } = {}): void {
  const ty = (y: number): number => (options.logY ? Math.log10(Math.max(y, 1e-12)) : y);
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const l of layers) {
    for (let i = 0; i < l.xs.length; i++) {
      const x = l.xs[i]!, y = ty(l.ys[i]!);
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
  }
  // No data yet: a unit box, so the empty axes still draw.
  if (!Number.isFinite(x0)) { x0 = 0; x1 = 1; y0 = options.logY ? -1 : 0; y1 = options.logY ? 0 : 1; }
  if (!(x1 > x0)) { x0 -= 1; x1 += 1; }
  if (!(y1 > y0)) { y0 -= 1; y1 += 1; }
  const sx = (x: number): number => PAD + ((x - x0) / (x1 - x0)) * (W - PAD - 8);
  const sy = (y: number): number => H - PAD + 12 - ((ty(y) - y0) / (y1 - y0)) * (H - PAD - 4);
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const children: SVGElement[] = [];
  const el = (name: string, attrs: Record<string, string | number>, text?: string): SVGElement => {
    const e = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    children.push(e);
    return e;
  };
  el("rect", { x: PAD, y: 4, width: W - PAD - 8, height: H - PAD - 4, class: "frame" });
  const fmt = (v: number): string => (options.logY ? (10 ** v).toPrecision(2) : Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(2));
  el("text", { x: PAD - 3, y: 12, class: "tick", "text-anchor": "end" }, fmt(y1));
  el("text", { x: PAD - 3, y: H - PAD + 8, class: "tick", "text-anchor": "end" }, fmt(y0));
  el("text", { x: PAD, y: H - PAD + 20, class: "tick" }, String(+x0.toPrecision(3)));
  el("text", { x: W - 8, y: H - PAD + 20, class: "tick", "text-anchor": "end" }, String(+x1.toPrecision(3)));
  if (options.xLabel) el("text", { x: (W + PAD) / 2, y: H - 4, class: "axis", "text-anchor": "middle" }, options.xLabel);
  if (options.yLabel) el("text", { x: 0, y: 0, class: "axis", "text-anchor": "middle", transform: `translate(10 ${(H - PAD) / 2}) rotate(-90)` }, options.yLabel + (options.logY ? " (log scale)" : ""));
  for (const l of layers) {
    if (l.kind === "line") {
      const pts: string[] = [];
      for (let i = 0; i < l.xs.length; i++) if (Number.isFinite(ty(l.ys[i]!))) pts.push(`${sx(l.xs[i]!).toFixed(1)},${sy(l.ys[i]!).toFixed(1)}`);
      // The numbers plotted ride along, so a test (or a curious reader) can read them back.
      el("polyline", { points: pts.join(" "), class: l.cls, "data-values": JSON.stringify(Array.from(l.ys)) });
    } else {
      for (let i = 0; i < l.xs.length; i++) el("circle", { cx: sx(l.xs[i]!).toFixed(1), cy: sy(l.ys[i]!).toFixed(1), r: 1.6, class: l.cls });
    }
  }
  svg.replaceChildren(...children);
}
