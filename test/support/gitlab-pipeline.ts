/**
 * What the GitLab integration tests share: the release's CI/CD Catalog project published to a
 * loopback Git server that stands in for gitlab.com, consumer projects whose origin is on that
 * server (so gitlab-ci-local's $CI_SERVER_FQDN points at it), and runs of gitlab-ci-local
 * (shell executor, on Node 24, the job image's dokploy-deploy being the local bundle).
 */
import { execFile, spawn } from "node:child_process";
import { chmod, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect } from "vitest";
import { parse } from "yaml";
import { PUBLISHED, VERSION } from "../../scripts/published";
import { writeReleaseTrees } from "../../scripts/release-trees";
import { envName } from "../../src/cli/env";
import { INPUTS, type InputSpec } from "../../src/config/config";
import { type GitServer, startGitServer } from "./git-server";
import { NODE24, ROOT, TOOLS } from "./runner-image";
import { tempDir } from "./temp";
import { type ChildOutput, childOutput } from "./child-output";

const exec = promisify(execFile);

/** The loopback gitlab.com, with the release's Catalog project on it, for the tests of a file. */
export function useCatalogServer(): () => GitServer {
  let server: GitServer | undefined;
  beforeAll(async () => {
    server = await startGitServer();
    await server.createProject(PUBLISHED.gitlab);
    const trees = await tempDir("release-trees");
    await writeReleaseTrees(trees);
    const publish = await exec(
      "bash",
      [join(ROOT, "scripts/publish-tree.sh"), join(trees, "gitlab"), `${server.url}/${PUBLISHED.gitlab}.git`, VERSION],
      { env: { PATH: process.env.PATH ?? "", PUBLISH_USER: server.user, PUBLISH_TOKEN: server.token } },
    );
    expect(publish.stdout + publish.stderr).not.toContain(server.token);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error("the Git server runs only inside the file's tests");
    return server;
  };
}

/**
 * The include of the yaml block of gitlab/README.md that follows `<!-- include:<form> -->`
 * (component, project, remote, preview), as a user copies it.
 */
export async function documentedInclude(form: string): Promise<Record<string, unknown>> {
  const readme = await readFile(join(ROOT, "gitlab/README.md"), "utf8");
  const match = new RegExp(`<!-- include:${form} -->\\n+\`\`\`yaml\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!match?.[1]) throw new Error(`gitlab/README.md has no include:${form} block`);
  const include = (parse(match[1]) as { include: Record<string, unknown>[] }).include;
  expect(include).toHaveLength(1);
  return include[0] ?? {};
}

/** Valid values where an input has a format, so that reading one would change the deploy, not fail it. */
const FORMATTED: Record<string, string> = {
  "build-args": "SHADOW=1",
  labels: "shadow=1",
  "build-secrets": "id=shadow,env=HOME",
  platforms: "linux/s390x",
  "health-status": "418",
  image: "127.0.0.1:9/shadow/image",
  registry: "127.0.0.1:9",
};

/** A value for a project variable named like each input, that would change the deploy if read. */
function shadowValue(input: InputSpec): string {
  if (FORMATTED[input.name]) return FORMATTED[input.name] ?? "";
  if (input.type === "boolean") return input.default === "true" ? "false" : "true";
  if (input.type === "number" || input.type === "duration") return "1";
  if (input.options) return input.options.find((o) => o !== input.default) ?? "x";
  if (input.name.endsWith("url")) return "http://127.0.0.1:9/shadow";
  return `shadow-${input.name}`;
}

/** Every input's variable name, with a value that would change the deploy (not the API key's). */
export const SHADOWS = Object.fromEntries(
  (INPUTS as readonly InputSpec[])
    .filter((input) => input.name !== "dokploy-api-key")
    .map((input) => [envName(input.name), shadowValue(input)]),
);

/** Makes `dir` a git repo whose origin is acme/web on `server`, with its files in one commit; the commit's sha. */
export async function commitProject(dir: string, server: GitServer): Promise<string> {
  await exec("git", ["init", "-q", "-b", "main"], { cwd: dir });
  await exec("git", ["remote", "add", "origin", `${server.url}/acme/web.git`], { cwd: dir });
  await exec("git", ["add", "-A"], { cwd: dir });
  await exec("git", ["-c", "user.email=ci@example.com", "-c", "user.name=ci", "commit", "-qm", "Ship it"], {
    cwd: dir,
  });
  return (await exec("git", ["rev-parse", "HEAD"], { cwd: dir })).stdout.trim();
}

/** Runs gitlab-ci-local in `dir` with the CI/CD variables given; its exit code and output. */
export async function runPipeline(
  dir: string,
  variables: Record<string, string>,
  args: string[] = [],
): Promise<ChildOutput> {
  const bin = await tempDir("gitlab-bin");
  // The job image's entry point, on the host for the shell executor.
  await writeFile(join(bin, "dokploy-deploy"), `#!/bin/sh\nexec node ${join(ROOT, "dist/cli/index.js")} "$@"\n`);
  await chmod(join(bin, "dokploy-deploy"), 0o755);
  const argv = ["--force-shell-executor", "--no-color", ...args];
  for (const [k, v] of Object.entries(variables)) argv.push("--variable", `${k}=${v}`);
  const child = spawn(join(TOOLS, ".bin/gitlab-ci-local"), argv, {
    cwd: dir,
    env: {
      PATH: `${join(NODE24, "..")}:${bin}:${process.env.PATH ?? ""}`,
      HOME: dir,
      GCL_IGNORE_PREDEFINED_VARS: "CI_REGISTRY_IMAGE,CI_REGISTRY_USER,CI_REGISTRY_PASSWORD",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return childOutput(child);
}

export async function findFile(dir: string, name: string): Promise<string | undefined> {
  const entries = await readdir(dir, { recursive: true });
  const hit = entries.find((e) => e.endsWith(name));
  return hit ? join(dir, hit) : undefined;
}
