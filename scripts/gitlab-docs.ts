/**
 * The GitLab CI/CD component (gitlab/templates/deploy.yml), its inputs table and the catalog
 * project's own pipeline (gitlab/.gitlab-ci.yml), from THE input table.
 */
import type { InputSpec } from "../src/config/config";
import { envName } from "../src/cli/env";
import { cell, portableInputs, yamlString } from "./docs-common";
import { PUBLISHED, VERSION } from "./published";

/**
 * The job passes each input as `<prefix><NAME>`: GitLab lets project, group and instance
 * variables and inherited dotenv variables override job variables of the same name, and
 * names such as IMAGE, TAG or DOKPLOY_API_KEY are common there.
 */
export const COMPONENT_ENV_PREFIX = "DOKPLOY_DEPLOY_INPUT_";
export const RUNNER_IMAGE = `${PUBLISHED.image}:${VERSION}`;
/**
 * The image of the catalog pipeline's release job: GitLab CLI (glab), which runs the `release`
 * keyword (it creates the release and publishes it to the CI/CD Catalog) in place of release-cli,
 * which GitLab deprecated (announced in 17.7) and supports no more after 19.0; glab 1.58.0 or newer.
 */
export const GLAB_IMAGE = "registry.gitlab.com/gitlab-org/cli:v1.119.0";
/** The image of the catalog pipeline's check job: a shell with test(1). */
export const CHECK_IMAGE = "busybox:1.37.0";
export const DEFAULT_RULES = '[{ if: "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH" }]';
export const PREVIEW_RULES = '[{ if: "$CI_PIPELINE_SOURCE == \\"merge_request_event\\"" }]';

/** Inputs of the job itself (not of the deploy). */
interface JobInput {
  readonly name: string;
  readonly description: string;
  readonly type?: "array";
  /** As YAML. */
  readonly default: string;
}

/** What differs between the two components' own inputs. */
interface JobDefaults {
  /** The component's own inputs before the two every job has (runner-image, docker-service), in order. */
  readonly own: readonly JobInput[];
}

const DEPLOY_JOB: JobDefaults = {
  own: [
    { name: "job-name", default: "dokploy-deploy", description: "Name of the deploy job." },
    { name: "stage", default: "deploy", description: "Stage the deploy job runs in." },
    {
      name: "rules",
      type: "array",
      default: DEFAULT_RULES,
      description:
        "When the job runs (the job's rules:). By default on pushes to the default branch only: not on other branches, tags or merge request pipelines.",
    },
    {
      name: "environment",
      default: "production",
      description:
        "GitLab environment the job deploys to (Operate > Environments); set environment:url on the job to link the application.",
    },
    {
      name: "resource-group",
      default: "dokploy-deploy",
      description:
        "Resource group of the job: jobs that share one run one at a time, so two pipelines never deploy at once.",
    },
  ],
};

const PREVIEW_JOB: JobDefaults = {
  own: [
    {
      name: "job-name",
      default: "dokploy-preview",
      description: "Name of the preview job; its stop job is named the same with -stop.",
    },
    { name: "stage", default: "deploy", description: "Stage both jobs run in." },
    {
      name: "rules",
      type: "array",
      default: PREVIEW_RULES,
      description:
        "When the preview job and its stop job run (their rules:). By default in merge request pipelines only; the stop job is manual and is run by GitLab when the environment stops.",
    },
    {
      name: "environment",
      default: "review/$CI_MERGE_REQUEST_IID",
      description:
        "GitLab environment of the preview (Operate > Environments), one per merge request; its URL is the preview's, and stopping it (by hand, when the merge request's branch is deleted, or after auto-stop-in) runs the stop job, which removes the preview.",
    },
    {
      name: "auto-stop-in",
      default: "1 week",
      description:
        "How long after its last deployment GitLab stops the preview's environment (environment:auto_stop_in), which runs the stop job; never: only by hand or when the branch is deleted.",
    },
    {
      name: "resource-group",
      default: "dokploy-preview-$CI_MERGE_REQUEST_IID",
      description:
        "Resource group of the preview and stop jobs: by default one per merge request, so two pipelines of one merge request never change its preview at once.",
    },
  ],
};

function jobInputs(runnerImage: string, job: JobDefaults = DEPLOY_JOB): readonly JobInput[] {
  return [
    ...job.own,
    {
      name: "runner-image",
      default: runnerImage,
      description: "Image the job runs in (Node 24, the docker CLI and dokploy-deploy), pinned to this release.",
    },
    {
      name: "docker-service",
      default: "docker:27-dind",
      description:
        "Docker-in-Docker service the job builds with (TLS on); it needs a runner that allows privileged containers.",
    },
  ];
}

