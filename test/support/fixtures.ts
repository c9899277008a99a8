import { afterAll, afterEach, beforeEach } from "vitest";
import { type CiContext, type RawInputs, parseConfig } from "../../src/config/config";
import { outputsOf, run } from "../../src/pipeline/run";
import { DokployStandIn, type StandInOptions } from "./dokploy-stand-in";
import { SHA, fakeDocker, fakePorts } from "./fake-docker";
import { GithubApiStandIn } from "./github-api-stand-in";
import { MemoryLogger } from "./loggers";
import type { RigInfo } from "./global-setup";
import { removeTempDirs } from "./temp";

/**
 * A Dokploy stand-in started before each test of the file and stopped after it; temp dirs are
 * removed after the file. Returns the current test's stand-in.
 */
export function useStandIn(options: StandInOptions): () => DokployStandIn {
  let current: DokployStandIn | undefined;
  beforeEach(async () => {
    current = new DokployStandIn(options);
    await current.start();
  });
  afterEach(async () => {
    await current?.stop();
    current = undefined;
  });
  afterAll(removeTempDirs);
  return () => {
    if (!current) throw new Error("the stand-in runs only inside a test");
    return current;
  };
}

/** A GitHub API stand-in started before each test of the file and stopped after it. */
export function useGithubStandIn(token: string): () => GithubApiStandIn {
  let current: GithubApiStandIn | undefined;
  beforeEach(async () => {
    current = new GithubApiStandIn(token);
    await current.start();
  });
  afterEach(async () => {
    await current?.stop();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error("the GitHub stand-in runs only inside a test");
    return current;
  };
}

/** The inputs of a run that builds into the rig's registry and deploys through a stand-in. */
export function standInInputs(
  target: { rig: RigInfo; standIn: DokployStandIn; apiKey: string },
  applicationId: string,
  image: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    "dokploy-url": target.standIn.url,
    "dokploy-api-key": target.apiKey,
    "application-id": applicationId,
    image,
    "registry-username": target.rig.registryUser,
    "registry-password": target.rig.registryPassword,
    network: "host",
    ...extra,
  };
}

/** The commit unit tests of the inputs run at. */
export const UNIT_CI: CiContext = { sha: "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c" };

/** The least a deploy is given: a Dokploy, its key, an application, an image. */
export const BASE_INPUTS: RawInputs = {
  "dokploy-url": "https://dokploy.example.com",
  "dokploy-api-key": "k",
  "application-id": "app",
  image: "ghcr.io/acme/web",
};

/** The image the fake docker builds and pushes. No registry answers at 127.0.0.1:5000. */
export const FAKE_IMAGE = "127.0.0.1:5000/acme/web";

/** The push password of the runs over the fake docker: it must show nowhere a user reads. */
export const PUSH_PASSWORD = "push-secret-1";

/**
 * The pull check off, where a pull would not pass or is not what is tested: no registry serves
 * the image (the fake docker pushes nowhere; the stand-in never pulls), or the pull credentials
 * are markers. The pull check has tests of its own.
 */
export const NO_PULL_CHECK = { "verify-pull": "false" } as const;

/** A build with the fake docker, pushed as ci to FAKE_IMAGE's registry (so without the pull check). */
export const FAKE_PUSH: RawInputs = {
  image: FAKE_IMAGE,
  "registry-username": "ci",
  "registry-password": PUSH_PASSWORD,
  ...NO_PULL_CHECK,
};

/** The stand-in as the run's Dokploy, with the key it takes. */
export function dokployOf(standIn: DokployStandIn, apiKey: string): RawInputs {
  return { "dokploy-url": standIn.url, "dokploy-api-key": apiKey };
}

/**
 * Builds with the fake docker and deploys a compose service through the stand-in (verify-timeout
 * 2 s): the outcome, the log and the outputs.
 */
export async function deployComposeThrough(
  standIn: DokployStandIn,
  apiKey: string,
  composeId: string,
  inputs: RawInputs = {},
) {
  const logger = new MemoryLogger();
  const config = parseConfig(
    { ...dokployOf(standIn, apiKey), "compose-id": composeId, ...FAKE_PUSH, "verify-timeout": "2", ...inputs },
    { sha: SHA, runUrl: "https://ci.example.com/run/1" },
  );
  const outcome = await run(config, fakePorts(fakeDocker(), logger, []));
  return { ...outcome, log: logger.text(), outputs: outputsOf(outcome.result) };
}

/** An image already in the registry (tag v1), deployed without a build; the stand-in never pulls it. */
export const DEPLOY_ONLY = { build: "false", tag: "v1", ...NO_PULL_CHECK } as const;
