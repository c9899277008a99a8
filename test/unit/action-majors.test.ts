import { readFile, readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ACTION_MAJORS } from "../../scripts/action-majors";
import { PUBLISHED } from "../../scripts/published";

const root = resolve(import.meta.dirname, "../..");

/** Every file a user copies a workflow from, and the repository's own workflows. */
async function workflowTexts(): Promise<[string, string][]> {
  const paths = ["README.md", "CONTRIBUTING.md"];
  for (const dir of ["examples", ".github/workflows", "docs"]) {
    for (const entry of await readdir(join(root, dir), { recursive: true })) {
      if (/\.(ya?ml|md)$/.test(entry)) paths.push(join(dir, entry));
    }
  }
  return Promise.all(paths.map(async (path) => [path, await readFile(join(root, path), "utf8")] as [string, string]));
}

function usesOf(text: string): string[] {
  return [...text.matchAll(/^\s*(?:-\s+)?uses:\s*["']?([^\s"'#`]+)/gm)].map((m) => m[1] ?? "");
}

const texts = await workflowTexts();

/** What is wrong with one `uses:` reference, or undefined: the action's major from scripts/action-majors.ts, exactly. */
function majorProblem(use: string): string | undefined {
  if (use === "./" || use.startsWith("docker://")) return undefined;
  // Forgejo and Gitea name it by URL (examples/forgejo).
  const ours = [`${PUBLISHED.github}@`, `https://github.com/${PUBLISHED.github}@`, "<you>/"];
  if (ours.some((prefix) => use.startsWith(prefix))) return undefined;
  const [action = "", ref = ""] = use.split("@");
  const current = ACTION_MAJORS[action];
  if (current === undefined) return `${use}: add ${action} to ACTION_MAJORS in scripts/action-majors.ts`;
  const major = /^v(\d+)$/.exec(ref)?.[1];
  if (major === undefined) return `${use}: use a major tag (v<N>)`;
  if (Number(major) !== current) return `${use}: the current major of ${action} is v${String(current)}`;
  return undefined;
}

describe("every example, doc and workflow uses the current major of the actions it names", () => {
  it("finds the steps to check", () => {
    const uses = texts.flatMap(([, text]) => usesOf(text));
    expect(uses.length).toBeGreaterThan(20);
    expect(uses).toContain(`actions/checkout@v${String(ACTION_MAJORS["actions/checkout"])}`);
  });

  it("fails on an older or a newer major, a minimum is not enough", () => {
    const current = ACTION_MAJORS["actions/checkout"] ?? 0;
    expect(majorProblem(`actions/checkout@v${String(current)}`)).toBeUndefined();
    expect(majorProblem(`actions/checkout@v${String(current - 1)}`)).toMatch(/current major/);
    expect(majorProblem(`actions/checkout@v${String(current + 1)}`)).toMatch(/current major/);
    expect(majorProblem("actions/checkout@main")).toMatch(/major tag/);
    expect(majorProblem("someone/unknown-action@v1")).toMatch(/add someone\/unknown-action/);
  });

  it.each(texts)("%s", (_path, text) => {
    expect(usesOf(text).flatMap((use) => majorProblem(use) ?? [])).toEqual([]);
  });
});
