/**
 * The Bitbucket pipe's preview pipelines against a live Dokploy, as bitbucket/README.md documents
 * them: each step's pipe variables from the README's example (placeholders filled in), given to
 * the pipe's program with the variables Bitbucket sets (BITBUCKET_PR_ID in a pull-request
 * pipeline, none of it in a custom one). The pull request's pipeline makes and updates the
 * preview; the scheduled prune keeps a fresh preview and removes one past its TTL; the manual
 * close removes one pull request's preview.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, it } from "vitest";
import { documentedPipe, filled } from "../support/bitbucket-pipelines";
import { type E2E, commitSha, describeLive } from "../support/e2e";
import { app, environments, marked, onlyPreview, removePreviewsAfter, template } from "../support/live-previews";
import { newProject, suffix } from "../support/live-targets";

/** The repository variables the README's example refers to, for the test's Dokploy and registry. */
function repositoryVariables(e2e: E2E, template: string, pr: string): Record<string, string> {
  return {
    DOKPLOY_API_KEY: e2e.live.apiKey,
    DOKPLOY_TEMPLATE_APP_ID: template,
    DOCKERHUB_USERNAME: e2e.rig.registryUser,
    DOCKERHUB_TOKEN: e2e.rig.registryPassword,
    DOCKERHUB_READ_TOKEN: e2e.rig.registryPassword,
    PR_NUMBER: pr,
  };
}

