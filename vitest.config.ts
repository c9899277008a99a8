import { defineConfig } from "vitest/config";

// TEST_REPORT=<file> also writes a JSON report there (.ci/run reads it to check that the
// buildx/BuildKit tests ran).
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
        },
      },
    ],
  },
});
