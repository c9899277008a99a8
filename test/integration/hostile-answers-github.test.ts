/**
 * What the step tells GitHub and the runner when something around it misbehaves, against the
 * bundled action: GitHub's API (or a proxy in front of it) that never answers or never ends its
 * pages, other people's comments holding the marker, or an outputs file that cannot be written.
 * The step ends, says what went wrong, keeps the token on GitHub's origin, touches no comment it
 * did not write, and still finishes what it can.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { type IncomingHttpHeaders, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { type ActionRun, runAction } from "../support/action";
import { DEPLOY_ONLY, dokployOf, useStandIn } from "../support/fixtures";
import { GithubApiStandIn } from "../support/github-api-stand-in";
import { tempDir } from "../support/temp";

const rig = inject("rig");
const API_KEY = `key-${randomBytes(12).toString("hex")}`;
const TOKEN = `ghs_${randomBytes(18).toString("hex")}`;
const standIn = useStandIn({ apiKey: API_KEY });

let github: GithubApiStandIn;
beforeEach(async () => {
  github = new GithubApiStandIn(TOKEN);
  await github.start();
});
afterEach(async () => {
  await github.stop();
});

/** The runner's variables for a pull_request event on pull request `number`. */
async function pullRequest(number: number): Promise<Record<string, string>> {
  const path = join(await tempDir("event"), "event.json");
  await writeFile(path, JSON.stringify({ number, pull_request: { number } }));
  return {
    GITHUB_EVENT_NAME: "pull_request",
    GITHUB_EVENT_PATH: path,
    GITHUB_SHA: randomBytes(20).toString("hex"),
    GITHUB_API_URL: github.url,
    DOCKER_HOST: rig.dockerHost,
  };
}

/** Inputs that deploy an image already pushed, with the token. */
function deployOnly(applicationId: string, more: Record<string, string> = {}): Record<string, string> {
  return {
    ...dokployOf(standIn(), API_KEY),
    "application-id": applicationId,
    image: `${rig.registryHost}/hostile/github`,
    "github-token": TOKEN,
    ...DEPLOY_ONLY,
    ...more,
  };
}

function expectNoToken(run: ActionRun): void {
  for (const text of [run.stdout, run.stderr, JSON.stringify(run.outputs), run.summary]) {
    expect(text).not.toContain(TOKEN);
  }
}