/** Defaults that come from GitLab's predefined (or the project's masked) variables. */
const GITLAB_DEFAULTS: Record<string, string> = {
  "dokploy-api-key": "$DOKPLOY_API_KEY",
  image: "$CI_REGISTRY_IMAGE",
  tag: "$CI_COMMIT_SHA",
  "registry-username": "$CI_REGISTRY_USER",
  "registry-password": "$CI_REGISTRY_PASSWORD",
};
/** What the job uses when an input is left empty, in words. */
const GITLAB_DEFAULT_TEXT: Record<string, string> = {
  "pull-username": "`$CI_DEPLOY_USER` (a deploy token named gitlab-deploy-token), else registry-username",
  "pull-password": "`$CI_DEPLOY_PASSWORD`, else registry-password",
};

function specType(input: InputSpec): "boolean" | "number" | undefined {
  if (input.type === "boolean") return "boolean";
  if (input.type === "number" || input.type === "duration") return "number";
  return undefined;
}

function gitlabDescription(input: InputSpec): string {
  return input.description + (input.secret ? " Keep it in a masked CI/CD variable." : "");
}

function specLines(input: InputSpec): string[] {
  const lines = [`    ${input.name}:`, `      description: ${yamlString(gitlabDescription(input))}`];
  const type = specType(input);
  if (type) lines.push(`      type: ${type}`);
  const fallback = GITLAB_DEFAULTS[input.name] ?? (input.required ? undefined : (input.default ?? ""));
  if (fallback !== undefined) lines.push(`      default: ${type ? fallback : yamlString(fallback)}`);
  // Quoted: YAML would read an option such as false as a boolean.
  if (input.options) lines.push(`      options: [${input.options.map((o) => JSON.stringify(o)).join(", ")}]`);
  if (input.pattern) lines.push(`      regex: ${input.pattern}`);
  return lines;
}

function specHeader(runnerImage: string, job: JobDefaults, inputs: readonly InputSpec[]): string[] {
  const lines = ["# Generated by `npm run gen` from src/config/inputs.ts; edit there.", "spec:", "  inputs:"];
  for (const input of jobInputs(runnerImage, job)) {
    lines.push(`    ${input.name}:`, `      description: ${yamlString(input.description)}`);
    if (input.type) lines.push(`      type: ${input.type}`);
    lines.push(`      default: ${input.type ? input.default : yamlString(input.default)}`);
  }
  for (const input of inputs) lines.push(...specLines(input));
  return lines;
}

/** The job's image and docker-in-docker service, and the variables the engine is reached with. */
const JOB_IMAGE = ["  image:", "    name: $[[ inputs.runner-image ]]", '    entrypoint: [""]'];
const DOCKER_SERVICE = ["  services:", "    - name: $[[ inputs.docker-service ]]", "      alias: docker"];
const DOCKER_VARIABLES = [
  "    DOCKER_HOST: tcp://docker:2376",
  '    DOCKER_TLS_CERTDIR: "/certs"',
  '    DOCKER_TLS_VERIFY: "1"',
  '    DOCKER_CERT_PATH: "/certs/client"',
];

/** The start of a job that builds: its name, stage, image, docker service and rules. */
const BUILD_JOB_START = [
  '"$[[ inputs.job-name ]]":',
  "  stage: $[[ inputs.stage ]]",
  ...JOB_IMAGE,
  ...DOCKER_SERVICE,
  "  rules: $[[ inputs.rules ]]",
];

function inputVariables(inputs: readonly InputSpec[]): string[] {
  return inputs.map((input) => `    ${COMPONENT_ENV_PREFIX}${envName(input.name)}: "$[[ inputs.${input.name} ]]"`);
}

const SCRIPT = [
  "  script:",
  `    - dokploy-deploy --env-prefix ${COMPONENT_ENV_PREFIX} --output-file dokploy-deploy.env`,
  "  artifacts:",
  "    reports:",
  "      dotenv: dokploy-deploy.env",
];

export function renderGitlabComponent(runnerImage = RUNNER_IMAGE): string {
  return [
    ...specHeader(runnerImage, DEPLOY_JOB, portableInputs),
    "---",
    ...BUILD_JOB_START,
    "  environment:",
    "    name: $[[ inputs.environment ]]",
    "  resource_group: $[[ inputs.resource-group ]]",
    "  variables:",
    ...DOCKER_VARIABLES,
    ...inputVariables(portableInputs),
    ...SCRIPT,
    "",
  ].join("\n");
}

/** The preview component's deploy inputs: every portable one but preview, which each of its jobs sets. */
export const previewComponentInputs = portableInputs.filter((input) => input.name !== "preview");

/**
 * The preview component (gitlab/templates/preview.yml): a job that makes or updates the merge
 * request's preview (preview: open) in a GitLab environment whose URL is the preview's, and that
 * environment's stop job (preview: close), manual, which GitLab also runs when the environment
 * stops: by hand, when the branch is deleted, or after auto-stop-in. The stop job builds nothing:
 * no docker service, no checkout.
 */
