import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  COMPONENT_ENV_PREFIX,
  PIPE,
  PIPE_IMAGE,
  RUNNER_IMAGE,
  renderActionYml,
  renderCatalogPipeline,
  renderGitlabComponent,
  renderGitlabInputsTable,
  renderGitlabPreviewComponent,
  renderGitlabPreviewInputsTable,
  neededToDeploy,
  renderInputsPage,
  renderPipeDefinition,
  renderPipeSelfTest,
  renderPipeYml,
  renderReadme,
  renderVariablesTable,
  replaceBlock,
} from "../../scripts/docs";
import { listKind } from "../../scripts/input-lists";
import { PUBLISHED, VERSION } from "../../scripts/published";
import { writeReleaseTrees } from "../../scripts/release-trees";
import { envName } from "../../src/cli/env";
import { INPUTS, type InputSpec, OUTPUTS, PORTABLE_INPUTS } from "./imports";

/** The Action's own inputs (GitHub's API): the component and the pipe have none of them. */
const GITHUB_ONLY = (INPUTS as readonly InputSpec[]).filter((i) => i.githubOnly);

const root = resolve(import.meta.dirname, "../..");
const text = (path: string) => readFile(resolve(root, path), "utf8");

interface SpecInput {
  type?: string;
  default?: unknown;
  options?: string[];
  regex?: string;
}

function componentSpec(component: string): Record<string, SpecInput> {
  return (parse(component.split("\n---\n")[0] ?? "") as { spec: { inputs: Record<string, SpecInput> } }).spec.inputs;
}

function componentJob(component: string): Record<string, unknown> {
  return Object.values(parse(component.split("\n---\n")[1] ?? "") as Record<string, Record<string, unknown>>)[0] ?? {};
}

describe("action.yml and README follow the input table in src/config/inputs.ts", () => {
  it("action.yml is what `npm run gen` makes", async () => {
    expect(await text("action.yml")).toBe(renderActionYml());
  });

  it("the README's quick start and docs/inputs.md's tables are what `npm run gen` makes", async () => {
    const readme = await text("README.md");
    expect(readme).toBe(renderReadme(readme));
    const page = await text("docs/inputs.md");
    expect(page).toBe(renderInputsPage(page));
    // The README holds no input table any more: the reference is docs/inputs.md.
    expect(readme).not.toContain("<!-- inputs:start -->");
  });

  it("docs/inputs.md has every input in each front end's table, and the GitHub-only ones only in the Action's", async () => {
    const page = await text("docs/inputs.md");
    const section = (heading: string) => {
      const from = page.indexOf(`## ${heading}`);
      const to = page.indexOf("\n## ", from + 1);
      return page.slice(from, to < 0 ? undefined : to);
    };
    const action = section("GitHub Action: inputs");
    const gitlab = section("GitLab component: inputs");
    const bitbucket = section("Bitbucket pipe: variables");
    for (const input of INPUTS) expect(action, input.name).toContain(`| \`${input.name}\` |`);
    for (const input of PORTABLE_INPUTS) {
      expect(gitlab, input.name).toContain(`| \`${input.name}\` |`);
      expect(bitbucket, input.name).toMatch(new RegExp(`\\| ${envName(input.name)}( \\(\\*\\))? \\|`));
    }
    // The component's own inputs (job-name, stage, environment: the job's) are not the Action's.
    const componentOwn = Object.keys(componentSpec(renderGitlabComponent()));
    for (const input of GITHUB_ONLY) {
      if (!componentOwn.includes(input.name)) expect(gitlab).not.toContain(`| \`${input.name}\` |`);
      expect(bitbucket).not.toContain(`| ${envName(input.name)} |`);
    }
    for (const output of OUTPUTS) expect(section("GitHub Action: outputs")).toContain(`| \`${output.name}\` |`);
  });

  it("says which inputs take commas as their parsers split them, in each front end's names", async () => {
    expect(listKind("application-id")).toBe("lines-or-commas");
    expect(listKind("compose")).toBe("lines-or-commas");
    expect(listKind("extra-tags")).toBe("lines-or-commas");
    expect(listKind("build-args")).toBe("lines");
    expect(listKind("cache-to")).toBe("lines");
    expect(listKind("image")).toBeUndefined();
    expect(listKind("health-status")).toBeUndefined();
    const page = await text("docs/inputs.md");
    expect(page).toMatch(
      /`application-id`, `application`, `compose-id`, `compose`, `extra-tags` and `platforms` also take commas/,
    );
    expect(page).toContain(
      "`BUILD_ARGS`, `LABELS`, `BUILD_SECRETS`, `CACHE_FROM`, `CACHE_TO` and `PREVIEW_ENV` take one item a line only",
    );
    // What the README said before, which left out the target inputs.
    for (const path of ["README.md", "docs/inputs.md"]) {
      expect(await text(path)).not.toMatch(/line; `extra-tags` and `platforms` also take commas/);
    }
  });

  it("action.yml declares every input and output, runs on node24 from dist/index.js", () => {
    const yml = renderActionYml();
    const description = /^description: (.*)$/m.exec(yml)?.[1] ?? "";
    expect(description.length).toBeGreaterThan(20);
    expect(description.length).toBeLessThan(125);
    expect(yml).toMatch(/^branding:\n {2}icon: \S+\n {2}color: \S+$/m);
    for (const input of INPUTS) expect(yml).toContain(`\n  ${input.name}:\n`);
    for (const output of OUTPUTS) expect(yml).toContain(`\n  ${output.name}:\n`);
    expect(yml).toContain("runs:\n  using: node24\n  main: dist/index.js\n");
  });

  it("says what the outputs hold: the digest also with build: false, and every deployment status", () => {
    const digest = OUTPUTS.find((o) => o.name === "digest")?.description ?? "";
    expect(digest).not.toMatch(/empty with build: false\./);
    expect(digest).toContain("pull check");
    const status = OUTPUTS.find((o) => o.name === "deployment-status")?.description ?? "";
    for (const value of ["done", "error", "cancelled", "timeout", "queued"]) expect(status).toContain(value);
  });
});

