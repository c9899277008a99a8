/**
 * Benchmarks on the local rig (real engine, real registry with auth, Dokploy stand-in). Prints
 * figures and writes docs/benchmarks.md with a chart. Never a test: numbers depend on the machine.
 *   npm run bench [-- --runs 5] [-- --quick] [-- --only 7]   (--only: that section, docs/ left alone)
 * Section 8 starts a fresh engine for each of its runs; it makes 3 runs per builder unless --runs is given.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DokployStandIn } from "../../test/support/dokploy-stand-in";
import { type Engine, type Registry, importBusybox, startEngine, startRegistry } from "../../test/support/rig";
import { freshEngineRebuild } from "./fresh-engine";

const ROOT = resolve(import.meta.dirname, "../..");
// BENCH_ACTION runs another build of the action (e.g. an older dist/) for before/after figures.
const ACTION = process.env.BENCH_ACTION ?? join(ROOT, "dist/index.js");
const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf("--runs") + 1]) || 5;
const QUICK = args.includes("--quick");
const ONLY = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
const DEPLOY_SECONDS = QUICK ? 10 : 60;
const BUILD_SECONDS = 3;

interface Timed {
  readonly ms: number;
  readonly code: number;
  readonly output: string;
}

function sh(
  command: string,
  argv: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<Timed> {
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(command, argv, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("close", (code) => done({ ms: performance.now() - started, code: code ?? -1, output }));
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function stats(values: number[]): { median: number; min: number; max: number } {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

let engine!: Engine;
let registry!: Registry;
let standIn!: DokployStandIn;
let base: string;
const work = await mkdtemp(join(tmpdir(), "dokploy-bench-"));
const apiKey = `bench-${randomBytes(12).toString("hex")}`;

function actionEnv(inputs: Record<string, string>, sha: string, home: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: home,
    DOCKER_HOST: engine.host,
    GITHUB_SHA: sha,
    GITHUB_REPOSITORY: "acme/web",
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_RUN_ID: "1",
    RUNNER_TEMP: home,
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  return env;
}

/** The action's environment with step debugging on. */
function withDebug(inputs: Record<string, string>, sha: string, home: string): Record<string, string> {
  return { ...actionEnv(inputs, sha, home), RUNNER_DEBUG: "1" };
}

/** The debug line the Dokploy client prints for each answer it gets. */
const DOKPLOY_REQUEST = /^::debug::(GET|POST) \S+ -> \d+ in \d+ ms$/;

async function checkout(lines: string[]): Promise<string> {
  const dir = await mkdtemp(join(work, "src-"));
  await writeFile(join(dir, "Dockerfile"), `${lines.join("\n")}\n`);
  return dir;
}

/** One run of the action; HOME (and RUNNER_TEMP) is the checkout unless `home` is given. */
async function ours(extra: Record<string, string>, sha: string, cwd: string, home = cwd): Promise<Timed> {
  const app = standIn.addApplication();
  const result = await sh(process.execPath, [ACTION], {
    cwd,
    env: actionEnv(
      {
        "dokploy-url": standIn.url,
        "dokploy-api-key": apiKey,
        "application-id": app.applicationId,
        image: `${registry.host}/bench/web`,
        "registry-username": registry.username,
        "registry-password": registry.password,
        network: "host",
        ...extra,
      },
      sha,
      home,
    ),
  });
  if (result.code !== 0) throw new Error(`dokploy-deploy failed:\n${result.output}`);
  return result;
}

async function docsPipeline(sha: string, cwd: string): Promise<Timed> {
  const app = standIn.addApplication();
  const result = await sh("bash", [join(ROOT, "scripts/bench/docs-pipeline.sh")], {
    cwd,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: cwd,
      DOCKER_CONFIG: join(cwd, ".docker"),
      DOCKER_HOST: engine.host,
      IMAGE: `${registry.host}/bench/docs`,
      SHA: sha,
      REGISTRY: registry.host,
      REGISTRY_USER: registry.username,
      REGISTRY_PASSWORD: registry.password,
      DOKPLOY_URL: standIn.url,
      DOKPLOY_API_KEY: apiKey,
      APPLICATION_ID: app.applicationId,
    },
  });
  if (result.code !== 0) throw new Error(`docs pipeline failed:\n${result.output}`);
  return result;
}

