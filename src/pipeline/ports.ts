import type { Dispatcher } from "undici";
import type { BuildPorts } from "../build/context";
import type { Observed } from "../record/ledger";

export type { EnginePush, RegistryAuth } from "../build/context";

/** Everything the run does to the world goes through these: each capability's ports, and the run's own. */
export interface Ports extends BuildPorts {
  /** HTTP connection pool for Dokploy and the registry; undici's global one when absent. */
  readonly dispatcher?: Dispatcher;
  /** Makes the HTTP connection pool when it is first needed (loading the HTTP client then). */
  readonly loadDispatcher?: () => Promise<Dispatcher>;
  /** [0, 1), for retry jitter. */
  readonly random?: () => number;
  /** Told each change as the run records it (and the preview's address), e.g. to show a deployment in progress elsewhere. */
  readonly onChange?: (entry: Observed) => void;
}
