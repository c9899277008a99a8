import { defineConfig } from "vitest/config";

// TEST_REPORT=<file> also writes a JSON report there (.ci/run reads it to check that the
// buildx/BuildKit tests ran, and the e2e suite where a live Dokploy was given).
const report = process.env.TEST_REPORT;

export default defineConfig({
  test: {
    reporters: report ? ["default", "json"] : ["default"],
    outputFile: report ? { json: report } : undefined,
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/support/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // After the unit tests (as a sequential project it would run last of all), before e2e.
          sequence: { groupOrder: 1 },
        },
      },
      {
        // Against a live Dokploy (see CONTRIBUTING.md); skipped, saying why, when none is given.
        // It runs last, alone: its timing checks want the cores, and a Dokploy runs one deployment at a time.
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          globalSetup: ["test/support/e2e-setup.ts"],
          testTimeout: 240_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
