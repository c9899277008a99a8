import type { PreviewOptions, TargetKind } from "../config/types";

/** The open steps of a compose template: the copy with its file, variables and one domain. */
function composeOpenPlan(preview: PreviewOptions, api: string): string[] {
  const env =
    preview.env.length > 0 ? `, with ${preview.env.map((line) => line.split("=")[0] ?? "").join(", ")} over them` : "";
  return [
    `If there is no marked copy: POST ${api}compose.create (the template's name and type, marked, raw source); a template whose file publishes ports:, is not raw or has no domain with a service is refused first`,
    `POST ${api}compose.update: the template's compose file and variables${env} (not its domains' hosts or its command)`,
    `POST ${api}domain.create ${preview.host ?? "(a host Dokploy makes)"} for the service and port of the template's first domain unless the copy has it, then deploy the image to the copy (its image and tag variables) instead of the template`,
  ];
}

/** What a preview stage would do, for the dry run's plan: nothing is read or changed there. */
export function previewPlan(
  preview: PreviewOptions | undefined,
  api: string,
  kind: TargetKind = "application",
): string[] {
  if (!preview) return [];
  const pr = preview.number ?? "";
  const find = `GET ${api}${kind}.one (the template) and ${api}environment.byProjectId: the preview of pull request ${pr} is the environment whose description carries its marker`;
  if (preview.mode === "open") {
    const limit = preview.limit > 0 ? `, unless ${String(preview.limit)} previews of the template are open` : "";
    const created = `If there is none: POST ${api}environment.create "${preview.name}" in the template's project${limit}`;
    if (kind === "compose") return [find, created, ...composeOpenPlan(preview, api)];
    const databases =
      preview.template === "environment"
        ? [
            `For each database of the template's environment (postgres, mysql, mariadb, mongo, redis) without a marked copy: GET ${api}<kind>.one, POST ${api}<kind>.create (its name, image, database and user, new passwords, a volume <appName>-data of its own, marked), ${api}<kind>.update (its variables, command, resources; never its published port), then ${api}<kind>.deploy and wait until swarm runs it; the application's variables naming a database's host or password are rewritten to the copy's`,
          ]
        : [];
    return [
      find,
      `${created}, then ${api}application.create (the template's name, marked) and ${api}mounts.create for its volumes (named …-${preview.name}) and files`,
      ...databases,
      `POST ${api}application.update: the template's settings and variables${preview.env.length > 0 ? `, with ${preview.env.map((line) => line.split("=")[0] ?? "").join(", ")} over them` : ""} (never its ports or domains)`,
      `POST ${api}domain.create ${preview.host ?? "(a host Dokploy makes)"} unless the copy has it, then deploy the image to the copy instead of the template`,
    ];
  }
  const removes = `POST ${api}application.delete, ${api}compose.delete (deleteVolumes: true) and ${api}<kind>.remove for its applications, compose services and databases that carry the marker, ${api}dockerVolume.removeVolume for their volumes (…-${preview.name}, <database appName>-data, a stack's <compose appName>_*)`;
  if (preview.mode === "close") {
    return [find, `${removes}, then ${api}environment.remove; a service without the marker is left and named`];
  }
  return [
    `GET ${api}${kind}.one (the template) and ${api}environment.byProjectId: every preview of the template whose last deploy is older than ${String(preview.ttlSeconds)} s (preview-ttl)`,
    `For each: ${removes}, then ${api}environment.remove`,
  ];
}
