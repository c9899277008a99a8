/** How a run ended, in the one set of words every report uses for it. */
import type { Config } from "../config/config";
import type { Outcome } from "../record/result";
import { CancelledError } from "../shared/errors";

export type VerdictKind =
  | "cancelled"
  | "failed"
  | "removal-failed"
  | "dry-run"
  | "built"
  | "built-pushed"
  | "superseded"
  | "queued"
  | "deployed"
  | "removed"
  | "pruned";

export interface Verdict {
  readonly kind: VerdictKind;
  /** What markdown shows in front of the words. */
  readonly emoji: string;
  /** What plain text shows in front of the words: ✔, ⚠ or ✖. */
  readonly mark: string;
  /** The words, the same in the job summary, the pull-request comment and the CLI's last line. */
  readonly words: string;
}

const VERDICTS: Readonly<Record<VerdictKind, Omit<Verdict, "kind">>> = {
  cancelled: { emoji: "⏹️", mark: "✖", words: "Deploy cancelled" },
  failed: { emoji: "❌", mark: "✖", words: "Deploy failed" },
  "removal-failed": { emoji: "❌", mark: "✖", words: "Preview removal failed" },
  "dry-run": { emoji: "📝", mark: "✔", words: "Dry run" },
  built: { emoji: "✅", mark: "✔", words: "Built (push and deploy: false)" },
  "built-pushed": { emoji: "✅", mark: "✔", words: "Built and pushed (deploy: false)" },
  superseded: { emoji: "⚠️", mark: "⚠", words: "Superseded by a later run" },
  queued: { emoji: "⏳", mark: "✔", words: "Queued in Dokploy" },
  deployed: { emoji: "✅", mark: "✔", words: "Deployed" },
  removed: { emoji: "🗑️", mark: "✔", words: "Preview removed" },
  pruned: { emoji: "🗑️", mark: "✔", words: "Old previews removed" },
};

/** The inputs that decide the verdict beside the outcome. */
export type VerdictInputs = Pick<Config, "deploy" | "pushImage" | "wait"> & Partial<Pick<Config, "preview">>;

/**
 * How the run ended: an error first (cancelled or failed), then a dry run, a preview removed
 * (close, prune), a build without a deploy, our image saved over by a later run's, a deploy not
 * followed (wait: false), deployed.
 */
export function verdictOf(inputs: VerdictInputs, outcome: Outcome): Verdict {
  const kind = kindOf(inputs, outcome);
  return { kind, ...VERDICTS[kind] };
}

function kindOf(inputs: VerdictInputs, { result, error }: Outcome): VerdictKind {
  const removing = inputs.preview?.mode === "close" || inputs.preview?.mode === "prune";
  if (error) return error instanceof CancelledError ? "cancelled" : removing ? "removal-failed" : "failed";
  if (result.plan) return "dry-run";
  if (removing) return inputs.preview?.mode === "close" ? "removed" : "pruned";
  if (!inputs.deploy) return inputs.pushImage ? "built-pushed" : "built";
  if (result.deploymentStatus === "superseded") return "superseded";
  return inputs.wait ? "deployed" : "queued";
}