const report: string[] = [];
const chart: { label: string; ms: number; group: string }[] = [];
const log = (line = "") => {
  console.log(line);
  report.push(line);
};

type Side = (sha: string, cwd: string) => Promise<Timed>;

/**
 * RUNS pairs after a warm-up pair, the order alternating. Each run builds something new: a RUN
 * step with a fresh value, so neither side hits the cache; it takes BUILD_SECONDS, like
 * installing a small app's dependencies.
 */
async function pairs(
  oursSide: Side,
  other: Side,
  fresh = () =>
    checkout([`FROM ${base}`, `RUN echo ${randomBytes(6).toString("hex")} > /v && sleep ${String(BUILD_SECONDS)}`]),
): Promise<{ oursMs: number[]; otherMs: number[]; ratios: number[] }> {
  const oursMs: number[] = [];
  const otherMs: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const a = await fresh();
    const b = await fresh();
    const sha = randomBytes(20).toString("hex");
    const first = i % 2 === 0;
    const x = first ? await oursSide(sha, a) : await other(sha, b);
    const y = first ? await other(sha, b) : await oursSide(sha, a);
    if (i === 0) continue; // warm-up
    const o = first ? x.ms : y.ms;
    const d = first ? y.ms : x.ms;
    oursMs.push(o);
    otherMs.push(d);
    ratios.push(o / d);
  }
  return { oursMs, otherMs, ratios };
}

async function endToEnd(): Promise<number> {
  const {
    oursMs,
    otherMs: docsMs,
    ratios,
  } = await pairs((sha, cwd) => ours({ "extra-tags": "latest", wait: "false" }, sha, cwd), docsPipeline);
  const so = stats(oursMs);
  const sd = stats(docsMs);
  const sr = stats(ratios);
  log("## 1. End to end, wait off: dokploy-deploy vs the docs' hand-written pipeline");
  log();
  log(
    `Same Dockerfile shape (a RUN step that takes ${String(BUILD_SECONDS)} s), build + push of two tags + redeploy; ${String(RUNS)} pairs after a warm-up, order alternating.`,
  );
  log();
  log("| | median | min | max |");
  log("|---|---:|---:|---:|");
  log(`| dokploy-deploy (\`node dist/index.js\`) | ${fmt(so.median)} | ${fmt(so.min)} | ${fmt(so.max)} |`);
  log(`| docs pipeline (build, tag, login, push ×2, curl) | ${fmt(sd.median)} | ${fmt(sd.min)} | ${fmt(sd.max)} |`);
  log(`| ratio, pair by pair | **${sr.median.toFixed(3)}** | ${sr.min.toFixed(3)} | ${sr.max.toFixed(3)} |`);
  const extra = stats(oursMs.map((o, i) => o - (docsMs[i] ?? 0)));
  log(`| time added, pair by pair | **${fmt(extra.median)}** | ${fmt(extra.min)} | ${fmt(extra.max)} |`);
  log();
  log(
    "Target: ratio ≤ 1.05. dokploy-deploy also checks Dokploy and the application before building, adds OCI labels, checks the pushed image can be pulled, and points the application at the commit's tag.",
  );
  log();
  chart.push({ label: "dokploy-deploy", ms: so.median, group: "End to end (wait off)" });
  chart.push({ label: "docs pipeline", ms: sd.median, group: "End to end (wait off)" });
  return sr.median;
}

