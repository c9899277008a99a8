/**
 * The catalog pipeline's release job runs the `release` keyword with glab.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderCatalogPipeline } from "../../scripts/docs";

describe("the catalog pipeline's release job", () => {
  it("runs the release keyword with glab 1.58.0 or newer, not the deprecated release-cli", () => {
    const pipeline = parse(renderCatalogPipeline()) as Record<string, Record<string, unknown>>;
    const job = pipeline["create-release"] ?? {};
    const image = String(job.image);
    expect(image).not.toContain("release-cli");
    const version = /^registry\.gitlab\.com\/gitlab-org\/cli:v(\d+)\.(\d+)\.(\d+)$/.exec(image);
    expect(version, image).not.toBeNull();
    const [major, minor] = [Number(version?.[1]), Number(version?.[2])];
    expect(major > 1 || (major === 1 && minor >= 58)).toBe(true);
    expect(job.release).toMatchObject({ tag_name: "$CI_COMMIT_TAG" });
    expect(job.script).toBeDefined();
  });
});
