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
  return (
    jobs
      .flatMap((job) => job.steps ?? [])
      // Forgejo and Gitea name it by URL (docs/forgejo-gitea.md).
      .filter((step) =>
        [`${PUBLISHED.github}@v1`, `https://github.com/${PUBLISHED.github}@v1`, "./"].includes(step.uses ?? ""),
      )
  );
}

const githubWorkflows = [
  ...(await readdir(join(root, "examples/github"))).map((f) => `examples/github/${f}`),
  ...(await readdir(join(root, "examples/registries"))).map((f) => `examples/registries/${f}`),
];

/** The README and the docs pages: where a user reads the examples. */
const docPages = [
  "README.md",
  ...(await readdir(join(root, "docs")))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `docs/${f}`),
];
const docTexts = await Promise.all(
  docPages.map(async (path): Promise<[string, string]> => [path, await readFile(join(root, path), "utf8")]),
);

/** The yaml blocks of the README and the docs that are GitHub workflows (they have jobs). */
const readmeWorkflows = docTexts
  .flatMap(([path, text]) =>
    [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m, i): [string, Record<string, unknown>] => [
      `${path}, yaml block ${String(i + 1)}`,
      parse(m[1] ?? "") as Record<string, unknown>,
    ]),
  )
  .filter(([, workflow]) => typeof workflow === "object" && workflow !== null && "jobs" in workflow);

/** Each job that deploys with our action (not a dry run), with its step. */
function deployJobs(workflow: Record<string, unknown>): [string, Job, Step][] {
  return Object.entries((workflow.jobs ?? {}) as Record<string, Job>).flatMap(([name, job]) =>
    ourSteps({ jobs: { [name]: job } })
      .filter((step) => step.with?.["dry-run"] !== true)
      .map((step): [string, Job, Step] => [name, job, step]),
  );
}

const gitlabPipelines = (await readdir(join(root, "examples/gitlab"))).map((f) => `examples/gitlab/${f}`);
const bitbucketPipelines = (await readdir(join(root, "examples/bitbucket"))).map((f) => `examples/bitbucket/${f}`);

