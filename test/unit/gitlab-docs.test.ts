/**
 * What gitlab/README.md promises about the component, held to the code: the dotenv variables the
 * job leaves for later jobs are those the CLI writes when run as the job runs it; the catalog
 * pipeline releases with glab; the GitLab version floor and the docker-in-docker TLS volume.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  COMPONENT_ENV_PREFIX,
  renderCatalogPipeline,
  renderGitlabComponent,
  renderGitlabPreviewComponent,
} from "../../scripts/docs";

const root = resolve(import.meta.dirname, "../..");
const readme = await readFile(resolve(root, "gitlab/README.md"), "utf8");

function componentJob(): { script: string[]; variables: Record<string, string> } {
  const jobs = parse(renderGitlabComponent().split("\n---\n")[1] ?? "") as Record<string, unknown>;
  return Object.values(jobs)[0] as { script: string[]; variables: Record<string, string> };
}

/** The variables the job's dotenv report holds: its script's command, run from the source in a dry run. */
async function dotenvNames(): Promise<string[]> {
  const [command = ""] = componentJob().script;
  const [program, ...args] = command.split(" ");
  expect(program).toBe("dokploy-deploy");
  const fileAt = args.indexOf("--output-file") + 1;
  expect(fileAt).toBeGreaterThan(0);
  const dir = await mkdtemp(join(tmpdir(), "dotenv-"));
  try {
    args[fileAt] = join(dir, "dokploy-deploy.env");
    const input = (name: string) => `${COMPONENT_ENV_PREFIX}${name}`;
    const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
      cwd: root,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH ?? "",
        HOME: dir,
        [input("DRY_RUN")]: "true",
        [input("DOKPLOY_URL")]: "https://dokploy.example.com",
        [input("DOKPLOY_API_KEY")]: "not-a-key",
        [input("APPLICATION_ID")]: "app",
        [input("IMAGE")]: "registry.example.com/acme/web",
        [input("TAG")]: "v1",
      },
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const report = await readFile(args[fileAt] ?? "", "utf8");
    return report
      .split("\n")
      .filter(Boolean)
      .map((line) => line.slice(0, line.indexOf("=")));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("gitlab/README.md", () => {
  it("lists every variable of the job's dotenv report, and no other", async () => {
    const block = /<!-- dotenv:start -->([\s\S]*?)<!-- dotenv:end -->/.exec(readme)?.[1] ?? "";
    const listed = [...block.matchAll(/^- `([A-Z_]+)`/gm)].map((m) => m[1]);
    const written = await dotenvNames();
    expect(written).toContain("DOKPLOY_TARGETS");
    expect(written).toContain("DOKPLOY_IMAGEID");
    expect(listed).toEqual(written);
    expect(componentJob().script[0]).toContain("--output-file dokploy-deploy.env");
    expect(renderGitlabComponent()).toContain("dotenv: dokploy-deploy.env");
  });

  it("states GitLab 17.0 as the floor, and what 16.10 and 16.11 brought", () => {
    expect(readme).not.toMatch(/GitLab 16\.0\+/);
    expect(readme).toContain("(GitLab 17.0 or newer, see [GitLab versions](#gitlab-versions))");
    expect(readme).toMatch(/^## GitLab versions\n\nGitLab \*\*17\.0\*\* or newer/m);
    expect(readme).toContain("`$CI_SERVER_FQDN` (GitLab 16.10)");
    expect(readme).toContain("`@1` (GitLab 16.11");
  });

  it("gives the runner the /certs/client volume the job reads the engine's TLS certificates from", () => {
    const { variables } = componentJob();
    expect(variables).toMatchObject({ DOCKER_TLS_CERTDIR: "/certs", DOCKER_CERT_PATH: "/certs/client" });
    const toml = /```toml\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    expect(toml).toContain('volumes = ["/certs/client", "/cache"]');
    expect(toml).toContain("privileged = true");
  });

  it("says how an owner publishes it: description, catalog project, a tag the release job turns into a release", () => {
    const section = readme.slice(readme.indexOf("## Publish it in a CI/CD Catalog"));
    for (const step of ["Project description", "CI/CD Catalog project", "`create-release`", "X.Y.Z"]) {
      expect(section).toContain(step);
    }
  });
});

describe("the catalog pipeline's release job", () => {
  it("runs the release keyword with glab 1.58.0 or newer, not the deprecated release-cli", () => {
    const pipeline = parse(renderCatalogPipeline()) as Record<string, Record<string, unknown>>;
    const job = pipeline["create-release"] ?? {};
    const image = String(job.image);
    expect(image).not.toContain("release-cli");
    const version = /^registry\.gitlab\.com\/gitlab-org\/cli:v(\d+)\.(\d+)\.(\d+)$/.exec(image);
    expect(version, image).not.toBeNull();
    const [major, minor] = [Number(version?.[1]), Number(version?.[2])];
    expect(major > 1 || (major === 1 && minor >= 58)).toBe(true);
    expect(job.release).toMatchObject({ tag_name: "$CI_COMMIT_TAG" });
    expect(job.script).toBeDefined();
  });
});

describe("the preview component", () => {
  const [head = "", body = ""] = renderGitlabPreviewComponent().split("\n---\n");
  const inputs = (parse(head) as { spec: { inputs: Record<string, { default?: unknown }> } }).spec.inputs;
  const jobs = parse(body) as Record<string, Record<string, unknown>>;
  const open = jobs["$[[ inputs.job-name ]]"] ?? {};
  const stop = jobs["$[[ inputs.job-name ]]-stop"] ?? {};

  it("opens the preview in the merge request's environment, whose on_stop is its stop job", () => {
    expect(Object.keys(jobs)).toEqual(["$[[ inputs.job-name ]]", "$[[ inputs.job-name ]]-stop"]);
    expect(inputs.rules?.default).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
    expect(inputs.environment?.default).toBe("review/$CI_MERGE_REQUEST_IID");
    expect(open.environment).toEqual({
      name: "$[[ inputs.environment ]]",
      url: "$DOKPLOY_PREVIEW_URL",
      on_stop: "$[[ inputs.job-name ]]-stop",
      auto_stop_in: "$[[ inputs.auto-stop-in ]]",
    });
    expect(open.variables).toMatchObject({ DOKPLOY_DEPLOY_INPUT_PREVIEW: "open" });
    // The URL reaches the environment through the job's dotenv report.
    expect(open.artifacts).toEqual({ reports: { dotenv: "dokploy-deploy.env" } });
  });

  it("closes it in a manual stop job of the same environment, with no docker service and no checkout", () => {
    expect(stop).toMatchObject({ when: "manual", rules: "$[[ inputs.rules ]]" });
    expect(stop.environment).toEqual({ name: "$[[ inputs.environment ]]", action: "stop" });
    expect(stop.services).toBeUndefined();
    expect(stop.variables).toMatchObject({ GIT_STRATEGY: "none", DOKPLOY_DEPLOY_INPUT_PREVIEW: "close" });
    expect(stop.resource_group).toBe(open.resource_group);
  });

  it("takes every input of the deploy component but preview, which its jobs set", () => {
    const deploy = (
      parse(renderGitlabComponent().split("\n---\n")[0] ?? "") as typeof inputs & {
        spec: { inputs: Record<string, unknown> };
      }
    ).spec.inputs;
    const expected = [...Object.keys(deploy).filter((name) => name !== "preview"), "auto-stop-in"].sort();
    expect(Object.keys(inputs).sort()).toEqual(expected);
    for (const job of [open, stop]) {
      const variables = Object.keys(job.variables as Record<string, string>);
      expect(variables.filter((v) => v === "DOKPLOY_DEPLOY_INPUT_PREVIEW")).toHaveLength(1);
    }
  });
});
