/** How a run ended, in the one set of words every report uses for it. */
import type { Config } from "../config/config";
import type { Outcome } from "../record/result";
import { CancelledError } from "../shared/errors";

export type VerdictKind =
  "cancelled" | "failed" | "dry-run" | "built" | "built-pushed" | "superseded" | "queued" | "deployed";

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
  "dry-run": { emoji: "📝", mark: "✔", words: "Dry run" },
  built: { emoji: "✅", mark: "✔", words: "Built (push and deploy: false)" },
  "built-pushed": { emoji: "✅", mark: "✔", words: "Built and pushed (deploy: false)" },
  superseded: { emoji: "⚠️", mark: "⚠", words: "Superseded by a later run" },
  queued: { emoji: "⏳", mark: "✔", words: "Queued in Dokploy" },
  deployed: { emoji: "✅", mark: "✔", words: "Deployed" },
};

/** The inputs that decide the verdict beside the outcome. */
export type VerdictInputs = Pick<Config, "deploy" | "pushImage" | "wait">;

/**
 * How the run ended: an error first (cancelled or failed), then a dry run, a build without a
 * deploy, our image saved over by a later run's, a deploy not followed (wait: false), deployed.
 */
export function verdictOf(inputs: VerdictInputs, outcome: Outcome): Verdict {
  const kind = kindOf(inputs, outcome);
  return { kind, ...VERDICTS[kind] };
}

function kindOf(inputs: VerdictInputs, { result, error }: Outcome): VerdictKind {
  if (error) return error instanceof CancelledError ? "cancelled" : "failed";
  if (result.plan) return "dry-run";
  if (!inputs.deploy) return inputs.pushImage ? "built-pushed" : "built";
  if (result.deploymentStatus === "superseded") return "superseded";
  return inputs.wait ? "deployed" : "queued";
}
