import { afterAll, afterEach, beforeEach } from "vitest";
import type { CiContext, RawInputs } from "../../src/config/config";
import { DokployStandIn, type StandInOptions } from "./dokploy-stand-in";
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
