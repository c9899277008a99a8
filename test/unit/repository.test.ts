import { access, readFile, readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import packageJson from "../../package.json";
import { OWNER, PUBLISHED } from "../../scripts/published";

const root = resolve(import.meta.dirname, "../..");

/** Every text a user reads or copies from. */
async function userFacingFiles(): Promise<string[]> {
  const files = ["README.md", "CONTRIBUTING.md", "SECURITY.md", "CHANGELOG.md", "action.yml"];
  for (const dir of ["examples", "gitlab", "bitbucket", ".github/workflows", "docs"]) {
    for (const entry of await readdir(join(root, dir), { recursive: true })) {
      if (/\.(md|ya?ml)$|Dockerfile$/.test(entry)) files.push(join(dir, entry));
    }
  }
  return files;
}

describe("the repository as a newcomer meets it", () => {
  it.each(Object.entries(packageJson.scripts))("npm run %s names files that exist", async (_name, command) => {
    for (const path of command.match(/\b(?:scripts|src|test)\/[\w./-]+\.\w+/g) ?? []) {
      await expect(access(join(root, path)), path).resolves.toBeUndefined();
    }
  });

  it("the README's Develop section, its last, runs the two scripts, and npm run demo runs the demo again", async () => {
    const readme = await readFile(join(root, "README.md"), "utf8");
    const develop = readme.slice(readme.indexOf("\n## Develop\n"));
    expect(develop).not.toMatch(/^## (?!Develop)/m);
    expect([...develop.matchAll(/^(bash \S+)/gm)].map((m) => m[1])).toEqual([
      "bash scripts/demo.sh",
      "bash scripts/test.sh",
    ]);
    expect(packageJson.scripts.demo).toBe("bash scripts/demo.sh");
    // .ci/run runs the README's test command.
    expect(await readFile(join(root, ".ci/run"), "utf8")).toMatch(/^TEST_REPORT=\S+ bash scripts\/test\.sh$/m);
  });

  it("names the Node version package.json's engines asks for", async () => {
    const floor = /^>=(\d+\.\d+)$/.exec(packageJson.engines.node)?.[1];
    expect(floor).toBeDefined();
    let named = 0;
    for (const file of ["README.md", "CONTRIBUTING.md"]) {
      const text = await readFile(join(root, file), "utf8");
      for (const m of text.matchAll(/Node (\d+(?:\.\d+)?) or newer/g)) {
        expect(m[1], file).toBe(floor);
        named++;
      }
    }
    expect(named).toBeGreaterThanOrEqual(2);
  });

  it("names one owner everywhere, and says that it is a placeholder", async () => {
    const owners = new Set<string>();
    for (const file of await userFacingFiles()) {
      const text = await readFile(join(root, file), "utf8");
      for (const m of text.matchAll(/([\w.-]+)\/dokploy-deploy(?:-pipe)?\b/g)) owners.add(m[1] ?? "");
    }
    // Not owners: the runner image's paths (/opt/dokploy-deploy, /usr/local/bin/…), this repository's
    // bitbucket/dokploy-deploy, and hosts when a URL has no owner in it.
    for (const word of ["opt", "bin", "bitbucket"]) owners.delete(word);
    expect([...owners]).toEqual([OWNER]);
    const readme = await readFile(join(root, "README.md"), "utf8");
    expect(readme).toMatch(new RegExp(`\`${OWNER}\`[^.]*is a \\*\\*placeholder\\*\\*`));
    for (const place of Object.values(PUBLISHED)) expect(readme).toContain(place);
  });
});
