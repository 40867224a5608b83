/**
 * The op table as the kernel generator sees it: for every differentiable op (unary, binary,
 * compare) its value and partials as expressions (expr.ts), with the zero partials dropped and
 * the helpers of src/ops.ts (`RULE_HELPERS`) inlined, in dispatch order.
 */
import { HOT_OPS, OPS, RULE_HELPERS, type OpRule } from "../../src/ops.js";
import { literal, parseRule, reads, type Expr, type Operand } from "./expr.js";

export interface OpModel {
  readonly rule: OpRule;
  /**
   * Inlined into every sweep's chain: the ops of HOT_OPS and those whose rules call no function
   * (comparisons). The others are cold: see coldFile().
   */
  readonly hot: boolean;
  /** The rules as written (the batch sweeps read their two-lane forms from here). */
  readonly source: Pick<OpModel, "value" | "da" | "db" | "daa" | "dab" | "dbb">;
  /** The AssemblyScript constant of its code, e.g. K.OP_SIN. */
  readonly code: string;
  /** 1 or 2 for differentiable ops; 0 for comparisons (no derivative). */
  readonly arity: 0 | 1 | 2;
  readonly value: Expr;
  /** First partials, or null where the rule is identically 0. */
  readonly da: Expr | null;
  readonly db: Expr | null;
  /** Second-order terms, or null where identically 0. */
  readonly daa: Expr | null;
  readonly dab: Expr | null;
  readonly dbb: Expr | null;
}

const helperExprs = new Map<string, Expr>();
for (const [name, fn] of Object.entries(RULE_HELPERS)) {
  try {
    helperExprs.set(name, parseRule(fn, `helper ${name}`));
  } catch {
    // Not one expression (a loop, say): the kernels call assembly/rules.ts's function of that name.
  }
}

/** Replaces calls to expression helpers by their bodies, operands substituted by position. */
function inlineHelpers(e: Expr): Expr {
  switch (e.kind) {
    case "unary": return { ...e, arg: inlineHelpers(e.arg) };
    case "binary": return { ...e, left: inlineHelpers(e.left), right: inlineHelpers(e.right) };
    case "cond": return { ...e, test: inlineHelpers(e.test), then: inlineHelpers(e.then), else: inlineHelpers(e.else) };
    case "call": {
      const args = e.args.map(inlineHelpers);
      const body = helperExprs.get(e.fn);
      if (body === undefined) return { ...e, args };
      const params: Record<Operand, Expr | undefined> = { a: args[0], b: args[1], v: args[2] };
      return substitute(body, params, e.fn);
    }
    default: return e;
  }
}

function substitute(e: Expr, params: Record<Operand, Expr | undefined>, helper: string): Expr {
  const go = (x: Expr): Expr => substitute(x, params, helper);
  switch (e.kind) {
    case "operand": {
      const arg = params[e.name];
      if (arg === undefined) throw new Error(`helper ${helper} called with too few arguments`);
      return arg;
    }
    case "unary": return { ...e, arg: go(e.arg) };
    case "binary": return { ...e, left: go(e.left), right: go(e.right) };
    case "cond": return { ...e, test: go(e.test), then: go(e.then), else: go(e.else) };
    case "call": return inlineHelpers({ ...e, args: e.args.map(go) });
    default: return e;
  }
}

function rule(fn: (...args: number[]) => number, where: string): Expr {
  return inlineHelpers(parseRule(fn, where));
}

function nonZero(fn: OpRule["da"], where: string): Expr | null {
  const e = rule(fn, where);
  return literal(e) === 0 ? null : e;
}

/** True when the expression calls a function (Math.* or a helper). */
function calls(e: Expr | null): boolean {
  if (e === null) return false;
  switch (e.kind) {
    case "call": return true;
    case "unary": return calls(e.arg);
    case "binary": return calls(e.left) || calls(e.right);
    case "cond": return calls(e.test) || calls(e.then) || calls(e.else);
    default: return false;
  }
}

function model(r: OpRule): OpModel {
  const arity = r.kind === "unary" ? 1 : r.kind === "binary" ? 2 : 0;
  const at = (field: string): string => `src/ops.ts, op ${r.name}, ${field}`;
  const source = {
    value: rule(r.value, at("value")),
    da: arity >= 1 ? nonZero(r.da, at("da")) : null,
    db: arity === 2 ? nonZero(r.db, at("db")) : null,
    daa: arity >= 1 ? nonZero(r.daa, at("daa")) : null,
    dab: arity === 2 ? nonZero(r.dab, at("dab")) : null,
    dbb: arity === 2 ? nonZero(r.dbb, at("dbb")) : null,
  };
  if (arity === 1 && reads(source.value, "b")) throw new Error(`${at("value")}: a unary op reads operand b`);
  const rules = Object.values(source);
  const hot = HOT_OPS.includes(r.code) || !rules.some(calls);
  return { rule: r, hot, source, code: `K.OP_${r.name.toUpperCase()}`, arity, ...source };
}

const rank = (code: number): number => {
  const i = HOT_OPS.indexOf(code);
  return i < 0 ? HOT_OPS.length + code : i;
};

/** The differentiable and comparison ops, hot ones first (src/ops.ts HOT_OPS), then by code. */
export function opModels(): OpModel[] {
  const computed = OPS.filter((r) => r.kind === "unary" || r.kind === "binary" || r.kind === "compare");
  return [...computed].sort((p, q) => rank(p.code) - rank(q.code)).map(model);
}

/** A case a sweep writes by hand (select), placed in the chain by its op's rank. */
export interface ControlCase {
  readonly code: number;
  readonly body: string;
}

/**
 * `if (op == A) {…} else if (op == B) {…}` over the hot models a body is given for, the control
 * cases, and last the cold ops' case (`cold`: one branch for all of them, calling the functions of
 * sweeps/cold.ts), in dispatch order: an if-chain by frequency, never a switch (assembly/index.ts).
 */
export function chain(
  models: readonly OpModel[], body: (m: OpModel) => string | null, control: readonly ControlCase[] = [], indent = "    ",
  cold?: string,
): string {
  const cases: { rank: number; text: string }[] = [];
  for (const m of models) {
    if (!m.hot) continue;
    const code = body(m);
    if (code !== null) cases.push({ rank: rank(m.rule.code), text: `if (op == ${m.code}) ${code}` });
  }
  for (const c of control) {
    cases.push({ rank: rank(c.code), text: `if (op == K.OP_${OPS[c.code]!.name.toUpperCase()}) ${c.body}` });
  }
  if (cold !== undefined) cases.push({ rank: Infinity, text: `if (G.coldArity(op) != 0) ${cold}` });
  return cases.sort((p, q) => p.rank - q.rank).map((c) => c.text).join(`\n${indent}else `);
}

/** Partial literally ±1 (add, sub, neg): the sweeps pass the derivative on without a product. */
export function unit(e: Expr | null): 1 | -1 | undefined {
  const value = e === null ? undefined : literal(e);
  return value === 1 || value === -1 ? value : undefined;
}
