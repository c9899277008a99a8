/**
 * The job summary and the pull-request comment, fed the same hostile values from Dokploy, the
 * registry, the inputs and a red target's containers: in both, each such value is inline code
 * (HTML-escaped <code> where the line is raw HTML, or the fenced error and output), so no HTML,
 * link, emphasis or @mention of it renders.
 */
import { describe, expect, it } from "vitest";
import type { Outcome, TargetResult } from "../../src/record/result";
import { commentMarkdown } from "../../src/report/comment";
import { reportModel } from "../../src/report/model";
import { summaryMarkdown } from "../../src/report/summary";
import { type RawInputs, parseConfig } from "./imports";

/** Markup a renderer would act on, as Dokploy or an input could hold it. */
const HOSTILE = '<img src=x onerror=alert(1)> [click](https://evil.example) **bold** @octocat <a href="x">';
const PIECES = ["<img", "](https://evil.example)", "**bold**", "@octocat", "<a href", "<b>"];

function configOf(inputs: RawInputs): ReturnType<typeof parseConfig> {
  return parseConfig(
    {
      "dokploy-url": "https://d.example.com",
      "dokploy-api-key": "k",
      image: "ghcr.io/acme/web",
      "deploy-title": `Deploy \`${HOSTILE}\``,
      ...inputs,
    },
    { sha: "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c" },
  );
}

const target = (id: string): TargetResult => ({
  kind: "application",
  id,
  name: `web ${id} ${HOSTILE}`,
  url: `https://d.example.com/dashboard/${id}`,
  deploymentId: `dep-${id} \`${HOSTILE}`,
  deploymentStatus: `<b>done</b> ${HOSTILE}`,
  error: `failed: ${HOSTILE}`,
});

function outcome(ids: readonly string[], error?: Error): Outcome {
  return {
    result: {
      image: "ghcr.io/acme/web:1",
      tag: "1",
      digest: `sha256:${"0".repeat(64)}`,
      registryId: `reg-1 ${HOSTILE}`,
      targets: ids.map(target),
      timings: [{ step: `Deploy (web ${HOSTILE})`, seconds: 1.5 }],
      plan: [`POST /api/application.deploy {"title":"Deploy \`${HOSTILE}\`"}`],
      evidence: ids.map((id) => ({
        target: `web ${id} ${HOSTILE}`,
        sections: [
          { title: "Output of task", subject: `x ${HOSTILE}`, lines: [HOSTILE, "</details>", "```"] },
          { title: "Output of task", subject: "y", lines: [], note: "No output: the container printed nothing." },
        ],
      })),
    },
    error,
    changes: [`application "web ${HOSTILE}" now points at ghcr.io/acme/web:1`],
  };
}

/**
 * The markdown with its code spans and fenced blocks taken out: what renders as markup. A line
 * that starts with a tag starts raw HTML, up to the next blank line: there backticks are no
 * code (only <code> is) and the table or list that follows it without a blank line is no
 * markdown either.
 */
function outsideCode(markdown: string): string {
  const lines: string[] = [];
  let fence: string | undefined;
  let html = false;
  for (const line of markdown.split("\n")) {
    const opens = /^(`{3,})/.exec(line)?.[1];
    if (fence !== undefined) {
      if (line === fence) fence = undefined;
    } else if (html || /^<\/?[a-z]/i.test(line)) {
      html = line !== "";
      lines.push(line.replace(/<code>[^<]*<\/code>/g, "<code></code>"));
    } else if (opens !== undefined) fence = opens;
    else lines.push(line.replace(/`[^`]*`/g, "``"));
  }
  return lines.join("\n");
}

const CASES: [string, RawInputs, readonly string[], Error | undefined][] = [
  ["one target", { "application-id": "a" }, ["a"], undefined],
  ["two targets, failed", { "application-id": "a,b" }, ["a", "b"], new Error(`ended: ${HOSTILE}`)],
  ["a dry run", { "application-id": "a", "dry-run": "true" }, ["a"], undefined],
];

describe("values from outside, in every report", () => {
  it.each(CASES)("%s: the summary and the comment render none of them as markup", (_name, inputs, ids, error) => {
    const model = reportModel(configOf(inputs), outcome(ids, error));
    const rendered = {
      summary: summaryMarkdown(model),
      comment: commentMarkdown(model, { environment: `production ${HOSTILE}` }),
    };
    for (const [where, markdown] of Object.entries(rendered)) {
      const markup = outsideCode(markdown);
      for (const piece of PIECES) expect(markup, `${where} renders ${piece}:\n${markdown}`).not.toContain(piece);
      // Still shown, as text.
      expect(markdown, where).toContain(`\`web ${ids[0] ?? ""} ${HOSTILE}\``);
    }
  });
});
