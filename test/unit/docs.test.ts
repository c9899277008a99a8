import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  renderActionYml,
  renderGitlabComponent,
  renderGitlabInputsTable,
  renderPipeYml,
  renderReadme,
  renderVariablesTable,
  replaceBlock,
} from "../../scripts/docs";
import { envName } from "../../src/cli/env";
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
    const description = /^description: (.*)$/m.exec(yml)?.[1] ?? "";
    expect(description.length).toBeGreaterThan(20);
    expect(description.length).toBeLessThan(125);
    expect(yml).toMatch(/^branding:\n {2}icon: \S+\n {2}color: \S+$/m);
    for (const input of INPUTS) expect(yml).toContain(`\n  ${input.name}:\n`);
    for (const output of OUTPUTS) expect(yml).toContain(`\n  ${output.name}:\n`);
    expect(yml).toContain("runs:\n  using: node24\n  main: dist/index.js\n");
  });

  it("the GitLab component and its README are what `npm run gen` makes, one input per row of the table", async () => {
    const component = await readFile(resolve(root, "gitlab/templates/deploy.yml"), "utf8");
    expect(component).toBe(renderGitlabComponent());
    for (const input of INPUTS) {
      expect(component).toContain(`\n    ${input.name}:\n`);
      expect(component).toContain(`\n    ${envName(input.name)}: "$[[ inputs.${input.name} ]]"\n`);
    }
    const readme = await readFile(resolve(root, "gitlab/README.md"), "utf8");
    expect(readme).toBe(replaceBlock(readme, "inputs", renderGitlabInputsTable()));
  });

  it("pipe.yml and the pipe's variables table are what `npm run gen` makes", async () => {
    expect(await readFile(resolve(root, "bitbucket/pipe.yml"), "utf8")).toBe(renderPipeYml());
    const readme = await readFile(resolve(root, "bitbucket/README.md"), "utf8");
    expect(readme).toBe(replaceBlock(readme, "variables", renderVariablesTable()));
    for (const input of INPUTS) expect(readme).toContain(`| \`${envName(input.name)}\` |`);
    for (const key of ["name:", "image:", "category:", "description:", "repository:", "maintainer:", "tags:"]) {
      expect(renderPipeYml()).toMatch(new RegExp(`^${key}`, "m"));
    }
  });
});
