/**
 * What Forgejo's and Gitea's runners give a step, beside INPUT_* and the runner's files: the
 * GITHUB_* variables of GitHub's runner (GITHUB_ACTIONS too), GITHUB_API_URL at the instance's
 * own API (<instance>/api/v1), an empty GITHUB_GRAPHQL_URL (no GraphQL), and their own markers.
 * forgejo-runner (internal/app/run/runner.go) sets GITEA_ACTIONS and FORGEJO_ACTIONS with their
 * runner versions; Gitea's act_runner sets GITEA_ACTIONS and GITEA_ACTIONS_RUNNER_VERSION
 * (Gitea's docs, usage/actions/variables). GITHUB_RUN_ID is the instance-wide id of the run,
 * GITHUB_RUN_NUMBER its number in the repository, which its page is at.
 */

function common(server: string, api: string) {
  return {
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITEA_ACTIONS: "true",
    GITHUB_SERVER_URL: server,
    GITHUB_API_URL: api,
    GITHUB_GRAPHQL_URL: "",
    GITHUB_REPOSITORY: "acme/web",
    GITHUB_REPOSITORY_OWNER: "acme",
    GITHUB_RUN_ID: "1399",
    GITHUB_RUN_NUMBER: "148",
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_REF: "refs/heads/main",
    GITHUB_REF_NAME: "main",
  };
}

const apiOf = (server: string) => `${server.replace(/\/+$/, "")}/api/v1`;

/** The variables a job on Forgejo Actions has; `server` is the instance, e.g. https://code.example.com/. */
export function forgejoEnv(server: string, api = apiOf(server)): Record<string, string> {
  return {
    ...common(server, api),
    GITEA_ACTIONS_RUNNER_VERSION: "v12.10.1",
    FORGEJO_ACTIONS: "true",
    FORGEJO_ACTIONS_RUNNER_VERSION: "v12.10.1",
  };
}

/** The variables a job on Gitea Actions has (act_runner): no FORGEJO_* ones. */
export function giteaEnv(server: string, api = apiOf(server)): Record<string, string> {
  return { ...common(server, api), GITEA_ACTIONS_RUNNER_VERSION: "v0.2.13" };
}
