/**
 * Runs that must fail, and the health check with its rollback, against a live Dokploy: what
 * the step says, and what Dokploy and swarm hold afterwards.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, it } from "vitest";
import { commitSha, describeLive } from "../support/e2e";
import { freePort, registryDigest } from "../support/rig";
import { rigRegistry } from "../support/global-setup";

describeLive("failures, health check and rollback against a live Dokploy", (e2e) => {
  /** Whether the rig's registry serves image:tag (it does not when nothing was pushed). */
  const pushed = async (image: string, tag: string) =>
    (await registryDigest(rigRegistry(e2e.rig), image.slice(e2e.rig.registryHost.length + 1), tag)) !== undefined;

  it("a wrong API key stops the run before anything is pushed or changed in Dokploy", async () => {
    const app = await e2e.newApp("wrong-key");
    const image = e2e.image("wrong-key");
    const sha = commitSha();
    const wrongKey = `wrong-${randomBytes(12).toString("hex")}`;

    const run = await e2e.runAction(sha, e2e.inputs(app, image, { "dokploy-api-key": wrongKey }), {
      cwd: await e2e.checkout(),
      secrets: [wrongKey],
    });

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain("application.one (HTTP 401)");
    expect(run.stdout).not.toContain(wrongKey);
    expect(await e2e.dokploy.application(app.applicationId)).toMatchObject({
      sourceType: app.sourceType,
      dockerImage: null,
      username: null,
    });
    expect(await e2e.dokploy.deployments(app.applicationId)).toEqual([]);
    expect(await e2e.swarm.service(app.appName)).toBeUndefined();
    expect(await pushed(image, sha)).toBe(false);
  });

  it("a wrong application-id stops the run before anything is pushed or written to Dokploy", async () => {
    const image = e2e.image("wrong-app");
    const sha = commitSha();
    const missing = `no-such-app-${randomBytes(6).toString("hex")}`;
    await e2e.dokploy.removeRegistriesFor(e2e.rig.registryHost);

    const run = await e2e.runAction(
      sha,
      e2e.inputs({ applicationId: missing }, image, { "dokploy-registry": "true" }),
      { cwd: await e2e.checkout() },
    );

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`Application not found (applicationId "${missing}"; check application-id: `);
    await expect(e2e.dokploy.application(missing)).rejects.toThrow(/HTTP 404/);
    expect(await e2e.dokploy.deployments(missing)).toEqual([]);
    expect((await e2e.dokploy.registries()).filter((r) => r.registryUrl === e2e.rig.registryHost)).toEqual([]);
    expect(await pushed(image, sha)).toBe(false);
  });

  it("deploy-method deploy with wrong pull credentials and verify-pull off fails red with Dokploy's log tail", async () => {
    const app = await e2e.newApp("bad-pull");
    const image = e2e.image("bad-pull");
    const sha = commitSha();
    const wrongPassword = `wrong-pull-${randomBytes(8).toString("hex")}`;

    const run = await e2e.runAction(
      sha,
      e2e.inputs(app, image, {
        "deploy-method": "deploy",
        "verify-pull": "false",
        "pull-username": e2e.rig.registryUser,
        "pull-password": wrongPassword,
      }),
      { cwd: await e2e.checkout(), secrets: [wrongPassword] },
    );

    expect(run.exitCode).toBe(1);
    const [row] = await e2e.dokploy.deployments(app.applicationId);
    expect(row).toMatchObject({ status: "error", title: `Deploy ${sha.slice(0, 7)}` });
    expect(run.outputs["deployment-id"]).toBe(row?.deploymentId);
    expect(run.outputs["deployment-status"]).toBe("error");
    const log = row ? await e2e.dokploy.deploymentLog(row) : "";
    expect(log).toContain("❌ Login failed");
    const error = run.stdout.slice(run.stdout.indexOf("::error::"));
    expect(error).toContain(`Deployment ${row?.deploymentId ?? ""} of ${image}:${sha} ended with status "error"`);
    expect(error).toMatch(/Last lines of its log:.*401 Unauthorized.*❌ Login failed/s);
    expect(run.stdout).not.toContain(wrongPassword);
    const saved = await e2e.dokploy.application(app.applicationId);
    expect(saved).toMatchObject({ dockerImage: `${image}:${sha}`, username: e2e.rig.registryUser });
    expect(saved.password === wrongPassword, "the application's pull password").toBe(true);
    expect(await e2e.swarm.service(saved.appName)).toBeUndefined();
  });

  it("the health check passes once the container Dokploy started answers with the commit", async () => {
    const app = await e2e.newApp("health");
    const image = e2e.image("health");
    const sha = commitSha();
    const port = await freePort();
    // Host networking keeps the container on loopback; stop-first frees its port for the next one.
    await e2e.dokploy.updateApplication(app.applicationId, {
      networkSwarm: [{ Target: "host" }],
      updateConfigSwarm: { Parallelism: 1, Order: "stop-first" },
    });
    const cwd = await e2e.checkout(
      [`RUN mkdir /www && echo "build ${sha}" > /www/index.html`],
      `["/bin/busybox", "httpd", "-f", "-p", "127.0.0.1:${String(port)}", "-h", "/www"]`,
    );

    const run = await e2e.runAction(
      sha,
      e2e.inputs(app, image, {
        "health-url": `http://127.0.0.1:${String(port)}/`,
        "health-contains": `build ${sha}`,
        "health-timeout": "60",
        "health-interval": "0.5",
      }),
      { cwd },
    );

    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.health).toMatch(/^200 in \d+ ms$/);
    const [row] = await e2e.dokploy.deployments(app.applicationId);
    expect([row?.deploymentId, row?.status]).toEqual([run.outputs["deployment-id"], "done"]);
    const ref = `${image}:${sha}`;
    expect(await e2e.swarm.waitUntilRunning(app.appName, ref)).toEqual([{ image: ref, state: "running" }]);
  });

  it("rollback after a failed health check restores the previous image in Dokploy and in swarm", async () => {
    const app = await e2e.newApp("rollback");
    const image = e2e.image("rollback");
    const [sha1, sha2] = [commitSha(), commitSha()];
    const [ref1, ref2] = [`${image}:${sha1}`, `${image}:${sha2}`];
    const first = await e2e.runAction(sha1, e2e.inputs(app, image), { cwd: await e2e.checkout() });
    expect(first.exitCode, first.stdout).toBe(0);
    expect(await e2e.swarm.waitUntilRunning(app.appName, ref1)).toEqual([{ image: ref1, state: "running" }]);
    const unhealthy = createServer((_req, res) => res.writeHead(503).end("down"));
    await new Promise<void>((resolve) => unhealthy.listen(0, "127.0.0.1", resolve));
    e2e.onCleanUp(() => new Promise((resolve) => unhealthy.close(() => resolve())));

    const second = await e2e.runAction(
      sha2,
      e2e.inputs(app, image, {
        "health-url": `http://127.0.0.1:${String((unhealthy.address() as AddressInfo).port)}/`,
        "health-timeout": "3",
        "health-interval": "0.5",
        "rollback-on-failure": "true",
      }),
      { cwd: await e2e.checkout(), runId: "4243" },
    );

    expect(second.exitCode).toBe(1);
    expect(second.stdout).toMatch(/::error::Health check failed: .* answered 503/);
    expect(second.stdout).toContain(`Rolled back to ${ref1}`);
    const saved = await e2e.dokploy.application(app.applicationId);
    expect(saved).toMatchObject({ dockerImage: ref1, username: e2e.rig.registryUser });
    const rows = await e2e.dokploy.deployments(app.applicationId);
    expect(rows.map((r) => [r.title, r.status])).toEqual([
      [`Rollback to ${ref1}`, "done"],
      [`Deploy ${sha2.slice(0, 7)}`, "done"],
      [`Deploy ${sha1.slice(0, 7)}`, "done"],
    ]);
    // ref2 did reach swarm; the rollback's update put ref1 back.
    expect(await e2e.swarm.waitUntilRunning(app.appName, ref1)).toEqual([{ image: ref1, state: "running" }]);
    expect(await e2e.swarm.service(app.appName)).toMatchObject({ image: ref1, previousImage: ref2 });
  });
});
