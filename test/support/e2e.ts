/**
 * What every e2e test uses: the live Dokploy and its swarm, applications of its own (deleted
 * after the test), a checkout whose image keeps running in swarm, and the bundles run as a
 * GitHub runner (dist/index.js) or a Bitbucket pipe (dist/cli/index.js) run them.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, describe, expect, inject } from "vitest";
import { isOlderThan } from "../../src/dokploy/version";
import { type ActionRun, type RunActionOptions, runAction } from "./action";
import type { LiveInfo, RemoteInfo } from "./e2e-setup";
import { type PipeRun, runPipeProgram } from "./bitbucket-pipelines";
import { type LiveApplication, LiveDokploy } from "./live-dokploy";
import { Swarm } from "./swarm";
import { removeTempDirs, tempDir } from "./temp";

const execFileAsync = promisify(execFile);

/** Time limits for a dev-mode server: first calls compile routes, OpenAPI calls take seconds. */
export const E2E_TEST_TIMEOUT_MS = 240_000;

/** Stands in for the live server's details in a skipped block, whose tests never run. */
const NOT_GIVEN: LiveInfo = {
  url: "http://127.0.0.1:9",
  apiKey: "",
  environmentId: "",
  swarmHost: "",
  version: "",
  rig: { dockerHost: "", registryHost: "", registryUser: "", registryPassword: "", baseImage: "" },
  remote: null,
};

/** `describe` when a live Dokploy is given, else the same tests skipped, the block's name saying why. */
export function describeLive(name: string, body: (e2e: E2E) => void): void {
  const live = inject("live");
  const e2e = new E2E(live ?? NOT_GIVEN);
  const skipped = live ? "" : ` (skipped: ${inject("liveSkipReason")})`;
  describe.skipIf(!live)(`${name}${skipped}`, { timeout: E2E_TEST_TIMEOUT_MS }, () => {
    afterEach(() => e2e.cleanUp());
    afterAll(removeTempDirs);
    body(e2e);
  });
}

/**
 * `describeLive` for tests that need the live Dokploy's remote server too: skipped, saying why,
 * when none is given.
 */
export function describeRemote(name: string, body: (e2e: E2E, remote: RemoteInfo) => void): void {
  const live = inject("live");
  const remote = live?.remote ?? null;
  const e2e = new E2E(live ?? NOT_GIVEN);
  const skipped = remote ? "" : ` (skipped: ${live ? inject("remoteSkipReason") : inject("liveSkipReason")})`;
  describe.skipIf(!remote)(`${name}${skipped}`, { timeout: E2E_TEST_TIMEOUT_MS }, () => {
    afterEach(() => e2e.cleanUp());
    afterAll(removeTempDirs);
    body(e2e, remote ?? { serverId: "", dockerHost: "", workerDockerHost: "" });
  });
}

export function commitSha(): string {
  return randomBytes(20).toString("hex");
}

/** A command that keeps the container running and stops at once on SIGTERM. */
const KEEP_RUNNING = `["/bin/sh", "-c", "trap 'exit 0' TERM; sleep 86400 & wait"]`;

export type CliRun = PipeRun;

export class E2E {
  readonly dokploy: LiveDokploy;
  readonly swarm: Swarm;
  private readonly apps: string[] = [];
  private readonly cleanUps: (() => Promise<void>)[] = [];

  constructor(readonly live: LiveInfo) {
    this.dokploy = new LiveDokploy(live.url, live.apiKey, live.version);
    this.swarm = new Swarm(live.swarmHost);
  }

  get rig(): LiveInfo["rig"] {
    return this.live.rig;
  }

  /**
   * Whether swarm rolls a failed update back by itself: Dokploy sets that since v0.29.0; before,
   * swarm's default pauses the update, the service keeps the new image and the old task runs on.
   */
  get swarmRollsBack(): boolean {
    return isOlderThan(this.live.version, "v0.29.0") !== true;
  }

  /**
   * A new application in the test environment (on that remote server, given its id), deleted
   * (with its service) after the test.
   */
  async newApp(label: string, serverId?: string): Promise<LiveApplication> {
    const app = await this.dokploy.createApplication(
      this.live.environmentId,
      `e2e-${label}-${randomBytes(3).toString("hex")}`,
      serverId,
    );
    this.apps.push(app.applicationId);
    return app;
  }

