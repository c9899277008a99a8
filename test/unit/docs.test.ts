import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { renderActionYml, renderReadme } from "../../scripts/docs";
import { INPUTS, OUTPUTS } from "./imports";

const root = resolve(import.meta.dirname, "../..");

describe("action.yml and README follow the input table in src/core/config.ts", () => {
  it("action.yml is what `npm run gen` makes", async () => {
    expect(await readFile(resolve(root, "action.yml"), "utf8")).toBe(renderActionYml());
  });

  it("the README tables are what `npm run gen` makes", async () => {
    const readme = await readFile(resolve(root, "README.md"), "utf8");
    expect(readme).toBe(renderReadme(readme));
  });

  it("action.yml declares every input and output, runs on node24 from dist/index.js", () => {
    const yml = renderActionYml();
    for (const input of INPUTS) expect(yml).toContain(`\n  ${input.name}:\n`);
    for (const output of OUTPUTS) expect(yml).toContain(`\n  ${output.name}:\n`);
    expect(yml).toContain("runs:\n  using: node24\n  main: dist/index.js\n");
  });
});
