/**
 * The preview inputs (preview, preview-number, preview-name, preview-template, preview-host, preview-env,
 * preview-ttl, preview-limit): the rules between them and the CI context,
 * and the options they make.
 */
import type { Parsed } from "./input-parsers";
import type { CiContext, PreviewOptions, Problem } from "./types";

type PullRequest = CiContext["pullRequest"];

/** preview as asked, with auto decided by the CI's event; undefined: no preview. */
function modeOf(p: Parsed, pr: PullRequest): PreviewOptions["mode"] | "auto" | undefined {
  const mode = p.preview;
  if (mode === "off") return undefined;
  if (mode !== "auto") return mode;
  if (!pr) return "auto";
  return pr.closed ? "close" : "open";
}

/** The pull request's number: preview-number, else the CI's. */
function numberOf(p: Parsed, pr: PullRequest): string | undefined {
  return p["preview-number"] ?? pr?.number;
}

/** The placeholder of the pull request's number in preview-name, preview-host, environment, environment-url and health-url. */
export const NUMBER_PLACEHOLDER = "{number}";

/** The text with the pull request's number in place of each {number}. */
export function withNumber(template: string, number: string | undefined): string {
  return template.replaceAll(NUMBER_PLACEHOLDER, number ?? "");
}

/** Inputs outside the preview's own that may hold {number}. */
const NUMBERED_INPUTS = ["health-url", "environment-url", "environment"] as const;

/**
 * {number} in health-url, environment-url or environment with preview off: there is no pull
 * request number to fill in, and the URL would be checked or shown with a hole in it.
 */
export function numberPlaceholderProblems(p: Parsed): Problem[] {
  if (p.preview !== "off") return [];
  return NUMBERED_INPUTS.filter((input) => p[input]?.includes(NUMBER_PLACEHOLDER)).map((input) => ({
    input,
    message: `holds ${NUMBER_PLACEHOLDER}, which only a preview fills in (the pull request's number); expected it without ${NUMBER_PLACEHOLDER}, or set preview`,
  }));
}

const NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** The options of a preview that passed previewProblems; undefined with preview: false. */
export function previewOptions(p: Parsed, pr: PullRequest): PreviewOptions | undefined {
  const mode = modeOf(p, pr);
  if (mode === undefined || mode === "auto") return undefined;
  const number = mode === "prune" ? undefined : numberOf(p, pr);
  const host = p["preview-host"];
  return {
    mode,
    number,
    name: withNumber(p["preview-name"], number),
    template: p["preview-template"],
    host: host === undefined ? undefined : withNumber(host, number).toLowerCase(),
    env: p["preview-env"],
    ttlSeconds: p["preview-ttl"],
    limit: p["preview-limit"],
  };
}

const TARGET_INPUTS = ["application-id", "application", "compose-id", "compose"] as const;

/**
 * A preview copies one service: one application, or one compose service. A compose template
 * brings its own services in its file, so preview-template: environment (the databases beside
 * an application) is refused for it.
 */
function templateProblems(p: Parsed): Problem[] {
  const inputs = TARGET_INPUTS.filter((input) => p[input].length > 0);
  const count = inputs.reduce((n, input) => n + p[input].length, 0);
  const [first] = inputs;
  if (count > 1) {
    const input = inputs.find((i) => p[i].length > 1) ?? inputs.at(-1) ?? "application-id";
    const composes = p["compose-id"].length + p.compose.length;
    const what = composes === 0 ? "applications" : composes === count ? "compose services" : "targets";
    const others = inputs.filter((i) => i !== input);
    return [
      {
        input,
        message: `names ${String(count)} ${what}${others.length > 0 ? ` with ${others.join(", ")}` : ""}; a preview copies one: expected one application or one compose service`,
      },
    ];
  }
  if ((first === "compose-id" || first === "compose") && p["preview-template"] === "environment") {
    return [
      {
        input: "preview-template",
        message: `is environment, which copies the databases beside an application; a compose service (${first}) is copied with the services its file declares: expected target`,
      },
    ];
  }
  return [];
}

/** What is wrong with the preview inputs, each naming its input. */
export function previewProblems(p: Parsed, pr: PullRequest): Problem[] {
  const mode = modeOf(p, pr);
  if (mode === undefined) return [];
  if (mode === "auto") {
    const message =
      "is auto, but this run is not for a pull or merge request (no pull_request event, CI_MERGE_REQUEST_IID, BITBUCKET_PR_ID, CI_COMMIT_PULL_REQUEST or DRONE_PULL_REQUEST); run it on pull request events, or set preview to open, close or prune";
    return [{ input: "preview", message }];
  }
  const problems: Problem[] = [];
  if (!p.deploy) {
    problems.push({ input: "preview", message: `is ${mode}, which needs deploy: true (a preview lives in Dokploy)` });
  }
  problems.push(...templateProblems(p));
  if (mode === "prune") return problems;
  const number = numberOf(p, pr);
  if (number === undefined) {
    problems.push({
      input: "preview-number",
      message: `is required with preview: ${mode}: this run is not for a pull or merge request; expected the pull request's number, e.g. 42`,
    });
    return problems;
  }
  const name = withNumber(p["preview-name"], number);
  if (!NAME.test(name) || name.length > 20 || name === "production") {
    problems.push({
      input: "preview-name",
      message: `"${name}" is not a preview name; expected at most 20 lowercase letters, digits and - (not at either end), not production, e.g. pr-{number}`,
    });
  }
  const host = p["preview-host"];
  if (host !== undefined && !HOST.test(withNumber(host, number).toLowerCase())) {
    problems.push({
      input: "preview-host",
      message: `"${withNumber(host, number)}" is not a host name; expected e.g. pr-{number}.preview.example.com (no scheme, no path)`,
    });
  }
  return problems;
}
