/** The engines every engine-level test runs on. */
import type { EngineName } from "../src/index.js";

export const ENGINES: readonly EngineName[] = ["wasm", "js"];
