import { describe, expect, it } from "vitest";
import { adviceFor } from "../../src/core/advice";
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
});
