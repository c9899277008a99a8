import { afterAll, afterEach, beforeEach } from "vitest";
import { DokployStandIn, type StandInOptions } from "./dokploy-stand-in";
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
