/**
 * evidenceBlocks: what each red target left to see, in the job summary and the pull-request
 * comment: a collapsed block per target, each section under its title, the lines fenced so
 * that nothing in them renders or ends the block, and at most `limit` characters of lines per
 * target, the last ones.
 */
import { describe, expect, it } from "vitest";
import type { EvidenceSection } from "../../src/record/entries";
import type { Evidence, Outcome } from "../../src/record/result";
import { commentMarkdown } from "../../src/report/comment";
import { evidenceBlocks } from "../../src/report/markdown";
import { type ReportModel, reportModel } from "../../src/report/model";
import { summaryMarkdown } from "../../src/report/summary";
import { DeployError, parseConfig } from "./imports";

const config = parseConfig(
  {
    "dokploy-url": "https://d.example.com",
    "dokploy-api-key": "k",
    "application-id": "a,b",
    image: "ghcr.io/acme/web",
  },
  { sha: "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c" },
);

function outcomeWith(evidence: readonly Evidence[]): Outcome {
  return {
    result: {
      image: "ghcr.io/acme/web:1",
      tag: "1",
      targets: [
        { kind: "application", id: "a", name: "web", deploymentId: "d1", deploymentStatus: "not-running" },
        { kind: "application", id: "b", name: "api", deploymentId: "d2", deploymentStatus: "error" },
      ],
      timings: [{ step: "Wait for the deployment (web)", seconds: 12.5 }],
      evidence,
    },
    error: new DeployError("2 of 2 targets failed"),
    changes: [],
  };
}

const modelWith = (evidence: readonly Evidence[]): ReportModel => reportModel(config, outcomeWith(evidence));

const tasks: EvidenceSection = {
  title: "Docker Swarm's tasks of",
  subject: "web-3f2c1a",
  lines: ["k2m4p6r8t0v2  desired shutdown  Failed 3 seconds ago  task: non-zero exit (1)"],
};
const output: EvidenceSection = {
  title: "Output of task",
  subject: "k2m4p6r8t0v2 (Failed 3 seconds ago)",
  lines: ["2026-12-07T03:54:17.127Z missing DATABASE_URL", "2026-12-07T03:54:17.128Z exiting"],
};
const silent: EvidenceSection = {
  title: "Output of task",
  subject: "a0b2c4d6e8f0 (Running 1 second ago)",
  lines: [],
  note: "No output: the container printed nothing.",
};

/** The text between the fences of each code block, in order. */
function fenced(markdown: string): string[] {
  const blocks: string[] = [];
  let fence: string | undefined;
  let body: string[] = [];
  for (const line of markdown.split("\n")) {
    if (fence === undefined) {
      const opens = /^(`{3,})$/.exec(line)?.[1];
      if (opens) [fence, body] = [opens, []];
    } else if (line === fence) {
      blocks.push(body.join("\n"));
      fence = undefined;
    } else body.push(line);
  }
  return blocks;
}

describe("evidenceBlocks", () => {
  it("is nothing without evidence", () => {
    expect(evidenceBlocks(modelWith([]), 1000)).toEqual([]);
  });

  it("gives each target a collapsed block, each section its title, subject, note and fenced lines, in order", () => {
    const lines = evidenceBlocks(
      modelWith([
        { target: "web", sections: [tasks, output] },
        { target: "api", sections: [silent] },
      ]),
      60_000,
    );
    const markdown = lines.join("\n");
    expect(markdown.match(/<details>/g)).toHaveLength(2);
    expect(markdown.match(/<\/details>/g)).toHaveLength(2);
    expect(markdown.indexOf("What went wrong in")).toBeLessThan(markdown.lastIndexOf("What went wrong in"));
    expect(markdown).toContain("**Docker Swarm's tasks of** `web-3f2c1a`");
    expect(markdown).toContain("**Output of task** `k2m4p6r8t0v2 (Failed 3 seconds ago)`");
    expect(markdown).toContain(
      "**Output of task** `a0b2c4d6e8f0 (Running 1 second ago)`\n\n_No output: the container printed nothing._",
    );
    expect(fenced(markdown)).toEqual([tasks.lines.join("\n"), output.lines.join("\n")]);
    // The second target's block holds its own section, and no code block: it has no lines.
    const api = markdown.slice(markdown.lastIndexOf("<details>"));
    expect(api).toContain("a0b2c4d6e8f0");
    expect(api).not.toContain("```");
    expect(api).not.toContain("k2m4p6r8t0v2");
  });

  it("keeps at most `limit` characters of a target's lines, the last ones, shared among its sections", () => {
    const many = (prefix: string) =>
      Array.from({ length: 400 }, (_, i) => `${prefix} line ${String(i).padStart(3, "0")}`);
    const first: EvidenceSection = { title: "Output of task", subject: "one", lines: many("first") };
    const second: EvidenceSection = { title: "Output of task", subject: "two", lines: many("second") };
    const [a, b] = fenced(evidenceBlocks(modelWith([{ target: "web", sections: [first, second] }]), 2000).join("\n"));

    expect(a?.length).toBe(1001);
    expect(b?.length).toBe(1001);
    expect(a?.startsWith("…")).toBe(true);
    expect(a?.endsWith("first line 399")).toBe(true);
    expect(b?.endsWith("second line 399")).toBe(true);
    expect(a).not.toContain("first line 000");
    expect(`${first.lines.join("\n")}`.endsWith(a?.slice(1) ?? "?")).toBe(true);
    // Lines within the limit are kept whole, without the mark.
    const [whole] = fenced(evidenceBlocks(modelWith([{ target: "web", sections: [output] }]), 2000).join("\n"));
    expect(whole).toBe(output.lines.join("\n"));
  });

  it("gives each target its own limit", () => {
    const big: EvidenceSection = { title: "Output of task", subject: "x", lines: ["y".repeat(5000)] };
    const blocks = fenced(
      evidenceBlocks(
        modelWith([
          { target: "web", sections: [big] },
          { target: "api", sections: [big] },
        ]),
        1500,
      ).join("\n"),
    );
    expect(blocks.map((block) => block.length)).toEqual([1501, 1501]);
  });

  it("fences the lines with more backticks than any run of them in the lines", () => {
    const hostile: EvidenceSection = {
      title: "Output of task",
      subject: "x",
      lines: ["```", "````````` nine", "``", "</details>", "```js"],
    };
    const markdown = evidenceBlocks(modelWith([{ target: "web", sections: [hostile] }]), 60_000).join("\n");
    expect(markdown).toContain(`\n${"`".repeat(10)}\n${hostile.lines.join("\n")}\n${"`".repeat(10)}\n`);
    expect(fenced(markdown)).toEqual([hostile.lines.join("\n")]);
  });

  it("keeps a subject with backticks and line breaks one inline code span, and a note without markup", () => {
    const section: EvidenceSection = {
      title: "Output of",
      subject: "container `rm -rf /`\nweb (Exited (1))",
      lines: [],
      note: "No output: _x_ **y** <b>z</b> [l](https://evil.example) `c`.",
    };
    const markdown = evidenceBlocks(modelWith([{ target: "web", sections: [section] }]), 60_000).join("\n");
    expect(markdown).toContain("**Output of** `container 'rm -rf /' web (Exited (1))`\n");
    expect(markdown).toContain("_No output: x y bz/b l(https://evil.example) c._");
  });
});

