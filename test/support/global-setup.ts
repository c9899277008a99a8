import "vitest";
import type { TestProject } from "vitest/node";
import { type Registry, importBusybox, startEngine, startRegistry } from "./rig";

export interface RigInfo {
  readonly dockerHost: string;
  readonly registryHost: string;
  readonly registryUser: string;
  readonly registryPassword: string;
  readonly baseImage: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    rig: RigInfo;
  }
}

/** The rig's registry in the shape rig.ts helpers take (the tests do not start or stop it). */
export function rigRegistry(rig: RigInfo): Registry {
  return {
    host: rig.registryHost,
    username: rig.registryUser,
    password: rig.registryPassword,
    authorization: `Basic ${Buffer.from(`${rig.registryUser}:${rig.registryPassword}`).toString("base64")}`,
    pid: 0,
    stop: () => Promise.resolve(),
  };
}

/** One engine and one registry for all integration tests; both stopped at the end. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const engine = await startEngine();
  let registry;
  try {
    registry = await startRegistry();
    const baseImage = await importBusybox(engine);
    project.provide("rig", {
      dockerHost: engine.host,
      registryHost: registry.host,
      registryUser: registry.username,
      registryPassword: registry.password,
      baseImage,
    });
  } catch (error) {
    await registry?.stop();
    await engine.stop();
    throw error;
  }
  const started = registry;
  return async () => {
    await started.stop();
    await engine.stop();
  };
}
