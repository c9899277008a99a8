/**
 * The login test from where the image is pulled (verify-pull-on-server) against a live Dokploy:
 * its registry.testRegistry runs `docker login` on the Dokploy host. A right password passes; a
 * wrong one that the runner's check cannot see (the images are public to read, the login is not)
 * is refused by the host before anything changes in Dokploy. With a remote server (REMOTE_DOCKER_HOST and
 * DOK_REMOTE_SERVER_ID, from scripts/remote-server.sh), the login of an application there is tried
 * from that server. A registry only the runner reaches (its name resolves to the registry only in the
 * runner's own hosts file: test/support/runner-only-registry.ts) passes the runner's check and is
 * refused by the machine that would pull, before anything changes in Dokploy.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type E2E, commitSha, describeLive } from "../support/e2e";
import type { LiveApplication } from "../support/live-dokploy";
import { startPublicReadProxy } from "../support/public-read-proxy";
import { startRegistry } from "../support/rig";
import { loopbackName, startRunnerOnlyRegistry } from "../support/runner-only-registry";
import { Swarm } from "../support/swarm";

const REMOTE_DOCKER_HOST = process.env.REMOTE_DOCKER_HOST ?? "";
const REMOTE_SERVER_ID = process.env.DOK_REMOTE_SERVER_ID ?? "";
/** A name this machine resolves to 127.0.0.1 without DNS: the runner-only registry goes by it. */
const LOOPBACK_NAME = await loopbackName();

/**
 * Runs a deploy (build: false) of an image pushed to the rig's registry, named through a registry
 * only the runner reaches; checks that the runner's check passed and that nothing changed in Dokploy.
 */
async function deployFromRunnerOnlyRegistry(e2e: E2E, app: LiveApplication): Promise<{ stdout: string; host: string }> {
  const registry = await startRunnerOnlyRegistry(LOOPBACK_NAME ?? "", e2e.rig.registryHost);
  e2e.onCleanUp(() => registry.stop());
  const before = await e2e.dokploy.application(app.applicationId);
  const sha = commitSha();
  const path = `e2e/runner-only-${randomBytes(3).toString("hex")}`;
  await e2e.pushImage(`${e2e.rig.registryHost}/${path}:${sha}`, await e2e.checkout());
  const run = await e2e.runAction(
    sha,
    e2e.inputs(app, `${registry.host}/${path}`, {
      build: "false",
      "registry-username": "",
      "registry-password": "",
      "pull-username": e2e.rig.registryUser,
      "pull-password": e2e.rig.registryPassword,
    }),
    { env: { NODE_EXTRA_CA_CERTS: registry.caFile }, launcher: registry.launcher },
  );
  expect(run.exitCode, run.stdout).toBe(1);
  // The runner reached the registry (its own name for it, its own CA) and read the image.
  expect(run.stdout).toMatch(/is served as sha256:/);
  await e2e.expectNothingChanged(run.stdout, before);
  return { stdout: run.stdout, host: registry.host };
}