describe("the block's summary line, which is raw HTML", () => {
  const HOSTILE = '<img src=x onerror=alert(1)> `x` <a href="https://evil.example">@octocat</a>\n\n# heading';

  it("names the target as HTML-escaped code on one line: backticks are no code in HTML, and a blank line would end it", () => {
    const [, summary] = evidenceBlocks(modelWith([{ target: `web ${HOSTILE}`, sections: [output] }]), 60_000);
    expect(summary).toBe(
      "<details><summary>What went wrong in <code>web &lt;img src=x onerror=alert(1)&gt; `x` &lt;a href=&quot;https://evil.example&quot;&gt;@octocat&lt;/a&gt;  # heading</code></summary>",
    );
  });

  it("leaves a blank line after each block, so what follows (the timing table) is markdown again", () => {
    const lines = summaryMarkdown(modelWith([{ target: "web", sections: [output] }])).split("\n");
    const end = lines.lastIndexOf("</details>");
    expect(lines[end + 1]).toBe("");
    expect(lines.slice(end + 1).join("\n")).toMatch(/^\n+\| Step \| Seconds \|\n\|---\|---:\|\n/);
  });
});

describe("the evidence in the job summary and the comment", () => {
  const evidence = [
    { target: "web", sections: [tasks, output] },
    { target: "api", sections: [silent] },
  ];

  it("the summary shows every target's block, below the failure", () => {
    const markdown = summaryMarkdown(modelWith(evidence));
    expect(markdown.match(/<details><summary>What went wrong in/g)).toHaveLength(2);
    expect(markdown.indexOf("2 of 2 targets failed")).toBeLessThan(markdown.indexOf("What went wrong in"));
    expect(markdown).toContain("missing DATABASE_URL");
  });

  it("the comment shares its room among the targets", () => {
    const big: EvidenceSection = { title: "Output of task", subject: "x", lines: ["z".repeat(50_000)] };
    const markdown = commentMarkdown(
      modelWith([
        { target: "web", sections: [big] },
        { target: "api", sections: [big] },
      ]),
      { environment: "production" },
    );
    const [why, ...blocks] = fenced(markdown);
    expect(why).toBe("2 of 2 targets failed");
    expect(blocks.map((block) => block.length)).toEqual([20_001, 20_001]);
    expect(markdown.length).toBeLessThan(65_536);
  });

  it("the comment stays within GitHub's limit however many sections and targets there are, and says what it left out", () => {
    const sections = Array.from({ length: 30 }, (_, i): EvidenceSection => ({
      title: "Output of task",
      subject: `task${String(i)}`,
      lines: ["y".repeat(600)],
    }));
    const evidence = Array.from({ length: 40 }, (_, i) => ({ target: `svc${String(i)}`, sections }));
    const markdown = commentMarkdown(modelWith(evidence), { environment: "production" });
    expect(markdown.length).toBeLessThan(65_536);
    const shown = markdown.match(/<details><summary>What went wrong in/g)?.length ?? 0;
    expect(shown).toBeGreaterThan(0);
    expect(markdown).toContain(
      `What went wrong in ${String(40 - shown)} more targets is in the job summary and the log.`,
    );
  });
});
