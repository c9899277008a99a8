import { readFile, stat } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import type { Dispatcher } from "undici";
import type { Logger } from "../shared/log";
import type { Ports } from "../pipeline/run";
import { hasCliPlugin } from "./cli-plugins";
import { tempDockerConfigs } from "./docker-config";
import { engineHoldsImagesOf, engineSocket, pushFromEngine } from "./engine";
import { childEnvironment, execWith } from "./exec";

export interface NodePorts extends Ports {
  /** Closes the HTTP connection pool; what is still under way on it is aborted. */
  close(): Promise<void>;
}

export interface NodePortsOptions {
  /** Where temporary files go; the system's temp dir when absent. */
  readonly tempRoot?: string;
  /** Values no child process may find in its environment. */
  readonly secrets?: readonly string[];
  /** Variables children keep although they hold a secret (read by a build secret). */
  readonly keepEnv?: readonly string[];
}

/** The real ports on Node: docker on PATH, one keep-alive HTTP pool, temp files under `tempRoot`. */
export function nodePorts(logger: Logger, env: NodeJS.ProcessEnv, options: NodePortsOptions = {}): NodePorts {
  // One keep-alive pool for the whole run, made (and undici loaded) when HTTP is first needed.
  let pool: Promise<Dispatcher> | undefined;
  const userConfigDir = env.DOCKER_CONFIG ?? join(env.HOME ?? homedir(), ".docker");
  // Where the engine's socket is, read once for the run (the cache choice and the push both ask).
  let socketPath: Promise<string | undefined> | undefined;
  const socket = () => (socketPath ??= engineSocket(env, userConfigDir));
  return {
    exec: execWith(childEnvironment(env, options.secrets, options.keepEnv)),
    logger,
    loadDispatcher: () =>
      (pool ??= import("../shared/undici").then(
        ({ Agent }) => new Agent({ keepAliveTimeout: 30_000, connections: 8 }),
      )),
    createDockerConfig: tempDockerConfigs(userConfigDir, options.tempRoot ?? tmpdir()),
    now: () => new Date(),
    clock: () => performance.now(),
    sleep: (ms, signal) => delay(ms, undefined, { signal }).catch(() => undefined),
    random: Math.random,
    hasBuildx: () => hasCliPlugin("buildx", env),
    buildxUsesDefaultBuilder: async () =>
      !env.BUILDX_BUILDER &&
      (await stat(join(userConfigDir, "buildx", "current")).then(
        () => false,
        (error: unknown) => (error as NodeJS.ErrnoException).code === "ENOENT",
      )),
    engineHoldsImagesOf: async (repository) => {
      const path = await socket();
      return path === undefined ? undefined : engineHoldsImagesOf(path, repository);
    },
    enginePush: async () => {
      const path = await socket();
      // No socket there: docker's own errors say more than a refused connection would.
      if (
        path === undefined ||
        !(await stat(path).then(
          (s) => s.isSocket(),
          () => false,
        ))
      )
        return undefined;
      return (repository, tag, auth, signal, onLine) => pushFromEngine(path, repository, tag, auth, { signal, onLine });
    },
    readText: (path) => readFile(path, "utf8").catch(() => undefined),
    close: async () => {
      // The run is over and nothing waits for an answer: the sockets are dropped at once, not
      // closed one by one (that took some 10 ms at every exit).
      if (pool) await (await pool).destroy();
    },
  };
}
