import { describe, expect, it } from "vitest";
import type { LiveLog } from "../../src/dokploy/live-log";
import { MemoryLogger } from "../support/loggers";
import {
  type Deployment,
  type Dokploy,
  DokployError,
  type LogListener,
  LOG_QUIET_MS,
  STREAMING_POLL_MS,
  WaitTimeoutError,
  followDeployment,
} from "./imports";

/** Following "Deploy 1234567" (run token tok) of one application, with this live log. */
function followOptions(openLog: (row: Deployment, listener: LogListener) => LiveLog | undefined) {
  return {
    source: { kind: "application" as const, id: "app" },
    known: new Set<string>(),
    title: "Deploy 1234567",
    token: "tok",
    timeoutMs: 600_000,
    applicationUrl: "http://dokploy.test/app",
    openLog,
  };
}

interface Scenario {
  readonly durationMs: number;
  /** A live log that sends a line this often (none: no live log). */
  readonly lineEveryMs?: number;
  /** Lines in its first message, on connect (Dokploy's first two come together on a deploy). */
  readonly firstLines?: number;
  /** The log falls silent after this long. */
  readonly silentAfterMs?: number;
  /** Dokploy writes the ending line 20 ms before the status (as it does); false: it never does. */
  readonly endingLine?: boolean;
}

/**
 * Follows one deployment on a virtual clock: the row appears 30 ms after the start and turns
 * done at `durationMs`; log lines arrive on schedule and wake the wait as the real log would.
 * Returns how many times deployment.all was read and the lag from the end to the wait's return.
 */
async function follow(scenario: Scenario): Promise<{ looks: number; lagMs: number }> {
  let now = 0;
  let looks = 0;
  const events: { at: number; fire: () => void }[] = [];
  const row = (): Deployment[] =>
    now < 30
      ? []
      : [
          {
            deploymentId: "d1",
            title: "Deploy 1234567",
            description: "Run token: tok",
            status: now >= scenario.durationMs ? "done" : "running",
            logPath: "/etc/dokploy/logs/app/app.log",
          } as Deployment,
        ];
  const dokploy = {
    deployments: () => {
      looks += 1;
      return Promise.resolve(row());
    },
  } as unknown as Dokploy;
  const sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    const until = now + ms;
    for (;;) {
      events.sort((a, b) => a.at - b.at);
      const next = events[0];
      if (!next || next.at > until) break;
      events.shift();
      now = next.at;
      next.fire();
      if (signal?.aborted) return Promise.resolve();
    }
    now = until;
    return Promise.resolve();
  };
  const openLog = (_: Deployment, listener: LogListener): LiveLog | undefined => {
    const every = scenario.lineEveryMs;
    if (every === undefined) return undefined;
    const last = scenario.durationMs - 20;
    const lines = (count: number) => () => {
      listener.onLines(count);
    };
    events.push({ at: now + 1, fire: lines(scenario.firstLines ?? 2) });
    for (let at = now + every; at < Math.min(last, now + (scenario.silentAfterMs ?? Infinity)); at += every) {
      events.push({ at, fire: lines(1) });
    }
    if (scenario.endingLine !== false) {
      events.push({
        at: last,
        fire: () => {
          listener.onLines(1);
          listener.onEnding();
        },
      });
    }
    return {
      open: true,
      tail: () => [],
      received: () => Promise.resolve(),
      catchUp: () => true,
      settled: () => Promise.resolve(),
      close: () => undefined,
    };
  };
  const followed = await followDeployment(dokploy, followOptions(openLog), {
    logger: new MemoryLogger(),
    clock: () => now,
    sleep,
  });
  expect(followed.deployment.status).toBe("done");
  return { looks, lagMs: now - scenario.durationMs };
}

describe("following a deployment: how often deployment.all is read", () => {
  it("looks seldom over a 60 s deployment whose live log streams, and soon after its ending line", async () => {
    const { looks, lagMs } = await follow({ durationMs: 60_000, lineEveryMs: 5_000 });
    // Two looks to find it, one every 15 s while the log streams, and the final one.
    expect(looks).toBeLessThanOrEqual(8);
    expect(lagMs).toBeLessThanOrEqual(500);
  });

  it("looks every 2 s at most in the first minute without a live log, so the end is seen within 2 s", async () => {
    const { looks, lagMs } = await follow({ durationMs: 60_000 });
    expect(lagMs).toBeLessThanOrEqual(2_000);
    expect(looks).toBeGreaterThan(25);
    expect(looks).toBeLessThanOrEqual(36);
  });

  it("goes back to looking by the clock when the live log falls silent", async () => {
    const { lagMs } = await follow({ durationMs: 90_000, lineEveryMs: 1_000, silentAfterMs: 5_000, endingLine: false });
    // Silent from 5 s, it counts as dead from 35 s; looks are every 2 s, then 5 s after the first minute.
    expect(lagMs).toBeLessThanOrEqual(5_000);
  });

  it("follows by the clock a redeploy whose log holds only its first line, which never says it ended", async () => {
    const { lagMs } = await follow({ durationMs: 8_000, lineEveryMs: 60_000, firstLines: 1, endingLine: false });
    expect(lagMs).toBeLessThanOrEqual(2_000);
  });

  it("sees an end the log does not announce within one slow look", async () => {
    const { lagMs } = await follow({ durationMs: 40_000, lineEveryMs: 2_000, endingLine: false });
    expect(lagMs).toBeLessThanOrEqual(STREAMING_POLL_MS);
    expect(STREAMING_POLL_MS).toBeLessThan(LOG_QUIET_MS);
  });
});

