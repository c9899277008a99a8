import { describe, expect, it } from "vitest";
import { formatMarker, isOfTemplate, isPreviewOf, parseMarker } from "../../src/preview/marker";

const marker = {
  pr: "42",
  repo: "acme/web app",
  template: { kind: "application", id: "UuH3SNuDvHGux046xpNIw" },
  created: "2026-12-07T10:00:00.000Z",
} as const;

describe("the preview marker", () => {
  it("reads back what it writes, with and without a deploy", () => {
    const created = formatMarker(marker);
    expect(created).toBe(
      "dokploy-deploy preview v1 pr=42 repo=acme%2Fweb%20app template=application:UuH3SNuDvHGux046xpNIw created=2026-12-07T10:00:00.000Z",
    );
    expect(parseMarker(created)).toEqual(marker);
    const deployed = { ...marker, deployed: "2026-12-07T11:00:00Z", sha: "3f2c1ab" };
    expect(parseMarker(formatMarker({ ...deployed, sha: "3f2c1ab0c3f2" }))).toEqual(deployed);
    expect(parseMarker(formatMarker({ ...marker, repo: "" }))?.repo).toBe("");
    const noSha = { ...marker, deployed: "2026-12-07T11:00:00Z" };
    expect(parseMarker(formatMarker({ ...noSha, sha: "local" }))).toEqual(noSha);
  });

  it.each([
    ["", "empty"],
    ["pr-42", "a name alone"],
    [`${formatMarker(marker)} `, "trailing space"],
    [` ${formatMarker(marker)}`, "leading space"],
    [formatMarker(marker).replace("v1", "v2"), "another version"],
    [formatMarker(marker).replace("pr=42", "pr=042"), "a number with a leading zero"],
    [formatMarker(marker).replace("application:", "postgres:"), "another kind"],
    [formatMarker(marker).replace("created=2026-12-07T10:00:00.000Z", "created=yesterday"), "a date that is none"],
    [`${formatMarker(marker)} sha=3f2c1ab`, "sha without deployed"],
    [formatMarker(marker).replace("acme%2Fweb%20app", "acme/web"), "a repository not encoded"],
    [formatMarker(marker).replace("acme%2Fweb%20app", "%E0%A4%A"), "an encoding that does not decode"],
    [`my notes\n${formatMarker(marker)}`, "text around it"],
  ])("is not read from %j (%s)", (text) => {
    expect(parseMarker(text)).toBeUndefined();
  });

  it("is of this template and repository, and this pull request's, only when all three agree", () => {
    const parsed = parseMarker(formatMarker(marker));
    const template = marker.template;
    expect(isOfTemplate(parsed, "acme/web app", template)).toBe(true);
    expect(isOfTemplate(parsed, "acme/other", template)).toBe(false);
    expect(isOfTemplate(parsed, "acme/web app", { kind: "application", id: "other" })).toBe(false);
    expect(isOfTemplate(parsed, "acme/web app", { kind: "compose", id: template.id })).toBe(false);
    expect(isPreviewOf(parsed, "acme/web app", template, "42")).toBe(true);
    expect(isPreviewOf(parsed, "acme/web app", template, "43")).toBe(false);
    expect(isPreviewOf(undefined, "acme/web app", template, "42")).toBe(false);
  });
});
