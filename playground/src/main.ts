/**
 * The page: wires the text box, the point, the exercises menu, the graph, the sweeps, the results
 * panel and the training demo together. Everything runs here, in the browser.
 */
import { parse, type Compiled } from "tapegrad";
import { EXERCISES } from "./exercises.js";
import { compileText, TextError } from "./expression.js";
import { drawGraph, highlight, type DrawnGraph } from "./graph.js";
import { drawChart } from "./plot.js";
import { renderResults, show } from "./results.js";
import { forwardSteps, picture, reverseSteps, type Step } from "./sweeps.js";
import { TARGETS, Trainer, type Settings } from "./training.js";

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

const state = {
  f: null as Compiled | null,
  /** The point, by input name: kept across edits, so retyping the expression keeps x and y. */
  point: new Map<string, number>(),
  graph: null as DrawnGraph | null,
  steps: [] as Step[],
  step: -1,
  sweep: null as null | { mode: "forward" | "reverse"; index: number },
  playing: 0,
};

const at = (): number[] => (state.f?.tape.inputNames ?? []).map((name) => state.point.get(name) ?? Math.PI);
const nodeName = (f: Compiled, node: number): string => (node < f.inputs ? f.tape.inputNames[node]! : `v${node}`);

// ---- the function and its point ----------------------------------------------------------

function load(text: string): void {
  const error = $("error");
  let f: Compiled;
  try {
    f = compileText(text);
  } catch (e) {
    // Never a blank page: the old graph stays, the message (with its column) goes under the box.
    error.textContent = e instanceof TextError ? e.message : String((e as Error).message ?? e);
    error.dataset.column = e instanceof TextError ? String(e.column) : "";
    error.hidden = false;
    return;
  }
  error.hidden = true;
  error.textContent = "";
  state.f?.dispose();
  state.f = f;
  renderInputs();
  renderSelectors();
  void refresh();
}

function renderInputs(): void {
  const f = state.f!;
  const host = $("inputs");
  host.replaceChildren(...f.tape.inputNames.map((name) => {
    const value = state.point.get(name) ?? Math.PI;
    state.point.set(name, value);
    const field = Object.assign(document.createElement("input"), { type: "text", value: show(value), inputMode: "decimal" });
    field.setAttribute("aria-label", `value of ${name}`);
    field.dataset.input = name;
    const slider = Object.assign(document.createElement("input"), { type: "range", min: "-6.3", max: "6.3", step: "0.01", value: String(value) });
    slider.setAttribute("aria-label", `slider for ${name}`);
    // The field takes parse syntax too: "pi", "pi/2", "-2*pi".
    field.addEventListener("change", () => {
      try {
        const v = parse(field.value, { names: [] }).eval([])[0]!;
        state.point.set(name, v);
        slider.value = String(v);
        field.classList.remove("bad");
        void refresh();
      } catch {
        field.classList.add("bad");
      }
    });
    slider.addEventListener("input", () => {
      state.point.set(name, Number(slider.value));
      field.value = slider.value;
      void refresh();
    });
    const label = document.createElement("label");
    label.append(`${name} = `, field, slider);
    return label;
  }));
}

function renderSelectors(): void {
  const f = state.f!;
  const option = (value: number, text: string): HTMLOptionElement => Object.assign(document.createElement("option"), { value: String(value), textContent: text });
  $("wrt").replaceChildren(...f.tape.inputNames.map((name, i) => option(i, name)));
  $("output").replaceChildren(...Array.from({ length: f.outputs }, (_, j) => option(j, f.outputs === 1 ? "f" : `f[${j}]`)));
}

/** Redraws the plain graph (values and partials) and the results; ends any sweep. */
let pending: Promise<void> = Promise.resolve();
function refresh(): Promise<void> {
  stopPlaying();
  state.sweep = null;
  state.steps = [];
  state.step = -1;
  $("step-info").textContent = "";
  $("sweep-result").replaceChildren();
  // Redraws queue one after the other, so a fast slider never interleaves two renders.
  pending = pending.then(async () => {
    const f = state.f!;
    state.graph = await drawGraph($("graph"), f, at());
    $("graph").dataset.ready = String(Date.now());
    renderResults($("results"), f, at(), Number(($("output") as HTMLSelectElement).value || 0), (p) => {
      if (state.graph === null) return;
      highlight(state.graph, "path", p?.nodes ?? [], p ? p.nodes.slice(1).map((to, k) => [p.nodes[k]!, to]) : []);
    });
  }).catch((e) => {
    $("error").textContent = String((e as Error).message ?? e);
    $("error").hidden = false;
  });
  return pending;
}

