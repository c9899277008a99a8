/**
 * The GitLab preview component as users consume it: included as gitlab/README.md documents it
 * (placeholders filled in), from the release's Catalog project on a loopback gitlab.com, run by
 * gitlab-ci-local (shell executor) in a merge request pipeline against the real engine and
 * registry and the Dokploy stand-in. The preview job makes the merge request's preview and
 * leaves its URL for the environment; a later pipeline updates it; the environment's stop job
 * removes it without building. A merge request from a fork gets no key and sends nothing.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";
import { parse, stringify } from "yaml";
import { PUBLISHED } from "../../scripts/published";
import { parseMarker } from "../../src/preview/marker";
import type { ApplicationRow } from "../support/dokploy-stand-in";
import { useStandIn } from "../support/fixtures";
import { rigRegistry } from "../support/global-setup";
import { commitProject, documentedInclude, findFile, runPipeline, useCatalogServer } from "../support/gitlab-pipeline";
import { environmentsOf as environments, standInTemplate } from "../support/preview-fixtures";
import { registryDigest } from "../support/rig";
import { tempDir } from "../support/temp";

const exec = promisify(execFile);
const rig = inject("rig");
const API_KEY = `MARKER-GLP-${randomBytes(10).toString("hex")}`;
const registry = rigRegistry(rig);
const standIn = useStandIn({ apiKey: API_KEY });
const catalog = useCatalogServer();

const template = () => standInTemplate(standIn());
const environmentsOf = (projectId: string) => environments(standIn(), projectId);

/** A Dockerfile whose image differs from every other's. */
function writeDockerfile(dir: string): Promise<void> {
  return writeFile(
    join(dir, "Dockerfile"),
    `FROM ${rig.baseImage}\nRUN echo ${randomBytes(4).toString("hex")} > /built\n`,
  );
}

/** A consumer project with the documented include (filled in), a Dockerfile, and its key as a project variable. */
async function consumer(include: Record<string, unknown>, variables: Record<string, string>) {
  const dir = await tempDir("gitlab-preview");
  await writeDockerfile(dir);
  const pipeline = {
    stages: ["deploy"],
    include: [include],
    // The test rig's engine instead of the docker:dind service (no services in a shell).
    "dokploy-preview": {
      services: [],
      variables: { DOCKER_HOST: rig.dockerHost, DOCKER_TLS_VERIFY: "", DOCKER_CERT_PATH: "" },
    },
  };
  await writeFile(join(dir, ".gitlab-ci.yml"), stringify(pipeline));
  await writeFile(join(dir, ".gitlab-ci-local-variables.yml"), stringify(variables));
  return { dir, sha: await commitProject(dir, catalog()) };
}

/** A second push to the merge request's branch: a change and its commit's sha. */
async function push(dir: string): Promise<string> {
  await writeDockerfile(dir);
  await exec("git", ["-c", "user.email=ci@example.com", "-c", "user.name=ci", "commit", "-qam", "Again"], { cwd: dir });
  return (await exec("git", ["rev-parse", "HEAD"], { cwd: dir })).stdout.trim();
}

/** The documented include with the placeholders filled in, and the rig's build network. */
async function documented(applicationId: string): Promise<Record<string, unknown>> {
  const include = await documentedInclude("preview");
  expect(include.component).toBe(`$CI_SERVER_FQDN/${PUBLISHED.gitlab}/preview@1`);
  const inputs = include.inputs as Record<string, unknown>;
  expect(inputs["dokploy-url"]).toBe("https://dokploy.example.com");
  return {
    ...include,
    inputs: { ...inputs, "dokploy-url": standIn().url, "application-id": applicationId, network: "host" },
  };
}

/** A merge request pipeline's variables (gitlab-ci-local sets no CI_MERGE_REQUEST_*), pushing to `repo` in the rig. */
function mergeRequest(repo: string, more: Record<string, string> = {}): Record<string, string> {
  return {
    CI_PIPELINE_SOURCE: "merge_request_event",
    CI_MERGE_REQUEST_IID: "12",
    CI_MERGE_REQUEST_PROJECT_PATH: "acme/web",
    CI_MERGE_REQUEST_SOURCE_PROJECT_PATH: "acme/web",
    CI_REGISTRY_IMAGE: `${rig.registryHost}/${repo}`,
    CI_REGISTRY_USER: rig.registryUser,
    CI_REGISTRY_PASSWORD: rig.registryPassword,
    CI_DEPLOY_USER: rig.registryUser,
    CI_DEPLOY_PASSWORD: rig.registryPassword,
    ...more,
  };
}

