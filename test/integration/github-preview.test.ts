/**
 * Previews on GitHub: the bundled action on pull_request events against the Dokploy stand-in and
 * GitHub's REST API on loopback. Open: the GitHub deployment of preview/pr-<n>, transient, at the
 * preview's address, and the comment with it. Close: every deployment of that environment marked
 * inactive and the comment rewritten to say what was removed (or what was not). A pull request
 * from a fork, whose workflows get no secrets.
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { runAction } from "../support/action";
import { DEPLOY_ONLY, standInInputs, useGithubStandIn, useStandIn } from "../support/fixtures";
import { standInTemplate } from "../support/preview-fixtures";
import { tempDir } from "../support/temp";

const rig = inject("rig");
const API_KEY = `key-${randomBytes(12).toString("hex")}`;
const TOKEN = `ghs_${randomBytes(18).toString("hex")}`;
const standIn = useStandIn({ apiKey: API_KEY });

const githubApi = useGithubStandIn(TOKEN);

const sha = () => randomBytes(20).toString("hex");
const RUN_URL = "https://github.com/acme/web/actions/runs/4242";

/** A pull_request event of acme/web, its head in `headRepo`, with its payload where the runner puts it. */
async function pullRequest(
  number: number,
  options: { action?: string; headRepo?: string | null } = {},
): Promise<Record<string, string>> {
  const path = join(await tempDir("event"), "event.json");
  const headRepo = options.headRepo === undefined ? "acme/web" : options.headRepo;
  const payload = {
    action: options.action ?? "synchronize",
    number,
    repository: { full_name: "acme/web" },
    pull_request: {
      number,
      head: { sha: sha(), repo: headRepo === null ? null : { full_name: headRepo } },
      base: { repo: { full_name: "acme/web" } },
    },
  };
  await writeFile(path, JSON.stringify(payload));
  return {
    GITHUB_EVENT_NAME: "pull_request",
    GITHUB_EVENT_PATH: path,
    GITHUB_SHA: sha(),
    GITHUB_API_URL: githubApi().url,
    DOCKER_HOST: rig.dockerHost,
  };
}

function inputs(applicationId: string, more: Record<string, string> = {}): Record<string, string> {
  return standInInputs(
    { rig, standIn: standIn(), apiKey: API_KEY },
    applicationId,
    `${rig.registryHost}/gh/preview-${randomBytes(4).toString("hex")}`,
    { ...DEPLOY_ONLY, "github-token": TOKEN, "github-deployment": "true", ...more },
  );
}