// ---- the sweeps --------------------------------------------------------------------------

async function startSweep(mode: "forward" | "reverse"): Promise<void> {
  await refresh();
  const f = state.f!;
  const index = Number(($(mode === "forward" ? "wrt" : "output") as HTMLSelectElement).value || 0);
  const pic = picture(f, at());
  // Constants are drawn inline, so they are not steps of their own.
  const drawn = (s: Step): boolean => state.graph!.nodes.has(s.node);
  state.graph = await drawGraph($("graph"), f, at(), mode === "forward" ? { mode, wrt: index } : { mode, output: index });
  state.steps = (mode === "forward" ? forwardSteps(f, pic, index) : reverseSteps(f, pic, index)).filter(drawn);
  state.sweep = { mode, index };
  state.step = -1;
  $("graph").dataset.sweep = mode;
  describe();
}

function advance(): boolean {
  if (state.sweep === null || state.step >= state.steps.length - 1) return false;
  state.step++;
  const s = state.steps[state.step]!;
  const g = state.graph!;
  g.nodes.get(s.node)?.classList.add("visited");
  highlight(g, "current", [s.node], s.terms.map((t) => [t.edge.from, t.edge.to] as [number, number]));
  describe();
  return true;
}

/** The step's sum in words: what the node receives and from where. */
function describe(): void {
  const f = state.f!;
  const info = $("step-info");
  const sweep = state.sweep!;
  if (state.step < 0) {
    info.textContent = sweep.mode === "forward"
      ? `Forward mode by ${f.tape.inputNames[sweep.index]}: nodes in tape order; each multiplies its in-edges' partials by its operands' tangents and sums. ${state.steps.length} steps.`
      : `Reverse mode of ${f.outputs === 1 ? "f" : `f[${sweep.index}]`}: nodes from the output back; each multiplies its out-edges' partials by its consumers' adjoints and sums. ${state.steps.length} steps.`;
    return;
  }
  const s = state.steps[state.step]!;
  const n = (i: number): string => nodeName(f, i);
  const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : x.toPrecision(4));
  const wrt = f.tape.inputNames[sweep.index];
  const out = f.outputs === 1 ? "f" : `f[${sweep.index}]`;
  const lhs = sweep.mode === "forward" ? `∂${n(s.node)}/∂${wrt}` : `∂${out}/∂${n(s.node)}`;
  const terms = s.terms.map((t) => sweep.mode === "forward"
    ? `∂${n(s.node)}/∂${n(t.edge.from)} · ∂${n(t.edge.from)}/∂${wrt} = ${fmt(t.edge.partial)} × ${fmt(t.factor)}`
    : `∂${out}/∂${n(t.edge.to)} · ∂${n(t.edge.to)}/∂${n(s.node)} = ${fmt(t.factor)} × ${fmt(t.edge.partial)}`);
  if (s.seed !== 0 || terms.length === 0) terms.unshift(`seed ${s.seed}`);
  info.textContent = `step ${state.step + 1}/${state.steps.length}: ${lhs} = ${terms.join("  +  ")}  =  ${show(s.value)}`;
  if (state.step === state.steps.length - 1) finish();
}

/** At the end: the derivatives this sweep produced, in full precision. */
function finish(): void {
  const f = state.f!;
  const sweep = state.sweep!;
  const value = new Map(state.steps.map((s) => [s.node, s.value]));
  const host = $("sweep-result");
  const items = sweep.mode === "reverse"
    ? f.tape.inputNames.map((name, i) => [name, `∂${f.outputs === 1 ? "f" : `f[${sweep.index}]`}/∂${name}`, value.get(i) ?? 0] as const)
    : Array.from(f.tape.outputs, (node, j) => [f.outputs === 1 ? "f" : `f[${j}]`, `∂${f.outputs === 1 ? "f" : `f[${j}]`}/∂${f.tape.inputNames[sweep.index]}`, value.get(node) ?? 0] as const);
  host.replaceChildren(`${sweep.mode} mode: `, ...items.flatMap(([key, label, v], k) => {
    const span = Object.assign(document.createElement("span"), { textContent: `${label} = ${show(v)}` });
    span.dataset.key = key;
    span.dataset.value = show(v);
    return k === 0 ? [span] : [" · ", span];
  }));
  host.dataset.mode = sweep.mode;
}

