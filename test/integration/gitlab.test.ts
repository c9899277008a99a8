/**
 * The GitLab component as users consume it, run by a GitLab pipeline emulator (gitlab-ci-local,
 * shell executor, on Node 24). The release tree is published with scripts/publish-tree.sh to a
 * loopback Git server that stands in for gitlab.com (smart HTTP, raw file URLs); a consumer
 * project (origin on that server, so $CI_SERVER_FQDN points at it) includes the component in
 * each way gitlab/README.md documents, with the snippet as written there (only the placeholder
 * values and the remote's host replaced). Every run has a project variable named like each
 * input and an earlier job's dotenv report with those names: none may change what is deployed.
 * The job runs dokploy-deploy against the real engine and registry and the Dokploy stand-in;
 * the consumer swaps the docker:dind service for the test engine (no services in a shell).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";
import { parse, stringify } from "yaml";
import { PUBLISHED, VERSION } from "../../scripts/published";
import { useStandIn } from "../support/fixtures";
import { rigRegistry } from "../support/global-setup";
import {
  SHADOWS,
  commitProject,
  documentedInclude,
  findFile,
  runPipeline,
  useCatalogServer,
} from "../support/gitlab-pipeline";
import { registryDigest } from "../support/rig";
import { tempDir } from "../support/temp";

const exec = promisify(execFile);
const rig = inject("rig");
const API_KEY = `MARKER-GL-${randomBytes(10).toString("hex")}`;
const registry = rigRegistry(rig);
const standIn = useStandIn({ apiKey: API_KEY });
const catalog = useCatalogServer();

type Form = "component" | "project" | "remote";

interface Consumer {
  dir: string;
  sha: string;
}

/** A consumer project: a git repo whose origin is on the stand-in server, a Dockerfile, a pipeline. */
async function consumer(include: Record<string, unknown>, jobName: string): Promise<Consumer> {
  const dir = await tempDir("gitlab-project");
  await writeFile(
    join(dir, "Dockerfile"),
    `FROM ${rig.baseImage}\nRUN echo ${randomBytes(4).toString("hex")} > /built\n`,
  );
  const pipeline = {
    stages: ["build", "deploy"],
    include: [include],
    // An earlier job whose dotenv report holds every input's name: GitLab gives such variables
    // precedence over a job's own.
    upstream: {
      stage: "build",
      script: [
        `printf '%s\\n' ${Object.entries(SHADOWS)
          .map(([k, v]) => `'${k}=${v}'`)
          .join(" ")} > upstream.env`,
      ],
      artifacts: { reports: { dotenv: "upstream.env" } },
    },
    // The test rig instead of the docker:dind service.
    [jobName]: {
      services: [],
      variables: { DOCKER_HOST: rig.dockerHost, DOCKER_TLS_VERIFY: "", DOCKER_CERT_PATH: "" },
    },
  };
  await writeFile(join(dir, ".gitlab-ci.yml"), stringify(pipeline));
  // Project variables (GitLab's Settings > CI/CD > Variables), as gitlab-ci-local reads them.
  await writeFile(
    join(dir, ".gitlab-ci-local-variables.yml"),
    stringify({ ...SHADOWS, DOKPLOY_API_KEY: API_KEY, STAGING_DOKPLOY_KEY: API_KEY }),
  );
  return { dir, sha: await commitProject(dir, catalog()) };
}

/** The documented snippet with the placeholders filled in, and what the test rig needs. */
function filled(include: Record<string, unknown>, app: string, extra: Record<string, unknown> = {}) {
  const inputs = include.inputs as Record<string, unknown>;
  expect(inputs["dokploy-url"]).toBe("https://dokploy.example.com");
  return {
    ...include,
    inputs: { ...inputs, "dokploy-url": standIn().url, "application-id": app, network: "host", ...extra },
  };
}