/** What a step deploys, as its inputs name it: the ids given, or the project of the names. */
function deployedTargets(step: Step): string[] {
  const given = ["application-id", "compose-id", "project"]
    .map((name) => step.with?.[name])
    .filter((value) => value !== undefined);
  expect(given.length, "a deploying step names its target").toBeGreaterThan(0);
  return given.map((value) => String(value).trim());
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
      const concurrency = job.concurrency as { group?: unknown; "cancel-in-progress"?: unknown } | undefined;
      // The group names what is deployed: each id, or the project the names are in.
      for (const target of deployedTargets(step)) {
        expect(String(concurrency?.group), `jobs.${name}.concurrency.group`).toContain(target);
      }
      // Never cancelled, except a pull request's build, which does not deploy.
      const buildsOnPullRequests = step.with?.deploy === "${{ github.event_name == 'push' }}";
      expect(concurrency?.["cancel-in-progress"], `jobs.${name}.concurrency.cancel-in-progress`).toEqual(
        buildsOnPullRequests ? "${{ github.event_name == 'pull_request' }}" : false,
      );
    }
  });

  it("the README's and the docs' workflows are among those checked", () => {
    const labels = readmeWorkflows.map(([label]) => label);
    expect(labels.some((label) => label.startsWith("README.md,"))).toBe(true);
    expect(labels.some((label) => label.startsWith("docs/"))).toBe(true);
  });

  it("the registry examples cover every registry docs/registries.md names", async () => {
    const files = await readdir(join(root, "examples/registries"));
    expect(files.sort()).toEqual(
      ["acr", "digitalocean", "dockerhub", "ecr", "gar", "ghcr", "harbor", "quay", "self-hosted"].map(
        (n) => `${n}.yml`,
      ),
    );
    const page = await readFile(join(root, "docs/registries.md"), "utf8");
    for (const file of files) expect(page).toContain(`](../examples/registries/${file})`);
  });

  it.each(gitlabPipelines)("%s includes the component with inputs it declares", async (path) => {
    const pipeline = await yamlFile(path);
    const component = parse(
      (await readFile(join(root, "gitlab/templates/deploy.yml"), "utf8")).split("\n---\n")[0] ?? "",
    ) as {
      spec: { inputs: Record<string, unknown> };
    };
    const includes = (pipeline.include as { component?: string; inputs?: Record<string, unknown> }[]).filter(
      (i) => i.component !== undefined,
    );
    expect(includes.length).toBeGreaterThan(0);
    const declared = new Set(Object.keys(component.spec.inputs));
    const jobs = new Set<string>();
    for (const include of includes) {
      expect(include.component).toBe(`$CI_SERVER_FQDN/${PUBLISHED.gitlab}/deploy@1`);
      expect(Object.keys(include.inputs ?? {}).filter((name) => !declared.has(name))).toEqual([]);
      for (const name of Object.keys(include.inputs ?? {}))
        expect(inputNames.has(name) || COMPONENT_ONLY.has(name)).toBe(true);
      // The inputs without a default in the component are given.
      for (const [name, spec] of Object.entries(component.spec.inputs)) {
        if (!("default" in (spec as object))) expect(include.inputs).toHaveProperty(name);
      }
      // Each inclusion makes a job of its own name.
      jobs.add((include.inputs?.["job-name"] as string | undefined) ?? "dokploy-deploy");
    }
    expect(jobs.size).toBe(includes.length);
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

  it.each(bitbucketPipelines)("%s runs the pipe with variables that exist", async (path) => {
    const pipeline = (await yamlFile(path)).pipelines as Record<string, unknown>;
    const sections = [
      pipeline.default,
      ...Object.values({ ...(pipeline.branches as object), ...(pipeline["pull-requests"] as object) }),
    ];
    const steps = sections
      .flatMap((section) => (Array.isArray(section) ? (section as { step?: { script?: unknown[] } }[]) : []))
      .flatMap((s) => s.step?.script ?? []);
    const pipes = steps.filter(
      (s): s is { pipe: string; variables: Record<string, string> } =>
        typeof s === "object" && s !== null && "pipe" in s,
    );
    expect(pipes.length).toBeGreaterThan(0);
    const known = new Set([...inputNames].map(envName));
    for (const pipe of pipes) {
      expect([PIPE, PIPE_IMAGE]).toContain(pipe.pipe);
      expect(Object.keys(pipe.variables).filter((name) => !known.has(name))).toEqual([]);
      for (const name of required) expect(pipe.variables).toHaveProperty(envName(name));
    }
  });

  it("the docs show every example workflow whole, as the file is", async () => {
    const readme = docTexts.map(([, text]) => text).join("\n");
    const shown = [...readme.matchAll(/<!-- example: (\S+) -->\n\n?```yaml\n([\s\S]*?)```\n/g)];
    expect(shown.length).toBeGreaterThan(0);
    for (const [, path = "", block] of shown) expect(block).toBe(await readFile(join(root, path), "utf8"));
    // The workflows of pull requests, compose services and several targets, on each CI.
    for (const path of [...githubWorkflows, ...gitlabPipelines, ...bitbucketPipelines]) {
      if (/(pull-requests|compose|several-targets)[.]/.test(path)) {
        expect(readme, `${path} shown in the docs`).toContain(`<!-- example: ${path} -->`);
      }
    }
  });

  it("the repository's own workflows parse, and CI runs the action with uses: ./ in dry-run", async () => {
    const ci = await yamlFile(".github/workflows/ci.yml");
    const dry = ourSteps(ci).find((s) => s.uses === "./");
    expect(dry?.with?.["dry-run"]).toBe(true);
    await yamlFile(".github/workflows/check-dist.yml");
    await yamlFile(".github/workflows/release.yml");
  });
});
