/**
 * The live Dokploy's deployment queue, held: it runs one deployment at a time, so while another
 * application's deploy hangs in its pull, a run's deployment waits in the queue, as it would
 * behind a slow build. Tests use that window to act between a run's trigger and its job's start.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { ActionRun } from "./action";
import type { E2E } from "./e2e";
import { startHeldRegistry } from "./held-registry";
import type { RecordingProxy } from "./recording-proxy";

/** Starts another application's deploy that stays in its pull until the returned release() is called. */
export async function holdDeploymentQueue(e2e: E2E): Promise<() => void> {
  const held = await startHeldRegistry();
  e2e.onCleanUp(held.stop);
  const holder = await e2e.newApp("queue-holder");
  await e2e.dokploy.mutate("application.saveDockerProvider", {
    applicationId: holder.applicationId,
    dockerImage: `${held.host}/e2e/held:1`,
    username: null,
    password: null,
    registryUrl: null,
  });
  await e2e.dokploy.mutate("application.deploy", { applicationId: holder.applicationId, title: "Hold the queue" });
  const deadline = Date.now() + 120_000;
  while (held.requests === 0) {
    if (Date.now() > deadline)
      throw new Error("Dokploy's deploy of the holding application never reached its registry");
    await sleep(100);
  }
  return held.release;
}

/**
 * Resolves once `count` triggers of `method` have been answered through the proxy; throws if
 * one of the runs ends first (it failed before triggering).
 */
export async function triggered(
  proxy: RecordingProxy,
  method: string,
  count: number,
  runs: readonly Promise<ActionRun>[],
): Promise<void> {
  const done = proxy.until((calls) => calls.filter((c) => c.procedure === `application.${method}`).length >= count);
  const ended = await Promise.race([done.then(() => undefined), ...runs]);
  if (ended) throw new Error(`a run ended before its ${method} (exit ${String(ended.exitCode)}):\n${ended.stdout}`);
}
