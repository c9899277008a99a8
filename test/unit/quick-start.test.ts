/**
 * A newcomer's path: the quick start of each CI, as the README's first screen shows it, is a
 * pipeline its CI takes. Each snippet is read out of README.md and checked with what that CI
 * checks: a GitHub workflow's step against action.yml (unknown inputs, required ones), the GitLab
 * include against the component's spec:inputs (names, types, those without a default), the
 * Bitbucket pipe against pipe.yml and the variables the pipe reads; then each snippet's values,
 * with its secrets filled in as the CI would, go through the step's own input rules. Every check
 * is also shown to fail on a broken snippet.
 */
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ACTION_MAJORS } from "../../scripts/action-majors";
import { PIPE } from "../../scripts/docs";
import { MAJOR, PUBLISHED, VERSION } from "../../scripts/published";
import { QUICK_START_CIS, type QuickStartCi } from "../../scripts/quick-start";
import { bitbucket, gitlab } from "../../src/cli/context";
import { envName, inputsFromEnv } from "../../src/cli/env";
import { type RawInputs, PORTABLE_INPUTS, parseConfig } from "./imports";

const root = resolve(import.meta.dirname, "../..");
const readme = await readFile(join(root, "README.md"), "utf8");
const SHA = "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c";

type Yaml = Record<string, unknown>;

/** The yaml of one CI's quick start, as the README shows it. */
function snippet(ci: QuickStartCi): string {
  const match = new RegExp(`<!-- quick-start-${ci}:start -->\\n\`\`\`yaml\\n([\\s\\S]*?)\`\`\`\\n`).exec(readme);
  if (!match?.[1]) throw new Error(`README.md has no quick start for ${ci}`);
  return match[1];
}

const actionYml = parse(await readFile(join(root, "action.yml"), "utf8")) as {
  inputs: Record<string, { required: boolean; default?: string }>;
};
const componentSpec = (
  parse((await readFile(join(root, "gitlab/templates/deploy.yml"), "utf8")).split("\n---\n")[0] ?? "") as {
    spec: { inputs: Record<string, { type?: string; default?: unknown; options?: unknown[] }> };
  }
).spec.inputs;
const pipeYml = parse(await readFile(join(root, "bitbucket/pipe.yml"), "utf8")) as {
  image: string;
  repository: string;
};

