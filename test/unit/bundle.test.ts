import { readFile, readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const dist = resolve(import.meta.dirname, "../../dist");
/** Octokit's user agent: in the bundle wherever Octokit's code is. */
const OCTOKIT = "octokit-core.js/";

async function chunksHolding(dir: string, needle: string): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".js"));
  const holding: string[] = [];
  for (const file of files) if ((await readFile(join(dir, file), "utf8")).includes(needle)) holding.push(file);
  return holding;
}

describe("the committed bundles", () => {
  it("leave Octokit out of the action's start-up: a chunk loaded only when GitHub's API is used", async () => {
    const holding = await chunksHolding(dist, OCTOKIT);
    expect(holding).toHaveLength(1);
    const [chunk = ""] = holding;
    expect(chunk).not.toBe("index.js");
    const id = /^(\d+)\.index\.js$/.exec(chunk)?.[1];
    expect(await readFile(join(dist, "index.js"), "utf8")).toContain(`.e(/* import() */ ${id ?? "?"})`);
  });

  it("leave Octokit out of the CLI altogether", async () => {
    expect(await chunksHolding(join(dist, "cli"), OCTOKIT)).toEqual([]);
  });
});
