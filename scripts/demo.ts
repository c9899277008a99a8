/**
 * The main job on an embedded rig: starts a Docker engine, a registry with htpasswd auth and
 * the Dokploy stand-in on loopback, runs the bundled action (dist/index.js) exactly as a GitHub
 * runner would on examples/demo-app, prints what it did, and stops everything it started.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ACTION, parseOutputFile } from "../test/support/action";
import { DokployStandIn } from "../test/support/dokploy-stand-in";
import { importBusybox, registryDigest, startEngine, startRegistry } from "../test/support/rig";

const root = resolve(import.meta.dirname, "..");
const apiKey = `demo-${randomBytes(16).toString("hex")}`;
const sha = randomBytes(20).toString("hex");

console.log("Starting a Docker engine, a registry and the Dokploy stand-in on loopback...");
const engine = await startEngine();
const registry = await startRegistry("ci", `demo-${randomBytes(8).toString("hex")}`);
const standIn = new DokployStandIn({
  apiKey,
  deployment: {
    startDelayMs: 200,
    durationMs: 1500,
    log: ["Initializing deployment", "Pulling image", "Starting service", "Docker Deployed: ✅"],
  },
});
const work = await mkdtemp(join(tmpdir(), "dokploy-deploy-demo-"));
let exitCode = 1;
try {
  await standIn.start();
  const base = await importBusybox(engine);
  const app = standIn.addApplication({ name: "demo-app" });
  const checkout = join(work, "checkout");
  await spawnAndWait("cp", ["-r", join(root, "examples/demo-app"), checkout]);
  await writeFile(join(work, "output"), "");
  await writeFile(join(work, "summary"), "");
  const image = `${registry.host}/demo/web`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: work,
    DOCKER_HOST: engine.host,
    GITHUB_ACTIONS: "true",
    GITHUB_SHA: sha,
    GITHUB_REPOSITORY: "acme/web",
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_RUN_ID: "1",
    GITHUB_OUTPUT: join(work, "output"),
    GITHUB_STEP_SUMMARY: join(work, "summary"),
    RUNNER_TEMP: work,
    "INPUT_DOKPLOY-URL": standIn.url,
    "INPUT_DOKPLOY-API-KEY": apiKey,
    "INPUT_APPLICATION-ID": app.applicationId,
    INPUT_IMAGE: image,
    "INPUT_REGISTRY-USERNAME": registry.username,
    "INPUT_REGISTRY-PASSWORD": registry.password,
    "INPUT_DOKPLOY-REGISTRY": "true",
    "INPUT_EXTRA-TAGS": "latest",
    "INPUT_BUILD-ARGS": `BASE=${base}`,
    INPUT_NETWORK: "host",
  };
  console.log(`\n$ node dist/index.js   (image ${image}, commit ${sha.slice(0, 7)})\n`);
  exitCode = await spawnAndWait(process.execPath, [ACTION], { cwd: checkout, env });
  const outputs = parseOutputFile(await readFile(join(work, "output"), "utf8"));
  console.log("\nOutputs:");
  for (const [name, value] of Object.entries(outputs)) console.log(`  ${name} = ${value}`);
  console.log(`\nThe registry serves ${image}:${sha} as ${String(await registryDigest(registry, "demo/web", sha))}`);
  console.log("Dokploy calls:", standIn.calls.map((c) => `${c.procedure} ${String(c.status)}`).join(", "));
  console.log(`\nExit code ${String(exitCode)}: ${exitCode === 0 ? "deployed" : "failed"}`);
} finally {
  await standIn.stop();
  await registry.stop();
  await engine.stop();
  await rm(work, { recursive: true, force: true });
}
process.exitCode = exitCode;

function spawnAndWait(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<number> {
  return new Promise((resolveExit) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "inherit", "inherit"] });
    child.on("close", (code) => resolveExit(code ?? 1));
  });
}
