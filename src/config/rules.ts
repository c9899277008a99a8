/**
 * The rules between inputs, each named for the inputs it relates; a problem names the input to
 * change. The raw rules read the inputs as typed, so what they find is reported along with what
 * the parsers find; the parsed rules run once every input has parsed.
 */
import { isValidTag } from "../shared/image";
import type { Parsed } from "./input-parsers";
import { INPUTS, type InputName, type InputSpec } from "./inputs";
import { numberPlaceholderProblems, previewProblems } from "./preview";
import type { CiContext, Credentials, Problem, RawInputs } from "./types";

export type { Problem } from "./types";

/** Whether a boolean input is false as typed (a typo is reported by its parser). */
function isFalse(raw: RawInputs, name: InputName): boolean {
  return (raw[name] ?? "").trim().toLowerCase() === "false";
}

function isEmpty(raw: RawInputs, name: InputName): boolean {
  return (raw[name] ?? "").trim() === "";
}

// ---- raw rules: on the inputs as typed

/**
 * One-line inputs (every input not marked multiline) hold no line break: printed, they would start
 * new lines of the log (where a line can be a CI command); sent, they would reach Dokploy's titles
 * or the health URL.
 */
function oneLineInputsHoldNoLineBreak(raw: RawInputs): Problem[] {
  const problems: Problem[] = [];
  for (const input of INPUTS as readonly InputSpec[]) {
    if (input.multiline || !/[\r\n]/.test((raw[input.name as InputName] ?? "").trim())) continue;
    const hint =
      input.name === "deploy-title" ? " (give it the first line only; deploy-description takes several)" : "";
    problems.push({ input: input.name, message: `must be a single line, but it holds a line break${hint}` });
  }
  return problems;
}

/** deploy: false with build: false and push: false leaves nothing to do. */
function deployBuildOrPushIsTrue(raw: RawInputs): Problem[] {
  if (!isFalse(raw, "deploy") || !isFalse(raw, "build") || !isFalse(raw, "push")) return [];
  return [{ input: "deploy", message: "is false, and so are build and push: nothing to do" }];
}

/** deploy needs dokploy-url. */
function deployNeedsDokployUrl(raw: RawInputs): Problem[] {
  if (isFalse(raw, "deploy") || !isEmpty(raw, "dokploy-url")) return [];
  const message = "is required; expected the URL of your Dokploy server, e.g. https://dokploy.example.com";
  return [{ input: "dokploy-url", message }];
}

/** deploy needs dokploy-api-key. */
function deployNeedsApiKey(raw: RawInputs): Problem[] {
  if (isFalse(raw, "deploy") || !isEmpty(raw, "dokploy-api-key")) return [];
  return [{ input: "dokploy-api-key", message: "is required; expected a Dokploy API key" }];
}

const TARGET_INPUTS = ["application-id", "application", "compose-id", "compose"] as const;

function targetInputsGiven(raw: RawInputs): (typeof TARGET_INPUTS)[number][] {
  return TARGET_INPUTS.filter((name) => !isEmpty(raw, name));
}

/** deploy needs a target: application-id, application, compose-id or compose. */
function deployNeedsTarget(raw: RawInputs): Problem[] {
  if (isFalse(raw, "deploy") || targetInputsGiven(raw).length > 0) return [];
  const message =
    "is required; expected the ID of a Dokploy application (or compose-id for a compose service, or a name in application or compose, with project)";
  return [{ input: "application-id", message }];
}

/** Deploying to application or compose (targets by name) needs project, where the names are. */
function targetNamesNeedProject(raw: RawInputs): Problem[] {
  if (isFalse(raw, "deploy")) return [];
  const named = targetInputsGiven(raw).find((name) => name === "application" || name === "compose");
  if (!named || !isEmpty(raw, "project")) return [];
  return [{ input: "project", message: `is required to find the ${named} by name; expected a project name` }];
}

/** deploy needs push: true; Dokploy can only deploy a pushed image. */
function deployNeedsPush(raw: RawInputs): Problem[] {
  if (isFalse(raw, "deploy") || !isFalse(raw, "push")) return [];
  const message = "is false, but Dokploy can only deploy a pushed image; set deploy: false to build without deploying";
  return [{ input: "push", message }];
}

/** In the order their problems are reported. */
const RAW_RULES: readonly ((raw: RawInputs) => Problem[])[] = [
  oneLineInputsHoldNoLineBreak,
  deployBuildOrPushIsTrue,
  deployNeedsDokployUrl,
  deployNeedsApiKey,
  deployNeedsTarget,
  targetNamesNeedProject,
  deployNeedsPush,
];

/** What the raw rules find, in order. */
export function checkRawInputs(raw: RawInputs): Problem[] {
  return RAW_RULES.flatMap((rule) => rule(raw));
}

// ---- parsed rules: on the parsed inputs and what they make together

/** The values that no single input decides, made by interpret.ts before the rules check them. */
export interface Derived {
  /** The tag input, else the commit SHA. */
  readonly tag: string;
  /** The registry input (normalised), else the image's registry. */
  readonly registry: string;
  readonly push?: Credentials;
  readonly pull?: Credentials;
  /** The CI's pull request, for preview: auto and preview-number. */
  readonly pullRequest?: CiContext["pullRequest"];
}

