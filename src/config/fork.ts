/**
 * Pull requests from forks: GitHub runs their workflows without the repository's secrets, and
 * GitLab runs a fork's merge request pipeline in the fork's project, without the project's CI/CD
 * variables, so dokploy-api-key arrives empty. A preview cannot be made or removed then, and saying so is the
 * whole answer: the step ends at once, successfully, instead of failing on the missing key.
 */
import type { CiContext, RawInputs } from "./types";

/** Why the key is empty on each CI that says a pull request comes from a fork, and what to do instead. */
const FORK_HELP: Record<"github" | "gitlab", string> = {
  github:
    'GitHub gives the workflows of pull requests from forks no secrets (dokploy-api-key is empty); nothing was built or sent. To preview it, push its branch to this repository, or see "Pull requests from forks" in the README for a label-triggered workflow and its pull_request_target caveats.',
  gitlab:
    "GitLab runs the pipeline of a merge request from a fork in the fork's project, without this project's CI/CD variables (dokploy-api-key is empty); nothing was built or sent. To preview it, a maintainer can run the merge request's pipeline in this project (Run pipeline on its Pipelines tab), after reading the change.",
};

/**
 * The line the step ends with when it is asked for a preview of a fork's pull request and has no
 * dokploy-api-key; undefined otherwise (an empty key is then the input error it always is).
 */
export function forkPreviewSkip(
  raw: RawInputs,
  ci: CiContext,
  on: keyof typeof FORK_HELP = "github",
): string | undefined {
  const mode = (raw.preview ?? "").trim().toLowerCase();
  const fork = ci.pullRequest?.fromFork;
  if (mode === "" || mode === "off" || !fork || (raw["dokploy-api-key"] ?? "").trim() !== "") return undefined;
  const what = on === "gitlab" ? "merge request" : "pull request";
  return `No preview for ${what} ${ci.pullRequest?.number ?? ""}: it comes from ${fork}, and ${FORK_HELP[on]}`;
}
