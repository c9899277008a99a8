import { readFile, readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PIPE, PIPE_IMAGE } from "../../scripts/docs";
import { PUBLISHED } from "../../scripts/published";
import { envName } from "../../src/cli/env";
import { INPUTS } from "./imports";

const root = resolve(import.meta.dirname, "../..");
const inputNames = new Set<string>(INPUTS.map((i) => i.name));
const required = INPUTS.filter((i) => "required" in i && i.required).map((i) => i.name);
const COMPONENT_ONLY = new Set([
  "job-name",
  "stage",
  "rules",
  "environment",
  "resource-group",
  "runner-image",
  "docker-service",
]);

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}

interface Job {
  concurrency?: string | { group?: string; "cancel-in-progress"?: unknown };
  steps?: Step[];
}

async function yamlFile(path: string): Promise<Record<string, unknown>> {
  return parse(await readFile(join(root, path), "utf8")) as Record<string, unknown>;
}

function ourSteps(workflow: Record<string, unknown>): Step[] {
  const jobs = Object.values((workflow.jobs ?? {}) as Record<string, { steps?: Step[] }>);
  return jobs
    .flatMap((job) => job.steps ?? [])
    .filter((step) => step.uses === `${PUBLISHED.github}@v1` || step.uses === "./");
}

const githubWorkflows = [
  "examples/github/deploy.yml",
  ...(await readdir(join(root, "examples/registries"))).map((f) => `examples/registries/${f}`),
];

/** The README's yaml blocks that are GitHub workflows (they have jobs), by their first line. */
const readmeWorkflows = [...(await readFile(join(root, "README.md"), "utf8")).matchAll(/```yaml\n([\s\S]*?)```/g)]
  .map((m, i): [string, Record<string, unknown>] => [
    `README.md, yaml block ${String(i + 1)}`,
    parse(m[1] ?? "") as Record<string, unknown>,
  ])
  .filter(([, workflow]) => typeof workflow === "object" && workflow !== null && "jobs" in workflow);

/** Each job that deploys with our action (not a dry run), with its step. */
function deployJobs(workflow: Record<string, unknown>): [string, Job, Step][] {
  return Object.entries((workflow.jobs ?? {}) as Record<string, Job>).flatMap(([name, job]) =>
    ourSteps({ jobs: { [name]: job } })
      .filter((step) => step.with?.["dry-run"] !== true)
      .map((step): [string, Job, Step] => [name, job, step]),
  );
}

