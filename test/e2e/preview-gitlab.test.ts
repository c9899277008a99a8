/**
 * The GitLab preview component against a live Dokploy, included as gitlab/README.md documents it
 * and run by a GitLab pipeline emulator (gitlab-ci-local, shell executor) in a merge request
 * pipeline: its preview job makes the merge request's preview and leaves its URL for the
 * environment; its stop job, the environment's on_stop, removes it, building nothing.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, it } from "vitest";
import { stringify } from "yaml";
import { PUBLISHED } from "../../scripts/published";
import { describeLive } from "../support/e2e";
import { commitProject, documentedInclude, findFile, runPipeline, useCatalogServer } from "../support/gitlab-pipeline";
import { app, environments, marked, onlyPreview, removePreviewsAfter, template } from "../support/live-previews";
import { newProject, suffix } from "../support/live-targets";
import { tempDir } from "../support/temp";

describeLive("the GitLab preview component against a live Dokploy", (e2e) => {
  const catalog = useCatalogServer();

  it("a merge request pipeline makes the preview with its URL; the environment's stop job removes it", async () => {
    const project = await newProject(e2e, "preview-gl");
    const tag = suffix();
    removePreviewsAfter(e2e, project, tag);
    const { web, host: templateHost } = await template(e2e, project, tag);
    const documented = await documentedInclude("preview");
    expect(documented.component).toBe(`$CI_SERVER_FQDN/${PUBLISHED.gitlab}/preview@1`);
    const documentedInputs = documented.inputs as Record<string, unknown>;
    expect(documentedInputs["dokploy-url"]).toBe("https://dokploy.example.com");
    const include = {
      ...documented,
      inputs: {
        ...documentedInputs,
        "dokploy-url": e2e.live.url,
        "application-id": web.applicationId,
        "preview-host": `mr-{number}-${tag}.preview.test`,
        network: "host",
        "wait-timeout": 300,
      },
    };
    const dir = await tempDir("gitlab-preview");
    await writeFile(
      join(dir, "Dockerfile"),
      `FROM ${e2e.rig.baseImage}\nCMD ["/bin/sh", "-c", "trap 'exit 0' TERM; sleep 86400 & wait"]\n`,
    );
    // The test rig's engine instead of the docker:dind service (no services in a shell).
    const rigEngine = { variables: { DOCKER_HOST: e2e.rig.dockerHost, DOCKER_TLS_VERIFY: "", DOCKER_CERT_PATH: "" } };
    await writeFile(
      join(dir, ".gitlab-ci.yml"),
      stringify({ stages: ["deploy"], include: [include], "dokploy-preview": { services: [], ...rigEngine } }),
    );
    await writeFile(join(dir, ".gitlab-ci-local-variables.yml"), stringify({ DOKPLOY_API_KEY: e2e.live.apiKey }));
    const sha = await commitProject(dir, catalog());
    const repo = `e2e/preview-gl-${tag}`;
    const mergeRequest = {
      CI_PIPELINE_SOURCE: "merge_request_event",
      CI_MERGE_REQUEST_IID: "12",
      CI_REGISTRY_IMAGE: `${e2e.rig.registryHost}/${repo}`,
      CI_REGISTRY_USER: e2e.rig.registryUser,
      CI_REGISTRY_PASSWORD: e2e.rig.registryPassword,
      CI_DEPLOY_USER: e2e.rig.registryUser,
      CI_DEPLOY_PASSWORD: e2e.rig.registryPassword,
    };

    const opened = await runPipeline(dir, mergeRequest, ["dokploy-preview"]);

    expect(opened.exitCode, opened.output).toBe(0);
    const preview = await onlyPreview(e2e, project);
    expect(preview?.name).toBe("pr-12");
    expect(preview?.description).toContain("pr=12 repo=acme%2Fweb ");
    const copy = await app(e2e, preview?.applications[0]?.applicationId ?? "");
    const ref = `${e2e.rig.registryHost}/${repo}:${sha}`;
    expect(copy.dockerImage).toBe(ref);
    expect(await e2e.swarm.waitUntilRunning(copy.appName, ref)).toEqual([{ image: ref, state: "running" }]);
    const host = `mr-12-${tag}.preview.test`;
    expect(copy.domains.map((d) => d.host)).toEqual([host]);
    // The environment's URL comes from the job's dotenv report.
    const dotenv = await readFile((await findFile(join(dir, ".gitlab-ci-local"), "dokploy-deploy.env")) ?? "", "utf8");
    expect(dotenv).toContain(`DOKPLOY_PREVIEW_URL=http://${host}\n`);
    expect(opened.output).not.toContain(e2e.live.apiKey);

    const stopped = await runPipeline(dir, mergeRequest, ["dokploy-preview-stop"]);

    expect(stopped.exitCode, stopped.output).toBe(0);
    expect(stopped.output).not.toMatch(/docker (buildx )?build/);
    expect(marked(await environments(e2e, project))).toEqual([]);
    await expect(app(e2e, copy.applicationId)).rejects.toThrow();
    expect(await e2e.swarm.service(copy.appName)).toBeUndefined();
    const templateAfter = await app(e2e, web.applicationId);
    expect(templateAfter.dockerImage).toBeNull();
    expect(templateAfter.domains.map((d) => d.host)).toEqual([templateHost]);
    expect(stopped.output).not.toContain(e2e.live.apiKey);
  }, 600_000);
});
