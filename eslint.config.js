import js from "@eslint/js";
import vitest from "@vitest/eslint-plugin";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  ...tseslint.configs.stylistic,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The core is pure logic over injected ports: no runner toolkit (its setSecret prints
    // secrets on other CIs), no environment, no exiting.
    files: ["src/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@actions/*"], message: "src/core must not depend on the GitHub toolkit." }] },
      ],
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read the environment in an adapter and pass values in." },
        { object: "process", property: "exit", message: "Return an outcome; adapters choose the exit code." },
        { object: "console", property: "log", message: "Use the Logger port." },
      ],
    },
  },
  {
    // Small enough to read without scrolling. The input table in config.ts is data.
    files: ["src/**/*.ts"],
    ignores: ["src/core/config.ts"],
    rules: {
      "max-lines": ["error", { max: 300, skipBlankLines: false, skipComments: false }],
      "max-lines-per-function": ["error", { max: 60, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ["test/**/*.ts"],
    plugins: { vitest },
    rules: {
      ...vitest.configs.recommended.rules,
      "vitest/expect-expect": ["error", { assertFunctionNames: ["expect", "expect*"] }],
      "vitest/valid-expect": ["error", { maxArgs: 2 }],
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
);
