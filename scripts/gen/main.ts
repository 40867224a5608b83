/**
 * The kernel generator: writes assembly/generated/ from the op table (src/ops.ts) and the sweep
 * templates in scripts/gen/sweeps/ — one file per sweep. Run by scripts/build-wasm.mjs before asc
 * (`npm run build:wasm`); the output is not checked in. `--check` exits non-zero if it is stale.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { OPS } from "../../src/ops.js";
import { opModels } from "./model.js";
import { header } from "./sweeps/common.js";
import { forwardSweep } from "./sweeps/forward.js";
import { tangentSweep } from "./sweeps/tangent.js";
import { reverseSweep } from "./sweeps/reverse.js";
import { partialsSweep } from "./sweeps/partials.js";
import { hvpSweep } from "./sweeps/hvp.js";
import { batchForwardSweep } from "./sweeps/batch-forward.js";
import { batchReverseSweep } from "./sweeps/batch-reverse.js";

function opcodes(): string {
  const lines = OPS.map((r) => `export const OP_${r.name.toUpperCase()}: i32 = ${r.code};`);
  return `${header("Op codes, the tape's u8 op array (test/opcodes.test.ts reads them back from the module).", "src/ops.ts")}\n${lines.join("\n")}\n`;
}

export function generatedFiles(): Record<string, string> {
  const models = opModels();
  return {
    "opcodes.ts": opcodes(),
    "forward.ts": forwardSweep(models),
    "tangent.ts": tangentSweep(models),
    "reverse.ts": reverseSweep(models),
    "partials.ts": partialsSweep(models),
    "hvp.ts": hvpSweep(models),
    "batch_forward.ts": batchForwardSweep(models),
    "batch_reverse.ts": batchReverseSweep(models),
  };
}

const root = fileURLToPath(new URL("../..", import.meta.url));
const out = join(root, "assembly/generated");

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes("--check");
  let stale = 0;
  mkdirSync(out, { recursive: true });
  for (const [name, text] of Object.entries(generatedFiles())) {
    const file = join(out, name);
    if (existsSync(file) && readFileSync(file, "utf8") === text) continue;
    stale++;
    if (!check) writeFileSync(file, text);
  }
  if (check && stale > 0) {
    console.error(`assembly/generated: ${stale} file(s) out of date; run npm run build:wasm`);
    process.exit(1);
  }
}
