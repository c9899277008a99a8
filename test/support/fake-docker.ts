/** docker as a table of answers, and ports around it, for runs of the core against the stand-in. */
import type { TempDockerConfig } from "../../src/build/docker-config";
import type { Exec, ExecResult } from "../../src/shared/exec";
import type { Ports } from "../../src/pipeline/run";
import type { MemoryLogger } from "./loggers";

export const SHA = "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c";
export const DIGEST = `sha256:${"ab".repeat(32)}`;
export const IMAGE_ID = `sha256:${"cd".repeat(32)}`;

export interface FakeDocker {
  readonly exec: Exec;
  readonly calls: { argv: string[]; input?: string; env?: Readonly<Record<string, string>> }[];
}

/** docker as a table of answers: argv[0..1] -> exit code and output. */
export function fakeDocker(
  options: { buildx?: boolean; fail?: string; answer?: (argv: readonly string[]) => ExecResult | undefined } = {},
): FakeDocker {
  const calls: FakeDocker["calls"] = [];
  const exec: Exec = (_file, args, opts = {}) => {
    calls.push({ argv: [...args], input: opts.input, env: opts.env });
    const answer = options.answer?.(args);
    if (answer) return Promise.resolve(answer);
    const step = args[0] === "buildx" ? `buildx ${args[1] ?? ""}` : (args[0] ?? "");
    if (step === "buildx version") return Promise.resolve({ exitCode: options.buildx ? 0 : 1, stdout: "", stderr: "" });
    if (step === options.fail) return Promise.resolve({ exitCode: 1, stdout: "", stderr: `${step}: denied` });
    const stdout = step === "push" ? `${SHA}: digest: ${DIGEST} size: 735` : "ok";
    opts.onLine?.(stdout, "stdout");
    return Promise.resolve({ exitCode: 0, stdout, stderr: "" });
  };
  return { exec, calls };
}

/**
 * Ports over a fake docker: a temp config that is only a name (its removal and the files
 * written to it are recorded; it holds what a buildx build leaves), quick sleeps.
 */
export function fakePorts(
  docker: FakeDocker,
  logger: MemoryLogger,
  removed: string[],
  written = new Map<string, string>(),
): Ports {
  return {
    exec: docker.exec,
    logger,
    createDockerConfig: (): Promise<TempDockerConfig> =>
      Promise.resolve({
        dir: "/tmp/fake-docker-config",
        readFile: (name: string) =>
          Promise.resolve(
            name === "build-metadata.json"
              ? JSON.stringify({ "containerimage.digest": DIGEST }, null, 2)
              : name === "build-iid"
                ? `${IMAGE_ID}\n`
                : undefined,
          ),
        writeFile: (name: string, text: string) => {
          written.set(name, text);
          return Promise.resolve(`/tmp/fake-docker-config/${name}`);
        },
        remove: () => {
          removed.push("/tmp/fake-docker-config");
          return Promise.resolve();
        },
      }),
    now: () => new Date("2026-11-23T05:00:00Z"),
    clock: () => performance.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 5))),
  };
}
