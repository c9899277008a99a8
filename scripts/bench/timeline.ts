/**
 * Prints the timeline of one run of dokploy-deploy and of the docs' pipeline on the local rig:
 * when each step starts and ends, to see where the time goes. `npx tsx scripts/bench/timeline.ts`
 */
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DokployStandIn } from "../../test/support/dokploy-stand-in";
import { importBusybox, startEngine, startRegistry } from "../../test/support/rig";

const ROOT = resolve(import.meta.dirname, "../..");
// BENCH_ACTION: another build of the action (e.g. an older dist/), as for the benchmark.
const ACTION = process.env.BENCH_ACTION ?? join(ROOT, "dist/index.js");
// TIMELINE_CACHED=1: the dependency step is cached and only a small file changes, as in bench section 9.
const CACHED = process.env.TIMELINE_CACHED === "1";
// TIMELINE_BUILDX=1: both sides build with buildx (docker driver), against scripts/bench/buildx-pipeline.sh.
const BUILDX = process.env.TIMELINE_BUILDX === "1";
const NOISE = /Step|--->|Running in|Removing|Preparing|Waiting|DEPRECATED|Install|docs\.docker|set-output|^\s*$/;
const engine = await startEngine();
const registry = await startRegistry("ci", `pw-${randomBytes(6).toString("hex")}`);
const apiKey = `k-${randomBytes(8).toString("hex")}`;
const standIn = new DokployStandIn({ apiKey });
const work = await mkdtemp(join(tmpdir(), "timeline-"));

function stamp(
  label: string | undefined,
  command: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<void> {
  const t0 = performance.now();
  if (label) console.log(`${label} start ${String(Date.now())}`);
  return new Promise((done) => {
    const child = spawn(command, args, { cwd, env });
    let pending = "";
    const on = (d: Buffer) => {
      const lines = (pending + d.toString()).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (label && !NOISE.test(line))
          console.log(
            `${label} ${(performance.now() - t0).toFixed(0).padStart(5)} ms  ${line.slice(0, Number(process.env.TIMELINE_WIDTH ?? 100))}`,
          );
      }
    };
    child.stdout.on("data", on);
    child.stderr.on("data", on);
    child.on("close", () => {
      if (label) console.log(`${label} ${(performance.now() - t0).toFixed(0).padStart(5)} ms  (exit)`);
      done();
    });
  });
}

async function writeCheckout(dir: string, base: string): Promise<void> {
  const fresh = randomBytes(4).toString("hex");
  if (CACHED) {
    await writeFile(join(dir, "Dockerfile"), `FROM ${base}\nRUN echo deps > /deps && sleep 1\nCOPY app.txt /app.txt\n`);
    await writeFile(join(dir, "app.txt"), `${fresh}\n`);
  } else {
    await writeFile(join(dir, "Dockerfile"), `FROM ${base}\nRUN echo ${fresh} > /v && sleep 1\n`);
  }
}

/** A HOME whose docker config has the buildx plugin from ../shared/tools. */
async function buildxHome(): Promise<string> {
  const out = execFileSync("bash", [
    resolve(ROOT, "../shared/tools/install-build-tools.sh"),
    join(ROOT, ".cache/build-tools"),
  ]);
  const buildx = out
    .toString()
    .split("\n")
    .find((line) => line.endsWith("/docker-buildx"));
  if (!buildx) throw new Error("install-build-tools.sh did not say where docker-buildx is");
  const home = await mkdtemp(join(work, "home-"));
  await mkdir(join(home, ".docker", "cli-plugins"), { recursive: true });
  await symlink(buildx, join(home, ".docker", "cli-plugins", "docker-buildx"));
  await writeFile(join(home, ".docker", "config.json"), "{}");
  return home;
}

try {
  await standIn.start();
  const home = BUILDX ? await buildxHome() : undefined;
  const base = await importBusybox(engine);
  for (let i = 0; i < 3; i++) {
    const show = i === 2;
    const ours = await mkdtemp(join(work, "ours-"));
    await writeCheckout(ours, base);
    const app = standIn.addApplication();
    await stamp(
      show ? "ours" : undefined,
      process.execPath,
      // TIMELINE_NODE_ARGS: e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to see where Node's time goes.
      [...(process.env.TIMELINE_NODE_ARGS?.split(" ") ?? []), ACTION],
      {
        PATH: process.env.PATH ?? "",
        HOME: home ?? ours,
        RUNNER_TEMP: ours,
        RUNNER_DEBUG: "1",
        DOCKER_HOST: engine.host,
        GITHUB_SHA: randomBytes(20).toString("hex"),
        "INPUT_DOKPLOY-URL": standIn.url,
        "INPUT_DOKPLOY-API-KEY": apiKey,
        "INPUT_APPLICATION-ID": app.applicationId,
        INPUT_IMAGE: `${registry.host}/timeline/web`,
        "INPUT_REGISTRY-USERNAME": registry.username,
        "INPUT_REGISTRY-PASSWORD": registry.password,
        INPUT_NETWORK: "host",
        "INPUT_EXTRA-TAGS": "latest",
        INPUT_WAIT: "false",
      },
      ours,
    );
    const docs = await mkdtemp(join(work, "docs-"));
    if (home) {
      await mkdir(join(docs, ".docker"));
      await symlink(join(home, ".docker", "cli-plugins"), join(docs, ".docker", "cli-plugins"));
    }
    await writeCheckout(docs, base);
    await stamp(
      show ? "docs" : undefined,
      "bash",
      ["-c", `PS4='+ '; set -x; . ${join(ROOT, `scripts/bench/${BUILDX ? "buildx" : "docs"}-pipeline.sh`)}`],
      {
        PATH: process.env.PATH ?? "",
        HOME: home ?? docs,
        DOCKER_CONFIG: join(docs, ".docker"),
        DOCKER_HOST: engine.host,
        IMAGE: `${registry.host}/timeline/docs`,
        SHA: "abc",
        REGISTRY: registry.host,
        REGISTRY_USER: registry.username,
        REGISTRY_PASSWORD: registry.password,
        DOKPLOY_URL: standIn.url,
        DOKPLOY_API_KEY: apiKey,
        APPLICATION_ID: app.applicationId,
      },
      docs,
    );
  }
} finally {
  await standIn.stop();
  await registry.stop();
  await engine.stop();
  await rm(work, { recursive: true, force: true });
}
