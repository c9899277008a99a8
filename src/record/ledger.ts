import { errorMessage } from "../shared/errors";
import type { Logger } from "../shared/log";

/** One thing a run changed in the world, recorded when it happened. */
export type Change =
  | { readonly kind: "temp-files"; readonly path: string; readonly what: string }
  | { readonly kind: "pushed"; readonly ref: string; readonly digest?: string }
  | {
      readonly kind: "registry-entry";
      readonly action: "created" | "updated";
      readonly registryId: string;
      readonly name: string;
    }
  | {
      readonly kind: "provider";
      readonly application: string;
      readonly from?: string;
      readonly to: string;
      readonly rollback?: boolean;
      /** The request was sent but its answer lost: Dokploy may or may not have carried it out. */
      readonly uncertain?: boolean;
    }
  | {
      readonly kind: "compose-env";
      readonly compose: string;
      /** The variables set, each with what it held before (undefined: it was not there). */
      readonly variables: readonly { readonly name: string; readonly from?: string; readonly to: string }[];
      readonly rollback?: boolean;
      /** The request was sent but its answer lost: Dokploy may or may not have carried it out. */
      readonly uncertain?: boolean;
    }
  | {
      readonly kind: "deployment";
      /** Which target, when there are several. */
      readonly target?: string;
      readonly method: string;
      readonly title: string;
      readonly url: string;
      deploymentId?: string;
      status?: string;
    }
  | { readonly kind: "rollback"; readonly to: string; readonly outcome: string };

interface CleanUp {
  readonly change: Change;
  readonly run: () => Promise<void>;
  done: boolean;
}

/**
 * What a run changed, in the order it happened: the one source for clean-up, the failure
 * message, the job summary and the cancel path, so any ending says exactly what is left.
 */
export class Ledger {
  private readonly changes: Change[] = [];
  private readonly cleanUps: CleanUp[] = [];

  /** `observe` is told each change as it is recorded; what it throws never reaches the run. */
  constructor(private readonly observe?: (change: Change) => void) {}

  record<C extends Change>(change: C): C {
    this.changes.push(change);
    try {
      this.observe?.(change);
    } catch {
      // An observer reports elsewhere; the deploy does not depend on it.
    }
    return change;
  }

  /** Records something that must not outlive the run, with how to remove it. */
  temporary(path: string, what: string, remove: () => Promise<void>): () => Promise<void> {
    const entry: CleanUp = { change: this.record({ kind: "temp-files", path, what }), run: remove, done: false };
    this.cleanUps.push(entry);
    return () => this.cleanUpOne(entry);
  }

  get entries(): readonly Change[] {
    return this.changes;
  }

  /** The last deployment this run triggered (not a rollback's), if any. */
  lastDeployment(): Extract<Change, { kind: "deployment" }> | undefined {
    return this.changes.filter((c) => c.kind === "deployment").at(0);
  }

  /** Runs every clean-up not done yet, each on its own; a failure is a warning. */
  async cleanUp(logger: Logger): Promise<void> {
    for (const entry of this.cleanUps) {
      await this.cleanUpOne(entry).catch((error: unknown) => {
        logger.warn(
          `Could not remove the ${entry.change.kind === "temp-files" ? entry.change.what : "files"}: ${errorMessage(error)}`,
        );
      });
    }
  }

  private async cleanUpOne(entry: CleanUp): Promise<void> {
    if (entry.done) return;
    await entry.run();
    entry.done = true;
  }

  /** Sentences saying what this run changed in Dokploy, oldest first; empty when nothing. */
  dokployChanges(): string[] {
    const lines: string[] = [];
    for (const change of this.changes) {
      switch (change.kind) {
        case "registry-entry":
          lines.push(`registry entry "${change.name}" (${change.registryId}) ${change.action}`);
          break;
        case "provider":
          lines.push(describeProvider(change));
          break;
        case "compose-env":
          lines.push(describeComposeEnv(change));
          break;
        case "deployment":
          lines.push(describeDeployment(change));
          break;
        case "rollback":
          lines.push(change.outcome);
          break;
        default:
          break;
      }
    }
    return lines;
  }

  /** What the registry got from this run: the references pushed. */
  pushed(): string[] {
    return this.changes.flatMap((c) => (c.kind === "pushed" ? [c.ref] : []));
  }

  /** A paragraph for the end of a failure or cancel message. */
  report(): string {
    const dokploy = this.dokployChanges();
    const pushed = this.pushed();
    const lines: string[] = [];
    if (pushed.length > 0) lines.push(`Pushed: ${pushed.join(", ")}.`);
    if (dokploy.length === 0) lines.push("Nothing was changed in Dokploy.");
    else lines.push("Changed in Dokploy:", ...dokploy.map((line) => `- ${line}`));
    const pointed = this.changes.filter((c) => (c.kind === "provider" || c.kind === "compose-env") && !c.rollback);
    const triggered = this.changes.filter((c) => c.kind === "deployment");
    if (pointed.length > 0 && triggered.length === 0) {
      lines.push("- no deployment was triggered: the running containers still run the previous image");
    } else if (pointed.length > triggered.length) {
      lines.push(
        "- some targets were pointed at the image but not redeployed: their containers still run the previous image",
      );
    }
    return lines.join("\n");
  }
}

function describeProvider(change: Extract<Change, { kind: "provider" }>): string {
  const was = change.from ? ` (was ${change.from})` : "";
  if (change.rollback) return `application ${change.application} points at ${change.to} again`;
  if (change.uncertain) {
    return `application ${change.application} may now point at ${change.to}${was}: its answer was lost; check it in Dokploy`;
  }
  return `application ${change.application} now points at ${change.to}${was}`;
}

function describeComposeEnv(change: Extract<Change, { kind: "compose-env" }>): string {
  const set = change.variables.map((v) => `${v.name}=${v.to}`).join(", ");
  const was = change.variables.map((v) => (v.from === undefined ? `no ${v.name}` : `${v.name}=${v.from}`)).join(", ");
  if (change.rollback) return `compose ${change.compose} has its environment as before again (${was})`;
  if (change.uncertain) {
    return `compose ${change.compose} may now have ${set} in its environment (was ${was}): its answer was lost; check it in Dokploy`;
  }
  return `compose ${change.compose} now has ${set} in its environment (was ${was}; its other variables untouched)`;
}

function describeDeployment(change: Extract<Change, { kind: "deployment" }>): string {
  const name = `${change.target ? `${change.target}: ` : ""}${change.method} "${change.title}"${change.deploymentId ? ` (deployment ${change.deploymentId})` : ""}`;
  switch (change.status) {
    case "uncertain":
      return `${name} may have been triggered (its answer was lost): see ${change.url}`;
    case undefined:
    case "queued":
      return `${name} was triggered and is queued or running in Dokploy: see ${change.url}`;
    case "running":
      return `${name} is running in Dokploy: see ${change.url}`;
    default:
      return `${name} ended ${change.status}: see ${change.url}`;
  }
}