describe("previews of pull requests from forks", () => {
  it.each([
    ["auto", "synchronize", "someone/web"],
    ["auto", "closed", "someone/web"],
    ["open", "opened", null],
  ])(
    "preview: %s on a %s event from fork %s (null: deleted) without dokploy-api-key: one notice, exit 0, nothing built or sent",
    async (preview, action, headRepo) => {
      const app = standIn().addApplication({ name: "web" });
      const run = await runAction({
        inputs: inputs(app.applicationId, { preview, "dokploy-api-key": "", "github-token": "" }),
        env: await pullRequest(21, { action, headRepo }),
      });

      expect(run.exitCode, run.stdout).toBe(0);
      const notices = run.stdout.split("\n").filter((line) => line.startsWith("::"));
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(
        new RegExp(
          `^::notice::No preview for pull request 21: it comes from ${headRepo ?? "a deleted fork"}, and GitHub gives the workflows of pull requests from forks no secrets \\(dokploy-api-key is empty\\); nothing was built or sent\\. .*pull_request_target`,
        ),
      );
      expect(run.stdout).not.toMatch(/docker|Input "/);
      expect(standIn().callsOf()).toEqual([]);
      expect(githubApi().calls).toEqual([]);
    },
  );

  it("an empty dokploy-api-key stays an input error on the repository's own pull requests and without a preview", async () => {
    const app = standIn().addApplication({ name: "web" });
    const own = await runAction({
      inputs: inputs(app.applicationId, { preview: "auto", "dokploy-api-key": "" }),
      env: await pullRequest(22),
    });
    const noPreview = await runAction({
      inputs: inputs(app.applicationId, { "dokploy-api-key": "" }),
      env: await pullRequest(23, { headRepo: "someone/web" }),
    });

    for (const run of [own, noPreview]) {
      expect(run.exitCode, run.stdout).toBe(2);
      expect(run.stdout).toContain('Input "dokploy-api-key": is required');
      expect(run.stdout).not.toContain("No preview for pull request");
    }
    expect(standIn().callsOf()).toEqual([]);
  });
});

const template = () => standInTemplate(standIn());

function previewEnvironments(projectId: string): { environmentId: string; name: string }[] {
  return (standIn().projects.get(projectId)?.environments ?? []).filter((e) => e.name.startsWith("pr-"));
}

function statusesOf(id: number): Record<string, unknown>[] {
  return githubApi()
    .calls.filter((c) => c.path.endsWith(`/deployments/${String(id)}/statuses`))
    .map((c) => c.body ?? {});
}

function ourComments(issue: number) {
  return (githubApi().comments.get(issue) ?? []).filter((c) => c.user.login === "github-actions[bot]");
}

describe("preview: auto on GitHub: the deployment of preview/pr-<n> and the comment", () => {
  it("open makes a transient GitHub deployment at the preview's address; close marks every one inactive and rewrites the comment", async () => {
    const { project, web } = template();
    const given = inputs(web.applicationId, { preview: "auto", "preview-host": "pr-{number}.preview.test" });

    const first = await runAction({ inputs: given, env: await pullRequest(31, { action: "opened" }) });
    const second = await runAction({ inputs: given, env: await pullRequest(31) });

    for (const run of [first, second]) {
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.outputs["preview-url"]).toBe("http://pr-31.preview.test");
      expect(run.stdout).not.toContain("::warning::Could not");
    }
    expect(githubApi().deployments.map((d) => d.body)).toEqual([
      expect.objectContaining({
        environment: "preview/pr-31",
        transient_environment: true,
        production_environment: false,
      }),
      expect.objectContaining({
        environment: "preview/pr-31",
        transient_environment: true,
        production_environment: false,
      }),
    ]);
    const [one, two] = githubApi().deployments.map((d) => d.id);
    for (const id of [one, two]) {
      expect(statusesOf(id ?? 0).map((s) => [s.state, s.environment_url])).toEqual([
        ["in_progress", "http://pr-31.preview.test"],
        ["success", "http://pr-31.preview.test"],
      ]);
    }
    const [opened, ...more] = ourComments(31);
    expect(more).toEqual([]);
    expect(opened?.body).toContain("| Preview | http://pr-31.preview.test |");
    expect(opened?.body).toContain("[`preview/pr-31`](http://pr-31.preview.test)");
    expect(previewEnvironments(project.projectId).map((e) => e.name)).toEqual(["pr-31"]);

    const closed = await runAction({ inputs: given, env: await pullRequest(31, { action: "closed" }) });

    expect(closed.exitCode, closed.stdout).toBe(0);
    expect(previewEnvironments(project.projectId)).toEqual([]);
    expect([...standIn().applications.values()].map((a) => a.name)).toEqual(["web"]);
    // Every deployment of the environment, newest first, gets an inactive status and no address.
    const listed = githubApi().calls.filter((c) => c.method === "GET" && c.path.endsWith("/deployments"));
    expect(listed.map((c) => c.query)).toEqual([{ environment: "preview/pr-31", per_page: "100" }]);
    for (const id of [one, two]) {
      expect(statusesOf(id ?? 0).at(-1)).toEqual({
        state: "inactive",
        description: "Preview removed: its pull request is closed",
        log_url: RUN_URL,
      });
    }
    const [rewritten, ...others] = ourComments(31);
    expect(others).toEqual([]);
    expect(rewritten?.id).toBe(opened?.id);
    const body = rewritten?.body ?? "";
    expect(body).toContain(`<!-- dokploy-deploy application=${web.applicationId} environment=preview%2Fpr-31 -->`);
    expect(body).toContain("### 🗑️ Preview removed: `web`");
    expect(body).toContain("| Preview | `pr-31` of pull request #31 |");
    expect(body).toContain("| Environment | `preview/pr-31` |");
    expect(body).toMatch(/\| Removed \| \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \|/);
    expect(body).toContain(`| Run | [log](${RUN_URL}) |`);
    expect(body).toMatch(/Removed from Dokploy:\n\n- `application "web" \(web-pr-31-[a-z0-9]{6}\) removed`\n/);
    expect(body).toContain("- `volume web-data-pr-31 removed`");
    expect(body).toContain('- `preview environment "pr-31" removed`');
    expect(body).not.toContain("Deployed");
    expect(body).not.toContain("http://pr-31.preview.test");
  });

  it("a close that fails says so: what was removed before, why, and the deployments go inactive only once something went", async () => {
    const { project, web } = template();
    const given = inputs(web.applicationId, { preview: "auto", "preview-host": "pr-{number}.preview.test" });
    const opened = await runAction({ inputs: given, env: await pullRequest(32, { action: "opened" }) });
    expect(opened.exitCode, opened.stdout).toBe(0);
    // Someone adds a service of their own to the preview's environment.
    standIn().addApplication({ name: "notes", ...standIn().placeIn(project, "pr-32") });

    // Dokploy refuses to list the environments: nothing is removed, the deployment stays as it is.
    standIn().inject({ procedure: "environment.byProjectId", status: 403, times: 1 });
    const refused = await runAction({ inputs: given, env: await pullRequest(32, { action: "closed" }) });

    expect(refused.exitCode, refused.stdout).toBe(1);
    expect(githubApi().calls.some((c) => c.method === "GET" && c.path.endsWith("/deployments"))).toBe(false);
    const [id] = githubApi().deployments.map((d) => d.id);
    expect(statusesOf(id ?? 0).map((s) => s.state)).toEqual(["in_progress", "success"]);
    let body = ourComments(32)[0]?.body ?? "";
    expect(body).toContain("### ❌ Preview removal failed: `web`");
    expect(body).toMatch(/\| Stopped \| \d{4}-/);
    expect(body).toContain("Nothing was removed.");
    expect(body).toContain("<details><summary>Why</summary>");

    // The unmarked service stops it after the preview's own application went.
    const partly = await runAction({ inputs: given, env: await pullRequest(32, { action: "closed" }) });

    expect(partly.exitCode, partly.stdout).toBe(1);
    expect(statusesOf(id ?? 0).at(-1)).toMatchObject({
      state: "inactive",
      description: "Preview partly removed (see the pull request's comment)",
    });
    expect(ourComments(32)).toHaveLength(1);
    body = ourComments(32)[0]?.body ?? "";
    expect(body).toContain("### ❌ Preview removal failed: `web`");
    expect(body).toMatch(/Removed before it stopped:\n\n- `application "web" \(web-pr-32-[a-z0-9]{6}\) removed`/);
    expect(body).not.toContain('preview environment "pr-32" removed');
    expect(body).toContain('holds application "notes" without this pull request\'s marker');
    expect(previewEnvironments(project.projectId).map((e) => e.name)).toEqual(["pr-32"]);
  });

  it("fills {number} in health-url and environment-url: the check asks the preview's URL, GitHub shows it", async () => {
    const { web } = template();
    const asked: string[] = [];
    const health = createServer((req, res) => {
      asked.push(req.url ?? "");
      res.end("ok");
    });
    await new Promise<void>((resolve) => health.listen(0, "127.0.0.1", resolve));
    const address = health.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      const run = await runAction({
        inputs: inputs(web.applicationId, {
          preview: "auto",
          "health-url": `http://127.0.0.1:${String(port)}/pr-{number}/health`,
          "environment-url": "https://pr-{number}.preview.example.com/",
        }),
        env: await pullRequest(34, { action: "opened" }),
      });

      expect(run.exitCode, run.stdout).toBe(0);
      expect(asked.length).toBeGreaterThan(0);
      expect(new Set(asked)).toEqual(new Set(["/pr-34/health"]));
      const [deployment] = githubApi().deployments;
      expect(deployment?.environment).toBe("preview/pr-34");
      expect(statusesOf(deployment?.id ?? 0).map((s) => s.environment_url)).toEqual([
        "https://pr-34.preview.example.com/",
        "https://pr-34.preview.example.com/",
      ]);
    } finally {
      health.closeAllConnections();
      await new Promise<void>((resolve) => health.close(() => resolve()));
    }
  });

  it("prune marks the deployments of each preview it removed inactive, and only theirs", async () => {
    const { web } = template();
    const given = inputs(web.applicationId, { preview: "auto" });
    for (const number of [36, 37]) {
      const run = await runAction({ inputs: given, env: await pullRequest(number, { action: "opened" }) });
      expect(run.exitCode, run.stdout).toBe(0);
    }
    // Pull request 37 got a push since: only 36 is older than preview-ttl.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const pushed = await runAction({ inputs: given, env: await pullRequest(37) });
    expect(pushed.exitCode, pushed.stdout).toBe(0);
    const path = join(await tempDir("event"), "event.json");
    await writeFile(path, JSON.stringify({ schedule: "0 3 * * *" }));

    const pruned = await runAction({
      inputs: { ...given, preview: "prune", "preview-ttl": "2" },
      env: { GITHUB_EVENT_NAME: "schedule", GITHUB_EVENT_PATH: path, GITHUB_API_URL: githubApi().url },
    });

    expect(pruned.exitCode, pruned.stdout).toBe(0);
    const listed = githubApi().calls.filter((c) => c.method === "GET" && c.path.endsWith("/deployments"));
    expect(listed.map((c) => c.query.environment)).toEqual(["preview/pr-36"]);
    const [ofOld] = githubApi()
      .deployments.filter((d) => d.environment === "preview/pr-36")
      .map((d) => d.id);
    expect(statusesOf(ofOld ?? 0).at(-1)).toMatchObject({
      state: "inactive",
      description: "Preview removed: past preview-ttl",
    });
    for (const d of githubApi().deployments.filter((d) => d.environment === "preview/pr-37")) {
      expect(statusesOf(d.id).at(-1)?.state).toBe("success");
    }
  });
});