/** tag, or the commit SHA it defaults to, is a valid tag. */
function tagIsGivenOrFromCommit(_p: Parsed, d: Derived): Problem[] {
  if (d.tag === "") {
    return [{ input: "tag", message: "is required: no commit SHA was found in the CI context; set tag explicitly" }];
  }
  // The tag input was checked by its parser: an invalid tag here is the commit SHA.
  return isValidTag(d.tag) ? [] : [{ input: "tag", message: `"${d.tag}" (from the commit SHA) is not a valid tag` }];
}

/** registry is the registry of image. */
function registryIsImageRegistry(p: Parsed, d: Derived): Problem[] {
  if (d.registry === p.image.registry) return [];
  const message = `"${p.registry ?? ""}" is not the registry of image "${p.image.name}" (${p.image.registry}); the push would not be authorised. Leave registry empty or make it match the image`;
  return [{ input: "registry", message }];
}

/** A username and its password come together: each is required when the other is set. */
function bothOrNeither(
  userName: InputName,
  user: string | undefined,
  passName: InputName,
  pass: string | undefined,
): Problem[] {
  if (user && !pass) return [{ input: passName, message: `is required when ${userName} is set` }];
  if (pass && !user) return [{ input: userName, message: `is required when ${passName} is set` }];
  return [];
}

/** registry-username and registry-password come together. */
function pushCredentialsComeTogether(p: Parsed): Problem[] {
  return bothOrNeither("registry-username", p["registry-username"], "registry-password", p["registry-password"]);
}

/**
 * pull-username and pull-password come together when push or deploy is true. A build that
 * neither pushes nor deploys pulls nothing: its pull credentials are not used, and may be half
 * there (a pull request from a fork gets no secrets).
 */
function pullCredentialsComeTogether(p: Parsed): Problem[] {
  if (!p.push && !p.deploy) return [];
  return bothOrNeither("pull-username", p["pull-username"], "pull-password", p["pull-password"]);
}

/** dokploy-registry (when deploying) needs pull credentials: pull-* or registry-* inputs. */
function dokployRegistryNeedsCredentials(p: Parsed, d: Derived): Problem[] {
  if (!p.deploy || !p["dokploy-registry"] || d.pull) return [];
  const message =
    "is true but there are no credentials to store; set pull-username/pull-password or registry-username/registry-password";
  return [{ input: "dokploy-registry", message }];
}

/** health-url needs wait: true. */
function healthUrlNeedsWait(p: Parsed): Problem[] {
  if (!p["health-url"] || p.wait) return [];
  return [{ input: "health-url", message: "needs wait: true (the check runs once the deployment is done)" }];
}

/**
 * verify-stable needs wait and verify-running (the window follows the check of what runs), and
 * is at most verify-timeout.
 */
function verifyStableNeedsTheCheck(p: Parsed): Problem[] {
  const seconds = p["verify-stable"];
  if (seconds === 0) return [];
  const input = "verify-stable";
  const needs = (name: string) =>
    `needs ${name}: true (the window watches what swarm runs once the deployment is done and our image runs); set ${name}: true or verify-stable: 0`;
  if (!p.wait) return [{ input, message: needs("wait") }];
  if (!p["verify-running"]) return [{ input, message: needs("verify-running") }];
  if (seconds <= p["verify-timeout"]) return [];
  const message = `is ${String(seconds)} s, longer than verify-timeout (${String(p["verify-timeout"])} s); raise verify-timeout or shorten verify-stable`;
  return [{ input, message }];
}

/** pin-digest with build: false needs verify-pull: true, which finds the digest. */
function pinDigestNeedsDigest(p: Parsed): Problem[] {
  if (!p["pin-digest"] || p.build || p["verify-pull"]) return [];
  const message = "needs the digest: with build: false it comes from the pull check, so keep verify-pull: true";
  return [{ input: "pin-digest", message }];
}

/** tag-variable is not image-variable. */
function tagVariableIsNotImageVariable(p: Parsed): Problem[] {
  if (p["image-variable"] !== p["tag-variable"]) return [];
  const message = `is the same as image-variable (${p["tag-variable"]}); they hold different values`;
  return [{ input: "tag-variable", message }];
}

/** github-deployment and pr-comment need github-token. */
function githubFeaturesNeedToken(p: Parsed): Problem[] {
  if (p["github-token"]) return [];
  return (["github-deployment", "pr-comment"] as const)
    .filter((asked) => p[asked])
    .map((asked) => ({ input: "github-token", message: `is required when ${asked} is true` }));
}

/** In the order their problems are reported. */
const PARSED_RULES: readonly ((p: Parsed, d: Derived) => Problem[])[] = [
  tagIsGivenOrFromCommit,
  registryIsImageRegistry,
  pushCredentialsComeTogether,
  pullCredentialsComeTogether,
  dokployRegistryNeedsCredentials,
  healthUrlNeedsWait,
  verifyStableNeedsTheCheck,
  pinDigestNeedsDigest,
  tagVariableIsNotImageVariable,
  githubFeaturesNeedToken,
  (p, d) => previewProblems(p, d.pullRequest),
  numberPlaceholderProblems,
];

/** What the parsed rules find, in order. */
export function checkParsedInputs(p: Parsed, d: Derived): Problem[] {
  return PARSED_RULES.flatMap((rule) => rule(p, d));
}
