import { BUILDCACHE_TAG, autoCacheWanted } from "../build/cache";
import { type Config, type TargetSpec, describeTarget } from "../config/config";
import type { RunContext } from "./context";
import { buildArgv, classicLabels, dockerfileWithLabels, loginArgv, pushArgv } from "../build/docker";
import { dokployRegistryUrl, imageRef } from "../shared/image";
import { buildsIntoEngine, enginePushFor } from "../build/builder";
import { LABELLED_DOCKERFILE, readDockerfile } from "../build/build-and-push";
import { dockerProviderOf } from "../targets/provider";
import { lookEveryMs } from "../targets/stable";

/** What cache: auto adds to the build, in words (which applies is known once docker and Dokploy answer). */
function cachePlan(config: Config, buildx: boolean): string[] {
  if (!autoCacheWanted(config)) return [];
  const tags = config.extraTags.map((tag) => imageRef(config.image, tag));
  const sources = `the image the application runs (when in ${config.image.registry})${tags.length > 0 ? `, ${tags.join(", ")}` : ""}`;
  if (!buildx) {
    return [
      `Build cache (cache: auto): on an engine that holds no image of ${config.image.name}, docker pull ${sources}, then build with --cache-from them`,
    ];
  }
  const cache = imageRef(config.image, BUILDCACHE_TAG);
  return [
    `Build cache (cache: auto): --cache-from type=registry,ref= ${sources}; with the docker driver --cache-to type=inline, and on an engine that holds images of ${config.image.name} its own cache instead of the sources; with a BuildKit builder also ${config.ci.actionsCache ? "type=gha" : cache} as --cache-from and --cache-to (mode=max)`,
  ];
}

/** How the run builds: the builder, and whether the engine pushes over its API. */
export interface BuildWay {
  readonly buildx: boolean;
  readonly labelled?: boolean;
  readonly intoEngine?: boolean;
  /** The engine pushes what it built, the password in its request (no docker login): see enginePushFor. */
  readonly enginePush?: boolean;
}

/** The build part of the plan: the commands docker runs. */
export function buildPlan(config: Config, way: BuildWay): string[] {
  const { buildx, labelled = false, intoEngine = false, enginePush = false } = way;
  if (!config.build) return [`No build: deploy ${imageRef(config.image, config.tag)} as it is in the registry`];
  const plan = [`Create a temporary docker config (DOCKER_CONFIG); ~/.docker is not written`];
  if (config.push && enginePush) {
    plan.push(
      `GET ${config.image.registry}/v2/ with the password of ${config.push.username} (beside the build: does the registry take it?); docker login only if the build pulls from the registry`,
    );
  } else if (config.push)
    plan.push(`docker ${loginArgv(config.registry, config.push.username).join(" ")}  (password on stdin)`);
  const labelledDockerfile = labelled ? `$DOCKER_CONFIG/${LABELLED_DOCKERFILE}` : undefined;
  plan.push(...cachePlan(config, buildx));
  plan.push(
    `docker ${buildArgv(config, { buildx, intoEngine, outDir: "$DOCKER_CONFIG", created: new Date(0), labelledDockerfile }).join(" ")}`,
  );
  if (labelled) {
    const labels = classicLabels(config);
    const where = [
      labels.afterFrom.length > 0 ? `right after the built stage's FROM: ${labels.afterFrom.join(" ")}` : "",
      labels.atEnd.length > 0 ? `at its end: ${labels.atEnd.join(" ")}` : "",
    ].filter((part) => part !== "");
    plan.push(`  (${LABELLED_DOCKERFILE}: the Dockerfile with LABEL lines ${where.join("; ")})`);
  }
  if ((!buildx || intoEngine) && config.pushImage) {
    const push = (tag: string) =>
      enginePush
        ? `POST <engine>/images/${config.image.name}/push?tag=${tag}  (the engine's push; the password in its X-Registry-Auth header)`
        : `docker ${pushArgv(imageRef(config.image, tag)).join(" ")}`;
    plan.push(push(config.tag));
    for (const tag of config.extraTags) {
      plan.push(
        config.push
          ? `PUT ${config.image.registry}/v2/${config.image.path}/manifests/${tag}  (the manifest just pushed; a push of ${imageRef(config.image, tag)} if the registry refuses)`
          : push(tag),
      );
    }
  }
  return plan;
}

export function pullCheckPlan(config: Config): string[] {
  if (!config.verifyPull || !config.pushImage) return [];
  return [
    `HEAD ${config.image.registry}/v2/${config.image.path}/manifests/${config.tag} with the pull credentials (the image is there, Dokploy can pull it, it is the digest pushed)`,
  ];
}

/** The login test from the machines that pull: once per distinct server of the targets. */
export function serverPullPlan(config: Config, api: string): string[] {
  if (!config.pull) return [];
  const login = { registryUrl: dokployRegistryUrl(config.image.registry), username: config.pull.username };
  return [
    `POST ${api}registry.testRegistry ${JSON.stringify({ ...login, password: "***", registryType: "cloud" })} with each target's serverId (none for the Dokploy host), once per machine: a docker login to ${config.image.registry} from where the image is pulled (verify-pull-on-server); that login stays on the machine`,
  ];
}

/** The platform check: the image's platforms against the nodes of each target's machine. */
export function platformPlan(config: Config, api: string): string[] {
  return [
    `GET the manifest of ${imageRef(config.image, config.tag)} (and its config) for its platforms; GET ${api}cluster.getNodes with each target's serverId (none for the Dokploy host), once per machine: refuse when no node runs a platform of the image (verify-platform)`,
  ];
}

