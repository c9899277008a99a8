import type { Dispatcher } from "undici";
import { adviceFor } from "./advice";
import { type Config, type OutputName, secretsOf } from "./config";
import { type CreateTempDockerConfig } from "./docker-config";
import {
  Docker,
  allLabels,
  buildArgv,
  dockerfileWithLabels,
  pullsFrom,
  buildxOnlyInputs,
  loginArgv,
  METADATA_FILE,
  parseMetadataDigest,
  pushArgv,
  pushRefs,
} from "./docker";
import { type Application, type Deployment, type DockerProvider, Dokploy, applicationUrl } from "./dokploy/procedures";
import { applyRegistryPlan, describeRegistryPlan, planRegistryUpsert } from "./dokploy/registry";
import { rollBack, snapshotDeployments, triggerDeployment } from "./dokploy/deploy";
import { WaitTimeoutError, followDeployment, type WaitPorts } from "./dokploy/wait";
import { DEFAULT_RETRY, type RetryPolicy, type RetryPorts, withRetry } from "./retry";
import { ConfigError, DeployError, HealthCheckError, PullCheckError } from "./errors";
import type { Exec } from "./exec";
import { dokployRegistryUrl, imageRef } from "./image";
import { type Logger, Redactor, redactingLogger } from "./log";

/** Everything the run does to the world goes through these. */
export interface Ports extends WaitPorts {
  readonly exec: Exec;
  readonly createDockerConfig: CreateTempDockerConfig;
  /** HTTP connection pool for Dokploy and the registry; undici's global one when absent. */
  readonly dispatcher?: Dispatcher;
  /** Makes the HTTP connection pool when it is first needed (loading the HTTP client then). */
  readonly loadDispatcher?: () => Promise<Dispatcher>;
  /** Wall clock, for the created label. */
  readonly now: () => Date;
  /** [0, 1), for retry jitter. */
  readonly random?: () => number;
  /** Called once docker is at work: a moment to load what is needed later, off the critical path. */
  readonly whileDockerWorks?: () => void;
  /** Whether buildx is installed, found without starting the docker CLI; else `docker buildx version`. */
  readonly hasBuildx?: () => Promise<boolean>;
  /** Reads a text file (the Dockerfile, relative to the working directory); undefined if it cannot. */
  readonly readText?: (path: string) => Promise<string | undefined>;
}

const LABELLED_DOCKERFILE = "Dockerfile.labelled";

export interface Timing {
  readonly step: string;
  readonly seconds: number;
}

export interface Result {
  readonly image: string;
  readonly tag: string;
  digest?: string;
  registryId?: string;
  deploymentId?: string;
  deploymentStatus?: string;
  applicationUrl?: string;
  applicationName?: string;
  /** Last health check answer, e.g. "200 in 34 ms". */
  health?: string;
  readonly timings: Timing[];
  /** The plan printed by a dry run. */
  plan?: string[];
}

/** What a run returns: the result so far, and the error that ended it, if any. */
export interface Outcome {
  readonly result: Result;
  readonly error?: Error;
}

export function outputsOf(result: Result): Record<OutputName, string> {
  return {
    image: result.image,
    tag: result.tag,
    digest: result.digest ?? "",
    "image-ref-digest": result.digest ? `${result.image.slice(0, result.image.lastIndexOf(":"))}@${result.digest}` : "",
    "registry-id": result.registryId ?? "",
    "deployment-id": result.deploymentId ?? "",
    "deployment-status": result.deploymentStatus ?? "",
    "application-url": result.applicationUrl ?? "",
    health: result.health ?? "",
  };
}

