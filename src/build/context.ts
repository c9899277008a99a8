import type { Dispatcher } from "undici";
import type { BuildConfig } from "../config/slices";
import type { RunContext, RunPorts } from "../record/context";
import type { checkPushLogin } from "../registry/check";
import type { tagManifest } from "../registry/tag";
import type { Exec } from "../shared/exec";
import type { Docker } from "./docker";
import type { CreateTempDockerConfig } from "./docker-config";

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

/** What the build takes from the world. */
export interface BuildPorts extends RunPorts {
  readonly exec: Exec;
  readonly createDockerConfig: CreateTempDockerConfig;
  /** Wall clock, for the created label. */
  readonly now: () => Date;
  /** Called once docker is at work: a moment to load what is needed later, off the critical path. */
  readonly whileDockerWorks?: () => void;
  /** Whether buildx is installed, found without starting the docker CLI; else `docker buildx version`. */
  readonly hasBuildx?: () => Promise<boolean>;
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

/** What the build stages need of the run. */
export interface BuildContext extends RunContext {
  readonly config: BuildConfig;
  readonly ports: BuildPorts;
  readonly docker: Docker;
}

/** The build's context once the HTTP client is loaded: it asks the registry with it. */
export interface BuildOnline extends BuildContext {
  readonly remote: { readonly checkPushLogin: typeof checkPushLogin; readonly tagManifest: typeof tagManifest };
  readonly dispatcher?: Dispatcher;
}

/** What the build needs of the check beside it: the HTTP client, and the images the targets run now. */
export interface BuildCheck {
  readonly online: BuildOnline;
  readonly running: readonly string[];
}
