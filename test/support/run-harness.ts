/**
 * What the tests of a whole run share: a Dokploy stand-in, a logger, the fake temporary docker
 * config's removals and files, and a timeline of what happened, fresh for each test.
 */
import { afterEach, beforeEach } from "vitest";
import { type Config, type RawInputs, parseConfig } from "../../src/config/config";
import type { Ports } from "../../src/pipeline/run";
import { DokployStandIn } from "./dokploy-stand-in";
import { type FakeDocker, SHA, fakePorts } from "./fake-docker";
import { FAKE_PUSH, dokployOf } from "./fixtures";
import { MemoryLogger } from "./loggers";
import { type Hold, Timeline } from "./timeline";

/** The stand-in's API key. */
export const KEY = "api-key-0123456789";

interface State {
  readonly standIn: DokployStandIn;
  readonly logger: MemoryLogger;
  readonly removed: string[];
  readonly written: Map<string, string>;
  readonly timeline: Timeline;
}

export interface RunHarness extends State {
  /** A deploy of the application through the stand-in: FAKE_PUSH, then `inputs`. */
  config(applicationId: string, inputs?: RawInputs): Config;
  /** Ports over the fake docker, its commands (each taking its `hold`) and the config's removal recorded on the timeline. */
  ports(docker: FakeDocker, hold?: Hold): Ports;
}

export function useRunHarness(): RunHarness {
  let current: State | undefined;
  beforeEach(async () => {
    const standIn = new DokployStandIn({
      apiKey: KEY,
      deployment: { startDelayMs: 5, durationMs: 5 },
      verifyRegistryLogin: false,
    });
    await standIn.start();
    current = { standIn, logger: new MemoryLogger(), removed: [], written: new Map(), timeline: new Timeline(standIn) };
  });
  afterEach(async () => {
    await current?.standIn.stop();
    current = undefined;
  });
  const now = (): State => {
    if (!current) throw new Error("the harness runs only inside a test");
    return current;
  };
  return {
    get standIn() {
      return now().standIn;
    },
    get logger() {
      return now().logger;
    },
    get removed() {
      return now().removed;
    },
    get written() {
      return now().written;
    },
    get timeline() {
      return now().timeline;
    },
    config: (applicationId, inputs = {}) =>
      parseConfig(
        { ...dokployOf(now().standIn, KEY), "application-id": applicationId, ...FAKE_PUSH, ...inputs },
        { sha: SHA, runUrl: "https://ci.example.com/run/1" },
      ),
    ports: (docker, hold) => {
      const { logger, removed, written, timeline } = now();
      return timeline.ports(fakePorts(docker, logger, removed, written), hold);
    },
  };
}
