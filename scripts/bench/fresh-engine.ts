/**
 * Bench section: a second commit (one line of the app changed) built on a runner that starts
 * empty, as GitHub's hosted runners do: a new engine for every run (classic builder, buildx's
 * docker driver), or a BuildKit builder emptied with `buildx prune` (remote driver). Only what
 * the registry holds can make such a build warm: cache: auto against cache: off.
 */
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildToolsMissing, installBuildTools, startBuildkitd } from "../../test/support/build-tools";
import type { DokployStandIn } from "../../test/support/dokploy-stand-in";
import { type Engine, type Registry, startEngine } from "../../test/support/rig";

export interface Timed {
  readonly ms: number;
  readonly code: number;
  readonly output: string;
}

export interface FreshBench {
  readonly action: string;
  readonly work: string;
  readonly runs: number;
  readonly registry: Registry;
  readonly standIn: DokployStandIn;
  readonly apiKey: string;
  /** The bench's engine: it pushes the base image and runs `docker buildx` for the remote builder. */
  readonly engine: Engine;
  /** A base image in that engine. */
  readonly base: string;
  readonly sh: (
    command: string,
    argv: string[],
    options?: { cwd?: string; env?: Record<string, string> },
  ) => Promise<Timed>;
  readonly log: (line?: string) => void;
  readonly chart: (label: string, ms: number) => void;
}

const DEPENDENCY_SECONDS = 3;

