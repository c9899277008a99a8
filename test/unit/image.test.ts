import { describe, expect, it } from "vitest";
import {
  dokployRegistryUrl,
  checkedDigest,
  imageRef,
  isValidDigest,
  isValidTag,
  normalizeRegistryHost,
  parseImageName,
  parseImageNameLowercasing,
} from "./imports";

describe("parseImageName", () => {
  it.each([
    ["ghcr.io/acme/web", "ghcr.io", "acme/web", false],
    ["nginx", "docker.io", "library/nginx", true],
    ["acme/web", "docker.io", "acme/web", true],
    ["docker.io/acme/web", "docker.io", "acme/web", true],
    ["index.docker.io/nginx", "docker.io", "library/nginx", true],
    ["localhost/web", "localhost", "web", false],
    ["localhost:5000/team/web", "localhost:5000", "team/web", false],
    ["127.0.0.1:5000/demo/app", "127.0.0.1:5000", "demo/app", false],
    ["registry.example.com:8443/a/b/c", "registry.example.com:8443", "a/b/c", false],
    ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/web", "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "web", false],
    ["europe-docker.pkg.dev/p/repo/web", "europe-docker.pkg.dev", "p/repo/web", false],
    ["quay.io/acme/web_app-1.x", "quay.io", "acme/web_app-1.x", false],
    ["Registry.Example.com/acme/web", "registry.example.com", "acme/web", false],
  ])("%s is at %s as %s", (name, registry, path, hub) => {
    expect(parseImageName(name)).toEqual({ name, registry, path, isDockerHub: hub });
  });

  it.each([
    ["ghcr.io/Acme/web", /lowercase/],
    ["Nginx", /lowercase/],
    ["ghcr.io/acme/web:latest", /contains a tag/],
    ["nginx:1.25", /contains a tag/],
    ["localhost:5000/web:dev", /contains a tag/],
    [`nginx@sha256:${"0".repeat(64)}`, /contains a digest/],
    ["ghcr.io/acme//web", /not a valid repository name/],
    ["ghcr.io/acme/-web", /not a valid repository name/],
    ["ghcr.io/acme/web-", /not a valid repository name/],
    ["ghcr.io/acme/we b", /not a valid repository name/],
    ["https://ghcr.io/acme/web", /URL scheme/],
    ["", /is empty/],
  ])("rejects %s", (name, message) => {
    expect(() => parseImageName(name)).toThrow(message);
  });

  it.each([
    ["ghcr.io/Acme/Web", "ghcr.io/acme/web"],
    ["Acme/web", "acme/web"],
    ["Registry.Example.com:5000/Team/web", "registry.example.com:5000/team/web"],
  ])("lowercases %s to %s, keeping what was given", (given, name) => {
    expect(parseImageNameLowercasing(given)).toMatchObject({ name, lowercasedFrom: given });
  });

  it("lowercases nothing else: a bad name is still rejected with its own words", () => {
    expect(parseImageNameLowercasing("ghcr.io/acme/web")).not.toHaveProperty("lowercasedFrom");
    expect(() => parseImageNameLowercasing("ghcr.io/Acme/web:1")).toThrow(/contains a tag/);
    expect(() => parseImageNameLowercasing("ghcr.io/Acme/-web")).toThrow(
      /"ghcr.io\/Acme\/-web" is not a valid repository name/,
    );
  });

  it("keeps a port apart from a tag", () => {
    expect(imageRef(parseImageName("localhost:5000/web"), "abc")).toBe("localhost:5000/web:abc");
  });
});

describe("registry hosts", () => {
  it.each([
    ["docker.io", "docker.io"],
    ["index.docker.io", "docker.io"],
    ["registry-1.docker.io", "docker.io"],
    ["https://index.docker.io/v1/", "docker.io"],
    ["", "docker.io"],
    ["GHCR.IO", "ghcr.io"],
    ["https://ghcr.io", "ghcr.io"],
    ["127.0.0.1:5000", "127.0.0.1:5000"],
    ["http://registry.example.com:5000/v2/", "registry.example.com:5000"],
  ])("%s is the host %s", (address, host) => {
    expect(normalizeRegistryHost(address)).toBe(host);
  });

  it("gives Dokploy an empty registryUrl for Docker Hub and a bare host otherwise", () => {
    expect(dokployRegistryUrl("https://index.docker.io/v1/")).toBe("");
    expect(dokployRegistryUrl("docker.io")).toBe("");
    expect(dokployRegistryUrl("https://ghcr.io/")).toBe("ghcr.io");
  });

  it.each([
    ["latest", true],
    ["v1.2.3", true],
    ["3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c", true],
    ["_private", true],
    [".hidden", false],
    ["-dash", false],
    ["a".repeat(128), true],
    ["a".repeat(129), false],
    ["with/slash", false],
  ])("tag %s valid: %s", (tag, valid) => {
    expect(isValidTag(tag)).toBe(valid);
  });
});

describe("digests", () => {
  it("takes sha256, sha384 and sha512 digests in lowercase hex of their length, and nothing else", () => {
    for (const [algorithm, length] of [
      ["sha256", 64],
      ["sha384", 96],
      ["sha512", 128],
    ] as const) {
      expect(isValidDigest(`${algorithm}:${"a1".repeat(length / 2)}`)).toBe(true);
      expect(isValidDigest(`${algorithm}:${"a1".repeat(length / 2)}0`)).toBe(false);
    }
    for (const bad of ["", "sha256:", `sha256:${"A".repeat(64)}`, `sha256:${"0".repeat(64)}\n`, "sha256:0d1f ${X}"]) {
      expect(isValidDigest(bad)).toBe(false);
    }
  });

  it("says who gave a malformed digest, quoted on one line", () => {
    expect(() => checkedDigest("sha256:0d1f\n${DB_PASSWORD} # @octocat", "the registry")).toThrow(
      'the registry gave a malformed digest "sha256:0d1f\\n${DB_PASSWORD} # @octocat"; a digest is sha256: and 64 hex digits',
    );
    expect(checkedDigest(`sha256:${"0".repeat(64)}`, "the registry")).toBe(`sha256:${"0".repeat(64)}`);
  });
});
