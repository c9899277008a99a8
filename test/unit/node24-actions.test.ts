import { readFile, readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { PUBLISHED } from "../../scripts/published";

const root = resolve(import.meta.dirname, "../..");

/**
 * The first major of each action whose action.yml says `runs: using: node24` (read at each major
 * tag of the action's repository, 2026-11-23). Node 20 actions print deprecation warnings on
 * GitHub's runners; an action missing here must be added before an example or workflow uses it.
 */
const FIRST_NODE24_MAJOR: Record<string, number> = {
  "actions/checkout": 5,
  "actions/setup-node": 5,
  "docker/setup-buildx-action": 4,
  "docker/login-action": 4,
  "docker/build-push-action": 7,
  "docker/setup-qemu-action": 4,
  "docker/metadata-action": 6,
  "aws-actions/configure-aws-credentials": 6,
  // The v2 tag moved to node24 (v2.1.5).
  "aws-actions/amazon-ecr-login": 2,
  "google-github-actions/auth": 3,
};

/** Every file a user copies a workflow from, and the repository's own workflows. */
async function workflowTexts(): Promise<[string, string][]> {
  const paths = ["README.md", "CONTRIBUTING.md", "docs/benchmarks.md"];
  for (const dir of ["examples", ".github/workflows"]) {
    for (const entry of await readdir(join(root, dir), { recursive: true })) {
      if (/\.ya?ml$/.test(entry)) paths.push(join(dir, entry));
    }
  }
  return Promise.all(paths.map(async (path) => [path, await readFile(join(root, path), "utf8")] as [string, string]));
}

function usesOf(text: string): string[] {
  return [...text.matchAll(/^\s*(?:-\s+)?uses:\s*["']?([^\s"'#]+)/gm)].map((m) => m[1] ?? "");
}

const texts = await workflowTexts();

describe("every example and workflow uses the Node 24 majors of the actions it names", () => {
  it("finds the steps to check", () => {
    const uses = texts.flatMap(([, text]) => usesOf(text));
    expect(uses.length).toBeGreaterThan(20);
    expect(uses).toContain("actions/checkout@v5");
  });

  it.each(texts)("%s", (_path, text) => {
    for (const use of usesOf(text)) {
      if (use === "./" || use.startsWith(`${PUBLISHED.github}@`) || use.startsWith("docker://")) continue;
      const [action = "", ref = ""] = use.split("@");
      const first = FIRST_NODE24_MAJOR[action];
      expect(
        first,
        `${use}: add ${action} to FIRST_NODE24_MAJOR with the first major that runs on node24`,
      ).toBeDefined();
      const major = /^v(\d+)$/.exec(ref)?.[1];
      expect(major, `${use}: use a major tag (v<N>)`).toBeDefined();
      expect(Number(major), `${use}: ${action} runs on node24 from v${String(first)}`).toBeGreaterThanOrEqual(
        first ?? 0,
      );
    }
  });
});
