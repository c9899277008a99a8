/**
 * The bundled action against a real engine and registry, the Dokploy stand-in, and GitHub's
 * REST API on loopback (GITHUB_API_URL): the GitHub deployment, its statuses and the
 * pull-request comment, in order, with their bodies.
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { type ActionRun, runAction } from "../support/action";
import { DEPLOY_ONLY, standInInputs, useStandIn } from "../support/fixtures";
import { GithubApiStandIn } from "../support/github-api-stand-in";
import { tempDir } from "../support/temp";

const rig = inject("rig");
const API_KEY = `key-${randomBytes(12).toString("hex")}`;
const TOKEN = `ghs_${randomBytes(18).toString("hex")}`;
const RUN_URL = "https://github.com/acme/web/actions/runs/4242";
const standIn = useStandIn({ apiKey: API_KEY });

let github: GithubApiStandIn;
beforeEach(async () => {
  github = new GithubApiStandIn(TOKEN);
  await github.start();
});
afterEach(async () => {
  await github.stop();
});

async function checkout(): Promise<string> {
  const dir = await tempDir("checkout");
  const marker = randomBytes(6).toString("hex");
  await writeFile(join(dir, "Dockerfile"), `FROM ${rig.baseImage}\nRUN echo "${marker}" > /m\nCMD ["cat", "/m"]\n`);
  return dir;
}

/** The runner's variables for an event, with its payload written where the runner puts it. */
async function event(name: string, payload: object, sha: string): Promise<Record<string, string>> {
  const path = join(await tempDir("event"), "event.json");
  await writeFile(path, JSON.stringify(payload));
  return {
    GITHUB_EVENT_NAME: name,
    GITHUB_EVENT_PATH: path,
    GITHUB_SHA: sha,
    GITHUB_API_URL: github.url,
    DOCKER_HOST: rig.dockerHost,
  };
}

function pullRequest(number: number, sha: string) {
  return event(
    "pull_request",
    { number, pull_request: { number, head: { sha: randomBytes(20).toString("hex") } } },
    sha,
  );
}

function inputs(applicationId: string, more: Record<string, string> = {}): Record<string, string> {
  return standInInputs(
    { rig, standIn: standIn(), apiKey: API_KEY },
    applicationId,
    `${rig.registryHost}/gh/app-${randomBytes(4).toString("hex")}`,
    more,
  );
}

/** Inputs that deploy an image without building it (the stand-in never pulls). */
function deployOnly(applicationId: string, more: Record<string, string> = {}): Record<string, string> {
  return inputs(applicationId, { ...DEPLOY_ONLY, ...more });
}

const sha = () => randomBytes(20).toString("hex");

function statuses(): Record<string, unknown>[] {
  return github.calls.filter((c) => c.path.endsWith("/statuses")).map((c) => c.body ?? {});
}

function expectNoToken(run: ActionRun): void {
  for (const text of [run.stdout, run.stderr, JSON.stringify(run.outputs), run.summary]) {
    expect(text).not.toContain(TOKEN);
  }
}

