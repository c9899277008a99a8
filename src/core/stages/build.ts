import type { Gate } from "../beside";
import { writeBuildSecrets } from "../build-secrets";
import type { RunContext } from "../context";
import {
  type Docker,
  allLabels,
  buildArgv,
  dockerfileWithLabels,
  pullsFrom,
  pushRefs,
  readBuildOutputs,
} from "../docker";
import type { TempDockerConfig } from "../docker-config";

export const LABELLED_DOCKERFILE = "Dockerfile.labelled";

/** The user's Dockerfile, when it can be read (not from a URL or stdin). */
export async function readDockerfile(ctx: RunContext): Promise<string | undefined> {
  const { config, ports } = ctx;
  if (!ports.readText || /^[a-z]+:\/\//i.test(config.context) || config.file === "-") return undefined;
  return ports.readText(config.file ?? `${config.context.replace(/\/+$/, "")}/Dockerfile`);
}

/** How this build runs, decided before the docker command is put together. */
interface BuildPlan {
  readonly buildx: boolean;
  readonly dockerfile: string | undefined;
  /** The registry login must be done before the build (it pulls from there, or buildx pushes). */
  readonly loginFirst: boolean;
}

/**
 * Builds the image and pushes every tag, in a temporary docker config that holds the registry
 * login and is removed when done. Nothing is pushed before the gate says Dokploy answered.
 */
export async function buildAndPush(ctx: RunContext, gate: Gate, hasBuildx: Promise<boolean>): Promise<void> {
  const { config, ports, ledger } = ctx;
  const temp = await ports.createDockerConfig(config.registry, { keepLogin: !config.push });
  const remove = ledger.temporary(temp.dir, "temporary docker config (registry login)", () => temp.remove());
  try {
    const [buildx, dockerfile] = await Promise.all([hasBuildx, readDockerfile(ctx)]);
    const plan: BuildPlan = {
      buildx,
      dockerfile,
      loginFirst: buildx || dockerfile === undefined || pullsFrom(dockerfile, config.registry),
    };
    await buildThenPush(ctx, gate, plan, temp);
  } finally {
    await remove().catch((error: unknown) => {
      ctx.logger.warn(`Could not remove the temporary docker config ${temp.dir}: ${String(error)}`);
    });
  }
}

async function buildThenPush(ctx: RunContext, gate: Gate, plan: BuildPlan, temp: TempDockerConfig): Promise<void> {
  const { config, logger, result } = ctx;
  const docker = ctx.docker.withConfigDir(temp.dir);
  // The build stops when the preflight or the login fails; that failure is the one to report.
  const stopBuild = new AbortController();
  gate.signal.addEventListener("abort", () => {
    stopBuild.abort();
  });
  // Without a push, the login is for what the build pulls from the registry alone.
  const login = config.pushImage || plan.loginFirst ? logIn(ctx, docker, gate.signal) : Promise.resolve();
  // buildx waits for the check before it builds: the check runs beside the login instead.
  if (plan.buildx) gate.underWay();
  const loginFailed = (error: unknown): Promise<never> =>
    stopBuild.signal.aborted && !gate.signal.aborted ? login.then(() => Promise.reject(error)) : Promise.reject(error);
  if (plan.loginFirst) await login;
  else {
    login.catch(() => {
      stopBuild.abort();
    });
  }
  const argv = await buildCommand(ctx, plan, temp);
  // buildx pushes as it builds, so it waits for the preflight; the classic build overlaps it.
  if (plan.buildx) {
    gate.underWay();
    await gate.passed();
  }
  const building = docker.build(argv, stopBuild.signal);
  gate.underWay();
  await building.catch(loginFailed);
  Object.assign(result, await readBuildOutputs(temp));
  if (!config.pushImage) {
    // buildx reports a digest without a push too; the digest output is the registry's.
    result.digest = undefined;
    logger.info(`Built ${result.image}; nothing pushed (push: false)`);
    return;
  }
  if (plan.buildx) {
    for (const ref of pushRefs(config)) ctx.ledger.record({ kind: "pushed", ref, digest: result.digest });
  } else {
    await gate.passed();
    await login;
    await pushTags(ctx, docker, gate.signal);
  }
  if (result.digest) logger.info(`Pushed ${result.image} (${result.digest})`);
  else logger.warn(`Pushed ${result.image}, but docker did not report its digest`);
}

function logIn(ctx: RunContext, docker: Docker, signal: AbortSignal): Promise<void> {
  const { config, logger } = ctx;
  if (!config.push) {
    logger.info(`No registry-username: pushing with the credentials docker already has for ${config.registry}`);
    return Promise.resolve();
  }
  return docker.login(config.registry, config.push, signal);
}

/** The build's argv; for the classic builder, with the labels in one LABEL line of a Dockerfile copy. */
async function buildCommand(ctx: RunContext, plan: BuildPlan, temp: TempDockerConfig): Promise<string[]> {
  const { config, ports } = ctx;
  await writeBuildSecrets(config.buildSecrets, temp);
  const created = ports.now();
  const labelled =
    plan.buildx || plan.dockerfile === undefined
      ? undefined
      : dockerfileWithLabels(plan.dockerfile, allLabels(config, created), config.target);
  return buildArgv(config, {
    buildx: plan.buildx,
    outDir: temp.dir,
    created,
    labelledDockerfile: labelled === undefined ? undefined : await temp.writeFile(LABELLED_DOCKERFILE, labelled),
  });
}

/**
 * Pushes one tag after another: pushes of the same layers at once can make a registry answer
 * 500. The deploy tag goes first (it uploads the layers; its digest is the one that counts).
 */
async function pushTags(ctx: RunContext, docker: Docker, signal: AbortSignal): Promise<void> {
  const [first, ...rest] = pushRefs(ctx.config);
  for (const ref of first ? [first, ...rest] : []) {
    const digest = await docker.push(ref, signal);
    ctx.ledger.record({ kind: "pushed", ref, digest });
    if (ref === first) ctx.result.digest = digest;
  }
}