async function startup(): Promise<void> {
  const bare: number[] = [];
  const dry: number[] = [];
  const cwd = await checkout([`FROM ${base}`]);
  for (let i = 0; i <= RUNS * 3; i++) {
    const b = await sh(process.execPath, ["-e", "0"]);
    const d = await sh(process.execPath, [ACTION], {
      cwd,
      env: actionEnv(
        {
          "dokploy-url": standIn.url,
          "dokploy-api-key": apiKey,
          "application-id": "a",
          image: `${registry.host}/bench/web`,
          "dry-run": "true",
        },
        "0".repeat(40),
        cwd,
      ),
    });
    if (d.code !== 0) throw new Error(`dry run failed:\n${d.output}`);
    if (i === 0) continue;
    bare.push(b.ms);
    dry.push(d.ms);
  }
  const action = (await stat(ACTION)).size;
  const cli = (await stat(join(ROOT, "dist/cli/index.js"))).size;
  const sb = stats(bare);
  const sd = stats(dry);
  log("## 2. Start-up");
  log();
  log("| | median | min | max |");
  log("|---|---:|---:|---:|");
  log(`| \`node -e 0\` | ${fmt(sb.median)} | ${fmt(sb.min)} | ${fmt(sb.max)} |`);
  log(`| \`dry-run: true\` (\`node dist/index.js\`) | ${fmt(sd.median)} | ${fmt(sd.min)} | ${fmt(sd.max)} |`);
  log(`| added by dokploy-deploy | **${fmt(sd.median - sb.median)}** | | |`);
  log();
  log(
    `Bundles: dist/index.js ${(action / 1024).toFixed(0)} KiB, dist/cli/index.js ${(cli / 1024).toFixed(0)} KiB. Target: under 150 ms added.`,
  );
  log();
  chart.push({ label: "node -e 0", ms: sb.median, group: "Start-up" });
  chart.push({ label: "dry run", ms: sd.median, group: "Start-up" });
}

async function roundTrips(): Promise<void> {
  const cwd = await checkout([`FROM ${base}`, "RUN echo round-trips > /v"]);
  const before = standIn.calls.length;
  await ours({ wait: "false" }, randomBytes(20).toString("hex"), cwd);
  const noWait = standIn.calls.length - before;
  const beforeReg = standIn.calls.length;
  await ours({ wait: "false", "dokploy-registry": "true" }, randomBytes(20).toString("hex"), cwd);
  const noWaitRegistry = standIn.calls.length - beforeReg;

  // Deployments that take DEPLOY_SECONDS, logged as a deploy that pulls: Dokploy's first two lines
  // at once, a line every 5 s, and its last line ("✅ Pulling image completed.") just before the
  // end; three followed with the live log and three with the live log refused (polling only).
  // Every request of the run is counted: the version, the checks, the trigger, the
  // looks, and the check of what runs.
  const lines = ["Initializing deployment\nPulling 127.0.0.1:5000/bench/wait:wait"];
  for (let s = 5; s < DEPLOY_SECONDS; s += 5) lines.push(`Downloading layer ${String(s)}`);
  lines.push("✅ Pulling image completed.");
  const one = async (live: boolean) => {
    // Dokploy runs one deployment per server at a time: each on its own server, so the six run
    // at once and what is measured is the follow, not the queue.
    const app = standIn.addApplication({ serverId: `bench-${randomBytes(4).toString("hex")}` });
    standIn.scriptDeployments(app.applicationId, {
      durationMs: DEPLOY_SECONDS * 1000,
      log: lines,
      refuseLogSocket: !live,
    });
    const result = await sh(process.execPath, [ACTION], {
      cwd,
      // RUNNER_DEBUG prints one line per Dokploy request: every request of this run is counted.
      env: withDebug(
        {
          "dokploy-url": standIn.url,
          "dokploy-api-key": apiKey,
          "application-id": app.applicationId,
          image: `${registry.host}/bench/wait`,
          build: "false",
          tag: "wait",
          "verify-pull": "false",
        },
        randomBytes(20).toString("hex"),
        cwd,
      ),
    });
    const exited = Date.now();
    if (result.code !== 0) throw new Error(`wait run failed:\n${result.output}`);
    const row = standIn.deployments.get(app.applicationId)?.[0];
    const calls = result.output.split("\n").filter((line) => DOKPLOY_REQUEST.test(line)).length;
    return { live, calls, lagMs: exited - Date.parse(row?.finishedAt ?? "") };
  };
  const runs = await Promise.all([true, true, true, false, false, false].map(one));
  const live = runs.filter((r) => r.live);
  const polled = runs.filter((r) => !r.live);
  log("## 3. Dokploy round trips and the lag after a deployment ends");
  log();
  log("| run | Dokploy requests | target |");
  log("|---|---:|---:|");
  // 7 and 9 since the checks before any change: the pull tried from where the image runs
  // (registry.testRegistry) and the nodes' platforms (cluster.getNodes), one request each.
  log(`| build + push + redeploy, wait off | ${String(noWait)} | ≤ 7 |`);
  log(`| the same with dokploy-registry: true | ${String(noWaitRegistry)} | ≤ 9 |`);
  log(
    `| a ${String(DEPLOY_SECONDS)} s deployment followed, live log (median of 3) | ${String(median(live.map((r) => r.calls)))} | ≤ 20 |`,
  );
  log(
    `| a ${String(DEPLOY_SECONDS)} s deployment followed, polling only (median of 3) | ${String(median(polled.map((r) => r.calls)))} | ≤ 45 |`,
  );
  log();
  log("| lag from the deployment's end to the step's exit | median | min | max | target |");
  log("|---|---:|---:|---:|---:|");
  const sl = stats(live.map((r) => r.lagMs));
  const sp = stats(polled.map((r) => r.lagMs));
  log(`| with the live log | ${fmt(sl.median)} | ${fmt(sl.min)} | ${fmt(sl.max)} | ≤ 0.5 s |`);
  log(`| polling only | ${fmt(sp.median)} | ${fmt(sp.min)} | ${fmt(sp.max)} | ≤ 2 s |`);
  log();
  chart.push({ label: "lag, live log", ms: sl.median, group: "Lag after the deployment ends" });
  chart.push({ label: "lag, polling", ms: sp.median, group: "Lag after the deployment ends" });
}

