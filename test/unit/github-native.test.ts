import { describe, expect, it } from "vitest";
import type { Change } from "../../src/record/ledger";
import type { Outcome, Result } from "../../src/record/result";
import type { Comment, DeploymentStatus, GithubApi } from "../../src/github/api";
import { finalState } from "../../src/github/deployments";
import { githubNative } from "../../src/github/native";
import { commentBody as commentOf } from "../../src/github/pr-comment";
import { reportModel } from "../../src/report/model";
import { verdictOf } from "../../src/report/verdict";
import { MemoryLogger } from "../support/loggers";
import { CancelledError, type Config, DeployError, type RawInputs, parseConfig } from "./imports";

const TOKEN = "ghs_unit0123456789";
const SHA = "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c";
const ENV = { GITHUB_REPOSITORY: "acme/web", GITHUB_EVENT_NAME: "push" };

function config(inputs: RawInputs = {}) {
  return parseConfig(
    {
      "dokploy-url": "https://dokploy.example.com",
      "dokploy-api-key": "key-1",
      "application-id": "app1",
      image: "ghcr.io/acme/web",
      "github-token": TOKEN,
      ...inputs,
    },
    { sha: SHA, runUrl: "https://github.com/acme/web/actions/runs/1" },
  );
}

function outcome(result: Partial<Result>, error?: Error): Outcome {
  return {
    result: { image: `ghcr.io/acme/web:${SHA}`, tag: SHA, targets: [], timings: [], ...result },
    error,
    changes: [],
  };
}

/** The comment for an outcome, as the step writes it. */
function commentBody(cfg: Config, end: Outcome, links: { environmentUrl?: string; runUrl?: string }): string {
  return commentOf(cfg, reportModel(cfg, end), links);
}

const triggered: Change = { kind: "deployment", method: "redeploy", title: "Deploy 3f2c1ab", url: "https://d/app" };

/** An API that records what it was asked, as "call argument" lines. */
function recordingApi(calls: string[]): GithubApi {
  return {
    createDeployment: (d) => {
      calls.push(`create ${d.environment}`);
      return Promise.resolve(1);
    },
    setDeploymentStatus: (id: number, status: DeploymentStatus) => {
      calls.push(`status ${status.state}`);
      return Promise.resolve();
    },
    listDeployments: (environment) => {
      calls.push(`list ${environment}`);
      return Promise.resolve([1]);
    },
    findComment: () => Promise.resolve(undefined),
    login: () => Promise.resolve("github-actions[bot]"),
    createComment: (issue) => {
      calls.push(`comment #${String(issue)}`);
      return Promise.resolve();
    },
    updateComment: () => Promise.resolve(),
    openPullRequestsOf: () => Promise.resolve([4]),
  };
}

async function play(inputs: RawInputs, end: Outcome, env: Record<string, string> = ENV): Promise<string[]> {
  const calls: string[] = [];
  const cfg = config(inputs);
  const native = githubNative(cfg, env, new MemoryLogger(), () => Promise.resolve(recordingApi(calls)));
  native?.onChange(triggered);
  await native?.finish(reportModel(cfg, end));
  return calls;
}

