/**
 * What a run's reports say, in one typed model: the job summary, the pull-request comment and
 * the CLI's last line render it, each in its own form, from the same facts and the same verdict.
 */
import { type Config, type TargetKind, type TargetSpec, describeTarget } from "../config/config";
import type { Evidence, Outcome, Result, TargetResult, Timing } from "../record/result";
import { type Verdict, verdictOf } from "./verdict";

/** One target as far as the run got: checked, with what Dokploy said, or as given. */
export interface TargetRow {
  readonly kind: TargetKind;
  readonly id: string;
  /** Its name once known, else its id (or the name given). */
  readonly name: string;
  /** How a sentence names it: its name once known, else as given ("application a1"). */
  readonly label: string;
  /** Its page in Dokploy's dashboard. */
  readonly url?: string;
  readonly deploymentId?: string;
  readonly deploymentStatus?: string;
  /** Why it failed, when it did. */
  readonly error?: string;
}

/** What the heading names: the first target (and how many more), or the image without a deploy. */
export interface Headline {
  readonly subject: string;
  readonly more: number;
}

/** Where the image went, when the run deploys. */
export interface Deploying {
  readonly method: Config["deployMethod"];
  readonly targets: readonly TargetRow[];
}

export interface ReportModel {
  readonly verdict: Verdict;
  readonly headline: Headline;
  readonly image: string;
  readonly digest?: string;
  /** Undefined with deploy: false. */
  readonly deploying?: Deploying;
  readonly registryId?: string;
  /** The last health check's answer, e.g. "200 in 34 ms". */
  readonly health?: string;
  /** The preview's address, with preview: open. */
  readonly previewUrl?: string;
  /** With preview: close or prune: which preview goes (close), as the inputs name it. */
  readonly removal?: { readonly mode: "close" | "prune"; readonly name?: string; readonly pullRequest?: string };
  /** Sentences from the ledger: what the run changed in Dokploy, oldest first. */
  readonly changes: readonly string[];
  /** The steps a dry run would take. */
  readonly plan?: readonly string[];
  readonly timings: readonly Timing[];
  /** The message of the error that ended the run (it says what the run had changed). */
  readonly failure?: string;
  /** The commit built, when known. */
  readonly commit?: string;
  /** What each red target left to see: swarm's tasks, its containers' output, the health answer. */
  readonly evidence: readonly Evidence[];
}

function checkedRow(target: TargetResult): TargetRow {
  const name = target.name ?? target.id;
  return { ...target, name, label: name };
}

function givenRow(spec: TargetSpec): TargetRow {
  const id = spec.id ?? spec.name;
  return { kind: spec.kind, id, name: id, label: describeTarget(spec) };
}

/** The targets as far as the run got: the checked ones with what Dokploy said, else as given. */
function targetRows(config: Config, result: Result): TargetRow[] {
  return result.targets.length > 0 ? result.targets.map(checkedRow) : config.targets.map(givenRow);
}

function headlineOf(config: Config, result: Result, targets: readonly TargetRow[]): Headline {
  if (!config.deploy) return { subject: result.image, more: 0 };
  const more = Math.max(targets.length, config.targets.length) - 1;
  return { subject: targets[0]?.label ?? "", more: Math.max(0, more) };
}

function removalOf(config: Config): ReportModel["removal"] {
  const preview = config.preview;
  if (preview?.mode === "close") return { mode: "close", name: preview.name, pullRequest: preview.number };
  return preview?.mode === "prune" ? { mode: "prune" } : undefined;
}

/** The model of a run's reports, from how it ended and the inputs it ran with (pure). */
export function reportModel(config: Config, outcome: Outcome): ReportModel {
  const { result, error } = outcome;
  const targets = targetRows(config, result);
  return {
    verdict: verdictOf(config, outcome),
    headline: headlineOf(config, result, targets),
    image: result.image,
    digest: result.digest,
    deploying: config.deploy ? { method: config.deployMethod, targets } : undefined,
    registryId: result.registryId,
    health: result.health,
    previewUrl: result.previewUrl,
    removal: removalOf(config),
    changes: outcome.changes,
    plan: result.plan,
    timings: result.timings,
    failure: error?.message,
    commit: config.ci.sha || undefined,
    evidence: result.evidence ?? [],
  };
}
