/**
 * The op table's generator: writes assembly/generated/ (every sweep's op dispatch, from src/ops.ts
 * and the templates in scripts/gen/sweeps/, one file per sweep) and src/generated/ (the free
 * functions and Var methods, api.ts). Run by scripts/build-wasm.mjs before asc (`npm run
 * build:wasm`, which every npm script that needs it runs first); the output is not checked in.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { OPS } from "../../src/ops.js";
import { opModels } from "./model.js";
import { coldFile } from "./sweeps/cold.js";
import { functionsFile, methodsFile } from "./api.js";
import { header } from "./sweeps/common.js";
import { forwardSweep } from "./sweeps/forward.js";
import { tangentSweep } from "./sweeps/tangent.js";
import { reverseSweep } from "./sweeps/reverse.js";
import { partialsSweep } from "./sweeps/partials.js";
import { hvpSweep } from "./sweeps/hvp.js";
import { batchForwardSweep } from "./sweeps/batch-forward.js";
import { batchReverseSweep } from "./sweeps/batch-reverse.js";
import { jitMathFile, jitRulesFile } from "./sweeps/jit.js";

function opcodes(): string {
  const lines = OPS.map((r) => `export const OP_${r.name.toUpperCase()}: i32 = ${r.code};`);
  return `${header("Op codes, the tape's u8 op array (test/opcodes.test.ts reads them back from the module).", "src/ops.ts")}\n${lines.join("\n")}\n`;
}

/** Every generated file by its path from the repository root. */
export function generatedFiles(): Record<string, string> {
  const models = opModels();
  return {
    "assembly/generated/opcodes.ts": opcodes(),
    "assembly/generated/cold.ts": coldFile(models),
    "assembly/generated/forward.ts": forwardSweep(models),
    "assembly/generated/tangent.ts": tangentSweep(models),
    "assembly/generated/reverse.ts": reverseSweep(models),
    "assembly/generated/partials.ts": partialsSweep(models),
    "assembly/generated/hvp.ts": hvpSweep(models),
    "assembly/generated/batch_forward.ts": batchForwardSweep(models),
    "assembly/generated/batch_reverse.ts": batchReverseSweep(models),
    "assembly/generated/jit_math.ts": jitMathFile(models),
    "src/generated/jit-rules.ts": jitRulesFile(models),
    "src/generated/functions.ts": functionsFile(),
    "src/generated/methods.ts": methodsFile(),
  };
}

const root = fileURLToPath(new URL("../..", import.meta.url));

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  // Only files whose text changed are written, so asc's source hash (build-wasm.mjs) stays put.
  for (const [name, text] of Object.entries(generatedFiles())) {
    const file = join(root, name);
    mkdirSync(dirname(file), { recursive: true });
    if (!existsSync(file) || readFileSync(file, "utf8") !== text) writeFileSync(file, text);
  }
}
