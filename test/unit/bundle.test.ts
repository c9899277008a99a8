import { execFile } from "node:child_process";
import { cp, readFile, readdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parseOutputFile } from "../support/action";
import { tempDir } from "../support/temp";

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
  it("carry the sources' code without their comments (the sources keep them)", async () => {
    const source = await readFile(resolve(import.meta.dirname, "../../src/record/ledger.ts"), "utf8");
    const comment = "The one record of a run";
    expect(source).toContain(comment);
    for (const bundle of ["index.js", "cli/index.js"]) {
      const code = await readFile(join(dist, bundle), "utf8");
      expect(code).toContain("class Ledger");
      expect(code).not.toContain(comment);
    }
  });

  it("leave Octokit out of the action's start-up: a chunk loaded only when GitHub's API is used", async () => {
    const holding = await chunksHolding(dist, OCTOKIT);
    expect(holding).toHaveLength(1);
    const [chunk = ""] = holding;
    expect(chunk).not.toBe("index.js");
    const id = /^(\d+)\.index\.js$/.exec(chunk)?.[1];
    expect(await readFile(join(dist, "index.js"), "utf8")).toContain(`.e(/* import() */ ${id ?? "?"})`);
  });

  it("load for the Dokploy check undici's pool and request only: its WebSocket, fetch and mocks load with the live log", async () => {
    const [remote = "?"] = await chunksHolding(dist, "CONCATENATED MODULE: ./src/pipeline/remote.ts");
    const remoteId = /^(\d+)\./.exec(remote)?.[1] ?? "?";
    // The dynamic import of the HTTP side: every chunk it needs, loaded at once.
    const index = await readFile(join(dist, "index.js"), "utf8");
    const loading = [...index.matchAll(/Promise\.all\(\/\* import\(\) \*\/\[([^\]]*)\]/g)]
      .map((m) => m[1] ?? "")
      .find((list) => list.includes(`.e(${remoteId})`));
    const ids = [...(loading ?? "").matchAll(/\.e\((\d+)\)/g)].map((m) => m[1] ?? "?");
    expect(ids).toContain(remoteId);
    const whole = ["class WebSocket extends EventTarget", "class MockAgent", "fetch failed"];
    for (const id of ids) {
      const text = await readFile(join(dist, `${id}.index.js`), "utf8");
      for (const needle of whole) expect(text, `${id}.index.js holds ${needle}`).not.toContain(needle);
    }
    // The live log still has the WebSocket, in a chunk the HTTP side loads when it follows a deployment.
    const sockets = await chunksHolding(dist, "class WebSocket extends EventTarget");
    const fromRemote = await readFile(join(dist, remote), "utf8");
    expect(sockets.some((chunk) => fromRemote.includes(`.e(${/^(\d+)\./.exec(chunk)?.[1] ?? "?"})`))).toBe(true);
  });

  it("leave Octokit out of the CLI altogether", async () => {
    expect(await chunksHolding(join(dist, "cli"), OCTOKIT)).toEqual([]);
  });
});

describe("the action's bundle at run time", () => {
  it("writes its outputs and the job summary without loading @actions/core (a MiB, with its own HTTP client)", async () => {
    // The bundle without the chunk that holds @actions/core's summary: a run that loads it fails.
    const copy = await tempDir("bundle");
    const [toolkit] = await chunksHolding(dist, "Unable to access summary file");
    expect(toolkit).toBeDefined();
    await cp(dist, copy, { recursive: true, filter: (path) => !path.endsWith(`/${toolkit ?? "?"}`) });
    const output = join(copy, "output");
    const summary = join(copy, "summary");
    await writeFile(output, "");
    await writeFile(summary, "");
    const sha = "0123456789abcdef0123456789abcdef01234567";
    const run = await promisify(execFile)(process.execPath, [join(copy, "index.js")], {
      cwd: copy,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: copy,
        GITHUB_ACTIONS: "true",
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_SHA: sha,
        GITHUB_REPOSITORY: "acme/web",
        INPUT_IMAGE: "ghcr.io/acme/web",
        "INPUT_DRY-RUN": "true",
        INPUT_BUILD: "false",
        INPUT_DEPLOY: "false",
      },
    });
    expect(run.stdout).not.toContain("::error::");
    expect(parseOutputFile(await readFile(output, "utf8"))).toMatchObject({
      image: `ghcr.io/acme/web:${sha}`,
      tag: sha,
    });
    expect(await readFile(summary, "utf8")).toContain(`Dry run: \`ghcr.io/acme/web:${sha}\``);
  });
});
