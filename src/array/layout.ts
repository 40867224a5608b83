/**
 * Layout: where each named input lives in a flat array (θ, or a data vector). Entries are in the
 * order the spec lists them, each row-major, one after another.
 */
import { describe } from "../var.js";
import type { Tape } from "../tape.js";
import { showShape, sizeOf } from "./node.js";

/** One named input: its first index in the flat array, its shape and its number of elements. */
export interface LayoutEntry {
  /** The key the spec gave it. */
  readonly name: string;
  /** Its first index in the flat array. */
  readonly offset: number;
  /** Its shape: [] a scalar, [n] a vector, [r, c] a row-major matrix. */
  readonly shape: readonly number[];
  /** Its number of elements. */
  readonly size: number;
}

/** What pack() takes per entry: a number (scalar entry), a flat array of the entry's size, or a matrix's rows. */
export type EntryValues = number | ArrayLike<number> | readonly ArrayLike<number>[];

/** The layout of one flat array: θ (`f.layout.params`) or a data vector (`f.layout.data`). */
export class Layout {
  /** The entries in order. */
  readonly entries: readonly LayoutEntry[];
  /** The length of the flat array. */
  readonly size: number;
  private readonly byName: ReadonlyMap<string, LayoutEntry>;

  /** @internal */
  constructor(entries: readonly { name: string; shape: readonly number[] }[], private readonly what: string) {
    let offset = 0;
    this.entries = Object.freeze(
      entries.map(({ name, shape }) => {
        const size = sizeOf(shape);
        const entry = Object.freeze({ name, offset, shape: Object.freeze([...shape]), size });
        offset += size;
        return entry;
      }),
    );
    this.size = offset;
    this.byName = new Map(this.entries.map((e) => [e.name, e]));
  }

  /** The entry called name; throws, listing the names, when there is none. */
  entry(name: string): LayoutEntry {
    const e = this.byName.get(name);
    if (e === undefined) {
      throw new Error(`tapegrad: layout: ${this.what} has no entry ${JSON.stringify(name)}; its entries: ${this.entries.map((x) => x.name).join(", ") || "none"}`);
    }
    return e;
  }

  /** Entry `name` of a flat array (θ, a gradient, a data row) as a view: writes go into `flat`. */
  read(flat: Float64Array, name: string): Float64Array {
    const e = this.entry(name);
    this.checkFlat(flat, "read");
    return flat.subarray(e.offset, e.offset + e.size);
  }

  /** Writes one entry's values into a flat array. */
  write(flat: Float64Array, name: string, values: EntryValues): void {
    const e = this.entry(name);
    this.checkFlat(flat, "write");
    const v = entryValues(e, values);
    flat.set(v, e.offset);
  }

  /** A new flat array from every entry's values: { W: rows or flat array, b: …, s: number }. */
  pack(values: Readonly<Record<string, EntryValues>>): Float64Array {
    if (values === null || typeof values !== "object") throw new TypeError(`tapegrad: layout.pack(values) needs an object of entries, got ${describe(values)}`);
    for (const key of Object.keys(values)) this.entry(key);
    const flat = new Float64Array(this.size);
    for (const e of this.entries) {
      if (!(e.name in values)) throw new Error(`tapegrad: layout.pack(values): entry ${JSON.stringify(e.name)} (shape ${showShape(e.shape)}) is missing`);
      flat.set(entryValues(e, values[e.name]!), e.offset);
    }
    return flat;
  }

  /** Every entry of a flat array, as views (writes go into `flat`). */
  unpack(flat: Float64Array): Record<string, Float64Array> {
    this.checkFlat(flat, "unpack");
    const out: Record<string, Float64Array> = {};
    for (const e of this.entries) out[e.name] = flat.subarray(e.offset, e.offset + e.size);
    return out;
  }

  private checkFlat(flat: unknown, method: string): asserts flat is Float64Array {
    if (!(flat instanceof Float64Array) || flat.length !== this.size) {
      throw new TypeError(`tapegrad: layout.${method}(): needs a Float64Array of length ${this.size} (${this.what}), got ${flat instanceof Float64Array ? `length ${flat.length}` : describe(flat)}`);
    }
  }
}

/** An entry's values, flat, checked against its shape. */
function entryValues(e: LayoutEntry, values: unknown): ArrayLike<number> {
  const bad = (why: string): never => {
    throw new TypeError(`tapegrad: layout: entry ${JSON.stringify(e.name)} (shape ${showShape(e.shape)}, ${e.size} values): ${why}`);
  };
  if (typeof values === "number") {
    if (e.size !== 1) bad("got one number");
    return [values];
  }
  if (values === null || typeof values !== "object" || typeof (values as { length?: unknown }).length !== "number") bad(`got ${describe(values)}`);
  const list = values as ArrayLike<unknown>;
  if (list.length > 0 && typeof list[0] === "object" && list[0] !== null) {
    if (e.shape.length !== 2) bad("got rows, but the entry is not a matrix");
    const [r, c] = e.shape as [number, number];
    if (list.length !== r) bad(`got ${list.length} rows, expected ${r}`);
    const flat = new Float64Array(e.size);
    for (let i = 0; i < r; i++) {
      const row = list[i] as ArrayLike<unknown>;
      if (row === null || typeof row !== "object" || row.length !== c) bad(`row ${i} must have ${c} numbers`);
      for (let j = 0; j < c; j++) flat[i * c + j] = checked(row[j], bad);
    }
    return flat;
  }
  if (list.length !== e.size) bad(`got ${list.length} values`);
  const flat = new Float64Array(e.size);
  for (let i = 0; i < e.size; i++) flat[i] = checked(list[i], bad);
  return flat;
}

function checked(x: unknown, bad: (why: string) => never): number {
  if (typeof x !== "number") bad(`a value is ${describe(x)}`);
  return x as number;
}

/**
 * The layouts of a scalar tape: one scalar entry per named input (compile((x, y) => …)), or one
 * vector entry named after the vector ({ inputs: n }, { params: n, data: m }); none for 0 inputs.
 */
export function tapeLayouts(tape: Pick<Tape, "inputs" | "data" | "inputNames" | "vectorName" | "dataNames" | "dataVectorName">): {
  params: Layout;
  data: Layout;
} {
  const entries = (count: number, names: readonly string[], vector: string): { name: string; shape: number[] }[] => {
    if (count === 0) return [];
    if (names.length === count) return names.map((name) => ({ name, shape: [] }));
    return [{ name: vector, shape: [count] }];
  };
  return {
    params: new Layout(entries(tape.inputs, tape.inputNames, tape.vectorName), "θ"),
    data: new Layout(entries(tape.data, tape.dataNames, tape.dataVectorName), "a data vector"),
  };
}
