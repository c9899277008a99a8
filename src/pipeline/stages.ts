import { buildAndPush } from "../build/build-and-push";
import type { BuildCheck } from "../build/context";
import type { Config } from "../config/config";
import type { Entry } from "../record/ledger";
import { checkPull } from "../registry/pull-check";
import { checkPullOnServers } from "../registry/server-pull";
import { checkPlatforms } from "../registry/platform-check";
import { upsertRegistryEntry } from "../registry/registry-entry";
import { previewPlan } from "../preview/plan";
import { besideWork, mapGate } from "../shared/beside";
import { type Prepared, checkTargets, runningImages } from "../targets/check";
import { deployTargets } from "../targets/deploy-targets";
import { type Resolved, resolveTargets } from "../targets/names";
import { connectToDokploy, goOnline } from "./connect";
import { type Connected, type Online, type RunContext, stopIfCancelled, timed } from "./context";
import { checkInputs } from "./inputs";
import * as plan from "./plan";

/** What the stages hand on to each other. */
export interface RunState {
  /** Whether the build runs with buildx (a local question, answered beside what follows). */
  buildx?: Promise<boolean>;
  /** The targets by id, and Dokploy's client when finding them took a request. */
  resolved?: Resolved<Connected>;
  /** The HTTP client, once loaded. */
  online?: Online;
  /** Dokploy's client, once the key and the targets are checked. */
  connected?: Connected;
  /** Each target checked, with what it ran before. */
  prepared?: Prepared[];
}

/** One stage of the run, as the log, the plan and docs/architecture.md name it. */
export interface Stage {
  readonly name: string;
  /** Whether it runs with this config. */
  readonly when: (config: Config) => boolean;
  /** What it takes from the stages before it. */
  readonly needs: readonly (keyof RunState)[];
  /** What it hands on. */
  readonly gives: readonly (keyof RunState)[];
  /** What it records in the ledger. */
  readonly records: readonly Entry["kind"][];
  /** Its part of the dry run's plan. */
  readonly plan?: (config: Config, way: plan.BuildWay, api: string) => string[];
  /** Does it; "stop" ends the run there (a dry run). */
  readonly run: (ctx: RunContext, state: RunState) => Promise<Partial<RunState> | "stop">;
}

const always = () => true;
const deploys = (config: Config) => config.deploy;
/** close and prune remove previews: nothing is built, pushed or deployed. */
const removesPreviews = (config: Config) => config.preview?.mode === "close" || config.preview?.mode === "prune";
const deploysImage = (config: Config) => config.deploy && !removesPreviews(config);

/** The build, with the Dokploy check beside it: nothing is pushed before Dokploy answered. */
async function buildBesideCheck(ctx: RunContext, state: RunState): Promise<Partial<RunState>> {
  const { config } = ctx;
  const check = async (): Promise<RunState & { readonly online: Online }> => {
    if (!config.deploy) return { online: await goOnline(ctx) };
    const connected = state.resolved?.connected ?? (await connectToDokploy(ctx));
    const prepared = await checkTargets(connected, state.resolved?.refs ?? []);
    return { online: connected, connected, prepared };
  };
  const step = config.pushImage ? `Build and push ${ctx.image}` : `Build ${ctx.image}`;
  return besideWork(
    (gate) =>
      config.build
        ? timed(ctx, step, () =>
            buildAndPush(
              ctx,
              mapGate(gate, (c): BuildCheck => ({ online: c.online, running: runningImages(c.prepared ?? []) })),
              state.buildx ?? Promise.resolve(false),
            ),
          )
        : Promise.resolve(),
    check,
    ctx.signal,
  );
}

