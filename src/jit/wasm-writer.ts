/**
 * A WebAssembly binary writer: the few sections and instructions the JIT emits, written straight
 * into a growing byte array (no instruction objects, no closures: codegen is about 0.3 µs per tape
 * node and most of it is here). The binary format is the W3C core spec's; only what src/jit uses.
 */

/** Value types. */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const F64 = 0x7c;
export const V128 = 0x7b;
/** Block type of a block that leaves nothing on the stack. */
export const VOID = 0x40;

/** One-byte opcodes. */
export const Op = {
  block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, brIf: 0x0d, return: 0x0f,
  call: 0x10, drop: 0x1a, select: 0x1b,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Load: 0x28, f64Load: 0x2b, f64Store: 0x39, i32Const: 0x41, f64Const: 0x44,
  i32Eqz: 0x45, i32Eq: 0x46, i32Ne: 0x47, i32LtS: 0x48, i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c, i32And: 0x71, i32Or: 0x72,
  f64Eq: 0x61, f64Ne: 0x62, f64Lt: 0x63, f64Gt: 0x64, f64Le: 0x65, f64Ge: 0x66,
  f64Abs: 0x99, f64Neg: 0x9a, f64Ceil: 0x9b, f64Floor: 0x9c, f64Trunc: 0x9d, f64Sqrt: 0x9f,
  f64Add: 0xa0, f64Sub: 0xa1, f64Mul: 0xa2, f64Div: 0xa3, f64Min: 0xa4, f64Max: 0xa5,
  i64Const: 0x42, i64Sub: 0x7d, i64And: 0x83, i64ExtendI32U: 0xad, i64ReinterpretF64: 0xbd, f64ReinterpretI64: 0xbf,
} as const;

/** SIMD opcodes (after the 0xfd prefix). */
export const Simd = {
  load: 0, load64Splat: 10, store: 11, const: 12, f64x2Splat: 20, f64x2ExtractLane: 33, f64x2ReplaceLane: 34,
  f64x2Eq: 71, f64x2Ne: 72, f64x2Lt: 73, f64x2Gt: 74, f64x2Le: 75, f64x2Ge: 76,
  not: 77, and: 78, andnot: 79, or: 80, bitselect: 82, anyTrue: 83,
  f64x2Ceil: 116, f64x2Floor: 117, f64x2Trunc: 122,
  f64x2Abs: 236, f64x2Neg: 237, f64x2Sqrt: 239,
  f64x2Add: 240, f64x2Sub: 241, f64x2Mul: 242, f64x2Div: 243, f64x2Min: 244, f64x2Max: 245,
} as const;

const scratch = new DataView(new ArrayBuffer(8));

/** Bytes appended one instruction at a time; `bytes()` is the finished array. */
export class ByteWriter {
  private buf: Uint8Array;
  length = 0;

  constructor(capacity = 1024) {
    this.buf = new Uint8Array(capacity);
  }

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.length++] = b;
  }

  /** Unsigned LEB128 (u32). */
  u32(value: number): void {
    this.room(5);
    let v = value >>> 0;
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) b |= 0x80;
      this.buf[this.length++] = b;
    } while (v !== 0);
  }

  /** Signed LEB128 (i32). */
  s32(value: number): void {
    this.room(5);
    let v = value | 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
        this.buf[this.length++] = b;
        return;
      }
      this.buf[this.length++] = b | 0x80;
    }
  }

  /** The 8 bytes of a float64, little-endian: every bit kept (NaN payloads, −0). */
  f64(value: number): void {
    this.room(8);
    scratch.setFloat64(0, value, true);
    for (let i = 0; i < 8; i++) this.buf[this.length++] = scratch.getUint8(i);
  }

  append(other: ByteWriter): void {
    this.room(other.length);
    this.buf.set(other.buf.subarray(0, other.length), this.length);
    this.length += other.length;
  }

  name(text: string): void {
    this.u32(text.length);
    for (let i = 0; i < text.length; i++) this.byte(text.charCodeAt(i));
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  // Instructions used everywhere.
  op(code: number): void {
    this.byte(code);
  }
  simd(code: number): void {
    this.byte(0xfd);
    this.u32(code);
  }
  localGet(index: number): void {
    this.byte(Op.localGet);
    this.u32(index);
  }
  localSet(index: number): void {
    this.byte(Op.localSet);
    this.u32(index);
  }
  localTee(index: number): void {
    this.byte(Op.localTee);
    this.u32(index);
  }
  f64Const(value: number): void {
    this.byte(Op.f64Const);
    this.f64(value);
  }
  i32Const(value: number): void {
    this.byte(Op.i32Const);
    this.s32(value);
  }
  /** f64.load from an absolute address (i32.const 0 plus the address as the immediate offset). */
  f64LoadAt(address: number): void {
    this.byte(Op.i32Const);
    this.byte(0);
    this.byte(Op.f64Load);
    this.byte(3);
    this.u32(address);
  }
  /** Starts an f64.store to an absolute address: push the value next, then call storeEnd(address). */
  storeBegin(): void {
    this.byte(Op.i32Const);
    this.byte(0);
  }
  f64StoreEnd(address: number): void {
    this.byte(Op.f64Store);
    this.byte(3);
    this.u32(address);
  }
  call(index: number): void {
    this.byte(Op.call);
    this.u32(index);
  }
  /**
   * The end of a counted loop begun with `loop`: counter += step, and branch back while
   * counter < limit (the local `limit`, or the constant `limit` when `constant`); then `end`.
   */
  loopBack(counter: number, step: number, limit: number, constant: boolean): void {
    this.localGet(counter);
    this.i32Const(step);
    this.byte(Op.i32Add);
    this.localTee(counter);
    if (constant) this.i32Const(limit);
    else this.localGet(limit);
    this.byte(Op.i32LtS);
    this.byte(Op.brIf);
    this.byte(0);
    this.byte(Op.end);
  }

  /** v128.load / v128.store / v128.load64_splat with a constant offset (the address is on the stack). */
  v128Mem(code: number, offset: number): void {
    this.simd(code);
    this.byte(code === Simd.load64Splat ? 3 : 4);
    this.u32(offset);
  }
}