describeLive("the pull login from the Dokploy host", (e2e) => {
  it("logs in from the host with the pull credentials, then deploys", async () => {
    const app = await e2e.newApp("srv-login");
    const image = e2e.image("srv-login");
    const sha = commitSha();
    const run = await e2e.runAction(sha, e2e.inputs(app, image), { cwd: await e2e.checkout() });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toContain(`the Dokploy host logged in to ${e2e.rig.registryHost} as ${e2e.rig.registryUser}`);
    expect(run.stdout).toMatch(/Check the login from where the image is pulled/);
    // The platform check passes an amd64 image on this amd64 host.
    expect(run.stdout).toContain(`${image}:${sha} (linux/amd64) runs on the nodes of the Dokploy host (linux/amd64)`);
    expect((await e2e.dokploy.application(app.applicationId)).dockerImage).toBe(`${image}:${sha}`);
  });

  it("refuses a pull password the host's docker login refuses, before anything changes in Dokploy", async () => {
    const password = `pw-${randomBytes(8).toString("hex")}`;
    const registry = await startRegistry("ci", password);
    e2e.onCleanUp(() => registry.stop());
    const proxy = await startPublicReadProxy(registry.host, registry.authorization);
    e2e.onCleanUp(() => proxy.stop());
    const app = await e2e.newApp("srv-wrong");
    const before = await e2e.dokploy.application(app.applicationId);
    const image = `${proxy.host}/e2e/srv-wrong`;
    const wrong = `wrong-${randomBytes(6).toString("hex")}`;
    const run = await e2e.runAction(
      commitSha(),
      e2e.inputs(app, image, {
        "registry-username": "ci",
        "registry-password": password,
        "pull-username": "ci",
        "pull-password": wrong,
      }),
      { cwd: await e2e.checkout(), secrets: [password, wrong] },
    );
    expect(run.exitCode, run.stdout).toBe(1);
    // The runner's check passed (the image is public to read); the host's login did not.
    expect(run.stdout).toMatch(/is served as sha256:/);
    expect(run.stdout).toContain(
      `the Dokploy host could not log in to ${proxy.host} as ci: Command failed with code 1. Stderr: Error response from daemon: login attempt to http://${proxy.host}/v2/ failed with status: 401 Unauthorized`,
    );
    expect(run.stdout).not.toContain(wrong);
    await e2e.expectNothingChanged(run.stdout, before);
  });

  it.skipIf(!LOOPBACK_NAME)("refuses a registry only the runner reaches, naming the Dokploy host", async () => {
    const app = await e2e.newApp("srv-unreached");
    const { stdout, host } = await deployFromRunnerOnlyRegistry(e2e, app);
    expect(stdout).toMatch(
      new RegExp(`the Dokploy host could not log in to ${host} as ${e2e.rig.registryUser}: .*connection refused`),
    );
  });
});

describe.skipIf(!REMOTE_SERVER_ID)(
  `the pull login from a remote server${REMOTE_SERVER_ID ? "" : " (skipped: no REMOTE_DOCKER_HOST and DOK_REMOTE_SERVER_ID)"}`,
  () => {
    describeLive("on the live Dokploy", (e2e) => {
      /** An application on the remote server, deleted after the test. */
      async function remoteApp(label: string): Promise<LiveApplication> {
        const name = `e2e-${label}-${randomBytes(3).toString("hex")}`;
        const created = await e2e.dokploy.mutate<{ applicationId: string }>("application.create", {
          name,
          environmentId: e2e.live.environmentId,
          serverId: REMOTE_SERVER_ID,
        });
        e2e.onCleanUp(() => e2e.dokploy.deleteApplication(created.applicationId));
        return e2e.dokploy.application(created.applicationId);
      }

      it("logs in from the server the application runs on, then deploys there", async () => {
        const app = await remoteApp("srv-remote");
        const server = await e2e.dokploy.query<{ name: string }>("server.one", { serverId: REMOTE_SERVER_ID });
        const image = e2e.image("srv-remote");
        const sha = commitSha();
        const run = await e2e.runAction(sha, e2e.inputs(app, image), { cwd: await e2e.checkout() });
        expect(run.exitCode, run.stdout).toBe(0);
        expect(run.stdout).toContain(
          `server "${server.name}" logged in to ${e2e.rig.registryHost} as ${e2e.rig.registryUser}`,
        );
        expect(run.stdout).not.toContain("the Dokploy host logged in");
        // The platform check asked for the server's nodes (cluster.getNodes with its serverId).
        expect(run.stdout).toContain(`(linux/amd64) runs on the nodes of server "${server.name}" (linux/amd64)`);
        const service = await new Swarm(REMOTE_DOCKER_HOST).service(app.appName);
        expect(service?.image).toMatch(new RegExp(`^${image}:${sha}(@sha256:[0-9a-f]{64})?$`));
      });

      it.skipIf(!LOOPBACK_NAME)("refuses a registry only the runner reaches, naming the server", async () => {
        const app = await remoteApp("srv-remote-unreached");
        const server = await e2e.dokploy.query<{ name: string }>("server.one", { serverId: REMOTE_SERVER_ID });
        const { stdout, host } = await deployFromRunnerOnlyRegistry(e2e, app);
        expect(stdout).toContain(`server "${server.name}" could not log in to ${host} as ${e2e.rig.registryUser}`);
        expect(stdout).not.toContain("the Dokploy host could not log in");
      });
    });
  },
);
