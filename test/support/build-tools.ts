/**
 * The build tools of ../shared/tools (docker-buildx, buildkitd, buildctl), installed into
 * .cache/build-tools by their own install script; a per-test docker config that has the buildx
 * plugin, as docker/setup-buildx-action leaves ~/.docker; and a host buildkitd for buildx's
 * `remote` driver, with its own root, socket and otel socket, stopped by pid.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { closeSync, existsSync, openSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
/** Where the tools come from: ../shared/tools beside the repository. */
export const TOOLS_SOURCE = resolve(ROOT, "../shared/tools");
const INSTALL_SCRIPT = join(TOOLS_SOURCE, "install-build-tools.sh");
const CACHE = join(ROOT, ".cache/build-tools");

export interface BuildTools {
  readonly buildx: string;
  readonly buildkitd: string;
  readonly buildctl: string;
}

/** Why the buildx/BuildKit tests cannot run here; undefined when they can. */
export function buildToolsMissing(): string | undefined {
  if (!existsSync(INSTALL_SCRIPT)) return `${INSTALL_SCRIPT} not found`;
  return undefined;
}

let installed: Promise<BuildTools> | undefined;

/** Installs (or checks) the tools in .cache/build-tools; about a second when already there. */
export function installBuildTools(): Promise<BuildTools> {
  installed ??= run("bash", [INSTALL_SCRIPT, CACHE]).then(({ stdout }) => {
    const [buildx, buildkitd, buildctl] = stdout.trim().split("\n");
    if (!buildx || !buildkitd || !buildctl) throw new Error(`install-build-tools.sh printed: ${stdout}`);
    return { buildx, buildkitd, buildctl };
  });
  return installed;
}

/**
 * Prints once, in the test output, that the tests of a file are skipped and why, so a run
 * without the tools says so instead of passing quietly.
 */
export function reportSkipped(what: string): boolean {
  const missing = buildToolsMissing();
  if (missing) console.warn(`SKIPPED ${what}: ${missing} (the buildx/BuildKit tests need ../shared/tools)`);
  return missing !== undefined;
}

/** ~/.docker with the buildx plugin in cli-plugins/, as docker/setup-buildx-action installs it. */
export async function dockerConfigWithBuildx(dir: string, tools: BuildTools): Promise<string> {
  await mkdir(join(dir, "cli-plugins"), { recursive: true });
  await symlink(tools.buildx, join(dir, "cli-plugins", "docker-buildx"));
  return dir;
}

export interface Buildkitd {
  readonly pid: number;
  /** unix:// address for `docker buildx create --driver remote`. */
  readonly address: string;
  stop(): Promise<void>;
}

async function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return new Promise((done) => {
    const timer = setTimeout(() => {
      done(false);
    }, ms);
    child.once("exit", () => {
      clearTimeout(timer);
      done(true);
    });
  });
}

/** After a hard stop, RUN containers of this root may still run and hold mounts: end them. */
async function cleanUpAfterKill(root: string): Promise<void> {
  const { stdout } = await run("runc", ["list", "-q"]).catch(() => ({ stdout: "" }));
  for (const id of stdout.split("\n").filter(Boolean)) {
    const state = await run("runc", ["state", id]).catch(() => ({ stdout: "{}" }));
    const bundle = (JSON.parse(state.stdout) as { bundle?: string }).bundle ?? "";
    if (bundle.startsWith(`${root}/`)) await run("runc", ["delete", "-f", id]).catch(() => undefined);
  }
  const mounts = (await readFile("/proc/self/mounts", "utf8"))
    .split("\n")
    .map((line) => line.split(" ")[1] ?? "")
    .filter((point) => point.startsWith(`${root}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts)
    await run("umount", [point]).catch(() => run("umount", ["-l", point]).catch(() => undefined));
}

/** Starts buildkitd (OCI worker, host network) with everything under a fresh temp dir. */
export async function startBuildkitd(tools: BuildTools): Promise<Buildkitd> {
  const dir = await mkdtemp("/tmp/bkd-");
  const address = `unix://${join(dir, "buildkitd.sock")}`;
  await mkdir(join(dir, "root"));
  await writeFile(join(dir, "buildkitd.toml"), "");
  const log = join(dir, "buildkitd.log");
  const fd = openSync(log, "a");
  const child = spawn(
    tools.buildkitd,
    [
      "--root",
      join(dir, "root"),
      "--addr",
      address,
      "--otel-socket-path",
      join(dir, "otel-grpc.sock"),
      "--config",
      join(dir, "buildkitd.toml"),
      "--oci-worker=true",
      "--oci-worker-binary=/usr/sbin/runc",
      "--oci-worker-net=host",
      "--containerd-worker=false",
      "--cdi-disabled",
      "--allow-insecure-entitlement=network.host",
    ],
    { stdio: ["ignore", fd, fd] },
  );
  closeSync(fd);
  const stop = async () => {
    child.kill("SIGTERM");
    if (!(await waitForExit(child, 20_000))) {
      child.kill("SIGKILL");
      await waitForExit(child, 5_000);
      await cleanUpAfterKill(join(dir, "root"));
    }
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ready = await run(tools.buildctl, ["--addr", address, "debug", "workers"]).then(
      () => true,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      const text = await readFile(log, "utf8").catch(() => "");
      await stop();
      throw new Error(`buildkitd did not become ready:\n${text.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { pid: child.pid ?? 0, address, stop };
}