  /**
   * A run that stopped before changing Dokploy: it says so, and the application holds what it held
   * before (`before`, read ahead of the run) and has no deployment.
   */
  async expectNothingChanged(stdout: string, before: LiveApplication): Promise<void> {
    expect(stdout).toContain("Nothing was changed in Dokploy");
    const after = await this.dokploy.application(before.applicationId);
    expect([after.sourceType, after.dockerImage, after.username]).toEqual([
      before.sourceType,
      before.dockerImage,
      before.username,
    ]);
    expect(await this.dokploy.deployments(before.applicationId)).toEqual([]);
  }

  /** Runs `fn` after the test (before its applications are deleted). */
  onCleanUp(fn: () => Promise<void>): void {
    this.cleanUps.push(fn);
  }

  async cleanUp(): Promise<void> {
    for (const fn of this.cleanUps.splice(0).reverse()) await fn();
    for (const id of this.apps.splice(0)) {
      await this.dokploy.deleteApplication(id).catch((error: unknown) => {
        console.log(`e2e: could not delete application ${id}: ${String(error)}`);
      });
    }
  }

  /** An image repository in the rig's registry, unique to the test. */
  image(label: string): string {
    return `${this.rig.registryHost}/e2e/${label}-${randomBytes(3).toString("hex")}`;
  }

  /** A checkout whose image differs per call and keeps running in swarm (or runs `cmd`). */
  async checkout(lines: readonly string[] = [], cmd = KEEP_RUNNING): Promise<string> {
    const dir = await tempDir("e2e-checkout");
    await writeFile(
      join(dir, "Dockerfile"),
      [
        `FROM ${this.rig.baseImage}`,
        `RUN echo ${randomBytes(6).toString("hex")} > /marker`,
        ...lines,
        `CMD ${cmd}`,
        "",
      ].join("\n"),
    );
    return dir;
  }

  /**
   * Builds `cwd` on the rig's engine and pushes it as `ref` (login in a docker config of its
   * own, password on stdin), as another pipeline would: an image Dokploy can pull.
   */
  async pushImage(ref: string, cwd: string): Promise<void> {
    const env = { ...process.env, DOCKER_HOST: this.rig.dockerHost, DOCKER_CONFIG: await tempDir("e2e-docker-config") };
    const docker = (args: string[], input?: string) => {
      const child = execFileAsync("docker", args, { env, cwd, maxBuffer: 16 << 20 });
      child.child.stdin?.end(input ?? "");
      return child;
    };
    await docker(
      ["login", this.rig.registryHost, "-u", this.rig.registryUser, "--password-stdin"],
      this.rig.registryPassword,
    );
    await docker(["build", "--network", "host", "-t", ref, "."]);
    await docker(["push", ref]);
  }

  /** The inputs of a deploy of `image` to `app` with the rig's credentials. */
  inputs(
    app: Pick<LiveApplication, "applicationId">,
    image: string,
    extra: Record<string, string> = {},
  ): Record<string, string> {
    return {
      "dokploy-url": this.live.url,
      "dokploy-api-key": this.live.apiKey,
      "application-id": app.applicationId,
      image,
      "registry-username": this.rig.registryUser,
      "registry-password": this.rig.registryPassword,
      network: "host",
      "request-timeout": "120",
      "wait-timeout": "300",
      ...extra,
    };
  }

  /** dist/index.js as a runner runs it, at commit `sha`, building `cwd` on the rig's engine. */
  runAction(
    sha: string,
    inputs: Record<string, string>,
    options: Partial<RunActionOptions> & { runId?: string } = {},
  ): Promise<ActionRun> {
    return runAction({
      ...options,
      inputs,
      env: {
        GITHUB_SHA: sha,
        GITHUB_RUN_ID: options.runId ?? "4242",
        DOCKER_HOST: this.rig.dockerHost,
        ...options.env,
      },
      secrets: [this.live.apiKey, this.rig.registryPassword, ...(options.secrets ?? [])],
    });
  }

  /** dist/cli/index.js as the Bitbucket pipe runs it: its variables and BITBUCKET_* in the environment. */
  runCli(variables: Record<string, string>, cwd: string): Promise<CliRun> {
    return runPipeProgram({ DOCKER_HOST: this.rig.dockerHost, ...variables }, cwd);
  }
}
