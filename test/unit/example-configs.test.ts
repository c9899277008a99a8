/**
 * Every example workflow, as its CI would hand it to the step on every event it runs on, is a
 * config the step accepts: its expressions and variables filled in as GitHub, GitLab and
 * Bitbucket fill them, then parsed by parseConfig.
 */
import { readFile, readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { inputsFromEnv } from "../../src/cli/env";
import { type CiContext, INPUTS, type RawInputs, parseConfig } from "./imports";

const root = resolve(import.meta.dirname, "../..");
const ci: CiContext = { sha: "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c" };
const inputNames = new Set<string>(INPUTS.map((i) => i.name));

async function yamlFile(path: string): Promise<Record<string, unknown>> {
  return parse(await readFile(join(root, path), "utf8")) as Record<string, unknown>;
}

/** Values of repository variables (vars.X) the examples use; any other is an id-like word. */
const VARS: Record<string, string> = { DOKPLOY_URL: "https://dokploy.example.com" };

/** What GitHub gives the expressions of a job on one event. */
interface GithubEvent {
  readonly name: string;
  readonly on: string;
  readonly github: Record<string, unknown>;
  /** Secrets the job gets; undefined: every secret. */
  readonly secrets?: readonly string[];
}

const github = { actor: "octocat", sha: ci.sha, ref: "refs/heads/main", repository: "acme/web" };
const EVENTS: readonly GithubEvent[] = [
  { name: "a push", on: "push", github: { ...github, event_name: "push" } },
  {
    name: "a pull request from the repository",
    on: "pull_request",
    github: {
      ...github,
      event_name: "pull_request",
      event: { pull_request: { head: { repo: { full_name: "acme/web" } } } },
    },
  },
  {
    // Pull requests from forks get no secrets but a read-only GITHUB_TOKEN.
    name: "a pull request from a fork",
    on: "pull_request",
    github: {
      ...github,
      event_name: "pull_request",
      event: { pull_request: { head: { repo: { full_name: "fork/web" } } } },
    },
    secrets: ["GITHUB_TOKEN"],
  },
];

function lookup(path: string, event: GithubEvent): unknown {
  const [scope = "", ...rest] = path.split(".");
  if (scope === "secrets")
    return !event.secrets || event.secrets.includes(rest[0] ?? "") ? `secret-${rest[0] ?? ""}` : "";
  if (scope === "vars") return VARS[rest[0] ?? ""] ?? "V4lue0fVar";
  if (scope === "steps") return "output-of-an-earlier-step";
  let value: unknown = scope === "github" ? event.github : undefined;
  for (const key of rest) value = (value as Record<string, unknown> | undefined)?.[key];
  return value ?? "";
}

/** The expressions the examples use: paths, 'literals', ==, && and || (GitHub's value semantics). */
function evaluate(expression: string, event: GithubEvent): unknown {
  const operand = (text: string): unknown => {
    const t = text.trim();
    return /^'.*'$/.test(t) ? t.slice(1, -1) : lookup(t, event);
  };
  const term = (text: string): unknown => {
    const [left = "", right] = text.split("==");
    return right === undefined ? operand(left) : operand(left) === operand(right);
  };
  const all = (text: string): unknown =>
    text
      .split("&&")
      .map(term)
      .reduce((a, b) => (a ? b : a));
  return expression
    .split("||")
    .map(all)
    .reduce((a, b) => (a ? a : b));
}

function fillExpressions(value: unknown, event: GithubEvent): string {
  return String(value).replace(/\$\{\{(.*?)\}\}/g, (_all, expression: string) => String(evaluate(expression, event)));
}

/** Bitbucket and GitLab variables: $CI_REGISTRY_IMAGE as GitLab sets it, any other as a secret's value. */
function fillVariables(value: unknown): string {
  return String(value).replace(/\$([A-Z_][A-Z0-9_]*)/g, (_all, name: string) =>
    name === "CI_REGISTRY_IMAGE" ? "registry.gitlab.com/acme/web" : `value-of-${name.toLowerCase()}`,
  );
}

function accepted(raw: RawInputs): string {
  try {
    parseConfig(raw, ci);
    return "accepted";
  } catch (error) {
    return String(error);
  }
}

const githubWorkflows = [
  ...(await readdir(join(root, "examples/github"))).map((f) => `examples/github/${f}`),
  ...(await readdir(join(root, "examples/registries"))).map((f) => `examples/registries/${f}`),
];
const gitlabPipelines = (await readdir(join(root, "examples/gitlab"))).map((f) => `examples/gitlab/${f}`);
const bitbucketPipelines = (await readdir(join(root, "examples/bitbucket"))).map((f) => `examples/bitbucket/${f}`);

describe("example workflows make configs the step accepts", () => {
  it.each(githubWorkflows)("%s, on every event it runs on", async (path) => {
    const workflow = await yamlFile(path);
    const events = EVENTS.filter((e) => Object.keys(workflow.on as object).includes(e.on));
    expect(events.length).toBeGreaterThan(0);
    const jobs = Object.values(workflow.jobs as Record<string, { steps: { uses?: string; with?: object }[] }>);
    const step = jobs.flatMap((j) => j.steps).find((s) => s.uses?.endsWith("/dokploy-deploy@v1"));
    for (const event of events) {
      const raw = Object.fromEntries(
        Object.entries(step?.with ?? {}).map(([name, value]) => [name, fillExpressions(value, event)]),
      ) as RawInputs;
      expect(accepted(raw), `${path} on ${event.name}`).toBe("accepted");
    }
  });

  it.each(gitlabPipelines)("%s, each job of the component with its defaults", async (path) => {
    const [spec = ""] = (await readFile(join(root, "gitlab/templates/deploy.yml"), "utf8")).split("\n---\n");
    const declared = (parse(spec) as { spec: { inputs: Record<string, { default?: unknown }> } }).spec.inputs;
    const includes = ((await yamlFile(path)).include as { inputs?: Record<string, unknown> }[]).filter((i) => i.inputs);
    expect(includes.length).toBeGreaterThan(0);
    for (const include of includes) {
      const raw: RawInputs = {};
      for (const [name, input] of Object.entries(declared)) {
        if (!inputNames.has(name)) continue;
        const value = include.inputs?.[name] ?? input.default;
        if (value !== undefined) raw[name as keyof RawInputs] = fillVariables(value);
      }
      expect(accepted(raw), `${path}: job ${String(include.inputs?.["job-name"] ?? "dokploy-deploy")}`).toBe(
        "accepted",
      );
    }
  });

  it.each(bitbucketPipelines)("%s, each pipe with its variables", async (path) => {
    const pipelines = (await yamlFile(path)).pipelines as Record<string, unknown>;
    const sections = Object.values({ ...(pipelines.branches as object), ...(pipelines["pull-requests"] as object) });
    const pipes = (sections.flat() as { step: { script: unknown[] } }[])
      .flatMap((s) => s.step.script)
      .filter((s): s is { variables: Record<string, unknown> } => typeof s === "object" && s !== null);
    expect(pipes.length).toBeGreaterThan(0);
    for (const pipe of pipes) {
      const env = Object.fromEntries(Object.entries(pipe.variables).map(([k, v]) => [k, fillVariables(v)]));
      expect(accepted(inputsFromEnv(env)), path).toBe("accepted");
    }
  });
});
