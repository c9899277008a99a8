/**
 * The e2e suite's setup: a live Dokploy given by environment variables, and the rig (engine,
 * registry, base image) the bundles build and push with. Without the variables nothing starts
 * and the suite is skipped, saying why; with them, a server that does not answer is an error.
 */
import "vitest";
import type { TestProject } from "vitest/node";
import type { RigInfo } from "./global-setup";
import { LiveDokploy } from "./live-dokploy";
import { importBusybox, startEngine, startRegistry } from "./rig";

/** The variables the suite needs (../shared/dokploy/up.sh prints them). */
export const LIVE_VARIABLES = ["DOK_REAL_URL", "DOK_REAL_KEY", "DOK_ENVIRONMENT_ID", "SWARM_DOCKER_HOST"] as const;

/** A remote server of that Dokploy (scripts/remote-server.sh prints them); optional. */
export const REMOTE_VARIABLES = ["DOK_REMOTE_SERVER_ID", "REMOTE_DOCKER_HOST", "REMOTE_WORKER_DOCKER_HOST"] as const;

/** A server registered in the live Dokploy, and the swarm manager behind it. */
export interface RemoteInfo {
  readonly serverId: string;
  /** DOCKER_HOST of the server's engine, for the tests' own look at what it runs. */
  readonly dockerHost: string;
  /** DOCKER_HOST of the engine joined to that swarm as a worker node (drained unless a test makes it active). */
  readonly workerDockerHost: string;
}

export interface LiveInfo {
  readonly url: string;
  readonly apiKey: string;
  /** Where the tests make their applications. */
  readonly environmentId: string;
  /** DOCKER_HOST of the swarm manager Dokploy deploys to. */
  readonly swarmHost: string;
  readonly version: string;
  readonly rig: RigInfo;
  /** Null when no remote server is given: the tests that need one are skipped. */
  readonly remote: RemoteInfo | null;
}

declare module "vitest" {
  export interface ProvidedContext {
    live: LiveInfo | null;
    liveSkipReason: string;
    remoteSkipReason: string;
  }
}

/** Compiles the routes the suite uses (dev-mode Dokploy compiles each on first use). */
async function warmUp(dokploy: LiveDokploy, apiKey: string): Promise<void> {
  await fetch(`${dokploy.url}/api/settings.getDokployVersion`, {
    headers: { "x-api-key": apiKey },
    signal: AbortSignal.timeout(60_000),
  });
  // Compiles the route; older servers answer 404 for an application that is not there, newer ones [].
  await dokploy.deployments("warm-up").catch((error: unknown) => {
    if (!String(error).includes("HTTP 404")) throw error;
  });
}

const remoteSkip = `no remote server: ${REMOTE_VARIABLES.join(", ")} not set (scripts/remote-server.sh up prints them)`;

function remoteServer(): RemoteInfo | null {
  const {
    DOK_REMOTE_SERVER_ID: serverId,
    REMOTE_DOCKER_HOST: dockerHost,
    REMOTE_WORKER_DOCKER_HOST: workerDockerHost,
  } = process.env;
  return serverId && dockerHost && workerDockerHost ? { serverId, dockerHost, workerDockerHost } : null;
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const missing = LIVE_VARIABLES.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    const reason = `no live Dokploy: ${missing.join(", ")} not set (see CONTRIBUTING.md, "The e2e suite")`;
    console.log(`e2e: skipped: ${reason}`);
    project.provide("live", null);
    project.provide("liveSkipReason", reason);
    project.provide("remoteSkipReason", reason);
    return undefined;
  }
  const env = process.env as Record<(typeof LIVE_VARIABLES)[number], string>;
  const url = env.DOK_REAL_URL.replace(/\/+$/, "");
  const dokploy = new LiveDokploy(url, env.DOK_REAL_KEY);
  let version: string;
  try {
    version = await dokploy.version();
    await warmUp(dokploy, env.DOK_REAL_KEY);
  } catch (error) {
    throw new Error(`e2e: the live Dokploy at ${url} (DOK_REAL_URL, DOK_REAL_KEY) does not answer: ${String(error)}`);
  }
  console.log(`e2e: against Dokploy ${version} at ${url}, swarm at ${env.SWARM_DOCKER_HOST}`);
  const remote = remoteServer();
  console.log(remote ? `e2e: remote server ${remote.serverId}, swarm at ${remote.dockerHost}` : `e2e: ${remoteSkip}`);
  const engine = await startEngine();
  let registry;
  try {
    registry = await startRegistry();
    const baseImage = await importBusybox(engine);
    project.provide("live", {
      url,
      apiKey: env.DOK_REAL_KEY,
      environmentId: env.DOK_ENVIRONMENT_ID,
      swarmHost: env.SWARM_DOCKER_HOST,
      version,
      rig: {
        dockerHost: engine.host,
        registryHost: registry.host,
        registryUser: registry.username,
        registryPassword: registry.password,
        baseImage,
      },
      remote,
    });
    project.provide("liveSkipReason", "");
    project.provide("remoteSkipReason", remote ? "" : remoteSkip);
  } catch (error) {
    await registry?.stop();
    await engine.stop();
    throw error;
  }
  const started = registry;
  return async () => {
    // The entries the tests made for the rig's registry (its port is this run's alone).
    await dokploy.removeRegistriesFor(started.host).catch((error: unknown) => {
      console.log(`e2e: could not remove the registry entries for ${started.host}: ${String(error)}`);
    });
    await started.stop();
    await engine.stop();
  };
}
