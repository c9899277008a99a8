/** Asking the engine over its socket what `docker images <repository>` would say, without the CLI. */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import net from "node:net";
import { afterAll, describe, expect, inject, it, vi } from "vitest";
import { engineHoldsImagesOf, engineSocket } from "../../src/platform/engine";
import { removeTempDirs, tempDir } from "../support/temp";

const rig = inject("rig");
const socket = rig.dockerHost.replace(/^unix:\/\//, "");

afterAll(removeTempDirs);

describe("the engine's socket", () => {
  it("says whether the engine holds any image of a repository, as docker images does", async () => {
    expect(await engineHoldsImagesOf(socket, rig.baseImage.split(":")[0] ?? "")).toBe(true);
    expect(await engineHoldsImagesOf(socket, `local/none-${randomBytes(4).toString("hex")}`)).toBe(false);
    expect(await engineHoldsImagesOf(join(await tempDir("no-engine"), "docker.sock"), "local/busybox")).toBeUndefined();
  });

  it("asks without working out a TLS server name (node's IP address check costs ~7 ms on the way to the build)", async () => {
    const isIP = vi.spyOn(net, "isIP");
    try {
      expect(await engineHoldsImagesOf(socket, rig.baseImage.split(":")[0] ?? "")).toBe(true);
      expect(isIP).not.toHaveBeenCalled();
    } finally {
      isIP.mockRestore();
    }
  });

  it("is used only where the CLI would use it: DOCKER_HOST unix:// or unset, and no context", async () => {
    const dir = await tempDir("docker-config");
    expect(await engineSocket({ DOCKER_HOST: rig.dockerHost }, dir)).toBe(socket);
    expect(await engineSocket({}, dir)).toBe("/var/run/docker.sock");
    expect(await engineSocket({ DOCKER_HOST: "tcp://docker:2375" }, dir)).toBeUndefined();
    expect(await engineSocket({ DOCKER_HOST: rig.dockerHost, DOCKER_CONTEXT: "remote" }, dir)).toBeUndefined();
    await writeFile(join(dir, "config.json"), JSON.stringify({ currentContext: "remote" }));
    expect(await engineSocket({}, dir)).toBeUndefined();
    await writeFile(join(dir, "config.json"), JSON.stringify({ currentContext: "default" }));
    expect(await engineSocket({}, dir)).toBe("/var/run/docker.sock");
  });
});
