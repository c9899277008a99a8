import { describe, expect, it } from "vitest";
import { MemoryLogger } from "../support/loggers";
import { DEFAULT_RETRY, DokployError, backoffDelay, pollDelay, withRetry } from "./imports";

function clockedPorts() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    ports: {
      logger: new MemoryLogger(),
      clock: () => now,
      sleep: (ms: number) => {
        sleeps.push(ms);
        now += ms;
        return Promise.resolve();
      },
      random: () => 0.5,
    },
  };
}

const retryable = () => new DokployError("registry.all", 502, "HTTP 502", true, true);

describe("withRetry", () => {
  it("retries retryable errors with growing, jittered delays until it succeeds", async () => {
    const { ports, sleeps } = clockedPorts();
    let calls = 0;
    const value = await withRetry("x", DEFAULT_RETRY, ports, () => {
      calls += 1;
      return calls < 4 ? Promise.reject(retryable()) : Promise.resolve("ok");
    });
    expect(value).toBe("ok");
    expect(calls).toBe(4);
    expect(sleeps).toEqual([375, 750, 1500]);
    expect(ports.logger.text()).toContain("x: HTTP 502; retrying in 0.4 s (retry 1 of 4)");
  });

  it("stops after the allowed number of retries", async () => {
    const { ports } = clockedPorts();
    let calls = 0;
    await expect(
      withRetry("x", { ...DEFAULT_RETRY, retries: 2 }, ports, () => {
        calls += 1;
        return Promise.reject(retryable());
      }),
    ).rejects.toThrow("HTTP 502");
    expect(calls).toBe(3);
  });

  it("stops when the next retry would start after the time limit", async () => {
    const { ports, sleeps } = clockedPorts();
    await expect(
      withRetry("x", { ...DEFAULT_RETRY, retries: 10, maxElapsedMs: 3000 }, ports, () => Promise.reject(retryable())),
    ).rejects.toThrow();
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3000);
  });

  it("never retries a 4xx other than 429", async () => {
    const { ports } = clockedPorts();
    let calls = 0;
    await expect(
      withRetry("x", DEFAULT_RETRY, ports, () => {
        calls += 1;
        return Promise.reject(new DokployError("application.one", 404, "not found", false));
      }),
    ).rejects.toThrow("not found");
    expect(calls).toBe(1);
  });

  it("lets the caller settle an ambiguous failure instead of repeating it", async () => {
    const { ports } = clockedPorts();
    let calls = 0;
    const value = await withRetry(
      "x",
      DEFAULT_RETRY,
      ports,
      () => {
        calls += 1;
        return Promise.reject(retryable());
      },
      () => Promise.resolve({ done: true as const, value: "found" }),
    );
    expect(value).toBe("found");
    expect(calls).toBe(1);
  });

  it("keeps every delay within half to all of the capped exponential", () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const ceiling = Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** attempt);
      expect(backoffDelay(DEFAULT_RETRY, attempt, () => 0)).toBe(ceiling / 2);
      expect(backoffDelay(DEFAULT_RETRY, attempt, () => 0.999999)).toBeLessThanOrEqual(ceiling);
    }
  });
});

describe("pollDelay", () => {
  it("starts quick, looks every 2 s in the first minute, then every 5 s, then every 10 s", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map((a) => pollDelay(a, 0))).toEqual([
      250, 375, 563, 844, 1266, 1898, 2000, 2000, 2000,
    ]);
    expect(pollDelay(20, 59_000)).toBe(2_000);
    expect(pollDelay(20, 61_000)).toBe(5_000);
    expect(pollDelay(20, 181_000)).toBe(10_000);
  });

  it("costs a modest number of looks over a 60 s and a 10 minute deployment", () => {
    const looks = (durationMs: number) => {
      let t = 0;
      let n = 0;
      while (t < durationMs) {
        t += pollDelay(n, t);
        n += 1;
      }
      return n;
    };
    expect(looks(60_000)).toBeLessThanOrEqual(36);
    expect(looks(600_000)).toBeLessThanOrEqual(100);
  });
});
