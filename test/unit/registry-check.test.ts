import { afterEach, describe, expect, it } from "vitest";
import { FakeRegistry, type FakeRegistryOptions, digestOf } from "../support/fake-registry";
import { checkPushLogin, parseChallenge, type PullCheckError, parseImageName, resolveImage } from "./imports";

const INDEX = { mediaType: "application/vnd.oci.image.index.v1+json", body: '{"schemaVersion":2,"manifests":[]}' };
const MANIFEST = {
  mediaType: "application/vnd.docker.distribution.manifest.v2+json",
  body: '{"schemaVersion":2,"layers":[]}',
};
let registry: FakeRegistry | undefined;

afterEach(async () => {
  await registry?.stop();
  registry = undefined;
});

async function start(options: Partial<FakeRegistryOptions>): Promise<string> {
  registry = new FakeRegistry({
    auth: "bearer",
    users: { ci: "pw", noscope: "pw2" },
    grants: { ci: ["acme/web"], "": ["acme/public"], noscope: [] },
    manifests: { "acme/web:v1": MANIFEST, "acme/web:multi": INDEX, "acme/public:v1": MANIFEST },
    ...options,
  });
  return registry.start();
}

async function failure(promise: Promise<unknown>): Promise<PullCheckError> {
  try {
    await promise;
  } catch (error) {
    return error as PullCheckError;
  }
  throw new Error("expected the pull check to fail");
}

describe("parseChallenge", () => {
  it("reads a Bearer challenge with quoted values that hold commas and colons", () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull,push"',
      ),
    ).toEqual({
      scheme: "bearer",
      params: {
        realm: "https://auth.docker.io/token",
        service: "registry.docker.io",
        scope: "repository:library/nginx:pull,push",
      },
    });
  });

  it("reads Basic and unquoted parameters", () => {
    expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({
      scheme: "basic",
      params: { realm: "Registry Realm" },
    });
    expect(parseChallenge("Bearer realm=https://x/token, error=insufficient_scope")).toEqual({
      scheme: "bearer",
      params: { realm: "https://x/token", error: "insufficient_scope" },
    });
    expect(parseChallenge("")).toBeUndefined();
  });
});

