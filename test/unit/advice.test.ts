import { describe, expect, it } from "vitest";
import { adviceFor } from "../../src/config/advice";
import { type RawInputs, parseConfig } from "./imports";

const base: RawInputs = {
  "dokploy-url": "https://d.example.com",
  "dokploy-api-key": "k",
  "application-id": "a",
  image: "ghcr.io/acme/web",
};
const sha = "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c";

describe("adviceFor", () => {
  it("says nothing for the defaults", () => {
    expect(adviceFor(parseConfig(base, { sha }))).toEqual([]);
  });

  it("warns about a floating tag unless the digest is pinned", () => {
    expect(adviceFor(parseConfig({ ...base, tag: "latest" }, { sha }))[0]).toMatch(/tag "latest" is a floating tag/);
    expect(adviceFor(parseConfig({ ...base, tag: "latest", "pin-digest": "true" }, { sha }))).toEqual([]);
  });

  it("warns when Dokploy would keep an ECR login password", () => {
    const ecr = {
      ...base,
      image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web",
      "registry-username": "AWS",
      "registry-password": "token",
    };
    expect(adviceFor(parseConfig(ecr, { sha }))[0]).toMatch(/expires after 12 hours/);
    expect(adviceFor(parseConfig({ ...ecr, "pull-username": "u", "pull-password": "long-lived" }, { sha }))).toEqual(
      [],
    );
  });

  it("warns when Dokploy would keep a GitHub job token (ghs_)", () => {
    const ghs = { ...base, "registry-username": "bot", "registry-password": `ghs_${"a".repeat(36)}` };
    expect(adviceFor(parseConfig(ghs, { sha })).join("\n")).toMatch(/GitHub job token .* expires when the job ends/);
    expect(adviceFor(parseConfig({ ...ghs, "pull-username": "u", "pull-password": "ghp_long" }, { sha }))).toEqual([]);
  });

  it("says that spaces around a password were removed", () => {
    const spaced = { ...base, "registry-username": "u", "registry-password": " pw " };
    expect(adviceFor(parseConfig(spaced, { sha }))).toEqual([
      expect.stringMatching(/^registry-password starts or ends with spaces, which were removed/),
    ]);
  });

  it("warns that health-url credentials over http:// travel in clear text", () => {
    const health = { ...base, "health-url": "http://u:p@app.example.com/health" };
    expect(adviceFor(parseConfig(health, { sha })).join("\n")).toMatch(/health-url has credentials and uses http:\/\//);
  });
});