describe("the GitLab preview component, included as gitlab/README.md says", () => {
  it("wires the preview job to its stop job: the environment's on_stop, manual, no checkout, no docker service", async () => {
    const { web } = template();
    const { dir } = await consumer(await documented(web.applicationId), { DOKPLOY_API_KEY: API_KEY });

    const preview = await runPipeline(dir, mergeRequest("acme/wiring"), ["--preview"]);

    expect(preview.exitCode, preview.output).toBe(0);
    const jobs = parse(preview.output.slice(preview.output.indexOf("---") + 3)) as Record<
      string,
      Record<string, unknown>
    >;
    expect(jobs["dokploy-preview"]?.environment).toEqual({
      name: "review/$CI_MERGE_REQUEST_IID",
      url: "$DOKPLOY_PREVIEW_URL",
      on_stop: "dokploy-preview-stop",
      auto_stop_in: "1 week",
    });
    const stop = jobs["dokploy-preview-stop"] ?? {};
    expect(stop.environment).toEqual({ name: "review/$CI_MERGE_REQUEST_IID", action: "stop" });
    expect(stop.when).toBe("manual");
    expect(stop.services).toBeUndefined();
    expect(stop.variables).toMatchObject({ GIT_STRATEGY: "none", DOKPLOY_DEPLOY_INPUT_PREVIEW: "close" });
    expect(stop.resource_group).toBe(jobs["dokploy-preview"]?.resource_group);
    expect(standIn().calls).toEqual([]);
  });

  it("the preview job makes the preview, a later pipeline updates it, the stop job removes it", async () => {
    const { project, web, before } = template();
    const repo = `acme/web-preview-${randomBytes(3).toString("hex")}`;
    const { dir, sha } = await consumer(await documented(web.applicationId), { DOKPLOY_API_KEY: API_KEY });

    const opened = await runPipeline(dir, mergeRequest(repo), ["dokploy-preview"]);

    expect(opened.exitCode, opened.output).toBe(0);
    const [production, templateEnv, preview, ...more] = environmentsOf(project.projectId);
    expect(more).toEqual([]);
    expect([production?.name, templateEnv?.name, preview?.name]).toEqual(["production", "template", "pr-12"]);
    expect(parseMarker(preview?.description)).toMatchObject({
      pr: "12",
      repo: "acme/web",
      template: { kind: "application", id: web.applicationId },
      sha: sha.slice(0, 7),
    });
    const [row, ...others] = preview?.applications ?? [];
    expect(others).toEqual([]);
    expect(parseMarker(row?.description)?.pr).toBe("12");
    const copy = standIn().applications.get(row?.applicationId ?? "") as ApplicationRow;
    const digest = await registryDigest(registry, repo, sha);
    expect(digest).toMatch(/^sha256:/);
    expect(copy).toMatchObject({
      name: "web",
      env: "A=1",
      dockerImage: `${rig.registryHost}/${repo}:${sha}`,
      username: rig.registryUser,
      registryUrl: rig.registryHost,
    });
    // The documented preview-host, the merge request's number in it, on the template's port.
    expect((copy.domains as { host: string; port: number }[]).map((d) => [d.host, d.port])).toEqual([
      ["mr-12.preview.example.com", 8080],
    ]);
    expect(
      standIn()
        .deployments.get(copy.applicationId)
        ?.map((d) => d.status),
    ).toEqual(["done"]);
    // The environment's URL: the dotenv report's DOKPLOY_PREVIEW_URL.
    const dotenv = await readFile((await findFile(join(dir, ".gitlab-ci-local"), "dokploy-deploy.env")) ?? "", "utf8");
    expect(dotenv).toMatch(/^DOKPLOY_PREVIEW_URL=http:\/\/mr-12\.preview\.example\.com$/m);

    const sha2 = await push(dir);
    const updated = await runPipeline(dir, mergeRequest(repo), ["dokploy-preview"]);

    expect(updated.exitCode, updated.output).toBe(0);
    const again = environmentsOf(project.projectId).filter((e) => e.name.startsWith("pr-"));
    expect(again.map((e) => [e.environmentId, e.applications.map((a) => a.applicationId)])).toEqual([
      [preview?.environmentId, [copy.applicationId]],
    ]);
    expect(parseMarker(again[0]?.description)?.sha).toBe(sha2.slice(0, 7));
    expect(standIn().applications.get(copy.applicationId)?.dockerImage).toBe(`${rig.registryHost}/${repo}:${sha2}`);
    expect(standIn().applications.get(copy.applicationId)?.domains).toHaveLength(1);
    expect(
      standIn()
        .deployments.get(copy.applicationId)
        ?.map((d) => d.status),
    ).toEqual(["done", "done"]);
    for (const made of ["environment.create", "application.create", "domain.create"]) {
      expect(standIn().callsOf(made), made).toHaveLength(1);
    }

    const stopped = await runPipeline(dir, mergeRequest(repo), ["dokploy-preview-stop"]);

    expect(stopped.exitCode, stopped.output).toBe(0);
    expect(stopped.output).not.toMatch(/docker (buildx )?build|docker push/);
    expect(environmentsOf(project.projectId).map((e) => e.name)).toEqual(["production", "template"]);
    expect(standIn().applications.has(copy.applicationId)).toBe(false);
    expect(
      standIn()
        .callsOf("dockerVolume.removeVolume")
        .map((c) => c.input),
    ).toEqual([{ volumeName: "web-data-pr-12" }]);
    // The template: never deployed to, never changed.
    expect(standIn().applications.get(web.applicationId)).toEqual(before);
    expect(standIn().deployments.get(web.applicationId)).toEqual([]);
    for (const run of [opened, updated, stopped]) {
      for (const secret of [API_KEY, rig.registryPassword]) expect(run.output).not.toContain(secret);
    }
  });

  it("a merge request from a fork, without the project's variables: exit 0, nothing built or sent", async () => {
    const { web } = template();
    const repo = `acme/web-fork-${randomBytes(3).toString("hex")}`;
    // The fork's project has no DOKPLOY_API_KEY.
    const { dir, sha } = await consumer(await documented(web.applicationId), {});

    const run = await runPipeline(dir, mergeRequest(repo, { CI_MERGE_REQUEST_SOURCE_PROJECT_PATH: "someone/web" }), [
      "dokploy-preview",
    ]);

    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).toContain(
      "No preview for merge request 12: it comes from someone/web, and GitLab runs the pipeline of a merge request from a fork",
    );
    expect(run.output).not.toMatch(/docker (buildx )?build|docker push/);
    expect(await registryDigest(registry, repo, sha)).toBeUndefined();
    expect(standIn().calls).toEqual([]);
  });
});
