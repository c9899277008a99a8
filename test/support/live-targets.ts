/**
 * Projects, applications and compose services of the e2e tests' own on a live Dokploy: made
 * through Dokploy's API, each removed after its test (services first, then the project).
 */
import { randomBytes } from "node:crypto";
import { dirname } from "node:path";
import type { E2E } from "./e2e";
import type { LiveApplication, LiveDeployment } from "./live-dokploy";

export interface LiveProject {
  readonly projectId: string;
  readonly name: string;
  /** Its production environment, made with it. */
  readonly environmentId: string;
}

export interface LiveCompose {
  composeId: string;
  name: string;
  appName: string;
  composeType: string;
  env: string | null;
  composeStatus: string;
}

/**
 * Dokploy runs `env -i PATH=… HOME=… <the compose's variables> docker stack deploy …`. A real
 * install's docker CLI finds the engine and the registry logins at their defaults; this test
 * setup's Dokploy reaches its own engine through DOCKER_HOST and keeps its logins in
 * DOCKER_CONFIG (../shared/dokploy/up.sh: <state>/docker-config beside <state>/docker.sock), which
 * `env -i` drops: the compose's env carries them, as a user's variables the step must keep.
 */
export function composeSetupVariables(e2e: E2E): string {
  const socket = e2e.live.swarmHost.replace(/^unix:\/\//, "");
  const config = process.env.DOK_DOCKER_CONFIG ?? `${dirname(socket)}/docker-config`;
  return `DOCKER_HOST=${e2e.live.swarmHost}\nDOCKER_CONFIG=${config}\n`;
}

export function suffix(): string {
  return randomBytes(3).toString("hex");
}

/** A project of the test's own (with its production environment), removed after the test. */
export async function newProject(e2e: E2E, label: string): Promise<LiveProject> {
  const made = await e2e.dokploy.mutate<{
    project: { projectId: string; name: string };
    environment: { environmentId: string };
  }>("project.create", { name: `e2e-${label}-${suffix()}`, description: "dokploy-deploy e2e" });
  const project = { ...made.project, environmentId: made.environment.environmentId };
  // Clean-ups run last first: the project goes after the services made in it.
  e2e.onCleanUp(async () => {
    await e2e.dokploy.mutate("project.remove", { projectId: project.projectId }).catch((error: unknown) => {
      console.log(`e2e: could not remove project ${project.name}: ${String(error)}`);
    });
  });
  return project;
}

/** An application in the project (on that remote server, given its id), deleted (with its swarm service) after the test. */
export async function newAppIn(
  e2e: E2E,
  project: LiveProject,
  name: string,
  serverId?: string,
): Promise<LiveApplication> {
  const app = await e2e.dokploy.createApplication(project.environmentId, name, serverId);
  e2e.onCleanUp(() => e2e.dokploy.deleteApplication(app.applicationId));
  return app;
}

/**
 * A raw compose service of type stack with this file and these variables (on that remote
 * server, given its id), removed (with its stack) after the test.
 */
export async function newStack(
  e2e: E2E,
  project: LiveProject,
  options: { name: string; composeFile: string; env: string; command?: string; serverId?: string },
): Promise<LiveCompose> {
  const made = await e2e.dokploy.mutate<LiveCompose>("compose.create", {
    name: options.name,
    environmentId: project.environmentId,
    composeType: "stack",
    sourceType: "raw",
    composeFile: options.composeFile,
    ...(options.serverId ? { serverId: options.serverId } : {}),
  });
  e2e.onCleanUp(async () => {
    await e2e.dokploy
      .mutate("compose.delete", { composeId: made.composeId, deleteVolumes: true })
      .catch((error: unknown) => {
        console.log(`e2e: could not delete compose ${made.name}: ${String(error)}`);
      });
  });
  // compose.update takes these in every version (compose.saveEnvironment came in v0.29.0, and
  // compose.create kept sourceType "github" before it).
  await e2e.dokploy.mutate("compose.update", {
    composeId: made.composeId,
    env: options.env,
    sourceType: "raw",
    composeFile: options.composeFile,
  });
  if (options.command !== undefined) {
    await e2e.dokploy.mutate("compose.update", {
      composeId: made.composeId,
      command: options.command.replace("$APP_NAME", made.appName),
    });
  }
  return compose(e2e, made.composeId);
}

export function compose(e2e: E2E, composeId: string): Promise<LiveCompose> {
  return e2e.dokploy.query<LiveCompose>("compose.one", { composeId });
}

/** Newest first. */
export function composeDeployments(e2e: E2E, composeId: string): Promise<LiveDeployment[]> {
  return e2e.dokploy.query<LiveDeployment[]>("deployment.allByCompose", { composeId });
}

/** Deploys the compose as it is (the state a user's stack is in before the step runs) and waits for it. */
export async function deployAsItIs(e2e: E2E, composeId: string): Promise<LiveDeployment> {
  await e2e.dokploy.mutate("compose.deploy", { composeId, title: "set-up", description: "e2e set-up" });
  const deadline = Date.now() + 120_000;
  for (;;) {
    const [row] = await composeDeployments(e2e, composeId);
    if (row && row.status !== "running") return row;
    if (Date.now() > deadline) throw new Error(`the set-up deployment of ${composeId} did not end`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
