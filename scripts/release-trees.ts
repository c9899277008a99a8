/**
 * Writes the release trees published with each release:
 *   <out>/gitlab     the GitLab CI/CD Catalog project: templates/deploy.yml and preview.yml at its root, README.md
 *                    (with its Components section), LICENSE, and the .gitlab-ci.yml that tests the
 *                    component at $CI_COMMIT_SHA and releases it on semantic-version tags;
 *   <out>/bitbucket  the Bitbucket pipe repository: pipe.yml at its root, README.md, LICENSE.txt, and
 *                    the bitbucket-pipelines.yml that runs the pipe at its release in a dry run.
 * Both come from gitlab/ and bitbucket/ (the sources); `--runner-digest sha256:…` also pins the
 * component's runner image to the digest the release pushed.
 *
 *   npx tsx scripts/release-trees.ts --out <dir> [--runner-digest sha256:<hex>]
 */
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  RUNNER_IMAGE,
  renderGitlabComponent,
  renderGitlabInputsTable,
  renderGitlabPreviewComponent,
  renderGitlabPreviewInputsTable,
  replaceBlock,
} from "./docs";

const ROOT = resolve(import.meta.dirname, "..");

export async function writeReleaseTrees(out: string, runnerDigest?: string): Promise<void> {
  if (runnerDigest !== undefined && !/^sha256:[a-f0-9]{64}$/.test(runnerDigest)) {
    throw new Error(`--runner-digest "${runnerDigest}" is not a digest; expected sha256:<64 hex digits>`);
  }
  const runnerImage = runnerDigest ? `${RUNNER_IMAGE}@${runnerDigest}` : RUNNER_IMAGE;
  const gitlab = join(out, "gitlab");
  await mkdir(join(gitlab, "templates"), { recursive: true });
  await writeFile(join(gitlab, "templates/deploy.yml"), renderGitlabComponent(runnerImage));
  await writeFile(join(gitlab, "templates/preview.yml"), renderGitlabPreviewComponent(runnerImage));
  const readme = await readFile(join(ROOT, "gitlab/README.md"), "utf8");
  await writeFile(
    join(gitlab, "README.md"),
    replaceBlock(
      replaceBlock(readme, "inputs", renderGitlabInputsTable(runnerImage)),
      "preview-inputs",
      renderGitlabPreviewInputsTable(runnerImage),
    ),
  );
  await copyFile(join(ROOT, "gitlab/.gitlab-ci.yml"), join(gitlab, ".gitlab-ci.yml"));
  await copyFile(join(ROOT, "LICENSE"), join(gitlab, "LICENSE"));
  await copyFile(join(ROOT, "CHANGELOG.md"), join(gitlab, "CHANGELOG.md"));

  const bitbucket = join(out, "bitbucket");
  await mkdir(bitbucket, { recursive: true });
  for (const file of ["pipe.yml", "README.md", "bitbucket-pipelines.yml"]) {
    await copyFile(join(ROOT, "bitbucket", file), join(bitbucket, file));
  }
  await copyFile(join(ROOT, "LICENSE"), join(bitbucket, "LICENSE.txt"));
  await copyFile(join(ROOT, "CHANGELOG.md"), join(bitbucket, "CHANGELOG.md"));
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const { values } = parseArgs({ options: { out: { type: "string" }, "runner-digest": { type: "string" } } });
  if (!values.out) throw new Error("--out <dir> is required");
  await writeReleaseTrees(resolve(values.out), values["runner-digest"]);
  console.log(`release trees written to ${values.out}/gitlab and ${values.out}/bitbucket`);
}