describe("resolveImage", () => {
  it("follows the Bearer flow with credentials and returns the digest and media type", async () => {
    const host = await start({});
    const resolved = await resolveImage(parseImageName(`${host}/acme/web`), "v1", { username: "ci", password: "pw" });
    expect(resolved).toEqual({ digest: digestOf(MANIFEST.body), mediaType: MANIFEST.mediaType });
    const token = registry?.requests.find((r) => r.path.startsWith("/token"));
    expect(token?.path).toBe("/token?service=fake-registry&scope=repository%3Aacme%2Fweb%3Apull");
    expect(token?.authorization).toBe(`Basic ${Buffer.from("ci:pw").toString("base64")}`);
  });

  it("accepts an image index (multi-platform) as well as a manifest", async () => {
    const host = await start({});
    expect(
      (await resolveImage(parseImageName(`${host}/acme/web`), "multi", { username: "ci", password: "pw" })).mediaType,
    ).toBe(INDEX.mediaType);
  });

  it("gets an anonymous token for a public image", async () => {
    const host = await start({});
    const resolved = await resolveImage(parseImageName(`${host}/acme/public`), "v1", undefined);
    expect(resolved.digest).toBe(digestOf(MANIFEST.body));
    expect(registry?.requests.find((r) => r.path.startsWith("/token"))?.authorization).toBeUndefined();
  });

  it.each<
    [
      string,
      Partial<FakeRegistryOptions>,
      string,
      string,
      { username: string; password: string } | undefined,
      string,
      RegExp,
    ]
  >([
    [
      "wrong password (Bearer)",
      {},
      "acme/web",
      "v1",
      { username: "ci", password: "nope" },
      "credentials",
      /token service refused ci's password \(HTTP 401\)/,
    ],
    [
      "a token without pull scope",
      {},
      "acme/web",
      "v1",
      { username: "noscope", password: "pw2" },
      "scope",
      /gave a token, but not one that may pull/,
    ],
    [
      "a private image without credentials",
      {},
      "acme/web",
      "v1",
      undefined,
      "credentials",
      /not public and no pull credentials are set/,
    ],
    [
      "a missing tag",
      {},
      "acme/web",
      "v2",
      { username: "ci", password: "pw" },
      "tag",
      /no such tag \(manifest unknown\)/,
    ],
    [
      "wrong password (Basic)",
      { auth: "basic" },
      "acme/web",
      "v1",
      { username: "ci", password: "nope" },
      "credentials",
      /refused the pull credentials of ci \(HTTP 401\)/,
    ],
    [
      "no credentials (Basic)",
      { auth: "basic" },
      "acme/web",
      "v1",
      undefined,
      "credentials",
      /wants a login and no pull credentials/,
    ],
  ])("maps %s to its own failure", async (_name, options, repo, tag, credentials, kind, message) => {
    const host = await start(options);
    const error = await failure(resolveImage(parseImageName(`${host}/${repo}`), tag, credentials));
    expect(error.failure).toBe(kind);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain("nope");
  });

  it("passes Basic auth with the right credentials", async () => {
    const host = await start({ auth: "basic" });
    expect(
      (await resolveImage(parseImageName(`${host}/acme/web`), "v1", { username: "ci", password: "pw" })).digest,
    ).toBe(digestOf(MANIFEST.body));
  });

  it("computes the digest from the body when the registry does not send it on HEAD", async () => {
    const host = await start({ auth: "none", noDigestHeader: true });
    expect((await resolveImage(parseImageName(`${host}/acme/web`), "v1", undefined)).digest).toBe(
      digestOf(MANIFEST.body),
    );
  });

  it("refuses a Docker-Content-Digest that is no digest, naming the registry and the tag", async () => {
    const host = await start({ auth: "none", digestHeader: "sha256:0d1f`**x**` ${DB_PASSWORD} # @octocat" });
    const error = await failure(resolveImage(parseImageName(`${host}/acme/public`), "v1", undefined));
    expect(error.failure).toBe("digest");
    expect(error.message).toContain(`${host}/acme/public:v1: the registry gave a malformed digest`);
  });

  it("says the registry is unreachable when it is", async () => {
    const error = await failure(resolveImage(parseImageName("127.0.0.1:9/acme/web"), "v1", undefined));
    expect(error.failure).toBe("unreachable");
    expect(error.message).toMatch(/127\.0\.0\.1:9\/acme\/web:v1: could not reach the registry/);
  });

  it("names what a GHCR token needs", async () => {
    const { credentialHint } = await import("../../src/registry/check");
    expect(credentialHint("ghcr.io", "acme/web")).toBe(
      "the pull credential cannot read ghcr.io/acme/web: a token with read:packages is needed",
    );
  });
});

describe("checkPushLogin (the credentials, checked as docker login has the engine check them)", () => {
  const ci = { username: "ci", password: "pw" };
  const wrong = { username: "ci", password: "not-it" };

  it("takes a password the registry takes, through its Bearer challenge, asking for a token to push", async () => {
    const host = await start({ auth: "bearer" });
    await checkPushLogin(parseImageName(`${host}/acme/web`), ci);
    const token = registry?.requests.find((r) => r.path.startsWith("/token"));
    expect(token?.path).toBe("/token?service=fake-registry&scope=repository%3Aacme%2Fweb%3Apush%2Cpull");
    expect(token?.authorization).toBe(`Basic ${Buffer.from("ci:pw").toString("base64")}`);
  });

  it("refuses a password the token service refuses, and one a Basic registry refuses", async () => {
    for (const auth of ["bearer", "basic"] as const) {
      const host = await start({ auth });
      const error = await failure(checkPushLogin(parseImageName(`${host}/acme/web`), wrong));
      expect(error.failure).toBe("credentials");
      expect(error.message).toBe(`${host} refused the password of ci (HTTP 401)`);
      expect(error.message).not.toContain("not-it");
      await checkPushLogin(parseImageName(`${host}/acme/web`), ci);
      await registry?.stop();
    }
    registry = undefined;
  });

  it("does not stand in the way when the registry needs no login, or cannot be asked from here", async () => {
    const host = await start({ auth: "none" });
    await expect(checkPushLogin(parseImageName(`${host}/acme/web`), wrong)).resolves.toBeUndefined();
    await expect(checkPushLogin(parseImageName("127.0.0.1:9/acme/web"), wrong)).resolves.toBeUndefined();
  });
});
