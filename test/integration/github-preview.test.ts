/**
 * Previews on GitHub: the bundled action on pull_request events against the Dokploy stand-in and
 * GitHub's REST API on loopback. A pull request from a fork, whose workflows get no secrets.
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { runAction } from "../support/action";
import { DEPLOY_ONLY, standInInputs, useStandIn } from "../support/fixtures";
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

const sha = () => randomBytes(20).toString("hex");

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
    GITHUB_API_URL: github.url,
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
      expect(github.calls).toEqual([]);
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