export function renderGitlabPreviewComponent(runnerImage = RUNNER_IMAGE): string {
  const environment = (action: string[]) => ["  environment:", "    name: $[[ inputs.environment ]]", ...action];
  return [
    ...specHeader(runnerImage, PREVIEW_JOB, previewComponentInputs),
    "---",
    ...BUILD_JOB_START,
    ...environment([
      "    url: $DOKPLOY_PREVIEW_URL",
      '    on_stop: "$[[ inputs.job-name ]]-stop"',
      "    auto_stop_in: $[[ inputs.auto-stop-in ]]",
    ]),
    "  resource_group: $[[ inputs.resource-group ]]",
    "  variables:",
    ...DOCKER_VARIABLES,
    `    ${COMPONENT_ENV_PREFIX}PREVIEW: open`,
    ...inputVariables(previewComponentInputs),
    ...SCRIPT,
    "",
    '"$[[ inputs.job-name ]]-stop":',
    "  stage: $[[ inputs.stage ]]",
    ...JOB_IMAGE,
    "  rules: $[[ inputs.rules ]]",
    "  when: manual",
    ...environment(["    action: stop"]),
    "  resource_group: $[[ inputs.resource-group ]]",
    "  variables:",
    "    GIT_STRATEGY: none",
    `    ${COMPONENT_ENV_PREFIX}PREVIEW: close`,
    ...inputVariables(previewComponentInputs),
    "  script:",
    `    - dokploy-deploy --env-prefix ${COMPONENT_ENV_PREFIX}`,
    "",
  ].join("\n");
}

function typeOf(input: InputSpec): string {
  return specType(input) ?? "string";
}

function jobInputRows(runnerImage: string, job: JobDefaults): string[] {
  return jobInputs(runnerImage, job).map(
    (input) =>
      `| \`${input.name}\` | ${input.type ?? "string"} | \`${cell(input.default)}\` | ${cell(input.description)} |`,
  );
}

/** The preview component's own inputs (its others are the deploy component's, but preview). */
export function renderGitlabPreviewInputsTable(runnerImage = RUNNER_IMAGE): string {
  return [
    "| input | type | default | description |",
    "|---|---|---|---|",
    ...jobInputRows(runnerImage, PREVIEW_JOB),
  ].join("\n");
}

export function renderGitlabInputsTable(runnerImage = RUNNER_IMAGE): string {
  const rows = [
    "| input | type | default | description |",
    "|---|---|---|---|",
    ...jobInputRows(runnerImage, DEPLOY_JOB),
  ];
  for (const input of portableInputs) {
    const given = GITLAB_DEFAULTS[input.name] ?? (input.default === "" ? undefined : input.default);
    const fallback =
      given !== undefined
        ? `\`${given}\``
        : input.required
          ? "**required**"
          : (GITLAB_DEFAULT_TEXT[input.name] ?? input.defaultText ?? "");
    rows.push(`| \`${input.name}\` | ${typeOf(input)} | ${cell(fallback)} | ${cell(gitlabDescription(input))} |`);
  }
  return rows.join("\n");
}

/** The catalog project's pipeline: a dry run of the component at this commit, a release on X.Y.Z tags. */
export function renderCatalogPipeline(): string {
  return `# Generated by \`npm run gen\`: the pipeline of the CI/CD Catalog project. It runs the component as of
# this commit in a dry run (nothing is built or sent), and on a semantic-version tag (1.2.3) it
# creates the release that publishes that version to the CI/CD Catalog (the \`release\` keyword, run
# by glab). Publishing needs the project marked as a CI/CD Catalog project, with a description: see
# "Publish it in a CI/CD Catalog" in README.md.
stages: [test, release]

include:
  - component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/deploy@$CI_COMMIT_SHA
    inputs:
      job-name: deploy-dry-run
      stage: test
      rules: [{ when: on_success }]
      environment: catalog-test
      resource-group: catalog-test
      dokploy-url: https://dokploy.example.com
      dokploy-api-key: not-a-real-key
      application-id: catalog-dry-run
      image: registry.example.com/catalog/dry-run
      wait-timeout: 900
      verify-pull: false
      dry-run: true

dry-run-outputs:
  stage: test
  needs: [deploy-dry-run]
  image: ${CHECK_IMAGE}
  script:
    - test "$DOKPLOY_IMAGE" = "registry.example.com/catalog/dry-run:$CI_COMMIT_SHA"
    - test "$DOKPLOY_TAG" = "$CI_COMMIT_SHA"

create-release:
  stage: release
  image: ${GLAB_IMAGE}
  rules:
    - if: $CI_COMMIT_TAG =~ /^\\d+\\.\\d+\\.\\d+$/
  script:
    - echo "Releasing $CI_COMMIT_TAG to the CI/CD Catalog"
  release:
    tag_name: $CI_COMMIT_TAG
    description: "Dokploy Deploy $CI_COMMIT_TAG. Built from ${PUBLISHED.github} (GitHub) at the same version."
`;
}