/** The provider Dokploy will pull with: all five keys, nulls for a public image. */
export function dockerProviderOf(config: Config, digest?: string): DockerProvider {
  const ref = imageRef(config.image, config.tag);
  return {
    applicationId: config.applicationId,
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

function isLoopback(url: URL): boolean {
  return /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(url.hostname);
}

/** The plan in words: commands and API calls, secrets masked. */
export function describePlan(config: Config, buildx: boolean, labelled = false): string[] {
  const plan: string[] = [];
  const api = config.transport === "trpc" ? "/api/trpc/" : "/api/";
  plan.push(`GET ${api}application.one {"applicationId":"${config.applicationId}"}  (check key and application)`);
  if (config.build) {
    plan.push(`Create a temporary docker config (DOCKER_CONFIG); ~/.docker is not written`);
    if (config.push)
      plan.push(`docker ${loginArgv(config.registry, config.push.username).join(" ")}  (password on stdin)`);
    const labelledDockerfile = labelled ? `$DOCKER_CONFIG/${LABELLED_DOCKERFILE}` : undefined;
    plan.push(
      `docker ${buildArgv(config, { buildx, outDir: "$DOCKER_CONFIG", created: new Date(0), labelledDockerfile }).join(" ")}`,
    );
    if (labelled)
      plan.push(
        `  (${LABELLED_DOCKERFILE}: the Dockerfile with one LABEL line: ${allLabels(config, new Date(0)).join(" ")})`,
      );
    if (!buildx) for (const ref of pushRefs(config)) plan.push(`docker ${pushArgv(ref).join(" ")}`);
  } else {
    plan.push(`No build: deploy ${imageRef(config.image, config.tag)} as it is in the registry`);
  }
  if (config.verifyPull) {
    plan.push(
      `HEAD ${config.image.registry}/v2/${config.image.path}/manifests/${config.tag} with the pull credentials (the image is there, Dokploy can pull it, it is the digest pushed)`,
    );
  }
  if (config.dokployRegistry) {
    plan.push(
      `GET ${api}registry.all, then POST ${api}registry.create or registry.update for ${config.image.registry} when the entry differs`,
    );
  }
  const provider = dockerProviderOf(config);
  plan.push(
    `POST ${api}application.saveDockerProvider ${JSON.stringify({ ...provider, password: provider.password === null ? null : "***" })}`,
  );
  plan.push(
    `GET ${api}deployment.all {"applicationId":"${config.applicationId}"}  (snapshot, to tell our deployment from others)`,
  );
  plan.push(
    `POST ${api}application.${config.deployMethod} ${JSON.stringify({ applicationId: config.applicationId, title: config.deployTitle, description: config.deployDescription })}`,
  );
  if (config.wait) {
    plan.push(
      `Follow the new deployment titled "${config.deployTitle}" until done, error or cancelled (at most ${String(config.waitTimeoutSeconds)} s), with its live log`,
    );
    if (config.health) {
      plan.push(`GET ${config.health.url} until it answers (at most ${String(config.health.timeoutMs / 1000)} s)`);
    }
    if (config.rollbackOnFailure) plan.push("If that fails: save the previous image back and redeploy it");
  }
  return plan;
}

async function timed<T>(result: Result, ports: Ports, step: string, fn: () => Promise<T>, group = true): Promise<T> {
  const started = ports.clock();
  try {
    return await (group ? ports.logger.group(step, fn) : fn());
  } finally {
    result.timings.push({ step, seconds: (ports.clock() - started) / 1000 });
  }
}

/** The user's Dockerfile, when it can be read (not from a URL or stdin). */
async function readDockerfile(config: Config, ports: Ports): Promise<string | undefined> {
  if (!ports.readText || /^[a-z]+:\/\//i.test(config.context) || config.file === "-") return undefined;
  return ports.readText(config.file ?? `${config.context.replace(/\/+$/, "")}/Dockerfile`);
}

interface BuildControl {
  /** Resolves when the push may start (the preflight passed); rejects with its error. */
  readonly mayPush: () => Promise<unknown>;
  /** Aborted when the preflight fails, to stop the build at once. */
  readonly signal: AbortSignal;
  /** Called once the build command is running (or will not run). */
  readonly started: () => void;
}

async function buildAndPush(
  config: Config,
  ports: Ports,
  docker: Docker,
  hasBuildx: Promise<boolean>,
  result: Result,
  control: BuildControl,
): Promise<void> {
  const temp = await ports.createDockerConfig(config.registry);
  try {
    const isolated = docker.withConfigDir(temp.dir);
    // The build stops when the preflight or the login fails; that failure is the one to report.
    const stopBuild = new AbortController();
    control.signal.addEventListener("abort", () => {
      stopBuild.abort();
    });
    let login: Promise<void> = Promise.resolve();
    const stopped = async (error: unknown): Promise<never> => {
      if (control.signal.aborted) await control.mayPush();
      if (stopBuild.signal.aborted) await login;
      throw error;
    };
    const [buildx, dockerfile] = await Promise.all([hasBuildx, readDockerfile(config, ports)]);
    // The login is needed before the build only where the build pulls from our registry (or
    // buildx pushes as it builds); else it runs beside the build and is awaited before the push.
    const loginFirst = buildx || dockerfile === undefined || pullsFrom(dockerfile, config.registry);
    const push = config.push;
    login = push ? isolated.login(config.registry, push, control.signal) : Promise.resolve();
    if (!push)
      ports.logger.info(`No registry-username: pushing with the credentials docker already has for ${config.registry}`);
    if (loginFirst) await login.catch(stopped);
    else {
      login.catch(() => {
        stopBuild.abort();
      });
    }
    const created = ports.now();
    const labelled =
      buildx || dockerfile === undefined
        ? undefined
        : dockerfileWithLabels(dockerfile, allLabels(config, created), config.target);
    const argv = buildArgv(config, {
      buildx,
      outDir: temp.dir,
      created,
      labelledDockerfile: labelled === undefined ? undefined : await temp.writeFile(LABELLED_DOCKERFILE, labelled),
    });
    // buildx pushes as it builds, so it waits for the preflight; the classic build overlaps it.
    if (buildx) {
      control.started();
      await control.mayPush();
    }
    const building = isolated.run("docker build", argv, stopBuild.signal);
    control.started();
    await building.catch(stopped);
    if (buildx) {
      const metadata = await temp.readFile(METADATA_FILE);
      result.digest = metadata ? parseMetadataDigest(metadata) : undefined;
    } else {
      await control.mayPush();
      await login;
      // One after another: pushes of the same layers at once can make a registry answer 500.
      // The deploy tag goes first (it uploads the layers; its digest is the one that counts).
      const [first, ...rest] = pushRefs(config);
      if (first) result.digest = await isolated.push(first);
      for (const ref of rest) await isolated.push(ref);
    }
    if (result.digest) ports.logger.info(`Pushed ${result.image} (${result.digest})`);
    else ports.logger.warn(`Pushed ${result.image}, but docker did not report its digest`);
  } finally {
    try {
      await temp.remove();
    } catch (error) {
      ports.logger.warn(`Could not remove the temporary docker config ${temp.dir}: ${String(error)}`);
    }
  }
}

async function steps(config: Config, ports: Ports, redactor: Redactor, result: Result): Promise<void> {
  const { logger } = ports;
  const docker = new Docker(ports.exec, logger);
  const needBuildx = buildxOnlyInputs(config);
  const [firstBuildxInput] = needBuildx;
  const probe = !config.build
    ? Promise.resolve(false)
    : config.builder === "auto"
      ? (ports.hasBuildx?.() ?? docker.hasBuildx())
      : Promise.resolve(config.builder === "buildx");
  // The buildx probe is a local question. It is answered first when the answer can still
  // reject the inputs (before any HTTP call) or is needed for the plan; else it runs beside
  // the preflight.
  const early = firstBuildxInput !== undefined || config.dryRun;
  const buildxEarly = early ? await probe : undefined;
  if (early && !buildxEarly && firstBuildxInput && config.build) {
    throw new ConfigError(
      firstBuildxInput,
      config.builder === "classic"
        ? `needs buildx, but builder is classic (${needBuildx.join(", ")} given). Set builder to auto or buildx, or remove ${needBuildx.join(", ")}`
        : `needs docker buildx, which is not installed here (${needBuildx.join(", ")} given). Add docker/setup-buildx-action before this step, or remove ${needBuildx.join(", ")}`,
    );
  }
  for (const warning of adviceFor(config)) logger.warn(warning);
  const url = new URL(config.dokployUrl);
  if (url.protocol === "http:" && !isLoopback(url)) {
    logger.warn(`dokploy-url uses http://: the API key travels in clear text to ${url.host}. Use https://.`);
  }
  if (config.dryRun) {
    const dockerfile = buildxEarly === true || !config.build ? undefined : await readDockerfile(config, ports);
    const labelled = dockerfile !== undefined && dockerfileWithLabels(dockerfile, [], config.target) !== undefined;
    result.plan = describePlan(config, buildxEarly === true, labelled);
    logger.info(
      `Dry run: nothing is built, pushed or changed. The plan (${buildxEarly === true ? "buildx" : "classic builder"}):`,
    );
    result.plan.forEach((line, i) => {
      logger.info(`${String(i + 1)}. ${line}`);
    });
    return;
  }

  // The build starts first. The HTTP client loads while docker works, then the preflight runs
  // beside the build: the build does not wait for Dokploy, and nothing is pushed before Dokploy
  // answered that the key works and the application exists. If it did not, the build stops.
  const stop = new AbortController();
  let settle: { resolve: (provider: DockerProvider | undefined) => void; reject: (error: unknown) => void } | undefined;
  const preflight = new Promise<DockerProvider | undefined>((resolve, reject) => {
    settle = { resolve, reject };
  });
  preflight.catch(() => {
    stop.abort();
  });
  let buildStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    buildStarted = resolve;
  });
  const building = config.build
    ? timed(result, ports, `Build and push ${result.image}`, () =>
        // The probe, if still running, is awaited only when the build command is put together.
        buildAndPush(config, ports, docker, probe, result, {
          mayPush: () => preflight,
          signal: stop.signal,
          started: buildStarted,
        }),
      )
    : Promise.resolve();
  building.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled

  // Loading the HTTP client keeps this thread busy for a moment: not before docker builds.
  if (config.build) await Promise.race([started, building.catch(() => undefined)]);
  ports.whileDockerWorks?.();
  const remote = await import("./remote");
  const dispatcher = (await ports.loadDispatcher?.()) ?? ports.dispatcher;
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY,
    retries: config.retries,
    maxElapsedMs: config.retryMaxTimeSeconds * 1000,
  };
  const retryPorts: RetryPorts = { logger, clock: ports.clock, sleep: ports.sleep, random: ports.random };
  const dokploy = new Dokploy(
    new remote.DokployClient({
      baseUrl: config.dokployUrl,
      apiKey: config.apiKey,
      transport: config.transport,
      logger,
      redactor,
      dispatcher,
      timeoutMs: config.requestTimeoutSeconds * 1000,
      retry: policy,
      retryPorts,
    }),
  );

  timed(
    result,
    ports,
    "Check Dokploy and the application",
    async () => {
      const app = await dokploy.applicationOne(config.applicationId);
      // application.one answers with the pull password in plain text: mask it like ours.
      redactor.add(app.password);
      result.applicationName = app.name;
      result.applicationUrl = applicationUrl(config.dokployUrl, app);
      logger.info(
        `Application "${app.name}" (${config.applicationId}), source ${app.sourceType ?? "unknown"}: ${result.applicationUrl}`,
      );
      if (app.sourceType && app.sourceType !== "docker") {
        logger.warn(
          `The application's source is "${app.sourceType}"; it will be switched to the Docker image ${result.image}.`,
        );
      }
      return previousProvider(app);
    },
    false,
  ).then(settle?.resolve, settle?.reject);

  try {
    await building;
  } catch (error) {
    // The preflight failed too (the build may have failed first, on its own): its error is
    // the one that says what to fix first.
    if (stop.signal.aborted) await preflight;
    throw error;
  }
  const previous = await preflight;

  if (config.verifyPull) {
    await timed(result, ports, "Check that Dokploy can pull the image", async () => {
      const served = await remote.resolveImage(config.image, config.tag, config.pull, {
        dispatcher,
        timeoutMs: config.requestTimeoutSeconds * 1000,
      });
      if (result.digest && served.digest !== result.digest) {
        throw new PullCheckError(
          "digest",
          `${result.image}: the registry serves ${served.digest}, not ${result.digest} that was just pushed; someone pushed over the tag. Not deploying.`,
        );
      }
      result.digest ??= served.digest;
      logger.info(
        `${result.image} is served as ${served.digest}${served.mediaType ? ` (${served.mediaType})` : ""} to ${config.pull ? config.pull.username : "anonymous pulls"}`,
      );
    });
  } else if (config.pinDigest && !result.digest) {
    throw new DeployError(
      "pin-digest: docker did not report the pushed digest; turn verify-pull on to read it from the registry",
    );
  }

  if (config.dokployRegistry && config.pull) {
    const pull = config.pull;
    await timed(result, ports, "Registry entry in Dokploy", () =>
      // The whole upsert is retried, planned anew from registry.all each time, so a create
      // that reached Dokploy before its answer was lost is found and not made twice.
      withRetry("Registry entry in Dokploy", policy, retryPorts, async () => {
        const plan = planRegistryUpsert(await dokploy.registryAll(), {
          fields: {
            registryName: config.dokployRegistryName,
            username: pull.username,
            password: pull.password,
            registryUrl: dokployRegistryUrl(config.image.registry),
            imagePrefix: config.imagePrefix,
            serverId: config.serverId,
          },
          nameGiven: config.dokployRegistryNameGiven,
        });
        logger.info(describeRegistryPlan(plan));
        result.registryId = await applyRegistryPlan(dokploy, plan);
      }),
    );
  }

  // The snapshot of deployments is read while the provider is saved; used only if that worked.
  const snapshot = snapshotDeployments(dokploy, config.applicationId);
  snapshot.catch(() => undefined);
  await timed(result, ports, "Point the application at the image", async () => {
    await dokploy.saveDockerProvider(dockerProviderOf(config, result.digest));
    logger.info(
      `Application ${config.applicationId} now runs ${result.image}${config.pull ? ` (pulled as ${config.pull.username})` : " (public image)"}`,
    );
  });

  const known = await snapshot;
  await timed(result, ports, `Trigger ${config.deployMethod}`, async () => {
    await triggerDeployment(
      dokploy,
      {
        method: config.deployMethod,
        applicationId: config.applicationId,
        title: config.deployTitle,
        description: config.deployDescription,
      },
      known,
      policy,
      retryPorts,
    );
    logger.info(`Dokploy queued the ${config.deployMethod} "${config.deployTitle}"`);
  });
  result.deploymentStatus = "queued";
  if (!config.wait) return;

  const follow = {
    timeoutMs: config.waitTimeoutSeconds * 1000,
    applicationUrl: result.applicationUrl ?? config.dokployUrl,
    openLog: (deployment: Deployment, onEnding: () => void) =>
      deployment.logPath
        ? remote.streamDeploymentLog({
            baseUrl: config.dokployUrl,
            apiKey: config.apiKey,
            logPath: deployment.logPath,
            serverId: deployment.serverId,
            logger,
            redactor,
            onEnding,
          })
        : undefined,
  };
  let failure: DeployError;
  try {
    const followed = await timed(result, ports, "Wait for the deployment", () =>
      followDeployment(
        dokploy,
        { ...follow, applicationId: config.applicationId, known, title: config.deployTitle },
        ports,
      ),
    );
    const { deployment } = followed;
    result.deploymentId = deployment.deploymentId;
    result.deploymentStatus = deployment.status;
    if (deployment.status === "done") {
      logger.info(`Deployment ${deployment.deploymentId} is done: ${result.image} is live.`);
      if (!config.health) return;
      const health = config.health;
      const checked = await timed(result, ports, "Health check", () =>
        remote.checkHealth(health, { logger, clock: ports.clock, sleep: ports.sleep, dispatcher }),
      );
      result.health = `${String(checked.status)} in ${String(checked.latencyMs)} ms`;
      return;
    }
    const tail = followed.tail.length > 0 ? `\nLast lines of its log:\n${followed.tail.join("\n")}` : "";
    failure = new DeployError(
      `Deployment ${deployment.deploymentId} of ${result.image} ended with status "${deployment.status}".${tail}\nSee ${follow.applicationUrl}`,
    );
  } catch (error) {
    if (error instanceof WaitTimeoutError) {
      result.deploymentId = error.deployment?.deploymentId;
      result.deploymentStatus = "timeout";
      failure = error;
    } else if (error instanceof HealthCheckError) {
      result.health = error.last ? `${String(error.last.status)} in ${String(error.last.latencyMs)} ms` : "no answer";
      failure = error;
    } else {
      throw error;
    }
  }
  if (config.rollbackOnFailure) {
    const outcome = previous
      ? await timed(result, ports, "Roll back", () =>
          rollBack(dokploy, { previous, policy, follow }, { ...ports, ...retryPorts }),
        )
      : "Nothing to roll back to: the application did not run a Docker image before this deployment.";
    logger.warn(outcome);
    failure.message = `${failure.message}\n${outcome}`;
  }
  throw failure;
}

/** Runs the whole deploy. Never throws: the error that ended the run is in the outcome. */
export async function run(config: Config, ports: Ports): Promise<Outcome> {
  const redactor = new Redactor();
  for (const secret of secretsOf(config)) redactor.add(secret);
  const logger: Logger = redactingLogger(ports.logger, redactor);
  const result: Result = { image: imageRef(config.image, config.tag), tag: config.tag, timings: [] };
  try {
    await steps(config, { ...ports, logger }, redactor, result);
    return { result: redactor.redactAll(result) };
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    failure.message = redactor.redact(failure.message);
    return { result: redactor.redactAll(result), error: failure };
  }
}
