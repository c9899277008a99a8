import { describe, expect, it } from "vitest";
import type { Config } from "../../src/config/config";
import { Ledger } from "../../src/record/ledger";
import { resultOf } from "../../src/record/result-of";
import { STAGES, type Stage } from "../../src/pipeline/stages";

const configs = [
  { dryRun: false, deploy: true, pushImage: true, build: true },
  { dryRun: false, deploy: true, pushImage: true, build: false },
  { dryRun: false, deploy: false, pushImage: true, build: true },
  { dryRun: false, deploy: false, pushImage: false, build: true },
  { dryRun: true, deploy: true, pushImage: true, build: true },
  { dryRun: true, deploy: false, pushImage: false, build: true },
] as unknown as Config[];

/** The stages a config runs, up to a dry run's stop. */
function running(config: Config, stages: readonly Stage[]): Stage[] {
  const chosen = stages.filter((stage) => stage.when(config));
  const stop = chosen.findIndex((stage) => stage.name === "Print the plan");
  return stop < 0 ? chosen : chosen.slice(0, stop + 1);
}

/** The first stage that needs what no stage before it gave; undefined when every need is met. */
function unmetNeed(config: Config, stages: readonly Stage[]): string | undefined {
  const given = new Set<string>();
  for (const stage of running(config, stages)) {
    const missing = stage.needs.find((need) => !given.has(need));
    if (missing) return `${stage.name} needs ${missing}`;
    for (const gift of stage.gives) given.add(gift);
  }
  return undefined;
}

describe("the run as a declared list of stages", () => {
  it.each(configs.map((config) => [JSON.stringify(config), config] as const))(
    "every stage gets what it needs from the stages before it (%s)",
    (_name, config) => {
      expect(unmetNeed(config, STAGES)).toBeUndefined();
    },
  );

  it("would say so of a list whose order breaks a need", () => {
    const swapped = [...STAGES];
    const build = swapped.findIndex((s) => s.name.startsWith("Build and push"));
    const [moved] = swapped.splice(build, 1);
    swapped.push(moved!);
    expect(unmetNeed(configs[0]!, swapped)).toBe("Check that Dokploy can pull the image needs online");
  });

  it("a deploy talks to Dokploy; deploy: false never does", () => {
    const names = (config: Config) => running(config, STAGES).map((s) => s.name);
    expect(names(configs[0]!)).toContain("Deploy the targets");
    expect(names(configs[2]!)).not.toContain("Deploy the targets");
    expect(names(configs[2]!)).not.toContain("Registry entry in Dokploy");
    expect(names(configs[2]!)).toContain("Say that Dokploy was left alone");
  });
});

describe("the ledger as the one record", () => {
  it("keeps entries as recorded: a recorded entry cannot be changed", () => {
    const ledger = new Ledger();
    const entry = ledger.record({ kind: "deployment", method: "redeploy", title: "t", url: "u" });
    expect(() => {
      (entry as { title: string }).title = "changed";
    }).toThrow(TypeError);
    expect(ledger.entries[0]).toMatchObject({ title: "t" });
  });

  it("gives the result: targets, their last status, the digest pushed, the health answer", () => {
    const ledger = new Ledger();
    ledger.record({ kind: "target", targetKind: "application", id: "a1" });
    ledger.record({ kind: "target", targetKind: "application", id: "a1", name: "web", url: "https://d/web" });
    ledger.record({ kind: "pushed", ref: "r/web:abc", digest: "sha256:1" });
    ledger.record({ kind: "deployment-status", target: "a1", status: "queued", said: "step" });
    ledger.record({ kind: "deployment-status", target: "a1", deploymentId: "d1", status: "done", said: "dokploy" });
    ledger.record({ kind: "health", answer: "200 in 3 ms" });
    ledger.record({ kind: "timing", step: "Build", seconds: 2 });
    const result = resultOf(ledger, "r/web:abc", "abc");
    expect(result).toMatchObject({
      digest: "sha256:1",
      deploymentId: "d1",
      deploymentStatus: "done",
      applicationName: "web",
      applicationUrl: "https://d/web",
      health: "200 in 3 ms",
      timings: [{ step: "Build", seconds: 2 }],
    });
    expect(result.targets).toEqual([
      {
        kind: "application",
        id: "a1",
        name: "web",
        url: "https://d/web",
        deploymentId: "d1",
        deploymentStatus: "done",
      },
    ]);
  });

  it("says a deployment ended as Dokploy said, not as the step judged it", () => {
    const ledger = new Ledger();
    ledger.record({ kind: "target", targetKind: "application", id: "a1" });
    ledger.record({ kind: "deployment", targetId: "a1", method: "redeploy", title: "Deploy x", url: "u" });
    ledger.record({ kind: "deployment-status", target: "a1", deploymentId: "d1", status: "error", said: "dokploy" });
    ledger.record({ kind: "deployment-status", target: "a1", status: "timeout", said: "step" });
    expect(ledger.dokployChanges()).toEqual(['redeploy "Deploy x" (deployment d1) ended error: see u']);
    expect(resultOf(ledger, "i:t", "t").deploymentStatus).toBe("timeout");
  });
});
