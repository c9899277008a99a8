import type { Dispatcher } from "undici";
import type { CreateTempDockerConfig } from "./docker-config";
import type { WaitPorts } from "./dokploy/wait";
import type { Exec } from "./exec";
import type { Change } from "./ledger";

/** Credentials for one push, as the engine takes them (X-Registry-Auth). */
export interface RegistryAuth {
  readonly username: string;
  readonly password: string;
  readonly serveraddress: string;
}

/**
 * Pushes `repository:tag` from the engine over its API, the credentials in the request; each
 * line docker push would print goes to `onLine`. Resolves with the digest the registry gave.
 */
export type EnginePush = (
  repository: string,
  tag: string,
  auth: RegistryAuth,
  signal: AbortSignal,
  onLine: (line: string) => void,
) => Promise<string | undefined>;

/** Everything the run does to the world goes through these. */
export interface Ports extends WaitPorts {
  readonly exec: Exec;
  readonly createDockerConfig: CreateTempDockerConfig;
  /** HTTP connection pool for Dokploy and the registry; undici's global one when absent. */
  readonly dispatcher?: Dispatcher;
  /** Makes the HTTP connection pool when it is first needed (loading the HTTP client then). */
  readonly loadDispatcher?: () => Promise<Dispatcher>;
  /** Wall clock, for the created label. */
  readonly now: () => Date;
  /** [0, 1), for retry jitter. */
  readonly random?: () => number;
  /** Called once docker is at work: a moment to load what is needed later, off the critical path. */
  readonly whileDockerWorks?: () => void;
  /** Whether buildx is installed, found without starting the docker CLI; else `docker buildx version`. */
  readonly hasBuildx?: () => Promise<boolean>;
  /** Told each change as the run records it, e.g. to show a deployment in progress elsewhere. */
  readonly onChange?: (change: Change) => void;
  /**
   * Whether buildx would build with its default builder (the engine's BuildKit, driver docker)
   * as known from its files alone: no builder chosen (no buildx/current, BUILDX_BUILDER unset).
   * False when it cannot tell: then buildx is asked.
   */
  readonly buildxUsesDefaultBuilder?: () => Promise<boolean>;
  /**
   * Whether the engine holds any image of a repository, asked without starting the docker CLI;
   * undefined when it cannot tell that way (then `docker images` is asked).
   */
  readonly engineHoldsImagesOf?: (repository: string) => Promise<boolean | undefined>;
  /**
   * The engine's own push, when the engine is reached through its unix socket: no docker login
   * and no docker push process, and no login written. Undefined otherwise (DOCKER_HOST tcp://
   * or ssh://, a docker context): then docker login and docker push.
   */
  readonly enginePush?: () => Promise<EnginePush | undefined>;
  /** Reads a text file (the Dockerfile, relative to the working directory); undefined if it cannot. */
  readonly readText?: (path: string) => Promise<string | undefined>;
}
