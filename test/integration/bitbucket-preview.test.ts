/**
 * The Bitbucket pipe's preview pipelines as bitbucket/README.md documents them, against the real
 * engine and registry and the Dokploy stand-in: each step's pipe variables from the README's
 * example (the Dokploy URL and the image replaced by the test's), given to the pipe's program
 * with the variables Bitbucket sets in that pipeline (BITBUCKET_PR_ID in a pull-request pipeline,
 * none of it in a custom one). The pull request's pipeline makes and updates its preview, within
 * PREVIEW_LIMIT; the custom preview-close removes one pull request's preview; the scheduled
 * preview-prune removes those not deployed for 3 days.
 */
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { parseMarker } from "../../src/preview/marker";
import { type PipeRun, documentedPipe, filled, runPipeProgram } from "../support/bitbucket-pipelines";
import type { ApplicationRow } from "../support/dokploy-stand-in";
import { useStandIn } from "../support/fixtures";
import { rigRegistry } from "../support/global-setup";
import { environmentsOf, standInTemplate } from "../support/preview-fixtures";
import { registryDigest } from "../support/rig";
import { tempDir } from "../support/temp";

const rig = inject("rig");
const API_KEY = `MARKER-BBP-${randomBytes(10).toString("hex")}`;
const registry = rigRegistry(rig);
const standIn = useStandIn({ apiKey: API_KEY });

const DAY_MS = 24 * 60 * 60 * 1000;

/** The repository variables the README's example refers to, for the test's Dokploy and registry. */
function repositoryVariables(template: string, pr = ""): Record<string, string> {
  return {
    DOKPLOY_API_KEY: API_KEY,
    DOKPLOY_TEMPLATE_APP_ID: template,
    DOCKERHUB_USERNAME: rig.registryUser,
    DOCKERHUB_TOKEN: rig.registryPassword,
    DOCKERHUB_READ_TOKEN: rig.registryPassword,
    PR_NUMBER: pr,
  };
}

/**
 * The documented step's variables, filled in, with the test's Dokploy and image in place of the
 * documented ones (checked first), and the rig's engine and build network.
 */
function forTheRig(documented: Record<string, string>, image: string): Record<string, string> {
  expect(documented.DOKPLOY_URL).toBe("https://dokploy.example.com");
  expect(documented.IMAGE).toBe("docker.io/acme/web");
  return { ...documented, DOKPLOY_URL: standIn().url, IMAGE: image, DOCKER_HOST: rig.dockerHost, NETWORK: "host" };
}

/** What Bitbucket sets in every pipeline of acme/web, at `sha`. */
function bitbucket(sha: string, clone: string): Record<string, string> {
  return {
    CI: "true",
    BITBUCKET_COMMIT: sha,
    BITBUCKET_BUILD_NUMBER: "40",
    BITBUCKET_REPO_FULL_NAME: "acme/web",
    BITBUCKET_REPO_SLUG: "web",
    BITBUCKET_WORKSPACE: "acme",
    BITBUCKET_GIT_HTTP_ORIGIN: "http://bitbucket.org/acme/web",
    BITBUCKET_CLONE_DIR: clone,
  };
}

/** A pull-request pipeline's own variables: the pull request, its branch and where it goes. */
function pullRequest(pr: number): Record<string, string> {
  return {
    BITBUCKET_PR_ID: String(pr),
    BITBUCKET_BRANCH: `feature-${String(pr)}`,
    BITBUCKET_PR_DESTINATION_BRANCH: "main",
  };
}

/** A clone of acme/web and the pipelines that run in it against one template. */
async function repository(templateId: string) {
  const clone = await tempDir("bitbucket-preview");
  await writeFile(
    join(clone, "Dockerfile"),
    `FROM ${rig.baseImage}\nRUN echo ${randomBytes(4).toString("hex")} > /built\n`,
  );
  const repo = `acme/web-preview-${randomBytes(3).toString("hex")}`;
  const image = `${rig.registryHost}/${repo}`;
  const open = forTheRig(
    filled(await documentedPipe((p) => p["pull-requests"]["**"] ?? []), repositoryVariables(templateId)),
    image,
  );
  return {
    clone,
    repo,
    image,
    /** The pull request's pipeline at a new commit; its sha and the run. */
    async open(pr: number, more: Record<string, string> = {}): Promise<PipeRun & { sha: string }> {
      const sha = randomBytes(20).toString("hex");
      const run = await runPipeProgram({ ...open, ...more, ...bitbucket(sha, clone), ...pullRequest(pr) }, clone);
      return { ...run, sha };
    },
    /** A custom pipeline of the example, run on main with its variables. */
    async custom(name: string, variables: Record<string, string> = {}): Promise<PipeRun> {
      const documented = filled(
        await documentedPipe((p) => p.custom[name] ?? []),
        repositoryVariables(templateId, variables.PR_NUMBER ?? ""),
      );
      const env = { ...forTheRig(documented, image), ...bitbucket(randomBytes(20).toString("hex"), clone) };
      return runPipeProgram({ ...env, BITBUCKET_BRANCH: "main" }, clone);
    },
  };
}

