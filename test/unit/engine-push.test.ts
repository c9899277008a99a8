/**
 * The engine's own push over its socket, against a stand-in engine: the digest the engine says
 * it pushed is the one deployed, so what is not a digest ends the push.
 */
import { type Server, createServer } from "node:http";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { pushFromEngine } from "../../src/platform/engine";
import { tempDir } from "../support/temp";

let engine: Server | undefined;

afterEach(async () => {
  engine?.closeAllConnections();
  await new Promise((done) => engine?.close(done) ?? done(undefined));
  engine = undefined;
});

/** An engine on a unix socket whose push streams `messages`, one JSON line each. */
async function engineSaying(messages: readonly object[]): Promise<string> {
  const socket = join(await tempDir("engine-push"), "docker.sock");
  engine = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(messages.map((m) => `${JSON.stringify(m)}\n`).join(""));
  });
  await new Promise<void>((done) => engine?.listen(socket, done));
  return socket;
}

const AUTH = { username: "ci", password: "pw", serveraddress: "127.0.0.1:5000" };

describe("pushFromEngine", () => {
  it("resolves with the digest the engine reports", async () => {
    const digest = `sha256:${"ab".repeat(32)}`;
    const socket = await engineSaying([
      { status: "Pushed", id: "a9d8" },
      { status: `v1: digest: ${digest} size: 528` },
      { aux: { Tag: "v1", Digest: digest, Size: 528 } },
    ]);
    await expect(pushFromEngine(socket, "127.0.0.1:5000/acme/web", "v1", AUTH)).resolves.toBe(digest);
  });

  it("rejects a digest that is not one, saying where it came from", async () => {
    const hostile = "sha256:0d1f`**x**` ${DB_PASSWORD} # @octocat";
    const socket = await engineSaying([{ status: "Pushed", id: "a9d8" }, { aux: { Tag: "v1", Digest: hostile } }]);
    await expect(pushFromEngine(socket, "127.0.0.1:5000/acme/web", "v1", AUTH)).rejects.toThrow(
      `the engine's push gave a malformed digest ${JSON.stringify(hostile)}`,
    );
  });
});