async function layerReuse(): Promise<void> {
  const marker = randomBytes(6).toString("hex");
  const dir = await checkout([
    `FROM ${base}`,
    `RUN echo "installing dependencies ${marker}" > /deps && sleep 3`,
    "COPY app.txt /app/app.txt",
    'CMD ["cat", "/app/app.txt"]',
  ]);
  await writeFile(join(dir, "app.txt"), "line 1\nline 2\n");
  const cold = await ours({ wait: "false" }, randomBytes(20).toString("hex"), dir);
  await writeFile(join(dir, "app.txt"), "line 1\nline 2 changed\n");
  const warm = await ours({ wait: "false" }, randomBytes(20).toString("hex"), dir);
  const cached = /Using cache/.test(warm.output);
  log("## 4. Rebuild after a one-line source change (classic builder)");
  log();
  log("| | wall time |");
  log("|---|---:|");
  log(`| cold build (the dependency step runs: 3 s) | ${fmt(cold.ms)} |`);
  log(`| one line of app.txt changed | ${fmt(warm.ms)} |`);
  log();
  log(
    `Layer reuse: ${cached ? "yes, the dependency layer came from the cache" : "NO: the dependency step ran again"}.`,
  );
  log(
    "Here the engine keeps its layers between runs. A hosted runner starts with an empty engine: section 8 shows what `cache: auto` (the default) gets back from the registry there.",
  );
  log();
  chart.push({ label: "cold build", ms: cold.ms, group: "Rebuild" });
  chart.push({ label: "one-line change", ms: warm.ms, group: "Rebuild" });
}

/** ~/.docker with the buildx plugin from ../shared/tools (installed to .cache/build-tools), if there. */
async function buildxHome(): Promise<string | undefined> {
  const install = resolve(ROOT, "../shared/tools/install-build-tools.sh");
  if (!existsSync(install)) return undefined;
  const installed = await sh("bash", [install, join(ROOT, ".cache/build-tools")]);
  const buildx = installed.output.split("\n").find((line) => line.endsWith("/docker-buildx"));
  if (installed.code !== 0 || !buildx) throw new Error(`install-build-tools.sh failed:\n${installed.output}`);
  const home = await mkdtemp(join(work, "buildx-home-"));
  await mkdir(join(home, ".docker", "cli-plugins"), { recursive: true });
  await symlink(buildx, join(home, ".docker", "cli-plugins", "docker-buildx"));
  await writeFile(join(home, ".docker", "config.json"), "{}");
  return home;
}