/** The marked preview environments of the project, by name. */
function previews(projectId: string) {
  return environmentsOf(standIn(), projectId).filter((e) => parseMarker(e.description) !== undefined);
}

/** The copy the preview of pull request `pr` holds. */
function copyOf(projectId: string, pr: number): ApplicationRow | undefined {
  const env = previews(projectId).find((e) => e.name === `pr-${String(pr)}`);
  return standIn().applications.get(env?.applications[0]?.applicationId ?? "");
}

/** Moves the last deploy the marker of a preview records `days` into the past, as if no pipeline had run since. */
function lastDeployedAgo(projectId: string, pr: number, days: number): void {
  const env = previews(projectId).find((e) => e.name === `pr-${String(pr)}`);
  const deployed = parseMarker(env?.description)?.deployed ?? "";
  const earlier = new Date(Date.parse(deployed) - days * DAY_MS).toISOString();
  const description = (env?.description ?? "").replace(`deployed=${deployed}`, `deployed=${earlier}`);
  expect(parseMarker(description)?.deployed).toBe(earlier);
  standIn().previews.run("environment.update", { environmentId: env?.environmentId, description });
}

function expectNoSecrets(...runs: PipeRun[]): void {
  for (const run of runs) {
    for (const secret of [API_KEY, rig.registryPassword]) expect(run.output).not.toContain(secret);
  }
}

