import type { TargetsConfig } from "../config/slices";
import type { Application } from "../dokploy/procedures";
import { DeployError } from "../shared/errors";
import type { Logger } from "../shared/log";

/** Where the application builds from, in words, when it is set up to build from a source. */
export function configuredSource(app: Application): string | undefined {
  const repository: Record<string, string | null | undefined> = {
    github: app.repository ? `${app.owner ? `${app.owner}/` : ""}${app.repository}` : undefined,
    gitlab: app.gitlabRepository,
    bitbucket: app.bitbucketRepository,
    gitea: app.giteaRepository,
    git: app.customGitUrl,
  };
  const from = repository[app.sourceType ?? ""];
  if (from) return `its ${app.sourceType ?? ""} source (${from})`;
  return app.deployments > 0 ? `its ${app.sourceType ?? ""} source` : undefined;
}

/**
 * An application that builds from git (or any source but an image) is switched to the image
 * only when the user says so: given by mistake, it would silently stop building from its
 * source. A new application, with no source set up and nothing deployed, is simply set.
 */
export function checkSource(app: Application, config: TargetsConfig, logger: Logger, image: string): void {
  const givenBy = config.targets.some((t) => t.kind === "application" && t.id === app.applicationId)
    ? "application-id"
    : "application (and project, dokploy-environment)";
  if (!app.sourceType || app.sourceType === "docker") return;
  const source = configuredSource(app);
  if (!source) {
    logger.info(`The application has no ${app.sourceType} source set up yet; it is set to the Docker image ${image}.`);
    return;
  }
  const what = `Application "${app.name}" (${app.applicationId}) deploys from ${source}`;
  if (!config.switchSource) {
    throw new DeployError(
      `${what}; this step would switch it to the Docker image ${image}. Set switch-source: true to do that, or check ${givenBy}.`,
    );
  }
  logger.warn(`${what}; with switch-source: true it is switched to the Docker image ${image}.`);
}