interface Runner {
  readonly label: string;
  readonly home: string;
  /** DOCKER_HOST of an empty engine (or the bench's, with the BuildKit builder emptied). */
  fresh(): Promise<string>;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

async function dockerIn(bench: FreshBench, config: string, args: string[], input?: string): Promise<void> {
  const env = { PATH: process.env.PATH ?? "", DOCKER_HOST: bench.engine.host, DOCKER_CONFIG: config };
  const done =
    input === undefined
      ? await bench.sh("docker", args, { env })
      : await bench.sh("sh", ["-c", `printf '%s' "$P" | docker ${args.join(" ")}`], { env: { ...env, P: input } });
  if (done.code !== 0) throw new Error(`docker ${args.join(" ")} failed:\n${done.output}`);
}

/** A HOME whose ~/.docker has the buildx plugin (or none: the classic builder). */
async function homeWith(bench: FreshBench, buildx: string | undefined): Promise<string> {
  const home = await mkdtemp(join(bench.work, "fresh-home-"));
  await mkdir(join(home, ".docker", "cli-plugins"), { recursive: true });
  if (buildx) await symlink(buildx, join(home, ".docker", "cli-plugins", "docker-buildx"));
  await writeFile(join(home, ".docker", "config.json"), "{}");
  return home;
}

/** The three runners; what they started goes into `engines` and `daemons`, for the caller to stop. */
async function runners(bench: FreshBench, engines: Engine[], daemons: { stop(): Promise<void> }[]): Promise<Runner[]> {
  const freshEngine = async () => {
    const engine = await startEngine();
    engines.push(engine);
    return engine.host;
  };
  const classic: Runner = {
    label: "classic builder",
    home: await homeWith(bench, undefined),
    fresh: freshEngine,
  };
  if (buildToolsMissing()) return [classic];
  const tools = await installBuildTools();
  const buildkitd = await startBuildkitd(tools);
  daemons.push(buildkitd);
  const dockerDriver: Runner = {
    label: "buildx, docker driver",
    home: await homeWith(bench, tools.buildx),
    fresh: freshEngine,
  };
  const remoteHome = await homeWith(bench, tools.buildx);
  const config = join(remoteHome, ".docker");
  const builder = `bench-${randomBytes(3).toString("hex")}`;
  await dockerIn(bench, config, [
    "buildx",
    "create",
    "--name",
    builder,
    "--driver",
    "remote",
    "--use",
    buildkitd.address,
  ]);
  const remote: Runner = {
    label: "buildx, BuildKit v0.24 (remote driver)",
    home: remoteHome,
    fresh: async () => {
      await dockerIn(bench, config, ["buildx", "prune", "-af", "--builder", builder]);
      return bench.engine.host;
    },
  };
  return [classic, dockerDriver, remote];
}

/**
 * Whether the dependency step came from the cache: the classic builder says "Using cache";
 * BuildKit says CACHED, or (a layer from a registry cache) only downloads it, done in well
 * under the step's own time.
 */
function dependencyStepSkipped(output: string): boolean {
  // The step's number depends on the LABEL line after FROM; the run's own lines can come in between.
  if (/Step \d+\/\d+ : RUN echo "dependencies[^\n]*\n(?:(?!Step )[^\n]*\n)*? ---> Using cache/.test(output))
    return true;
  const step = /^#(\d+) \[\d+\/\d+\] RUN echo "dependencies/m.exec(output)?.[1];
  if (!step) return false;
  if (new RegExp(`^#${step} CACHED`, "m").test(output)) return true;
  const done = new RegExp(`^#${step} DONE (\\d+(?:\\.\\d+)?)s`, "m").exec(output)?.[1];
  return done !== undefined && Number(done) < DEPENDENCY_SECONDS;
}

/** One run of the action on a fresh engine, for one application (so its running image carries over). */
async function deployFresh(
  bench: FreshBench,
  runner: Runner,
  app: string,
  image: string,
  cwd: string,
  cache: string,
): Promise<Timed> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: runner.home,
    RUNNER_TEMP: runner.home,
    DOCKER_HOST: await runner.fresh(),
    GITHUB_SHA: randomBytes(20).toString("hex"),
    GITHUB_REPOSITORY: "acme/web",
  };
  const inputs: Record<string, string> = {
    "dokploy-url": bench.standIn.url,
    "dokploy-api-key": bench.apiKey,
    "application-id": app,
    image,
    "registry-username": bench.registry.username,
    "registry-password": bench.registry.password,
    network: "host",
    wait: "false",
    cache,
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const run = await bench.sh(process.execPath, [bench.action], { cwd, env });
  if (run.code !== 0) throw new Error(`dokploy-deploy failed:\n${run.output}`);
  return run;
}

export async function freshEngineRebuild(bench: FreshBench): Promise<void> {
  const engines: Engine[] = [];
  const daemons: { stop(): Promise<void> }[] = [];
  try {
    const config = await mkdtemp(join(bench.work, "base-config-"));
    const base = `${bench.registry.host}/bench/base:1`;
    await dockerIn(
      bench,
      config,
      ["login", bench.registry.host, "--username", bench.registry.username, "--password-stdin"],
      bench.registry.password,
    );
    await dockerIn(bench, config, ["tag", bench.base, base]);
    await dockerIn(bench, config, ["push", base]);
    const rows: string[] = [];
    for (const runner of await runners(bench, engines, daemons)) {
      const times = { cold: [] as number[], auto: [] as number[], off: [] as number[] };
      let reused = true;
      for (let i = 0; i < bench.runs; i++) {
        const app = bench.standIn.addApplication().applicationId;
        const image = `${bench.registry.host}/bench/fresh-${randomBytes(4).toString("hex")}`;
        const cwd = await mkdtemp(join(bench.work, "fresh-src-"));
        const marker = randomBytes(6).toString("hex");
        await writeFile(
          join(cwd, "Dockerfile"),
          `FROM ${base}\nRUN echo "dependencies ${marker}" > /deps && sleep ${String(DEPENDENCY_SECONDS)}\nCOPY app.txt /app/app.txt\nCMD ["cat", "/app/app.txt"]\n`,
        );
        await writeFile(join(cwd, "app.txt"), "line 1\nline 2\n");
        times.cold.push((await deployFresh(bench, runner, app, image, cwd, "auto")).ms);
        await writeFile(join(cwd, "app.txt"), "line 1\nline 2 changed\n");
        const auto = await deployFresh(bench, runner, app, image, cwd, "auto");
        times.auto.push(auto.ms);
        reused &&= dependencyStepSkipped(auto.output);
        await writeFile(join(cwd, "app.txt"), "line 1\nline 2 changed again\n");
        times.off.push((await deployFresh(bench, runner, app, image, cwd, "off")).ms);
        for (const engine of engines.splice(0)) await engine.stop();
      }
      const [cold, auto, off] = [median(times.cold), median(times.auto), median(times.off)];
      rows.push(
        `| ${runner.label} | ${fmt(cold)} | **${fmt(auto)}** | ${fmt(off)} | **${(auto / cold).toFixed(2)}** | ${reused ? "yes" : "NO"} |`,
      );
      bench.chart(`${runner.label}: auto`, auto);
    }
    bench.log("## 8. A one-line change on a runner that starts empty: cache: auto vs cache: off");
    bench.log();
    bench.log(
      `Every run on a FRESH engine (a new dockerd: empty image store and build cache) or, for BuildKit, a builder emptied with \`buildx prune -af\`, as a hosted runner starts. A Dockerfile whose dependency step takes ${String(DEPENDENCY_SECONDS)} s; the second commit changes one line of the app. Medians of ${String(bench.runs)}; the engine's start is not counted.`,
    );
    bench.log();
    bench.log(
      "| builder | cold (first commit) | one-line change, `cache: auto` | the same, `cache: off` | auto / cold | dependency layer from the cache |",
    );
    bench.log("|---|---:|---:|---:|---:|---|");
    for (const row of rows) bench.log(row);
    bench.log();
    bench.log("Target: auto / cold ≤ 0.4.");
    bench.log();
  } finally {
    for (const started of [...engines, ...daemons]) await started.stop();
  }
}