describe("the Bitbucket pipe's preview pipelines, as bitbucket/README.md writes them", () => {
  it("the pull request's pipeline makes its preview, and its next push updates the same one", async () => {
    const { project, web, before } = standInTemplate(standIn());
    const pipelines = await repository(web.applicationId);

    const first = await pipelines.open(21);

    expect(first.exitCode, first.output).toBe(0);
    const [preview, ...others] = previews(project.projectId);
    expect(others).toEqual([]);
    expect(preview?.name).toBe("pr-21");
    expect(parseMarker(preview?.description)).toMatchObject({
      pr: "21",
      repo: "acme/web",
      template: { kind: "application", id: web.applicationId },
      sha: first.sha.slice(0, 7),
    });
    const [row, ...more] = preview?.applications ?? [];
    expect(more).toEqual([]);
    expect(parseMarker(row?.description)?.pr).toBe("21");
    const copy = standIn().applications.get(row?.applicationId ?? "") as ApplicationRow;
    expect(await registryDigest(registry, pipelines.repo, first.sha)).toMatch(/^sha256:/);
    // Dokploy pulls with PULL_USERNAME and PULL_PASSWORD.
    expect(
      standIn()
        .callsOf("application.saveDockerProvider")
        .map((c) => c.input),
    ).toEqual([
      {
        applicationId: copy.applicationId,
        dockerImage: `${pipelines.image}:${first.sha}`,
        username: rig.registryUser,
        password: rig.registryPassword,
        registryUrl: rig.registryHost,
      },
    ]);
    expect(copy).toMatchObject({ name: "web", env: "A=1", dockerImage: `${pipelines.image}:${first.sha}` });
    // The documented PREVIEW_HOST, the pull request's number in it, on the template's port.
    expect((copy.domains as { host: string; port: number }[]).map((d) => [d.host, d.port])).toEqual([
      ["pr-21.preview.example.com", 8080],
    ]);
    expect((copy.mounts as { volumeName: string }[]).map((m) => m.volumeName)).toEqual(["web-data-pr-21"]);
    expect(
      standIn()
        .deployments.get(copy.applicationId)
        ?.map((d) => d.status),
    ).toEqual(["done"]);
    const redeploy = standIn().callsOf("application.redeploy")[0]?.input as Record<string, string>;
    expect(redeploy.description).toContain("https://bitbucket.org/acme/web/pipelines/results/40");
    // OUTPUT_FILE: preview.env in the clone.
    expect(await readFile(join(pipelines.clone, "preview.env"), "utf8")).toMatch(
      /^DOKPLOY_PREVIEW_URL=http:\/\/pr-21\.preview\.example\.com$/m,
    );

    const second = await pipelines.open(21);

    expect(second.exitCode, second.output).toBe(0);
    expect(
      previews(project.projectId).map((e) => [e.environmentId, e.applications.map((a) => a.applicationId)]),
    ).toEqual([[preview?.environmentId, [copy.applicationId]]]);
    expect(parseMarker(previews(project.projectId)[0]?.description)?.sha).toBe(second.sha.slice(0, 7));
    expect(copyOf(project.projectId, 21)?.dockerImage).toBe(`${pipelines.image}:${second.sha}`);
    expect(copyOf(project.projectId, 21)?.domains).toHaveLength(1);
    expect(
      standIn()
        .deployments.get(copy.applicationId)
        ?.map((d) => d.status),
    ).toEqual(["done", "done"]);
    for (const made of ["environment.create", "application.create", "domain.create", "mounts.create"]) {
      expect(standIn().callsOf(made), made).toHaveLength(1);
    }
    expect(standIn().applications.get(web.applicationId)).toEqual(before);
    expect(standIn().deployments.get(web.applicationId)).toEqual([]);
    expectNoSecrets(first, second);
  });

  it("past PREVIEW_LIMIT, another pull request's pipeline is refused and makes nothing", async () => {
    const { project, web } = standInTemplate(standIn());
    const pipelines = await repository(web.applicationId);
    const opened = await pipelines.open(21, { PREVIEW_LIMIT: "1" });
    expect(opened.exitCode, opened.output).toBe(0);
    const writes = standIn().writes().length;

    const refused = await pipelines.open(22, { PREVIEW_LIMIT: "1" });

    expect(refused.exitCode, refused.output).toBe(1);
    expect(refused.output).toContain(
      'Input "preview-limit": 1 previews of application "web" are open (pr-21), the limit is 1: no preview was made for pull request 22.',
    );
    expect(refused.output).toContain("Nothing was changed in Dokploy.");
    expect(standIn().writes().slice(writes)).toEqual([]);
    expect(previews(project.projectId).map((e) => e.name)).toEqual(["pr-21"]);
    // Within the limit, the pull request that has a preview still updates it.
    const updated = await pipelines.open(21, { PREVIEW_LIMIT: "1" });
    expect(updated.exitCode, updated.output).toBe(0);
    expect(copyOf(project.projectId, 21)?.dockerImage).toBe(`${pipelines.image}:${updated.sha}`);
    expectNoSecrets(opened, refused, updated);
  });

  it("the custom preview-close removes the preview of the pull request given, builds nothing, and leaves the rest", async () => {
    const { project, web, before } = standInTemplate(standIn());
    const pipelines = await repository(web.applicationId);
    for (const pr of [21, 22]) {
      const run = await pipelines.open(pr);
      expect(run.exitCode, run.output).toBe(0);
    }
    const closing = copyOf(project.projectId, 21);
    const kept = copyOf(project.projectId, 22);

    const closed = await pipelines.custom("preview-close", { PR_NUMBER: "21" });

    expect(closed.exitCode, closed.output).toBe(0);
    expect(closed.output).not.toMatch(/docker (buildx )?build|docker push/);
    expect(previews(project.projectId).map((e) => e.name)).toEqual(["pr-22"]);
    expect(standIn().applications.has(closing?.applicationId ?? "")).toBe(false);
    expect(copyOf(project.projectId, 22)).toEqual(kept);
    expect(
      standIn()
        .callsOf("dockerVolume.removeVolume")
        .map((c) => c.input),
    ).toEqual([{ volumeName: "web-data-pr-21" }]);
    expect(standIn().applications.get(web.applicationId)).toEqual(before);
    expectNoSecrets(closed);
  });

  it("the scheduled preview-prune keeps previews deployed in the last 3 days and removes the others", async () => {
    const { project, web, before } = standInTemplate(standIn());
    const pipelines = await repository(web.applicationId);
    for (const pr of [21, 22]) {
      const run = await pipelines.open(pr);
      expect(run.exitCode, run.output).toBe(0);
    }
    const writes = standIn().writes().length;

    const fresh = await pipelines.custom("preview-prune");

    expect(fresh.exitCode, fresh.output).toBe(0);
    expect(fresh.output).toContain('No preview of application "web" is older than preview-ttl.');
    expect(standIn().writes().slice(writes)).toEqual([]);
    expect(previews(project.projectId).map((e) => e.name)).toEqual(["pr-21", "pr-22"]);

    // Pull request 21 saw no push for 4 days; 22 for 2.
    lastDeployedAgo(project.projectId, 21, 4);
    lastDeployedAgo(project.projectId, 22, 2);
    const outlived = copyOf(project.projectId, 21);
    const pruned = await pipelines.custom("preview-prune");

    expect(pruned.exitCode, pruned.output).toBe(0);
    expect(pruned.output).not.toMatch(/docker (buildx )?build|docker push/);
    expect(previews(project.projectId).map((e) => e.name)).toEqual(["pr-22"]);
    expect(standIn().applications.has(outlived?.applicationId ?? "")).toBe(false);
    expect(copyOf(project.projectId, 22)).toBeDefined();
    expect(standIn().applications.get(web.applicationId)).toEqual(before);
    expectNoSecrets(fresh, pruned);
  });
});
