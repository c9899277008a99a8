import type { TargetKind } from "../config/config";
import type { DockerProvider } from "../dokploy/procedures";

/*
 * What the ledger holds: each thing the run changed in the world, and each fact it found out,
 * recorded once, when it happened, and never changed after. The outputs, the reports, the
 * failure text and the rollback all read them from there.
 */

/** What a target was before the run changed it, as read when it was checked. */
export interface TargetBefore {
  /** In words, for the ledger and the rollback's title: the image, or the kind of source. */
  readonly was?: string;
  /** The image it runs now, when it runs one by reference: a cache source for the build. */
  readonly image?: string;
  /** What writes it back: the application's Docker provider, or the compose's variables; none when there is nothing to go back to. */
  readonly restore?:
    { readonly provider: DockerProvider } | { readonly variables: Readonly<Record<string, string | undefined>> };
}

/** One thing a run changed in the world. */
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
      /** The target's id. */
      readonly target?: string;
      readonly from?: string;
      readonly to: string;
      readonly rollback?: boolean;
      /** The request was sent but its answer lost: Dokploy may or may not have carried it out. */
      readonly uncertain?: boolean;
    }
  | {
      readonly kind: "compose-env";
      readonly compose: string;
      /** The target's id. */
      readonly target?: string;
      /** The variables set, each with what it held before (undefined: it was not there). */
      readonly variables: readonly { readonly name: string; readonly from?: string; readonly to: string }[];
      readonly rollback?: boolean;
      /** The request was sent but its answer lost: Dokploy may or may not have carried it out. */
      readonly uncertain?: boolean;
    }
  | {
      readonly kind: "deployment";
      /** Which target, by name, when there are several. */
      readonly target?: string;
      /** The target's id. */
      readonly targetId?: string;
      readonly method: string;
      readonly title: string;
      readonly url: string;
      /** "uncertain": the trigger's answer was lost, so it may or may not be queued. */
      readonly status?: "uncertain";
    }
  | { readonly kind: "rollback"; readonly to: string; readonly outcome: string }
  /** A preview's environment, made in the template's project. */
  | { readonly kind: "preview-created"; readonly environmentId: string; readonly name: string }
  /** A service made in a preview's environment, a copy of the template. */
  | {
      readonly kind: "preview-service";
      readonly id: string;
      readonly appName: string;
      readonly name: string;
      /** Its kind when not an application: compose, postgres, mysql, mariadb, mongo, redis. */
      readonly service?: string;
    }
  /** A domain given to a preview's service (Dokploy writes its router at once). */
  | { readonly kind: "preview-domain"; readonly host: string; readonly appName: string }
  /** Something of a preview removed: a service, a volume, its environment, in words. */
  | {
      readonly kind: "preview-removed";
      readonly what: string;
      /** On the entry of its environment: the preview's name, which names its GitHub environment. */
      readonly preview?: string;
    };

/** A part of the evidence of a red target: what it is (our words), about what (Dokploy's), its lines. */
export interface EvidenceSection {
  /** "Docker Swarm's tasks", "Output of task", …: the project's own words. */
  readonly title: string;
  /** What it is about, as Dokploy names it: a service, a task, a container. */
  readonly subject?: string;
  /** The lines, masked; empty with a note. */
  readonly lines: readonly string[];
  /** Why there are no lines, or what to know about them. */
  readonly note?: string;
}

/** One thing the run found out. */
export type Fact =
  /** What the build wrote: the image's id, buildx's metadata. */
  | { readonly kind: "built"; readonly imageId?: string; readonly metadata?: string }
  /** How the registry serves the deploy tag: to the push credentials, or to Dokploy's pull. */
  | { readonly kind: "served"; readonly to: "push" | "pull"; readonly digest: string; readonly mediaType: string }
  /** The registry entry the run used, changed or not. */
  | { readonly kind: "registry-id"; readonly registryId: string }
  /** A target, once checked: its name and page in Dokploy's dashboard. */
  | {
      readonly kind: "target";
      readonly targetKind: TargetKind;
      readonly id: string;
      readonly name?: string;
      readonly url?: string;
      /** The remote server Dokploy runs it on (its serverId); absent on the Dokploy host. */
      readonly server?: string;
      /** What it was before this run, once read. */
      readonly before?: TargetBefore;
    }
  /**
   * A target's deployment status: as Dokploy said it (running, done, error, cancelled), or as the
   * step judged it (queued, timeout, unknown, not-running, unstable, superseded).
   */
  | {
      readonly kind: "deployment-status";
      readonly target: string;
      readonly deploymentId?: string;
      readonly status: string;
      readonly said: "dokploy" | "step";
    }
  /** Why a target failed. */
  | { readonly kind: "target-failed"; readonly target: string; readonly error: string }
  /** What a red target left to see: swarm's tasks, what its containers printed, the health check's last answer. */
  | { readonly kind: "evidence"; readonly target: string; readonly sections: readonly EvidenceSection[] }
  /** A target's services kept our image running through the verify-stable window. */
  | { readonly kind: "stable"; readonly target: string; readonly seconds: number; readonly restarts: number }
  /** The health check's last answer, e.g. "200 in 34 ms". */
  | { readonly kind: "health"; readonly answer: string }
  /** The preview the run deployed to: its environment and address. */
  | {
      readonly kind: "preview";
      readonly environmentId: string;
      readonly name: string;
      readonly url?: string;
      /** The template's id: from here the preview's application is the target, not the template. */
      readonly templateId: string;
    }
  /** The plan printed by a dry run. */
  | { readonly kind: "plan"; readonly lines: readonly string[] }
  /** How long a step took. */
  | { readonly kind: "timing"; readonly step: string; readonly seconds: number };

export type Entry = Change | Fact;

export const CHANGE_KINDS: ReadonlySet<Entry["kind"]> = new Set([
  "temp-files",
  "pushed",
  "registry-entry",
  "provider",
  "compose-env",
  "deployment",
  "rollback",
  "preview-created",
  "preview-service",
  "preview-domain",
  "preview-removed",
]);

export function isChange(entry: Entry): entry is Change {
  return CHANGE_KINDS.has(entry.kind);
}

/** What an observer of the run is told: each change, and the preview deployed to (its address). */
export type Observed = Change | Extract<Fact, { kind: "preview" }>;

export function isObserved(entry: Entry): entry is Observed {
  return isChange(entry) || entry.kind === "preview";
}