describe("the GitHub deployment's statuses", () => {
  it.each<[string, RawInputs, Outcome, string[]]>([
    ["done", {}, outcome({ deploymentStatus: "done" }), ["in_progress", "success"]],
    ["superseded by a later run", {}, outcome({ deploymentStatus: "superseded" }), ["in_progress", "inactive"]],
    ["failed", {}, outcome({ deploymentStatus: "error" }, new DeployError("ended error")), ["in_progress", "failure"]],
    ["cancelled", {}, outcome({}, new CancelledError("SIGTERM", "Cancelled")), ["in_progress", "failure"]],
    ["not followed (wait: false)", { wait: "false" }, outcome({ deploymentStatus: "queued" }), ["queued"]],
  ])("%s", async (_name, inputs, end, states) => {
    const calls = await play({ "github-deployment": "true", ...inputs }, end);
    expect(calls).toEqual(["create production", ...states.map((s) => `status ${s}`)]);
  });

  it("creates none when the run never triggered Dokploy, and loads no client when there is nothing to do", async () => {
    const calls: string[] = [];
    let loads = 0;
    const load = () => {
      loads += 1;
      return Promise.resolve(recordingApi(calls));
    };
    const logger = new MemoryLogger();
    const cfg = config({ "github-deployment": "true" });
    const failedEarly = githubNative(cfg, ENV, logger, load);
    await failedEarly?.finish(reportModel(cfg, outcome({}, new DeployError("build failed"))));
    expect(calls).toEqual([]);
    expect(githubNative(config(), ENV, logger, load)).toBeUndefined();
    expect(githubNative(config({ "dry-run": "true", "pr-comment": "true" }), ENV, logger, load)).toBeUndefined();
    expect(
      githubNative(config({ "github-token": "" }), { ...ENV, GITHUB_EVENT_NAME: "pull_request" }, logger, load),
    ).toBeUndefined();
    expect(loads).toBe(0);
  });
});