/** A function body: its locals (by type, in declaration order) and code. */
export interface FunctionBody {
  readonly type: number;
  /** Count of each local type declared after the parameters: [[count, type], …]. */
  readonly locals: readonly (readonly [number, number])[];
  readonly code: ByteWriter;
}

export interface ModuleParts {
  /** Function types: [params, results]. */
  readonly types: readonly (readonly [readonly number[], readonly number[]])[];
  /** Imported functions (module "m"), each with its type index; indices 0 … imports−1. */
  readonly imports: readonly { readonly name: string; readonly type: number }[];
  /** The memory import ("m", "memory"): its minimum in pages, and whether it is shared (then maximum too). */
  readonly memory: { readonly minimum: number; readonly maximum?: number; readonly shared: boolean };
  readonly functions: readonly FunctionBody[];
  /** Exported functions by name: index in the function index space (imports first). */
  readonly exports: readonly { readonly name: string; readonly index: number }[];
}

function section(out: ByteWriter, id: number, body: ByteWriter): void {
  out.byte(id);
  out.u32(body.length);
  out.append(body);
}

/** The module's bytes. */
export function writeModule(parts: ModuleParts): Uint8Array {
  let size = 64;
  for (const f of parts.functions) size += f.code.length + 16;
  const out = new ByteWriter(size);
  for (const b of [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]) out.byte(b);

  const types = new ByteWriter();
  types.u32(parts.types.length);
  for (const [params, results] of parts.types) {
    types.byte(0x60);
    types.u32(params.length);
    for (const p of params) types.byte(p);
    types.u32(results.length);
    for (const r of results) types.byte(r);
  }
  section(out, 1, types);

  const imports = new ByteWriter();
  imports.u32(parts.imports.length + 1);
  imports.name("m");
  imports.name("memory");
  imports.byte(0x02);
  const { minimum, maximum, shared } = parts.memory;
  imports.byte(shared ? 0x03 : maximum === undefined ? 0x00 : 0x01);
  imports.u32(minimum);
  if (shared || maximum !== undefined) imports.u32(maximum ?? 65536);
  for (const imp of parts.imports) {
    imports.name("m");
    imports.name(imp.name);
    imports.byte(0x00);
    imports.u32(imp.type);
  }
  section(out, 2, imports);

  const functions = new ByteWriter();
  functions.u32(parts.functions.length);
  for (const f of parts.functions) functions.u32(f.type);
  section(out, 3, functions);

  const exports = new ByteWriter();
  exports.u32(parts.exports.length);
  for (const e of parts.exports) {
    exports.name(e.name);
    exports.byte(0x00);
    exports.u32(e.index);
  }
  section(out, 7, exports);

  const code = new ByteWriter(size);
  code.u32(parts.functions.length);
  for (const f of parts.functions) {
    const head = new ByteWriter(16);
    head.u32(f.locals.length);
    for (const [count, type] of f.locals) {
      head.u32(count);
      head.byte(type);
    }
    code.u32(head.length + f.code.length + 1);
    code.append(head);
    code.append(f.code);
    code.byte(Op.end);
  }
  section(out, 10, code);
  return out.bytes();
}

/** The memory import that matches `memory`: any size; shared (then with the largest maximum) if it is. */
export function memoryImport(memory: WebAssembly.Memory): ModuleParts["memory"] {
  const shared = typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer;
  return shared ? { minimum: 0, maximum: 65536, shared } : { minimum: 0, shared };
}
