import type { Dispatcher } from "undici";
import type { composeContainers, composeOne, composeUrl, saveComposeEnv, stackTasks } from "../dokploy/compose";
import type { readContainerLogs } from "../dokploy/container-logs";
import type { Dokploy, applicationUrl } from "../dokploy/procedures";
import type { resolveNames } from "../dokploy/projects";
import type { streamDeploymentLog } from "../dokploy/live-log";
import type { TargetsConfig } from "../config/slices";
import type { RunContext } from "../record/context";
import type { checkHealth } from "./health-check";

/** What the target stages call of the HTTP code, which loads while docker works. */
export interface TargetsRemote {
  readonly applicationUrl: typeof applicationUrl;
  readonly composeOne: typeof composeOne;
  readonly composeUrl: typeof composeUrl;
  readonly saveComposeEnv: typeof saveComposeEnv;
  readonly stackTasks: typeof stackTasks;
  readonly resolveNames: typeof resolveNames;
  readonly liveLog: () => Promise<typeof streamDeploymentLog>;
  readonly composeContainers: typeof composeContainers;
  readonly containerLogs: () => Promise<typeof readContainerLogs>;
  readonly checkHealth: typeof checkHealth;
}

/** What the target stages need of the run: Dokploy's client and the HTTP code. */
export interface TargetsContext extends RunContext {
  readonly config: TargetsConfig;
  readonly remote: TargetsRemote;
  readonly dispatcher?: Dispatcher;
  readonly dokploy: Dokploy;
}
