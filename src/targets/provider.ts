import type { TargetsConfig } from "../config/slices";
import type { Application, DockerProvider } from "../dokploy/procedures";
import { dokployRegistryUrl, imageRef } from "../shared/image";

export type { DockerProvider } from "../dokploy/procedures";

/** The provider Dokploy will pull with: all five keys, nulls for a public image. */
export function dockerProviderOf(config: TargetsConfig, applicationId: string, digest?: string): DockerProvider {
  const ref = imageRef(config.image, config.tag);
  return {
    applicationId,
    dockerImage: config.pinDigest && digest ? `${ref}@${digest}` : ref,
    username: config.pull?.username ?? null,
    password: config.pull?.password ?? null,
    registryUrl: config.pull ? dokployRegistryUrl(config.image.registry) : null,
  };
}

/** What the application ran before we changed it, for a rollback; undefined if not a Docker image. */
export function previousProvider(app: Application): DockerProvider | undefined {
  if (app.sourceType !== "docker" || !app.dockerImage) return undefined;
  return {
    applicationId: app.applicationId,
    dockerImage: app.dockerImage,
    username: app.username ?? null,
    password: app.password ?? null,
    registryUrl: app.registryUrl ?? null,
  };
}
