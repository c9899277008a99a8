import { afterEach, describe, expect, it } from "vitest";
import { FakeRegistry, digestOf } from "../support/fake-registry";
import { parseImageName, tagManifest } from "./imports";

const MANIFEST = {
  mediaType: "application/vnd.docker.distribution.manifest.v2+json",
  body: '{"schemaVersion":2,"config":{},"layers":[]}',
};
let registry: FakeRegistry | undefined;

afterEach(async () => {
  await registry?.stop();
  registry = undefined;
});

/** A registry with basic auth where ci may push acme/web, which holds the manifest under abc. */
async function basicRegistry(): Promise<{ fake: FakeRegistry; host: string }> {
  const fake = new FakeRegistry({
    auth: "basic",
    users: { ci: "pw" },
    grants: { ci: ["acme/web"] },
    manifests: { "acme/web:abc": MANIFEST },
  });
  registry = fake;
  return { fake, host: await fake.start() };
}

describe("tagManifest", () => {
  it("puts the very manifest of the pushed tag under each extra tag, with the push login", async () => {
    const { fake, host } = await basicRegistry();
    const tagged = await tagManifest(parseImageName(`${host}/acme/web`), "abc", ["latest", "stable"], {
      username: "ci",
      password: "pw",
    });
    expect(tagged.served).toEqual({ digest: digestOf(MANIFEST.body), mediaType: MANIFEST.mediaType });
    expect([...tagged.digests]).toEqual([
      ["latest", digestOf(MANIFEST.body)],
      ["stable", digestOf(MANIFEST.body)],
    ]);
    expect(fake.put.get("acme/web:latest")).toEqual(MANIFEST);
    expect(fake.put.get("acme/web:stable")).toEqual(MANIFEST);
    const puts = fake.requests.filter((r) => r.method === "PUT");
    expect(puts.map((r) => r.path)).toEqual(["/v2/acme/web/manifests/latest", "/v2/acme/web/manifests/stable"]);
    expect(puts.every((r) => r.authorization?.startsWith("Basic "))).toBe(true);
  });

  it("throws when the registry refuses, or the tag holds another manifest now, so that docker pushes the tags instead", async () => {
    const { fake, host } = await basicRegistry();
    await expect(
      tagManifest(parseImageName(`${host}/acme/web`), "abc", ["latest"], { username: "ci", password: "wrong" }),
    ).rejects.toThrow(/HTTP 401/);
    await expect(
      tagManifest(parseImageName(`${host}/acme/web`), "missing", ["latest"], { username: "ci", password: "pw" }),
    ).rejects.toThrow(/HTTP 404/);
    await expect(
      tagManifest(
        parseImageName(`${host}/acme/web`),
        "abc",
        ["latest"],
        { username: "ci", password: "pw" },
        { expected: `sha256:${"0".repeat(64)}` },
      ),
    ).rejects.toThrow(/is now sha256:[a-f0-9]{64}, not sha256:0{64}/);
    expect(fake.put.size).toBe(0);
  });

  it("throws when the registry answers with a malformed digest, and puts no tag", async () => {
    const fake = new FakeRegistry({
      auth: "basic",
      users: { ci: "pw" },
      grants: { ci: ["acme/web"] },
      manifests: { "acme/web:abc": MANIFEST },
      digestHeader: "sha256:0d1f ${DB_PASSWORD}",
    });
    registry = fake;
    const host = await fake.start();
    await expect(
      tagManifest(parseImageName(`${host}/acme/web`), "abc", ["latest"], { username: "ci", password: "pw" }),
    ).rejects.toThrow(`${host}/acme/web:abc: the registry gave a malformed digest "sha256:0d1f \${DB_PASSWORD}"`);
    expect(fake.put.size).toBe(0);
  });
});
