/** Writes action.yml, the GitLab component and catalog pipeline, pipe.yml and the docs' generated parts from src/config/inputs.ts. */
import { readFileSync } from "node:fs";
import { readFile, readdir, writeFile } from "node:fs/promises";
import {
  renderActionYml,
  renderCatalogPipeline,
  renderGitlabComponent,
  renderGitlabInputsTable,
  renderGitlabPreviewComponent,
  renderGitlabPreviewInputsTable,
  renderInputsPage,
  renderPipeDefinition,
  renderPipeSelfTest,
  renderPipeYml,
  renderExamples,
  renderReadme,
  renderVariablesTable,
  replaceBlock,
} from "./docs";

async function rewrite(path: string, render: (text: string) => string): Promise<void> {
  await writeFile(path, render(await readFile(path, "utf8")));
}

const examples = (text: string) => renderExamples(text, (path) => readFileSync(path, "utf8"));

await writeFile("action.yml", renderActionYml());
await rewrite("README.md", (text) => examples(renderReadme(text)));
await rewrite("docs/inputs.md", renderInputsPage);
for (const page of await readdir("docs")) if (page.endsWith(".md")) await rewrite(`docs/${page}`, examples);
await writeFile("gitlab/templates/deploy.yml", renderGitlabComponent());
await writeFile("gitlab/templates/preview.yml", renderGitlabPreviewComponent());
await writeFile("gitlab/.gitlab-ci.yml", renderCatalogPipeline());
await rewrite("gitlab/README.md", (text) =>
  replaceBlock(
    replaceBlock(text, "inputs", renderGitlabInputsTable()),
    "preview-inputs",
    renderGitlabPreviewInputsTable(),
  ),
);
await writeFile("bitbucket/pipe.yml", renderPipeYml());
await writeFile("bitbucket/bitbucket-pipelines.yml", renderPipeSelfTest());
await rewrite("bitbucket/README.md", (text) =>
  replaceBlock(replaceBlock(text, "definition", renderPipeDefinition()), "variables", renderVariablesTable()),
);
console.log(
  "action.yml, gitlab/templates/deploy.yml and preview.yml, gitlab/.gitlab-ci.yml, bitbucket/pipe.yml, bitbucket/bitbucket-pipelines.yml, the README's quick start and docs/inputs.md regenerated",
);