function stopPlaying(): void {
  clearInterval(state.playing);
  state.playing = 0;
}

// ---- the demo notebook -------------------------------------------------------------------

const trainer = new Trainer();
function settings(): Settings {
  const num = (id: string): number => Number(($(id) as HTMLInputElement).value);
  return {
    target: ($("target") as HTMLSelectElement).value,
    optimizer: ($("optimizer") as HTMLSelectElement).value as "sgd" | "adam",
    learningRate: num("lr"),
    batchSize: Math.max(1, Math.round(num("batch"))),
    hidden: Math.max(1, Math.round(num("hidden"))),
    epochs: Math.max(1, Math.round(num("epochs"))),
    noise: 0.1,
    points: 512,
  };
}

async function train(): Promise<void> {
  const status = $("train-status");
  $("train").textContent = "Restart";
  $("stop").removeAttribute("disabled");
  status.textContent = "training…";
  try {
    await trainer.start(settings(), (r) => {
      drawChart($("loss") as unknown as SVGSVGElement, [{ kind: "line", cls: "loss", xs: r.losses.map((_, i) => i + 1), ys: r.losses }], { logY: true, xLabel: "epoch", yLabel: "loss" });
      drawChart($("fit") as unknown as SVGSVGElement, [
        { kind: "dots", cls: "data", xs: r.data.xs, ys: r.data.ys },
        { kind: "line", cls: "curve", xs: r.grid, ys: r.curve },
      ], { xLabel: "x", yLabel: "y" });
      status.textContent = `epoch ${r.epoch}: loss ${r.losses.at(-1)!.toPrecision(4)} · ${(r.perSecond / 1e6).toFixed(2)} million gradient evaluations per second`;
      status.dataset.epoch = String(r.epoch);
    });
  } catch (e) {
    status.textContent = String((e as Error).message ?? e);
  }
}

// ---- wiring ------------------------------------------------------------------------------

function init(): void {
  const menu = $("exercise") as HTMLSelectElement;
  menu.append(...EXERCISES.map((ex, i) => Object.assign(document.createElement("option"), { value: String(i), textContent: ex.title })));
  const pick = (): void => {
    const ex = EXERCISES[Number(menu.value)]!;
    for (const [name, v] of Object.entries(ex.at)) state.point.set(name, v);
    ($("expr") as HTMLInputElement).value = ex.text;
    $("note").textContent = ex.note;
    load(ex.text);
  };
  menu.addEventListener("change", pick);
  const expr = $("expr") as HTMLInputElement;
  expr.addEventListener("input", () => {
    // Typing leaves the exercise: its note no longer applies.
    $("note").textContent = "";
    load(expr.value);
  });
  $("forward").addEventListener("click", () => void startSweep("forward"));
  $("reverse").addEventListener("click", () => void startSweep("reverse"));
  $("output").addEventListener("change", () => void refresh());
  $("step").addEventListener("click", () => { stopPlaying(); advance(); });
  $("end").addEventListener("click", () => { stopPlaying(); while (advance()); });
  $("play").addEventListener("click", () => {
    stopPlaying();
    state.playing = window.setInterval(() => { if (!advance()) stopPlaying(); }, 700);
  });
  $("clear").addEventListener("click", () => void refresh());
  (($("target")) as HTMLSelectElement).append(...Object.keys(TARGETS).map((t) => Object.assign(document.createElement("option"), { value: t, textContent: t })));
  $("train").addEventListener("click", () => void train());
  $("stop").addEventListener("click", () => { trainer.stop(); $("train-status").textContent += " (stopped)"; });
  menu.value = "1";
  pick();
  // Empty axes until the first epoch, so the panel does not jump.
  drawChart($("loss") as unknown as SVGSVGElement, [], { logY: true, xLabel: "epoch", yLabel: "loss" });
  drawChart($("fit") as unknown as SVGSVGElement, [], { xLabel: "x", yLabel: "y" });
  // Offline once loaded: a service worker keeps the page's few files (where the browser allows it).
  if ("serviceWorker" in navigator && location.protocol !== "file:") void navigator.serviceWorker.register("sw.js").catch(() => {});
}

init();