/** Runs the step's own input rules; the error, or undefined when the inputs are good. */
function inputRules(raw: RawInputs, sha = SHA): string | undefined {
  try {
    parseConfig(raw, { sha });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** `${{ secrets.X }}` and `${{ github.x }}` as a runner fills them in. */
function githubExpression(value: string): string {
  return value
    .replace(/\$\{\{\s*secrets\.(\w+)\s*\}\}/g, (_all, name: string) => `secret-${name.toLowerCase()}`)
    .replace(/\$\{\{\s*github\.repository\s*\}\}/g, "acme/web")
    .replace(/\$\{\{\s*github\.actor\s*\}\}/g, "octocat");
}

/** What GitHub (and Forgejo, Gitea) would find wrong with the workflow's deploy step. */
function githubProblems(workflow: Yaml): string[] {
  const problems: string[] = [];
  if (!(workflow.on as Yaml | undefined)?.push) problems.push("not triggered by a push");
  const jobs = Object.values((workflow.jobs ?? {}) as Record<string, Yaml>);
  if (jobs.length !== 1) return [...problems, "not one job"];
  const job = jobs[0] ?? {};
  if (!job["runs-on"]) problems.push("the job has no runs-on");
  const steps = (job.steps ?? []) as { uses?: string; with?: Record<string, unknown> }[];
  if (!steps.some((s) => s.uses === `actions/checkout@v${String(ACTION_MAJORS["actions/checkout"])}`)) {
    problems.push("no checkout of the repository at the current major");
  }
  const ours = steps.filter((s) => s.uses === `${PUBLISHED.github}@v${MAJOR}`);
  if (ours.length !== 1) return [...problems, `not one step uses ${PUBLISHED.github}@v${MAJOR}`];
  const given = ours[0]?.with ?? {};
  for (const name of Object.keys(given)) if (!(name in actionYml.inputs)) problems.push(`unknown input ${name}`);
  for (const [name, input] of Object.entries(actionYml.inputs)) {
    if (input.required && !(name in given)) problems.push(`required input ${name} missing`);
  }
  const raw = Object.fromEntries(Object.entries(given).map(([k, v]) => [k, githubExpression(String(v))]));
  if (String(given["registry-password"]).includes("GITHUB_TOKEN")) {
    if ((job.permissions as Yaml | undefined)?.packages !== "write") problems.push("GITHUB_TOKEN cannot push packages");
  }
  const rules = inputRules(raw as RawInputs);
  return rules ? [...problems, rules] : problems;
}

/** The GitLab CI/CD variables the quick start names (a masked DOKPLOY_API_KEY, the deploy token), and GitLab's own. */
const GITLAB_ENV: Record<string, string> = {
  DOKPLOY_API_KEY: "masked-api-key",
  CI_COMMIT_SHA: SHA,
  CI_SERVER_FQDN: "gitlab.example.com",
  CI_REGISTRY_IMAGE: "registry.gitlab.example.com/acme/web",
  CI_REGISTRY_USER: "gitlab-ci-token",
  CI_REGISTRY_PASSWORD: "job-token",
  CI_DEPLOY_USER: "gitlab+deploy-token-1",
  CI_DEPLOY_PASSWORD: "deploy-token",
};

function expandGitlab(value: string): string {
  return value.replace(/\$(\w+)/g, (all, name: string) => GITLAB_ENV[name] ?? all);
}

/** What GitLab would find wrong with the include (the component's spec:inputs), then the job's input rules. */
function gitlabProblems(pipeline: Yaml): string[] {
  const includes = (pipeline.include ?? []) as { component?: string; inputs?: Record<string, unknown> }[];
  if (includes.length !== 1) return ["not one include"];
  const include = includes[0] ?? {};
  const problems: string[] = [];
  if (include.component !== `$CI_SERVER_FQDN/${PUBLISHED.gitlab}/deploy@${MAJOR}`) {
    problems.push(`component ${String(include.component)} is not the published one`);
  }
  const given = include.inputs ?? {};
  for (const [name, value] of Object.entries(given)) {
    const spec = componentSpec[name];
    if (!spec) {
      problems.push(`unknown input ${name}`);
      continue;
    }
    const type = spec.type ?? "string";
    if (typeof value !== type) problems.push(`input ${name} is a ${typeof value}, the spec says ${type}`);
    if (spec.options && !spec.options.includes(value)) problems.push(`input ${name} is not one of its options`);
  }
  for (const [name, spec] of Object.entries(componentSpec)) {
    if (!("default" in spec) && !(name in given)) problems.push(`input ${name} has no default and is missing`);
  }
  const env: Record<string, string> = {};
  for (const input of PORTABLE_INPUTS) {
    const value = given[input.name] ?? componentSpec[input.name]?.default;
    if (value !== undefined) env[envName(input.name)] = expandGitlab(String(value));
  }
  const rules = inputRules(inputsFromEnv(env, gitlab.defaults(GITLAB_ENV)));
  return rules ? [...problems, rules] : problems;
}

/** The secured repository variables the quick start names, as Bitbucket fills them in. */
const BITBUCKET_ENV: Record<string, string> = {
  DOKPLOY_API_KEY: "secured-api-key",
  DOCKERHUB_USERNAME: "octocat",
  DOCKERHUB_TOKEN: "push-token",
  DOCKERHUB_READ_TOKEN: "read-token",
};

/** What Bitbucket and the pipe would find wrong with the step that runs it. */
function bitbucketProblems(pipeline: Yaml): string[] {
  const branches = ((pipeline.pipelines as Yaml | undefined)?.branches ?? {}) as Record<string, Yaml[]>;
  const steps = Object.values(branches)
    .flat()
    .map((s) => (s.step ?? {}) as { services?: string[]; script?: unknown[] });
  const pipes = steps.flatMap((step) =>
    (step.script ?? [])
      .filter((line): line is { pipe: string; variables?: Record<string, unknown> } => {
        return typeof line === "object" && line !== null && "pipe" in line;
      })
      .map((pipe) => ({ step, pipe })),
  );
  if (pipes.length !== 1) return ["not one pipe"];
  const { step, pipe } = pipes[0] ?? { step: {}, pipe: { pipe: "" } };
  const problems: string[] = [];
  // pipe: <workspace>/<repository>:<tag>: pipe.yml of that repository, its image at that tag.
  const [repository = "", tag = ""] = pipe.pipe.split(":");
  if (pipe.pipe !== PIPE || pipeYml.repository !== `https://bitbucket.org/${repository}`) {
    problems.push(`pipe ${pipe.pipe} is not the published one`);
  }
  if (!pipeYml.image.endsWith(`:${tag}`) || tag !== VERSION) problems.push(`tag ${tag} is not pipe.yml's image's`);
  if (!(step.services ?? []).includes("docker")) problems.push("the step has no docker service to build with");
  const known = new Set(PORTABLE_INPUTS.map((i) => envName(i.name)));
  const variables = pipe.variables ?? {};
  for (const name of Object.keys(variables)) if (!known.has(name)) problems.push(`unknown variable ${name}`);
  for (const input of PORTABLE_INPUTS.filter((i) => "required" in i && i.required)) {
    if (!(envName(input.name) in variables)) problems.push(`required variable ${envName(input.name)} missing`);
  }
  const env = Object.fromEntries(
    Object.entries(variables).map(([k, v]) => [
      k,
      String(v).replace(/\$(\w+)/g, (all, name: string) => BITBUCKET_ENV[name] ?? all),
    ]),
  );
  const rules = inputRules(inputsFromEnv(env, bitbucket.defaults(env)));
  return rules ? [...problems, rules] : problems;
}

const CHECKS: Record<QuickStartCi, (pipeline: Yaml) => string[]> = {
  github: githubProblems,
  forgejo: githubProblems,
  gitlab: gitlabProblems,
  bitbucket: bitbucketProblems,
};

/** The same snippet, changed where a newcomer might get it wrong. */
const BREAKAGES: Record<QuickStartCi, [string, (text: string) => string, RegExp][]> = {
  github: [
    ["an input the action does not have", (t) => t.replace("application-id:", "app-id:"), /unknown input app-id/],
    ["no image", (t) => t.replace(/^ {10}image: .*\n/m, ""), /required input image missing/],
    ["no API key", (t) => t.replace(/^ {10}dokploy-api-key: .*\n/m, ""), /dokploy-api-key/],
    ["an older checkout", (t) => t.replace(/checkout@v\d+/, "checkout@v4"), /current major/],
  ],
  forgejo: [["a URL without a scheme", (t) => t.replace("https://dokploy", "dokploy"), /dokploy-url/]],
  gitlab: [
    ["an input the component does not have", (t) => t.replace("application-id:", "app-id:"), /unknown input app-id/],
    ["a boolean as a string", (t) => `${t}      wait: "yes"\n`, /input wait is a string/],
    ["no target", (t) => t.replace(/^ {6}application-id: .*\n/m, ""), /application-id|target/],
  ],
  bitbucket: [
    ["a variable the pipe does not read", (t) => t.replace("APPLICATION_ID:", "APP_ID:"), /unknown variable APP_ID/],
    ["no image", (t) => t.replace(/^ {16}IMAGE: .*\n/m, ""), /required variable IMAGE missing/],
    ["no docker service", (t) => t.replace("services: [docker]", "services: []"), /no docker service/],
  ],
};

describe("a newcomer's path: the README's quick start on each CI", () => {
  it("is on the first screen: before the reference, one snippet per CI", () => {
    const quickStart = readme.indexOf("\n## Quick start\n");
    expect(quickStart).toBeGreaterThan(0);
    expect(quickStart).toBeLessThan(readme.indexOf("\n## Before it is published\n"));
    for (const ci of QUICK_START_CIS) {
      const at = readme.indexOf(`<!-- quick-start-${ci}:start -->`);
      expect(at, ci).toBeGreaterThan(quickStart);
      expect(at, ci).toBeLessThan(readme.indexOf("\n## What you need from Dokploy\n"));
    }
  });

  it.each(QUICK_START_CIS)("%s: the snippet is a pipeline its CI takes, with inputs the step accepts", (ci) => {
    expect(CHECKS[ci](parse(snippet(ci)) as Yaml)).toEqual([]);
  });

  it("Forgejo and Gitea: the GitHub workflow, in their directory, with the same uses: line", () => {
    const forgejo = snippet("forgejo");
    expect(forgejo).toMatch(/^# \.forgejo\/workflows\/\S+\.yml/);
    const usesOf = (text: string) => [...text.matchAll(/uses: (\S+)/g)].map((m) => m[1]);
    expect(usesOf(forgejo)).toEqual(usesOf(snippet("github")));
  });

  it.each(QUICK_START_CIS.flatMap((ci) => BREAKAGES[ci].map(([what, change, says]) => ({ ci, what, change, says }))))(
    "$ci: a snippet with $what fails the check",
    ({ ci, change, says }) => {
      const broken = change(snippet(ci));
      expect(broken).not.toBe(snippet(ci));
      expect(CHECKS[ci](parse(broken) as Yaml).join("\n")).toMatch(says);
    },
  );
});