describe("the GitLab component, included as gitlab/README.md says", () => {
  it.each<[Form, (include: Record<string, unknown>) => void]>([
    ["component", (inc) => expect(inc.component).toBe(`$CI_SERVER_FQDN/${PUBLISHED.gitlab}/deploy@1`)],
    ["project", (inc) => expect(inc).toMatchObject({ project: PUBLISHED.gitlab, ref: VERSION })],
    [
      "remote",
      (inc) => expect(inc.remote).toBe(`https://gitlab.com/${PUBLISHED.gitlab}/-/raw/${VERSION}/templates/deploy.yml`),
    ],
  ])(
    "include: %s deploys <image>:<sha>; project variables and dotenv named like the inputs change nothing",
    async (form, isAsDocumented) => {
      const documented = await documentedInclude(form);
      isAsDocumented(documented);
      const app = standIn().addApplication();
      const repo = `acme/web-${form}-${randomBytes(3).toString("hex")}`;
      let include: Record<string, unknown> = filled(documented, app.applicationId, { "pin-digest": true });
      if (form === "remote") {
        include = { ...include, remote: String(include.remote).replace("https://gitlab.com", catalog().url) };
      }
      const { dir, sha } = await consumer(include, "dokploy-deploy");
      const run = await runPipeline(dir, {
        CI_REGISTRY_IMAGE: `${rig.registryHost}/${repo}`,
        CI_REGISTRY_USER: rig.registryUser,
        CI_REGISTRY_PASSWORD: rig.registryPassword,
        CI_DEPLOY_USER: rig.registryUser,
        CI_DEPLOY_PASSWORD: rig.registryPassword,
      });
      expect(run.exitCode, run.output).toBe(0);
      const digest = await registryDigest(registry, repo, sha);
      expect(digest).toMatch(/^sha256:/);
      expect(
        standIn()
          .callsOf("application.saveDockerProvider")
          .map((c) => c.input),
      ).toEqual([
        {
          applicationId: app.applicationId,
          dockerImage: `${rig.registryHost}/${repo}:${sha}@${digest ?? ""}`,
          username: rig.registryUser,
          password: rig.registryPassword,
          registryUrl: rig.registryHost,
        },
      ]);
      expect(standIn().callsOf("application.deploy")).toEqual([]);
      // No registry entry is written; the pull login is tried once from the Dokploy host.
      expect(
        standIn()
          .calls.filter((c) => c.procedure.startsWith("registry."))
          .map((c) => c.procedure),
      ).toEqual(["registry.testRegistry"]);
      const redeploy = standIn().callsOf("application.redeploy")[0]?.input as Record<string, string>;
      expect(redeploy.title).toBe(`Deploy ${sha.slice(0, 7)}`);
      // The emulator's CI_COMMIT_MESSAGE is a fixed "Commit Title\nMore commit text".
      expect(redeploy.description).toContain(`Commit ${sha}: Commit Title`);
      expect(standIn().deployments.get(app.applicationId)?.[0]?.status).toBe("done");
      expect(run.output).toMatch(/✔ Deployed: .* \(deployment done\)/);
      // GitLab's collapsible sections (the emulator renders them), not the plain ▶ headers.
      expect(run.output).toContain("dokploy_deploy_1_build_and_push");
      expect(run.output).not.toContain("expires when the job ends");
      const dotenv = await findFile(join(dir, ".gitlab-ci-local"), "dokploy-deploy.env");
      const report = await readFile(dotenv ?? "", "utf8");
      expect(report).toContain(`DOKPLOY_DIGEST=${digest ?? ""}`);
      expect(report).toMatch(/^DOKPLOY_IMAGEID=sha256:[a-f0-9]{64}$/m);
      // The build metadata can pass GitLab's 5 KB limit for a dotenv report: it is left out.
      expect(report).not.toContain("DOKPLOY_METADATA");
      expect(run.output).not.toContain("::add-mask::");
      for (const secret of [API_KEY, rig.registryPassword]) expect(run.output).not.toContain(secret);
    },
  );

  it("takes dokploy-api-key from the input, not from a project variable DOKPLOY_API_KEY", async () => {
    const app = standIn().addApplication();
    const include = filled(await documentedInclude("component"), app.applicationId, {
      "dokploy-api-key": "$STAGING_DOKPLOY_KEY",
    });
    const { dir } = await consumer(include, "dokploy-deploy");
    const variables = parse(await readFile(join(dir, ".gitlab-ci-local-variables.yml"), "utf8")) as object;
    await writeFile(
      join(dir, ".gitlab-ci-local-variables.yml"),
      stringify({ ...variables, DOKPLOY_API_KEY: "MARKER-GL-not-this-key" }),
    );
    const run = await runPipeline(dir, {
      CI_REGISTRY_IMAGE: `${rig.registryHost}/acme/web-key`,
      CI_REGISTRY_USER: rig.registryUser,
      CI_REGISTRY_PASSWORD: rig.registryPassword,
    });
    expect(run.exitCode, run.output).toBe(0);
    expect(standIn().callsOf("application.redeploy")).toHaveLength(1);
    expect(run.output).toContain("expires when the job ends");
    expect(run.output).not.toContain("MARKER-GL-not-this-key");
  });

  it("fails the job with exit 1 when the deployment ends in error", async () => {
    const app = standIn().addApplication();
    standIn().scriptDeployments(app.applicationId, { outcome: "error", durationMs: 200 });
    const { dir } = await consumer(filled(await documentedInclude("component"), app.applicationId), "dokploy-deploy");
    const run = await runPipeline(dir, {
      CI_REGISTRY_IMAGE: `${rig.registryHost}/acme/web-fail`,
      CI_REGISTRY_USER: rig.registryUser,
      CI_REGISTRY_PASSWORD: rig.registryPassword,
    });
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toMatch(/ERROR: Deployment \S+ of .* ended with status "error"/);
    for (const secret of [API_KEY, rig.registryPassword]) expect(run.output).not.toContain(secret);
  });

  it("runs only on the default branch unless given rules", async () => {
    const app = standIn().addApplication();
    const { dir } = await consumer(filled(await documentedInclude("component"), app.applicationId), "dokploy-deploy");
    await exec("git", ["checkout", "-q", "-b", "feature"], { cwd: dir });
    const list = await runPipeline(dir, {}, ["--list"]);
    expect(list.exitCode, list.output).toBe(0);
    expect(list.output).toContain("upstream");
    expect(list.output).not.toMatch(/^dokploy-deploy\s/m);
  });
});

