import "vitest";
import type { TestProject } from "vitest/node";
import { importBusybox, startEngine, startRegistry } from "./rig";

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
