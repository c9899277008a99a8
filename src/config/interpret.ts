/**
 * The parsed inputs made into a Config: first the values several inputs decide together (derive,
 * which the rules in rules.ts then check), then the Config's fields, one part at a time.
 */
import { normalizeRegistryHost } from "../shared/image";
import type { HealthCheck } from "./health-spec";
import type { Parsed } from "./input-parsers";
import type { InputName } from "./inputs";
import { parseHealthUrl } from "./parsers";
import { previewOptions, withNumber } from "./preview";
import type { Derived } from "./rules";
import type { CiContext, Config, Credentials, GithubOptions, RawInputs, TargetSpec } from "./types";

/** A username with its password, or nothing (half a pair is reported by the rules). */
function credentials(username: string | undefined, password: string | undefined): Credentials | undefined {
  return username && password ? { username, password } : undefined;
}

/**
 * What Dokploy pulls with: pull-username/pull-password, else the push credentials. A build that
 * neither pushes nor deploys pulls nothing.
 */
function pullCredentials(p: Parsed, push: Credentials | undefined): Credentials | undefined {
  if (!p.push && !p.deploy) return undefined;
  if (p["pull-username"] || p["pull-password"]) return credentials(p["pull-username"], p["pull-password"]);
  return push;
}

/** The tag, the registry and the credentials, each decided by several inputs (or the CI). */
export function derive(p: Parsed, ci: CiContext): Derived {
  const push = credentials(p["registry-username"], p["registry-password"]);
  return {
    tag: p.tag !== "" ? p.tag : ci.sha,
    registry: p.registry !== undefined ? normalizeRegistryHost(p.registry) : p.image.registry,
    push,
    pull: pullCredentials(p, push),
    pullRequest: ci.pullRequest,
  };
}

/** Every target, in this order: applications by id, by name, then compose services by id, by name. */
function targetsOf(p: Parsed): TargetSpec[] {
  return [
    ...p["application-id"].map((id): TargetSpec => ({ kind: "application", id })),
    ...p.application.map((name): TargetSpec => ({ kind: "application", name })),
    ...p["compose-id"].map((id): TargetSpec => ({ kind: "compose", id })),
    ...p.compose.map((name): TargetSpec => ({ kind: "compose", name })),
  ];
}

/** Where to deploy: the server, its key and the targets. */
function dokployFields(p: Parsed) {
  return {
    dokployUrl: p["dokploy-url"],
    apiKey: p["dokploy-api-key"],
    targets: targetsOf(p),
    names: p.project !== undefined ? { project: p.project, environment: p["dokploy-environment"] } : undefined,
    imageVariable: p["image-variable"],
    tagVariable: p["tag-variable"],
  } satisfies Partial<Config>;
}

/** Which image, and what is done with it. */
function imageFields(p: Parsed, d: Derived) {
  // Removing previews builds nothing.
  const removes = ["close", "prune"].includes(previewOptions(p, d.pullRequest)?.mode ?? "");
  return {
    image: p.image,
    tag: d.tag,
    extraTags: [...new Set(p["extra-tags"])].filter((t) => t !== d.tag),
    build: p.build && !removes,
    pushImage: p.push && !removes,
    deploy: p.deploy,
  } satisfies Partial<Config>;
}

function buildFields(p: Parsed) {
  return {
    context: p.context,
    file: p.file,
    target: p.target,
    buildArgs: p["build-args"],
    labels: p.labels,
    buildSecrets: p["build-secrets"],
    platforms: p.platforms,
    cacheFrom: p["cache-from"],
    cacheTo: p["cache-to"],
    cache: p.cache,
    provenance: p.provenance,
    sbom: p.sbom,
    network: p.network,
    builder: p.builder,
  } satisfies Partial<Config>;
}

/** The registry pushed to, its credentials, and its entry in Dokploy. */
function registryFields(p: Parsed, d: Derived) {
  return {
    registry: d.registry,
    push: d.push,
    pull: d.pull,
    dokployRegistry: p["dokploy-registry"],
    dokployRegistryName: p["dokploy-registry-name"] ?? (p.image.isDockerHub ? "Docker Hub" : d.registry),
    dokployRegistryNameGiven: p["dokploy-registry-name"] !== undefined,
    imagePrefix: p["image-prefix"] ?? null,
    serverId: p["server-id"],
  } satisfies Partial<Config>;
}

function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

function defaultDescription(ci: CiContext, tag: string): string {
  const lines: string[] = [];
  const subject = ci.commitMessage?.split("\n")[0]?.trim();
  if (ci.sha) lines.push(`Commit ${ci.sha}${subject ? `: ${subject}` : ""}`);
  else lines.push(`Tag ${tag}`);
  if (ci.runUrl) lines.push(`Run: ${ci.runUrl}`);
  return lines.join("\n").slice(0, 1000);
}