describe("following a deployment that is over at first sight", () => {
  it("still opens its live log and waits for the log Dokploy sends whole on connect", async () => {
    const opened: string[] = [];
    let waitedFor = 0;
    const done = {
      deploymentId: "d1",
      title: "Deploy 1234567",
      description: "Run token: tok",
      status: "done",
      logPath: "/etc/dokploy/logs/app/app.log",
    } as Deployment;
    const followed = await followDeployment(
      { deployments: () => Promise.resolve([done]) } as unknown as Dokploy,
      followOptions((row: Deployment): LiveLog => {
        opened.push(row.logPath ?? "");
        return {
          open: true,
          tail: () => [],
          received: (ms: number) => {
            waitedFor = ms;
            return Promise.resolve();
          },
          catchUp: () => true,
          settled: () => Promise.resolve(),
          close: () => undefined,
        };
      }),
      { logger: new MemoryLogger(), clock: () => 0, sleep: () => Promise.resolve() },
    );
    expect(followed.deployment.status).toBe("done");
    expect(opened).toEqual(["/etc/dokploy/logs/app/app.log"]);
    expect(waitedFor).toBeGreaterThan(0);
  });
});

describe("following a deployment that ends before its live log delivered", () => {
  it("waits for the log's lines before it returns and closes the log (a log opened late: its chunk loaded meanwhile)", async () => {
    const events: string[] = [];
    let looks = 0;
    const row = (status: string) =>
      ({
        deploymentId: "d1",
        title: "Deploy 1234567",
        description: "Run token: tok",
        status,
        logPath: "/etc/dokploy/logs/app/app.log",
      }) as Deployment;
    const followed = await followDeployment(
      {
        deployments: () => {
          looks += 1;
          return Promise.resolve([row(looks === 1 ? "running" : "done")]);
        },
      } as unknown as Dokploy,
      followOptions((): LiveLog => ({
        open: true,
        tail: () => [],
        received: (ms: number) => {
          events.push(`received ${String(ms)}`);
          return Promise.resolve();
        },
        catchUp: () => true,
        settled: (quietMs: number) => {
          events.push(`settled ${String(quietMs)}`);
          return Promise.resolve();
        },
        close: () => {
          events.push("close");
        },
      })),
      { logger: new MemoryLogger(), clock: () => 0, sleep: () => Promise.resolve() },
    );
    expect(followed.deployment.status).toBe("done");
    expect(events).toEqual(["received 2000", "settled 500", "close"]);
  });
});

describe("following a deployment within wait-timeout", () => {
  /**
   * Follows on a virtual clock with a 5 s wait-timeout; each look at deployment.all takes
   * `answerMs` (a silent server: never answers) and gives up when its time budget runs out.
   */
  async function followFor(answerMs: number) {
    let now = 0;
    const looks: { at: number; withinMs: number | undefined }[] = [];
    const dokploy = {
      deployments: (_source: unknown, withinMs?: number) => {
        looks.push({ at: now, withinMs });
        // The client's own limit (request-timeout 30 s) when it is given no budget.
        const limit = Math.min(withinMs ?? 30_000, 30_000);
        if (answerMs > limit) {
          now += limit;
          return Promise.reject(new DokployError("deployment.all", undefined, "no answer", true, false));
        }
        now += answerMs;
        return Promise.resolve([
          { deploymentId: "d1", title: "Deploy 1234567", description: "Run token: tok", status: "running" },
        ]);
      },
    } as unknown as Dokploy;
    const ports = {
      logger: new MemoryLogger(),
      clock: () => now,
      sleep: (ms: number) => {
        now += ms;
        return Promise.resolve();
      },
    };
    const error = await followDeployment(dokploy, { ...followOptions(() => undefined), timeoutMs: 5_000 }, ports).then(
      () => undefined,
      (e: unknown) => e,
    );
    return { error, looks, endedAt: now };
  }

  it("gives up on a silent deployment.all at wait-timeout, with the wait's own error", async () => {
    const { error, looks, endedAt } = await followFor(Infinity);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toContain("did not start within 5 s (wait-timeout)");
    expect(endedAt).toBeLessThanOrEqual(5_000);
    expect(looks[0]?.withinMs).toBe(5_000);
  });

  it("gives each look no more than what is left of the wait, and looks last shortly before its end", async () => {
    const { error, looks, endedAt } = await followFor(300);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toContain("is still running after 5 s (wait-timeout)");
    for (const look of looks) expect(look.at + (look.withinMs ?? Infinity)).toBeLessThanOrEqual(5_000);
    expect(endedAt).toBeLessThanOrEqual(5_000);
    expect(looks.at(-1)?.at).toBeGreaterThanOrEqual(3_000);
  });
});
