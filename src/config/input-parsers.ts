/** One parser per input of the table in inputs.ts, and what they make together. */
import { isValidTag, parseImageNameLowercasing } from "../shared/image";
import { parseBuildSecret } from "./build-secrets";
import { parseStatuses } from "./health-spec";
import {
  BUILDERS,
  CACHE_MODES,
  DEPLOY_METHODS,
  type InputName,
  PREVIEW_MODES,
  PREVIEW_TEMPLATES,
  ROLLBACK_TARGETS,
  TRANSPORTS,
} from "./inputs";
import {
  boolean,
  choice,
  field,
  ids,
  list,
  maybeBoolean,
  optionalText,
  parseApiKey,
  parseDokployUrl,
  parseDuration,
  parseDurationOrOff,
  parseEnvironmentUrl,
  parseHealthUrl,
  parseRequestTimeout,
  splitList,
  variableName,
  withoutUserPart,
} from "./parsers";
import { parseLimit, parseNumber, parseTtl } from "./preview-fields";

const KEY_VALUE = /^[^=\s][^=]*=/;
const BUILD_ARG = /^[A-Za-z_][A-Za-z0-9_]*(=.*)?$/s;
const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;

/**
 * One parser per input. Plain functions, not a validation library: that one loads with the
 * HTTP client while docker works (it checks Dokploy's answers), not on the way to the build.
 */
export const parsers = {
  "dokploy-url": field(parseDokployUrl),
  // Needed to deploy only (deployNeedsApiKey in rules.ts).
  "dokploy-api-key": field((v) => (v === "" ? "" : parseApiKey(v))),
  "application-id": ids("application"),
  project: optionalText(),
  "dokploy-environment": field((v) => (v === "" ? "production" : v)),
  application: list(true),
  "compose-id": ids("compose"),
  compose: list(true),
  "image-variable": variableName("IMAGE"),
  "tag-variable": variableName("TAG"),
  image: field((v) => parseImageNameLowercasing(withoutUserPart(v))),
  tag: field((v) => {
    if (v !== "" && !isValidTag(v)) {
      throw new Error(`"${v}" is not a valid tag; expected up to 128 letters, digits, _ . - not starting with . or -`);
    }
    return v;
  }),
  "extra-tags": list(true, (t) => {
    if (!isValidTag(t)) throw new Error(`"${t}" is not a valid tag; expected up to 128 letters, digits, _ . -`);
  }),
  context: field((v) => (v === "" ? "." : v)),
  file: optionalText(),
  target: optionalText(),
  "build-args": list(false, (a) => {
    if (!BUILD_ARG.test(a))
      throw new Error(`"${a.split("=")[0] ?? a}" is not a valid build argument; expected KEY=VALUE`);
  }),
  labels: list(false, (l) => {
    if (!KEY_VALUE.test(l)) throw new Error(`"${l}" is not a label; expected KEY=VALUE`);
  }),
  "build-secrets": field((v) => splitList(v, false).map((entry, i) => parseBuildSecret(entry, i + 1))),
  platforms: list(true, (p) => {
    if (!PLATFORM.test(p)) throw new Error(`"${p}" is not a platform; expected os/arch[/variant], e.g. linux/amd64`);
  }),
  "cache-from": list(false),
  "cache-to": list(false),
  cache: choice(CACHE_MODES, "auto"),
  provenance: optionalText(),
  sbom: optionalText(),
  network: optionalText(),
  builder: choice(BUILDERS, "auto"),
  build: boolean(true),
  push: boolean(true),
  deploy: boolean(true),
  registry: field((v) => (v === "" ? undefined : withoutUserPart(v))),
  "registry-username": optionalText(),
  "registry-password": optionalText(),
  "pull-username": optionalText(),
  "pull-password": optionalText(),
  "dokploy-registry": boolean(false),
  "dokploy-registry-name": optionalText(),
  "image-prefix": optionalText(),
  "server-id": optionalText(),
  "deploy-method": choice(DEPLOY_METHODS, "redeploy"),
  "switch-source": boolean(false),
  "deploy-title": optionalText(),
  "deploy-description": optionalText(),
  wait: boolean(true),
  "wait-timeout": field((v) => (v === "" ? 600 : parseDuration(v))),
  "verify-pull": boolean(true),
  "verify-pull-on-server": boolean(true),
  "verify-platform": boolean(true),
  "pin-digest": boolean(false),
  // The text as given: {number} is filled in once the preview is known (interpret.ts).
  "health-url": field((v) => (parseHealthUrl(v) ? v : undefined)),
  "health-status": field((v) => parseStatuses(v === "" ? "2xx" : v)),
  "health-contains": optionalText(),
  "health-timeout": field((v) => (v === "" ? 120 : parseDuration(v))),
  "health-interval": field((v) => (v === "" ? 3 : parseDuration(v))),
  "diagnostics-lines": field((v) => {
    if (v === "") return 50;
    if (!/^\d+$/.test(v) || Number(v) > 1000)
      throw new Error(
        `"${v}" is not a number of lines; expected a whole number from 0 to 1000 (0 turns diagnostics off)`,
      );
    return Number(v);
  }),
  "rollback-on-failure": boolean(false),
  "rollback-targets": choice(ROLLBACK_TARGETS, "all"),
  "verify-running": boolean(true),
  "verify-timeout": field((v) => (v === "" ? 60 : parseDuration(v))),
  "verify-stable": field(parseDurationOrOff),
  "fail-on-superseded": boolean(false),
  retries: field((v) => {
    if (v === "") return 4;
    if (!/^\d+$/.test(v) || Number(v) > 20)
      throw new Error(`"${v}" is not a retry count; expected a whole number from 0 to 20`);
    return Number(v);
  }),
  "retry-max-time": field((v) => (v === "" ? 60 : parseDuration(v))),
  "request-timeout": field(parseRequestTimeout),
  "dry-run": boolean(false),
  "dokploy-api": choice(TRANSPORTS, "trpc"),
  "github-deployment": boolean(false),
  "github-token": optionalText(),
  // Empty: production, or the preview's environment (interpret.ts).
  environment: optionalText(),
  "environment-url": field(parseEnvironmentUrl),
  "pr-comment": maybeBoolean(),
  preview: choice(PREVIEW_MODES, "off"),
  "preview-number": field(parseNumber),
  "preview-name": field((v) => (v === "" ? "pr-{number}" : v)),
  "preview-template": choice(PREVIEW_TEMPLATES, "target"),
  "preview-host": optionalText(),
  "preview-env": list(false, (line) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(line)) {
      throw new Error(`"${line.split("=")[0] ?? ""}" is not a variable; expected KEY=VALUE, one per line`);
    }
  }),
  "preview-ttl": field(parseTtl),
  "preview-limit": field(parseLimit),
} satisfies Record<InputName, (raw: string | undefined) => unknown>;

export type Parsed = { -readonly [K in InputName]: ReturnType<(typeof parsers)[K]> };
