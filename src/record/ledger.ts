import { errorMessage } from "../shared/errors";
import type { Logger } from "../shared/log";
import { describeChanges, dokployChanges, pushedRefs } from "./describe";
import { type Change, type Entry, type Observed, type TargetBefore, isObserved } from "./entries";
import type { TargetResult } from "./result";

export type { Change, Entry, Fact, Observed, TargetBefore } from "./entries";

interface CleanUp {
  readonly change: Change;
  readonly run: () => Promise<void>;
  done: boolean;
}

/**
 * The one record of a run: what it changed and what it found out, in the order it happened,
 * append-only. Clean-up, the failure message, the outputs, the reports and the rollback all
 * read it, so any ending says exactly what is left.
 */
export class Ledger {
  private readonly list: Entry[] = [];
  private readonly cleanUps: CleanUp[] = [];

  /** `observe` is told each change (and the preview) as it is recorded; what it throws never reaches the run. */
  constructor(private readonly observe?: (entry: Observed) => void) {}

  record<E extends Entry>(entry: E): E {
    const frozen = Object.freeze({ ...entry }) as E;
    this.list.push(frozen);
    if (isObserved(frozen)) {
      try {
        this.observe?.(frozen);
      } catch {
        // An observer reports elsewhere; the deploy does not depend on it.
      }
    }
    return frozen;
  }

  /** Records something that must not outlive the run, with how to remove it. */
  temporary(path: string, what: string, remove: () => Promise<void>): () => Promise<void> {
    const entry: CleanUp = { change: this.record({ kind: "temp-files", path, what }), run: remove, done: false };
    this.cleanUps.push(entry);
    return () => this.cleanUpOne(entry);
  }

  get entries(): readonly Entry[] {
    return this.list;
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
    return dokployChanges(this.list);
  }

  /** What the registry got from this run: the references pushed. */
  pushed(): string[] {
    return pushedRefs(this.list);
  }

  /** A paragraph for the end of a failure or cancel message. */
  report(): string {
    return describeChanges(this.list);
  }

  /** The digest of what was deployed: the deploy tag's push, else what the registry serves Dokploy. */
  digest(deployRef: string): string | undefined {
    const pushed = this.list.find((e) => e.kind === "pushed" && e.ref === deployRef);
    const digest = pushed?.kind === "pushed" ? pushed.digest : undefined;
    return digest ?? this.served("pull")?.digest;
  }

  /** How the registry served the deploy tag to the push credentials, or to Dokploy's pull. */
  served(to: "push" | "pull"): { readonly digest: string; readonly mediaType: string } | undefined {
    return this.list.findLast((e) => e.kind === "served" && e.to === to) as
      Extract<Entry, { kind: "served" }> | undefined;
  }

  /** Whether the run changed the target in Dokploy (or may have: an answer lost), rollbacks aside. */
  changed(targetId: string): boolean {
    return this.list.some(
      (e) => (e.kind === "provider" || e.kind === "compose-env") && e.target === targetId && !e.rollback,
    );
  }

  /** Every target checked, in the order given, with what the run found out about it. */
  targets(): TargetResult[] {
    const found = new Map<string, TargetResult>();
    for (const entry of this.list) {
      if (entry.kind === "target") {
        const known = found.get(entry.id);
        found.set(entry.id, {
          ...known,
          kind: entry.targetKind,
          id: entry.id,
          name: entry.name ?? known?.name,
          url: entry.url ?? known?.url,
        });
        continue;
      }
      const target = "target" in entry && entry.target !== undefined ? found.get(entry.target) : undefined;
      if (!target) continue;
      if (entry.kind === "deployment-status") {
        target.deploymentStatus = entry.status;
        target.deploymentId = entry.deploymentId ?? target.deploymentId;
      } else if (entry.kind === "target-failed") target.error = entry.error;
    }
    // A preview's template was checked, then the preview deployed in its place.
    const templates = new Set(this.list.flatMap((e) => (e.kind === "preview" ? [e.templateId] : [])));
    return [...found.values()].filter((t) => !templates.has(t.id));
  }

  /** What the target was before this run changed it, as read when it was checked. */
  before(id: string): TargetBefore | undefined {
    const found = this.list.findLast((e) => e.kind === "target" && e.id === id && e.before !== undefined);
    return found?.kind === "target" ? found.before : undefined;
  }

  /** The remote server the target runs on, as read when it was checked; undefined on the Dokploy host. */
  server(id: string): string | undefined {
    const found = this.list.findLast((e) => e.kind === "target" && e.id === id && e.server !== undefined);
    return found?.kind === "target" ? found.server : undefined;
  }

  /** One target, as `targets()` tells it. */
  target(id: string): TargetResult | undefined {
    return this.targets().find((t) => t.id === id);
  }
}
