/** Writes action.yml, the GitLab component, pipe.yml and the docs' tables from src/core/config.ts. */
import { readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import {
  renderActionYml,
  renderGitlabComponent,
  renderGitlabInputsTable,
  renderPipeYml,
  renderExamples,
  renderReadme,
  renderVariablesTable,
  replaceBlock,
} from "./docs";

await writeFile("action.yml", renderActionYml());
await writeFile(
  "README.md",
  renderExamples(renderReadme(await readFile("README.md", "utf8")), (path) => readFileSync(path, "utf8")),
);
await writeFile("gitlab/templates/deploy.yml", renderGitlabComponent());
await writeFile(
  "gitlab/README.md",
  replaceBlock(await readFile("gitlab/README.md", "utf8"), "inputs", renderGitlabInputsTable()),
);
await writeFile("bitbucket/pipe.yml", renderPipeYml());
await writeFile(
  "bitbucket/README.md",
  replaceBlock(await readFile("bitbucket/README.md", "utf8"), "variables", renderVariablesTable()),
);
console.log("action.yml, gitlab/templates/deploy.yml, bitbucket/pipe.yml and the README tables regenerated");
