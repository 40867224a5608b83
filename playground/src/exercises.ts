/** The lecture's exercises, as the menu loads them: the text, the point, and what to look at. */
export interface Exercise {
  readonly title: string;
  readonly text: string;
  /** The point, by input name (inputs not listed default to π). */
  readonly at: Record<string, number>;
  readonly note: string;
}

const PI = Math.PI;

export const EXERCISES: readonly Exercise[] = [
  {
    title: "sin(x²)",
    text: "sin(x^2)",
    at: { x: 1 },
    note: "A chain: d/dx sin(x²) = cos(x²)·2x, one path, its product the derivative.",
  },
  {
    title: "(x + y)·sin(x) at (π, π)",
    text: "(x+y)*sin(x)",
    at: { x: PI, y: PI },
    note: "x reaches the output by two paths: the sum of their products is −2π. ∂f/∂y = sin π = 1.22e-16 in float64, not 0.",
  },
  {
    title: "ln(sin(x)·cos(x))",
    text: "log(sin(x)*cos(x))",
    at: { x: 0.5 },
    note: "Two paths from x that join at the product: (cos x/ sin x − sin x/ cos x) = 2·cot(2x).",
  },
  {
    title: "((x + y)·z, (x + y)·q): a Jacobian",
    text: "(x+y)*z; (x+y)*q",
    at: { x: 1, y: 2, z: 3, q: 4 },
    note: "Two outputs sharing x + y: the 2×4 Jacobian, by forward mode (a column per input) or reverse (a row per output) — see which is cheaper.",
  },
];