describeLive("the Bitbucket pipe's preview pipelines against a live Dokploy", (e2e) => {
  it("the pull request's pipeline makes and updates its preview; prune keeps it while fresh, then removes it", async () => {
    const project = await newProject(e2e, "preview-bb");
    const tag = suffix();
    removePreviewsAfter(e2e, project, tag);
    const { web, host: templateHost } = await template(e2e, project, tag);
    const image = e2e.image("preview-bb");
    const repository = repositoryVariables(e2e, web.applicationId, "21");
    const rig = {
      DOKPLOY_URL: e2e.live.url,
      IMAGE: image,
      NETWORK: "host",
      PREVIEW_HOST: `pr-{number}-${tag}.preview.test`,
    };
    const bitbucket = (sha: string) => ({
      BITBUCKET_COMMIT: sha,
      BITBUCKET_BUILD_NUMBER: "40",
      BITBUCKET_REPO_FULL_NAME: "acme/web",
      BITBUCKET_GIT_HTTP_ORIGIN: "http://bitbucket.org/acme/web",
    });
    const open = { ...filled(await documentedPipe((p) => p["pull-requests"]["**"] ?? []), repository), ...rig };
    const cwd = await e2e.checkout();

    const sha = commitSha();
    const first = await e2e.runCli({ ...open, ...bitbucket(sha), BITBUCKET_PR_ID: "21" }, cwd);

    expect(first.exitCode, first.output).toBe(0);
    const preview = await onlyPreview(e2e, project);
    expect(preview?.name).toBe("pr-21");
    expect(preview?.description).toContain("pr=21 repo=acme%2Fweb ");
    const copy = await app(e2e, preview?.applications[0]?.applicationId ?? "");
    const host = `pr-21-${tag}.preview.test`;
    expect(copy.domains.map((d) => d.host)).toEqual([host]);
    const ref = `${image}:${sha}`;
    expect(await e2e.swarm.waitUntilRunning(copy.appName, ref)).toEqual([{ image: ref, state: "running" }]);
    expect(await readFile(join(cwd, "preview.env"), "utf8")).toContain(`DOKPLOY_PREVIEW_URL=http://${host}\n`);

    // A second push: the same preview.
    const sha2 = commitSha();
    const second = await e2e.runCli({ ...open, ...bitbucket(sha2), BITBUCKET_PR_ID: "21" }, cwd);

    expect(second.exitCode, second.output).toBe(0);
    expect(marked(await environments(e2e, project)).map((e) => e.environmentId)).toEqual([preview?.environmentId]);
    expect((await app(e2e, copy.applicationId)).domains).toHaveLength(1);
    const ref2 = `${image}:${sha2}`;
    expect(await e2e.swarm.waitUntilRunning(copy.appName, ref2)).toEqual([{ image: ref2, state: "running" }]);

    // The scheduled prune (3 days): the preview was just deployed, it stays.
    const prune = filled(await documentedPipe((p) => p.custom["preview-prune"] ?? []), repository);
    expect(prune.PREVIEW_TTL).toBe("3d");
    const kept = await e2e.runCli({ ...prune, DOKPLOY_URL: e2e.live.url, IMAGE: image, ...bitbucket(sha2) }, cwd);

    expect(kept.exitCode, kept.output).toBe(0);
    expect(marked(await environments(e2e, project)).map((e) => e.environmentId)).toEqual([preview?.environmentId]);

    // With a TTL it has outlived: removed, and the template stays.
    await new Promise((r) => setTimeout(r, 2_000));
    const pruned = await e2e.runCli(
      { ...prune, PREVIEW_TTL: "1", DOKPLOY_URL: e2e.live.url, IMAGE: image, ...bitbucket(sha2) },
      cwd,
    );

    expect(pruned.exitCode, pruned.output).toBe(0);
    expect(pruned.output).not.toMatch(/docker (buildx )?build/);
    expect(marked(await environments(e2e, project))).toEqual([]);
    expect(await e2e.swarm.service(copy.appName)).toBeUndefined();
    expect((await app(e2e, web.applicationId)).domains.map((d) => d.host)).toEqual([templateHost]);
    for (const run of [first, second, kept, pruned]) expect(run.output).not.toContain(e2e.live.apiKey);
  }, 600_000);

  it("a preview with the host Dokploy makes; the manual close pipeline removes the pull request's preview", async () => {
    const project = await newProject(e2e, "preview-bb-close");
    const tag = suffix();
    removePreviewsAfter(e2e, project, tag);
    const { web } = await template(e2e, project, tag);
    const repository = repositoryVariables(e2e, web.applicationId, "22");
    const cwd = await e2e.checkout();
    const open = filled(await documentedPipe((p) => p["pull-requests"]["**"] ?? []), repository);
    const sha = commitSha();
    const bitbucket = { BITBUCKET_COMMIT: sha, BITBUCKET_BUILD_NUMBER: "41", BITBUCKET_REPO_FULL_NAME: "acme/web" };
    const closeImage = e2e.image("preview-bb-close");
    const made = await e2e.runCli(
      {
        ...open,
        DOKPLOY_URL: e2e.live.url,
        IMAGE: closeImage,
        NETWORK: "host",
        PREVIEW_HOST: "",
        ...bitbucket,
        BITBUCKET_PR_ID: "22",
      },
      cwd,
    );
    expect(made.exitCode, made.output).toBe(0);
    const [preview] = marked(await environments(e2e, project));
    expect(preview?.name).toBe("pr-22");
    // No PREVIEW_HOST: Dokploy made a host for the copy (domain.generateDomain), and that is the URL.
    const copy = await app(e2e, preview?.applications[0]?.applicationId ?? "");
    const [generated, ...more] = copy.domains.map((d) => d.host);
    expect(more).toEqual([]);
    expect(generated).toMatch(/^[a-z0-9.-]+$/);
    expect(made.output).toMatch(new RegExp(`^preview-url=https?://${(generated ?? "").replaceAll(".", "\\.")}$`, "m"));

    const close = filled(await documentedPipe((p) => p.custom["preview-close"] ?? []), repository);
    expect(close).toMatchObject({ PREVIEW: "close", PREVIEW_NUMBER: "22" });
    const closed = await e2e.runCli({ ...close, DOKPLOY_URL: e2e.live.url, IMAGE: closeImage, ...bitbucket }, cwd);

    expect(closed.exitCode, closed.output).toBe(0);
    expect(closed.output).not.toMatch(/docker (buildx )?build/);
    expect(marked(await environments(e2e, project))).toEqual([]);
  }, 600_000);
});
