/**
 * The registry entry in a live Dokploy when the registry's password is rotated: the next run
 * updates the entry in place, and Dokploy's own login test passes with it.
 */
import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { commitSha, describeLive } from "../support/e2e";
import { type Registry, freePort, startRegistry } from "../support/rig";

describeLive("registry entries in a live Dokploy", (e2e) => {
  it("a rotated registry password updates the entry in place, and registry.testRegistryById passes", async () => {
    const port = await freePort();
    const [oldPassword, newPassword] = [
      `old-${randomBytes(8).toString("hex")}`,
      `new-${randomBytes(8).toString("hex")}`,
    ];
    let registry: Registry = await startRegistry("ci", oldPassword, port);
    e2e.onCleanUp(() => registry.stop());
    const host = registry.host;
    e2e.onCleanUp(() => e2e.dokploy.removeRegistriesFor(host));
    const app = await e2e.newApp("rotation");
    const image = `${host}/e2e/rotation`;
    const deploy = async (sha: string, password: string) =>
      e2e.runAction(sha, e2e.inputs(app, image, { "registry-password": password, "dokploy-registry": "true" }), {
        cwd: await e2e.checkout(),
        secrets: [password],
      });
    const entries = async () => (await e2e.dokploy.registries()).filter((r) => r.registryUrl === host);

    const first = await deploy(commitSha(), oldPassword);
    expect(first.exitCode, first.stdout).toBe(0);
    const [created] = await entries();
    expect(created?.password === oldPassword, "the entry holds the first password").toBe(true);

    // The registry's password changes (same user, same address).
    await registry.stop();
    registry = await startRegistry("ci", newPassword, port);
    const sha = commitSha();
    const second = await deploy(sha, newPassword);

    expect(second.exitCode, second.stdout).toBe(0);
    expect(second.stdout).not.toContain(newPassword);
    const after = await entries();
    expect(after.map((r) => [r.registryId, r.createdAt, r.username])).toEqual([
      [created?.registryId, created?.createdAt, "ci"],
    ]);
    expect(after[0]?.password === newPassword, "the entry holds the rotated password").toBe(true);
    expect(second.outputs["registry-id"]).toBe(created?.registryId);
    expect(await e2e.dokploy.mutate("registry.testRegistryById", { registryId: created?.registryId })).toBe(true);
    await expect(
      e2e.dokploy.mutate("registry.testRegistry", {
        username: "ci",
        password: oldPassword,
        registryUrl: host,
        registryType: "cloud",
      }),
    ).rejects.toThrow(/HTTP 400.*401 Unauthorized/s);
    const saved = await e2e.dokploy.application(app.applicationId);
    expect(saved.dockerImage).toBe(`${image}:${sha}`);
    expect(saved.password === newPassword, "the application pulls with the rotated password").toBe(true);
    expect(await e2e.swarm.waitUntilRunning(saved.appName, `${image}:${sha}`)).toEqual([
      { image: `${image}:${sha}`, state: "running" },
    ]);
  });
});
