import { defineConfig } from "vitest/config";

// Three projects: pure unit tests, the Pulumi program under the SDK's mock runtime (one mock setup per
// file, installed by a setupFiles module before the program is imported), and integration tests
// against real parts (ARM test server, Azurite, real MLflow) prepared once by a global setup.
export default defineConfig({
  test: {
    // Two files at a time even on a 2-core machine (the default would be one): most integration files
    // spend their time waiting on servers and subprocesses (MLflow, Spark, Caddy, Azurite), so a second
    // file overlaps with them instead of the suite running file after file.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          exclude: ["test/unit/lab/**"],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "lab",
          include: ["test/unit/lab/**/*.test.ts"],
          setupFiles: ["test/unit/lab/pulumi-mocks.ts"],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/support/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
