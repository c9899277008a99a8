/**
 * A newcomer's path on GitLab: the README's quick start, read out of README.md, is the consumer
 * project's whole .gitlab-ci.yml, run by gitlab-ci-local as test/integration/gitlab.test.ts runs
 * the component (the Catalog project on a loopback gitlab.com that the project's origin, and so
 * $CI_SERVER_FQDN, points at; the real engine and registry; the Dokploy stand-in). The include's
 * address and inputs are the README's, as written. The variables are those the snippet's comment
 * asks for (a DOKPLOY_API_KEY project variable, the gitlab-deploy-token deploy token) and the
 * registry's that GitLab sets; gitlab-ci-local's own local-only file swaps the docker:dind
 * service for the test engine (no services in a shell).
 */
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { stringify } from "yaml";
import { useStandIn } from "../support/fixtures";
import { rigRegistry } from "../support/global-setup";
import { SHADOWS, commitProject, findFile, runPipeline, useCatalogServer } from "../support/gitlab-pipeline";
import { registryDigest } from "../support/rig";
import { ROOT } from "../support/runner-image";
import { tempDir } from "../support/temp";

const rig = inject("rig");
const API_KEY = `MARKER-GL-${randomBytes(10).toString("hex")}`;
const registry = rigRegistry(rig);
const standIn = useStandIn({ apiKey: API_KEY });
const catalog = useCatalogServer();

/** The README's values that point at Dokploy: its URL, and the id of an application there. */
const README_DOKPLOY_URL = "https://dokploy.example.com";
const README_APPLICATION_ID = "UuH3SNuDvHGux046xpNIw";

/** The GitLab quick start's yaml, as README.md shows it. */
async function quickStart(): Promise<string> {
  const readme = await readFile(join(ROOT, "README.md"), "utf8");
  const match = /<!-- quick-start-gitlab:start -->\n```yaml\n([\s\S]*?)```\n<!-- quick-start-gitlab:end -->/.exec(
    readme,
  );
  if (!match?.[1]) throw new Error("README.md has no quick start for GitLab");
  return match[1];
}

interface Run {
  exitCode: number;
  output: string;
  dir: string;
  sha: string;
  repo: string;
}

/** A consumer project whose .gitlab-ci.yml is `snippet`, run by gitlab-ci-local against the stand-in's `applicationId`. */
async function runQuickStart(snippet: string, applicationId: string): Promise<Run> {
  const dir = await tempDir("gitlab-quick-start");
  // Only the values that point at Dokploy change: its URL becomes the stand-in's, and the
  // application's id one the stand-in knows. The include's address ($CI_SERVER_FQDN/...@1,
  // resolved against the origin's server) and every other input stay as the README writes them.
  const pipeline = snippet.replace(README_DOKPLOY_URL, standIn().url).replace(README_APPLICATION_ID, applicationId);
  await writeFile(join(dir, ".gitlab-ci.yml"), pipeline);
  // The test engine instead of the docker:dind service; not part of the pipeline GitLab reads.
  await writeFile(
    join(dir, ".gitlab-ci-local.yml"),
    stringify({
      "dokploy-deploy": {
        services: [],
        variables: { DOCKER_HOST: rig.dockerHost, DOCKER_TLS_VERIFY: "", DOCKER_CERT_PATH: "" },
      },
    }),
  );
  // The rig's engine has no bridge network and the quick start sets none: a build with no RUN step needs none.
  await writeFile(join(dir, "stamp"), randomBytes(4).toString("hex"));
  await writeFile(join(dir, "Dockerfile"), `FROM ${rig.baseImage}\nCOPY stamp /stamp\n`);
  // Project variables (Settings > CI/CD > Variables): the masked API key, and every input's name.
  await writeFile(join(dir, ".gitlab-ci-local-variables.yml"), stringify({ ...SHADOWS, DOKPLOY_API_KEY: API_KEY }));
  const sha = await commitProject(dir, catalog());
  const repo = `acme/web-quick-start-${randomBytes(3).toString("hex")}`;
  // What GitLab sets: its registry for the project, the job's push credentials, and the deploy
  // token named gitlab-deploy-token as CI_DEPLOY_USER and CI_DEPLOY_PASSWORD.
  const run = await runPipeline(dir, {
    CI_REGISTRY_IMAGE: `${rig.registryHost}/${repo}`,
    CI_REGISTRY_USER: rig.registryUser,
    CI_REGISTRY_PASSWORD: rig.registryPassword,
    CI_DEPLOY_USER: rig.registryUser,
    CI_DEPLOY_PASSWORD: rig.registryPassword,
  });
  return { ...run, dir, sha, repo };
}

describe("the README's GitLab quick start, run by gitlab-ci-local", () => {
  it("builds, pushes and deploys <image>:<sha> with the snippet as written", async () => {
    const snippet = await quickStart();
    expect(snippet).toContain(`dokploy-url: ${README_DOKPLOY_URL}\n`);
    expect(snippet).toContain(`application-id: ${README_APPLICATION_ID}\n`);
    const app = standIn().addApplication();
    const run = await runQuickStart(snippet, app.applicationId);
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).toMatch(/PASS\s+dokploy-deploy/);
    const digest = await registryDigest(registry, run.repo, run.sha);
    expect(digest).toMatch(/^sha256:/);
    expect(
      standIn()
        .callsOf("application.saveDockerProvider")
        .map((c) => c.input),
    ).toEqual([
      {
        applicationId: app.applicationId,
        dockerImage: `${rig.registryHost}/${run.repo}:${run.sha}`,
        username: rig.registryUser,
        password: rig.registryPassword,
        registryUrl: rig.registryHost,
      },
    ]);
    expect(standIn().callsOf("application.redeploy")).toHaveLength(1);
    expect(standIn().deployments.get(app.applicationId)?.[0]?.status).toBe("done");
    expect(run.output).toMatch(/✔ Deployed: .* \(deployment done\)/);
    const dotenv = await findFile(join(run.dir, ".gitlab-ci-local"), "dokploy-deploy.env");
    const report = await readFile(dotenv ?? "", "utf8");
    expect(report).toContain(`DOKPLOY_DIGEST=${digest ?? ""}`);
    expect(report).toContain(`DOKPLOY_DEPLOYMENT_STATUS=done`);
    for (const secret of [API_KEY, rig.registryPassword]) expect(run.output).not.toContain(secret);
  });

  it.each<[string, (text: string) => string, RegExp]>([
    // gitlab-ci-local lets an input name the spec lacks through (GitLab refuses the pipeline), so
    // the job fails: it is given no application-id.
    [
      "an input name misspelled",
      (t) => t.replace("application-id:", "aplication-id:"),
      /application-id.*is required; expected the ID of a Dokploy application/,
    ],
    // Refused by gitlab-ci-local itself, by the spec's regex, before any job runs.
    [
      "a Dokploy URL without its scheme",
      (t) => t.replace(`dokploy-url: ${README_DOKPLOY_URL}`, "dokploy-url: dokploy.example.com"),
      /dokploy-url.* input: .*dokploy\.example\.com.* does not match required regex/,
    ],
  ])("fails with %s in the snippet, and deploys nothing", async (_what, change, says) => {
    const snippet = await quickStart();
    const broken = change(snippet);
    expect(broken).not.toBe(snippet);
    const run = await runQuickStart(broken, standIn().addApplication().applicationId);
    expect(run.exitCode, run.output).not.toBe(0);
    expect(run.output).toMatch(says);
    expect(standIn().calls.filter((c) => c.procedure.startsWith("application."))).toEqual([]);
  });
});