/** `docker buildx build --push` and the two Dokploy calls, in a fresh docker config with buildx. */
async function buildxPipeline(home: string, sha: string, cwd: string): Promise<Timed> {
  const app = standIn.addApplication();
  const config = await mkdtemp(join(home, "docker-config-"));
  await symlink(join(home, ".docker", "cli-plugins"), join(config, "cli-plugins"));
  const result = await sh("bash", [join(ROOT, "scripts/bench/buildx-pipeline.sh")], {
    cwd,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: home,
      DOCKER_CONFIG: config,
      DOCKER_HOST: engine.host,
      IMAGE: `${registry.host}/bench/bx-pipeline`,
      SHA: sha,
      REGISTRY: registry.host,
      REGISTRY_USER: registry.username,
      REGISTRY_PASSWORD: registry.password,
      DOKPLOY_URL: standIn.url,
      DOKPLOY_API_KEY: apiKey,
      APPLICATION_ID: app.applicationId,
    },
  });
  if (result.code !== 0) throw new Error(`buildx pipeline failed:\n${result.output}`);
  return result;
}

async function endToEndBuildx(): Promise<void> {
  log("## 5. End to end with buildx (docker driver), wait off: dokploy-deploy vs `docker buildx build --push` + curl");
  log();
  const home = await buildxHome();
  if (!home) {
    log("Skipped: ../shared/tools (docker-buildx) is not beside the repository.");
    log();
    return;
  }
  const { oursMs, otherMs, ratios } = await pairs(
    (sha, cwd) =>
      ours({ "extra-tags": "latest", wait: "false", image: `${registry.host}/bench/bx-web` }, sha, cwd, home),
    (sha, cwd) => buildxPipeline(home, sha, cwd),
  );
  const so = stats(oursMs);
  const sp = stats(otherMs);
  const sr = stats(ratios);
  log(
    `buildx v0.28.0 with the engine's BuildKit, the path a GitHub runner takes without docker/setup-buildx-action. Same Dockerfile shape as in 1; ${String(RUNS)} pairs after a warm-up, order alternating.`,
  );
  log();
  log("| | median | min | max |");
  log("|---|---:|---:|---:|");
  log(`| dokploy-deploy, \`builder: auto\` with buildx | ${fmt(so.median)} | ${fmt(so.min)} | ${fmt(so.max)} |`);
  log(
    `| by hand: login, \`docker buildx build --push\` (2 tags), curl saveDockerProvider + redeploy | ${fmt(sp.median)} | ${fmt(sp.min)} | ${fmt(sp.max)} |`,
  );
  log(`| ratio, pair by pair | **${sr.median.toFixed(3)}** | ${sr.min.toFixed(3)} | ${sr.max.toFixed(3)} |`);
  const extra = stats(oursMs.map((o, i) => o - (otherMs[i] ?? 0)));
  log(`| time added, pair by pair | **${fmt(extra.median)}** | ${fmt(extra.min)} | ${fmt(extra.max)} |`);
  log();
  log(
    "dokploy-deploy also checks Dokploy and the application before pushing, adds OCI labels, checks the pushed image can be pulled, and snapshots the deployments to follow its own.",
  );
  log();
  chart.push({ label: "dokploy-deploy", ms: so.median, group: "End to end with buildx (wait off)" });
  chart.push({ label: "buildx + curl", ms: sp.median, group: "End to end with buildx (wait off)" });
}

/**
 * A checkout whose dependency step is the same every time (cached after the warm-up) and whose
 * app file changes: the build is one small new layer, and the push that layer.
 */
async function cachedCheckout(): Promise<string> {
  const dir = await checkout([
    `FROM ${base}`,
    `RUN echo dependencies > /deps && sleep ${String(BUILD_SECONDS)}`,
    "COPY app.txt /app.txt",
  ]);
  await writeFile(join(dir, "app.txt"), `${randomBytes(6).toString("hex")}\n`);
  return dir;
}

