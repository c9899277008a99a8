import type { Dispatcher } from "undici";
import type { CreateTempDockerConfig } from "./docker-config";
import type { WaitPorts } from "./dokploy/wait";
import type { Exec } from "./exec";
import type { Change } from "./ledger";

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
  /** Reads a text file (the Dockerfile, relative to the working directory); undefined if it cannot. */
  readonly readText?: (path: string) => Promise<string | undefined>;
}
