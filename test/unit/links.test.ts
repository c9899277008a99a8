import { existsSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { PUBLISHED } from "../../scripts/published";

const root = resolve(import.meta.dirname, "../..");

/**
 * Pages that other changes add (the Woodpecker and Drone plugin, Forgejo and Gitea Actions): the
 * README links them already. Exactly these may be missing, and only until they exist.
 */
const ADDED_ELSEWHERE = new Set(["docs/woodpecker-drone.md", "docs/forgejo-gitea.md"]);

/** The text outside fenced code blocks. */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```$/gm, "");
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchors(text: string): Set<string> {
  return new Set([...prose(text).matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1] ?? "")));
}

/** Every relative link of a markdown text: [text](target), the target without a title. */
function links(text: string): string[] {
  return [...prose(text).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1] ?? "")
    .filter((target) => !/^[a-z]+:/.test(target));
}

/** What is wrong with each relative link of a page, as `<page>: <link>: <why>`. */
async function brokenLinks(page: string, text: string): Promise<string[]> {
  const problems: string[] = [];
  for (const link of links(text)) {
    const [path = "", anchor] = link.split("#");
    const target = path === "" ? join(root, page) : resolve(dirname(join(root, page)), path);
    const name = relative(root, target);
    if (!existsSync(target)) {
      if (!ADDED_ELSEWHERE.has(name)) problems.push(`${page}: ${link}: no such file`);
      continue;
    }
    if (anchor && name.endsWith(".md") && !anchors(await readFile(target, "utf8")).has(anchor)) {
      problems.push(`${page}: ${link}: no heading #${anchor} in ${name}`);
    }
  }
  return problems;
}

const pages = [
  "README.md",
  "CONTRIBUTING.md",
  ...(await readdir(join(root, "docs"))).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`),
];

describe("the README's and the docs' links", () => {
  it.each(pages)("%s links only files and headings that exist", async (page) => {
    expect(await brokenLinks(page, await readFile(join(root, page), "utf8"))).toEqual([]);
  });

  it("finds a broken link, a missing heading, and lets pass only the two pages added elsewhere", async () => {
    const text = [
      "[a](docs/nothing.md) [b](docs/inputs.md#no-such-heading) [c](#develop) [d](docs/woodpecker-drone.md)",
      "[e](docs/forgejo-gitea.md) [f](docs/other-ci.md) [g](https://example.com/x.md)",
    ].join("\n");
    expect(await brokenLinks("README.md", text)).toEqual([
      "README.md: docs/nothing.md: no such file",
      "README.md: docs/inputs.md#no-such-heading: no heading #no-such-heading in docs/inputs.md",
      "README.md: docs/other-ci.md: no such file",
    ]);
  });

  it("the README links the docs pages, the other CIs' pages, and keeps the anchors the pipe and component link", async () => {
    const readme = await readFile(join(root, "README.md"), "utf8");
    for (const page of pages.filter((p) => p.startsWith("docs/"))) expect(readme).toContain(`](${page})`);
    for (const page of [...ADDED_ELSEWHERE, "gitlab/README.md", "bitbucket/README.md"]) {
      expect(readme).toContain(`](${page})`);
    }
    for (const readmeOfCi of ["gitlab/README.md", "bitbucket/README.md"]) {
      const text = await readFile(join(root, readmeOfCi), "utf8");
      for (const m of text.matchAll(new RegExp(`https://github\\.com/${PUBLISHED.github}#([\\w-]+)`, "g"))) {
        expect(anchors(readme), `${readmeOfCi} links #${m[1] ?? ""}`).toContain(m[1]);
      }
    }
  });
});