describe("the GitLab component", () => {
  it("and its README table, the catalog pipeline are what `npm run gen` makes", async () => {
    expect(await text("gitlab/templates/deploy.yml")).toBe(renderGitlabComponent());
    expect(await text("gitlab/templates/preview.yml")).toBe(renderGitlabPreviewComponent());
    expect(await text("gitlab/.gitlab-ci.yml")).toBe(renderCatalogPipeline());
    const readme = await text("gitlab/README.md");
    expect(readme).toBe(replaceBlock(readme, "inputs", renderGitlabInputsTable()));
    expect(readme).toBe(replaceBlock(readme, "preview-inputs", renderGitlabPreviewInputsTable()));
  });

  it("types every input: booleans are boolean, counts and durations numbers, with defaults of that type", () => {
    const spec = componentSpec(renderGitlabComponent());
    for (const input of PORTABLE_INPUTS) {
      const declared = spec[input.name];
      expect(declared, input.name).toBeDefined();
      const expected = input.type === "boolean" ? "boolean" : input.type ? "number" : undefined;
      expect(declared?.type, input.name).toBe(expected);
      if (expected && declared?.default !== undefined) expect(typeof declared.default, input.name).toBe(expected);
      if (input.options) expect(declared?.options).toEqual(input.options);
    }
    // No string input has a default that reads like a boolean or a number: it would be one.
    for (const [name, declared] of Object.entries(spec)) {
      if (declared.type === undefined) expect(String(declared.default ?? ""), name).not.toMatch(/^(true|false|\d+)$/);
    }
  });

  it("passes each input under a prefixed name and reads no other", () => {
    const component = renderGitlabComponent();
    const job = componentJob(component);
    const variables = job.variables as Record<string, string>;
    for (const input of PORTABLE_INPUTS) {
      expect(variables[`${COMPONENT_ENV_PREFIX}${envName(input.name)}`]).toBe(`$[[ inputs.${input.name} ]]`);
      expect(variables).not.toHaveProperty(envName(input.name));
    }
    expect(GITHUB_ONLY.length).toBeGreaterThan(0);
    for (const input of GITHUB_ONLY) {
      expect(variables).not.toHaveProperty(`${COMPONENT_ENV_PREFIX}${envName(input.name)}`);
    }
    expect(job.script).toEqual([
      `dokploy-deploy --env-prefix ${COMPONENT_ENV_PREFIX} --output-file dokploy-deploy.env`,
    ]);
    expect(job).toMatchObject({
      rules: "$[[ inputs.rules ]]",
      environment: { name: "$[[ inputs.environment ]]" },
      resource_group: "$[[ inputs.resource-group ]]",
    });
  });

  it("runs in the runner image of this release, pinned to its exact version", () => {
    const spec = componentSpec(renderGitlabComponent());
    expect(spec["runner-image"]?.default).toBe(`${PUBLISHED.image}:${VERSION}`);
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(
      componentSpec(renderGitlabComponent(`${RUNNER_IMAGE}@sha256:${"a".repeat(64)}`))["runner-image"]?.default,
    ).toBe(`${PUBLISHED.image}:${VERSION}@sha256:${"a".repeat(64)}`);
  });

  it("its README table marks required only the inputs without a default, in bold, not as code", () => {
    const table = renderGitlabInputsTable();
    expect(table).not.toContain("`**required**`");
    const spec = componentSpec(renderGitlabComponent());
    const required = Object.entries(spec)
      .filter(([, declared]) => !("default" in declared))
      .map(([name]) => name);
    // None: dokploy-url and the target are needed to deploy only (a job with deploy: false has neither).
    expect(required).toEqual([]);
    expect(spec["dokploy-url"]).toMatchObject({ default: "" });
    expect(spec["application-id"]).toMatchObject({ default: "" });
    const marked = table
      .split("\n")
      .filter((row) => row.includes("| **required** |"))
      .map((row) => /^\| `([^`]+)`/.exec(row)?.[1]);
    expect(marked).toEqual(required);
    for (const name of Object.keys(spec)) expect(table).toContain(`| \`${name}\` |`);
  });

  it("the catalog pipeline releases on X.Y.Z tags only, and tests the component at $CI_COMMIT_SHA", () => {
    const pipeline = parse(renderCatalogPipeline()) as Record<string, Record<string, unknown>> & {
      include: { component: string }[];
    };
    expect(pipeline.include[0]?.component).toBe("$CI_SERVER_FQDN/$CI_PROJECT_PATH/deploy@$CI_COMMIT_SHA");
    const release = pipeline["create-release"] ?? {};
    expect(release.release).toMatchObject({ tag_name: "$CI_COMMIT_TAG" });
    const rule = (release.rules as { if: string }[])[0]?.if ?? "";
    const pattern = /=~ \/(.*)\/$/.exec(rule)?.[1] ?? "";
    expect(new RegExp(pattern).test("1.2.3")).toBe(true);
    for (const tag of ["v1.2.3", "1.2", "1.2.3-rc1x/"]) expect(new RegExp(pattern).test(tag), tag).toBe(false);
  });
});

