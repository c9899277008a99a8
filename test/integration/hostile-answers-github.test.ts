/**
 * What the step tells GitHub and the runner when something around it misbehaves, against the
 * bundled action: the step ends, says what went wrong, and still finishes what it can.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
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