describe("the pull-request comment", () => {
  it("says how the run ended, keeps hostile names and errors inert, and cannot be ended early", () => {
    const body = commentBody(
      config({ environment: "qa --> <b>x</b>" }),
      outcome(
        {
          targets: [
            {
              kind: "application",
              id: "app1",
              name: "web | @acme/team [x](http://evil) `y`",
              url: "https://d/app) [z](http://evil",
            },
          ],
        },
        new DeployError("failed\n```\ninjected"),
      ),
      { runUrl: "https://github.com/acme/web/actions/runs/1" },
    );
    const [marker = "", title] = body.split("\n");
    expect(marker).toBe("<!-- dokploy-deploy application=app1 environment=qa%20--%3E%20%3Cb%3Ex%3C%2Fb%3E -->");
    expect(marker.indexOf("-->")).toBe(marker.length - 3);
    expect(title).toBe("### ❌ Deploy failed: `web | @acme/team [x](http://evil) 'y'`");
    expect(body).toContain(
      "| Target | [`web \\| @acme/team [x](http://evil) 'y'`](https://d/app%29%20[z]%28http://evil) (Dokploy application `app1`) |",
    );
    expect(body).toContain("| Status | not deployed |");
    const fence = /\n(`{3,})\nfailed\n```\ninjected\n\1\n<\/details>\n$/.exec(body);
    expect(fence?.[1]?.length).toBeGreaterThan(3);
  });

  it("is cancelled, superseded or queued in words a reader sees first", () => {
    const first = (o: Outcome, wait = true) => commentBody(config({ wait: String(wait) }), o, {}).split("\n")[1];
    expect(first(outcome({}, new CancelledError("SIGINT", "Cancelled")))).toMatch(/^### ⏹️ Deploy cancelled/);
    expect(first(outcome({ deploymentStatus: "superseded" }))).toMatch(/^### ⚠️ Superseded/);
    expect(first(outcome({ deploymentStatus: "queued" }), false)).toMatch(/^### ⏳ Queued in Dokploy/);
    expect(finalState(verdictOf(config(), outcome({ deploymentStatus: "done" })).kind)).toBe("success");
  });

  it("has a row per target when there are several, each with its deployment", () => {
    const body = commentBody(
      config({ "application-id": "app1, app2" }),
      outcome({
        deploymentStatus: "done",
        targets: [
          {
            kind: "application",
            id: "app1",
            name: "web",
            url: "https://d/web",
            deploymentId: "d1",
            deploymentStatus: "done",
          },
          { kind: "application", id: "app2", name: "worker", deploymentId: "d2", deploymentStatus: "done" },
        ],
      }),
      {},
    );
    const [marker, title] = body.split("\n");
    expect(marker).toBe("<!-- dokploy-deploy application=app1 application=app2 environment=production -->");
    expect(title).toBe("### ✅ Deployed: `web` and 1 more");
    expect(body).toContain(
      "| Target | [`web`](https://d/web) (Dokploy application `app1`): `done` (deployment `d1`) |",
    );
    expect(body).toContain("| Target | `worker` (Dokploy application `app2`): `done` (deployment `d2`) |");
  });

  it("building without deploying says so, names the image, and keeps a comment of its own", () => {
    const body = commentBody(config({ deploy: "false" }), outcome({}), {});
    const [marker, title] = body.split("\n");
    expect(marker).toBe("<!-- dokploy-deploy build=ghcr.io/acme/web environment=production -->");
    expect(title).toBe(`### ✅ Built and pushed (deploy: false): \`ghcr.io/acme/web:${SHA}\``);
    expect(body).not.toContain("| Target |");
    expect(body).not.toContain("| Status |");
  });
});

describe("the pull-request comment's owner", () => {
  const PR = { GITHUB_REPOSITORY: "acme/web", GITHUB_EVENT_NAME: "push" };

  /** Which comment a run updates, among `comments`, when the token acts as `login`. */
  async function updated(login: string, comments: Comment[]): Promise<string[]> {
    const calls: string[] = [];
    const api: GithubApi = {
      ...recordingApi(calls),
      login: () => Promise.resolve(login),
      findComment: (_issue, wanted) => Promise.resolve(comments.find(wanted)),
      updateComment: (id) => {
        calls.push(`update ${String(id)}`);
        return Promise.resolve();
      },
    };
    const cfg = config({ "pr-comment": "true" });
    const native = githubNative(cfg, PR, new MemoryLogger(), () => Promise.resolve(api));
    await native?.finish(reportModel(cfg, outcome({ deploymentStatus: "done" })));
    return calls;
  }

  const marker = "<!-- dokploy-deploy application=app1 environment=production -->";

  it("is the token's own: another user's comment with the marker is left alone", async () => {
    const planted = { id: 1, body: `${marker}\nplanted`, author: "mallory" };
    expect(await updated("github-actions[bot]", [planted])).toEqual(["comment #4"]);
    const ours = { id: 2, body: `${marker}\nours`, author: "github-actions[bot]" };
    expect(await updated("github-actions[bot]", [planted, ours])).toEqual(["update 2"]);
  });

  it("with a user's token, is the one that user wrote, not the Actions bot's", async () => {
    const bots = { id: 1, body: `${marker}\nbot`, author: "github-actions[bot]" };
    const users = { id: 2, body: `${marker}\nuser`, author: "octocat" };
    expect(await updated("octocat", [bots, users])).toEqual(["update 2"]);
  });
});

describe("a cancel and the GitHub side", () => {
  const PR = { GITHUB_REPOSITORY: "acme/web", GITHUB_EVENT_NAME: "push" };
  const inputs = { "github-deployment": "true", "pr-comment": "true" };

  it("once the run has ended, stops what is left to tell GitHub, with a warning", async () => {
    const calls: string[] = [];
    const cancel = new AbortController();
    const api: GithubApi = {
      ...recordingApi(calls),
      setDeploymentStatus: (_id, status) => {
        calls.push(`status ${status.state}`);
        if (status.state === "success") cancel.abort("SIGTERM");
        return Promise.resolve();
      },
    };
    const logger = new MemoryLogger();
    const cfg = config(inputs);
    const native = githubNative(cfg, PR, logger, () => Promise.resolve(api), cancel.signal);
    native?.onChange(triggered);
    await native?.finish(reportModel(cfg, outcome({ deploymentStatus: "done" })));
    expect(calls).toEqual(["create production", "status in_progress", "status success"]);
    expect(logger.text()).toContain("warn: Could not comment on the pull request (stopped: SIGTERM)");
  });

  it("after a cancelled run, still says so: the cancel came before the end", async () => {
    const calls: string[] = [];
    const cancel = new AbortController();
    const cfg = config(inputs);
    const native = githubNative(cfg, PR, new MemoryLogger(), () => Promise.resolve(recordingApi(calls)), cancel.signal);
    native?.onChange(triggered);
    cancel.abort("SIGINT");
    await native?.finish(reportModel(cfg, outcome({}, new CancelledError("SIGINT", "Cancelled"))));
    expect(calls).toEqual(["create production", "status in_progress", "status failure", "comment #4"]);
  });
});