describe("the Bitbucket pipe", () => {
  it("pipe.yml and the README's definition and variables are what `npm run gen` makes", async () => {
    expect(await text("bitbucket/pipe.yml")).toBe(renderPipeYml());
    expect(await text("bitbucket/bitbucket-pipelines.yml")).toBe(renderPipeSelfTest());
    const readme = await text("bitbucket/README.md");
    expect(readme).toBe(
      replaceBlock(replaceBlock(readme, "definition", renderPipeDefinition()), "variables", renderVariablesTable()),
    );
  });

  it("pipe.yml names the runner image on Docker Hub at this release's semver tag, which the release pushes", async () => {
    const pipe = parse(renderPipeYml()) as Record<string, unknown>;
    expect(pipe.image).toBe(`${PUBLISHED.dockerHub}:${VERSION}`);
    // Docker Hub's own form: <account>/<repository>, no registry host.
    expect(PUBLISHED.dockerHub).toMatch(/^[a-z0-9]+(?:[._-][a-z0-9]+)*\/[a-z0-9]+(?:[._-][a-z0-9]+)*$/);
    const release = parse(await text(".github/workflows/release.yml")) as {
      jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }>;
    };
    const steps = release.jobs["runner-image"]?.steps ?? [];
    const logins = steps.filter((s) => s.uses?.startsWith("docker/login-action@")).map((s) => s.with?.registry);
    expect(logins).toContain(undefined); // no registry: Docker Hub
    const tags = steps.find((s) => s.uses?.startsWith("docker/build-push-action@"))?.with?.tags ?? "";
    expect(tags.split(/[\n,]/).map((t) => t.trim())).toEqual(
      expect.arrayContaining([
        "${{ env.DOCKER_HUB_IMAGE }}:${{ env.VERSION }}",
        "${{ env.DOCKER_HUB_IMAGE }}:${{ env.MAJOR }}",
      ]),
    );
    for (const key of ["name", "image", "category", "description", "repository", "maintainer", "vendor", "tags"]) {
      expect(pipe).toHaveProperty(key);
    }
  });

  it("its README has Atlassian's layout, (*) on the variables a deploy needs, set in the definition", async () => {
    const readme = await text("bitbucket/README.md");
    const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual(["YAML Definition", "Variables", "Prerequisites", "Examples", "Support", "License"]);
    expect(readme).toContain("_(*) = required variable._");
    for (const input of PORTABLE_INPUTS) {
      const marker = neededToDeploy(input) ? " (*)" : "";
      expect(readme).toContain(`| ${envName(input.name)}${marker} |`);
    }
    for (const input of GITHUB_ONLY) expect(readme).not.toContain(`| ${envName(input.name)} |`);
    expect(readme).toContain(`- pipe: ${PIPE}\n`);
    expect(readme).toContain(`pipe: ${PIPE_IMAGE}\``);
    const definition = /```yaml\n([\s\S]*?)```/.exec(renderPipeDefinition())?.[1] ?? "";
    const step = (parse(definition) as { pipe: string; variables: Record<string, string> }[])[0];
    // What a first deploy needs, not commented out as optional: with IMAGE alone the pipe exits 2.
    expect(Object.keys(step?.variables ?? {})).toEqual(["DOKPLOY_URL", "DOKPLOY_API_KEY", "APPLICATION_ID", "IMAGE"]);
    expect(definition).not.toMatch(/# (DOKPLOY_URL|DOKPLOY_API_KEY|APPLICATION_ID|IMAGE):/);
    expect(definition).toMatch(/^ {4}# OUTPUT_FILE: "<string>" # Optional$/m);
  });

  it("its own pipeline runs the pipe at this release in a dry run, with the variables the README requires", () => {
    const pipeline = parse(renderPipeSelfTest()) as {
      pipelines: { default: { step: { script: (string | { pipe: string; variables: Record<string, string> })[] } }[] };
    };
    const script = pipeline.pipelines.default[0]?.step.script ?? [];
    const pipe = script.find((s) => typeof s === "object");
    expect(pipe).toMatchObject({ pipe: PIPE, variables: { DRY_RUN: "true", OUTPUT_FILE: "dokploy.env" } });
    const definition = /```yaml\n([\s\S]*?)```/.exec(renderPipeDefinition())?.[1] ?? "";
    const required = Object.keys((parse(definition) as { variables: object }[])[0]?.variables ?? {});
    for (const name of required) expect(typeof pipe === "object" && pipe.variables[name], name).toBeTruthy();
    expect(script.filter((s) => typeof s === "string" && s.startsWith("grep -qx"))).toHaveLength(2);
  });

  it("the variables table names variables, never the Action's inputs", () => {
    const table = renderVariablesTable();
    expect(table).toContain("Default: `REGISTRY_USERNAME`.");
    for (const input of INPUTS.filter((i) => i.name.includes("-"))) {
      expect(table).not.toMatch(new RegExp(`(?<![\\w-])${input.name}(?![\\w-])`));
    }
  });
});

describe("the release trees", () => {
  it("hold the catalog project (templates/ at its root) and the pipe repository (pipe.yml at its root)", async () => {
    const out = await mkdtemp(join(tmpdir(), "trees-"));
    try {
      const digest = `sha256:${"b".repeat(64)}`;
      await writeReleaseTrees(out, digest);
      expect((await readdir(join(out, "gitlab"), { recursive: true })).sort()).toEqual([
        ".gitlab-ci.yml",
        "CHANGELOG.md",
        "LICENSE",
        "README.md",
        "templates",
        "templates/deploy.yml",
        "templates/preview.yml",
      ]);
      expect((await readdir(join(out, "bitbucket"))).sort()).toEqual([
        "CHANGELOG.md",
        "LICENSE.txt",
        "README.md",
        "bitbucket-pipelines.yml",
        "pipe.yml",
      ]);
      expect(await readFile(join(out, "bitbucket/bitbucket-pipelines.yml"), "utf8")).toBe(renderPipeSelfTest());
      const component = await readFile(join(out, "gitlab/templates/deploy.yml"), "utf8");
      expect(componentSpec(component)["runner-image"]?.default).toBe(`${RUNNER_IMAGE}@${digest}`);
      const preview = await readFile(join(out, "gitlab/templates/preview.yml"), "utf8");
      expect(componentSpec(preview)["runner-image"]?.default).toBe(`${RUNNER_IMAGE}@${digest}`);
      expect(await readFile(join(out, "gitlab/README.md"), "utf8")).toContain(`\`${RUNNER_IMAGE}@${digest}\``);
      expect(await readFile(join(out, "bitbucket/pipe.yml"), "utf8")).toBe(renderPipeYml());
      await expect(writeReleaseTrees(out, "sha256:nope")).rejects.toThrow(/is not a digest/);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
