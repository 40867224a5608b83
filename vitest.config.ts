import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    // test/finalization.test.ts forces garbage collection to check the FinalizationRegistry backstop.
    execArgv: ["--expose-gc"],
  },
});
