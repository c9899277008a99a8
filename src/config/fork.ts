/**
 * Pull requests from forks: GitHub runs their workflows without the repository's secrets, so
 * dokploy-api-key arrives empty. A preview cannot be made or removed then, and saying so is the
 * whole answer: the step ends at once, successfully, instead of failing on the missing key.
 */
import type { CiContext, RawInputs } from "./types";

/**
 * The line the step ends with when it is asked for a preview of a fork's pull request and has no
 * dokploy-api-key; undefined otherwise (an empty key is then the input error it always is).
 */
export function forkPreviewSkip(raw: RawInputs, ci: CiContext): string | undefined {
  const mode = (raw.preview ?? "").trim().toLowerCase();
  const fork = ci.pullRequest?.fromFork;
  if (mode === "" || mode === "off" || !fork || (raw["dokploy-api-key"] ?? "").trim() !== "") return undefined;
  return `No preview for pull request ${ci.pullRequest?.number ?? ""}: it comes from ${fork}, and GitHub gives the workflows of pull requests from forks no secrets (dokploy-api-key is empty); nothing was built or sent. To preview it, push its branch to this repository, or see "Pull requests from forks" in the README for a label-triggered workflow and its pull_request_target caveats.`;
}
