/**
 * The tape: a computational graph flattened in static single assignment order.
 *
 * Node i is the result of instruction i; its operands always have smaller indices, so one pass
 * forward computes every value and one pass backward every adjoint. Struct of arrays: `op` holds
 * op codes (see ops.ts), `a` and `b` operand node indices. 9 bytes per node.
 *
 * Leaves come first and in a fixed place, which lets both engines skip a gather:
 *   nodes [0, inputs)                 the differentiated inputs, in order
 *   nodes [inputs, inputs + data)     the data inputs (not differentiated)
 * Constant nodes (op CONST, `a` = index into `constants`) appear wherever first used, one node
 * per distinct number. A select is two nodes: BRANCHES (a = if-true, b = if-false) right before
 * SELECT (a = condition, b = the BRANCHES node).
 */
export interface Tape {
  /** Node i's op code (see OP). */
  readonly op: Uint8Array;
  /** Node i's first operand node (for a leaf: its input, data or constants index). */
  readonly a: Int32Array;
  /** Node i's second operand node (0 for leaves and unary ops). */
  readonly b: Int32Array;
  /** The constants pool: each distinct number once. */
  readonly constants: Float64Array;
  /** Number of differentiated inputs; they are nodes 0 … inputs−1. */
  readonly inputs: number;
  /** Number of data inputs; they are nodes inputs … inputs+data−1. */
  readonly data: number;
  /** The node index of each output. */
  readonly outputs: Int32Array;
  /**
   * Display names of the inputs (for graphs and messages): one per input, or — for a function
   * of a vector, where 10⁵ strings would cost more than the tape — empty, and the inputs are
   * `${vectorName}[i]`. Read them with inputName().
   */
  readonly inputNames: readonly string[];
  /** The name of the input vector when inputNames is empty ("x" by default). */
  readonly vectorName: string;
  /** Display names of the data inputs, the same way. */
  readonly dataNames: readonly string[];
  /** The name of the data vector when dataNames is empty ("data" by default). */
  readonly dataVectorName: string;
}

/** The display name of input i. */
export function inputName(tape: Tape, i: number): string {
  return tape.inputNames[i] ?? `${tape.vectorName}[${i}]`;
}

/** The display name of data input i. */
export function dataName(tape: Tape, i: number): string {
  return tape.dataNames[i] ?? `${tape.dataVectorName}[${i}]`;
}

/**
 * A copy of the tape sharing nothing mutable with it: new typed arrays and name lists. A compiled
 * function replays (and toDot/explain read) its own copy, so edits to `f.tape` change nothing.
 */
export function copyTape(tape: Tape): Tape {
  return {
    op: tape.op.slice(),
    a: tape.a.slice(),
    b: tape.b.slice(),
    constants: tape.constants.slice(),
    inputs: tape.inputs,
    data: tape.data,
    outputs: tape.outputs.slice(),
    inputNames: Object.freeze([...tape.inputNames]),
    vectorName: tape.vectorName,
    dataNames: Object.freeze([...tape.dataNames]),
    dataVectorName: tape.dataVectorName,
  };
}