describe("examples", () => {
  it.each(githubWorkflows)("%s parses and uses only inputs that exist, with the required ones", async (path) => {
    const steps = ourSteps(await yamlFile(path));
    expect(steps).toHaveLength(1);
    const given = Object.keys(steps[0]?.with ?? {});
    expect(given.filter((name) => !inputNames.has(name))).toEqual([]);
    for (const name of required) expect(given).toContain(name);
  });

  it.each([
    ...githubWorkflows.map((path): [string, () => Promise<Record<string, unknown>>] => [path, () => yamlFile(path)]),
    ...readmeWorkflows.map(([label, workflow]): [string, () => Promise<Record<string, unknown>>] => [
      label,
      () => Promise.resolve(workflow),
    ]),
  ])("%s runs one deploy per application at a time (job concurrency, not cancelled)", async (_label, load) => {
    const jobs = deployJobs(await load());
    expect(jobs.length).toBeGreaterThan(0);
    for (const [name, job, step] of jobs) {
      const applicationId = String(step.with?.["application-id"]);
      expect(job.concurrency, `jobs.${name}.concurrency`).toEqual({
        group: expect.stringContaining(applicationId) as unknown,
        "cancel-in-progress": false,
      });
    }
  });

  it("the README's workflows are among those checked", () => {
    expect(readmeWorkflows.map(([label]) => label)).not.toEqual([]);
  });

  it("the registry examples cover every registry the README names", async () => {
    const files = await readdir(join(root, "examples/registries"));
    expect(files.sort()).toEqual(
      ["acr", "digitalocean", "dockerhub", "ecr", "gar", "ghcr", "harbor", "quay", "self-hosted"].map(
        (n) => `${n}.yml`,
      ),
    );
    const readme = await readFile(join(root, "README.md"), "utf8");
    for (const file of files) expect(readme).toContain(`examples/registries/${file}`);
  });

  it("the GitLab pipeline includes the component with inputs it declares", async () => {
    const pipeline = await yamlFile("examples/gitlab/.gitlab-ci.yml");
    const component = parse(
      (await readFile(join(root, "gitlab/templates/deploy.yml"), "utf8")).split("\n---\n")[0] ?? "",
    ) as {
      spec: { inputs: Record<string, unknown> };
    };
    const include = (pipeline.include as { component?: string; inputs?: Record<string, unknown> }[])[0];
    expect(include?.component).toBe(`$CI_SERVER_FQDN/${PUBLISHED.gitlab}/deploy@1`);
    const declared = new Set(Object.keys(component.spec.inputs));
    expect(Object.keys(include?.inputs ?? {}).filter((name) => !declared.has(name))).toEqual([]);
    for (const name of Object.keys(include?.inputs ?? {}))
      expect(inputNames.has(name) || COMPONENT_ONLY.has(name)).toBe(true);
    // The inputs without a default in the component are given.
    for (const [name, spec] of Object.entries(component.spec.inputs)) {
      if (!("default" in (spec as object))) expect(include?.inputs).toHaveProperty(name);
    }
  });

  it("the GitLab pipeline's deploy job runs in a resource group of its application", async () => {
    const pipeline = await yamlFile("examples/gitlab/.gitlab-ci.yml");
    const [header, body] = (await readFile(join(root, "gitlab/templates/deploy.yml"), "utf8")).split("\n---\n");
    const spec = (parse(header ?? "") as { spec: { inputs: Record<string, { default?: unknown }> } }).spec;
    const job = Object.values(parse(body ?? "") as Record<string, { resource_group?: unknown }>)[0];
    expect(job?.resource_group).toBe("$[[ inputs.resource-group ]]");
    expect(spec.inputs["resource-group"]?.default).toBeTruthy();
    const inputs = (pipeline.include as { inputs?: Record<string, unknown> }[])[0]?.inputs ?? {};
    expect(String(inputs["resource-group"])).toContain(String(inputs["application-id"]));
    // The pipeline's own additions to the job keep it in the group.
    expect(pipeline["dokploy-deploy"]).not.toHaveProperty("resource_group");
  });

  it("the Bitbucket pipeline deploys from a step in a deployment environment (one at a time)", async () => {
    const pipeline = await yamlFile("examples/bitbucket/bitbucket-pipelines.yml");
    const steps = (
      (pipeline.pipelines as { branches: Record<string, { step: { deployment?: unknown; script: unknown[] } }[]> })
        .branches.main ?? []
    ).map((s) => s.step);
    const deploying = steps.filter((step) =>
      step.script.some((line) => typeof line === "object" && line !== null && "pipe" in line),
    );
    expect(deploying).toHaveLength(1);
    expect(deploying[0]?.deployment).toEqual(expect.any(String));
  });

  it("the Bitbucket pipeline runs the pipe with variables that exist", async () => {
    const pipeline = await yamlFile("examples/bitbucket/bitbucket-pipelines.yml");
    const steps = (
      (pipeline.pipelines as { branches: Record<string, { step: { script: unknown[] } }[]> }).branches.main ?? []
    ).flatMap((s) => s.step.script);
    const pipe = steps.find(
      (s): s is { pipe: string; variables: Record<string, string> } =>
        typeof s === "object" && s !== null && "pipe" in s,
    );
    expect([PIPE, PIPE_IMAGE]).toContain(pipe?.pipe);
    const known = new Set([...inputNames].map(envName));
    expect(Object.keys(pipe?.variables ?? {}).filter((name) => !known.has(name))).toEqual([]);
    for (const name of required) expect(pipe?.variables).toHaveProperty(envName(name));
  });

  it("the repository's own workflows parse, and CI runs the action with uses: ./ in dry-run", async () => {
    const ci = await yamlFile(".github/workflows/ci.yml");
    const dry = ourSteps(ci).find((s) => s.uses === "./");
    expect(dry?.with?.["dry-run"]).toBe(true);
    await yamlFile(".github/workflows/check-dist.yml");
    await yamlFile(".github/workflows/release.yml");
  });
});