/** A server on another origin that records the Authorization header of whatever reaches it. */
async function elsewhere(): Promise<{ url: string; seen: IncomingHttpHeaders[]; close: () => Promise<void> }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { "content-type": "application/json" }).end("[]");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("the pull-request comment's lookup", () => {
  it("gives up with a warning when the comments never answer", async () => {
    const app = standIn().addApplication();
    github.commentsFault = { kind: "hold" };
    const run = await runAction({
      inputs: deployOnly(app.applicationId, { "request-timeout": "2" }),
      env: await pullRequest(21),
      killAfterMs: 60_000,
    });
    expect(run.killed, "the step was still running 60 s after it started").toBe(false);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs["deployment-status"]).toBe("done");
    expect(run.stdout).toMatch(/::warning::Could not comment on the pull request \(.*time/);
    expectNoToken(run);
  });

  it("stops at a bounded number of pages when every page says there is a next one", async () => {
    const app = standIn().addApplication();
    github.commentsFault = { kind: "loop" };
    const run = await runAction({
      inputs: deployOnly(app.applicationId),
      env: await pullRequest(22),
      killAfterMs: 60_000,
    });
    expect(run.killed, "the step was still running 60 s after it started").toBe(false);
    expect(run.exitCode, run.stdout).toBe(0);
    const pages = github.calls.filter((c) => c.method === "GET" && c.path.endsWith("/issues/22/comments"));
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.length).toBeLessThanOrEqual(50);
    expect(run.stdout).toMatch(/::warning::Could not comment on the pull request \(.*pages/);
    expect(github.summary().some((c) => c.startsWith("POST /repos/acme/web/issues/22/comments"))).toBe(false);
  });

  it("never sends the token to a next page on another origin", async () => {
    const app = standIn().addApplication();
    const other = await elsewhere();
    try {
      github.commentsFault = { kind: "elsewhere", url: other.url };
      const run = await runAction({
        inputs: deployOnly(app.applicationId),
        env: await pullRequest(23),
        killAfterMs: 60_000,
      });
      expect(run.exitCode, run.stdout).toBe(0);
      expect(other.seen.map((headers) => headers.authorization)).not.toContain(`token ${TOKEN}`);
      expect(JSON.stringify(other.seen)).not.toContain(TOKEN);
    } finally {
      await other.close();
    }
  });

  it("stops at the first SIGTERM once the deploy is done, with a warning", async () => {
    const app = standIn().addApplication();
    github.commentsFault = { kind: "hold" };
    const run = await runAction({
      inputs: deployOnly(app.applicationId, { "request-timeout": "600" }),
      env: await pullRequest(24),
      killAfterMs: 60_000,
      interruption: { when: / is live\./, signals: ["SIGTERM"], afterMs: 1_500 },
    });
    expect(run.interrupted).toBe(true);
    expect(run.killed, "the step was still running 60 s after it started").toBe(false);
    expect(run.outputs["deployment-status"]).toBe("done");
    expect(run.stdout).toMatch(/::warning::Could not comment on the pull request \(stopped: SIGTERM/);
  });
});

describe("whose comment is ours", () => {
  const markerOf = (applicationId: string) =>
    `<!-- dokploy-deploy application=${applicationId} environment=production -->`;

  it("leaves alone another user's comment that holds the marker, and updates its own", async () => {
    const app = standIn().addApplication({ name: "web" });
    const planted = github.addComment(31, `${markerOf(app.applicationId)}\nplanted by someone else`, "mallory");
    const env = await pullRequest(31);

    const first = await runAction({ inputs: deployOnly(app.applicationId), env });
    expect(first.exitCode, first.stdout).toBe(0);
    expect(planted.body).toContain("planted by someone else");
    const ours = (github.comments.get(31) ?? []).filter((c) => c.user.login === "github-actions[bot]");
    expect(ours).toHaveLength(1);
    expect(ours[0]?.body).toContain(markerOf(app.applicationId));

    const second = await runAction({ inputs: deployOnly(app.applicationId), env });
    expect(second.exitCode, second.stdout).toBe(0);
    expect(planted.body).toContain("planted by someone else");
    expect(github.comments.get(31)).toHaveLength(2);
    expect(github.summary().filter((c) => c.startsWith("PATCH"))).toEqual([
      `PATCH /repos/acme/web/issues/comments/${String(ours[0]?.id)}`,
    ]);
    expect(second.stdout).toContain("Updated the comment on pull request #31");
    expectNoToken(second);
  });

  it("with a user's token, knows its comments by the user's login", async () => {
    await github.stop();
    github = new GithubApiStandIn(TOKEN, "octocat");
    await github.start();
    const app = standIn().addApplication({ name: "web" });
    const bots = github.addComment(32, `${markerOf(app.applicationId)}\nby the Actions bot`, "github-actions[bot]");
    const mine = github.addComment(32, `${markerOf(app.applicationId)}\nby octocat`, "octocat");

    const run = await runAction({ inputs: deployOnly(app.applicationId), env: await pullRequest(32) });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(bots.body).toContain("by the Actions bot");
    expect(mine.body).not.toContain("by octocat");
    expect(mine.body).toContain("Deployed");
  });
});

describe("an outputs file that cannot be written", () => {
  it("still finishes the GitHub deployment, the summary and the comment, and names the file", async () => {
    const app = standIn().addApplication({ name: "web" });
    const missing = join(await mkdtemp(join(tmpdir(), "no-outputs-")), "gone", "output");
    const run = await runAction({
      inputs: deployOnly(app.applicationId, { "github-deployment": "true" }),
      env: { ...(await pullRequest(41)), GITHUB_OUTPUT: missing },
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`::error::Could not write the step's outputs to GITHUB_OUTPUT (${missing})`);
    const states = github.calls.filter((c) => c.path.endsWith("/statuses")).map((c) => c.body?.state);
    expect(states).toEqual(["in_progress", "success"]);
    expect(run.summary).toContain("Deployed");
    expect(github.comments.get(41)?.[0]?.body).toContain("Deployed");
    expectNoToken(run);
  });
});