/** The run, in order. Each stage runs when its `when` holds; docs/architecture.md shows the list. */
export const STAGES: readonly Stage[] = [
  {
    name: "Check the inputs",
    when: always,
    needs: [],
    gives: ["buildx"],
    records: [],
    run: async (ctx) => ({ buildx: (await checkInputs(ctx)).buildx }),
  },
  {
    name: "Print the plan",
    when: (config) => config.dryRun,
    needs: ["buildx"],
    gives: [],
    records: ["plan"],
    run: async (ctx, state) => {
      const way = await plan.planWay(ctx, await (state.buildx ?? Promise.resolve(false)));
      const lines = describePlan(ctx.config, way);
      ctx.ledger.record({ kind: "plan", lines });
      plan.printPlan(ctx, way, lines);
      return "stop";
    },
  },
  {
    name: "Find the targets by name",
    when: deploys,
    needs: [],
    gives: ["resolved"],
    records: ["timing"],
    plan: (config, _way, api) => plan.namesPlan(config, api),
    run: async (ctx) => ({ resolved: await resolveTargets(ctx, () => connectToDokploy(ctx)) }),
  },
  {
    name: "Build and push, with the Dokploy check beside it",
    when: always,
    needs: ["buildx"],
    gives: ["online", "connected", "prepared"],
    records: ["temp-files", "built", "pushed", "served", "target", "timing"],
    plan: (config, way, api) => [...(config.deploy ? plan.checkPlan(config, api) : []), ...plan.buildPlan(config, way)],
    run: buildBesideCheck,
  },
  {
    name: "Check that Dokploy can pull the image",
    when: (config) => config.pushImage,
    needs: ["online"],
    gives: [],
    records: ["served", "timing"],
    plan: (config) => plan.pullCheckPlan(config),
    run: async (ctx, state) => {
      if (state.online) await checkPull(state.online);
      return {};
    },
  },
  {
    name: "Check the login from where the image is pulled",
    when: (config) => deploysImage(config) && config.verifyPull && config.verifyPullOnServer,
    needs: ["connected", "prepared"],
    gives: [],
    records: ["timing"],
    plan: (config, _way, api) => plan.serverPullPlan(config, api),
    run: async (_ctx, state) => {
      if (state.connected)
        await checkPullOnServers(
          state.connected,
          (state.prepared ?? []).map((p) => p.machine),
        );
      return {};
    },
  },
  {
    name: "Check the image's platforms against the nodes",
    when: (config) => deploysImage(config) && config.verifyPlatform,
    needs: ["connected", "prepared"],
    gives: [],
    records: ["timing"],
    plan: (config, _way, api) => plan.platformPlan(config, api),
    run: async (_ctx, state) => {
      if (state.connected)
        await checkPlatforms(
          state.connected,
          (state.prepared ?? []).map((p) => p.machine),
        );
      return {};
    },
  },
  {
    name: "Registry entry in Dokploy",
    when: deploysImage,
    needs: ["connected"],
    gives: [],
    records: ["registry-entry", "registry-id", "timing"],
    plan: (config, _way, api) => plan.registryPlan(config, api),
    run: async (_ctx, state) => {
      if (state.connected) await upsertRegistryEntry(state.connected);
      return {};
    },
  },
  {
    name: "Make the preview",
    when: (config) => config.deploy && config.preview?.mode === "open",
    needs: ["connected", "prepared"],
    gives: ["prepared"],
    records: ["preview-created", "preview-service", "preview-domain", "preview-removed", "preview", "target", "timing"],
    plan: (config, _way, api) => previewPlan(config.preview, api, config.targets[0]?.kind),
    run: async (_ctx, state) => {
      if (!state.connected) return {};
      const { makePreview } = await import("../preview/stage");
      const preview = await makePreview(state.connected, state.prepared?.[0]?.ctx.ref);
      return { prepared: await checkTargets(state.connected, [preview.ref]) };
    },
  },
  {
    name: "Remove the preview",
    when: (config) => config.deploy && removesPreviews(config),
    needs: ["connected", "prepared"],
    gives: [],
    records: ["preview-removed", "timing"],
    plan: (config, _way, api) => previewPlan(config.preview, api, config.targets[0]?.kind),
    run: async (_ctx, state) => {
      if (!state.connected) return {};
      const { removePreview } = await import("../preview/stage");
      await removePreview(state.connected, state.prepared?.[0]?.ctx.ref);
      return {};
    },
  },
  {
    name: "Deploy the targets",
    when: deploysImage,
    needs: ["connected", "prepared"],
    gives: [],
    records: [
      "provider",
      "compose-env",
      "deployment",
      "deployment-status",
      "target-failed",
      "stable",
      "health",
      "rollback",
    ],
    plan: (config, _way, api) => plan.targetsPlan(config, api),
    run: async (_ctx, state) => {
      if (state.connected) await deployTargets(state.connected, state.prepared ?? []);
      return {};
    },
  },
  {
    name: "Say that Dokploy was left alone",
    when: (config) => !config.deploy,
    needs: [],
    gives: [],
    records: [],
    plan: () => ["deploy: false: no request to Dokploy"],
    run: (ctx) => {
      ctx.logger.info("deploy: false: nothing was sent to Dokploy.");
      return Promise.resolve({});
    },
  },
];

/** The plan in words: commands and API calls, secrets masked, from the stages this config runs. */
export function describePlan(config: Config, way: plan.BuildWay, stages: readonly Stage[] = STAGES): string[] {
  const api = config.transport === "trpc" ? "/api/trpc/" : "/api/";
  return stages.filter((stage) => stage.when(config)).flatMap((stage) => stage.plan?.(config, way, api) ?? []);
}

/** Runs the stages this config asks for, in order, each handing on what the next need. */
export async function runStages(ctx: RunContext, stages: readonly Stage[] = STAGES): Promise<void> {
  const state: RunState = {};
  for (const stage of stages) {
    if (!stage.when(ctx.config)) continue;
    const given = await stage.run(ctx, state);
    if (given === "stop") return;
    Object.assign(state, given);
    stopIfCancelled(ctx);
  }
}
