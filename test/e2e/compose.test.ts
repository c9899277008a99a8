/**
 * A compose service of type stack on a live Dokploy (the type this machine runs: its docker CLI
 * has `stack`, not the compose v2 plugin). The image reaches the compose file through its env;
 * the user's other variables stay as they were; the stack's swarm service runs our image; a
 * deployment that fails is red with its log tail and rolled back.
 */
import { expect, it } from "vitest";
import { type E2E, commitSha, describeLive } from "../support/e2e";
import {
  type LiveCompose,
  compose,
  composeDeployments,
  composeSetupVariables,
  deployAsItIs,
  newProject,
  newStack,
  suffix,
} from "../support/live-targets";

const FILE = "services:\n  web:\n    image: ${IMAGE}\n";

/** The user's env before the step: comments, a quoted value, the setup's variables, and our two. */
function userEnv(e2e: E2E, image: string): string {
  return `# set by hand in Dokploy\nGREETING="hello world"\n${composeSetupVariables(e2e)}IMAGE=${image}\nTAG=${image.split(":").at(-1) ?? ""}\n`;
}

/** Builds and pushes a first image with deploy: false, as the pull-request job would. */
async function pushFirstImage(e2e: E2E, image: string): Promise<string> {
  const sha = commitSha();
  const { "application-id": _id, ...inputs } = e2e.inputs({ applicationId: "" }, image, { deploy: "false" });
  const run = await e2e.runAction(sha, inputs, { cwd: await e2e.checkout() });
  expect(run.exitCode, run.stdout).toBe(0);
  return `${image}:${sha}`;
}

/** A stack of the test's own that runs `first`, deployed as the user would before the step runs. */
async function runningStack(e2e: E2E, label: string, first: string, command?: string): Promise<LiveCompose> {
  const project = await newProject(e2e, label);
  const stack = await newStack(e2e, project, {
    name: `stack-${suffix()}`,
    composeFile: FILE,
    env: userEnv(e2e, first),
    command,
  });
  const setUp = await deployAsItIs(e2e, stack.composeId);
  expect(setUp.status, "the set-up deployment").toBe("done");
  await waitForService(e2e, `${stack.appName}_web`, first);
  return stack;
}

/** Waits until the swarm service runs only `image` (swarm adds the digest it resolved). */
async function waitForService(e2e: E2E, service: string, image: string): Promise<string[]> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const images = (await e2e.swarm.runningTasks(service)).map((t) => t.image.split("@")[0] ?? "");
    if ((images.length > 0 && images.every((i) => i === image)) || Date.now() > deadline) return images;
    await new Promise((r) => setTimeout(r, 500));
  }
}

function composeInputs(e2e: E2E, stack: LiveCompose, image: string, extra: Record<string, string> = {}) {
  const { "application-id": _id, ...inputs } = e2e.inputs({ applicationId: "" }, image, {
    "compose-id": stack.composeId,
    // The stack is pulled with the Dokploy host's own login: the registry entry gives it one.
    "dokploy-registry": "true",
    ...extra,
  });
  return inputs;
}

describeLive("a stack compose service on a live Dokploy", (e2e) => {
  it("is deployed with the commit tag through its env, which keeps the user's other variables", async () => {
    const image = e2e.image("stack");
    const first = await pushFirstImage(e2e, image);
    const stack = await runningStack(e2e, "stack", first);
    const sha = commitSha();

    const run = await e2e.runAction(sha, composeInputs(e2e, stack, image), { cwd: await e2e.checkout() });

    expect(run.exitCode, run.stdout).toBe(0);
    const ref = `${image}:${sha}`;
    expect((await compose(e2e, stack.composeId)).env).toBe(
      userEnv(e2e, first)
        .replace(first, ref)
        .replace(/TAG=.*/, `TAG=${sha}`),
    );
    const [ours, setUp, ...older] = await composeDeployments(e2e, stack.composeId);
    expect(older).toEqual([]);
    expect(setUp?.title).toBe("set-up");
    expect(ours).toMatchObject({ status: "done", title: `Deploy ${sha.slice(0, 7)}` });
    expect(ours?.description).toMatch(/Run token: [0-9a-f]{12}$/);
    expect(run.outputs["deployment-id"]).toBe(ours?.deploymentId);
    expect(run.outputs["deployment-status"]).toBe("done");
    expect(run.outputs["application-url"]).toContain(`/services/compose/${stack.composeId}`);
    expect(run.stdout).toContain(`Docker Swarm runs ${ref} for ${stack.appName}_web.`);
    expect(await waitForService(e2e, `${stack.appName}_web`, ref)).toEqual([ref]);
    expect(run.summary).toContain("| Compose |");
  });

  it("a deployment that fails is red with its log tail, and rolled back: the old image runs, the env is as it was", async () => {
    const image = e2e.image("stack-fail");
    const first = await pushFirstImage(e2e, image);
    // With --detach=false, docker stack deploy waits for the services and fails when they do not
    // start, so Dokploy's deployment fails too (its default command does not wait).
    const waiting = "stack deploy -c docker-compose.yml $APP_NAME --prune --with-registry-auth --detach=false";
    const stack = await runningStack(e2e, "stack-fail", first, waiting);
    const sha = commitSha();
    const marker = `stack-marker-${sha.slice(0, 8)}`;
    const crashing = await e2e.checkout([], `["/bin/sh", "-c", "echo ${marker} cannot start; exit 3"]`);

    const run = await e2e.runAction(sha, composeInputs(e2e, stack, image, { "rollback-on-failure": "true" }), {
      cwd: crashing,
    });

    expect(run.exitCode, run.stdout).toBe(1);
    expect(run.outputs["deployment-status"]).toBe("error");
    expect(run.stdout).toMatch(
      /ended with status "error"\.%0ALast lines of its log:%0A[\s\S]*update paused due to failure/,
    );
    expect(run.stdout).toContain(`Rolled back to ${first}`);
    // What the crashing service printed, read from its failed task, in the log and the summary.
    const group = run.stdout.slice(run.stdout.indexOf("::group::What went wrong in"));
    expect(group.slice(0, group.indexOf("::endgroup::")), run.stdout).toMatch(
      new RegExp(
        `Docker Swarm's tasks of ${stack.appName}_web:[\\s\\S]*Output of task [0-9a-z]{12} \\(Failed[^\\n]*\\n[^\\n]*${marker} cannot start`,
      ),
    );
    expect(run.summary).toContain(`${marker} cannot start`);
    expect((await compose(e2e, stack.composeId)).env).toBe(userEnv(e2e, first));
    const [rollback, ours] = await composeDeployments(e2e, stack.composeId);
    expect(rollback).toMatchObject({ status: "done", title: `Rollback to ${first}` });
    expect(ours).toMatchObject({ status: "error", title: `Deploy ${sha.slice(0, 7)}` });
    expect(await waitForService(e2e, `${stack.appName}_web`, first)).toEqual([first]);
  });
});