/** The fixed cost: pair by pair on an already-cached build, with the classic builder and with buildx. */
async function fixedCost(): Promise<void> {
  log("## 9. Fixed cost on an already-cached build: time added, pair by pair");
  log();
  log(
    `The dependency step (${String(BUILD_SECONDS)} s) comes from the engine's cache; each commit changes one small file, so the build and push take a few hundred ms. Wait off, two tags; ${String(RUNS)} pairs after a warm-up, order alternating.`,
  );
  log();
  log("| builder | dokploy-deploy | by hand | time added (median) | min | max |");
  log("|---|---:|---:|---:|---:|---:|");
  const row = (label: string, r: { oursMs: number[]; otherMs: number[] }) => {
    const extra = stats(r.oursMs.map((o, i) => o - (r.otherMs[i] ?? 0)));
    log(
      `| ${label} | ${fmt(median(r.oursMs))} | ${fmt(median(r.otherMs))} | **${fmt(extra.median)}** | ${fmt(extra.min)} | ${fmt(extra.max)} |`,
    );
    chart.push({ label: `${label.split(" ")[0] ?? label}: ours`, ms: median(r.oursMs), group: "Already-cached build" });
    chart.push({
      label: `${label.split(" ")[0] ?? label}: by hand`,
      ms: median(r.otherMs),
      group: "Already-cached build",
    });
  };
  row(
    "classic (vs the docs' pipeline)",
    await pairs((sha, cwd) => ours({ "extra-tags": "latest", wait: "false" }, sha, cwd), docsPipeline, cachedCheckout),
  );
  const home = await buildxHome();
  if (home) {
    row(
      "buildx, docker driver (vs `buildx build --push` + curl)",
      await pairs(
        (sha, cwd) =>
          ours({ "extra-tags": "latest", wait: "false", image: `${registry.host}/bench/bx-web` }, sha, cwd, home),
        (sha, cwd) => buildxPipeline(home, sha, cwd),
        cachedCheckout,
      ),
    );
  } else log("| buildx | skipped: ../shared/tools (docker-buildx) is not beside the repository | | | | |");
  const nodeStart: number[] = [];
  for (let i = 0; i < 5; i++) nodeStart.push((await sh(process.execPath, ["-e", "0"])).ms);
  log();
  log(
    `Target: ≤ 150 ms added. Node's own start at this moment (\`node -e 0\`, median of 5): ${fmt(median(nodeStart))}; the figures move with it.`,
  );
  log();
}

/** Runs the action with a preload that reports its peak memory; returns the run and the peak in MiB. */
async function withPeakMemory(inputs: Record<string, string>, cwd: string): Promise<Timed & { peakMiB: number }> {
  const preload = join(work, "peak-memory.cjs");
  await writeFile(
    preload,
    "process.on('exit', () => process.stderr.write(`peak-rss-kib=${process.resourceUsage().maxRSS}\\n`));\n",
  );
  const result = await sh(process.execPath, ["--require", preload, ACTION], {
    cwd,
    env: actionEnv(inputs, randomBytes(20).toString("hex"), cwd),
  });
  const kib = Number(/peak-rss-kib=(\d+)/.exec(result.output)?.[1] ?? "NaN");
  return { ...result, peakMiB: kib / 1024 };
}

async function hostileAnswers(): Promise<void> {
  const cwd = await checkout([`FROM ${base}`]);
  const deployOnly = (applicationId: string) => ({
    "dokploy-url": standIn.url,
    "dokploy-api-key": apiKey,
    "application-id": applicationId,
    image: `${registry.host}/bench/hostile`,
    build: "false",
    tag: "v1",
    "verify-pull": "false",
  });
  const plain = standIn.addApplication();
  const baseline = await withPeakMemory(deployOnly(plain.applicationId), cwd);
  const huge = standIn.addApplication();
  standIn.inject({ procedure: "application.one", bodyBytes: 600 * 1024 * 1024, times: 1 });
  const answer = await withPeakMemory(deployOnly(huge.applicationId), cwd);
  const noisy = standIn.addApplication();
  standIn.scriptDeployments(noisy.applicationId, {
    outcome: "error",
    durationMs: 2000,
    log: Array.from({ length: 50 }, (_, i) => `line ${String(i)} ${"y".repeat(1024 * 1024)}`),
  });
  const logRun = await withPeakMemory(deployOnly(noisy.applicationId), cwd);
  const longest = Math.max(...logRun.output.split("\n").map((l) => l.length));
  log("## 6. Hostile answers: memory and line lengths");
  log();
  log("| run | exit | peak memory (RSS) | longest line | target |");
  log("|---|---:|---:|---:|---|");
  log(`| a deployment, nothing hostile | ${String(baseline.code)} | ${baseline.peakMiB.toFixed(0)} MiB | | |`);
  log(
    `| application.one answers 600 MB | ${String(answer.code)} | ${answer.peakMiB.toFixed(0)} MiB | | ≤ 100 MiB more than the plain run (it stops reading at 16 MiB) |`,
  );
  log(
    `| a failed deployment's log: 50 lines of 1 MiB | ${String(logRun.code)} | ${logRun.peakMiB.toFixed(0)} MiB | ${(longest / 1024).toFixed(0)} KiB | every line under 1 MiB (GitHub's limit) |`,
  );
  log();
}

