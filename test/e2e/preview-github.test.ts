/**
 * A preview's GitHub side against a live Dokploy: the bundled action on pull_request events, with
 * GitHub's REST API on loopback. Open records a transient deployment of preview/pr-<n> at the
 * preview's address and comments it; close, once Dokploy no longer holds the preview, marks that
 * deployment inactive and rewrites the comment to say what was removed.
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, it } from "vitest";
import { type E2E, commitSha, describeLive } from "../support/e2e";
import { GithubApiStandIn } from "../support/github-api-stand-in";
import { environments, marked, removePreviewsAfter, template } from "../support/live-previews";
import { type LiveProject, newProject, suffix } from "../support/live-targets";
import { tempDir } from "../support/temp";

const TOKEN = `ghs_${randomBytes(18).toString("hex")}`;

async function markedIn(e2e: E2E, project: LiveProject) {
  return marked(await environments(e2e, project));
}

/** A pull_request event of acme/web from its own branch, with its payload where the runner puts it. */
async function pullRequest(github: GithubApiStandIn, number: number, action: string): Promise<Record<string, string>> {
  const path = join(await tempDir("event"), "event.json");
  const head = { sha: commitSha(), repo: { full_name: "acme/web" } };
  const payload = { action, number, repository: { full_name: "acme/web" }, pull_request: { number, head } };
  await writeFile(path, JSON.stringify(payload));
  return {
    GITHUB_REPOSITORY: "acme/web",
    GITHUB_EVENT_NAME: "pull_request",
    GITHUB_EVENT_PATH: path,
    GITHUB_API_URL: github.url,
  };
}

describeLive("a preview's GitHub deployment and comment against a live Dokploy", (e2e) => {
  it("open: a transient deployment of preview/pr-<n> at the preview's address; close: inactive, comment rewritten", async () => {
    const github = new GithubApiStandIn(TOKEN);
    await github.start();
    e2e.onCleanUp(() => github.stop());
    const project = await newProject(e2e, "preview-github");
    const tag = suffix();
    removePreviewsAfter(e2e, project, tag);
    const { web } = await template(e2e, project, tag);
    const url = `http://pr-41-${tag}.preview.test`;
    const inputs = e2e.inputs(web, e2e.image("preview-github"), {
      preview: "auto",
      "preview-host": `pr-{number}-${tag}.preview.test`,
      "github-token": TOKEN,
      "github-deployment": "true",
    });
    const sha = commitSha();

    const opened = await e2e.runAction(sha, inputs, {
      cwd: await e2e.checkout(),
      env: await pullRequest(github, 41, "opened"),
      secrets: [TOKEN],
    });

    expect(opened.exitCode, opened.stdout).toBe(0);
    expect(opened.stdout).not.toContain("::warning::Could not");
    expect(opened.outputs["preview-url"]).toBe(url);
    expect(github.deployments.map((d) => d.body)).toEqual([
      expect.objectContaining({
        ref: sha,
        environment: "preview/pr-41",
        transient_environment: true,
        production_environment: false,
      }),
    ]);
    const [deployment] = github.deployments;
    const statuses = () =>
      github.calls
        .filter((c) => c.path.endsWith(`/deployments/${String(deployment?.id)}/statuses`))
        .map((c) => c.body ?? {});
    expect(statuses().map((s) => [s.state, s.environment_url])).toEqual([
      ["in_progress", url],
      ["success", url],
    ]);
    const comment = () => github.comments.get(41) ?? [];
    expect(comment()).toHaveLength(1);
    expect(comment()[0]?.body).toContain(`| Preview | ${url} |`);
    expect(await markedIn(e2e, project)).toHaveLength(1);

    const closed = await e2e.runAction(sha, inputs, {
      cwd: await e2e.checkout(),
      env: await pullRequest(github, 41, "closed"),
      secrets: [TOKEN],
    });

    expect(closed.exitCode, closed.stdout).toBe(0);
    expect(await markedIn(e2e, project)).toEqual([]);
    expect(statuses().at(-1)).toMatchObject({
      state: "inactive",
      description: "Preview removed: its pull request is closed",
    });
    expect(comment()).toHaveLength(1);
    const body = comment()[0]?.body ?? "";
    expect(body).toContain(`### 🗑️ Preview removed: \`web-${tag}\``);
    expect(body).toContain("| Preview | `pr-41` of pull request #41 |");
    expect(body).toContain('- `preview environment "pr-41" removed`');
    expect(body).toMatch(new RegExp(`- \`application "web-${tag}" \\(\\S+-pr-41-[a-z0-9]{6}\\) removed\``));
    expect(body).not.toContain(url);
  }, 600_000);
});