describe("the action on GitHub: deployments and the pull-request comment", () => {
  it("records a GitHub deployment in progress while Dokploy deploys, then success, and comments on the pull request", async () => {
    const app = standIn().addApplication({ name: "web" });
    standIn().scriptDeployments(app.applicationId, { durationMs: 2_000 });
    const commit = sha();
    const run = await runAction({
      inputs: inputs(app.applicationId, { "github-deployment": "true", "github-token": TOKEN }),
      env: await pullRequest(7, commit),
      cwd: await checkout(),
    });

    expect(run.stdout).not.toContain("::warning::Could not");
    expect(run.exitCode).toBe(0);
    expect(github.summary()).toEqual([
      "POST /repos/acme/web/deployments",
      "POST /repos/acme/web/deployments/1000/statuses",
      "POST /repos/acme/web/deployments/1000/statuses",
      "POST /graphql",
      "GET /repos/acme/web/issues/7/comments",
      "POST /repos/acme/web/issues/7/comments",
    ]);
    expect(github.calls.every((c) => c.authorization === `token ${TOKEN}`)).toBe(true);
    expect(github.calls[0]?.body).toMatchObject({
      ref: commit,
      environment: "production",
      auto_merge: false,
      required_contexts: [],
    });
    const appUrl = run.outputs["application-url"];
    expect(appUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/dashboard\/project\//);
    expect(statuses()).toEqual([
      expect.objectContaining({ state: "in_progress", environment_url: appUrl, log_url: RUN_URL }),
      expect.objectContaining({ state: "success", environment_url: appUrl, log_url: RUN_URL }),
    ]);
    // In progress while Dokploy's deployment ran, not after it.
    const row = standIn().deployments.get(app.applicationId)?.[0];
    expect(github.calls[1]?.at).toBeLessThan(Date.parse(row?.finishedAt ?? ""));

    const [comment] = github.comments.get(7) ?? [];
    expect(comment?.body).toContain(`<!-- dokploy-deploy application=${app.applicationId} environment=production -->`);
    expect(comment?.body).toContain("✅ Deployed: `web`");
    expect(comment?.body).toContain(`| Image | \`${run.outputs.image ?? "?"}\` |`);
    expect(comment?.body).toContain(`| Digest | \`${run.outputs.digest ?? "?"}\` |`);
    expect(comment?.body).toContain(`[\`web\`](${appUrl ?? ""})`);
    expect(comment?.body).toContain(`\`done\` (deployment \`${run.outputs["deployment-id"] ?? "?"}\`)`);
    expect(comment?.body).toContain(`[log](${RUN_URL})`);
    expectNoToken(run);
  });

  it("updates its own comment in place on a re-run, found by its marker and author past the first page", async () => {
    const app = standIn().addApplication({ name: "web" });
    for (let i = 0; i < 120; i++) github.addComment(9, `comment ${String(i)}`);
    const other = github.addComment(
      9,
      "<!-- dokploy-deploy application=another-app environment=production -->\nanother app",
      "github-actions[bot]",
    );
    const env = await pullRequest(9, sha());
    const given = deployOnly(app.applicationId, { "github-token": TOKEN });

    const first = await runAction({ inputs: given, env });
    expect(first.exitCode).toBe(0);
    const second = await runAction({ inputs: given, env });
    expect(second.exitCode).toBe(0);

    const ours = (github.comments.get(9) ?? []).filter((c) => c.body.includes(`application=${app.applicationId}`));
    expect(ours).toHaveLength(1);
    expect(github.comments.get(9)).toHaveLength(122);
    expect(other.body).toContain("another app");
    const secondRun = github.summary().slice(github.summary().lastIndexOf("GET /repos/acme/web/issues/9/comments") - 1);
    expect(secondRun).toEqual([
      "GET /repos/acme/web/issues/9/comments",
      "GET /repos/acme/web/issues/9/comments",
      `PATCH /repos/acme/web/issues/comments/${String(ours[0]?.id)}`,
    ]);
    expect(github.calls.filter((c) => c.method === "GET").map((c) => c.query.page)).toEqual([
      undefined,
      "2",
      undefined,
      "2",
    ]);
    // No deployment without github-deployment.
    expect(github.summary().some((c) => c.includes("/deployments"))).toBe(false);
  });

  it("marks the GitHub deployment failed and says why when Dokploy's deployment fails", async () => {
    const app = standIn().addApplication({ name: "web" });
    standIn().scriptDeployments(app.applicationId, {
      outcome: "error",
      log: ["Initializing deployment", "❌ Pulling image failed: manifest unknown"],
    });
    const run = await runAction({
      inputs: deployOnly(app.applicationId, {
        "github-deployment": "true",
        "github-token": TOKEN,
        environment: "staging",
        "environment-url": "https://staging.example.com",
      }),
      env: await pullRequest(11, sha()),
    });

    expect(run.exitCode).toBe(1);
    expect(github.calls[0]?.body).toMatchObject({ environment: "staging" });
    expect(statuses().map((s) => [s.state, s.environment_url])).toEqual([
      ["in_progress", "https://staging.example.com"],
      ["failure", "https://staging.example.com"],
    ]);
    expect(String(statuses()[1]?.description)).toMatch(/ended with status "error"/);
    const [comment] = github.comments.get(11) ?? [];
    expect(comment?.body).toContain("environment=staging -->");
    expect(comment?.body).toContain("❌ Deploy failed: `web`");
    expect(comment?.body).toContain("[`staging`](https://staging.example.com)");
    expect(comment?.body).toContain("❌ Pulling image failed: manifest unknown");
  });

  it("warns, and still deploys, when GitHub's API fails or refuses the token", async () => {
    const app = standIn().addApplication();
    github.fail("POST", /\/deployments$/, 500);
    github.fail("GET", /\/issues\/\d+\/comments$/, 403);
    const run = await runAction({
      inputs: deployOnly(app.applicationId, { "github-deployment": "true", "github-token": TOKEN }),
      env: await pullRequest(13, sha()),
    });

    expect(run.exitCode).toBe(0);
    expect(run.outputs["deployment-status"]).toBe("done");
    expect(run.stdout).toMatch(/::warning::Could not create a GitHub deployment of production \(HTTP 500/);
    expect(run.stdout).toMatch(
      /::warning::Could not comment on the pull request \(HTTP 403: Resource not accessible by integration.*pull-requests: write/,
    );
    expect(github.summary()).toEqual([
      "POST /repos/acme/web/deployments",
      "POST /graphql",
      "GET /repos/acme/web/issues/13/comments",
    ]);
    expectNoToken(run);
  });

  it("with pr-comment: true on a push, comments on the commit's open pull request", async () => {
    const app = standIn().addApplication();
    const commit = sha();
    github.pullsOfCommit.set(commit, [
      { number: 3, state: "closed" },
      { number: 5, state: "open" },
    ]);
    const run = await runAction({
      inputs: deployOnly(app.applicationId, { "pr-comment": "true", "github-token": TOKEN }),
      env: await event("push", { head_commit: { message: "Fix" } }, commit),
    });

    expect(run.exitCode).toBe(0);
    expect(github.summary()).toEqual([
      `GET /repos/acme/web/commits/${commit}/pulls`,
      "POST /graphql",
      "GET /repos/acme/web/issues/5/comments",
      "POST /repos/acme/web/issues/5/comments",
    ]);
  });

  it("talks to GitHub not at all with github-deployment off on a push, or with no token on a pull request", async () => {
    const app = standIn().addApplication();
    const push = await runAction({
      inputs: deployOnly(app.applicationId, { "github-token": TOKEN }),
      env: await event("push", {}, sha()),
    });
    const noToken = await runAction({ inputs: deployOnly(app.applicationId), env: await pullRequest(15, sha()) });

    for (const run of [push, noToken]) {
      expect(run.exitCode).toBe(0);
      expect(run.outputs["deployment-status"]).toBe("done");
      expect(run.stdout).not.toContain("::warning::Could not");
    }
    expect(github.calls).toEqual([]);
  });
});