/**
 * What checking what runs costs after Dokploy says done: requests and time from the deployment's
 * end to the step's exit, verify-running true vs false, against the stand-in and its swarm (whose
 * update of the running service is completed at done, or stays in progress for 6 s as a live
 * v0.30.2's does). Runs one at a time, so every request after the end is the run's.
 */
async function verifyCost(): Promise<void> {
  const cwd = await checkout([`FROM ${base}`]);
  const image = `${registry.host}/bench/verify`;
  const one = async (verify: boolean, swarmUpdateMs: number) => {
    const app = standIn.addApplication({ sourceType: "docker", dockerImage: `${image}:old` });
    standIn.swarm.deployed(app.appName, `${image}:old`);
    standIn.scriptDeployments(app.applicationId, { durationMs: 2000, swarmUpdateMs });
    const result = await sh(process.execPath, [ACTION], {
      cwd,
      env: actionEnv(
        {
          "dokploy-url": standIn.url,
          "dokploy-api-key": apiKey,
          "application-id": app.applicationId,
          image,
          build: "false",
          tag: randomBytes(4).toString("hex"),
          "verify-pull": "false",
          "verify-running": String(verify),
        },
        randomBytes(20).toString("hex"),
        cwd,
      ),
    });
    const exited = Date.now();
    if (result.code !== 0) throw new Error(`verify run failed:\n${result.output}`);
    const done = Date.parse(standIn.deployments.get(app.applicationId)?.[0]?.finishedAt ?? "");
    return { requests: standIn.calls.filter((c) => c.at >= done).length, lagMs: exited - done };
  };
  const cases = [
    { label: "`verify-running: false`", verify: false, swarmUpdateMs: 0 },
    { label: "`verify-running: true`, swarm's update completed at done", verify: true, swarmUpdateMs: 0 },
    {
      label: "`verify-running: true`, swarm's update in progress 6 s after done (as on a live v0.30.2)",
      verify: true,
      swarmUpdateMs: 6000,
    },
  ];
  const seen = cases.map(() => ({ requests: [] as number[], lagMs: [] as number[] }));
  for (let i = 0; i <= RUNS; i++) {
    // The order turns each round, so no case always runs first.
    for (let k = 0; k < cases.length; k++) {
      const index = (i + k) % cases.length;
      const c = cases[index];
      const measured = c && (await one(c.verify, c.swarmUpdateMs));
      if (i === 0 || !measured) continue; // warm-up
      seen[index]?.requests.push(measured.requests);
      seen[index]?.lagMs.push(measured.lagMs);
    }
  }
  log("## 7. What checking what runs costs, after Dokploy says done");
  log();
  log(
    `A 2 s deployment followed with the live log, then (with \`verify-running: true\`) application.one and the swarm service read through Dokploy every second until swarm's update is completed and a task of our image runs; ${String(RUNS)} runs of each after a warm-up, the order turning.`,
  );
  log();
  log("| from the deployment's end to the step's exit | Dokploy requests (median) | median | min | max |");
  log("|---|---:|---:|---:|---:|");
  for (const [index, c] of cases.entries()) {
    const lag = stats(seen[index]?.lagMs ?? []);
    const requests = median(seen[index]?.requests ?? []);
    log(`| ${c.label} | ${String(requests)} | ${fmt(lag.median)} | ${fmt(lag.min)} | ${fmt(lag.max)} |`);
    chart.push({
      label: ["verify off", "verify, at once", "verify, swarm 6 s"][index] ?? "",
      ms: lag.median,
      group: "After done: checking what runs",
    });
  }
  const [off, now] = [median(seen[0]?.lagMs ?? []), median(seen[1]?.lagMs ?? [])];
  log();
  log(`Added by the check when swarm's update is completed at done: **${fmt(now - off)}**.`);
  log();
}

