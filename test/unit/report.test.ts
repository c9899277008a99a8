import { describe, expect, it } from "vitest";
import type { Outcome, Result } from "../../src/record/result";
import { commentMarkdown } from "../../src/report/comment";
import { reportModel } from "../../src/report/model";
import { plainLine } from "../../src/report/plain";
import { summaryMarkdown } from "../../src/report/summary";
import { CancelledError, type Config, DeployError, MESSAGE_LIMIT, type RawInputs, parseConfig } from "./imports";

function configOf(inputs: RawInputs = {}): Config {
  return parseConfig(
    {
      "dokploy-url": "https://d.example.com",
      "dokploy-api-key": "k",
      "application-id": "a",
      image: "ghcr.io/acme/web",
      ...inputs,
    },
    { sha: "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c" },
  );
}
const config = configOf();
const result = { image: "ghcr.io/acme/web:1", tag: "1", targets: [], timings: [] };

const summary = (c: Config, o: Outcome) => summaryMarkdown(reportModel(c, o));
const comment = (c: Config, o: Outcome) => commentMarkdown(reportModel(c, o), { environment: c.github.environment });
const plain = (c: Config, o: Outcome) => plainLine(reportModel(c, o));

describe("summaryMarkdown", () => {
  it("fences the error so that no backticks in it end the block", () => {
    const markdown = summary(config, {
      result,
      changes: [],
      error: new Error("log:\n```\n[click](https://evil.example)"),
    });
    expect(markdown).toContain("````\nlog:\n```\n[click](https://evil.example)\n````");
  });

  it("cuts a huge error message", () => {
    const markdown = summary(config, { result, changes: [], error: new Error("e".repeat(MESSAGE_LIMIT * 4)) });
    expect(markdown.length).toBeLessThan(MESSAGE_LIMIT + 2000);
    expect(markdown).toContain(`… (${String(MESSAGE_LIMIT * 3)} more characters)`);
  });

  it("lists what the run changed in Dokploy when it did not fail", () => {
    const markdown = summary(config, { result, changes: ["application web now points at x | y"] });
    expect(markdown).toContain("Changed in Dokploy:\n\n- `application web now points at x | y`\n");
  });
});

const web = { kind: "application" as const, id: "a", name: "web", deploymentId: "d1" };

/** A run's outcome: the result so far, the error that ended it, and what it changed. */
function outcomeOf(more: Partial<Result>, error?: Error, changes: string[] = []): Outcome {
  return { result: { ...result, ...more }, error, changes };
}

const OUTCOMES: [string, RawInputs, Outcome, string][] = [
  [
    "built only (push: false, deploy: false)",
    { deploy: "false", push: "false" },
    outcomeOf({}),
    "✅ Built (push and deploy: false)",
  ],
  ["built and pushed (deploy: false)", { deploy: "false" }, outcomeOf({}), "✅ Built and pushed (deploy: false)"],
  ["build failed with deploy: false", { deploy: "false" }, outcomeOf({}, new DeployError("x")), "❌ Deploy failed"],
  ["dry run", { "dry-run": "true" }, outcomeOf({ plan: ["docker build ."] }), "📝 Dry run"],
  [
    "deployed",
    {},
    outcomeOf({ deploymentStatus: "done", targets: [{ ...web, deploymentStatus: "done" }] }),
    "✅ Deployed",
  ],
  [
    "not followed (wait: false)",
    { wait: "false" },
    outcomeOf({ deploymentStatus: "queued", targets: [{ ...web, deploymentStatus: "queued" }] }),
    "⏳ Queued in Dokploy",
  ],
  [
    "superseded by a later run",
    {},
    outcomeOf({ deploymentStatus: "superseded", targets: [{ ...web, deploymentStatus: "superseded" }] }),
    "⚠️ Superseded by a later run",
  ],
  ["failed", {}, outcomeOf({ targets: [web] }, new DeployError("ended error")), "❌ Deploy failed"],
  ["cancelled", {}, outcomeOf({ targets: [web] }, new CancelledError("SIGTERM", "Cancelled")), "⏹️ Deploy cancelled"],
  ["preview closed", { preview: "close", "preview-number": "7" }, outcomeOf({ targets: [web] }), "🗑️ Preview removed"],
  [
    "preview close failed",
    { preview: "close", "preview-number": "7" },
    outcomeOf({ targets: [web] }, new DeployError("left alone")),
    "❌ Preview removal failed",
  ],
  ["old previews pruned", { preview: "prune" }, outcomeOf({ targets: [web] }), "🗑️ Old previews removed"],
  [
    "rolled back",
    { "rollback-on-failure": "true" },
    outcomeOf(
      { targets: [{ ...web, deploymentStatus: "error" }] },
      new DeployError("ended error\nRolled back to ghcr.io/acme/web:old"),
      ["application web points at ghcr.io/acme/web:old again"],
    ),
    "❌ Deploy failed",
  ],
];

describe("the verdict", () => {
  it.each(OUTCOMES)("%s: the job summary, the comment and the CLI say the same", (_name, inputs, end, verdict) => {
    const c = configOf(inputs);
    const words = verdict.slice(verdict.indexOf(" ") + 1);
    const headings = {
      summary: summary(c, end).split("\n")[0] ?? "",
      comment: comment(c, end).split("\n")[0] ?? "",
      cli: plain(c, end),
    };
    expect(headings.summary.startsWith(`## ${verdict}: `), headings.summary).toBe(true);
    expect(headings.comment.startsWith(`### ${verdict}: `), headings.comment).toBe(true);
    expect(headings.cli.slice(2).startsWith(`${words}: `), headings.cli).toBe(true);
  });
});

describe("the CLI's last line", () => {
  it("names the preview and its template when it removes one, and no image", () => {
    const close = configOf({ preview: "close", "preview-number": "7" });
    expect(plain(close, outcomeOf({ targets: [web] }))).toBe("✔ Preview removed: pr-7 of web");
    expect(plain(configOf({ preview: "prune" }), outcomeOf({ targets: [web] }))).toBe(
      "✔ Old previews removed: previews of web",
    );
  });

  it("says where the image went and how each deployment ended", () => {
    const end = outcomeOf({ deploymentStatus: "done", targets: [{ ...web, deploymentStatus: "done" }] });
    expect(plain(config, end)).toBe("✔ Deployed: ghcr.io/acme/web:1 to web (deployment done)");
  });

  it("names the targets as given on a dry run, and only the image building without deploying", () => {
    const dryRun = configOf({ "dry-run": "true", "application-id": "", application: "web", project: "shop" });
    expect(plain(dryRun, outcomeOf({ plan: ["docker build ."] }))).toBe(
      '✔ Dry run: ghcr.io/acme/web:1 would be deployed to application "web"',
    );
    expect(plain(configOf({ deploy: "false" }), outcomeOf({}))).toBe(
      "✔ Built and pushed (deploy: false): ghcr.io/acme/web:1",
    );
  });
});

describe("a preview's report", () => {
  it("shows the preview's address in the summary and the comment", () => {
    const preview = configOf({ preview: "open", "preview-number": "42" });
    const outcome = { result: { ...result, previewUrl: "https://pr-42.preview.example.com" }, changes: [] };
    expect(summary(preview, outcome)).toContain("| Preview | https://pr-42.preview.example.com |");
    expect(comment(preview, outcome)).toContain("| Preview | https://pr-42.preview.example.com |");
    expect(comment(preview, outcome)).toContain("preview/pr-42");
    expect(summary(config, { result, changes: [] })).not.toContain("Preview");
  });
});