/** The id of a target in the plan: as given, or what its name will resolve to. */
function idText(spec: TargetSpec): string {
  return spec.id ?? `<id of ${spec.kind} "${spec.name}">`;
}

/** Finding the targets given by name: one read of project.all, before the build. */
export function namesPlan(config: Config, api: string): string[] {
  const named = config.targets.filter((t) => t.name !== undefined);
  if (!config.names || named.length === 0) return [];
  return [
    `GET ${api}project.all  (find ${named.map(describeTarget).join(", ")} in ${config.names.project}/${config.names.environment}; a wrong name stops the run here, before the build)`,
  ];
}

/** The check of the key and every target, beside the build. */
export function checkPlan(config: Config, api: string): string[] {
  return config.targets.map((t) => {
    const key = t.kind === "application" ? "applicationId" : "composeId";
    return `GET ${api}${t.kind}.one {"${key}":"${idText(t)}"}  (check key and ${t.kind}, beside the build)`;
  });
}

/** What is sent for one compose service after the build. */
function composePlan(config: Config, api: string, id: string): string[] {
  const ref = imageRef(config.image, config.tag);
  return [
    `GET ${api}compose.one {"composeId":"${id}"}, then POST ${api}compose.saveEnvironment (compose.update before Dokploy v0.29.0) with ${config.imageVariable}=${config.pinDigest ? `${ref}@<digest>` : ref} and ${config.tagVariable}=${config.tag} set in its env (every other variable kept as it is)`,
    `GET ${api}deployment.allByCompose {"composeId":"${id}"}  (snapshot, to tell our deployment from others)`,
    `POST ${api}compose.${config.deployMethod} ${JSON.stringify({ composeId: id, title: config.deployTitle, description: config.deployDescription })}`,
  ];
}

/** What is sent for one target after the build. */
function targetPlan(config: Config, api: string, spec: TargetSpec): string[] {
  const id = idText(spec);
  if (spec.kind === "compose") return composePlan(config, api, id);
  const provider = dockerProviderOf(config, id);
  return [
    `POST ${api}application.saveDockerProvider ${JSON.stringify({ ...provider, password: provider.password === null ? null : "***" })}`,
    `GET ${api}deployment.all {"applicationId":"${id}"}  (snapshot, to tell our deployment from others)`,
    `POST ${api}application.${config.deployMethod} ${JSON.stringify({ applicationId: id, title: config.deployTitle, description: config.deployDescription })}`,
  ];
}

/** The registry entry in Dokploy, when asked for. */
export function registryPlan(config: Config, api: string): string[] {
  if (!config.dokployRegistry) return [];
  return [
    `GET ${api}registry.all, then POST ${api}registry.create or registry.update for ${config.image.registry} when the entry differs`,
  ];
}

/** The calls made for the targets after the build, and what follows them. */
export function targetsPlan(config: Config, api: string): string[] {
  const plan: string[] = [];
  if (config.targets.length > 1) plan.push(`For each of the ${String(config.targets.length)} targets, all at once:`);
  for (const spec of config.targets) plan.push(...targetPlan(config, api, spec));
  if (!config.wait) return plan;
  plan.push(
    `Follow the new deployment titled "${config.deployTitle}" until done, error or cancelled (at most ${String(config.waitTimeoutSeconds)} s), with its live log, and check what runs`,
  );
  if (config.verifyRunning && config.verifyStableSeconds > 0) {
    plan.push(
      `Watch what swarm runs for ${String(config.verifyStableSeconds)} s (verify-stable): its tasks and its spec every ${String(lookEveryMs(config.verifyStableSeconds) / 1000)} s; red if a task stops or swarm restarts it`,
    );
  }
  if (config.health) {
    plan.push(`GET ${config.health.url} until it answers (at most ${String(config.health.timeoutMs / 1000)} s)`);
  }
  if (config.rollbackOnFailure) {
    const compose = config.targets.some((t) => t.kind === "compose");
    plan.push(
      `If that fails: save the previous image${compose ? " (a compose's previous variables)" : ""} back and redeploy it`,
    );
  }
  return plan;
}

/** How this run would build, found as the run would: the builder, the labels, the engine's push. */
export async function planWay(ctx: RunContext, buildx: boolean): Promise<BuildWay> {
  const { config } = ctx;
  const dockerfile = buildx || !config.build ? undefined : await readDockerfile(ctx);
  const labelled =
    dockerfile !== undefined && dockerfileWithLabels(dockerfile, classicLabels(config), config.target) !== undefined;
  const intoEngine = await buildsIntoEngine(config, ctx.ports, buildx);
  const enginePush = (await enginePushFor(config, ctx.ports, buildx, intoEngine)) !== undefined;
  return { buildx, labelled, intoEngine, enginePush };
}

/** Says the plan in the log. */
export function printPlan(ctx: RunContext, way: BuildWay, lines: readonly string[]): void {
  const builder = way.buildx
    ? way.intoEngine
      ? "buildx, docker driver: into the engine, then docker push"
      : "buildx"
    : "classic builder";
  ctx.logger.info(`Dry run: nothing is built, pushed or changed. The plan (${builder}):`);
  lines.forEach((line, i) => {
    ctx.logger.info(`${String(i + 1)}. ${line}`);
  });
}