describe("the CI/CD Catalog project that the release publishes", () => {
  it("has templates/ at its root and a pipeline that tests the component at $CI_COMMIT_SHA", async () => {
    const clone = await tempDir("catalog-clone");
    await exec("git", ["clone", "-q", "--branch", VERSION, `${catalog().url}/${PUBLISHED.gitlab}.git`, clone]);
    const files = await readdir(clone);
    expect(files.sort()).toEqual([".git", ".gitlab-ci.yml", "CHANGELOG.md", "LICENSE", "README.md", "templates"]);
    expect(await readFile(join(clone, "README.md"), "utf8")).toMatch(/^## Components\n\n### deploy$/m);
    // gitlab-ci-local's file for local-only changes: no docker:dind service in a shell.
    await writeFile(join(clone, ".gitlab-ci-local.yml"), stringify({ "deploy-dry-run": { services: [] } }));
    const run = await runPipeline(clone, {}, ["deploy-dry-run", "dry-run-outputs"]);
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).toContain("Dry run: nothing is built, pushed or changed");
    expect(run.output).toMatch(/PASS\s+dry-run-outputs/);
  });

  it.each([
    [VERSION, true],
    ["v1.0.0", false],
    ["1.0", false],
  ])("creates a release for the tag %s: %s", async (tag, released) => {
    const clone = await tempDir("catalog-clone");
    await exec("git", ["clone", "-q", "--branch", VERSION, `${catalog().url}/${PUBLISHED.gitlab}.git`, clone]);
    const list = await runPipeline(clone, { CI_COMMIT_TAG: tag }, ["--list"]);
    expect(list.exitCode, list.output).toBe(0);
    expect(/^create-release\s/m.test(list.output)).toBe(released);
  });
});
