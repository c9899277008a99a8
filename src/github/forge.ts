/**
 * Forgejo and Gitea Actions run the action as GitHub's runner does (the same `uses:`, INPUT_*,
 * GITHUB_* and the runner's files), but GITHUB_API_URL there is the instance's own API
 * (<instance>/api/v1), which has no deployments and is not GitHub's. Their runners say so:
 * forgejo-runner sets FORGEJO_ACTIONS and GITEA_ACTIONS, Gitea's act_runner GITEA_ACTIONS.
 */
import type { Config } from "../config/config";
import { ConfigError } from "../shared/errors";

type Env = Readonly<Record<string, string | undefined>>;

export type Forge = "github" | "forgejo" | "gitea";

/** Where the step runs, from what the runner sets. */
export function forgeOf(env: Env): Forge {
  if (env.FORGEJO_ACTIONS === "true") return "forgejo";
  if (env.GITEA_ACTIONS === "true") return "gitea";
  return "github";
}

const NAMES: Readonly<Record<Exclude<Forge, "github">, string>> = {
  forgejo: "Forgejo Actions",
  gitea: "Gitea Actions",
};

/** The one line a run on Forgejo or Gitea says about what it leaves out; none on GitHub. */
export function forgeNotice(forge: Forge): string | undefined {
  if (forge === "github") return undefined;
  return `${NAMES[forge]}: no GitHub deployment and no pull-request comment (they need GitHub's API, which this instance does not have); the job summary and the step's outputs say how the deploy went.`;
}

/**
 * github-deployment or pr-comment given as true on Forgejo or Gitea asks for what cannot be
 * done there: a ConfigError naming the input, before anything is built.
 */
export function checkForgeInputs(config: Config, forge: Forge): void {
  if (forge === "github") return;
  const asked = config.github.deployment
    ? "github-deployment"
    : config.github.prComment === true
      ? "pr-comment"
      : undefined;
  if (!asked) return;
  throw new ConfigError(
    asked,
    `is true, but this step runs on ${NAMES[forge]}, whose API is not GitHub's: there is no GitHub deployment or pull-request comment to make there. Remove the input, or give it only on GitHub (e.g. \${{ github.server_url == 'https://github.com' }}); the job summary and the step's outputs say how the deploy went.`,
  );
}