/** How the deployment is started in Dokploy. */
function deployFields(p: Parsed, ci: CiContext, tag: string) {
  return {
    deployMethod: p["deploy-method"],
    switchSource: p["switch-source"],
    deployTitle: p["deploy-title"] ?? `Deploy ${ci.sha ? shortSha(ci.sha) : tag}`,
    deployDescription: p["deploy-description"] ?? defaultDescription(ci, tag),
  } satisfies Partial<Config>;
}

/** The health check, {number} in its URL filled in with the preview's pull request number. */
function healthCheckOf(p: Parsed, number: string | undefined): HealthCheck | undefined {
  const given = p["health-url"];
  const target = given === undefined ? undefined : parseHealthUrl(withNumber(given, number));
  if (!target) return undefined;
  return {
    url: target.url,
    credentials: target.credentials,
    statuses: p["health-status"],
    contains: p["health-contains"],
    timeoutMs: p["health-timeout"] * 1000,
    intervalMs: p["health-interval"] * 1000,
  };
}

/** What is checked once it is started, and how it is put back when it fails. */
function followFields(p: Parsed, number: string | undefined) {
  return {
    wait: p.wait,
    waitTimeoutSeconds: p["wait-timeout"],
    verifyPull: p["verify-pull"],
    verifyPullOnServer: p["verify-pull-on-server"],
    verifyPlatform: p["verify-platform"],
    pinDigest: p["pin-digest"],
    health: healthCheckOf(p, number),
    diagnosticsLines: p["diagnostics-lines"],
    rollbackOnFailure: p["rollback-on-failure"],
    rollbackTargets: p["rollback-targets"],
    verifyRunning: p["verify-running"],
    verifyTimeoutSeconds: p["verify-timeout"],
    verifyStableSeconds: p["verify-stable"],
    failOnSuperseded: p["fail-on-superseded"],
  } satisfies Partial<Config>;
}

/** How Dokploy is called, and whether anything is changed at all. */
function callFields(p: Parsed) {
  return {
    retries: p.retries,
    retryMaxTimeSeconds: p["retry-max-time"],
    requestTimeoutSeconds: p["request-timeout"],
    dryRun: p["dry-run"],
    transport: p["dokploy-api"],
  } satisfies Partial<Config>;
}

function noticesOf(p: Parsed): string[] {
  const from = p.image.lowercasedFrom;
  if (!from) return [];
  return [`Image "${from}" is used as "${p.image.name}": registries take lowercase repository names only.`];
}

/** The pull request number a preview fills {number} with; undefined without a preview, and with prune. */
function previewNumber(p: Parsed, d: Derived): string | undefined {
  return previewOptions(p, d.pullRequest)?.number;
}

/**
 * The GitHub environment: the input ({number} filled in), else the preview's, named after it
 * (preview/pr-<n> by default) so that open and close, and previews of other templates, agree.
 */
function githubEnvironment(p: Parsed, d: Derived): string {
  const preview = previewOptions(p, d.pullRequest);
  const number = preview?.number;
  if (p.environment !== undefined) return withNumber(p.environment, number);
  return preview && number !== undefined ? `preview/${preview.name}` : "production";
}

function githubOptionsOf(p: Parsed, d: Derived): GithubOptions {
  return {
    deployment: p["github-deployment"],
    token: p["github-token"],
    environment: githubEnvironment(p, d),
    environmentUrl:
      p["environment-url"] === undefined ? undefined : withNumber(p["environment-url"], previewNumber(p, d)),
    prComment: p["pr-comment"],
  };
}

/** The Config of inputs that parsed and passed every rule (but spacedSecrets, read from the raw inputs). */
export function interpret(p: Parsed, ci: CiContext, d: Derived): Omit<Config, "spacedSecrets"> {
  return {
    ...dokployFields(p),
    ...imageFields(p, d),
    ...buildFields(p),
    ...registryFields(p, d),
    ...deployFields(p, ci, d.tag),
    ...followFields(p, previewNumber(p, d)),
    ...callFields(p),
    ci,
    notices: noticesOf(p),
    github: githubOptionsOf(p, d),
    preview: previewOptions(p, d.pullRequest),
  };
}

/**
 * Password inputs given with spaces at either end (line breaks around them aside), which the
 * parsers removed.
 */
export function spacedSecrets(raw: RawInputs): InputName[] {
  const names: InputName[] = ["registry-password", "pull-password"];
  return names.filter((name) => {
    const value = (raw[name] ?? "").replace(/^[\r\n]+|[\r\n]+$/g, "");
    return value.trim() !== "" && value !== value.trim();
  });
}
