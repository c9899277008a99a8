/**
 * The runner image as a Woodpecker and a Drone plugin, run the way their docker backends run a
 * plugin step: `docker run` of the image with the step's settings as PLUGIN_* variables and the
 * CI's own variables, the workspace as the working dir and the engine's socket as the example's
 * volume; with each example's settings, pointed at the Dokploy stand-in and the real registry.
 */
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { parse } from "yaml";
import { useStandIn } from "../support/fixtures";
import { runInterrupted } from "../support/interrupt";
import { rigRegistry } from "../support/global-setup";
import { droneEnv, pluginEnv, woodpeckerEnv } from "../support/plugin-settings";
import { registryDigest } from "../support/rig";
import { buildRunnerImage } from "../support/runner-image";
import { tempDir } from "../support/temp";

const rig = inject("rig");
const API_KEY = `MARKER-PLUGIN-${randomBytes(10).toString("hex")}`;
const standIn = useStandIn({ apiKey: API_KEY });
const registry = rigRegistry(rig);
const ROOT = resolve(import.meta.dirname, "../..");
let image: string;

beforeAll(async () => {
  image = await buildRunnerImage(rig.dockerHost);
}, 300_000);

async function exampleSettings(path: string): Promise<Record<string, unknown>> {
  const steps = (parse(await readFile(join(ROOT, path), "utf8")) as { steps: { settings?: object }[] }).steps;
  return { ...steps.find((s) => s.settings)?.settings };
}

async function runPlugin(env: Record<string, string>, workspace: string) {
  const socket = rig.dockerHost.replace(/^unix:\/\//, "");
  const args = ["run", "--rm", "--network", "host", "-v", `${socket}:/var/run/docker.sock`];
  args.push("-v", `${workspace}:${workspace}`, "-w", workspace);
  for (const name of Object.keys(env)) args.push("-e", name);
  const run = await runInterrupted(
    ["docker", ...args, image],
    { cwd: workspace, env: { PATH: process.env.PATH ?? "", ...env, DOCKER_HOST: rig.dockerHost } },
    { when: /(?!)/, signals: [] },
  );
  return { exitCode: run.exitCode, output: run.output };
}

describe.each([
  ["woodpecker", "examples/woodpecker/.woodpecker.yml", woodpeckerEnv, "https://ci.example.com/repos/7/pipeline/8/2"],
  ["drone", "examples/drone/.drone.yml", droneEnv, "https://drone.example.com/acme/web/42"],
])("the runner image as a %s plugin", (ci, example, ciEnv, runUrl) => {
  it("deploys with the example's settings: pushes <image>:<commit>, follows it, writes the outputs file", async () => {
    const app = standIn().addApplication();
    const commit = randomBytes(20).toString("hex");
    const repo = `demo/${ci}-${randomBytes(3).toString("hex")}`;
    const workspace = await tempDir(`${ci}-workspace`);
    await writeFile(join(workspace, "Dockerfile"), `FROM ${rig.baseImage}\nRUN echo ${commit} > /built\n`);
    const settings = {
      ...(await exampleSettings(example)),
      dokploy_url: standIn().url,
      application_id: app.applicationId,
      image: `${rig.registryHost}/${repo}`,
      extra_tags: [],
      network: "host",
    };
    const secrets = {
      dokploy_api_key: API_KEY,
      dockerhub_username: rig.registryUser,
      dockerhub_token: rig.registryPassword,
      dockerhub_read_token: rig.registryPassword,
    };
    const run = await runPlugin({ ...ciEnv(commit), ...pluginEnv(settings, secrets) }, workspace);
    expect(run.exitCode, run.output).toBe(0);
    const digest = await registryDigest(registry, repo, commit);
    expect(digest).toMatch(/^sha256:/);
    expect(run.output).toMatch(/✔ Deployed: .* \(deployment done\)/);
    expect(run.output).not.toContain("::");
    expect(standIn().callsOf("application.saveDockerProvider")[0]?.input).toMatchObject({
      applicationId: app.applicationId,
      dockerImage: `${rig.registryHost}/${repo}:${commit}`,
    });
    const redeploy = standIn().callsOf("application.redeploy")[0]?.input as Record<string, string>;
    expect(redeploy.title).toBe(`Deploy ${commit.slice(0, 7)}`);
    expect(redeploy.description).toContain(runUrl);
    const outputs = await readFile(join(workspace, "dokploy.env"), "utf8");
    expect(outputs).toContain(`DOKPLOY_IMAGE=${rig.registryHost}/${repo}:${commit}\n`);
    expect(outputs).toContain(`DOKPLOY_DIGEST=${digest ?? ""}\n`);
    for (const secret of [API_KEY, rig.registryPassword]) expect(run.output + outputs).not.toContain(secret);
  });

  it("exits 2 naming the setting as the pipeline writes it, before anything is sent", async () => {
    const workspace = await tempDir(`${ci}-workspace`);
    const settings = { dokploy_url: "dokploy.example.com", application_id: "a", image: "acme/web" };
    const run = await runPlugin(
      { ...ciEnv("0".repeat(40)), ...pluginEnv(settings, {}), PLUGIN_DOKPLOY_API_KEY: API_KEY },
      workspace,
    );
    expect(run.exitCode, run.output).toBe(2);
    expect(run.output).toContain('✖ dokploy_url: "dokploy.example.com" is not a URL');
    expect(standIn().calls).toEqual([]);
  });
});
