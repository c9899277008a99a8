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
    // Below the front ends, the code is pure logic over injected ports: no runner toolkit (its
    // setSecret prints secrets on other CIs), no environment, no exiting. Only src/github,
    // src/cli and src/platform (the ports' implementations) touch the process.
    files: ["src/**/*.ts"],
    ignores: ["src/github/**", "src/cli/**", "src/platform/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@actions/*"], message: "Only src/github may depend on the GitHub toolkit." }] },
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
    // Small enough to read without scrolling: every line counts, blank lines and comments too. The input table in inputs.ts is data.
    files: ["src/**/*.ts"],
    ignores: ["src/config/inputs.ts"],
    rules: {
      "max-lines": ["error", { max: 300, skipBlankLines: false, skipComments: false }],
      "max-lines-per-function": ["error", { max: 60, skipBlankLines: false, skipComments: false }],
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