function svgChart(): string {
  const width = 760;
  const rowHeight = 26;
  const groups = [...new Set(chart.map((c) => c.group))];
  const rows = groups.length * 1 + chart.length;
  const height = rows * rowHeight + 20;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${String(width)}" height="${String(height)}" font-family="sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="white"/>`,
  ];
  let y = 10;
  for (const group of groups) {
    parts.push(`<text x="10" y="${String(y + 17)}" font-weight="bold">${group}</text>`);
    y += rowHeight;
    const items = chart.filter((c) => c.group === group);
    const max = Math.max(...items.map((i) => i.ms));
    for (const item of items) {
      const w = Math.max(2, (item.ms / max) * 420);
      parts.push(`<text x="20" y="${String(y + 17)}">${item.label}</text>`);
      parts.push(
        `<rect x="180" y="${String(y + 5)}" width="${w.toFixed(1)}" height="16" fill="${item.label.startsWith("dokploy") || item.label.startsWith("dry") || item.label.includes("live") || item.label.includes("change") || item.label.startsWith("verify,") ? "#2f6fde" : "#9aa7b8"}"/>`,
      );
      parts.push(`<text x="${(186 + w).toFixed(1)}" y="${String(y + 17)}">${fmt(item.ms)}</text>`);
      y += rowHeight;
    }
  }
  parts.push("</svg>");
  return parts.join("\n");
}

try {
  console.log("Starting the rig (engine, registry, Dokploy stand-in)...");
  engine = await startEngine();
  registry = await startRegistry("ci", `bench-${randomBytes(8).toString("hex")}`);
  standIn = new DokployStandIn({ apiKey });
  await standIn.start();
  base = await importBusybox(engine);
  const node = (await sh(process.execPath, ["--version"])).output.trim();
  const docker = (
    await sh("docker", ["version", "--format", "{{.Server.Version}}"], {
      env: { ...process.env, DOCKER_HOST: engine.host } as Record<string, string>,
    })
  ).output.trim();
  report.push(
    "# Benchmarks",
    "",
    `Measured with \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: Node ${node}, dockerd ${docker} (classic builder), Distribution registry with htpasswd, the Dokploy stand-in; 2 cores. Figures move with the machine; the ratios and counts are what to compare.`,
    "",
    "![benchmarks](benchmarks.svg)",
    "",
  );
  const freshRebuild = () =>
    freshEngineRebuild({
      action: ACTION,
      work,
      runs: args.includes("--runs") ? RUNS : 3,
      registry,
      standIn,
      apiKey,
      engine,
      base,
      sh,
      log,
      chart: (label, ms) => chart.push({ label, ms, group: "One-line change on a fresh engine, cache: auto" }),
    });
  const sections = [
    endToEnd,
    startup,
    roundTrips,
    layerReuse,
    endToEndBuildx,
    hostileAnswers,
    verifyCost,
    freshRebuild,
    fixedCost,
  ];
  for (const [i, section] of sections.entries()) if (!ONLY || ONLY === String(i + 1)) await section();
  const out = process.env.BENCH_ACTION || ONLY ? join(work, "other") : join(ROOT, "docs");
  await mkdir(out, { recursive: true });
  await writeFile(join(out, "benchmarks.md"), `${report.join("\n")}\n`);
  await writeFile(join(out, "benchmarks.svg"), `${svgChart()}\n`);
  console.log(
    process.env.BENCH_ACTION || ONLY
      ? "\n(BENCH_ACTION or --only set: docs/ left as it is)"
      : "\nWrote docs/benchmarks.md and docs/benchmarks.svg",
  );
} finally {
  // Stop only what was started (a failed start leaves the later ones unset).
  const started = [standIn, registry, engine] as ({ stop(): Promise<void> } | undefined)[];
  for (const service of started) await service?.stop();
  await rm(work, { recursive: true, force: true });
}
