/**
 * The bundles deploying to a live Dokploy, checked in Dokploy's own state: the application's
 * image and pull credentials, its deployments and their logs, the registry entries, and what
 * swarm runs.
 */
import { expect, it } from "vitest";
import { commitSha, describeLive } from "../support/e2e";
import type { LiveRegistry } from "../support/live-dokploy";
import { startRecordingProxy } from "../support/recording-proxy";

/** An entry without its password, for comparing (and printing on failure). */
function withoutPassword({ password: _password, ...rest }: LiveRegistry): Omit<LiveRegistry, "password"> {
  return rest;
}

describeLive("the action and the CLI against a live Dokploy", (e2e) => {
  const entriesForRig = async () =>
    (await e2e.dokploy.registries()).filter((r) => r.registryUrl === e2e.rig.registryHost);

  it("happy path with dokploy-registry: the application runs <image>:<sha>, pulled with the entry's credentials", async () => {
    const app = await e2e.newApp("happy");
    const image = e2e.image("happy");
    const sha = commitSha();
    await e2e.dokploy.removeRegistriesFor(e2e.rig.registryHost);

    const run = await e2e.runAction(sha, e2e.inputs(app, image, { "dokploy-registry": "true" }), {
      cwd: await e2e.checkout(),
    });

    expect(run.exitCode, run.stdout).toBe(0);
    const ref = `${image}:${sha}`;
    const saved = await e2e.dokploy.application(app.applicationId);
    expect(saved).toMatchObject({
      sourceType: "docker",
      dockerImage: ref,
      username: e2e.rig.registryUser,
      registryUrl: e2e.rig.registryHost,
      registryId: null,
    });
    expect(saved.password === e2e.rig.registryPassword, "the application's pull password").toBe(true);
    const [newest, ...older] = await e2e.dokploy.deployments(app.applicationId);
    expect(older).toEqual([]);
    expect(newest).toMatchObject({ status: "done", title: `Deploy ${sha.slice(0, 7)}` });
    expect(newest?.description).toContain("https://github.com/acme/web/actions/runs/4242");
    expect(run.outputs["deployment-id"]).toBe(newest?.deploymentId);
    expect(run.outputs["deployment-status"]).toBe("done");
    const entries = await entriesForRig();
    expect(entries.map((r) => [r.registryId, r.registryName, r.username])).toEqual([
      [run.outputs["registry-id"], e2e.rig.registryHost, e2e.rig.registryUser],
    ]);
    expect(entries[0]?.password === e2e.rig.registryPassword, "the entry's password").toBe(true);
    expect(await e2e.swarm.waitUntilRunning(saved.appName, ref)).toEqual([{ image: ref, state: "running" }]);
    expect(await e2e.swarm.repoDigests(ref)).toContain(`${image}@${run.outputs.digest ?? ""}`);
    expect(run.filesWithSecrets).toEqual([]);
  });

  it("a re-run of the same commit sends no registry write, and the entry stays as it was", async () => {
    const app = await e2e.newApp("rerun");
    const image = e2e.image("rerun");
    const sha = commitSha();
    const cwd = await e2e.checkout();
    const inputs = e2e.inputs(app, image, { "dokploy-registry": "true" });
    const first = await e2e.runAction(sha, inputs, { cwd });
    expect(first.exitCode, first.stdout).toBe(0);
    const entriesBefore = await entriesForRig();
    expect(entriesBefore).toHaveLength(1);

    const proxy = await startRecordingProxy(e2e.live.url);
    e2e.onCleanUp(proxy.stop);
    const second = await e2e.runAction(sha, { ...inputs, "dokploy-url": proxy.url }, { cwd, runId: "4243" });

    expect(second.exitCode, second.stdout).toBe(0);
    // registry.testRegistry (verify-pull-on-server) is a docker login on the Dokploy host, no write to the entries.
    const registryCalls = proxy.calls
      .map((c) => c.procedure)
      .filter((p) => p.startsWith("registry.") && p !== "registry.testRegistry");
    expect(registryCalls).toEqual(["registry.all"]);
    const entriesAfter = await entriesForRig();
    expect(entriesAfter.map(withoutPassword)).toEqual(entriesBefore.map(withoutPassword));
    expect(entriesAfter[0]?.password === entriesBefore[0]?.password, "the entry's password").toBe(true);
    expect(second.outputs["registry-id"]).toBe(entriesBefore[0]?.registryId);
    const rows = await e2e.dokploy.deployments(app.applicationId);
    expect(rows.map((r) => [r.deploymentId, r.status])).toEqual([
      [second.outputs["deployment-id"], "done"],
      [first.outputs["deployment-id"], "done"],
    ]);
    expect(rows[0]?.description).toContain("/actions/runs/4243");
  });

  it("deploys over the OpenAPI transport: every call is /api/<procedure>, and swarm runs the image", async () => {
    const app = await e2e.newApp("openapi");
    const image = e2e.image("openapi");
    const sha = commitSha();
    const proxy = await startRecordingProxy(e2e.live.url);
    e2e.onCleanUp(proxy.stop);

    const run = await e2e.runAction(
      sha,
      e2e.inputs(app, image, { "dokploy-url": proxy.url, "dokploy-api": "openapi", "dokploy-registry": "true" }),
      { cwd: await e2e.checkout() },
    );

    expect(run.exitCode, run.stdout).toBe(0);
    expect(proxy.calls.length).toBeGreaterThan(4);
    expect(proxy.calls.filter((c) => c.transport !== "openapi")).toEqual([]);
    expect(proxy.calls.map((c) => c.procedure)).toContain("application.saveDockerProvider");
    const ref = `${image}:${sha}`;
    const saved = await e2e.dokploy.application(app.applicationId);
    expect(saved).toMatchObject({ dockerImage: ref, username: e2e.rig.registryUser });
    const [newest] = await e2e.dokploy.deployments(app.applicationId);
    expect([newest?.deploymentId, newest?.status]).toEqual([run.outputs["deployment-id"], "done"]);
    expect((await entriesForRig()).map((r) => r.registryId)).toEqual([run.outputs["registry-id"]]);
    expect(await e2e.swarm.waitUntilRunning(saved.appName, ref)).toEqual([{ image: ref, state: "running" }]);
  });

  it("streams Dokploy's log of a deploy into the CI log and, not verifying swarm, exits on the line that ends it, not a later look", async () => {
    const app = await e2e.newApp("live-log");
    const image = e2e.image("live-log");
    const sha = commitSha();

    // verify-running waits for swarm after done (its own test is the happy path): off, the
    // exit measures how soon the end of the deployment is seen.
    const run = await e2e.runAction(
      sha,
      e2e.inputs(app, image, { "deploy-method": "deploy", "verify-running": "false" }),
      { cwd: await e2e.checkout() },
    );

    expect(run.exitCode, run.stdout).toBe(0);
    const [row] = await e2e.dokploy.deployments(app.applicationId);
    expect([row?.deploymentId, row?.status]).toEqual([run.outputs["deployment-id"], "done"]);
    const log = row ? await e2e.dokploy.deploymentLog(row) : "";
    expect(log).toContain(`Pulling ${image}:${sha}`);
    expect(log).toContain("✅ Pulling image completed");
    // Every line of Dokploy's log reached the CI log, in order, before the run said it was done.
    const stdout = run.stdout.split("\n");
    const lines = log.split("\n").filter((line) => line.trim() !== "");
    const streamed = stdout.filter((line) => line.startsWith("│") && line.slice(1).trim() !== "");
    expect(streamed.map((line) => line.slice(2))).toEqual(lines);
    const doneAt = stdout.findIndex((line) => line.includes(`Deployment ${row?.deploymentId ?? ""} is done`));
    expect(doneAt).toBeGreaterThan(stdout.lastIndexOf(streamed.at(-1) ?? ""));
    // The line that says the deployment is ending brings the last look forward (ENDING_DELAY_MS):
    // without it, the end is seen by a later look (every 2 s, 15 s while the log streams). The
    // bound tells them apart with room for a loaded machine (818 ms seen at a load of 12); it is
    // no speed target (those are benchmarks).
    const lag = run.exitedAt - Date.parse(row?.finishedAt ?? "");
    expect(lag, `exited ${String(lag)} ms after finishedAt`).toBeGreaterThanOrEqual(0);
    expect(lag, `exited ${String(lag)} ms after finishedAt`).toBeLessThan(1_500);
  });

  it("the CLI with Bitbucket's variables deploys and links the pipeline in Dokploy's deployment", async () => {
    const app = await e2e.newApp("bitbucket");
    const image = e2e.image("bitbucket");
    const sha = commitSha();
    const cwd = await e2e.checkout();

    const run = await e2e.runCli(
      {
        DOKPLOY_URL: e2e.live.url,
        DOKPLOY_API_KEY: e2e.live.apiKey,
        APPLICATION_ID: app.applicationId,
        IMAGE: image,
        REGISTRY_USERNAME: e2e.rig.registryUser,
        REGISTRY_PASSWORD: e2e.rig.registryPassword,
        NETWORK: "host",
        REQUEST_TIMEOUT: "120",
        BITBUCKET_COMMIT: sha,
        BITBUCKET_BUILD_NUMBER: "17",
        BITBUCKET_REPO_FULL_NAME: "acme/web",
        BITBUCKET_REPO_SLUG: "web",
        BITBUCKET_WORKSPACE: "acme",
        BITBUCKET_BRANCH: "main",
        BITBUCKET_GIT_HTTP_ORIGIN: "http://bitbucket.org/acme/web",
        BITBUCKET_CLONE_DIR: cwd,
      },
      cwd,
    );

    expect(run.exitCode, run.output).toBe(0);
    const ref = `${image}:${sha}`;
    expect(run.output).toMatch(/✔ Deployed: .* \(deployment done\)/);
    expect(run.output).not.toContain("::");
    for (const secret of [e2e.live.apiKey, e2e.rig.registryPassword]) expect(run.output).not.toContain(secret);
    const saved = await e2e.dokploy.application(app.applicationId);
    expect(saved).toMatchObject({
      dockerImage: ref,
      username: e2e.rig.registryUser,
      registryUrl: e2e.rig.registryHost,
    });
    const [row] = await e2e.dokploy.deployments(app.applicationId);
    expect(row).toMatchObject({ status: "done", title: `Deploy ${sha.slice(0, 7)}` });
    expect(row?.description).toContain("https://bitbucket.org/acme/web/pipelines/results/17");
    expect(run.output).toContain(`deployment-id=${row?.deploymentId ?? ""}`);
    expect(await e2e.swarm.waitUntilRunning(saved.appName, ref)).toEqual([{ image: ref, state: "running" }]);
  });
});
