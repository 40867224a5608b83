// Op codes: a mirror of OP in src/ops.ts (test/opcodes.test.ts checks the compiled module).
// Exported from index.ts as WebAssembly globals so the test can read them back.

export const OP_INPUT: i32 = 0;
export const OP_DATA: i32 = 1;
export const OP_CONST: i32 = 2;
export const OP_ADD: i32 = 3;
export const OP_SUB: i32 = 4;
export const OP_MUL: i32 = 5;
export const OP_DIV: i32 = 6;
export const OP_POW: i32 = 7;
export const OP_POWC: i32 = 8;
export const OP_NEG: i32 = 9;
export const OP_SIN: i32 = 10;
export const OP_COS: i32 = 11;
export const OP_TAN: i32 = 12;
export const OP_EXP: i32 = 13;
export const OP_LOG: i32 = 14;
export const OP_SQRT: i32 = 15;
export const OP_SQUARE: i32 = 16;
export const OP_TANH: i32 = 17;
export const OP_SIGMOID: i32 = 18;
export const OP_RELU: i32 = 19;
export const OP_ABS: i32 = 20;
export const OP_MIN: i32 = 21;
export const OP_MAX: i32 = 22;
export const OP_LT: i32 = 23;
export const OP_LE: i32 = 24;
export const OP_GT: i32 = 25;
export const OP_GE: i32 = 26;
export const OP_EQ: i32 = 27;
export const OP_SELECT: i32 = 28;
export const OP_BRANCHES: i32 = 29;
