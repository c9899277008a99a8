import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 1994:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   RV: () => (/* binding */ composeEnvProcedure),
/* harmony export */   UM: () => (/* binding */ isOlderThan),
/* harmony export */   i3: () => (/* binding */ WHY_NOT_OLDER),
/* harmony export */   nq: () => (/* binding */ OLDEST_SUPPORTED)
/* harmony export */ });
/* unused harmony export versionParts */
const OLDEST_SUPPORTED = "v0.28.8";
const WHY_NOT_OLDER = 'releases before v0.28.7 create a new service without its pull credentials (the first deploy of a private image fails with swarm\'s "No such image"), and v0.28.7 rejects every API key';
function versionParts(version) {
    const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
    return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}
function isOlderThan(version, oldest = OLDEST_SUPPORTED) {
    const parts = versionParts(version);
    const floor = versionParts(oldest);
    if (!parts || !floor)
        return undefined;
    for (const [i, part] of parts.entries()) {
        const other = floor[i] ?? 0;
        if (part !== other)
            return part < other;
    }
    return false;
}
const SAVE_ENVIRONMENT_SINCE = "v0.29.0";
function composeEnvProcedure(serverVersion) {
    if (serverVersion === undefined)
        return "compose.saveEnvironment";
    return isOlderThan(serverVersion, SAVE_ENVIRONMENT_SINCE) === true ? "compose.update" : "compose.saveEnvironment";
}


/***/ }),

/***/ 7602:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   FE: () => (/* binding */ stopIfCancelled),
/* harmony export */   KW: () => (/* binding */ cancelled),
/* harmony export */   ay: () => (/* binding */ timed)
/* harmony export */ });
/* harmony import */ var _shared_errors__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(8382);

function stopIfCancelled(ctx) {
    if (ctx.signal.aborted)
        throw cancelled(ctx);
}
function cancelled(ctx) {
    const reason = ctx.signal.reason;
    const name = typeof reason === "string" ? reason : "SIGINT";
    return new _shared_errors__WEBPACK_IMPORTED_MODULE_0__/* .CancelledError */ .cc(name, `Cancelled (${name}).\n${ctx.ledger.report()}`);
}
async function timed(ctx, step, fn, group = true) {
    const { ports, ledger } = ctx;
    const started = ports.clock();
    try {
        return await (group ? ctx.logger.group(step, fn) : fn());
    }
    finally {
        ledger.record({ kind: "timing", step, seconds: (ports.clock() - started) / 1000 });
    }
}


/***/ }),

/***/ 823:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   $r: () => (/* binding */ platformName),
/* harmony export */   DB: () => (/* binding */ indexPlatforms),
/* harmony export */   Ko: () => (/* binding */ configPlatform),
/* harmony export */   NC: () => (/* binding */ unservedPlatforms),
/* harmony export */   OP: () => (/* binding */ nodePlatform)
/* harmony export */ });
/* unused harmony export runsOn */
function platformName(platform) {
    return [platform.os, platform.architecture, platform.variant].filter(Boolean).join("/");
}
const MACHINES = {
    x86_64: { architecture: "amd64" },
    amd64: { architecture: "amd64" },
    aarch64: { architecture: "arm64" },
    arm64: { architecture: "arm64" },
    armv8l: { architecture: "arm", variant: "v8" },
    armv7l: { architecture: "arm", variant: "v7" },
    armv6l: { architecture: "arm", variant: "v6" },
    armv5tel: { architecture: "arm", variant: "v5" },
    i386: { architecture: "386" },
    i686: { architecture: "386" },
};
function nodePlatform(described) {
    const machine = (described.Architecture ?? "").toLowerCase();
    return { os: (described.OS ?? "").toLowerCase(), ...(MACHINES[machine] ?? { architecture: machine }) };
}
function armLevel(variant) {
    return Number(/^v(\d+)$/.exec(variant ?? "")?.[1] ?? 7);
}
function runsOn(image, node) {
    if (image.os !== node.os)
        return false;
    const arch = image.architecture;
    if (arch === node.architecture)
        return arch !== "arm" || armLevel(image.variant) <= armLevel(node.variant);
    if (arch === "386")
        return node.architecture === "amd64";
    if (arch === "arm")
        return node.architecture === "arm64";
    return false;
}
function runnable(platform) {
    return platform.os !== "unknown" && platform.architecture !== "unknown" && platform.os !== "";
}
function text(value) {
    return typeof value === "string" ? value : "";
}
function indexPlatforms(index) {
    const platforms = [];
    for (const entry of index.manifests ?? []) {
        if (entry.annotations?.["vnd.docker.reference.type"] === "attestation-manifest")
            continue;
        const p = entry.platform;
        const variant = text(p?.variant);
        const platform = { os: text(p?.os), architecture: text(p?.architecture), ...(variant ? { variant } : {}) };
        if (runnable(platform))
            platforms.push(platform);
    }
    return platforms;
}
function configPlatform(config) {
    const variant = text(config.variant);
    const platform = { os: text(config.os), architecture: text(config.architecture), ...(variant ? { variant } : {}) };
    return runnable(platform) ? platform : undefined;
}
function unservedPlatforms(image, nodes) {
    const unserved = nodes.filter((node) => !image.some((p) => runsOn(p, node)));
    return [...new Map(unserved.map((p) => [platformName(p), p])).values()];
}


/***/ }),

/***/ 8382:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   CA: () => (/* binding */ errorCode),
/* harmony export */   HV: () => (/* binding */ UnstableError),
/* harmony export */   MU: () => (/* binding */ TimeoutError),
/* harmony export */   Qd: () => (/* binding */ CommandError),
/* harmony export */   RI: () => (/* binding */ DokployError),
/* harmony export */   RJ: () => (/* binding */ DeploymentFailedError),
/* harmony export */   b1: () => (/* binding */ HealthCheckError),
/* harmony export */   bb: () => (/* binding */ NotRunningError),
/* harmony export */   cc: () => (/* binding */ CancelledError),
/* harmony export */   gJ: () => (/* binding */ errorMessage),
/* harmony export */   kF: () => (/* binding */ connectionHint),
/* harmony export */   sH: () => (/* binding */ DeployError),
/* harmony export */   uw: () => (/* binding */ PullCheckError),
/* harmony export */   xL: () => (/* binding */ ConfigError)
/* harmony export */ });
/* harmony import */ var _log__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(9847);

class DeployError extends Error {
    exitCode = 1;
}
class ConfigError extends DeployError {
    input;
    exitCode = 2;
    constructor(input, message) {
        super(`Input "${input}": ${message}`);
        this.input = input;
        this.name = "ConfigError";
    }
}
class CommandError extends DeployError {
    step;
    argv;
    commandExitCode;
    output;
    constructor(step, argv, commandExitCode, output) {
        const tail = output
            .trim()
            .split("\n")
            .slice(-15)
            .map((line) => (0,_log__WEBPACK_IMPORTED_MODULE_0__/* .cut */ .Jj)(line, 1000))
            .join("\n");
        super(`${step} failed: \`${argv.join(" ")}\` exited with code ${String(commandExitCode)}` + (tail ? `\n${tail}` : ""));
        this.step = step;
        this.argv = argv;
        this.commandExitCode = commandExitCode;
        this.output = output;
        this.name = "CommandError";
    }
}
class DokployError extends DeployError {
    procedure;
    status;
    retryable;
    ambiguous;
    constructor(procedure, status, message, retryable = false, ambiguous = false) {
        super(message);
        this.procedure = procedure;
        this.status = status;
        this.retryable = retryable;
        this.ambiguous = ambiguous;
        this.name = "DokployError";
    }
}
class DeploymentFailedError extends DeployError {
    constructor(message) {
        super(message);
        this.name = "DeploymentFailedError";
    }
}
class NotRunningError extends DeploymentFailedError {
    constructor(message) {
        super(message);
        this.name = "NotRunningError";
    }
}
class UnstableError extends DeployError {
    restarts;
    constructor(message, restarts) {
        super(message);
        this.restarts = restarts;
        this.name = "UnstableError";
    }
}
class TimeoutError extends DeployError {
    constructor(message) {
        super(message);
        this.name = "TimeoutError";
    }
}
class PullCheckError extends DeployError {
    failure;
    constructor(failure, message) {
        super(message);
        this.failure = failure;
        this.name = "PullCheckError";
    }
}
class HealthCheckError extends DeployError {
    last;
    constructor(message, last) {
        super(message);
        this.last = last;
        this.name = "HealthCheckError";
    }
}
const SIGNAL_EXIT_CODES = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
class CancelledError extends DeployError {
    signalName;
    exitCode;
    constructor(signalName, message) {
        super(message);
        this.signalName = signalName;
        this.name = "CancelledError";
        this.exitCode = SIGNAL_EXIT_CODES[signalName] ?? 130;
    }
}
const UNTRUSTED_CERTIFICATE = new Set([
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "SELF_SIGNED_CERT_IN_CHAIN",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "UNABLE_TO_GET_ISSUER_CERT",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
]);
function errorCode(error) {
    const code = typeof error === "object" && error !== null ? error.code : undefined;
    return typeof code === "string" ? code : undefined;
}
function connectionHint(code) {
    if (code && UNTRUSTED_CERTIFICATE.has(code)) {
        return ". The server's TLS certificate is not trusted here (self-signed, or from a private CA): set NODE_EXTRA_CA_CERTS in the step's environment to the path of a PEM file with the CA certificate";
    }
    if (code === "CERT_HAS_EXPIRED")
        return ". The server's TLS certificate has expired";
    if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
        return ". The server's TLS certificate is for another host name: use the name it was issued for";
    }
    return "";
}
function errorMessage(error) {
    if (error instanceof Error)
        return error.message;
    return String(error);
}


/***/ }),

/***/ 5164:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   D6: () => (/* binding */ imageRef),
/* harmony export */   K9: () => (/* binding */ malformedDigest),
/* harmony export */   S0: () => (/* binding */ registryOfReference),
/* harmony export */   Z6: () => (/* binding */ normalizeRegistryHost),
/* harmony export */   fH: () => (/* binding */ isValidDigest),
/* harmony export */   oM: () => (/* binding */ checkedDigest),
/* harmony export */   r_: () => (/* binding */ isValidTag),
/* harmony export */   tj: () => (/* binding */ dokployRegistryUrl),
/* harmony export */   uu: () => (/* binding */ parseImageNameLowercasing)
/* harmony export */ });
/* unused harmony exports parseImageName, isDockerHubHost, DOKPLOY_REGISTRY_URL */
const DOCKER_HUB = "docker.io";
const DOCKER_HUB_ALIASES = new Set([
    "docker.io",
    "index.docker.io",
    "registry-1.docker.io",
    "registry.hub.docker.com",
    "hub.docker.com",
]);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^(?:sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$/;
function namesRegistry(first) {
    return first.includes(".") || first.includes(":") || first === "localhost";
}
function registryOfReference(ref) {
    const slash = ref.indexOf("/");
    const first = slash > 0 ? ref.slice(0, slash) : "";
    return normalizeRegistryHost(namesRegistry(first) ? first : DOCKER_HUB);
}
function parseImageName(input) {
    const name = input.trim();
    if (name === "")
        throw new Error("is empty; expected a repository such as ghcr.io/acme/web");
    if (name.includes("://")) {
        throw new Error(`"${name}" has a URL scheme; expected a repository such as ghcr.io/acme/web`);
    }
    if (name.includes("@")) {
        throw new Error(`"${name}" contains a digest; give the repository only and use the "tag" input for the tag`);
    }
    const slash = name.indexOf("/");
    let registry = DOCKER_HUB;
    let rest = name;
    if (slash > 0) {
        const first = name.slice(0, slash);
        if (namesRegistry(first)) {
            registry = first;
            rest = name.slice(slash + 1);
        }
    }
    const lastComponent = rest.split("/").at(-1) ?? "";
    if (lastComponent.includes(":")) {
        throw new Error(`"${name}" contains a tag; give the repository only (e.g. ${name.slice(0, name.lastIndexOf(":"))}) and put the tag in the "tag" input`);
    }
    if (!DOMAIN.test(registry)) {
        throw new Error(`"${registry}" is not a valid registry host[:port]`);
    }
    const components = rest.split("/");
    for (const component of components) {
        if (!PATH_COMPONENT.test(component)) {
            const hint = component.toLowerCase() !== component
                ? "repository names must be lowercase"
                : "use lowercase letters, digits and . _ - between them";
            throw new Error(`"${name}" is not a valid repository name: "${component}" (${hint})`);
        }
    }
    const isDockerHub = DOCKER_HUB_ALIASES.has(registry.toLowerCase());
    let path = rest;
    if (isDockerHub && components.length === 1)
        path = `library/${rest}`;
    if (name.length > 255)
        throw new Error(`"${name}" is longer than 255 characters`);
    return { name, registry: isDockerHub ? DOCKER_HUB : registry.toLowerCase(), path, isDockerHub };
}
function parseImageNameLowercasing(input) {
    const given = input.trim();
    const lower = given.toLowerCase();
    if (lower === given)
        return parseImageName(given);
    try {
        return { ...parseImageName(lower), lowercasedFrom: given };
    }
    catch {
        return parseImageName(given);
    }
}
function isValidTag(tag) {
    return TAG.test(tag);
}
function isValidDigest(digest) {
    return DIGEST.test(digest);
}
function malformedDigest(digest, from) {
    const shown = JSON.stringify(digest.length > 80 ? `${digest.slice(0, 80)}…` : digest);
    return `${from} gave a malformed digest ${shown}; a digest is sha256: and 64 hex digits`;
}
function checkedDigest(digest, from) {
    if (isValidDigest(digest))
        return digest;
    throw new Error(malformedDigest(digest, from));
}
function imageRef(image, tag) {
    return `${image.name}:${tag}`;
}
function normalizeRegistryHost(address) {
    let host = address.trim().toLowerCase();
    host = host.replace(/^[a-z][a-z0-9+.-]*:\/\//, "");
    host = host.split("/")[0] ?? "";
    if (host === "" || DOCKER_HUB_ALIASES.has(host))
        return DOCKER_HUB;
    return host;
}
function isDockerHubHost(address) {
    return normalizeRegistryHost(address) === DOCKER_HUB;
}
function dokployRegistryUrl(address) {
    const host = normalizeRegistryHost(address);
    return host === DOCKER_HUB ? "" : host;
}
const DOKPLOY_REGISTRY_URL = /^[a-zA-Z0-9]([a-zA-Z0-9._-]*[a-zA-Z0-9])?(:\d{1,5})?$/;


/***/ }),

/***/ 9847:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  Gy: () => (/* binding */ MESSAGE_LIMIT),
  pO: () => (/* binding */ Redactor),
  Jj: () => (/* binding */ cut),
  VL: () => (/* binding */ messageLines),
  fk: () => (/* binding */ printableLines),
  S: () => (/* binding */ redactingLogger)
});

// UNUSED EXPORTS: LINE_LIMIT

;// CONCATENATED MODULE: ./src/shared/secret-forms.ts
const MIN_LINE = 4;
const MIN_BASE64_PART = 6;
function jsonEscaped(text) {
    return JSON.stringify(text).slice(1, -1);
}
function asciiJsonEscaped(text) {
    return jsonEscaped(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
function htmlForms(text) {
    const base = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    const quoted = base.replace(/"/g, "&quot;");
    return [base, ...["&#39;", "&#x27;", "&apos;"].map((apostrophe) => quoted.replace(/'/g, apostrophe))];
}
function urlForms(text) {
    const encoded = encodeURIComponent(text);
    return [
        encoded,
        encoded.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
        new URLSearchParams({ s: text }).toString().slice(2),
        encodeURI(text),
    ];
}
function base64Url(base64) {
    return base64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
function base64Forms(bytes) {
    const whole = bytes.toString("base64");
    const forms = [whole, whole.replace(/=+$/, ""), base64Url(whole)];
    for (let offset = 0; offset < 3; offset++) {
        const text = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
        const part = text.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6));
        if (part.length >= MIN_BASE64_PART)
            forms.push(part, base64Url(part));
    }
    return forms;
}
function secretForms(secret) {
    const forms = new Set([secret]);
    const escaped = jsonEscaped(secret);
    const ascii = asciiJsonEscaped(secret);
    const asciiUpper = ascii.replace(/\\u[0-9a-f]{4}/g, (u) => `\\u${u.slice(2).toUpperCase()}`);
    for (const form of [escaped, jsonEscaped(escaped), ascii, asciiUpper, ...urlForms(secret)])
        forms.add(form);
    for (const form of [...htmlForms(secret), ...htmlForms(escaped)])
        forms.add(form);
    for (const form of base64Forms(Buffer.from(secret, "utf8")))
        forms.add(form);
    const lines = secret.split(/\r\n|\r|\n/);
    if (lines.length > 1) {
        for (const line of lines) {
            const trimmed = line.trim();
            if (trimmed.length >= MIN_LINE)
                forms.add(trimmed);
        }
    }
    forms.delete("");
    return [...forms];
}

;// CONCATENATED MODULE: ./src/shared/log.ts

const LINE_LIMIT = 64 * 1024;
const MESSAGE_LIMIT = 64 * 1024;
function cut(text, limit) {
    if (text.length <= limit)
        return text;
    const end = /[\uD800-\uDBFF]/.test(text.charAt(limit - 1)) ? limit - 1 : limit;
    return `${text.slice(0, end)}… (${String(text.length - end)} more characters)`;
}
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
function printableLines(message, limit = LINE_LIMIT) {
    return message.split(/\r\n|\r|\n/).map((line) => cut(line.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`), limit));
}
function messageLines(message) {
    return printableLines(cut(message, MESSAGE_LIMIT), Infinity);
}
const MASK = "***";
function withForms(forms, secret) {
    return [...new Set([...forms, ...secretForms(secret)])].sort((a, b) => b.length - a.length);
}
function edgeOf(text, forms) {
    let edge = text.length;
    for (const form of forms) {
        for (let k = Math.min(form.length - 1, text.length); k > 0; k--) {
            const at = text.length - k;
            if (at < edge && text.charCodeAt(at) === form.charCodeAt(0) && text.endsWith(form.slice(0, k))) {
                edge = at;
                break;
            }
        }
    }
    return edge;
}
class Redactor {
    inputForms = [];
    forms = [];
    add(secret) {
        if (!secret)
            return;
        this.inputForms = withForms(this.inputForms, secret);
        this.forms = withForms(this.forms, secret);
    }
    addFound(secret) {
        if (!secret)
            return;
        this.forms = withForms(this.forms, secret);
    }
    redact(text, scope = "all") {
        let out = text;
        for (const form of scope === "all" ? this.forms : this.inputForms) {
            if (out.includes(form))
                out = out.split(form).join(MASK);
        }
        return out;
    }
    cut(text, limit) {
        return cut(this.redact(text), limit);
    }
    redactCutOff(text) {
        let kept = text;
        for (let edge = edgeOf(kept, this.forms); edge < kept.length; edge = edgeOf(kept, this.forms)) {
            kept = kept.slice(0, edge);
        }
        return kept.length < text.length ? `${this.redact(kept)}${MASK}` : this.redact(text);
    }
    redactAll(value, scope = "all") {
        if (typeof value === "string")
            return this.redact(value, scope);
        if (Array.isArray(value))
            return value.map((v) => this.redactAll(v, scope));
        if (typeof value === "object" && value !== null) {
            return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.redactAll(v, scope)]));
        }
        return value;
    }
}
function redactingLogger(inner, redactor) {
    return {
        debug: (m) => {
            inner.debug(redactor.redact(m));
        },
        info: (m) => {
            inner.info(redactor.redact(m));
        },
        warn: (m) => {
            inner.warn(redactor.redact(m));
        },
        error: (m) => {
            inner.error(redactor.redact(m));
        },
        group: (title, fn) => inner.group(redactor.redact(title), fn),
    };
}


/***/ }),

/***/ 3091:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   bD: () => (/* binding */ withRetry),
/* harmony export */   vI: () => (/* binding */ DEFAULT_RETRY)
/* harmony export */ });
/* unused harmony exports backoffDelay, isRetryable */
/* harmony import */ var _errors__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(8382);

const DEFAULT_RETRY = { retries: 4, maxElapsedMs: 60_000, baseDelayMs: 500, maxDelayMs: 8_000 };
function backoffDelay(policy, attempt, random) {
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
function isRetryable(error) {
    return error instanceof _errors__WEBPACK_IMPORTED_MODULE_0__/* .DokployError */ .RI && error.retryable;
}
async function withRetry(what, policy, ports, fn, beforeRetry) {
    const started = ports.clock();
    const random = ports.random ?? Math.random;
    for (let attempt = 0;; attempt++) {
        try {
            return await fn();
        }
        catch (error) {
            const elapsed = ports.clock() - started;
            if (!isRetryable(error) || attempt >= policy.retries)
                throw error;
            const delay = backoffDelay(policy, attempt, random);
            if (elapsed + delay > policy.maxElapsedMs)
                throw error;
            const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
            ports.logger.warn(`${what}: ${reason ?? ""}; retrying in ${(delay / 1000).toFixed(1)} s (retry ${String(attempt + 1)} of ${String(policy.retries)})`);
            await ports.sleep(delay);
            if (beforeRetry) {
                const settled = await beforeRetry(error);
                if (settled)
                    return settled.value;
            }
        }
    }
}


/***/ }),

/***/ 6692:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   M: () => (/* binding */ withLinkedSignal),
/* harmony export */   u: () => (/* binding */ linkedSignal)
/* harmony export */ });
function linkedSignal(sources, timeoutMs) {
    const controller = new AbortController();
    const releases = [];
    const release = () => {
        for (const undo of releases.splice(0))
            undo();
    };
    const abort = (reason) => {
        release();
        controller.abort(reason);
    };
    for (const source of sources) {
        if (!source)
            continue;
        if (source.aborted) {
            abort(source.reason);
            break;
        }
        const onAbort = () => {
            abort(source.reason);
        };
        source.addEventListener("abort", onAbort, { once: true });
        releases.push(() => {
            source.removeEventListener("abort", onAbort);
        });
    }
    if (timeoutMs !== undefined && !controller.signal.aborted) {
        const timer = setTimeout(() => {
            abort(new DOMException("The operation was aborted due to timeout", "TimeoutError"));
        }, timeoutMs);
        releases.push(() => {
            clearTimeout(timer);
        });
    }
    return { signal: controller.signal, release };
}
async function withLinkedSignal(sources, timeoutMs, fn) {
    const linked = linkedSignal(sources, timeoutMs);
    try {
        return await fn(linked.signal);
    }
    finally {
        linked.release();
    }
}


/***/ }),

/***/ 9425:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   $r: () => (/* binding */ targetOf),
/* harmony export */   Ms: () => (/* binding */ recordStatus),
/* harmony export */   Xx: () => (/* binding */ forTarget),
/* harmony export */   je: () => (/* binding */ targetName),
/* harmony export */   v5: () => (/* binding */ timedTarget)
/* harmony export */ });
/* harmony import */ var _record_context__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7602);

function prefixedLogger(inner, prefix) {
    return {
        debug: (m) => {
            inner.debug(`${prefix()} ${m}`);
        },
        info: (m) => {
            inner.info(`${prefix()} ${m}`);
        },
        warn: (m) => {
            inner.warn(`${prefix()} ${m}`);
        },
        error: (m) => {
            inner.error(`${prefix()} ${m}`);
        },
        group: (title, fn) => {
            inner.info(`${prefix()} ${title}`);
            return fn();
        },
    };
}
function targetOf(ctx) {
    return ctx.ledger.target(ctx.ref.id) ?? { kind: ctx.ref.kind, id: ctx.ref.id };
}
function targetName(ctx) {
    return targetOf(ctx).name ?? ctx.ref.id;
}
function recordStatus(ctx, status, deploymentId) {
    ctx.ledger.record({ kind: "deployment-status", target: ctx.ref.id, status, deploymentId, said: "step" });
}
function forTarget(ctx, ref, several) {
    if (!several)
        return { ...ctx, ref, several };
    const logger = prefixedLogger(ctx.logger, () => `[${targetName({ ledger: ctx.ledger, ref })}]`);
    const ports = { ...ctx.ports, logger };
    return { ...ctx, logger, ports, retryPorts: { ...ctx.retryPorts, logger }, ref, several };
}
function timedTarget(ctx, step, fn, group = true) {
    return (0,_record_context__WEBPACK_IMPORTED_MODULE_0__/* .timed */ .ay)(ctx, ctx.several ? `${step} (${targetName(ctx)})` : step, fn, group && !ctx.several);
}


/***/ }),

/***/ 8797:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   P5: () => (/* binding */ lookAtSwarm),
/* harmony export */   TF: () => (/* binding */ VERIFY_POLL_MS),
/* harmony export */   W_: () => (/* binding */ isRunning),
/* harmony export */   cI: () => (/* binding */ verifyApplication),
/* harmony export */   iX: () => (/* binding */ taskError),
/* harmony export */   ly: () => (/* binding */ gaveUp),
/* harmony export */   m_: () => (/* binding */ isSameImage),
/* harmony export */   tu: () => (/* binding */ waitForSwarm),
/* harmony export */   vo: () => (/* binding */ splitDigest),
/* harmony export */   zT: () => (/* binding */ superseded)
/* harmony export */ });
/* harmony import */ var _shared_errors__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(8382);
/* harmony import */ var _target__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(9425);


const VERIFY_POLL_MS = 1_000;
function splitDigest(image) {
    const at = image.indexOf("@");
    return at < 0 ? { ref: image } : { ref: image.slice(0, at), digest: image.slice(at + 1) };
}
function isSameImage(running, ours, pushedDigest) {
    if (!running)
        return false;
    const a = splitDigest(running);
    const b = splitDigest(ours);
    if (a.ref !== b.ref)
        return false;
    const expected = b.digest ?? pushedDigest;
    return !a.digest || !expected || a.digest === expected;
}
function taskError(task) {
    const text = (task.error ?? "")
        .replace(/^Error:$/, "")
        .replace(/^"|"$/g, "")
        .trim();
    return text || undefined;
}
function gaveUp(service) {
    const state = service?.UpdateStatus?.State ?? "";
    return state.startsWith("rollback") || state === "paused";
}
async function look(ctx, swarm, ours) {
    const service = await ctx.dokploy.service(swarm.name, swarm.serverId);
    const state = service?.UpdateStatus?.State ?? "";
    const tasks = await swarm.tasks();
    const lastError = tasks.map(taskError).find((e) => e !== undefined);
    if (!service || state === "updating" || gaveUp(service))
        return { service, lastError, tasks };
    if (!isSameImage(service.Spec.TaskTemplate.ContainerSpec.Image, ours, ctx.ledger.digest(ctx.image))) {
        return { service, lastError, tasks };
    }
    for (const task of tasks.filter(isRunning).slice(0, 3)) {
        const image = await ctx.dokploy.taskImage(task.containerId, swarm.serverId);
        if (isSameImage(image, ours, ctx.ledger.digest(ctx.image)))
            return { service, running: image, lastError, tasks };
    }
    return { service, lastError, tasks };
}
function isRunning(task) {
    return task.state === "running" && task.currentState.startsWith("Running");
}
function notRunning(ctx, swarm, seen, ours) {
    const { service, lastError } = seen;
    const update = service?.UpdateStatus;
    const image = service?.Spec.TaskTemplate.ContainerSpec.Image;
    const why = !service
        ? `Dokploy has no swarm service for ${swarm.what}`
        : update?.State?.startsWith("rollback")
            ? `Docker Swarm rolled the service back to ${image ?? "?"} (${update.State}: ${update.Message ?? ""})`
            : update?.State === "paused"
                ? `Docker Swarm paused the update of ${swarm.name} (${update.Message ?? ""})`
                : `the service is set to run ${image ?? "?"}${update?.State ? ` (update ${update.State})` : ""}, and no task of ${ours} is running after ${String(ctx.config.verifyTimeoutSeconds)} s (verify-timeout)`;
    return new _shared_errors__WEBPACK_IMPORTED_MODULE_0__/* .NotRunningError */ .bb(`Dokploy says the deployment is done, but ${ours} is not running: ${why}.${lastError ? ` Swarm says: ${lastError}` : ""} See ${(0,_target__WEBPACK_IMPORTED_MODULE_1__/* .targetOf */ .$r)(ctx).url ?? ctx.config.dokployUrl}`);
}
async function waitForSwarm(ctx, swarm, ours) {
    const deadline = ctx.ports.clock() + ctx.config.verifyTimeoutSeconds * 1000;
    for (;;) {
        const seen = await look(ctx, swarm, ours);
        if (seen.running)
            return { swarm, image: seen.running, tasks: seen.tasks, at: ctx.ports.clock() };
        if (gaveUp(seen.service) || ctx.ports.clock() >= deadline)
            throw notRunning(ctx, swarm, seen, ours);
        await ctx.ports.sleep(VERIFY_POLL_MS);
    }
}
function superseded(ctx, theirs, ours) {
    const { config, logger } = ctx;
    (0,_target__WEBPACK_IMPORTED_MODULE_1__/* .recordStatus */ .Ms)(ctx, "superseded");
    const message = `Superseded: the ${ctx.ref.kind} now holds ${theirs ?? "no image"}, not ${ours}; a later run deployed over this one. Not rolling back.`;
    if (config.failOnSuperseded)
        throw new _shared_errors__WEBPACK_IMPORTED_MODULE_0__/* .DeployError */ .sH(`${message} (fail-on-superseded)`);
    logger.warn(message);
}
async function verifyApplication(ctx, ours) {
    const { config, ref, logger } = ctx;
    if (!config.verifyRunning)
        return undefined;
    return (0,_target__WEBPACK_IMPORTED_MODULE_1__/* .timedTarget */ .v5)(ctx, "Check what runs", async () => {
        const app = await ctx.dokploy.applicationOne(ref.id);
        if (app.dockerImage !== ours) {
            superseded(ctx, app.dockerImage, ours);
            return undefined;
        }
        if (!app.appName)
            return undefined;
        const { appName, serverId } = app;
        const swarm = {
            name: appName,
            serverId,
            what: "the application",
            tasks: () => ctx.dokploy.serviceTasks(appName, serverId),
        };
        const found = await lookAtSwarm(ctx, `the application, which holds ${ours}`, async () => {
            const running = await waitForSwarm(ctx, swarm, ours);
            logger.info(`Docker Swarm runs ${running.image} for ${appName}.`);
            return running;
        });
        const held = async () => (await ctx.dokploy.applicationOne(ref.id)).dockerImage;
        return found && { found: [found], held };
    });
}
async function lookAtSwarm(ctx, trusted, look) {
    try {
        return await look();
    }
    catch (error) {
        if (!(error instanceof _shared_errors__WEBPACK_IMPORTED_MODULE_0__/* .DokployError */ .RI) || (error.status !== 401 && error.status !== 403)) {
            if (error instanceof _shared_errors__WEBPACK_IMPORTED_MODULE_0__/* .NotRunningError */ .bb)
                (0,_target__WEBPACK_IMPORTED_MODULE_1__/* .recordStatus */ .Ms)(ctx, "not-running");
            throw error;
        }
        ctx.logger.warn(`Could not ask Dokploy what Docker Swarm runs (${error.procedure}: HTTP ${String(error.status)}; the API key needs the permission to read Docker). Trusting ${trusted}.`);
        return undefined;
    }
}


/***/ }),

/***/ 2613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 5317:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("child_process");

/***/ }),

/***/ 6982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 9896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 8611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 5692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 4589:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:assert");

/***/ }),

/***/ 6698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");

/***/ }),

/***/ 7540:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:console");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 610:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns");

/***/ }),

/***/ 8474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 1455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 2467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 7030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ }),

/***/ 1792:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");

/***/ }),

/***/ 99:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:sqlite");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 7997:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers");

/***/ }),

/***/ 1692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 3429:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util/types");

/***/ }),

/***/ 5919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 6928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ }),

/***/ 3193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 3557:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("timers");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		id: moduleId,
/******/ 		loaded: false,
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Flag the module as loaded
/******/ 	module.loaded = true;
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/node module decorator */
/******/ (() => {
/******/ 	__nccwpck_require__.nmd = (module) => {
/******/ 		module.paths = [];
/******/ 		if (!module.children) module.children = [];
/******/ 		return module;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

// EXTERNAL MODULE: ./src/shared/errors.ts
var errors = __nccwpck_require__(8382);
// EXTERNAL MODULE: ./src/shared/image.ts
var shared_image = __nccwpck_require__(5164);
;// CONCATENATED MODULE: ./src/config/build-secrets.ts
const SPEC_KEYS = new Set(["type", "id", "src", "source", "env"]);
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
function parseBuildSecret(entry, position) {
    const which = `entry ${String(position)}`;
    const fields = entry.split(",").map((field) => {
        const eq = field.indexOf("=");
        return { key: field.slice(0, eq).trim().toLowerCase(), value: field.slice(eq + 1), eq };
    });
    if (fields.every((f) => f.eq > 0 && SPEC_KEYS.has(f.key))) {
        const get = (key) => fields.findLast((f) => f.key === key)?.value;
        const type = get("type");
        if (type !== undefined && type !== "file" && type !== "env") {
            throw new Error(`${which} is a buildx secret spec with a type other than file or env`);
        }
        const id = get("id") ?? "";
        if (id === "")
            throw new Error(`${which} is a buildx secret spec without an id; expected id=NAME,src=PATH or id=NAME,env=VAR`);
        return { kind: "spec", id, spec: entry };
    }
    const eq = entry.indexOf("=");
    const name = entry.slice(0, eq);
    if (eq > 0 && NAME.test(name) && eq < entry.length - 1) {
        return { kind: "value", id: name, value: entry.slice(eq + 1) };
    }
    throw new Error(`${which} is not a secret; expected NAME=value (as build-push-action's secrets), id=NAME,src=PATH or id=NAME,env=VAR (the entry is not shown: it may hold a secret)`);
}

;// CONCATENATED MODULE: ./src/config/health-spec.ts
function parseStatuses(text) {
    return text.split(",").map((part) => {
        const p = part.trim().toLowerCase();
        const xx = /^([1-5])xx$/.exec(p);
        if (xx)
            return [Number(xx[1]) * 100, Number(xx[1]) * 100 + 99];
        const range = /^(\d{3})(?:-(\d{3}))?$/.exec(p);
        if (!range)
            throw new Error(`"${part.trim()}" is not a status; expected e.g. 2xx, 200, 200-399`);
        const from = Number(range[1]);
        const to = Number(range[2] ?? range[1]);
        if (from < 100 || to > 599 || to < from)
            throw new Error(`"${part.trim()}" is not a status range between 100 and 599`);
        return [from, to];
    });
}

;// CONCATENATED MODULE: ./src/config/inputs.ts
const BUILDERS = ["auto", "buildx", "classic"];
const CACHE_MODES = ["auto", "off"];
const DEPLOY_METHODS = ["redeploy", "deploy"];
const TRANSPORTS = ["trpc", "openapi"];
const ROLLBACK_TARGETS = ["all", "failed"];
const PREVIEW_MODES = ["off", "auto", "open", "close", "prune"];
const PREVIEW_TEMPLATES = ["target", "environment"];
const DURATION_UNITS = " (or with a unit: 90s, 10m, 1h)";
const INPUTS = [
    {
        name: "dokploy-url",
        defaultText: "required unless deploy is false",
        pattern: "^(https?://.*)?$",
        description: "Base URL of the Dokploy server, e.g. https://dokploy.example.com.",
    },
    {
        name: "dokploy-api-key",
        defaultText: "required unless deploy is false",
        secret: true,
        description: "Dokploy API key (sent as the x-api-key header). Create it in Dokploy under Settings > Profile > API/CLI.",
    },
    {
        name: "application-id",
        defaultText: "one target is required unless deploy is false",
        multiline: true,
        pattern: "^[A-Za-z0-9_,\\s-]*$",
        description: "ID of the Dokploy application to deploy (the last part of its URL in Dokploy), or several (one per line or comma separated): one build is deployed to all of them at once. Or give them by name: project and application.",
    },
    {
        name: "project",
        default: "",
        description: "Name of the Dokploy project, to give targets by name (application, compose) instead of by id; resolved with one read before anything is built.",
    },
    {
        name: "dokploy-environment",
        default: "production",
        description: "Name of the environment of project that holds the targets given by name.",
    },
    {
        name: "application",
        default: "",
        multiline: true,
        description: "Name of the application in project and dokploy-environment, instead of application-id; several: one per line or comma separated.",
    },
    {
        name: "compose-id",
        default: "",
        multiline: true,
        pattern: "^[A-Za-z0-9_,\\s-]*$",
        description: "ID of a Dokploy compose service to deploy (several: one per line or comma separated), instead of or beside applications. The image reaches its compose file through its environment: image-variable and tag-variable are set there, every other variable is kept.",
    },
    {
        name: "compose",
        default: "",
        multiline: true,
        description: "Name of the compose service in project and dokploy-environment, instead of compose-id; several: one per line or comma separated.",
    },
    {
        name: "image-variable",
        default: "IMAGE",
        pattern: "^[A-Za-z_][A-Za-z0-9_]*$",
        description: "Compose services: the variable set to <image>:<tag> (with @<digest> under pin-digest), for a compose file that says image: ${IMAGE}.",
    },
    {
        name: "tag-variable",
        default: "TAG",
        pattern: "^[A-Za-z_][A-Za-z0-9_]*$",
        description: "Compose services: the variable set to the tag, for a compose file that says image: ghcr.io/acme/web:${TAG}.",
    },
    {
        name: "image",
        required: true,
        description: "Image repository without tag, e.g. ghcr.io/acme/web or acme/web for Docker Hub.",
    },
    {
        name: "tag",
        defaultText: "commit SHA",
        description: "Tag to push and deploy. Defaults to the full commit SHA, so every deploy is pinned to its commit.",
    },
    {
        name: "extra-tags",
        default: "",
        multiline: true,
        description: "More tags to push with the same image, e.g. latest (newline or comma separated).",
    },
    { name: "context", default: ".", description: "Docker build context." },
    { name: "file", defaultText: "<context>/Dockerfile", description: "Path to the Dockerfile." },
    { name: "target", default: "", description: "Build stage to build (--target)." },
    { name: "build-args", default: "", multiline: true, description: "Build arguments, one KEY=VALUE per line." },
    {
        name: "labels",
        default: "",
        multiline: true,
        description: "Extra image labels, one KEY=VALUE per line. OCI labels are always added: source and title; with buildx also revision and created (the classic builder leaves out those two, which would cost every build an uncached step).",
    },
    {
        name: "build-secrets",
        default: "",
        multiline: true,
        description: "Build secrets, one per line: NAME=value (as build-push-action's secrets input; the value reaches buildx through a private temporary file), or a buildx --secret spec such as id=npm,env=NPM_TOKEN or id=npm,src=.npmrc (buildx only).",
    },
    {
        name: "platforms",
        default: "",
        multiline: true,
        description: "Target platforms, e.g. linux/amd64,linux/arm64 (buildx only).",
    },
    {
        name: "cache-from",
        default: "",
        multiline: true,
        description: "buildx --cache-from sources, one per line, e.g. type=gha (buildx only).",
    },
    {
        name: "cache-to",
        default: "",
        multiline: true,
        description: "buildx --cache-to destinations, one per line, e.g. type=gha,mode=max (buildx only).",
    },
    {
        name: "cache",
        default: "auto",
        options: CACHE_MODES,
        description: "auto: build from the previous build's layers with no setup, also on a runner that starts empty: the image the application runs now (when in the same registry) and the extra tags as cache sources, inline cache metadata in the pushed image, and with a BuildKit builder <image>:buildcache (type=gha on GitHub). A source that cannot be read never fails the build. off: no cache sources beyond the engine's own. Given cache-from or cache-to, only those are used.",
    },
    {
        name: "provenance",
        default: "",
        description: "buildx --provenance, e.g. mode=max or false; empty keeps buildx's default. Attestations need a BuildKit builder such as docker/setup-buildx-action's (buildx only).",
    },
    {
        name: "sbom",
        default: "",
        description: "buildx --sbom, e.g. true; empty keeps buildx's default. Attestations need a BuildKit builder such as docker/setup-buildx-action's (buildx only).",
    },
    { name: "network", default: "", description: "Network mode for RUN steps during the build (--network), e.g. host." },
    {
        name: "builder",
        default: "auto",
        options: BUILDERS,
        description: "auto (docker buildx build when buildx is installed, else docker build), buildx (fails when buildx is not installed), or classic (docker build with DOCKER_BUILDKIT=0, e.g. where the daemon does not allow BuildKit).",
    },
    {
        name: "build",
        default: "true",
        type: "boolean",
        description: "Build and push the image. false deploys <image>:<tag> that is already in the registry.",
    },
    {
        name: "push",
        default: "true",
        type: "boolean",
        description: "Push the image after the build. false builds only (needs deploy: false), e.g. for pull requests from forks, which get no registry secrets.",
    },
    {
        name: "deploy",
        default: "true",
        type: "boolean",
        description: "Deploy to Dokploy. false builds (and with push, pushes and checks the pull) without sending anything to Dokploy, so one workflow serves pull requests and the main branch; dokploy-url, dokploy-api-key and the target are not needed then.",
    },
    {
        name: "registry",
        defaultText: "host of image",
        description: "Registry to log in to before pushing; must be the registry of the image.",
    },
    {
        name: "registry-username",
        default: "",
        description: "Username for pushing. Leave empty to skip docker login (e.g. when an earlier step logged in).",
    },
    {
        name: "registry-password",
        default: "",
        secret: true,
        multiline: true,
        description: "Password or token for pushing; passed to docker on stdin only.",
    },
    {
        name: "pull-username",
        defaultText: "registry-username",
        description: "Username Dokploy pulls the image with (e.g. a read-only token's user).",
    },
    {
        name: "pull-password",
        defaultText: "registry-password",
        secret: true,
        multiline: true,
        description: "Password or token Dokploy pulls the image with. Both pull inputs empty and no push credentials: the image is treated as public.",
    },
    {
        name: "dokploy-registry",
        default: "false",
        type: "boolean",
        description: "true: create the registry entry in Dokploy, or update the one for this registry host, with the pull credentials.",
    },
    {
        name: "dokploy-registry-name",
        defaultText: "registry host",
        description: "Name of the registry entry in Dokploy when dokploy-registry is true.",
    },
    {
        name: "image-prefix",
        default: "",
        description: "imagePrefix of the registry entry in Dokploy (dokploy-registry only).",
    },
    {
        name: "server-id",
        default: "",
        description: "Dokploy remote server where Dokploy logs in with the registry entry when it creates or updates it (dokploy-registry only), e.g. the server a compose pulls on. Not needed to deploy: applications and compose name their server.",
    },
    {
        name: "deploy-method",
        default: "redeploy",
        options: DEPLOY_METHODS,
        description: "redeploy, or deploy (Dokploy pulls the image first and fails fast on a bad tag or credentials).",
    },
    {
        name: "switch-source",
        default: "false",
        type: "boolean",
        description: "true: also deploy to an application that builds from git (or any source other than a Docker image), switching it to the image. Without it, such an application is refused before anything changes in Dokploy.",
    },
    { name: "deploy-title", defaultText: "Deploy <short sha>", description: "Title of the deployment in Dokploy." },
    {
        name: "deploy-description",
        defaultText: "commit message and run URL",
        multiline: true,
        description: "Description of the deployment in Dokploy.",
    },
    {
        name: "wait",
        default: "true",
        type: "boolean",
        description: "Follow the deployment until it is done or failed; the step fails when the deployment fails.",
    },
    {
        name: "wait-timeout",
        default: "600",
        type: "duration",
        description: "How long to wait for the deployment, in seconds.",
    },
    {
        name: "verify-running",
        default: "true",
        type: "boolean",
        description: "After Dokploy says done, check what really runs: the application still holds our image (else superseded), and Docker Swarm runs a task of it (else not-running, with swarm's reason).",
    },
    {
        name: "verify-timeout",
        default: "60",
        type: "duration",
        description: "How long Docker Swarm may take to run our image after Dokploy says done, in seconds.",
    },
    {
        name: "verify-stable",
        default: "0",
        type: "duration",
        description: "Once Docker Swarm runs our image, watch its service this long; red (deployment-status unstable, rolled back with rollback-on-failure) when a task stops or is restarted, the service leaves our image or swarm rolls it back. Needs wait and verify-running; at most verify-timeout. 0 (the default) does not watch: a window adds its length and a look at Dokploy every 3 s to every green run, and swarm's update monitor (5 s in Dokploy's default update config, failure action rollback) already catches a process that exits at once. Else how long to watch, in seconds.",
    },
    {
        name: "fail-on-superseded",
        default: "false",
        type: "boolean",
        description: "Fail (exit 1) when a later run's image was deployed over ours (deployment-status superseded); by default that only warns.",
    },
    {
        name: "verify-pull",
        default: "true",
        type: "boolean",
        description: "Before changing anything in Dokploy, check that the registry serves <image>:<tag> to the pull credentials, and that it is the digest just pushed.",
    },
    {
        name: "verify-pull-on-server",
        default: "true",
        type: "boolean",
        description: "With verify-pull and pull credentials, also have Dokploy log in to the registry from each machine that will pull (the Dokploy host, or the target's server: registry.testRegistry), once per machine, before anything changes in Dokploy; a registry only the runner reaches fails here, not in the deployment. That docker login stays on the machine, as after Dokploy's own deploy. Skipped with a line where Dokploy or the key cannot run it.",
    },
    {
        name: "verify-platform",
        default: "true",
        type: "boolean",
        description: "Before changing anything in Dokploy, check that the image has a platform the swarm nodes of each target's machine run (Dokploy's cluster.getNodes against the platforms of the pushed manifest): an image built for linux/amd64 cannot start on linux/arm64 nodes (exec format error). Refuses naming both, and the platforms to build for. Skipped with a line where Dokploy or the key cannot list the nodes. Set to false for nodes that run other platforms through emulation (binfmt/QEMU).",
    },
    {
        name: "pin-digest",
        default: "false",
        type: "boolean",
        description: "Deploy <image>:<tag>@<digest>, so the running image can never drift from what was checked.",
    },
    {
        name: "health-url",
        default: "",
        description: "After the deployment is done, GET this URL until it answers health-status; the step fails if it does not. Credentials in it (https://user:pass@host/...) are sent as Basic auth. With a preview, {number} is the pull request's number, e.g. https://pr-{number}.preview.example.com/health.",
    },
    {
        name: "health-status",
        default: "2xx",
        description: "Statuses the health URL must answer: 2xx, 200, 200-399, or a comma list.",
    },
    {
        name: "health-contains",
        default: "",
        description: "A string the health URL's body must contain, e.g. the commit SHA the app reports.",
    },
    {
        name: "health-timeout",
        default: "120",
        type: "duration",
        description: "How long the health check may take, in seconds.",
    },
    {
        name: "health-interval",
        default: "3",
        type: "duration",
        description: "Pause between health check requests, in seconds.",
    },
    {
        name: "diagnostics-lines",
        default: "50",
        type: "number",
        description: "On a red deploy, the last lines each failed container printed (read through Dokploy, its environment's values masked), shown in the log and the summary with swarm's tasks; 0 turns this off.",
    },
    {
        name: "rollback-on-failure",
        default: "false",
        type: "boolean",
        description: "When the deployment fails or times out, point the application back at the image it ran before and redeploy that (the step still fails).",
    },
    {
        name: "rollback-targets",
        default: "all",
        options: ROLLBACK_TARGETS,
        description: "With several targets and rollback-on-failure: all (put back every target this run changed when any fails) or failed (only the targets that failed).",
    },
    {
        name: "retries",
        default: "4",
        type: "number",
        description: "How many times a failed Dokploy call is retried (network errors, 429, 502, 503, 504); 0 turns retries off.",
    },
    {
        name: "retry-max-time",
        default: "60",
        type: "duration",
        description: "No retry starts later than this after the first attempt, in seconds.",
    },
    {
        name: "request-timeout",
        default: "30",
        type: "duration",
        description: "Time limit of each Dokploy request, in seconds; at least 1 s.",
    },
    {
        name: "dry-run",
        default: "false",
        type: "boolean",
        description: "Validate the inputs and print the plan (commands and API calls, secrets masked) without building or changing anything.",
    },
    {
        name: "dokploy-api",
        default: "trpc",
        options: TRANSPORTS,
        description: "API transport: trpc (as Dokploy's own CLI uses) or openapi.",
    },
    {
        name: "github-deployment",
        default: "false",
        type: "boolean",
        githubOnly: true,
        description: "true: record the deploy as a GitHub deployment of environment (in progress once Dokploy runs it, then success or failure), linked to the run and to environment-url.",
    },
    {
        name: "github-token",
        default: "${{ github.token }}",
        secret: true,
        githubOnly: true,
        description: "Token for GitHub's API (github-deployment, pr-comment). The job's token needs deployments: write and pull-requests: write.",
    },
    {
        name: "environment",
        default: "production",
        githubOnly: true,
        description: "GitHub environment the deployment is recorded in (github-deployment), e.g. staging. With a preview it defaults to preview/<preview-name> (preview/pr-{number}); {number} is the pull request's number.",
    },
    {
        name: "environment-url",
        defaultText: "the (first) target's page in Dokploy",
        githubOnly: true,
        description: "URL GitHub shows for the environment and the deployment, e.g. the app's domain. With a preview it defaults to the preview's address; {number} is the pull request's number.",
    },
    {
        name: "pr-comment",
        defaultText: "true on pull_request events",
        githubOnly: true,
        description: "Comment on the pull request with the image, digest, target, status and links: one comment per set of targets (per image with deploy: false) and environment, updated on re-runs.",
    },
    {
        name: "preview",
        default: "off",
        options: PREVIEW_MODES,
        description: "Preview environments per pull request: open (make or update this pull request's preview, a copy of the target application in a Dokploy environment of its own in the same project, and deploy the image there), close (remove this pull request's preview), prune (remove previews older than preview-ttl), auto (close when the pull or merge request is closed, GitLab's stop job too, open otherwise), or off. Only what carries the step's marker is ever removed.",
    },
    {
        name: "preview-number",
        defaultText: "the pull or merge request of the CI context",
        pattern: "^[0-9]*$",
        description: "Number of the pull request the preview is for; by default the event's pull request (GitHub), CI_MERGE_REQUEST_IID (GitLab), BITBUCKET_PR_ID, CI_COMMIT_PULL_REQUEST (Woodpecker) or DRONE_PULL_REQUEST.",
    },
    {
        name: "preview-name",
        default: "pr-{number}",
        description: "Name of the preview's Dokploy environment, also the end of its services' and volumes' names; {number} is the pull request's number. Lowercase letters, digits and -, at most 20 characters.",
    },
    {
        name: "preview-template",
        default: "target",
        options: PREVIEW_TEMPLATES,
        description: "What a preview copies: target (the target application alone) or environment (also every database of the target's Dokploy environment: postgres, mysql, mariadb, mongo and redis, each with a password of its own, empty, its image kept; the application's variables that name a database's host or password are rewritten to the preview's).",
    },
    {
        name: "preview-host",
        default: "",
        description: "Host of the preview's domain, {number} being the pull request's number, e.g. pr-{number}.preview.example.com (a wildcard DNS record points them at Dokploy). Empty: Dokploy makes one (domain.generateDomain). Never a host of the template.",
    },
    {
        name: "preview-env",
        default: "",
        multiline: true,
        description: "Variables the preview's application gets over the template's, KEY=VALUE, one per line; their values are masked in the log.",
    },
    {
        name: "preview-ttl",
        default: "7d",
        description: "With preview: prune, how long after its last deploy a preview is removed: seconds, or with a unit (90m, 12h, 7d).",
    },
    {
        name: "preview-limit",
        default: "10",
        type: "number",
        description: "Most previews of the template at once: a new one beyond it is refused before anything is created. 0: no limit.",
    },
];
const PORTABLE_INPUTS = INPUTS.filter((input) => !input.githubOnly);
const OUTPUTS = [
    { name: "image", description: "Image reference that was deployed, <image>:<tag>." },
    { name: "tag", description: "Tag that was pushed and deployed." },
    {
        name: "digest",
        description: "Digest of the image deployed (sha256:...): the one pushed, or with build: false the one the pull check found; empty with build: false and verify-pull: false.",
    },
    {
        name: "image-ref-digest",
        description: "<image>@<digest>, a reference that can never drift; empty when digest is.",
    },
    { name: "registry-id", description: "ID of the Dokploy registry entry created or updated (dokploy-registry only)." },
    { name: "deployment-id", description: "ID of the Dokploy deployment that was followed (wait only)." },
    {
        name: "deployment-status",
        description: "How it ended: done (our image runs), superseded (a later run's image was deployed over ours), not-running (Dokploy said done but our image does not run), unstable (our image ran, then a task of it stopped or was restarted within verify-stable), error, cancelled, timeout, unknown (a status this version does not know), or queued when not waiting.",
    },
    { name: "application-url", description: "Link to the application in the Dokploy dashboard." },
    {
        name: "targets",
        description: 'Every target as JSON, in the order given: [{"kind":"application","id":…,"name":…,"url":…,"deployment-id":…,"deployment-status":…}]. The single-value outputs above are the first target\'s.',
    },
    {
        name: "preview-url",
        description: "With preview: open, the preview's address (https:// or http:// and its host).",
    },
    { name: "health", description: "Last health check answer, e.g. 200 in 34 ms (health-url only)." },
    {
        name: "imageid",
        description: "Image ID of the image built: its config digest (with several platforms, the index digest, as buildx reports it); empty with build: false.",
    },
    {
        name: "metadata",
        description: "The build's metadata as JSON, as buildx writes it with --metadata-file (buildx only). With the docker driver the image is built into the engine and pushed from there: containerimage.digest there is its config digest; the digest output is the registry's.",
    },
];

;// CONCATENATED MODULE: ./src/config/parsers.ts
function field(parse) {
    return (raw) => parse((raw ?? "").trim());
}
function optionalText() {
    return field((v) => (v === "" ? undefined : v));
}
function parseBoolean(v) {
    const lower = v.toLowerCase();
    if (lower === "")
        return undefined;
    if (lower === "true")
        return true;
    if (lower === "false")
        return false;
    throw new Error(`"${v}" is not a boolean; expected true or false`);
}
function parsers_boolean(fallback) {
    return field((v) => parseBoolean(v) ?? fallback);
}
function maybeBoolean() {
    return field(parseBoolean);
}
function choice(options, fallback) {
    return field((v) => {
        if (v === "")
            return fallback;
        const found = options.find((o) => o === v.toLowerCase());
        if (!found)
            throw new Error(`"${v}" is not one of ${options.join(", ")}`);
        return found;
    });
}
function splitList(value, commas) {
    const parts = value.split(commas ? /[\n,]/ : /\n/);
    return parts.map((p) => p.trim()).filter((p) => p !== "" && !p.startsWith("#"));
}
function list(commas, check) {
    return field((v) => {
        const items = splitList(v, commas);
        if (check)
            items.forEach(check);
        return items;
    });
}
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
function variableName(fallback) {
    return field((v) => {
        if (v === "")
            return fallback;
        if (!VARIABLE.test(v)) {
            throw new Error(`"${v}" is not a variable name; expected letters, digits and _, e.g. ${fallback}`);
        }
        return v;
    });
}
const APPLICATION_ID = /^[A-Za-z0-9_-]{1,128}$/;
function ids(kind) {
    const each = list(true, (id) => {
        if (!APPLICATION_ID.test(id)) {
            throw new Error(`"${id}" is not ${kind === "application" ? "an application" : "a compose"} ID; expected letters, digits, _ and - (as in the ${kind}'s URL in Dokploy)`);
        }
    });
    return (raw) => {
        const items = each(raw);
        const twice = items.find((id, i) => items.indexOf(id) !== i);
        if (twice !== undefined)
            throw new Error(`names "${twice}" twice`);
        return items;
    };
}
function parseDuration(v) {
    const match = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/.exec(v);
    if (!match)
        throw new Error(`"${v}" is not a duration; expected seconds (600) or 90s, 10m, 1h`);
    const unit = match[2] === "h" ? 3600 : match[2] === "m" ? 60 : 1;
    const seconds = Number(match[1]) * unit;
    if (seconds <= 0 || seconds > 6 * 3600) {
        throw new Error(`"${v}" is out of range; expected more than 0 and at most 6h`);
    }
    return seconds;
}
function parseDurationOrOff(v) {
    if (v === "" || /^0+(\.0*)?\s*[smh]?$/.test(v))
        return 0;
    return parseDuration(v);
}
function parseApiKey(v) {
    if (v === "")
        throw new Error("is required; expected a Dokploy API key");
    const bad = [...v].findIndex((c) => !/^[\x21-\x7e]$/.test(c));
    if (bad >= 0) {
        throw new Error(`character ${String(bad + 1)} cannot be sent in the x-api-key header (a space, a control character or a non-ASCII letter); expected the key as Dokploy shows it, printable ASCII only`);
    }
    return v;
}
function withoutCredentials(text) {
    const at = text.lastIndexOf("@");
    if (at < 0)
        return text;
    const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0] ?? "";
    return `${scheme}***${text.slice(at)}`;
}
const DIGEST_AT_END = /@[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
function withoutUserPart(v) {
    const digest = DIGEST_AT_END.exec(v)?.[0] ?? "";
    const name = v.slice(0, v.length - digest.length);
    if (!name.includes("@"))
        return v;
    throw new Error(`"${withoutCredentials(name)}${digest}" must not contain credentials (user:password@); set registry-username and registry-password`);
}
function parseHealthUrl(v) {
    if (v === "")
        return undefined;
    let url;
    try {
        url = new URL(v);
    }
    catch {
        throw new Error(`"${withoutCredentials(v)}" is not a URL; expected http(s)://host/path`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
        throw new Error(`"${withoutCredentials(v)}" must start with https:// or http://`);
    if (!url.username && !url.password)
        return { url: v };
    const credentials = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
    url.username = "";
    url.password = "";
    return { url: url.toString(), credentials };
}
function parseEnvironmentUrl(v) {
    if (v === "")
        return undefined;
    const safe = withoutCredentials(v);
    let url;
    try {
        url = new URL(v);
    }
    catch {
        throw new Error(`"${safe}" is not a URL; expected http(s)://host/path`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
        throw new Error(`"${safe}" must start with https:// or http://`);
    if (url.username || url.password)
        throw new Error(`"${safe}" must not contain credentials: GitHub shows it to readers`);
    return v;
}
function parseRequestTimeout(v) {
    if (v === "")
        return 30;
    const seconds = parseDuration(v);
    if (seconds < 1) {
        throw new Error(`"${v}" is too short; expected at least 1 s (a Dokploy call takes tens of milliseconds on an idle server, seconds on a busy one)`);
    }
    return seconds;
}
function parseDokployUrl(v) {
    if (v === "")
        return "";
    const shown = withoutCredentials(v);
    let url;
    try {
        url = new URL(v);
    }
    catch {
        throw new Error(`"${shown}" is not a URL; expected http(s)://host[:port], e.g. https://dokploy.example.com`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
        throw new Error(`"${shown}" must start with https:// or http://`);
    }
    if (!/^https?:\/\//i.test(v)) {
        throw new Error(`"${shown}" is not a URL; expected http(s)://host[:port], e.g. https://dokploy.example.com`);
    }
    if (url.search || url.hash || url.username || url.password) {
        const origin = url.username || url.password ? `${url.protocol}//***@${url.host}` : url.origin;
        throw new Error(`"${origin}..." must not contain credentials, a query or a fragment`);
    }
    const path = url.pathname.replace(/\/+$/, "").replace(/\/api$/, "");
    return `${url.origin}${path}`;
}

;// CONCATENATED MODULE: ./src/config/preview-fields.ts
const DAY = 86_400;
const UNITS = { s: 1, m: 60, h: 3600, d: DAY };
function parseTtl(v) {
    const text = v === "" ? "7d" : v;
    const match = /^(\d+(?:\.\d+)?)\s*([smhd])?$/.exec(text);
    if (!match)
        throw new Error(`"${v}" is not a duration; expected seconds (3600) or 90m, 12h, 7d`);
    const seconds = Number(match[1]) * (UNITS[match[2] ?? "s"] ?? 1);
    if (seconds <= 0 || seconds > 365 * DAY)
        throw new Error(`"${v}" is out of range; expected more than 0 and at most 365d`);
    return seconds;
}
function parseLimit(v) {
    if (v === "")
        return 10;
    if (!/^\d+$/.test(v) || Number(v) > 1000) {
        throw new Error(`"${v}" is not a number of previews; expected a whole number from 0 to 1000 (0: no limit)`);
    }
    return Number(v);
}
function parseNumber(v) {
    if (v === "")
        return undefined;
    if (!/^[1-9]\d{0,9}$/.test(v))
        throw new Error(`"${v}" is not a pull request number; expected digits, e.g. 42`);
    return v;
}

;// CONCATENATED MODULE: ./src/config/input-parsers.ts






const KEY_VALUE = /^[^=\s][^=]*=/;
const BUILD_ARG = /^[A-Za-z_][A-Za-z0-9_]*(=.*)?$/s;
const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;
const parsers = {
    "dokploy-url": field(parseDokployUrl),
    "dokploy-api-key": field((v) => (v === "" ? "" : parseApiKey(v))),
    "application-id": ids("application"),
    project: optionalText(),
    "dokploy-environment": field((v) => (v === "" ? "production" : v)),
    application: list(true),
    "compose-id": ids("compose"),
    compose: list(true),
    "image-variable": variableName("IMAGE"),
    "tag-variable": variableName("TAG"),
    image: field((v) => (0,shared_image/* parseImageNameLowercasing */.uu)(withoutUserPart(v))),
    tag: field((v) => {
        if (v !== "" && !(0,shared_image/* isValidTag */.r_)(v)) {
            throw new Error(`"${v}" is not a valid tag; expected up to 128 letters, digits, _ . - not starting with . or -`);
        }
        return v;
    }),
    "extra-tags": list(true, (t) => {
        if (!(0,shared_image/* isValidTag */.r_)(t))
            throw new Error(`"${t}" is not a valid tag; expected up to 128 letters, digits, _ . -`);
    }),
    context: field((v) => (v === "" ? "." : v)),
    file: optionalText(),
    target: optionalText(),
    "build-args": list(false, (a) => {
        if (!BUILD_ARG.test(a))
            throw new Error(`"${a.split("=")[0] ?? a}" is not a valid build argument; expected KEY=VALUE`);
    }),
    labels: list(false, (l) => {
        if (!KEY_VALUE.test(l))
            throw new Error(`"${l}" is not a label; expected KEY=VALUE`);
    }),
    "build-secrets": field((v) => splitList(v, false).map((entry, i) => parseBuildSecret(entry, i + 1))),
    platforms: list(true, (p) => {
        if (!PLATFORM.test(p))
            throw new Error(`"${p}" is not a platform; expected os/arch[/variant], e.g. linux/amd64`);
    }),
    "cache-from": list(false),
    "cache-to": list(false),
    cache: choice(CACHE_MODES, "auto"),
    provenance: optionalText(),
    sbom: optionalText(),
    network: optionalText(),
    builder: choice(BUILDERS, "auto"),
    build: parsers_boolean(true),
    push: parsers_boolean(true),
    deploy: parsers_boolean(true),
    registry: field((v) => (v === "" ? undefined : withoutUserPart(v))),
    "registry-username": optionalText(),
    "registry-password": optionalText(),
    "pull-username": optionalText(),
    "pull-password": optionalText(),
    "dokploy-registry": parsers_boolean(false),
    "dokploy-registry-name": optionalText(),
    "image-prefix": optionalText(),
    "server-id": optionalText(),
    "deploy-method": choice(DEPLOY_METHODS, "redeploy"),
    "switch-source": parsers_boolean(false),
    "deploy-title": optionalText(),
    "deploy-description": optionalText(),
    wait: parsers_boolean(true),
    "wait-timeout": field((v) => (v === "" ? 600 : parseDuration(v))),
    "verify-pull": parsers_boolean(true),
    "verify-pull-on-server": parsers_boolean(true),
    "verify-platform": parsers_boolean(true),
    "pin-digest": parsers_boolean(false),
    "health-url": field((v) => (parseHealthUrl(v) ? v : undefined)),
    "health-status": field((v) => parseStatuses(v === "" ? "2xx" : v)),
    "health-contains": optionalText(),
    "health-timeout": field((v) => (v === "" ? 120 : parseDuration(v))),
    "health-interval": field((v) => (v === "" ? 3 : parseDuration(v))),
    "diagnostics-lines": field((v) => {
        if (v === "")
            return 50;
        if (!/^\d+$/.test(v) || Number(v) > 1000)
            throw new Error(`"${v}" is not a number of lines; expected a whole number from 0 to 1000 (0 turns diagnostics off)`);
        return Number(v);
    }),
    "rollback-on-failure": parsers_boolean(false),
    "rollback-targets": choice(ROLLBACK_TARGETS, "all"),
    "verify-running": parsers_boolean(true),
    "verify-timeout": field((v) => (v === "" ? 60 : parseDuration(v))),
    "verify-stable": field(parseDurationOrOff),
    "fail-on-superseded": parsers_boolean(false),
    retries: field((v) => {
        if (v === "")
            return 4;
        if (!/^\d+$/.test(v) || Number(v) > 20)
            throw new Error(`"${v}" is not a retry count; expected a whole number from 0 to 20`);
        return Number(v);
    }),
    "retry-max-time": field((v) => (v === "" ? 60 : parseDuration(v))),
    "request-timeout": field(parseRequestTimeout),
    "dry-run": parsers_boolean(false),
    "dokploy-api": choice(TRANSPORTS, "trpc"),
    "github-deployment": parsers_boolean(false),
    "github-token": optionalText(),
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
};

;// CONCATENATED MODULE: ./src/config/preview.ts
function modeOf(p, pr) {
    const mode = p.preview;
    if (mode === "off")
        return undefined;
    if (mode !== "auto")
        return mode;
    if (!pr)
        return "auto";
    return pr.closed ? "close" : "open";
}
function numberOf(p, pr) {
    return p["preview-number"] ?? pr?.number;
}
const NUMBER_PLACEHOLDER = "{number}";
function withNumber(template, number) {
    return template.replaceAll(NUMBER_PLACEHOLDER, number ?? "");
}
const NUMBERED_INPUTS = ["health-url", "environment-url", "environment"];
function numberPlaceholderProblems(p) {
    if (p.preview !== "off")
        return [];
    return NUMBERED_INPUTS.filter((input) => p[input]?.includes(NUMBER_PLACEHOLDER)).map((input) => ({
        input,
        message: `holds ${NUMBER_PLACEHOLDER}, which only a preview fills in (the pull request's number); expected it without ${NUMBER_PLACEHOLDER}, or set preview`,
    }));
}
const preview_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
function previewOptions(p, pr) {
    const mode = modeOf(p, pr);
    if (mode === undefined || mode === "auto")
        return undefined;
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
function previewProblems(p, pr) {
    const mode = modeOf(p, pr);
    if (mode === undefined)
        return [];
    if (mode === "auto") {
        const message = "is auto, but this run is not for a pull or merge request (no pull_request event, CI_MERGE_REQUEST_IID, BITBUCKET_PR_ID, CI_COMMIT_PULL_REQUEST or DRONE_PULL_REQUEST); run it on pull request events, or set preview to open, close or prune";
        return [{ input: "preview", message }];
    }
    const problems = [];
    if (!p.deploy) {
        problems.push({ input: "preview", message: `is ${mode}, which needs deploy: true (a preview lives in Dokploy)` });
    }
    const composeInput = p["compose-id"].length > 0 ? "compose-id" : p.compose.length > 0 ? "compose" : undefined;
    if (composeInput) {
        problems.push({
            input: composeInput,
            message: "cannot be previewed yet; expected the preview's template as one application (application-id or application)",
        });
    }
    const applications = p["application-id"].length + p.application.length;
    if (applications > 1) {
        const input = p["application-id"].length > 1 ? "application-id" : "application";
        problems.push({
            input,
            message: `names ${String(applications)} applications; a preview copies one: expected one application`,
        });
    }
    if (mode === "prune")
        return problems;
    const number = numberOf(p, pr);
    if (number === undefined) {
        problems.push({
            input: "preview-number",
            message: `is required with preview: ${mode}: this run is not for a pull or merge request; expected the pull request's number, e.g. 42`,
        });
        return problems;
    }
    const name = withNumber(p["preview-name"], number);
    if (!preview_NAME.test(name) || name.length > 20 || name === "production") {
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

;// CONCATENATED MODULE: ./src/config/interpret.ts



function credentials(username, password) {
    return username && password ? { username, password } : undefined;
}
function pullCredentials(p, push) {
    if (!p.push && !p.deploy)
        return undefined;
    if (p["pull-username"] || p["pull-password"])
        return credentials(p["pull-username"], p["pull-password"]);
    return push;
}
function derive(p, ci) {
    const push = credentials(p["registry-username"], p["registry-password"]);
    return {
        tag: p.tag !== "" ? p.tag : ci.sha,
        registry: p.registry !== undefined ? (0,shared_image/* normalizeRegistryHost */.Z6)(p.registry) : p.image.registry,
        push,
        pull: pullCredentials(p, push),
        pullRequest: ci.pullRequest,
    };
}
function targetsOf(p) {
    return [
        ...p["application-id"].map((id) => ({ kind: "application", id })),
        ...p.application.map((name) => ({ kind: "application", name })),
        ...p["compose-id"].map((id) => ({ kind: "compose", id })),
        ...p.compose.map((name) => ({ kind: "compose", name })),
    ];
}
function dokployFields(p) {
    return {
        dokployUrl: p["dokploy-url"],
        apiKey: p["dokploy-api-key"],
        targets: targetsOf(p),
        names: p.project !== undefined ? { project: p.project, environment: p["dokploy-environment"] } : undefined,
        imageVariable: p["image-variable"],
        tagVariable: p["tag-variable"],
    };
}
function imageFields(p, d) {
    const removes = ["close", "prune"].includes(previewOptions(p, d.pullRequest)?.mode ?? "");
    return {
        image: p.image,
        tag: d.tag,
        extraTags: [...new Set(p["extra-tags"])].filter((t) => t !== d.tag),
        build: p.build && !removes,
        pushImage: p.push && !removes,
        deploy: p.deploy,
    };
}
function buildFields(p) {
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
    };
}
function registryFields(p, d) {
    return {
        registry: d.registry,
        push: d.push,
        pull: d.pull,
        dokployRegistry: p["dokploy-registry"],
        dokployRegistryName: p["dokploy-registry-name"] ?? (p.image.isDockerHub ? "Docker Hub" : d.registry),
        dokployRegistryNameGiven: p["dokploy-registry-name"] !== undefined,
        imagePrefix: p["image-prefix"] ?? null,
        serverId: p["server-id"],
    };
}
function shortSha(sha) {
    return sha.slice(0, 7);
}
function defaultDescription(ci, tag) {
    const lines = [];
    const subject = ci.commitMessage?.split("\n")[0]?.trim();
    if (ci.sha)
        lines.push(`Commit ${ci.sha}${subject ? `: ${subject}` : ""}`);
    else
        lines.push(`Tag ${tag}`);
    if (ci.runUrl)
        lines.push(`Run: ${ci.runUrl}`);
    return lines.join("\n").slice(0, 1000);
}
function deployFields(p, ci, tag) {
    return {
        deployMethod: p["deploy-method"],
        switchSource: p["switch-source"],
        deployTitle: p["deploy-title"] ?? `Deploy ${ci.sha ? shortSha(ci.sha) : tag}`,
        deployDescription: p["deploy-description"] ?? defaultDescription(ci, tag),
    };
}
function healthCheckOf(p, number) {
    const given = p["health-url"];
    const target = given === undefined ? undefined : parseHealthUrl(withNumber(given, number));
    if (!target)
        return undefined;
    return {
        url: target.url,
        credentials: target.credentials,
        statuses: p["health-status"],
        contains: p["health-contains"],
        timeoutMs: p["health-timeout"] * 1000,
        intervalMs: p["health-interval"] * 1000,
    };
}
function followFields(p, number) {
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
    };
}
function callFields(p) {
    return {
        retries: p.retries,
        retryMaxTimeSeconds: p["retry-max-time"],
        requestTimeoutSeconds: p["request-timeout"],
        dryRun: p["dry-run"],
        transport: p["dokploy-api"],
    };
}
function noticesOf(p) {
    const from = p.image.lowercasedFrom;
    if (!from)
        return [];
    return [`Image "${from}" is used as "${p.image.name}": registries take lowercase repository names only.`];
}
function previewNumber(p, d) {
    return previewOptions(p, d.pullRequest)?.number;
}
function githubEnvironment(p, d) {
    const preview = previewOptions(p, d.pullRequest);
    const number = preview?.number;
    if (p.environment !== undefined)
        return withNumber(p.environment, number);
    return preview && number !== undefined ? `preview/${preview.name}` : "production";
}
function githubOptionsOf(p, d) {
    return {
        deployment: p["github-deployment"],
        token: p["github-token"],
        environment: githubEnvironment(p, d),
        environmentUrl: p["environment-url"] === undefined ? undefined : withNumber(p["environment-url"], previewNumber(p, d)),
        prComment: p["pr-comment"],
    };
}
function interpret(p, ci, d) {
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
function spacedSecrets(raw) {
    const names = ["registry-password", "pull-password"];
    return names.filter((name) => {
        const value = (raw[name] ?? "").replace(/^[\r\n]+|[\r\n]+$/g, "");
        return value.trim() !== "" && value !== value.trim();
    });
}

;// CONCATENATED MODULE: ./src/config/rules.ts



function isFalse(raw, name) {
    return (raw[name] ?? "").trim().toLowerCase() === "false";
}
function isEmpty(raw, name) {
    return (raw[name] ?? "").trim() === "";
}
function oneLineInputsHoldNoLineBreak(raw) {
    const problems = [];
    for (const input of INPUTS) {
        if (input.multiline || !/[\r\n]/.test((raw[input.name] ?? "").trim()))
            continue;
        const hint = input.name === "deploy-title" ? " (give it the first line only; deploy-description takes several)" : "";
        problems.push({ input: input.name, message: `must be a single line, but it holds a line break${hint}` });
    }
    return problems;
}
function deployBuildOrPushIsTrue(raw) {
    if (!isFalse(raw, "deploy") || !isFalse(raw, "build") || !isFalse(raw, "push"))
        return [];
    return [{ input: "deploy", message: "is false, and so are build and push: nothing to do" }];
}
function deployNeedsDokployUrl(raw) {
    if (isFalse(raw, "deploy") || !isEmpty(raw, "dokploy-url"))
        return [];
    const message = "is required; expected the URL of your Dokploy server, e.g. https://dokploy.example.com";
    return [{ input: "dokploy-url", message }];
}
function deployNeedsApiKey(raw) {
    if (isFalse(raw, "deploy") || !isEmpty(raw, "dokploy-api-key"))
        return [];
    return [{ input: "dokploy-api-key", message: "is required; expected a Dokploy API key" }];
}
const TARGET_INPUTS = ["application-id", "application", "compose-id", "compose"];
function targetInputsGiven(raw) {
    return TARGET_INPUTS.filter((name) => !isEmpty(raw, name));
}
function deployNeedsTarget(raw) {
    if (isFalse(raw, "deploy") || targetInputsGiven(raw).length > 0)
        return [];
    const message = "is required; expected the ID of a Dokploy application (or compose-id for a compose service, or a name in application or compose, with project)";
    return [{ input: "application-id", message }];
}
function targetNamesNeedProject(raw) {
    if (isFalse(raw, "deploy"))
        return [];
    const named = targetInputsGiven(raw).find((name) => name === "application" || name === "compose");
    if (!named || !isEmpty(raw, "project"))
        return [];
    return [{ input: "project", message: `is required to find the ${named} by name; expected a project name` }];
}
function deployNeedsPush(raw) {
    if (isFalse(raw, "deploy") || !isFalse(raw, "push"))
        return [];
    const message = "is false, but Dokploy can only deploy a pushed image; set deploy: false to build without deploying";
    return [{ input: "push", message }];
}
const RAW_RULES = [
    oneLineInputsHoldNoLineBreak,
    deployBuildOrPushIsTrue,
    deployNeedsDokployUrl,
    deployNeedsApiKey,
    deployNeedsTarget,
    targetNamesNeedProject,
    deployNeedsPush,
];
function checkRawInputs(raw) {
    return RAW_RULES.flatMap((rule) => rule(raw));
}
function tagIsGivenOrFromCommit(_p, d) {
    if (d.tag === "") {
        return [{ input: "tag", message: "is required: no commit SHA was found in the CI context; set tag explicitly" }];
    }
    return (0,shared_image/* isValidTag */.r_)(d.tag) ? [] : [{ input: "tag", message: `"${d.tag}" (from the commit SHA) is not a valid tag` }];
}
function registryIsImageRegistry(p, d) {
    if (d.registry === p.image.registry)
        return [];
    const message = `"${p.registry ?? ""}" is not the registry of image "${p.image.name}" (${p.image.registry}); the push would not be authorised. Leave registry empty or make it match the image`;
    return [{ input: "registry", message }];
}
function bothOrNeither(userName, user, passName, pass) {
    if (user && !pass)
        return [{ input: passName, message: `is required when ${userName} is set` }];
    if (pass && !user)
        return [{ input: userName, message: `is required when ${passName} is set` }];
    return [];
}
function pushCredentialsComeTogether(p) {
    return bothOrNeither("registry-username", p["registry-username"], "registry-password", p["registry-password"]);
}
function pullCredentialsComeTogether(p) {
    if (!p.push && !p.deploy)
        return [];
    return bothOrNeither("pull-username", p["pull-username"], "pull-password", p["pull-password"]);
}
function dokployRegistryNeedsCredentials(p, d) {
    if (!p.deploy || !p["dokploy-registry"] || d.pull)
        return [];
    const message = "is true but there are no credentials to store; set pull-username/pull-password or registry-username/registry-password";
    return [{ input: "dokploy-registry", message }];
}
function healthUrlNeedsWait(p) {
    if (!p["health-url"] || p.wait)
        return [];
    return [{ input: "health-url", message: "needs wait: true (the check runs once the deployment is done)" }];
}
function verifyStableNeedsTheCheck(p) {
    const seconds = p["verify-stable"];
    if (seconds === 0)
        return [];
    const input = "verify-stable";
    const needs = (name) => `needs ${name}: true (the window watches what swarm runs once the deployment is done and our image runs); set ${name}: true or verify-stable: 0`;
    if (!p.wait)
        return [{ input, message: needs("wait") }];
    if (!p["verify-running"])
        return [{ input, message: needs("verify-running") }];
    if (seconds <= p["verify-timeout"])
        return [];
    const message = `is ${String(seconds)} s, longer than verify-timeout (${String(p["verify-timeout"])} s); raise verify-timeout or shorten verify-stable`;
    return [{ input, message }];
}
function pinDigestNeedsDigest(p) {
    if (!p["pin-digest"] || p.build || p["verify-pull"])
        return [];
    const message = "needs the digest: with build: false it comes from the pull check, so keep verify-pull: true";
    return [{ input: "pin-digest", message }];
}
function tagVariableIsNotImageVariable(p) {
    if (p["image-variable"] !== p["tag-variable"])
        return [];
    const message = `is the same as image-variable (${p["tag-variable"]}); they hold different values`;
    return [{ input: "tag-variable", message }];
}
function githubFeaturesNeedToken(p) {
    if (p["github-token"])
        return [];
    return ["github-deployment", "pr-comment"]
        .filter((asked) => p[asked])
        .map((asked) => ({ input: "github-token", message: `is required when ${asked} is true` }));
}
const PARSED_RULES = [
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
function checkParsedInputs(p, d) {
    return PARSED_RULES.flatMap((rule) => rule(p, d));
}

;// CONCATENATED MODULE: ./src/config/types.ts
function describeTarget(spec) {
    return spec.id !== undefined ? `${spec.kind} ${spec.id}` : `${spec.kind} "${spec.name}"`;
}
function secretsOf(config) {
    const health = config.health?.credentials;
    return [
        config.apiKey,
        config.push?.password,
        config.pull?.password,
        health?.password,
        health ? `${health.username}:${health.password}` : undefined,
        ...config.buildSecrets.map((s) => (s.kind === "value" ? s.value : undefined)),
        config.github.token,
        ...(config.preview?.env ?? []).map((line) => line.slice(line.indexOf("=") + 1)),
    ].filter((s) => typeof s === "string" && s !== "");
}

;// CONCATENATED MODULE: ./src/config/config.ts







function parseInputs(raw, problems) {
    const parsed = {};
    for (const [input, parse] of Object.entries(parsers)) {
        try {
            parsed[input] = parse(raw[input]);
        }
        catch (error) {
            if (!problems.some((p) => p.input === input))
                problems.push({ input, message: (0,errors/* errorMessage */.gJ)(error) });
        }
    }
    return problems.length === 0 ? parsed : undefined;
}
function configError(problems) {
    const [first] = problems;
    if (!first)
        throw new Error("unreachable: parseConfig found no problem and no config");
    const error = new errors/* ConfigError */.xL(first.input, first.message);
    if (problems.length > 1) {
        error.message = problems.map((p) => `Input "${p.input}": ${p.message}`).join("\n");
    }
    return error;
}
function parseConfig(raw, ci) {
    const problems = checkRawInputs(raw);
    const parsed = parseInputs(raw, problems);
    if (parsed) {
        const derived = derive(parsed, ci);
        problems.push(...checkParsedInputs(parsed, derived));
        if (problems.length === 0)
            return { ...interpret(parsed, ci, derived), spacedSecrets: spacedSecrets(raw) };
    }
    throw configError(problems);
}

;// CONCATENATED MODULE: ./src/config/fork.ts
const FORK_HELP = {
    github: 'GitHub gives the workflows of pull requests from forks no secrets (dokploy-api-key is empty); nothing was built or sent. To preview it, push its branch to this repository, or see "Pull requests from forks" in the README for a label-triggered workflow and its pull_request_target caveats.',
    gitlab: "GitLab runs the pipeline of a merge request from a fork in the fork's project, without this project's CI/CD variables (dokploy-api-key is empty); nothing was built or sent. To preview it, a maintainer can run the merge request's pipeline in this project (Run pipeline on its Pipelines tab), after reading the change.",
};
function forkPreviewSkip(raw, ci, on = "github") {
    const mode = (raw.preview ?? "").trim().toLowerCase();
    const fork = ci.pullRequest?.fromFork;
    if (mode === "" || mode === "off" || !fork || (raw["dokploy-api-key"] ?? "").trim() !== "")
        return undefined;
    const what = on === "gitlab" ? "merge request" : "pull request";
    return `No preview for ${what} ${ci.pullRequest?.number ?? ""}: it comes from ${fork}, and ${FORK_HELP[on]}`;
}

;// CONCATENATED MODULE: ./src/build/build-secrets.ts
function secretFileName(position) {
    return `build-secret-${String(position)}`;
}
function secretArgs(secrets, outDir) {
    return secrets.flatMap((secret, i) => [
        "--secret",
        secret.kind === "spec" ? secret.spec : `id=${secret.id},src=${outDir}/${secretFileName(i + 1)}`,
    ]);
}
async function writeBuildSecrets(secrets, temp) {
    for (const [i, secret] of secrets.entries()) {
        if (secret.kind === "value")
            await temp.writeFile(secretFileName(i + 1), secret.value);
    }
}
function buildSecretEnvNames(config) {
    const names = [];
    for (const secret of config.buildSecrets) {
        if (secret.kind !== "spec")
            continue;
        const fields = Object.fromEntries(secret.spec.split(",").map((f) => [f.split("=")[0]?.trim().toLowerCase() ?? "", f.slice(f.indexOf("=") + 1)]));
        const source = fields.src ?? fields.source;
        const name = fields.env ?? (fields.type === "env" ? (source ?? fields.id) : source === undefined ? fields.id : undefined);
        if (name)
            names.push(name);
    }
    return names;
}

;// CONCATENATED MODULE: ./src/build/cache.ts

const NO_CACHE = { from: [], to: [] };
const BUILDCACHE_TAG = "buildcache";
function autoCacheWanted(config) {
    return config.build && config.cache === "auto" && config.cacheFrom.length === 0 && config.cacheTo.length === 0;
}
const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const REFERENCE = new RegExp(`^(?:[A-Za-z0-9.-]+(?::[0-9]{1,5})?/)?${COMPONENT}(?:/${COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`);
function cacheImages(config, running) {
    const images = [];
    for (const ref of running.map((r) => r.trim())) {
        if (REFERENCE.test(ref) && (0,shared_image/* registryOfReference */.S0)(ref) === (0,shared_image/* normalizeRegistryHost */.Z6)(config.image.registry)) {
            images.push(ref);
        }
    }
    for (const tag of config.extraTags)
        images.push((0,shared_image/* imageRef */.D6)(config.image, tag));
    return [...new Set(images)];
}
function cacheEnvNames(config) {
    const given = [...config.cacheFrom, ...config.cacheTo].some((c) => /(^|,)\s*type=gha\s*(,|$)/.test(c));
    return given || (autoCacheWanted(config) && config.ci.actionsCache === true) ? ["ACTIONS_RUNTIME_TOKEN"] : [];
}
function buildxCacheFlags(config, builder, images, options) {
    const sources = images.map((image) => `type=registry,ref=${image}`);
    if (builder === "docker")
        return { from: sources, to: ["type=inline"] };
    const lenient = options.ignoreError ? ",ignore-error=true" : "";
    if (options.gha)
        return { from: ["type=gha", ...sources], to: options.write ? [`type=gha,mode=max${lenient}`] : [] };
    const buildcache = (0,shared_image/* imageRef */.D6)(config.image, BUILDCACHE_TAG);
    return {
        from: [`type=registry,ref=${buildcache}`, ...sources],
        to: options.write ? [`type=registry,ref=${buildcache},mode=max${lenient}`] : [],
    };
}
function takesIgnoreError(version) {
    const match = /^v?(\d+)\.(\d+)/.exec(version ?? "");
    if (!match)
        return false;
    const [major, minor] = [Number(match[1]), Number(match[2])];
    return major > 0 || minor >= 11;
}
class CacheImportWatch {
    importing = new Map();
    failed = new Map();
    line(text) {
        const started = /^#(\d+) importing cache manifest from (\S+)/.exec(text);
        if (started?.[1] && started[2]) {
            this.importing.set(started[1], started[2]);
            return;
        }
        const error = /^#(\d+) ERROR: (.*)$/.exec(text);
        const ref = error?.[1] ? this.importing.get(error[1]) : undefined;
        if (ref && !this.failed.has(ref))
            this.failed.set(ref, error?.[2]?.trim() ?? "");
    }
}
function unreadableSources(failed) {
    if (failed.size === 0)
        return undefined;
    const list = [...failed].map(([ref, why]) => (why ? `${ref} (${why})` : ref)).join("; ");
    return `Build cache: could not read ${list}; the build does without ${failed.size === 1 ? "it" : "them"}.`;
}

;// CONCATENATED MODULE: ./src/report/verdict.ts

const VERDICTS = {
    cancelled: { emoji: "⏹️", mark: "✖", words: "Deploy cancelled" },
    failed: { emoji: "❌", mark: "✖", words: "Deploy failed" },
    "removal-failed": { emoji: "❌", mark: "✖", words: "Preview removal failed" },
    "dry-run": { emoji: "📝", mark: "✔", words: "Dry run" },
    built: { emoji: "✅", mark: "✔", words: "Built (push and deploy: false)" },
    "built-pushed": { emoji: "✅", mark: "✔", words: "Built and pushed (deploy: false)" },
    superseded: { emoji: "⚠️", mark: "⚠", words: "Superseded by a later run" },
    queued: { emoji: "⏳", mark: "✔", words: "Queued in Dokploy" },
    deployed: { emoji: "✅", mark: "✔", words: "Deployed" },
    removed: { emoji: "🗑️", mark: "✔", words: "Preview removed" },
    pruned: { emoji: "🗑️", mark: "✔", words: "Old previews removed" },
};
function verdictOf(inputs, outcome) {
    const kind = kindOf(inputs, outcome);
    return { kind, ...VERDICTS[kind] };
}
function kindOf(inputs, { result, error }) {
    const removing = inputs.preview?.mode === "close" || inputs.preview?.mode === "prune";
    if (error)
        return error instanceof errors/* CancelledError */.cc ? "cancelled" : removing ? "removal-failed" : "failed";
    if (result.plan)
        return "dry-run";
    if (removing)
        return inputs.preview?.mode === "close" ? "removed" : "pruned";
    if (!inputs.deploy)
        return inputs.pushImage ? "built-pushed" : "built";
    if (result.deploymentStatus === "superseded")
        return "superseded";
    return inputs.wait ? "deployed" : "queued";
}

;// CONCATENATED MODULE: ./src/report/model.ts


function checkedRow(target) {
    const name = target.name ?? target.id;
    return { ...target, name, label: name };
}
function givenRow(spec) {
    const id = spec.id ?? spec.name;
    return { kind: spec.kind, id, name: id, label: describeTarget(spec) };
}
function targetRows(config, result) {
    return result.targets.length > 0 ? result.targets.map(checkedRow) : config.targets.map(givenRow);
}
function headlineOf(config, result, targets) {
    if (!config.deploy)
        return { subject: result.image, more: 0 };
    const more = Math.max(targets.length, config.targets.length) - 1;
    return { subject: targets[0]?.label ?? "", more: Math.max(0, more) };
}
function removalOf(config) {
    const preview = config.preview;
    if (preview?.mode === "close")
        return { mode: "close", name: preview.name, pullRequest: preview.number };
    return preview?.mode === "prune" ? { mode: "prune" } : undefined;
}
function reportModel(config, outcome) {
    const { result, error } = outcome;
    const targets = targetRows(config, result);
    return {
        verdict: verdictOf(config, outcome),
        headline: headlineOf(config, result, targets),
        image: result.image,
        digest: result.digest,
        deploying: config.deploy ? { method: config.deployMethod, targets } : undefined,
        registryId: result.registryId,
        health: result.health,
        previewUrl: result.previewUrl,
        removal: removalOf(config),
        changes: outcome.changes,
        plan: result.plan,
        timings: result.timings,
        failure: error?.message,
        commit: config.ci.sha || undefined,
        evidence: result.evidence ?? [],
    };
}

// EXTERNAL MODULE: ./src/shared/log.ts + 1 modules
var log = __nccwpck_require__(9847);
;// CONCATENATED MODULE: ./src/report/markdown.ts
function escapeCell(text) {
    return text.replace(/\|/g, "\\|").replace(/\r?\n|\r/g, " ");
}
function codeBlock(text) {
    const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
    const fence = "`".repeat(longest + 1);
    return [fence, text, fence];
}
function inlineCode(text) {
    return `\`${text.replace(/`/g, "'").replace(/\r?\n|\r/g, " ")}\``;
}
function htmlCode(text) {
    const escaped = text
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;")
        .replace(/'/g, "&#39;")
        .replace(/\r?\n|\r/g, " ");
    return `<code>${escaped}</code>`;
}
function markdown_link(text, url) {
    if (!url)
        return text;
    const safe = url.replace(/[()<>\s"]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
    return `[${text}](${safe})`;
}
function keyValueTable(rows) {
    return ["| | |", "|---|---|", ...rows.map(([key, value]) => `| ${key} | ${escapeCell(value)} |`)];
}
function targetLink(target) {
    return markdown_link(inlineCode(target.name), target.url);
}
function headingOf(model) {
    const { verdict, headline } = model;
    const more = headline.more > 0 ? ` and ${String(headline.more)} more` : "";
    return `${verdict.emoji} ${verdict.words}: ${inlineCode(headline.subject)}${more}`;
}
function evidenceBlocks(model, limit) {
    return model.evidence.flatMap(({ target, sections }) => {
        const share = Math.max(200, Math.floor(limit / Math.max(1, sections.length)));
        const parts = sections.flatMap((section) => {
            const heading = `**${section.title}**${section.subject ? ` ${inlineCode(section.subject)}` : ""}`;
            const note = section.note ? [`_${section.note.replace(/[_*`<>[\]]/g, "")}_`, ""] : [];
            const text = section.lines.join("\n");
            const kept = text.length > share ? `…${text.slice(text.length - share)}` : text;
            return [heading, "", ...note, ...(section.lines.length > 0 ? [...codeBlock(kept), ""] : [])];
        });
        return ["", `<details><summary>What went wrong in ${htmlCode(target)}</summary>`, "", ...parts, "</details>", ""];
    });
}

;// CONCATENATED MODULE: ./src/report/summary.ts


const EVIDENCE_MAX = 60_000;
const TARGET_ERROR_MAX = 300;
function deploymentCell(target) {
    const status = target?.deploymentStatus === undefined ? undefined : inlineCode(target.deploymentStatus);
    if (!target?.deploymentId)
        return status ?? "—";
    return `${inlineCode(target.deploymentId)}${status ? ` (${status})` : ""}`;
}
function rowsOf(model) {
    const rows = [
        ["Image", inlineCode(model.image)],
        ["Digest", model.digest ? inlineCode(model.digest) : "—"],
    ];
    const { deploying } = model;
    const [only, ...others] = deploying?.targets ?? [];
    if (deploying && only && others.length === 0) {
        rows.push([only.kind === "compose" ? "Compose" : "Application", targetLink(only)]);
    }
    if (deploying)
        rows.push(["Method", deploying.method]);
    if (deploying && only && others.length === 0)
        rows.push(["Deployment", deploymentCell(only)]);
    if (model.registryId)
        rows.push(["Registry entry", inlineCode(model.registryId)]);
    if (model.previewUrl)
        rows.push(["Preview", model.previewUrl]);
    if (model.health)
        rows.push(["Health", model.health]);
    return rows;
}
function targetTable(targets) {
    if (targets.length < 2)
        return [];
    const rows = ["| Target | Kind | Deployment | Error |", "|---|---|---|---|"];
    for (const t of targets) {
        const error = t.error === undefined ? "" : inlineCode((0,log/* cut */.Jj)(t.error, TARGET_ERROR_MAX));
        const cells = [targetLink(t), t.kind, deploymentCell(t), error];
        rows.push(`| ${cells.map(escapeCell).join(" | ")} |`);
    }
    return [...rows, ""];
}
function endingOf(model) {
    if (model.failure !== undefined)
        return [...codeBlock((0,log/* cut */.Jj)(model.failure, log/* MESSAGE_LIMIT */.Gy)), ""];
    if (model.changes.length === 0)
        return [];
    return ["Changed in Dokploy:", "", ...model.changes.map((change) => `- ${inlineCode(change)}`), ""];
}
function timingTable(model) {
    if (model.timings.length === 0)
        return [];
    const rows = model.timings.map((t) => `| ${escapeCell(inlineCode(t.step))} | ${t.seconds.toFixed(1)} |`);
    return ["| Step | Seconds |", "|---|---:|", ...rows, ""];
}
function summaryMarkdown(model) {
    const plan = model.plan ? ["Plan:", "", ...model.plan.map((p, i) => `${String(i + 1)}. ${inlineCode(p)}`), ""] : [];
    return [
        `## ${headingOf(model)}`,
        "",
        ...keyValueTable(rowsOf(model)),
        "",
        ...targetTable(model.deploying?.targets ?? []),
        ...endingOf(model),
        ...evidenceBlocks(model, EVIDENCE_MAX),
        ...(model.evidence.length > 0 ? [""] : []),
        ...plan,
        ...timingTable(model),
    ].join("\n");
}

;// CONCATENATED MODULE: ./src/record/result-of.ts
function resultOf(ledger, image, tag) {
    const entries = ledger.entries;
    const last = (kind) => entries.findLast((e) => e.kind === kind);
    const targets = ledger.targets();
    const [first] = targets;
    const built = last("built");
    return {
        image,
        tag,
        digest: ledger.digest(image),
        registryId: last("registry-id")?.registryId,
        targets,
        deploymentId: first?.deploymentId,
        deploymentStatus: first?.deploymentStatus,
        applicationUrl: first?.url,
        applicationName: first?.name,
        health: last("health")?.answer,
        previewUrl: last("preview")?.url,
        imageId: built?.imageId,
        metadata: built?.metadata,
        timings: entries.flatMap((e) => (e.kind === "timing" ? [{ step: e.step, seconds: e.seconds }] : [])),
        plan: last("plan")?.lines.slice(),
        evidence: entries.flatMap((e) => e.kind === "evidence"
            ? [{ target: targets.find((t) => t.id === e.target)?.name ?? e.target, sections: e.sections }]
            : []),
    };
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
;// CONCATENATED MODULE: ./src/build/dockerfile.ts

function quoteLabelPart(text, escape) {
    const special = escape === "`" ? /[`"$]/g : /[\\"$]/g;
    return `"${text.replace(special, (c) => `${escape}${c}`).replace(/\r?\n/g, " ")}"`;
}
function dockerfileEscape(lines) {
    for (const line of lines) {
        const directive = /^\s*#\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(line);
        if (!directive)
            break;
        if (directive[1]?.toLowerCase() === "escape" && (directive[2] === "`" || directive[2] === "\\"))
            return directive[2];
    }
    return "\\";
}
function labelLine(labels, escape) {
    const pairs = labels.map((label) => {
        const eq = label.indexOf("=");
        return `${quoteLabelPart(label.slice(0, eq), escape)}=${quoteLabelPart(label.slice(eq + 1), escape)}`;
    });
    return `LABEL ${pairs.join(" ")}`;
}
function dockerfileWithLabels(text, labels, target) {
    const lines = text.split(/\r?\n/);
    const escape = dockerfileEscape(lines);
    let continued = false;
    let inTarget = false;
    let found = target === undefined;
    let afterFromAt;
    let fromOpen = false;
    let endAt;
    for (let i = 0; i < lines.length; i++) {
        const trimmed = (lines[i] ?? "").trim();
        if (!continued && /^from\s/i.test(trimmed)) {
            if (inTarget && endAt === undefined)
                endAt = i;
            const name = /\sas\s+(\S+)$/i.exec(trimmed)?.[1];
            inTarget = target !== undefined && name?.toLowerCase() === target.toLowerCase();
            if (inTarget)
                found = true;
            fromOpen = endAt === undefined && (inTarget || target === undefined);
        }
        if (trimmed === "" || trimmed.startsWith("#"))
            continue;
        continued = trimmed.endsWith(escape);
        if (fromOpen && !continued) {
            afterFromAt = i + 1;
            fromOpen = false;
        }
    }
    if (!found || continued || afterFromAt === undefined)
        return undefined;
    let at = endAt ?? lines.length;
    while (at > afterFromAt && (lines[at - 1] ?? "").trim() === "")
        at -= 1;
    const out = [...lines];
    if (labels.atEnd.length > 0)
        out.splice(at, 0, labelLine(labels.atEnd, escape));
    if (labels.afterFrom.length > 0)
        out.splice(afterFromAt, 0, labelLine(labels.afterFrom, escape));
    return out.join("\n");
}
function pullsFrom(dockerfile, registry) {
    const host = (0,shared_image/* normalizeRegistryHost */.Z6)(registry);
    const images = [];
    for (const line of dockerfile.split(/\r?\n/)) {
        const from = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)/i.exec(line);
        if (from?.[1])
            images.push(from[1]);
        for (const copy of line.matchAll(/--from=(\S+)/gi))
            if (copy[1])
                images.push(copy[1]);
    }
    return images.some((image) => (0,shared_image/* registryOfReference */.S0)(image) === host);
}

;// CONCATENATED MODULE: ./src/build/docker.ts





const METADATA_FILE = "build-metadata.json";
const IID_FILE = "build-iid";
const KEPT_LINES = 200;
function stableOciLabels(config) {
    const labels = [];
    if (config.ci.repositoryUrl)
        labels.push(`org.opencontainers.image.source=${config.ci.repositoryUrl}`);
    const title = config.ci.repository?.split("/").at(-1) ?? config.image.path.split("/").at(-1);
    if (title)
        labels.push(`org.opencontainers.image.title=${title}`);
    return labels;
}
function ociLabels(config, created) {
    const labels = [`org.opencontainers.image.created=${created.toISOString()}`];
    if (config.ci.sha)
        labels.push(`org.opencontainers.image.revision=${config.ci.sha}`);
    return [...labels, ...stableOciLabels(config)];
}
function pushRefs(config) {
    return [config.tag, ...config.extraTags].map((t) => (0,shared_image/* imageRef */.D6)(config.image, t));
}
function allLabels(config, created) {
    return [...ociLabels(config, created), ...config.labels];
}
function classicLabels(config) {
    return { afterFrom: stableOciLabels(config), atEnd: config.labels };
}
function buildArgv(config, options) {
    const argv = options.buildx ? ["buildx", "build"] : ["build"];
    const file = options.labelledDockerfile ?? config.file;
    if (file)
        argv.push("--file", file);
    for (const ref of pushRefs(config))
        argv.push("--tag", ref);
    if (!options.labelledDockerfile) {
        const classic = classicLabels(config);
        const labels = options.buildx ? allLabels(config, options.created) : [...classic.afterFrom, ...classic.atEnd];
        for (const label of labels)
            argv.push("--label", label);
    }
    for (const arg of config.buildArgs)
        argv.push("--build-arg", arg);
    if (config.target)
        argv.push("--target", config.target);
    if (config.network)
        argv.push("--network", config.network);
    const cache = options.cache ?? NO_CACHE;
    if (!options.buildx)
        for (const image of cache.from)
            argv.push("--cache-from", image);
    if (options.buildx) {
        if (config.platforms.length > 0)
            argv.push("--platform", config.platforms.join(","));
        for (const c of [...config.cacheFrom, ...cache.from])
            argv.push("--cache-from", c);
        for (const c of [...config.cacheTo, ...cache.to])
            argv.push("--cache-to", c);
        argv.push(...secretArgs(config.buildSecrets, options.outDir));
        if (config.provenance !== undefined)
            argv.push(`--provenance=${config.provenance}`);
        if (config.sbom !== undefined)
            argv.push(`--sbom=${config.sbom}`);
        argv.push("--metadata-file", `${options.outDir}/${METADATA_FILE}`);
    }
    argv.push("--iidfile", `${options.outDir}/${IID_FILE}`);
    if (options.buildx && config.pushImage && !options.intoEngine)
        argv.push("--push");
    argv.push(config.context);
    return argv;
}
function loginArgv(registry, username) {
    return ["login", registry, "--username", username, "--password-stdin"];
}
function pushArgv(ref) {
    return ["push", ref];
}
function parsePushDigest(output, from = "docker push") {
    const given = [...output.matchAll(/(?:^|\s)digest: (.*) size: \d+\s*$/gm)].at(-1)?.[1];
    return given === undefined ? undefined : (0,shared_image/* checkedDigest */.oM)(given, from);
}
function parseMetadataDigest(json) {
    const data = JSON.parse(json);
    const digest = data["containerimage.digest"];
    return typeof digest === "string" ? (0,shared_image/* checkedDigest */.oM)(digest, "buildx's metadata file") : undefined;
}
function asksForAttestation(value) {
    return value !== undefined && !/^(false|0|f)$/i.test(value);
}
function buildxOnlyInputs(config) {
    const used = [];
    if (config.platforms.length > 0)
        used.push("platforms");
    if (config.cacheFrom.length > 0)
        used.push("cache-from");
    if (config.cacheTo.length > 0)
        used.push("cache-to");
    if (config.buildSecrets.length > 0)
        used.push("build-secrets");
    if (asksForAttestation(config.provenance))
        used.push("provenance");
    if (asksForAttestation(config.sbom))
        used.push("sbom");
    return used;
}
async function readBuildOutputs(temp) {
    const [metadata, iid] = await Promise.all([temp.readFile(METADATA_FILE), temp.readFile(IID_FILE)]);
    let parsed;
    try {
        parsed = metadata === undefined ? undefined : JSON.parse(metadata);
    }
    catch {
        parsed = undefined;
    }
    return {
        digest: metadata && parsed !== undefined ? parseMetadataDigest(metadata) : undefined,
        imageId: iid?.trim() || undefined,
        metadata: parsed === undefined ? undefined : JSON.stringify(parsed),
    };
}
class Docker {
    exec;
    logger;
    env;
    constructor(exec, logger, env = {}) {
        this.exec = exec;
        this.logger = logger;
        this.env = env;
    }
    withConfigDir(dir) {
        return new Docker(this.exec, this.logger, { ...this.env, DOCKER_CONFIG: dir });
    }
    async hasBuildx() {
        const result = await this.exec("docker", ["buildx", "version"], { env: this.env });
        return result.exitCode === 0;
    }
    async login(registry, credentials, signal) {
        const argv = loginArgv(registry, credentials.username);
        const result = await this.exec("docker", argv, { env: this.env, input: credentials.password, signal });
        if (result.exitCode !== 0) {
            throw new errors/* CommandError */.Qd(`docker login to ${registry} as ${credentials.username} (check registry-username and registry-password)`, ["docker", ...argv], result.exitCode, result.stderr || result.stdout);
        }
        this.logger.info(`Logged in to ${registry} as ${credentials.username}`);
    }
    async run(step, argv, signal, watch) {
        this.logger.info(`$ docker ${argv.join(" ")}`);
        const output = [];
        const result = await this.exec("docker", argv, {
            env: this.env,
            signal,
            onLine: (line) => {
                output.push(line);
                if (output.length > KEPT_LINES)
                    output.shift();
                this.logger.info(line);
                watch?.(line);
            },
        });
        const text = output.length > 0 ? output.join("\n") : `${result.stdout}\n${result.stderr}`;
        if (result.exitCode !== 0)
            throw new errors/* CommandError */.Qd(step, ["docker", ...argv], result.exitCode, text);
        return text;
    }
    build(argv, signal, watch) {
        if (argv[0] !== "build")
            return this.run("docker build", argv, signal, watch);
        this.logger.info("Classic builder (DOCKER_BUILDKIT=0): builder is classic, or docker cannot run buildx here");
        const classic = new Docker(this.exec, this.logger, { ...this.env, DOCKER_BUILDKIT: "0" });
        return classic.run("docker build", argv, signal);
    }
    async inspectBuilder() {
        const signal = AbortSignal.timeout(10_000);
        const result = await this.exec("docker", ["buildx", "inspect", "--debug"], { env: this.env, signal });
        return result.exitCode === 0 ? result.stdout : undefined;
    }
    async holdsImagesOf(repository, signal) {
        const result = await this.exec("docker", ["images", "--quiet", repository], { env: this.env, signal });
        return result.exitCode === 0 && result.stdout.trim() !== "";
    }
    async pullQuietly(ref, signal) {
        const result = await this.exec("docker", ["pull", "--quiet", ref], { env: this.env, signal });
        if (result.exitCode === 0)
            return undefined;
        const said = (result.stderr.trim() || result.stdout.trim()).split("\n").at(-1)?.trim();
        return said || `docker pull exited with ${String(result.exitCode)}`;
    }
    async push(ref, signal) {
        const out = await this.run(`docker push ${ref}`, pushArgv(ref), signal);
        return parsePushDigest(out, `docker push ${ref}`);
    }
}

// EXTERNAL MODULE: ./src/record/context.ts
var context = __nccwpck_require__(7602);
;// CONCATENATED MODULE: ./src/record/entries.ts
const CHANGE_KINDS = new Set([
    "temp-files",
    "pushed",
    "registry-entry",
    "provider",
    "compose-env",
    "deployment",
    "rollback",
    "preview-created",
    "preview-service",
    "preview-domain",
    "preview-removed",
]);
function isChange(entry) {
    return CHANGE_KINDS.has(entry.kind);
}
function isObserved(entry) {
    return isChange(entry) || entry.kind === "preview";
}

;// CONCATENATED MODULE: ./src/record/describe.ts

function lastStatuses(entries) {
    const statuses = new Map();
    for (const entry of entries) {
        if (entry.kind === "deployment-status" && entry.said === "dokploy") {
            statuses.set(entry.target, { status: entry.status, deploymentId: entry.deploymentId });
        }
    }
    return statuses;
}
function dokployChanges(entries) {
    const statuses = lastStatuses(entries);
    return entries.filter(isChange).flatMap((change) => {
        switch (change.kind) {
            case "registry-entry":
                return [`registry entry "${change.name}" (${change.registryId}) ${change.action}`];
            case "provider":
                return [describeProvider(change)];
            case "compose-env":
                return [describeComposeEnv(change)];
            case "deployment": {
                const seen = change.targetId === undefined ? undefined : statuses.get(change.targetId);
                return [describeDeployment(change, seen)];
            }
            case "rollback":
                return [change.outcome];
            case "preview-created":
                return [`preview environment "${change.name}" (${change.environmentId}) created`];
            case "preview-service":
                return [
                    `${change.service ?? "application"} "${change.name}" (${change.appName}, ${change.id}) created in the preview`,
                ];
            case "preview-domain":
                return [`domain ${change.host} added to ${change.appName}`];
            case "preview-removed":
                return [`${change.what} removed`];
            default:
                return [];
        }
    });
}
function pushedRefs(entries) {
    return entries.flatMap((c) => (c.kind === "pushed" ? [c.ref] : []));
}
function describeChanges(entries) {
    const dokploy = dokployChanges(entries);
    const pushed = pushedRefs(entries);
    const lines = [];
    if (pushed.length > 0)
        lines.push(`Pushed: ${pushed.join(", ")}.`);
    if (dokploy.length === 0)
        lines.push("Nothing was changed in Dokploy.");
    else
        lines.push("Changed in Dokploy:", ...dokploy.map((line) => `- ${line}`));
    const pointed = entries.filter((c) => (c.kind === "provider" || c.kind === "compose-env") && !c.rollback);
    const triggered = entries.filter((c) => c.kind === "deployment");
    if (pointed.length > 0 && triggered.length === 0) {
        lines.push("- no deployment was triggered: the running containers still run the previous image");
    }
    else if (pointed.length > triggered.length) {
        lines.push("- some targets were pointed at the image but not redeployed: their containers still run the previous image");
    }
    return lines.join("\n");
}
function describeProvider(change) {
    const was = change.from ? ` (was ${change.from})` : "";
    if (change.rollback)
        return `application ${change.application} points at ${change.to} again`;
    if (change.uncertain) {
        return `application ${change.application} may now point at ${change.to}${was}: its answer was lost; check it in Dokploy`;
    }
    return `application ${change.application} now points at ${change.to}${was}`;
}
function describeComposeEnv(change) {
    const set = change.variables.map((v) => `${v.name}=${v.to}`).join(", ");
    const was = change.variables.map((v) => (v.from === undefined ? `no ${v.name}` : `${v.name}=${v.from}`)).join(", ");
    if (change.rollback)
        return `compose ${change.compose} has its environment as before again (${was})`;
    if (change.uncertain) {
        return `compose ${change.compose} may now have ${set} in its environment (was ${was}): its answer was lost; check it in Dokploy`;
    }
    return `compose ${change.compose} now has ${set} in its environment (was ${was}; its other variables untouched)`;
}
function describeDeployment(change, seen) {
    const id = seen?.deploymentId;
    const name = `${change.target ? `${change.target}: ` : ""}${change.method} "${change.title}"${id ? ` (deployment ${id})` : ""}`;
    switch (change.status ?? seen?.status) {
        case "uncertain":
            return `${name} may have been triggered (its answer was lost): see ${change.url}`;
        case undefined:
        case "queued":
            return `${name} was triggered and is queued or running in Dokploy, which goes on with it whatever this step does: see Deployments at ${change.url}`;
        case "running":
            return `${name} is running in Dokploy, which goes on with it whatever this step does: see Deployments at ${change.url}`;
        default:
            return `${name} ended ${seen?.status ?? ""}: see ${change.url}`;
    }
}

;// CONCATENATED MODULE: ./src/record/ledger.ts



class Ledger {
    observe;
    list = [];
    cleanUps = [];
    constructor(observe) {
        this.observe = observe;
    }
    record(entry) {
        const frozen = Object.freeze({ ...entry });
        this.list.push(frozen);
        if (isObserved(frozen)) {
            try {
                this.observe?.(frozen);
            }
            catch {
            }
        }
        return frozen;
    }
    temporary(path, what, remove) {
        const entry = { change: this.record({ kind: "temp-files", path, what }), run: remove, done: false };
        this.cleanUps.push(entry);
        return () => this.cleanUpOne(entry);
    }
    get entries() {
        return this.list;
    }
    async cleanUp(logger) {
        for (const entry of this.cleanUps) {
            await this.cleanUpOne(entry).catch((error) => {
                logger.warn(`Could not remove the ${entry.change.kind === "temp-files" ? entry.change.what : "files"}: ${(0,errors/* errorMessage */.gJ)(error)}`);
            });
        }
    }
    async cleanUpOne(entry) {
        if (entry.done)
            return;
        await entry.run();
        entry.done = true;
    }
    dokployChanges() {
        return dokployChanges(this.list);
    }
    pushed() {
        return pushedRefs(this.list);
    }
    report() {
        return describeChanges(this.list);
    }
    digest(deployRef) {
        const pushed = this.list.find((e) => e.kind === "pushed" && e.ref === deployRef);
        const digest = pushed?.kind === "pushed" ? pushed.digest : undefined;
        return digest ?? this.served("pull")?.digest;
    }
    served(to) {
        return this.list.findLast((e) => e.kind === "served" && e.to === to);
    }
    changed(targetId) {
        return this.list.some((e) => (e.kind === "provider" || e.kind === "compose-env") && e.target === targetId && !e.rollback);
    }
    targets() {
        const found = new Map();
        for (const entry of this.list) {
            if (entry.kind === "target") {
                const known = found.get(entry.id);
                found.set(entry.id, {
                    ...known,
                    kind: entry.targetKind,
                    id: entry.id,
                    name: entry.name ?? known?.name,
                    url: entry.url ?? known?.url,
                });
                continue;
            }
            const target = "target" in entry && entry.target !== undefined ? found.get(entry.target) : undefined;
            if (!target)
                continue;
            if (entry.kind === "deployment-status") {
                target.deploymentStatus = entry.status;
                target.deploymentId = entry.deploymentId ?? target.deploymentId;
            }
            else if (entry.kind === "target-failed")
                target.error = entry.error;
        }
        const templates = new Set(this.list.flatMap((e) => (e.kind === "preview" ? [e.templateId] : [])));
        return [...found.values()].filter((t) => !templates.has(t.id));
    }
    before(id) {
        const found = this.list.findLast((e) => e.kind === "target" && e.id === id && e.before !== undefined);
        return found?.kind === "target" ? found.before : undefined;
    }
    server(id) {
        const found = this.list.findLast((e) => e.kind === "target" && e.id === id && e.server !== undefined);
        return found?.kind === "target" ? found.server : undefined;
    }
    target(id) {
        return this.targets().find((t) => t.id === id);
    }
}

// EXTERNAL MODULE: ./src/shared/retry.ts
var retry = __nccwpck_require__(3091);
// EXTERNAL MODULE: ./src/shared/signals.ts
var signals = __nccwpck_require__(6692);
;// CONCATENATED MODULE: ./src/pipeline/context.ts










function createContext(config, ports, signal) {
    const redactor = new log/* Redactor */.pO();
    for (const secret of secretsOf(config))
        redactor.add(secret);
    const logger = (0,log/* redactingLogger */.S)(ports.logger, redactor);
    const ledger = new Ledger(ports.onChange);
    const sleep = async (ms, wake) => {
        await (0,signals/* withLinkedSignal */.M)([wake, signal], undefined, (either) => ports.sleep(ms, either));
        (0,context/* stopIfCancelled */.FE)({ signal, ledger });
    };
    const cancellable = { ...ports, logger, sleep };
    return {
        config,
        ports: cancellable,
        logger,
        redactor,
        ledger,
        signal,
        image: (0,shared_image/* imageRef */.D6)(config.image, config.tag),
        docker: new Docker(ports.exec, logger),
        policy: { ...retry/* DEFAULT_RETRY */.vI, retries: config.retries, maxElapsedMs: config.retryMaxTimeSeconds * 1000 },
        retryPorts: { logger, clock: ports.clock, sleep, random: ports.random },
        runToken: (0,external_node_crypto_.randomBytes)(6).toString("hex"),
    };
}

;// CONCATENATED MODULE: ./src/build/builder.ts


async function buildsIntoEngine(config, ports, buildx) {
    return buildx && config.platforms.length <= 1 && ((await ports.buildxUsesDefaultBuilder?.()) ?? false);
}
async function enginePushFor(config, ports, buildx, intoEngine) {
    return config.push && config.pushImage && (!buildx || intoEngine) ? ports.enginePush?.() : undefined;
}
function parseBuilderInfo(text) {
    const name = /^Name:\s+(.+)$/m.exec(text)?.[1]?.trim();
    const driver = /^Driver:\s+(.+)$/m.exec(text)?.[1]?.trim();
    if (!name || !driver)
        return undefined;
    const features = new Map();
    let inFeatures = false;
    for (const line of text.split("\n")) {
        if (/^Features:\s*$/.test(line))
            inFeatures = true;
        else if (!/^\s/.test(line))
            inFeatures = false;
        else if (inFeatures) {
            const feature = /^\s+(.+?):\s+(true|false)\s*$/.exec(line);
            if (feature?.[1])
                features.set(feature[1], (features.get(feature[1]) ?? true) && feature[2] === "true");
        }
    }
    const buildkit = /^BuildKit version:\s+(\S+)/im.exec(text)?.[1];
    return { name, driver, features, buildkit };
}
function can(info, feature) {
    return info.features.get(feature) ?? info.driver !== "docker";
}
function exportsCache(info) {
    return can(info, "Cache export");
}
const SETUP = "Add docker/setup-buildx-action before this step (elsewhere: docker buildx create --use --driver docker-container)";
function unsupportedInputs(config, info) {
    const builder = `the builder "${info.name}" uses the ${info.driver} driver, which`;
    const problems = [];
    const exported = config.cacheTo.filter((c) => !/(^|,)type=inline(,|$)/.test(c));
    if (exported.length > 0 && !can(info, "Cache export")) {
        problems.push({
            input: "cache-to",
            message: `${builder} cannot export a build cache. ${SETUP}, or remove cache-to (type=inline works with any builder)`,
        });
    }
    if (config.platforms.length > 1 && !can(info, "Multi-platform build")) {
        problems.push({
            input: "platforms",
            message: `${builder} cannot build several platforms (${config.platforms.join(",")}). ${SETUP}, and docker/setup-qemu-action for RUN steps of other architectures; or give one platform`,
        });
    }
    for (const input of ["provenance", "sbom"]) {
        if (asksForAttestation(config[input]) && !can(info, "Multi-platform build")) {
            problems.push({ input, message: `${builder} cannot attach attestations. ${SETUP}, or set ${input} to false` });
        }
    }
    return problems;
}
function needsDriverCheck(config) {
    return (config.cacheTo.length > 0 ||
        config.platforms.length > 1 ||
        asksForAttestation(config.provenance) ||
        asksForAttestation(config.sbom));
}
function inputError(problems) {
    const [first] = problems;
    if (!first)
        return undefined;
    const error = new errors/* ConfigError */.xL(first.input, first.message);
    if (problems.length > 1)
        error.message = problems.map((p) => `Input "${p.input}": ${p.message}`).join("\n");
    return error;
}
async function inspectBuilder(config, ports, docker) {
    const temp = await ports.createDockerConfig(config.registry, { keepLogin: true });
    try {
        const text = await docker.withConfigDir(temp.dir).inspectBuilder();
        return text === undefined ? undefined : parseBuilderInfo(text);
    }
    finally {
        await temp.remove().catch(() => undefined);
    }
}
function missingBuildx(config, needBuildx) {
    const [first = "builder"] = needBuildx;
    if (config.builder === "buildx") {
        return new errors/* ConfigError */.xL("builder", "is buildx, but docker buildx is not installed here (no executable docker-buildx where the docker CLI looks for plugins). Add docker/setup-buildx-action before this step, or set builder to auto");
    }
    const given = needBuildx.join(", ");
    return new errors/* ConfigError */.xL(first, config.builder === "classic"
        ? `needs buildx, but builder is classic (${given} given). Set builder to auto or buildx, or remove ${given}`
        : `needs docker buildx, which is not installed here (${given} given). Add docker/setup-buildx-action before this step, or remove ${given}`);
}
async function chooseBuilder(config, ports, docker) {
    if (!config.build)
        return { probe: Promise.resolve(false) };
    const probe = config.builder === "classic" ? Promise.resolve(false) : (ports.hasBuildx?.() ?? docker.hasBuildx());
    const needBuildx = buildxOnlyInputs(config);
    if (needBuildx.length === 0 && !config.dryRun && config.builder !== "buildx")
        return { probe };
    const buildx = await probe;
    if (!buildx && (needBuildx.length > 0 || config.builder === "buildx"))
        throw missingBuildx(config, needBuildx);
    if (buildx && needsDriverCheck(config)) {
        const info = await inspectBuilder(config, ports, docker);
        const error = info && inputError(unsupportedInputs(config, info));
        if (error)
            throw error;
    }
    return { probe: Promise.resolve(buildx) };
}

;// CONCATENATED MODULE: ./src/build/cache-choice.ts


function chooseCache(ctx, docker, buildx, inputs) {
    if (!autoCacheWanted(ctx.config))
        return Promise.resolve(NO_CACHE);
    return buildx ? buildxCache(ctx, docker, inputs) : classicCache(ctx, docker, inputs);
}
function notThere(reason) {
    return /not found|manifest unknown|does not exist/i.test(reason);
}
function reportUnreadable(logger, failed) {
    const unreadable = unreadableSources(failed);
    if (!unreadable)
        return;
    if ([...failed.values()].every(notThere))
        logger.info(unreadable);
    else
        logger.warn(unreadable);
}
async function classicCache(ctx, docker, inputs) {
    const { config, logger } = ctx;
    const asked = await (inputs.engineHolds ?? ctx.ports.engineHoldsImagesOf?.(config.image.name));
    if (asked ?? (await docker.holdsImagesOf(config.image.name, inputs.signal))) {
        logger.info(`Build cache: the engine holds images of ${config.image.name}; the classic builder uses its own layers`);
        return NO_CACHE;
    }
    inputs.underWay();
    const images = cacheImages(config, await inputs.running());
    if (images.length === 0) {
        logger.info(`Build cache: no earlier image of ${config.image.name} to build from`);
        return NO_CACHE;
    }
    await inputs.login();
    const reasons = await Promise.all(images.map((image) => docker.pullQuietly(image, inputs.signal)));
    const failed = new Map();
    images.forEach((image, i) => {
        const reason = reasons[i];
        if (reason !== undefined)
            failed.set(image, reason);
    });
    reportUnreadable(logger, failed);
    const pulled = images.filter((image) => !failed.has(image));
    if (pulled.length > 0)
        logger.info(`Build cache: pulled ${pulled.join(", ")} to build from`);
    return { from: pulled, to: [] };
}
async function buildxBuilder(ctx, docker) {
    if (await ctx.ports.buildxUsesDefaultBuilder?.())
        return { kind: "docker", gha: false, ignoreError: false };
    const text = await docker.inspectBuilder();
    const info = text === undefined ? undefined : parseBuilderInfo(text);
    if (!info) {
        ctx.logger.info("Build cache: buildx did not describe its builder; using the cache any builder reads");
        return { kind: "docker", gha: false, ignoreError: false };
    }
    const kind = exportsCache(info) ? "buildkit" : "docker";
    return {
        kind,
        gha: kind === "buildkit" && ctx.config.ci.actionsCache === true,
        ignoreError: takesIgnoreError(info.buildkit),
    };
}
async function buildxCache(ctx, docker, inputs) {
    const { config, logger } = ctx;
    if (inputs.intoEngine && (await inputs.engineHolds)) {
        logger.info(`Build cache: the engine holds images of ${config.image.name}; buildx uses the engine's own cache`);
        return buildxCacheFlags(config, "docker", [], { gha: false, ignoreError: false, write: config.pushImage });
    }
    const builder = buildxBuilder(ctx, docker);
    builder.catch(() => undefined);
    inputs.underWay();
    const images = cacheImages(config, await inputs.running());
    const { kind, ...options } = await builder;
    const flags = buildxCacheFlags(config, kind, images, { ...options, write: config.pushImage });
    if (flags.from.some((source) => source.startsWith("type=registry,")))
        await inputs.login();
    return flags;
}

;// CONCATENATED MODULE: ./src/build/push.ts


function pusher(ctx, enginePush, docker, signal) {
    return enginePush
        ? (tag) => pushThroughEngine(ctx, enginePush, tag, signal)
        : (tag) => docker.push((0,shared_image/* imageRef */.D6)(ctx.config.image, tag), signal);
}
function startOnce(start, failed) {
    let started;
    return () => {
        if (!started) {
            started = start();
            started.catch(failed);
        }
        return started;
    };
}
function checkCredentialsOnceOnline(gate) {
    return gate.passed().then(({ online }) => checkCredentials(online), () => undefined);
}
async function checkCredentials(online) {
    const { config, logger } = online;
    if (!config.push)
        return;
    const { username } = config.push;
    try {
        await online.remote.checkPushLogin(config.image, config.push, {
            dispatcher: online.dispatcher,
            timeoutMs: config.requestTimeoutSeconds * 1000,
        });
    }
    catch (error) {
        if (!(error instanceof errors/* PullCheckError */.uw))
            throw error;
        throw new errors/* DeployError */.sH(`registry login to ${config.registry} as ${username} (check registry-username and registry-password) failed: ${error.message}`);
    }
    logger.info(`Pushing to ${config.registry} as ${username}: the engine gets the password in its request, no login is written`);
}
async function pushThroughEngine(ctx, push, tag, signal) {
    const { config, logger } = ctx;
    const credentials = config.push;
    if (!credentials)
        throw new Error("the engine's push needs registry credentials");
    const ref = (0,shared_image/* imageRef */.D6)(config.image, tag);
    logger.info(`Pushing ${ref} (the engine's push)`);
    const auth = { username: credentials.username, password: credentials.password, serveraddress: config.registry };
    try {
        const digest = await push(config.image.name, tag, auth, signal, (line) => {
            logger.info(line);
        });
        return digest;
    }
    catch (error) {
        if (signal.aborted)
            throw error;
        throw new errors/* DeployError */.sH(`push of ${ref} failed: ${(0,errors/* errorMessage */.gJ)(error)}`);
    }
}
async function pushTags(ctx, push, online) {
    const { config, ledger } = ctx;
    const digest = await push(config.tag);
    ledger.record({ kind: "pushed", ref: (0,shared_image/* imageRef */.D6)(config.image, config.tag), digest });
    if (config.extraTags.length === 0 || (await tagThroughApi(ctx, online, digest)))
        return;
    for (const tag of config.extraTags) {
        ledger.record({ kind: "pushed", ref: (0,shared_image/* imageRef */.D6)(config.image, tag), digest: await push(tag) });
    }
}
async function tagThroughApi(ctx, online, digest) {
    const { config, logger } = ctx;
    if (!config.push || !digest)
        return false;
    try {
        const tagged = await online.remote.tagManifest(config.image, config.tag, config.extraTags, config.push, {
            dispatcher: online.dispatcher,
            timeoutMs: config.requestTimeoutSeconds * 1000,
            expected: digest,
        });
        for (const [tag, said] of tagged.digests) {
            if (said !== undefined && said !== digest)
                throw new Error(`the registry gave ${tag} the digest ${said}`);
        }
        ctx.ledger.record({ kind: "served", to: "push", ...tagged.served });
        for (const tag of config.extraTags) {
            const ref = (0,shared_image/* imageRef */.D6)(config.image, tag);
            ctx.ledger.record({ kind: "pushed", ref, digest });
            logger.info(`Tagged ${ref} (${digest}) through the registry's API`);
        }
        return true;
    }
    catch (error) {
        logger.debug(`Tagging through the registry's API did not work (${(0,errors/* errorMessage */.gJ)(error)}); pushing with docker`);
        return false;
    }
}

;// CONCATENATED MODULE: ./src/build/build-and-push.ts







const LABELLED_DOCKERFILE = "Dockerfile.labelled";
async function readDockerfile(ctx) {
    const { config, ports } = ctx;
    if (!ports.readText || /^[a-z]+:\/\//i.test(config.context) || config.file === "-")
        return undefined;
    return ports.readText(config.file ?? `${config.context.replace(/\/+$/, "")}/Dockerfile`);
}
async function buildAndPush(ctx, gate, hasBuildx) {
    const { config, ports, ledger } = ctx;
    const intoEngine = hasBuildx.then((buildx) => buildsIntoEngine(config, ports, buildx));
    const engineHolds = Promise.all([hasBuildx, intoEngine]).then(([buildx, engine]) => (buildx && !engine) || !autoCacheWanted(config) ? undefined : ports.engineHoldsImagesOf?.(config.image.name));
    const temp = await ports.createDockerConfig(config.registry, { keepLogin: !config.push });
    const remove = ledger.temporary(temp.dir, "temporary docker config (registry login)", () => temp.remove());
    try {
        const [buildx, engine, dockerfile, enginePush] = await Promise.all([
            hasBuildx,
            intoEngine,
            readDockerfile(ctx),
            Promise.all([hasBuildx, intoEngine]).then(([buildx, engine]) => enginePushFor(config, ports, buildx, engine)),
        ]);
        const plan = {
            buildx,
            intoEngine: engine,
            enginePush,
            dockerfile,
            loginFirst: (buildx && !engine) ||
                dockerfile === undefined ||
                pullsFrom(dockerfile, config.registry) ||
                config.cacheFrom.length > 0,
        };
        await buildThenPush(ctx, gate, { ...plan, engineHolds }, temp);
    }
    finally {
        await remove().catch((error) => {
            ctx.logger.warn(`Could not remove the temporary docker config ${temp.dir}: ${String(error)}`);
        });
    }
}
function startLogins(ctx, gate, plan, docker) {
    const stopBuild = new AbortController();
    gate.signal.addEventListener("abort", () => {
        stopBuild.abort();
    });
    const stop = () => {
        stopBuild.abort();
    };
    const login = startOnce(() => logIn(ctx, docker, gate.signal), stop);
    const credentials = plan.enginePush ? startOnce(() => checkCredentialsOnceOnline(gate), stop) : login;
    return { stopBuild, login, credentials };
}
async function buildThenPush(ctx, gate, plan, temp) {
    const { config } = ctx;
    const docker = ctx.docker.withConfigDir(temp.dir);
    const { stopBuild, login, credentials } = startLogins(ctx, gate, plan, docker);
    if (plan.loginFirst)
        login();
    const pushesAsItBuilds = plan.buildx && !plan.intoEngine;
    if (pushesAsItBuilds)
        gate.underWay();
    const cache = chooseCache(ctx, docker, plan.buildx, {
        underWay: () => {
            gate.underWay();
        },
        running: () => gate.passed().then(({ running }) => running),
        engineHolds: plan.engineHolds,
        intoEngine: plan.intoEngine,
        login,
        signal: stopBuild.signal,
    });
    cache.catch(() => undefined);
    const asked = plan.enginePush && !plan.loginFirst ? [credentials] : [login, credentials];
    const loginFailed = (error) => stopBuild.signal.aborted && !gate.signal.aborted
        ? Promise.all(asked.map((ask) => ask())).then(() => Promise.reject(error))
        : Promise.reject(error);
    if (plan.loginFirst)
        await login();
    const flags = await cache.catch(loginFailed);
    if (pushesAsItBuilds) {
        gate.underWay();
        await gate.passed();
    }
    const argv = await buildCommand(ctx, plan, temp, flags).catch(loginFailed);
    const building = buildWithCache(ctx, docker, { ...plan, temp, argv }, flags, stopBuild.signal);
    if (config.pushImage)
        credentials();
    gate.underWay();
    ctx.ports.whileDockerWorks?.();
    await building.catch(loginFailed);
    const built = await readBuildOutputs(temp);
    ctx.ledger.record({ kind: "built", imageId: built.imageId, metadata: built.metadata });
    await pushBuilt(ctx, pushesAsItBuilds, built.digest, () => gate.passed().then(async ({ online }) => {
        await credentials();
        await pushTags(ctx, pusher(ctx, plan.enginePush, docker, gate.signal), online);
    }));
}
async function pushBuilt(ctx, pushedAsBuilt, builtDigest, push) {
    const { config, logger, image } = ctx;
    if (!config.pushImage) {
        logger.info(`Built ${image}; nothing pushed (push: false)`);
        return;
    }
    if (pushedAsBuilt) {
        for (const ref of pushRefs(config))
            ctx.ledger.record({ kind: "pushed", ref, digest: builtDigest });
    }
    else
        await push();
    const digest = ctx.ledger.digest(image);
    if (digest)
        logger.info(`Pushed ${image} (${digest})`);
    else
        logger.warn(`Pushed ${image}, but docker did not report its digest`);
}
const CACHE_SETUP_FAILED = /^ERROR: .*failed to configure \S+ cache (importer|exporter)/;
async function buildWithCache(ctx, docker, build, cache, signal) {
    const { temp, argv, ...plan } = build;
    const imports = new CacheImportWatch();
    try {
        await docker.build(argv, signal, (line) => {
            imports.line(line);
        });
    }
    catch (error) {
        const reason = error instanceof errors/* CommandError */.Qd ? cacheSetupFailure(error.output) : undefined;
        if (reason === undefined || (cache.from.length === 0 && cache.to.length === 0) || signal.aborted)
            throw error;
        ctx.logger.warn(`Build cache: buildx could not use the cache it was given (${reason}); building without it.`);
        await docker.build(await buildCommand(ctx, plan, temp, NO_CACHE), signal);
    }
    finally {
        reportUnreadable(ctx.logger, imports.failed);
    }
}
function cacheSetupFailure(output) {
    return output
        .split("\n")
        .findLast((line) => CACHE_SETUP_FAILED.test(line))
        ?.replace(/^ERROR: /, "")
        .trim();
}
function logIn(ctx, docker, signal) {
    const { config, logger } = ctx;
    if (!config.push) {
        logger.info(`No registry-username: pushing with the credentials docker already has for ${config.registry}`);
        return Promise.resolve();
    }
    return docker.login(config.registry, config.push, signal);
}
async function buildCommand(ctx, plan, temp, cache) {
    const { config, ports } = ctx;
    await writeBuildSecrets(config.buildSecrets, temp);
    const created = ports.now();
    const labelled = plan.buildx || plan.dockerfile === undefined
        ? undefined
        : dockerfileWithLabels(plan.dockerfile, classicLabels(config), config.target);
    return buildArgv(config, {
        buildx: plan.buildx,
        intoEngine: plan.intoEngine,
        outDir: temp.dir,
        created,
        labelledDockerfile: labelled === undefined ? undefined : await temp.writeFile(LABELLED_DOCKERFILE, labelled),
        cache,
    });
}

;// CONCATENATED MODULE: ./src/registry/pull-check.ts


function samePair(a, b) {
    return a !== undefined && b !== undefined && a.username === b.username && a.password === b.password;
}
async function checkPull(ctx) {
    const { config, image, ledger, logger } = ctx;
    const pushed = ledger.digest(image);
    if (!config.verifyPull) {
        if (config.pinDigest && !pushed) {
            throw new errors/* DeployError */.sH("pin-digest: docker did not report the pushed digest; turn verify-pull on to read it from the registry");
        }
        return;
    }
    await (0,context/* timed */.ay)(ctx, "Check that Dokploy can pull the image", async () => {
        const asked = samePair(config.pull, config.push) ? ledger.served("push") : undefined;
        const served = asked ??
            (await ctx.remote.resolveImage(config.image, config.tag, config.pull, {
                dispatcher: ctx.dispatcher,
                timeoutMs: config.requestTimeoutSeconds * 1000,
            }));
        if (pushed && served.digest !== pushed) {
            throw new errors/* PullCheckError */.uw("digest", `${image}: the registry serves ${served.digest}, not ${pushed} that was just pushed; someone pushed over the tag. Not deploying.`);
        }
        ledger.record({ kind: "served", to: "pull", digest: served.digest, mediaType: served.mediaType });
        logger.info(`${image} is served as ${served.digest}${served.mediaType ? ` (${served.mediaType})` : ""} to ${config.pull ? config.pull.username : "anonymous pulls"}`);
    });
}

// EXTERNAL MODULE: ./src/dokploy/version.ts
var dokploy_version = __nccwpck_require__(1994);
;// CONCATENATED MODULE: ./src/registry/server-pull.ts




const QUOTED_SINCE = "v0.29.13";
const SHELL_SAFE = /^[A-Za-z0-9._~+/=:@%,-]+$/;
function distinctMachines(machines) {
    const seen = new Map();
    for (const machine of machines)
        seen.set(machine.serverId ?? "", machine);
    return [...seen.values()];
}
async function unsafeOnServer(ctx, pull) {
    if (SHELL_SAFE.test(pull.password))
        return undefined;
    const version = ctx.dokploy.serverVersion ?? (await ctx.dokploy.version().catch(() => ""));
    if (version && (0,dokploy_version/* isOlderThan */.UM)(version, QUOTED_SINCE) !== true)
        return undefined;
    const which = version ? `Dokploy ${version}` : "Dokploy (it did not say its version)";
    return `${which} may paste the password unquoted into the server's shell (quoted since ${QUOTED_SINCE}), and this password has characters a shell would change`;
}
function reasonOf(error) {
    return error.message.replace(/^Dokploy \S+ \(HTTP \d+\): /, "").trim();
}
function refusedLogin(error) {
    return error instanceof errors/* DokployError */.RI && error.status === 400 && !/the server rejected the input/.test(error.message);
}
function cannotAsk(error) {
    if (!(error instanceof errors/* DokployError */.RI))
        return undefined;
    if (error.status === 404)
        return "this Dokploy has no registry.testRegistry";
    if (error.status === 401 || error.status === 403)
        return "the API key may not call registry.testRegistry";
    if (error.status === 400)
        return `Dokploy did not take the request (${reasonOf(error)})`;
    return undefined;
}
async function testFrom(ctx, machine, pull) {
    const { config, logger } = ctx;
    const registry = config.image.registry;
    if (machine.serverId) {
        const unsafe = await unsafeOnServer(ctx, pull);
        if (unsafe) {
            logger.info(`verify-pull-on-server: not asked of ${machine.name}: ${unsafe}.`);
            return undefined;
        }
    }
    try {
        await ctx.dokploy.testRegistryLogin({
            registryUrl: (0,shared_image/* dokployRegistryUrl */.tj)(registry),
            username: pull.username,
            password: pull.password,
            ...(machine.serverId ? { serverId: machine.serverId } : {}),
        });
        logger.info(`${machine.name} logged in to ${registry} as ${pull.username}`);
        return undefined;
    }
    catch (error) {
        if (refusedLogin(error))
            return `${machine.name} could not log in to ${registry} as ${pull.username}: ${reasonOf(error)}`;
        const why = cannotAsk(error);
        if (!why)
            throw error;
        logger.info(`verify-pull-on-server: ${machine.name} was not asked to log in to ${registry}: ${why}.`);
        return undefined;
    }
}
async function checkPullOnServers(ctx, machines) {
    const { config, logger } = ctx;
    const pull = config.pull;
    if (!config.verifyPull || !config.verifyPullOnServer)
        return;
    if (!pull) {
        logger.debug("verify-pull-on-server: no pull credentials, so no login to try from the servers");
        return;
    }
    const distinct = distinctMachines(machines);
    if (distinct.length === 0)
        return;
    await (0,context/* timed */.ay)(ctx, "Check the login from where the image is pulled", async () => {
        const refusals = (await Promise.all(distinct.map((machine) => testFrom(ctx, machine, pull)))).filter((r) => r !== undefined);
        if (refusals.length === 0)
            return;
        throw new errors/* PullCheckError */.uw("unreachable", `${refusals.join("\n")}\nThe registry must be reachable from there and take the pull credentials (network, firewall, DNS, a CA that machine trusts). Nothing was changed in Dokploy; set verify-pull-on-server: false to skip this check.`);
    });
}

// EXTERNAL MODULE: ./src/registry/platforms.ts
var registry_platforms = __nccwpck_require__(823);
;// CONCATENATED MODULE: ./src/registry/platform-check.ts




const STEP = "Check the image's platforms against the nodes";
function names(platforms) {
    return [...new Set(platforms.map(registry_platforms/* platformName */.$r))].join(", ");
}
function placeable(nodes) {
    const usable = nodes.filter((n) => (n.Spec?.Availability ?? "active") === "active" && (n.Status?.State ?? "ready") === "ready");
    return usable.length > 0 ? usable : [...nodes];
}
async function platformsOfImage(ctx) {
    const { config, ledger, logger, image } = ctx;
    const reference = ledger.served("pull")?.digest ?? ledger.digest(image) ?? config.tag;
    try {
        const platforms = await ctx.remote.imagePlatforms(config.image, reference, config.pull ?? config.push, {
            dispatcher: ctx.dispatcher,
            timeoutMs: config.requestTimeoutSeconds * 1000,
        });
        if (platforms.length === 0)
            logger.info(`verify-platform: ${image} does not say its platform; not checked.`);
        return platforms.length > 0 ? platforms : undefined;
    }
    catch (error) {
        logger.info(`verify-platform: could not read the platforms of ${image}: ${(0,errors/* errorMessage */.gJ)(error)}; not checked.`);
        return undefined;
    }
}
async function platformsOfNodes(ctx, machine) {
    try {
        const nodes = placeable(await ctx.remote.clusterNodes(ctx.dokploy, machine.serverId));
        return nodes.length > 0 ? nodes.map((n) => (0,registry_platforms/* nodePlatform */.OP)(n.Description.Platform)) : undefined;
    }
    catch (error) {
        ctx.logger.info(`verify-platform: Dokploy did not list the nodes of ${machine.name} (cluster.getNodes: ${(0,errors/* errorMessage */.gJ)(error)}); not checked there.`);
        return undefined;
    }
}
function judge(ctx, machine, image, nodes) {
    const unserved = (0,registry_platforms/* unservedPlatforms */.NC)(image, nodes);
    const all = names(nodes);
    if (unserved.length === 0) {
        ctx.logger.info(`${ctx.image} (${names(image)}) runs on the nodes of ${machine.name} (${all})`);
        return undefined;
    }
    const served = nodes.filter((node) => !unserved.some((u) => (0,registry_platforms/* platformName */.$r)(u) === (0,registry_platforms/* platformName */.$r)(node)));
    if (served.length > 0) {
        ctx.logger.warn(`${ctx.image} has no platform for the ${names(unserved)} nodes of ${machine.name}: a task swarm places there will not start. Add ${names(unserved)} to platforms.`);
        return undefined;
    }
    return { machine, nodes: unserved };
}
async function checkPlatforms(ctx, machines) {
    const distinct = distinctMachines(machines);
    if (!ctx.config.verifyPlatform || distinct.length === 0)
        return;
    await (0,context/* timed */.ay)(ctx, STEP, async () => {
        const [image, nodes] = await Promise.all([
            platformsOfImage(ctx),
            Promise.all(distinct.map((machine) => platformsOfNodes(ctx, machine))),
        ]);
        if (!image)
            return;
        const refusals = distinct.flatMap((machine, i) => {
            const of = nodes[i];
            const refusal = of ? judge(ctx, machine, image, of) : undefined;
            return refusal ? [refusal] : [];
        });
        if (refusals.length === 0)
            return;
        const lines = refusals.map((r) => `${ctx.image} is built for ${names(image)}; the nodes of ${r.machine.name} are ${names(r.nodes)}.`);
        const wanted = [...new Set(refusals.flatMap((r) => r.nodes.map(registry_platforms/* platformName */.$r)))];
        const both = [...new Set([...wanted, ...image.map(registry_platforms/* platformName */.$r)])];
        throw new errors/* PullCheckError */.uw("platform", `${lines.join("\n")}\nBuild for them with platforms: ${wanted.join(",")} (or ${both.join(",")} for both; buildx builds another architecture through QEMU or a builder of that platform). Nothing was changed in Dokploy; set verify-platform: false for nodes that run other platforms through emulation.`);
    });
}

;// CONCATENATED MODULE: ./src/dokploy/registry.ts

function planRegistryUpsert(existing, wish) {
    const { fields } = wish;
    const host = (0,shared_image/* normalizeRegistryHost */.Z6)(fields.registryUrl);
    const candidates = existing.filter((r) => (0,shared_image/* normalizeRegistryHost */.Z6)(r.registryUrl) === host);
    const match = candidates.find((r) => r.registryName === fields.registryName) ??
        candidates.find((r) => r.username === fields.username) ??
        candidates[0];
    if (!match)
        return { action: "create", fields };
    const changes = {};
    if (match.username !== fields.username)
        changes.username = fields.username;
    if (match.password !== fields.password)
        changes.password = fields.password;
    if (fields.imagePrefix !== null && match.imagePrefix !== fields.imagePrefix)
        changes.imagePrefix = fields.imagePrefix;
    if (wish.nameGiven && match.registryName !== fields.registryName)
        changes.registryName = fields.registryName;
    if (Object.keys(changes).length === 0)
        return { action: "none", registryId: match.registryId };
    if (fields.serverId)
        changes.serverId = fields.serverId;
    return { action: "update", registryId: match.registryId, changes };
}
async function applyRegistryPlan(dokploy, plan) {
    switch (plan.action) {
        case "create":
            return (await dokploy.registryCreate(plan.fields)).registryId;
        case "update":
            await dokploy.registryUpdate(plan.registryId, plan.changes);
            return plan.registryId;
        case "none":
            return plan.registryId;
    }
}
function describeRegistryPlan(plan) {
    switch (plan.action) {
        case "create":
            return `create registry entry "${plan.fields.registryName}" for ${plan.fields.registryUrl || "Docker Hub"}`;
        case "update":
            return `update registry entry ${plan.registryId} (${Object.keys(plan.changes).join(", ")})`;
        case "none":
            return `registry entry ${plan.registryId} is up to date; no change`;
    }
}

;// CONCATENATED MODULE: ./src/registry/registry-entry.ts




async function upsertRegistryEntry(ctx) {
    const { config, logger, ledger } = ctx;
    const pull = config.pull;
    if (!config.dokployRegistry || !pull)
        return;
    await (0,context/* timed */.ay)(ctx, "Registry entry in Dokploy", () => (0,retry/* withRetry */.bD)("Registry entry in Dokploy", ctx.policy, ctx.retryPorts, async () => {
        const plan = planRegistryUpsert(await ctx.dokploy.registryAll(), {
            fields: {
                registryName: config.dokployRegistryName,
                username: pull.username,
                password: pull.password,
                registryUrl: (0,shared_image/* dokployRegistryUrl */.tj)(config.image.registry),
                imagePrefix: config.imagePrefix,
                serverId: config.serverId,
            },
            nameGiven: config.dokployRegistryNameGiven,
        });
        logger.info(describeRegistryPlan(plan));
        const registryId = await applyRegistryPlan(ctx.dokploy, plan);
        ledger.record({ kind: "registry-id", registryId });
        if (plan.action !== "none") {
            ledger.record({
                kind: "registry-entry",
                action: plan.action === "create" ? "created" : "updated",
                registryId,
                name: plan.action === "create" ? plan.fields.registryName : config.dokployRegistryName,
            });
        }
    }));
}

;// CONCATENATED MODULE: ./src/preview/plan.ts
function previewPlan(preview, api) {
    if (!preview)
        return [];
    const pr = preview.number ?? "";
    const find = `GET ${api}application.one (the template) and ${api}environment.byProjectId: the preview of pull request ${pr} is the environment whose description carries its marker`;
    if (preview.mode === "open") {
        const limit = preview.limit > 0 ? `, unless ${String(preview.limit)} previews of the template are open` : "";
        const databases = preview.template === "environment"
            ? [
                `For each database of the template's environment (postgres, mysql, mariadb, mongo, redis) without a marked copy: GET ${api}<kind>.one, POST ${api}<kind>.create (its name, image, database and user, new passwords, a volume <appName>-data of its own, marked), ${api}<kind>.update (its variables, command, resources; never its published port), then ${api}<kind>.deploy and wait until swarm runs it; the application's variables naming a database's host or password are rewritten to the copy's`,
            ]
            : [];
        return [
            find,
            `If there is none: POST ${api}environment.create "${preview.name}" in the template's project${limit}, then ${api}application.create (the template's name, marked) and ${api}mounts.create for its volumes (named …-${preview.name}) and files`,
            ...databases,
            `POST ${api}application.update: the template's settings and variables${preview.env.length > 0 ? `, with ${preview.env.map((line) => line.split("=")[0] ?? "").join(", ")} over them` : ""} (never its ports or domains)`,
            `POST ${api}domain.create ${preview.host ?? "(a host Dokploy makes)"} unless the copy has it, then deploy the image to the copy instead of the template`,
        ];
    }
    if (preview.mode === "close") {
        return [
            find,
            `POST ${api}application.delete and ${api}<kind>.remove for each of its applications and databases that carry the marker, ${api}dockerVolume.removeVolume for their volumes (…-${preview.name}, <database appName>-data), then ${api}environment.remove; a service without the marker is left and named`,
        ];
    }
    return [
        `GET ${api}application.one (the template) and ${api}environment.byProjectId: every preview of the template whose last deploy is older than ${String(preview.ttlSeconds)} s (preview-ttl)`,
        `For each: POST ${api}application.delete and ${api}<kind>.remove for its marked applications and databases, ${api}dockerVolume.removeVolume for their preview volumes, then ${api}environment.remove`,
    ];
}

;// CONCATENATED MODULE: ./src/shared/beside.ts
async function besideWork(work, check, cancel) {
    const stop = new AbortController();
    const onCancel = () => {
        stop.abort(cancel.reason);
    };
    cancel.addEventListener("abort", onCancel, { once: true });
    let underWay = () => undefined;
    const started = new Promise((resolve) => {
        underWay = resolve;
    });
    let pass;
    const checked = new Promise((resolve, reject) => {
        pass = { resolve, reject };
    });
    let checkFailed = false;
    checked.catch(() => {
        checkFailed = true;
        stop.abort();
    });
    try {
        const working = work({ passed: () => checked, signal: stop.signal, underWay });
        const over = working.then(() => undefined, () => undefined);
        void Promise.race([started, over]).then(check).then(pass?.resolve, pass?.reject);
        try {
            await working;
        }
        catch (error) {
            if (checkFailed)
                await checked;
            throw error;
        }
        return await checked;
    }
    finally {
        cancel.removeEventListener("abort", onCancel);
    }
}
function mapGate(gate, part) {
    return { passed: () => gate.passed().then(part), signal: gate.signal, underWay: gate.underWay };
}

;// CONCATENATED MODULE: ./src/dokploy/cadence.ts
function pollDelay(attempt, elapsedMs) {
    const cap = elapsedMs < 60_000 ? 2_000 : elapsedMs < 180_000 ? 5_000 : 10_000;
    return Math.min(cap, Math.round(250 * 1.5 ** attempt));
}
const ENDING_DELAY_MS = 100;
const ENDING_POLL_MS = 250;
const ENDING_WINDOW_MS = 3_000;
const STREAMING_POLL_MS = 15_000;
const LOG_QUIET_MS = 30_000;
const STREAMING_AFTER_LINES = 2;
class Cadence {
    ports;
    started;
    attempt = 0;
    quickUntil = 0;
    heardAt;
    lines = 0;
    wake = new AbortController();
    constructor(ports, started) {
        this.ports = ports;
        this.started = started;
    }
    heard = (count) => {
        if (count === 0)
            return;
        this.lines += count;
        this.heardAt = this.ports.clock();
    };
    ending = () => {
        this.wake.abort();
    };
    delay(now, streaming) {
        if (now < this.quickUntil)
            return ENDING_POLL_MS;
        const byClock = pollDelay(this.attempt, now - this.started);
        const alive = streaming &&
            this.lines >= STREAMING_AFTER_LINES &&
            this.heardAt !== undefined &&
            now - this.heardAt < LOG_QUIET_MS;
        return alive ? Math.max(byClock, STREAMING_POLL_MS) : byClock;
    }
    async sleep(deadline, streaming) {
        const now = this.ports.clock();
        const delay = Math.min(this.delay(now, streaming), deadline - now);
        if (!this.wake.signal.aborted)
            await this.ports.sleep(delay, this.wake.signal);
        if (!this.wake.signal.aborted) {
            this.attempt += 1;
            return;
        }
        this.wake = new AbortController();
        await this.ports.sleep(ENDING_DELAY_MS);
        this.quickUntil = this.ports.clock() + ENDING_WINDOW_MS;
    }
}

;// CONCATENATED MODULE: ./src/dokploy/wait.ts



const FINAL_STATUSES = new Set(["done", "error", "cancelled"]);
const KNOWN_STATUSES = new Set(["running", ...FINAL_STATUSES]);
const LATE_LOG_WAIT_MS = 2_000;
const LAST_LOOK_MS = 1_000;
function findOurDeployment(rows, known, title, token) {
    return rows
        .filter((r) => !known.has(r.deploymentId) && r.title === title && (!token || (r.description ?? "").includes(token)))
        .at(-1);
}
class UnknownStatusError extends errors/* DeployError */.sH {
    deployment;
    constructor(deployment, applicationUrl) {
        super(`Deployment ${deployment.deploymentId} has the status "${deployment.status}", which this version of dokploy-deploy does not know (it knows ${[...KNOWN_STATUSES].join(", ")}). Not waiting on it, and not rolling back: see ${applicationUrl} for how it went, and update dokploy-deploy.`);
        this.deployment = deployment;
        this.name = "UnknownStatusError";
    }
}
class WaitTimeoutError extends errors/* TimeoutError */.MU {
    deployment;
    constructor(message, deployment) {
        super(message);
        this.deployment = deployment;
    }
}
function waitTimeout(options, ours) {
    const limit = String(Math.round(options.timeoutMs / 1000));
    return new WaitTimeoutError(ours
        ? `Deployment ${ours.deploymentId} is still ${ours.status} after ${limit} s (wait-timeout). This step stopped following it; Dokploy goes on with it, so it may still finish and change what runs. Its log is under Deployments at ${options.applicationUrl}`
        : `The deployment did not start within ${limit} s (wait-timeout). Dokploy runs one deployment per ${options.source.kind} at a time, so it may be queued behind others and may still run and change what runs; see Deployments at ${options.applicationUrl}`, ours);
}
async function look(dokploy, options, ours, deadline, ports) {
    try {
        return await dokploy.deployments(options.source, Math.max(0, deadline - ports.clock()));
    }
    catch (error) {
        const noAnswer = error instanceof errors/* DokployError */.RI && error.status === undefined;
        if (noAnswer && ports.clock() >= deadline - LAST_LOOK_MS)
            throw waitTimeout(options, ours);
        throw error;
    }
}
async function firstSight(row, rows, options, ports, listener) {
    const others = rows.filter((r) => !options.known.has(r.deploymentId) && r.deploymentId !== row.deploymentId);
    ports.logger.info(`Following deployment ${row.deploymentId} ("${row.title ?? ""}")${others.length > 0 ? `; ignoring ${String(others.length)} other new deployment(s) of this ${options.source.kind}` : ""}`);
    if (!row.logPath || !options.openLog)
        return undefined;
    return options.openLog(row, listener);
}
async function followDeployment(dokploy, options, ports) {
    const started = ports.clock();
    const deadline = started + options.timeoutMs;
    const lastLook = deadline - LAST_LOOK_MS;
    const cadence = new Cadence(ports, started);
    let ours;
    let log;
    try {
        for (;;) {
            const rows = await look(dokploy, options, ours, deadline, ports);
            const row = ours
                ? rows.find((r) => r.deploymentId === ours?.deploymentId)
                : findOurDeployment(rows, options.known, options.title, options.token);
            if (row) {
                if (!ours) {
                    log = await firstSight(row, rows, options, ports, { onLines: cadence.heard, onEnding: cadence.ending });
                }
                if (log && FINAL_STATUSES.has(row.status)) {
                    await log.received(Math.max(0, Math.min(LATE_LOG_WAIT_MS, deadline - ports.clock())));
                }
                if (row.status !== ours?.status) {
                    options.onStatus?.(row);
                    ports.logger.info(`Deployment ${row.deploymentId}: ${row.status} after ${((ports.clock() - started) / 1000).toFixed(1)} s`);
                }
                ours = row;
                if (!KNOWN_STATUSES.has(row.status))
                    throw new UnknownStatusError(row, options.applicationUrl);
                if (FINAL_STATUSES.has(row.status))
                    return { deployment: row, tail: log?.tail() ?? [] };
            }
            else if (ours) {
                throw new errors/* TimeoutError */.MU(`Deployment ${ours.deploymentId} disappeared from deployment.all (Dokploy keeps the last 11); see ${options.applicationUrl}`);
            }
            if (ports.clock() >= lastLook)
                throw waitTimeout(options, ours);
            await cadence.sleep(lastLook, log?.open ?? false);
        }
    }
    finally {
        log?.close();
    }
}

;// CONCATENATED MODULE: ./src/dokploy/deploy.ts



const AMBIGUITY_GRACE_MS = 5_000;
async function triggerDeployment(dokploy, trigger, known, policy, ports) {
    const description = trigger.token ? `${trigger.description}\nRun token: ${trigger.token}` : trigger.description;
    const send = () => dokploy.trigger(trigger.method, trigger.source, trigger.title, description);
    await (0,retry/* withRetry */.bD)(`Dokploy ${trigger.source.kind}.${trigger.method}`, policy, ports, send, async (error) => {
        if (!(error instanceof errors/* DokployError */.RI) || !error.ambiguous)
            return undefined;
        ports.logger.info(`The ${trigger.method} may have reached Dokploy; looking for its deployment before sending it again`);
        const deadline = ports.clock() + AMBIGUITY_GRACE_MS;
        for (;;) {
            const rows = await dokploy.deployments(trigger.source);
            const ours = findOurDeployment(rows, known, trigger.title, trigger.token);
            if (ours) {
                ports.logger.info(`Dokploy did start it (deployment ${ours.deploymentId}); not sending it again`);
                return { done: true, value: undefined };
            }
            if (ports.clock() >= deadline)
                return undefined;
            await ports.sleep(500);
        }
    });
}
async function snapshotDeployments(dokploy, source) {
    return new Set((await dokploy.deployments(source)).map((d) => d.deploymentId));
}
async function rollBack(dokploy, options, ports) {
    const { source, was } = options;
    const title = `Rollback to ${was}`.slice(0, 200);
    try {
        ports.logger.warn(`Rolling back: pointing the ${source.kind} at ${was} again`);
        await options.restore();
        const known = await snapshotDeployments(dokploy, source);
        await triggerDeployment(dokploy, { method: "redeploy", source, title, description: "Rollback after a failed deployment", token: options.token }, known, options.policy, ports);
        const followed = await followDeployment(dokploy, { ...options.follow, source, known, title, token: options.token }, ports);
        const { deployment } = followed;
        return deployment.status === "done"
            ? `Rolled back to ${was} (deployment ${deployment.deploymentId} is done).`
            : `The rollback to ${was} failed too (deployment ${deployment.deploymentId}: ${deployment.status}).`;
    }
    catch (error) {
        return `The rollback to ${was} failed: ${(0,errors/* errorMessage */.gJ)(error)}`;
    }
}

;// CONCATENATED MODULE: ./src/dokploy/types.ts
function machineOf(row) {
    if (!row.serverId)
        return { name: "the Dokploy host" };
    return { serverId: row.serverId, name: `server "${row.server?.name ?? row.serverId}"` };
}

// EXTERNAL MODULE: ./src/targets/target.ts
var target = __nccwpck_require__(9425);
;// CONCATENATED MODULE: ./src/targets/provider.ts

function dockerProviderOf(config, applicationId, digest) {
    const ref = (0,shared_image/* imageRef */.D6)(config.image, config.tag);
    return {
        applicationId,
        dockerImage: config.pinDigest && digest ? `${ref}@${digest}` : ref,
        username: config.pull?.username ?? null,
        password: config.pull?.password ?? null,
        registryUrl: config.pull ? (0,shared_image/* dokployRegistryUrl */.tj)(config.image.registry) : null,
    };
}
function previousProvider(app) {
    if (app.sourceType !== "docker" || !app.dockerImage)
        return undefined;
    return {
        applicationId: app.applicationId,
        dockerImage: app.dockerImage,
        username: app.username ?? null,
        password: app.password ?? null,
        registryUrl: app.registryUrl ?? null,
    };
}

;// CONCATENATED MODULE: ./src/targets/source.ts

function configuredSource(app) {
    const repository = {
        github: app.repository ? `${app.owner ? `${app.owner}/` : ""}${app.repository}` : undefined,
        gitlab: app.gitlabRepository,
        bitbucket: app.bitbucketRepository,
        gitea: app.giteaRepository,
        git: app.customGitUrl,
    };
    const from = repository[app.sourceType ?? ""];
    if (from)
        return `its ${app.sourceType ?? ""} source (${from})`;
    return app.deployments > 0 ? `its ${app.sourceType ?? ""} source` : undefined;
}
function checkSource(app, config, logger, image) {
    const givenBy = config.targets.some((t) => t.kind === "application" && t.id === app.applicationId)
        ? "application-id"
        : "application (and project, dokploy-environment)";
    if (!app.sourceType || app.sourceType === "docker")
        return;
    const source = configuredSource(app);
    if (!source) {
        logger.info(`The application has no ${app.sourceType} source set up yet; it is set to the Docker image ${image}.`);
        return;
    }
    const what = `Application "${app.name}" (${app.applicationId}) deploys from ${source}`;
    if (!config.switchSource) {
        throw new errors/* DeployError */.sH(`${what}; this step would switch it to the Docker image ${image}. Set switch-source: true to do that, or check ${givenBy}.`);
    }
    logger.warn(`${what}; with switch-source: true it is switched to the Docker image ${image}.`);
}

;// CONCATENATED MODULE: ./src/targets/env-file.ts
function definition(name) {
    return new RegExp(`^\\s*(?:export\\s+)?${name}\\s*=(.*)$`);
}
function unquote(raw) {
    const value = raw.trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === "`") && value.length >= 2) {
        const end = value.indexOf(quote, 1);
        if (end > 0)
            return value.slice(1, end);
    }
    return value.replace(/\s+#.*$/, "");
}
function linesOf(env) {
    const eol = env.includes("\r\n") ? "\r\n" : "\n";
    return { lines: env === "" ? [] : env.split(eol), eol };
}
const ANY_DEFINITION = /^\s*(?:export\s+)?([\w.-]+)\s*=(.*)$/;
const QUOTES = ['"', "'", "`"];
function definitionsOf(env) {
    const lines = (env ?? "").split(/\r\n|\r|\n/);
    const found = [];
    for (let i = 0; i < lines.length; i++) {
        const match = ANY_DEFINITION.exec(lines[i] ?? "");
        if (!match)
            continue;
        let raw = (match[2] ?? "").trim();
        const quote = raw[0] ?? "";
        if (QUOTES.includes(quote) && raw.indexOf(quote, 1) < 0) {
            const end = lines.findIndex((line, j) => j > i && line.includes(quote));
            if (end > i) {
                raw = [raw, ...lines.slice(i + 1, end + 1)].join("\n");
                i = end;
            }
        }
        const bare = !QUOTES.includes(quote) || raw.indexOf(quote, 1) < 0;
        const value = unquote(raw);
        const escaped = quote === '"' && !bare;
        found.push({
            name: match[1] ?? "",
            value: escaped ? value.replace(/\\n/g, "\n").replace(/\\r/g, "\r") : value,
            bare,
        });
    }
    return found;
}
function readVariable(env, name) {
    let value;
    for (const line of linesOf(env ?? "").lines) {
        const match = definition(name).exec(line);
        if (match)
            value = unquote(match[1] ?? "");
    }
    return value;
}
function setVariables(env, values) {
    const { lines, eol } = linesOf(env ?? "");
    const done = new Set();
    const out = [];
    for (const line of lines) {
        const name = Object.keys(values).find((n) => definition(n).test(line));
        if (name === undefined) {
            out.push(line);
            continue;
        }
        const value = values[name];
        if (value !== undefined)
            out.push(`${name}=${value}`);
        done.add(name);
    }
    const added = Object.entries(values).flatMap(([name, value]) => done.has(name) || value === undefined ? [] : [`${name}=${value}`]);
    if (added.length === 0)
        return out.join(eol);
    const endsWithNewline = out.length > 0 && out.at(-1) === "";
    const body = endsWithNewline ? out.slice(0, -1) : out;
    return [...body, ...added, ...(endsWithNewline ? [""] : [])].join(eol);
}

;// CONCATENATED MODULE: ./src/targets/env-secrets.ts

const MIN_LENGTH = 4;
const BOOLEAN = /^(?:true|false|yes|no|on|off)$/i;
const INTEGER = /^[+-]?\d+$/;
function worthMasking(value) {
    const text = value.trim();
    return text.length >= MIN_LENGTH && !BOOLEAN.test(text) && !INTEGER.test(text);
}
function readingsOf(definition) {
    const { value, bare } = definition;
    return bare && value.includes("#") ? [value, (value.split("#")[0] ?? "").trim()] : [value];
}
function secretValuesOf(env, except) {
    const values = definitionsOf(env)
        .filter((definition) => !except.includes(definition.name))
        .flatMap(readingsOf)
        .filter(worthMasking);
    return [...new Set(values)];
}
const SHARED_REFERENCE = /\$\{\{(project|environment)\.(.*?)\}\}/g;
function sharedValuesOf(env, except, shared) {
    const values = definitionsOf(env)
        .filter((definition) => !except.includes(definition.name))
        .flatMap((definition) => [...definition.value.matchAll(SHARED_REFERENCE)])
        .flatMap(([, scope, name]) => definitionsOf(scope === "project" ? shared.project : shared.environment).filter((d) => d.name === name))
        .flatMap(readingsOf)
        .filter(worthMasking);
    return [...new Set(values)];
}
function maskEnvironment(redactor, service, except = []) {
    const shared = { project: service.environment?.project?.env, environment: service.environment?.env };
    const values = [...secretValuesOf(service.env, except), ...sharedValuesOf(service.env, except, shared)];
    for (const value of values)
        redactor.addFound(value);
}

;// CONCATENATED MODULE: ./src/targets/application.ts






async function checkApplication(ctx) {
    const { config, logger, redactor, ref } = ctx;
    const app = await ctx.dokploy.applicationOne(ref.id);
    redactor.addFound(app.password);
    maskEnvironment(redactor, app);
    const url = ctx.remote.applicationUrl(config.dokployUrl, app);
    const server = app.serverId ?? undefined;
    ctx.ledger.record({ kind: "target", targetKind: ref.kind, id: ref.id, name: app.name, url, server });
    logger.info(`Application "${app.name}" (${ref.id}), source ${app.sourceType ?? "unknown"}: ${url}`);
    checkSource(app, config, logger, ctx.image);
    const provider = previousProvider(app);
    const before = {
        was: provider?.dockerImage ?? (app.sourceType ? `its ${app.sourceType} source` : undefined),
        image: provider?.dockerImage,
        restore: provider ? { provider } : undefined,
    };
    ctx.ledger.record({ kind: "target", targetKind: ref.kind, id: ref.id, before });
    return { before, machine: machineOf(app) };
}
async function pointApplication(ctx, before) {
    const { config, logger, image, ledger, ref } = ctx;
    const provider = dockerProviderOf(config, ref.id, ledger.digest(image));
    await (0,target/* timedTarget */.v5)(ctx, "Point the application at the image", async () => {
        const change = { application: (0,target/* targetName */.je)(ctx), target: ref.id, from: before.was };
        try {
            await ctx.dokploy.saveDockerProvider(provider);
        }
        catch (error) {
            if (error instanceof errors/* DokployError */.RI && error.ambiguous) {
                ledger.record({ kind: "provider", ...change, to: provider.dockerImage, uncertain: true });
            }
            throw error;
        }
        ledger.record({ kind: "provider", ...change, to: provider.dockerImage });
        logger.info(`Application ${ref.id} now runs ${image}${config.pull ? ` (pulled as ${config.pull.username})` : " (public image)"}`);
    });
    return provider.dockerImage;
}

;// CONCATENATED MODULE: ./src/targets/compose.ts







function ourValues(ctx) {
    const { config, ledger } = ctx;
    const digest = ledger.digest(ctx.image);
    const ref = (0,shared_image/* imageRef */.D6)(config.image, config.tag);
    const image = config.pinDigest && digest ? `${ref}@${digest}` : ref;
    return { [config.imageVariable]: image, [config.tagVariable]: config.tag };
}
function refuseFileWithoutVariables(ctx, compose) {
    const { config } = ctx;
    const file = compose.composeFile ?? "";
    if (compose.sourceType !== "raw" || file.trim() === "")
        return;
    const uses = (name) => new RegExp(`\\$\\{?${name}\\b`).test(file);
    if (uses(config.imageVariable) || uses(config.tagVariable))
        return;
    throw new errors/* DeployError */.sH(`Compose "${compose.name}" (${compose.composeId}): its compose file uses neither \${${config.imageVariable}} nor \${${config.tagVariable}}, so a deployment would not run the new image. Write image: \${${config.imageVariable}} in it (or set image-variable / tag-variable to the names it uses).`);
}
async function checkCompose(ctx) {
    const { config, logger, ref } = ctx;
    const compose = await ctx.remote.composeOne(ctx.dokploy, ref.id);
    maskEnvironment(ctx.redactor, compose, [config.imageVariable, config.tagVariable]);
    const url = ctx.remote.composeUrl(config.dokployUrl, compose);
    const server = compose.serverId ?? undefined;
    ctx.ledger.record({ kind: "target", targetKind: ref.kind, id: ref.id, name: compose.name, url, server });
    logger.info(`Compose "${compose.name}" (${ref.id}), type ${compose.composeType}, source ${compose.sourceType ?? "unknown"}: ${url}`);
    refuseFileWithoutVariables(ctx, compose);
    const previous = Object.fromEntries(Object.keys(ourValues(ctx)).map((name) => [name, readVariable(compose.env, name)]));
    const was = previous[config.imageVariable] ?? previous[config.tagVariable];
    const before = {
        was,
        image: previous[config.imageVariable],
        restore: was === undefined ? undefined : { variables: previous },
    };
    ctx.ledger.record({ kind: "target", targetKind: ref.kind, id: ref.id, before });
    return { before, machine: machineOf(compose) };
}
async function writeVariables(ctx, values) {
    const compose = await ctx.remote.composeOne(ctx.dokploy, ctx.ref.id);
    const { env } = compose;
    maskEnvironment(ctx.redactor, compose, Object.keys(values));
    const before = Object.fromEntries(Object.keys(values).map((name) => [name, readVariable(env, name)]));
    await ctx.remote.saveComposeEnv(ctx.dokploy, ctx.ref.id, setVariables(env, values));
    return before;
}
async function pointCompose(ctx) {
    const { ledger, logger, ref } = ctx;
    const values = ourValues(ctx);
    const to = Object.entries(values);
    await (0,target/* timedTarget */.v5)(ctx, "Set the image in the compose's environment", async () => {
        let before = {};
        try {
            before = await writeVariables(ctx, values);
        }
        catch (error) {
            if (error instanceof errors/* DokployError */.RI &&
                error.ambiguous &&
                error.procedure === (0,dokploy_version/* composeEnvProcedure */.RV)(ctx.dokploy.serverVersion)) {
                const variables = to.map(([name, value]) => ({ name, to: value }));
                ledger.record({ kind: "compose-env", compose: (0,target/* targetName */.je)(ctx), target: ref.id, variables, uncertain: true });
            }
            throw error;
        }
        const variables = to.map(([name, value]) => ({ name, from: before[name], to: value }));
        ledger.record({ kind: "compose-env", compose: (0,target/* targetName */.je)(ctx), target: ref.id, variables });
        logger.info(`Compose ${ref.id} now has ${to.map(([n, v]) => `${n}=${v}`).join(", ")} in its environment`);
    });
    return values[ctx.config.imageVariable] ?? "";
}

// EXTERNAL MODULE: ./src/targets/verify.ts
var verify = __nccwpck_require__(8797);
;// CONCATENATED MODULE: ./src/targets/stack.ts




function serviceOfTask(taskName) {
    return taskName.replace(/\.[^.]+$/, "");
}
function tasksByService(tasks) {
    const services = new Map();
    for (const task of tasks) {
        const name = serviceOfTask(task.name);
        services.set(name, [...(services.get(name) ?? []), task]);
    }
    return services;
}
function repositoryOf(image) {
    const name = (0,verify/* splitDigest */.vo)(image).ref;
    const slash = name.lastIndexOf("/");
    const colon = name.lastIndexOf(":");
    return colon > slash ? name.slice(0, colon) : name;
}
async function ourServices(ctx, compose, ours) {
    const tasks = await ctx.remote.stackTasks(ctx.dokploy, compose.appName, compose.serverId);
    const all = [...tasksByService(tasks).keys()];
    const specs = await Promise.all(all.map(async (name) => ({ name, service: await ctx.dokploy.service(name, compose.serverId) })));
    const repository = repositoryOf(ours);
    const mine = specs.flatMap(({ name, service }) => service && repositoryOf(service.Spec.TaskTemplate.ContainerSpec.Image) === repository ? [name] : []);
    return { mine, all };
}
function shared(fetch) {
    let pending;
    return () => (pending ??= fetch().finally(() => {
        pending = undefined;
    }));
}
function stackSwarm(ctx, compose) {
    const stackTasks = shared(() => ctx.remote.stackTasks(ctx.dokploy, compose.appName, compose.serverId));
    return (name) => ({
        name,
        serverId: compose.serverId,
        what: `service ${name} of the stack`,
        tasks: async () => tasksByService(await stackTasks()).get(name) ?? [],
    });
}
async function waitForStack(ctx, compose, ours) {
    const deadline = ctx.ports.clock() + ctx.config.verifyTimeoutSeconds * 1000;
    const swarm = stackSwarm(ctx, compose);
    for (;;) {
        const { mine, all } = await ourServices(ctx, compose, ours);
        if (mine.length > 0)
            return Promise.all(mine.map((name) => (0,verify/* waitForSwarm */.tu)(ctx, swarm(name), ours)));
        if (ctx.ports.clock() >= deadline) {
            throw new errors/* NotRunningError */.bb(`Dokploy says the deployment is done, but no service of the stack ${compose.appName} runs ${repositoryOf(ours)} (its services: ${all.join(", ") || "none"}). Does the compose file say image: \${${ctx.config.imageVariable}}? See ${(0,target/* targetOf */.$r)(ctx).url ?? ctx.config.dokployUrl}`);
        }
        await ctx.ports.sleep(verify/* VERIFY_POLL_MS */.TF);
    }
}
async function verifyCompose(ctx, ours) {
    const { config, ref, logger } = ctx;
    if (!config.verifyRunning)
        return undefined;
    return (0,target/* timedTarget */.v5)(ctx, "Check what runs", async () => {
        const compose = await ctx.remote.composeOne(ctx.dokploy, ref.id);
        const holds = readVariable(compose.env, config.imageVariable);
        if (holds !== ours) {
            (0,verify/* superseded */.zT)(ctx, holds, ours);
            return undefined;
        }
        if (compose.composeType !== "stack") {
            logger.info(`The compose holds ${ours}; docker compose started its containers (their images are not checked).`);
            return undefined;
        }
        const found = await (0,verify/* lookAtSwarm */.P5)(ctx, `the compose's environment, which holds ${ours}`, async () => {
            const services = await waitForStack(ctx, compose, ours);
            logger.info(`Docker Swarm runs ${ours} for ${services.map((s) => s.swarm.name).join(", ")}.`);
            return services;
        });
        const held = async () => readVariable((await ctx.remote.composeOne(ctx.dokploy, ref.id)).env, config.imageVariable);
        return found && { found, held };
    });
}

;// CONCATENATED MODULE: ./src/targets/stable.ts




const STABLE_LOOK_MS = 3_000;
function lookEveryMs(seconds) {
    return Math.min(STABLE_LOOK_MS, (seconds * 1000) / 2);
}
function opened(found) {
    return { found, running: found.tasks.filter(verify/* isRunning */.W_), known: new Set(found.tasks.map((t) => t.containerId)) };
}
async function lookAgain(ctx, watched, ours) {
    const { swarm } = watched.found;
    const [service, tasks] = await Promise.all([ctx.dokploy.service(swarm.name, swarm.serverId), swarm.tasks()]);
    const stopped = watched.running.flatMap((was) => {
        const now = tasks.find((t) => t.containerId === was.containerId);
        return now && (0,verify/* isRunning */.W_)(now) ? [] : [{ was, now }];
    });
    const image = service?.Spec.TaskTemplate.ContainerSpec.Image;
    const ourImage = (0,verify/* isSameImage */.m_)(image, ours, ctx.ledger.digest(ctx.image));
    return {
        watched,
        service,
        stopped,
        restarts: tasks.filter((t) => !watched.known.has(t.containerId)),
        left: ourImage ? undefined : (image ?? "no service"),
        at: ctx.ports.clock(),
    };
}
function troubled(seen) {
    return seen.stopped.length > 0 || seen.restarts.length > 0 || seen.left !== undefined || (0,verify/* gaveUp */.ly)(seen.service);
}
function times(n) {
    return `${String(n)} time${n === 1 ? "" : "s"}`;
}
function whatWentWrong(seen) {
    const { service, stopped, restarts, watched } = seen;
    const words = [];
    const [first] = stopped;
    if (first) {
        const { was, now } = first;
        const error = now ? (0,verify/* taskError */.iX)(now) : undefined;
        const ran = Math.max(1, Math.round((seen.at - watched.found.at) / 1000));
        words.push(now
            ? `task ${was.containerId} ${now.currentState}${error ? ` (${error})` : ""} after about ${String(ran)} s`
            : `task ${was.containerId} is no longer listed after about ${String(ran)} s`);
        if (stopped.length > 1)
            words.push(`${String(stopped.length - 1)} more of its tasks stopped`);
    }
    if (restarts.length > 0)
        words.push(`swarm restarted it ${times(restarts.length)}`);
    else if (first)
        words.push("swarm has not restarted it");
    const update = service?.UpdateStatus;
    if ((0,verify/* gaveUp */.ly)(service)) {
        words.push(`Docker Swarm gave up on its update (${update?.State ?? ""}: ${update?.Message ?? ""})`);
    }
    if (seen.left !== undefined) {
        words.push(service ? `the service is now set to run ${seen.left}` : "Dokploy has no swarm service for it any more");
    }
    return words.join("; ");
}
function unstable(ctx, seen, ours, seconds) {
    (0,target/* recordStatus */.Ms)(ctx, "unstable");
    const restarts = seen.reduce((n, s) => n + s.restarts.length, 0);
    const stopped = seen.some((s) => s.stopped.length > 0 || s.restarts.length > 0);
    const named = ctx.ref.kind === "compose";
    const what = seen
        .filter(troubled)
        .map((s) => (named ? `${s.watched.found.swarm.what}: ${whatWentWrong(s)}` : whatWentWrong(s)))
        .join(". ");
    const url = (0,target/* targetOf */.$r)(ctx).url ?? ctx.config.dokployUrl;
    return new errors/* UnstableError */.HV(`${ours} ran, then ${stopped ? "stopped" : "was replaced"} within verify-stable (${String(seconds)} s): ${what}. See ${url}`, restarts);
}
async function watchWindow(ctx, watch, ours, seconds) {
    const watched = watch.found.map(opened);
    const windowMs = seconds * 1000;
    const every = lookEveryMs(seconds);
    const names = watch.found.map((f) => f.swarm.name).join(", ");
    ctx.logger.info(`Watching ${names} for ${String(seconds)} s (verify-stable), a look every ${String(every / 1000)} s.`);
    const end = ctx.ports.clock() + windowMs;
    for (let now = ctx.ports.clock(); now < end; now = ctx.ports.clock()) {
        await ctx.ports.sleep(Math.min(every, end - now));
        (0,context/* stopIfCancelled */.FE)(ctx);
        const seen = await Promise.all(watched.map((w) => lookAgain(ctx, w, ours)));
        if (!seen.some(troubled))
            continue;
        if (seen.some((s) => s.left !== undefined)) {
            const held = await watch.held();
            if (held !== ours) {
                (0,verify/* superseded */.zT)(ctx, held, ours);
                return;
            }
        }
        throw unstable(ctx, seen, ours, seconds);
    }
    const tasks = watched.reduce((n, w) => n + w.running.length, 0);
    ctx.logger.info(`Stable for ${String(seconds)} s: ${String(tasks)} task${tasks === 1 ? "" : "s"} of ${ours} kept running, 0 restarts.`);
    ctx.ledger.record({ kind: "stable", target: ctx.ref.id, seconds, restarts: 0 });
}
async function watchStable(ctx, watch, ours) {
    const seconds = ctx.config.verifyStableSeconds;
    if (seconds <= 0 || (0,target/* targetOf */.$r)(ctx).deploymentStatus === "superseded")
        return;
    if (!watch || watch.found.length === 0) {
        ctx.logger.info("verify-stable: no swarm service of ours was seen, so there is nothing to watch.");
        return;
    }
    await (0,target/* timedTarget */.v5)(ctx, "Watch it stay up", () => watchWindow(ctx, watch, ours, seconds));
}

;// CONCATENATED MODULE: ./src/targets/kinds.ts






function checkTarget(ctx) {
    return ctx.ref.kind === "application" ? checkApplication(ctx) : checkCompose(ctx);
}
async function verifyTarget(ctx, ours) {
    const watch = await (ctx.ref.kind === "application" ? (0,verify/* verifyApplication */.cI)(ctx, ours) : verifyCompose(ctx, ours));
    await watchStable(ctx, watch, ours);
}
async function pointTarget(ctx, before) {
    const snapshot = snapshotDeployments(ctx.dokploy, ctx.ref);
    snapshot.catch(() => undefined);
    const image = await (ctx.ref.kind === "application" ? pointApplication(ctx, before) : pointCompose(ctx));
    return { image, known: await snapshot };
}

;// CONCATENATED MODULE: ./src/targets/check.ts





async function readVersion(ctx) {
    try {
        const version = await ctx.dokploy.version();
        ctx.logger.info(`Dokploy ${version}`);
        return version;
    }
    catch (error) {
        ctx.logger.info(`Dokploy did not say its version (${(0,errors/* errorMessage */.gJ)(error)}): going on as if it is ${dokploy_version/* OLDEST_SUPPORTED */.nq} or newer, the oldest this step supports.`);
        return undefined;
    }
}
function refuseOldVersion(ctx, version) {
    if (version === undefined)
        return;
    const older = (0,dokploy_version/* isOlderThan */.UM)(version);
    if (older === undefined) {
        ctx.logger.info(`Dokploy's version "${version}" is not one this step can read: going on as if it is ${dokploy_version/* OLDEST_SUPPORTED */.nq} or newer, the oldest this step supports.`);
    }
    else if (older) {
        throw new errors/* DeployError */.sH(`Dokploy ${version} is older than ${dokploy_version/* OLDEST_SUPPORTED */.nq}, the oldest release this step supports: ${dokploy_version/* WHY_NOT_OLDER */.i3}. Upgrade Dokploy to ${dokploy_version/* OLDEST_SUPPORTED */.nq} or newer.`);
    }
}
function runningImages(prepared) {
    return prepared.flatMap((p) => (p.before.image ? [p.before.image] : []));
}
function checkTargets(ctx, refs) {
    const { ledger } = ctx;
    const several = refs.length > 1;
    return (0,context/* timed */.ay)(ctx, several ? "Check Dokploy and the targets" : `Check Dokploy and the ${refs[0]?.kind ?? "target"}`, async () => {
        const checks = refs.map((ref) => {
            ledger.record({ kind: "target", targetKind: ref.kind, id: ref.id });
            const targetCtx = (0,target/* forTarget */.Xx)(ctx, ref, several);
            return checkTarget(targetCtx).then((checked) => ({ ctx: targetCtx, ...checked }));
        });
        const [prepared, version] = await Promise.all([Promise.all(checks), readVersion(ctx)]);
        refuseOldVersion(ctx, version);
        return prepared;
    }, false);
}

;// CONCATENATED MODULE: ./src/targets/evidence.ts




const TASKS_LISTED = 6;
const OUTPUTS_READ = 2;
const ENDED = /^(Failed|Rejected|Complete|Shutdown|Orphaned|Remove)/;
function taskLine(task, image) {
    const error = (0,verify/* taskError */.iX)(task);
    return [
        task.containerId.slice(0, 12),
        `desired ${task.state}`,
        task.currentState || "(state unknown)",
        ...(error ? [error] : []),
        ...(image ? [image] : []),
    ].join("  ");
}
async function imagesOf(ctx, tasks, serverId) {
    const images = await Promise.all(tasks.map((task) => ctx.dokploy.taskImage(task.containerId, serverId).catch(() => undefined)));
    return new Map(tasks.map((task, i) => [task.containerId, images[i]]));
}
function tasksToRead(tasks, images, ours) {
    const known = tasks.some((task) => images.get(task.containerId) !== undefined);
    const mine = known ? tasks.filter((task) => ours(images.get(task.containerId))) : [...tasks];
    const ended = mine.filter((task) => ENDED.test(task.currentState) || (0,verify/* taskError */.iX)(task) !== undefined);
    return (ended.length > 0 ? ended : mine).slice(0, OUTPUTS_READ);
}
async function swarmEvidence(ctx, service, tasks, serverId) {
    const listed = tasks.slice(0, TASKS_LISTED);
    const images = await imagesOf(ctx, listed, serverId);
    const ours = (image) => (0,verify/* isSameImage */.m_)(image, ctx.image, ctx.ledger.digest(ctx.image));
    const section = {
        title: "Docker Swarm's tasks of",
        subject: service,
        lines: listed.map((task) => ctx.redactor.redact(taskLine(task, images.get(task.containerId)))),
        ...(listed.length === 0 ? { note: "Swarm lists no task of it." } : {}),
    };
    const sources = tasksToRead(listed, images, ours).map((task) => ({
        id: task.containerId,
        runType: "swarm",
        what: "task",
        state: task.currentState,
    }));
    return { section, sources };
}
async function applicationParts(ctx) {
    const app = await ctx.dokploy.applicationOne(ctx.ref.id);
    if (!app.appName)
        return { serverId: app.serverId, parts: [] };
    const tasks = await ctx.dokploy.serviceTasks(app.appName, app.serverId);
    return { serverId: app.serverId, parts: [await swarmEvidence(ctx, app.appName, tasks, app.serverId)] };
}
async function composeParts(ctx) {
    const compose = await ctx.remote.composeOne(ctx.dokploy, ctx.ref.id);
    const { appName, serverId } = compose;
    if (compose.composeType === "stack") {
        const tasks = await ctx.remote.stackTasks(ctx.dokploy, appName, serverId);
        const services = [...tasksByService(tasks)];
        const parts = await Promise.all(services.map(([name, own]) => swarmEvidence(ctx, name, own, serverId)));
        return { serverId, parts };
    }
    const containers = await ctx.remote.composeContainers(ctx.dokploy, appName, serverId);
    const lines = containers.map((c) => ctx.redactor.redact(`${c.name}  ${c.status ?? c.state}`));
    const stopped = containers.filter((c) => c.state !== "running");
    const sources = (stopped.length > 0 ? stopped : containers).slice(0, OUTPUTS_READ).map((c) => ({
        id: c.containerId,
        runType: "native",
        what: `container ${c.name}`,
        state: c.status ?? c.state,
    }));
    const section = { title: "Containers of the project", subject: appName, lines };
    return { serverId, parts: [{ section, sources }] };
}
async function outputs(ctx, sources, serverId) {
    const read = await ctx.remote.containerLogs();
    const logs = await Promise.all(sources.map((source) => read({
        baseUrl: ctx.config.dokployUrl,
        apiKey: ctx.config.apiKey,
        containerId: source.id,
        runType: source.runType,
        tail: ctx.config.diagnosticsLines,
        serverId,
        serviceId: ctx.ref.id,
        redactor: ctx.redactor,
        signal: ctx.signal,
    })));
    return sources.map((source, i) => ({
        title: source.runType === "swarm" ? "Output of task" : "Output of",
        subject: `${source.runType === "swarm" ? source.id.slice(0, 12) : source.what} (${source.state})`,
        lines: logs[i]?.lines ?? [],
        ...(logs[i]?.unavailable ? { note: `No output: ${logs[i].unavailable}.` } : {}),
    }));
}
async function sectionsOf(ctx) {
    const { parts, serverId } = await (ctx.ref.kind === "application" ? applicationParts(ctx) : composeParts(ctx));
    const sources = parts.flatMap((part) => part.sources).slice(0, OUTPUTS_READ * 2);
    return [...parts.map((part) => part.section), ...(await outputs(ctx, sources, serverId))];
}
async function print(ctx, sections) {
    await ctx.logger.group(`What went wrong in ${(0,target/* targetName */.je)(ctx)}: swarm's tasks and what the containers printed`, () => {
        for (const section of sections) {
            ctx.logger.info(`${section.title}${section.subject ? ` ${section.subject}` : ""}:`);
            if (section.note)
                ctx.logger.info(`  ${section.note}`);
            for (const line of section.lines)
                ctx.logger.info(`│ ${line}`);
        }
        return Promise.resolve();
    });
}
async function gatherEvidence(ctx, more = []) {
    if (ctx.config.diagnosticsLines === 0)
        return;
    let sections = [...more];
    try {
        sections = [...more, ...(await sectionsOf(ctx))];
    }
    catch (error) {
        ctx.logger.info(`Could not read what ${(0,target/* targetName */.je)(ctx)}'s containers printed: ${(0,errors/* errorMessage */.gJ)(error)}`);
    }
    if (sections.length === 0)
        return;
    ctx.ledger.record({ kind: "evidence", target: ctx.ref.id, sections });
    await print(ctx, sections);
}

;// CONCATENATED MODULE: ./src/targets/deployment.ts




async function triggerOurDeployment(ctx, known) {
    const { config, logger, ledger } = ctx;
    const change = {
        kind: "deployment",
        targetId: ctx.ref.id,
        method: config.deployMethod,
        title: config.deployTitle,
        url: (0,target/* targetOf */.$r)(ctx).url ?? config.dokployUrl,
        ...(ctx.several ? { target: (0,target/* targetName */.je)(ctx) } : {}),
    };
    await (0,target/* timedTarget */.v5)(ctx, `Trigger ${config.deployMethod}`, async () => {
        const trigger = {
            method: config.deployMethod,
            source: ctx.ref,
            title: config.deployTitle,
            description: config.deployDescription,
            token: ctx.runToken,
        };
        try {
            await triggerDeployment(ctx.dokploy, trigger, known, ctx.policy, ctx.retryPorts);
        }
        catch (error) {
            if (error instanceof errors/* DokployError */.RI && error.ambiguous)
                ledger.record({ ...change, status: "uncertain" });
            throw error;
        }
        ledger.record(change);
        logger.info(`Dokploy queued the ${config.deployMethod} "${config.deployTitle}"`);
    });
    (0,target/* recordStatus */.Ms)(ctx, "queued");
    return change;
}
function logServer(ctx, deployment) {
    return deployment.buildServerId ?? deployment.serverId ?? ctx.ledger.server(ctx.ref.id);
}
function followOptions(ctx) {
    const { config } = ctx;
    const stream = ctx.remote.liveLog();
    stream.catch(() => undefined);
    return {
        timeoutMs: config.waitTimeoutSeconds * 1000,
        applicationUrl: (0,target/* targetOf */.$r)(ctx).url ?? config.dokployUrl,
        openLog: async (deployment, listener) => deployment.logPath
            ? (await stream)({
                baseUrl: config.dokployUrl,
                apiKey: config.apiKey,
                logPath: deployment.logPath,
                serverId: logServer(ctx, deployment),
                logger: ctx.logger,
                redactor: ctx.redactor,
                ...listener,
            })
            : undefined,
    };
}
async function followOurDeployment(ctx, known) {
    const { config, image, logger, ledger } = ctx;
    const follow = followOptions(ctx);
    let last;
    const seen = ({ deploymentId, status }) => {
        if (last?.id === deploymentId && last.status === status)
            return;
        last = { id: deploymentId, status };
        ledger.record({ kind: "deployment-status", target: ctx.ref.id, deploymentId, status, said: "dokploy" });
    };
    try {
        const { deployment, tail } = await (0,target/* timedTarget */.v5)(ctx, "Wait for the deployment", () => followDeployment(ctx.dokploy, { ...follow, source: ctx.ref, known, title: config.deployTitle, token: ctx.runToken, onStatus: seen }, ctx.ports));
        seen(deployment);
        if (deployment.status === "done") {
            logger.info(`Deployment ${deployment.deploymentId} is done in Dokploy.`);
            return;
        }
        const lines = tail.length > 0 ? `\nLast lines of its log:\n${tail.join("\n")}` : "";
        throw new errors/* DeploymentFailedError */.RJ(`Deployment ${deployment.deploymentId} of ${image} ended with status "${deployment.status}".${lines}\nSee ${follow.applicationUrl}`);
    }
    catch (error) {
        if (error instanceof WaitTimeoutError) {
            (0,target/* recordStatus */.Ms)(ctx, "timeout", error.deployment?.deploymentId);
        }
        else if (error instanceof UnknownStatusError) {
            seen(error.deployment);
            (0,target/* recordStatus */.Ms)(ctx, "unknown");
        }
        throw error;
    }
}

;// CONCATENATED MODULE: ./src/targets/health.ts


function answerOf(result) {
    return `${String(result.status)} in ${String(result.latencyMs)} ms`;
}
async function checkHealthUrl(ctx) {
    const { config, ledger } = ctx;
    const health = config.health;
    if (!health)
        return;
    try {
        const checked = await (0,context/* timed */.ay)(ctx, "Health check", () => ctx.remote.checkHealth(health, {
            logger: ctx.logger,
            clock: ctx.ports.clock,
            sleep: ctx.ports.sleep,
            dispatcher: ctx.dispatcher,
        }));
        ledger.record({ kind: "health", answer: answerOf(checked) });
    }
    catch (error) {
        if (error instanceof errors/* HealthCheckError */.b1) {
            ledger.record({ kind: "health", answer: error.last ? answerOf(error.last) : "no answer" });
        }
        throw error;
    }
}

;// CONCATENATED MODULE: ./src/targets/rollback.ts






function isDeploymentFailure(error) {
    return (error instanceof WaitTimeoutError ||
        error instanceof errors/* HealthCheckError */.b1 ||
        error instanceof errors/* DeploymentFailedError */.RJ ||
        error instanceof errors/* UnstableError */.HV);
}
function writeBack(ctx, restore) {
    if ("provider" in restore)
        return () => ctx.dokploy.saveDockerProvider(restore.provider);
    return async () => {
        await writeVariables(ctx, restore.variables);
    };
}
async function rollBackTarget(ctx) {
    const { logger, ledger } = ctx;
    const { restore, was } = ledger.before(ctx.ref.id) ?? {};
    const who = ctx.several ? `${(0,target/* targetName */.je)(ctx)}: ` : "";
    if (!restore || !was) {
        const what = ctx.ref.kind === "application"
            ? "the application did not run a Docker image"
            : `the compose's environment had no ${ctx.config.imageVariable} or ${ctx.config.tagVariable}`;
        const outcome = `${who}Nothing to roll back to: ${what} before this deployment.`;
        logger.warn(outcome);
        return outcome;
    }
    const outcome = await (0,target/* timedTarget */.v5)(ctx, "Roll back", () => rollBack(ctx.dokploy, { source: ctx.ref, was, restore: writeBack(ctx, restore), policy: ctx.policy, follow: followOptions(ctx) }, { ...ctx.ports, ...ctx.retryPorts }));
    ledger.record({ kind: "rollback", to: was, outcome: `${who}${outcome}` });
    logger.warn(outcome);
    return `${who}${outcome}`;
}

;// CONCATENATED MODULE: ./src/targets/deploy-targets.ts








const statusOf = (ctx) => (0,target/* targetOf */.$r)(ctx).deploymentStatus;
async function deployTarget(run) {
    const { ctx, before } = run;
    const pointed = await pointTarget(ctx, before);
    await triggerOurDeployment(ctx, pointed.known);
    if (!ctx.config.wait)
        return;
    await followOurDeployment(ctx, pointed.known);
    await verifyTarget(ctx, pointed.image);
    if (statusOf(ctx) === "superseded")
        return;
    ctx.logger.info(`${ctx.image} is live.`);
}
function failureOf(runs) {
    const failed = runs.filter((run) => run.error !== undefined);
    const cancel = failed.find((run) => run.error instanceof errors/* CancelledError */.cc);
    if (cancel)
        return cancel.error;
    if (runs.length === 1 || failed.length === 0) {
        const error = failed[0]?.error;
        return error === undefined ? undefined : error instanceof Error ? error : new Error(String(error));
    }
    const lines = failed.map((run) => `- ${run.ctx.ref.kind} ${(0,target/* targetName */.je)(run.ctx)}: ${(0,errors/* errorMessage */.gJ)(run.error)}`);
    return new errors/* DeployError */.sH(`${String(failed.length)} of ${String(runs.length)} targets failed:\n${lines.join("\n")}`);
}
function shouldRollBack(ctx, runs, failure) {
    if (!ctx.config.rollbackOnFailure || failure instanceof errors/* CancelledError */.cc || ctx.signal.aborted)
        return false;
    return runs.length > 1 || isDeploymentFailure(failure);
}
async function rollBackTargets(ctx, runs, failure) {
    const onlyFailed = ctx.config.rollbackTargets === "failed" && runs.some((run) => run.error !== undefined);
    const scope = runs.filter((run) => ctx.ledger.changed(run.ctx.ref.id) &&
        (!onlyFailed || run.error !== undefined) &&
        !["superseded", "unknown"].includes(statusOf(run.ctx) ?? ""));
    const outcomes = await Promise.all(scope.map((run) => rollBackTarget(run.ctx)));
    if (outcomes.length > 0)
        failure.message = `${failure.message}\n${outcomes.join("\n")}`;
}
function healthSection(ctx, failure) {
    const { last } = failure;
    const lines = last ? [`HTTP ${answerOf(last)}`, ...(last.body ?? "").split(/\r?\n/).slice(0, 10)] : [];
    return {
        title: "The health check's last answer, from",
        subject: ctx.config.health?.url ?? "",
        lines: lines.map((line) => ctx.redactor.redact(line)),
        ...(last ? {} : { note: "It never answered." }),
    };
}
async function gatherAll(ctx, runs, failure) {
    const health = failure instanceof errors/* HealthCheckError */.b1 ? [healthSection(ctx, failure)] : [];
    const queued = (run) => ctx.ledger.entries.some((e) => e.kind === "deployment" && e.targetId === run.ctx.ref.id);
    const red = runs.filter((run) => queued(run) && (health.length > 0 || run.error !== undefined) && statusOf(run.ctx) !== "superseded");
    await Promise.all(red.map((run, i) => gatherEvidence(run.ctx, i === 0 ? health : [])));
}
async function deployTargets(ctx, prepared) {
    const runs = prepared.map((p) => ({ ...p }));
    await Promise.all(runs.map(async (run) => {
        try {
            await deployTarget(run);
        }
        catch (error) {
            run.error = error;
            const target = run.ctx.ref.id;
            ctx.ledger.record({ kind: "target-failed", target, error: ctx.redactor.redact((0,errors/* errorMessage */.gJ)(error)) });
        }
    }));
    (0,context/* stopIfCancelled */.FE)(ctx);
    let failure = failureOf(runs);
    if (!failure && ctx.config.wait && runs.every((run) => statusOf(run.ctx) === "done")) {
        try {
            await checkHealthUrl(ctx);
        }
        catch (error) {
            failure = error instanceof Error ? error : new Error(String(error));
        }
    }
    if (!failure)
        return;
    if (ctx.config.wait && !(failure instanceof errors/* CancelledError */.cc))
        await gatherAll(ctx, runs, failure);
    if (shouldRollBack(ctx, runs, failure))
        await rollBackTargets(ctx, runs, failure);
    throw failure;
}

;// CONCATENATED MODULE: ./src/targets/names.ts


function refuseDuplicates(refs) {
    const seen = new Set();
    for (const ref of refs) {
        const key = `${ref.kind}:${ref.id}`;
        if (seen.has(key))
            throw new errors/* ConfigError */.xL(`${ref.kind}-id`, `names ${ref.kind} ${ref.id} twice (by id or by name)`);
        seen.add(key);
    }
}
async function resolveTargets(ctx, connect) {
    const { config, logger } = ctx;
    const named = config.targets.flatMap((t) => (t.name !== undefined ? [{ kind: t.kind, name: t.name }] : []));
    if (named.length === 0 || !config.names) {
        const refs = config.targets.flatMap((t) => (t.id !== undefined ? [{ kind: t.kind, id: t.id }] : []));
        refuseDuplicates(refs);
        return { refs };
    }
    const place = config.names;
    const connected = await connect();
    const found = await (0,context/* timed */.ay)(ctx, "Find the targets by name", async () => {
        const resolved = connected.remote.resolveNames(await connected.dokploy.projects(), place, named);
        resolved.forEach((ref, i) => {
            logger.info(`${ref.kind} "${named[i]?.name ?? ""}" in ${place.project}/${place.environment} is ${ref.id}`);
        });
        return resolved;
    });
    const byName = [...found];
    const refs = [];
    for (const t of config.targets) {
        const ref = t.id !== undefined ? { kind: t.kind, id: t.id } : byName.shift();
        if (ref)
            refs.push(ref);
    }
    refuseDuplicates(refs);
    return { refs, connected };
}

;// CONCATENATED MODULE: ./src/pipeline/connect.ts
async function connectToDokploy(ctx) {
    const { config, logger, redactor } = ctx;
    const { remote, dispatcher } = await goOnline(ctx);
    const client = new remote.DokployClient({
        baseUrl: config.dokployUrl,
        apiKey: config.apiKey,
        transport: config.transport,
        logger,
        redactor,
        dispatcher,
        timeoutMs: config.requestTimeoutSeconds * 1000,
        retry: ctx.policy,
        retryPorts: ctx.retryPorts,
        signal: ctx.signal,
    });
    return { ...ctx, remote, dispatcher, dokploy: new remote.Dokploy(client) };
}
async function goOnline(ctx) {
    const { ports } = ctx;
    if (!ctx.config.build)
        ports.whileDockerWorks?.();
    const remote = await Promise.all(/* import() */[__nccwpck_require__.e(99), __nccwpck_require__.e(816), __nccwpck_require__.e(94)]).then(__nccwpck_require__.bind(__nccwpck_require__, 2094));
    const dispatcher = (await ports.loadDispatcher?.()) ?? ports.dispatcher;
    return { ...ctx, remote, dispatcher };
}

;// CONCATENATED MODULE: ./src/config/advice.ts
const FLOATING_TAGS = new Set([
    "latest",
    "main",
    "master",
    "stable",
    "prod",
    "production",
    "staging",
    "dev",
    "develop",
    "edge",
    "nightly",
]);
function adviceFor(config) {
    const advice = [];
    if (FLOATING_TAGS.has(config.tag.toLowerCase()) && !config.pinDigest) {
        advice.push(`tag "${config.tag}" is a floating tag: when the application already runs ${config.image.name}:${config.tag}, Swarm may keep the old image. Deploy the commit SHA (the default tag) or set pin-digest: true.`);
    }
    const ecr = config.image.registry.endsWith(".amazonaws.com");
    if (ecr && config.pull && config.push && config.pull.password === config.push.password) {
        advice.push("Dokploy will pull with the ECR login password, which expires after 12 hours: a redeploy or restart in Dokploy after that cannot pull. Deploy from CI at least every 12 hours, or give Dokploy a longer-lived pull credential.");
    }
    if (config.pull?.password.startsWith("ghs_")) {
        advice.push("Dokploy will pull with a GitHub job token (ghs_…, e.g. GITHUB_TOKEN), which expires when the job ends: a redeploy or restart in Dokploy after that cannot pull. Give pull-username/pull-password a token that lasts (a personal access token with read:packages).");
    }
    advice.push(...spacedPasswords(config));
    if (config.health?.credentials && new URL(config.health.url).protocol === "http:") {
        advice.push("health-url has credentials and uses http://: they travel in clear text. Use https://.");
    }
    return advice;
}
function spacedPasswords(config) {
    return config.spacedSecrets.map((name) => `${name} starts or ends with spaces, which were removed: docker login removes them too, so a password that really has them cannot be used with docker. If the login fails, check the secret for stray spaces.`);
}

;// CONCATENATED MODULE: ./src/pipeline/inputs.ts


function isLoopback(url) {
    return /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(url.hostname);
}
async function checkInputs(ctx) {
    const { config, ports, logger } = ctx;
    const { probe } = await chooseBuilder(config, ports, ctx.docker);
    for (const warning of adviceFor(config))
        logger.warn(warning);
    const url = config.deploy ? new URL(config.dokployUrl) : undefined;
    if (url?.protocol === "http:" && !isLoopback(url)) {
        logger.warn(`dokploy-url uses http://: the API key travels in clear text to ${url.host}. Use https://.`);
    }
    return { buildx: probe };
}

;// CONCATENATED MODULE: ./src/pipeline/plan.ts








function cachePlan(config, buildx) {
    if (!autoCacheWanted(config))
        return [];
    const tags = config.extraTags.map((tag) => (0,shared_image/* imageRef */.D6)(config.image, tag));
    const sources = `the image the application runs (when in ${config.image.registry})${tags.length > 0 ? `, ${tags.join(", ")}` : ""}`;
    if (!buildx) {
        return [
            `Build cache (cache: auto): on an engine that holds no image of ${config.image.name}, docker pull ${sources}, then build with --cache-from them`,
        ];
    }
    const cache = (0,shared_image/* imageRef */.D6)(config.image, BUILDCACHE_TAG);
    return [
        `Build cache (cache: auto): --cache-from type=registry,ref= ${sources}; with the docker driver --cache-to type=inline, and on an engine that holds images of ${config.image.name} its own cache instead of the sources; with a BuildKit builder also ${config.ci.actionsCache ? "type=gha" : cache} as --cache-from and --cache-to (mode=max)`,
    ];
}
function buildPlan(config, way) {
    const { buildx, labelled = false, intoEngine = false, enginePush = false } = way;
    if (!config.build)
        return [`No build: deploy ${(0,shared_image/* imageRef */.D6)(config.image, config.tag)} as it is in the registry`];
    const plan = [`Create a temporary docker config (DOCKER_CONFIG); ~/.docker is not written`];
    if (config.push && enginePush) {
        plan.push(`GET ${config.image.registry}/v2/ with the password of ${config.push.username} (beside the build: does the registry take it?); docker login only if the build pulls from the registry`);
    }
    else if (config.push)
        plan.push(`docker ${loginArgv(config.registry, config.push.username).join(" ")}  (password on stdin)`);
    const labelledDockerfile = labelled ? `$DOCKER_CONFIG/${LABELLED_DOCKERFILE}` : undefined;
    plan.push(...cachePlan(config, buildx));
    plan.push(`docker ${buildArgv(config, { buildx, intoEngine, outDir: "$DOCKER_CONFIG", created: new Date(0), labelledDockerfile }).join(" ")}`);
    if (labelled) {
        const labels = classicLabels(config);
        const where = [
            labels.afterFrom.length > 0 ? `right after the built stage's FROM: ${labels.afterFrom.join(" ")}` : "",
            labels.atEnd.length > 0 ? `at its end: ${labels.atEnd.join(" ")}` : "",
        ].filter((part) => part !== "");
        plan.push(`  (${LABELLED_DOCKERFILE}: the Dockerfile with LABEL lines ${where.join("; ")})`);
    }
    if ((!buildx || intoEngine) && config.pushImage) {
        const push = (tag) => enginePush
            ? `POST <engine>/images/${config.image.name}/push?tag=${tag}  (the engine's push; the password in its X-Registry-Auth header)`
            : `docker ${pushArgv((0,shared_image/* imageRef */.D6)(config.image, tag)).join(" ")}`;
        plan.push(push(config.tag));
        for (const tag of config.extraTags) {
            plan.push(config.push
                ? `PUT ${config.image.registry}/v2/${config.image.path}/manifests/${tag}  (the manifest just pushed; a push of ${(0,shared_image/* imageRef */.D6)(config.image, tag)} if the registry refuses)`
                : push(tag));
        }
    }
    return plan;
}
function pullCheckPlan(config) {
    if (!config.verifyPull || !config.pushImage)
        return [];
    return [
        `HEAD ${config.image.registry}/v2/${config.image.path}/manifests/${config.tag} with the pull credentials (the image is there, Dokploy can pull it, it is the digest pushed)`,
    ];
}
function serverPullPlan(config, api) {
    if (!config.pull)
        return [];
    const login = { registryUrl: (0,shared_image/* dokployRegistryUrl */.tj)(config.image.registry), username: config.pull.username };
    return [
        `POST ${api}registry.testRegistry ${JSON.stringify({ ...login, password: "***", registryType: "cloud" })} with each target's serverId (none for the Dokploy host), once per machine: a docker login to ${config.image.registry} from where the image is pulled (verify-pull-on-server); that login stays on the machine`,
    ];
}
function platformPlan(config, api) {
    return [
        `GET the manifest of ${(0,shared_image/* imageRef */.D6)(config.image, config.tag)} (and its config) for its platforms; GET ${api}cluster.getNodes with each target's serverId (none for the Dokploy host), once per machine: refuse when no node runs a platform of the image (verify-platform)`,
    ];
}
function idText(spec) {
    return spec.id ?? `<id of ${spec.kind} "${spec.name}">`;
}
function namesPlan(config, api) {
    const named = config.targets.filter((t) => t.name !== undefined);
    if (!config.names || named.length === 0)
        return [];
    return [
        `GET ${api}project.all  (find ${named.map(describeTarget).join(", ")} in ${config.names.project}/${config.names.environment}; a wrong name stops the run here, before the build)`,
    ];
}
function checkPlan(config, api) {
    return config.targets.map((t) => {
        const key = t.kind === "application" ? "applicationId" : "composeId";
        return `GET ${api}${t.kind}.one {"${key}":"${idText(t)}"}  (check key and ${t.kind}, beside the build)`;
    });
}
function composePlan(config, api, id) {
    const ref = (0,shared_image/* imageRef */.D6)(config.image, config.tag);
    return [
        `GET ${api}compose.one {"composeId":"${id}"}, then POST ${api}compose.saveEnvironment (compose.update before Dokploy v0.29.0) with ${config.imageVariable}=${config.pinDigest ? `${ref}@<digest>` : ref} and ${config.tagVariable}=${config.tag} set in its env (every other variable kept as it is)`,
        `GET ${api}deployment.allByCompose {"composeId":"${id}"}  (snapshot, to tell our deployment from others)`,
        `POST ${api}compose.${config.deployMethod} ${JSON.stringify({ composeId: id, title: config.deployTitle, description: config.deployDescription })}`,
    ];
}
function targetPlan(config, api, spec) {
    const id = idText(spec);
    if (spec.kind === "compose")
        return composePlan(config, api, id);
    const provider = dockerProviderOf(config, id);
    return [
        `POST ${api}application.saveDockerProvider ${JSON.stringify({ ...provider, password: provider.password === null ? null : "***" })}`,
        `GET ${api}deployment.all {"applicationId":"${id}"}  (snapshot, to tell our deployment from others)`,
        `POST ${api}application.${config.deployMethod} ${JSON.stringify({ applicationId: id, title: config.deployTitle, description: config.deployDescription })}`,
    ];
}
function registryPlan(config, api) {
    if (!config.dokployRegistry)
        return [];
    return [
        `GET ${api}registry.all, then POST ${api}registry.create or registry.update for ${config.image.registry} when the entry differs`,
    ];
}
function targetsPlan(config, api) {
    const plan = [];
    if (config.targets.length > 1)
        plan.push(`For each of the ${String(config.targets.length)} targets, all at once:`);
    for (const spec of config.targets)
        plan.push(...targetPlan(config, api, spec));
    if (!config.wait)
        return plan;
    plan.push(`Follow the new deployment titled "${config.deployTitle}" until done, error or cancelled (at most ${String(config.waitTimeoutSeconds)} s), with its live log, and check what runs`);
    if (config.verifyRunning && config.verifyStableSeconds > 0) {
        plan.push(`Watch what swarm runs for ${String(config.verifyStableSeconds)} s (verify-stable): its tasks and its spec every ${String(lookEveryMs(config.verifyStableSeconds) / 1000)} s; red if a task stops or swarm restarts it`);
    }
    if (config.health) {
        plan.push(`GET ${config.health.url} until it answers (at most ${String(config.health.timeoutMs / 1000)} s)`);
    }
    if (config.rollbackOnFailure) {
        const compose = config.targets.some((t) => t.kind === "compose");
        plan.push(`If that fails: save the previous image${compose ? " (a compose's previous variables)" : ""} back and redeploy it`);
    }
    return plan;
}
async function planWay(ctx, buildx) {
    const { config } = ctx;
    const dockerfile = buildx || !config.build ? undefined : await readDockerfile(ctx);
    const labelled = dockerfile !== undefined && dockerfileWithLabels(dockerfile, classicLabels(config), config.target) !== undefined;
    const intoEngine = await buildsIntoEngine(config, ctx.ports, buildx);
    const enginePush = (await enginePushFor(config, ctx.ports, buildx, intoEngine)) !== undefined;
    return { buildx, labelled, intoEngine, enginePush };
}
function printPlan(ctx, way, lines) {
    const builder = way.buildx
        ? way.intoEngine
            ? "buildx, docker driver: into the engine, then docker push"
            : "buildx"
        : "classic builder";
    ctx.logger.info(`Dry run: nothing is built, pushed or changed. The plan (${builder}):`);
    lines.forEach((line, i) => {
        ctx.logger.info(`${String(i + 1)}. ${line}`);
    });
}

;// CONCATENATED MODULE: ./src/pipeline/stages.ts














const always = () => true;
const deploys = (config) => config.deploy;
const removesPreviews = (config) => config.preview?.mode === "close" || config.preview?.mode === "prune";
const deploysImage = (config) => config.deploy && !removesPreviews(config);
async function buildBesideCheck(ctx, state) {
    const { config } = ctx;
    const check = async () => {
        if (!config.deploy)
            return { online: await goOnline(ctx) };
        const connected = state.resolved?.connected ?? (await connectToDokploy(ctx));
        const prepared = await checkTargets(connected, state.resolved?.refs ?? []);
        return { online: connected, connected, prepared };
    };
    const step = config.pushImage ? `Build and push ${ctx.image}` : `Build ${ctx.image}`;
    return besideWork((gate) => config.build
        ? (0,context/* timed */.ay)(ctx, step, () => buildAndPush(ctx, mapGate(gate, (c) => ({ online: c.online, running: runningImages(c.prepared ?? []) })), state.buildx ?? Promise.resolve(false)))
        : Promise.resolve(), check, ctx.signal);
}
const STAGES = [
    {
        name: "Check the inputs",
        when: always,
        needs: [],
        gives: ["buildx"],
        records: [],
        run: async (ctx) => ({ buildx: (await checkInputs(ctx)).buildx }),
    },
    {
        name: "Print the plan",
        when: (config) => config.dryRun,
        needs: ["buildx"],
        gives: [],
        records: ["plan"],
        run: async (ctx, state) => {
            const way = await planWay(ctx, await (state.buildx ?? Promise.resolve(false)));
            const lines = describePlan(ctx.config, way);
            ctx.ledger.record({ kind: "plan", lines });
            printPlan(ctx, way, lines);
            return "stop";
        },
    },
    {
        name: "Find the targets by name",
        when: deploys,
        needs: [],
        gives: ["resolved"],
        records: ["timing"],
        plan: (config, _way, api) => namesPlan(config, api),
        run: async (ctx) => ({ resolved: await resolveTargets(ctx, () => connectToDokploy(ctx)) }),
    },
    {
        name: "Build and push, with the Dokploy check beside it",
        when: always,
        needs: ["buildx"],
        gives: ["online", "connected", "prepared"],
        records: ["temp-files", "built", "pushed", "served", "target", "timing"],
        plan: (config, way, api) => [...(config.deploy ? checkPlan(config, api) : []), ...buildPlan(config, way)],
        run: buildBesideCheck,
    },
    {
        name: "Check that Dokploy can pull the image",
        when: (config) => config.pushImage,
        needs: ["online"],
        gives: [],
        records: ["served", "timing"],
        plan: (config) => pullCheckPlan(config),
        run: async (ctx, state) => {
            if (state.online)
                await checkPull(state.online);
            return {};
        },
    },
    {
        name: "Check the login from where the image is pulled",
        when: (config) => deploysImage(config) && config.verifyPull && config.verifyPullOnServer,
        needs: ["connected", "prepared"],
        gives: [],
        records: ["timing"],
        plan: (config, _way, api) => serverPullPlan(config, api),
        run: async (_ctx, state) => {
            if (state.connected)
                await checkPullOnServers(state.connected, (state.prepared ?? []).map((p) => p.machine));
            return {};
        },
    },
    {
        name: "Check the image's platforms against the nodes",
        when: (config) => deploysImage(config) && config.verifyPlatform,
        needs: ["connected", "prepared"],
        gives: [],
        records: ["timing"],
        plan: (config, _way, api) => platformPlan(config, api),
        run: async (_ctx, state) => {
            if (state.connected)
                await checkPlatforms(state.connected, (state.prepared ?? []).map((p) => p.machine));
            return {};
        },
    },
    {
        name: "Registry entry in Dokploy",
        when: deploysImage,
        needs: ["connected"],
        gives: [],
        records: ["registry-entry", "registry-id", "timing"],
        plan: (config, _way, api) => registryPlan(config, api),
        run: async (_ctx, state) => {
            if (state.connected)
                await upsertRegistryEntry(state.connected);
            return {};
        },
    },
    {
        name: "Make the preview",
        when: (config) => config.deploy && config.preview?.mode === "open",
        needs: ["connected", "prepared"],
        gives: ["prepared"],
        records: ["preview-created", "preview-service", "preview-domain", "preview-removed", "preview", "target", "timing"],
        plan: (config, _way, api) => previewPlan(config.preview, api),
        run: async (_ctx, state) => {
            if (!state.connected)
                return {};
            const { makePreview } = await Promise.all(/* import() */[__nccwpck_require__.e(816), __nccwpck_require__.e(859)]).then(__nccwpck_require__.bind(__nccwpck_require__, 1859));
            const preview = await makePreview(state.connected, state.prepared?.[0]?.ctx.ref);
            return { prepared: await checkTargets(state.connected, [preview.ref]) };
        },
    },
    {
        name: "Remove the preview",
        when: (config) => config.deploy && removesPreviews(config),
        needs: ["connected", "prepared"],
        gives: [],
        records: ["preview-removed", "timing"],
        plan: (config, _way, api) => previewPlan(config.preview, api),
        run: async (_ctx, state) => {
            if (!state.connected)
                return {};
            const { removePreview } = await Promise.all(/* import() */[__nccwpck_require__.e(816), __nccwpck_require__.e(859)]).then(__nccwpck_require__.bind(__nccwpck_require__, 1859));
            await removePreview(state.connected, state.prepared?.[0]?.ctx.ref);
            return {};
        },
    },
    {
        name: "Deploy the targets",
        when: deploysImage,
        needs: ["connected", "prepared"],
        gives: [],
        records: [
            "provider",
            "compose-env",
            "deployment",
            "deployment-status",
            "target-failed",
            "stable",
            "health",
            "rollback",
        ],
        plan: (config, _way, api) => targetsPlan(config, api),
        run: async (_ctx, state) => {
            if (state.connected)
                await deployTargets(state.connected, state.prepared ?? []);
            return {};
        },
    },
    {
        name: "Say that Dokploy was left alone",
        when: (config) => !config.deploy,
        needs: [],
        gives: [],
        records: [],
        plan: () => ["deploy: false: no request to Dokploy"],
        run: (ctx) => {
            ctx.logger.info("deploy: false: nothing was sent to Dokploy.");
            return Promise.resolve({});
        },
    },
];
function describePlan(config, way, stages = STAGES) {
    const api = config.transport === "trpc" ? "/api/trpc/" : "/api/";
    return stages.filter((stage) => stage.when(config)).flatMap((stage) => stage.plan?.(config, way, api) ?? []);
}
async function runStages(ctx, stages = STAGES) {
    const state = {};
    for (const stage of stages) {
        if (!stage.when(ctx.config))
            continue;
        const given = await stage.run(ctx, state);
        if (given === "stop")
            return;
        Object.assign(state, given);
        (0,context/* stopIfCancelled */.FE)(ctx);
    }
}

;// CONCATENATED MODULE: ./src/record/result.ts
function outputsOf(result) {
    return {
        image: result.image,
        tag: result.tag,
        digest: result.digest ?? "",
        "image-ref-digest": result.digest ? `${result.image.slice(0, result.image.lastIndexOf(":"))}@${result.digest}` : "",
        "registry-id": result.registryId ?? "",
        "deployment-id": result.deploymentId ?? "",
        "deployment-status": result.deploymentStatus ?? "",
        "application-url": result.applicationUrl ?? "",
        targets: JSON.stringify(result.targets.map((t) => ({
            kind: t.kind,
            id: t.id,
            name: t.name ?? null,
            url: t.url ?? null,
            "deployment-id": t.deploymentId ?? null,
            "deployment-status": t.deploymentStatus ?? null,
        }))),
        "preview-url": result.previewUrl ?? "",
        health: result.health ?? "",
        imageid: result.imageId ?? "",
        metadata: result.metadata ?? "",
    };
}

;// CONCATENATED MODULE: ./src/pipeline/run.ts







function run_failureOf(ctx, error) {
    if (ctx.signal.aborted && !(error instanceof errors/* CancelledError */.cc))
        return run_failureOf(ctx, (0,context/* cancelled */.KW)(ctx));
    const failure = error instanceof Error ? error : new Error(String(error));
    if (!(failure instanceof errors/* ConfigError */.xL) && !(failure instanceof errors/* CancelledError */.cc)) {
        failure.message = `${failure.message}\n${ctx.ledger.report()}`;
    }
    failure.message = ctx.redactor.redact(failure.message);
    return failure;
}
function maskedResult(ctx, result) {
    const { image, tag, digest, imageId, timings, metadata, plan } = result;
    return {
        ...ctx.redactor.redactAll(result),
        ...{ image, tag, digest, imageId, timings },
        ...ctx.redactor.redactAll({ metadata, plan }, "inputs"),
    };
}
async function run(config, ports, signal = new AbortController().signal) {
    const ctx = createContext(config, ports, signal);
    let error;
    try {
        await runStages(ctx);
    }
    catch (thrown) {
        error = run_failureOf(ctx, thrown);
    }
    finally {
        await ctx.ledger.cleanUp(ctx.logger);
    }
    return {
        result: maskedResult(ctx, resultOf(ctx.ledger, ctx.image, config.tag)),
        error,
        changes: ctx.redactor.redactAll(ctx.ledger.dokployChanges()),
    };
}

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: ./src/platform/cancel.ts

const childGroups = new Set();
const tempDirs = new Set();
const tracked = {
    childGroup(pid) {
        childGroups.add(pid);
        return () => childGroups.delete(pid);
    },
    tempDir(path) {
        tempDirs.add(path);
        return () => tempDirs.delete(path);
    },
};
function signalGroup(pid, signal) {
    try {
        process.kill(-pid, signal);
    }
    catch {
    }
}
function stopEverythingNow() {
    for (const pid of childGroups)
        signalGroup(pid, "SIGKILL");
    for (const dir of tempDirs) {
        try {
            (0,external_node_fs_namespaceObject.rmSync)(dir, { recursive: true, force: true });
        }
        catch {
        }
    }
}
const EXIT_CODES = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
function listenForCancel(write) {
    const controller = new AbortController();
    const names = ["SIGINT", "SIGTERM", "SIGHUP"];
    const onSignal = (name) => {
        if (!controller.signal.aborted) {
            write(`Received ${name}: stopping; a second signal ends the step at once.`);
            controller.abort(name);
            return;
        }
        stopEverythingNow();
        write(`Received ${name} again: stopped at once.`);
        process.exit(EXIT_CODES[name] ?? 130);
    };
    for (const name of names)
        process.on(name, onSignal);
    return {
        signal: controller.signal,
        dispose: () => {
            for (const name of names)
                process.off(name, onSignal);
        },
    };
}

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __nccwpck_require__(1455);
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
;// CONCATENATED MODULE: external "node:timers/promises"
const external_node_timers_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers/promises");
;// CONCATENATED MODULE: ./src/platform/cli-plugins.ts




function pluginDirs(env, extraDirs = []) {
    const configDir = env.DOCKER_CONFIG ?? (0,external_node_path_.join)(env.HOME ?? (0,external_node_os_namespaceObject.homedir)(), ".docker");
    return [
        ...extraDirs,
        (0,external_node_path_.join)(configDir, "cli-plugins"),
        "/usr/local/lib/docker/cli-plugins",
        "/usr/local/libexec/docker/cli-plugins",
        "/usr/lib/docker/cli-plugins",
        "/usr/libexec/docker/cli-plugins",
    ];
}
async function hasCliPlugin(name, env) {
    const configDir = env.DOCKER_CONFIG ?? (0,external_node_path_.join)(env.HOME ?? (0,external_node_os_namespaceObject.homedir)(), ".docker");
    let extra = [];
    try {
        const config = JSON.parse(await (0,promises_.readFile)((0,external_node_path_.join)(configDir, "config.json"), "utf8"));
        if (Array.isArray(config.cliPluginsExtraDirs))
            extra = config.cliPluginsExtraDirs.filter((d) => typeof d === "string");
    }
    catch {
        extra = [];
    }
    for (const dir of pluginDirs(env, extra)) {
        const path = (0,external_node_path_.join)(dir, `docker-${name}`);
        let isFile;
        try {
            isFile = (await (0,promises_.stat)(path)).isFile();
        }
        catch (error) {
            if (error.code === "ENOENT")
                continue;
            return false;
        }
        if (!isFile)
            return false;
        return (0,promises_.access)(path, external_node_fs_namespaceObject.constants.X_OK).then(() => true, () => false);
    }
    return false;
}

;// CONCATENATED MODULE: ./src/build/docker-config.ts

function isObject(value) {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
function isolatedDockerConfig(userConfig, registryHost, keepLogin = false) {
    const out = isObject(userConfig) ? { ...userConfig } : {};
    if (keepLogin)
        return out;
    const host = (0,shared_image/* normalizeRegistryHost */.Z6)(registryHost);
    delete out.credsStore;
    for (const key of ["auths", "credHelpers"]) {
        const section = out[key];
        if (!isObject(section))
            continue;
        out[key] = Object.fromEntries(Object.entries(section).filter(([address]) => (0,shared_image/* normalizeRegistryHost */.Z6)(address) !== host));
    }
    return out;
}

;// CONCATENATED MODULE: ./src/platform/docker-config.ts




async function exists(path) {
    try {
        await (0,promises_.stat)(path);
        return true;
    }
    catch {
        return false;
    }
}
function tempDockerConfigs(userConfigDir, tempRoot) {
    return async (registryHost, options = {}) => {
        const dir = await (0,promises_.mkdtemp)((0,external_node_path_.join)(tempRoot, "dokploy-deploy-"));
        const untrack = tracked.tempDir(dir);
        await (0,promises_.chmod)(dir, 0o700);
        let userConfig = {};
        try {
            userConfig = JSON.parse(await (0,promises_.readFile)((0,external_node_path_.join)(userConfigDir, "config.json"), "utf8"));
        }
        catch {
            userConfig = {};
        }
        await (0,promises_.writeFile)((0,external_node_path_.join)(dir, "config.json"), JSON.stringify(isolatedDockerConfig(userConfig, registryHost, options.keepLogin), null, 2), {
            mode: 0o600,
        });
        for (const name of ["buildx", "contexts"]) {
            const source = (0,external_node_path_.join)(userConfigDir, name);
            if (await exists(source))
                await (0,promises_.cp)(source, (0,external_node_path_.join)(dir, name), { recursive: true });
        }
        const plugins = (0,external_node_path_.join)(userConfigDir, "cli-plugins");
        if (await exists(plugins))
            await (0,promises_.symlink)(plugins, (0,external_node_path_.join)(dir, "cli-plugins"));
        return {
            dir,
            readFile: async (name) => {
                try {
                    return await (0,promises_.readFile)((0,external_node_path_.join)(dir, name), "utf8");
                }
                catch {
                    return undefined;
                }
            },
            writeFile: async (name, text) => {
                await (0,promises_.writeFile)((0,external_node_path_.join)(dir, name), text, { mode: 0o600 });
                return (0,external_node_path_.join)(dir, name);
            },
            remove: async () => {
                await (0,promises_.rm)(dir, { recursive: true, force: true });
                untrack();
            },
        };
    };
}

// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __nccwpck_require__(7067);
;// CONCATENATED MODULE: ./src/platform/engine.ts




async function engineSocket(env, configDir) {
    if (env.DOCKER_CONTEXT)
        return undefined;
    const host = env.DOCKER_HOST ?? "";
    if (host.startsWith("unix://"))
        return host.slice("unix://".length);
    if (host !== "")
        return undefined;
    try {
        const config = JSON.parse(await (0,promises_.readFile)((0,external_node_path_.join)(configDir, "config.json"), "utf8"));
        if (config.currentContext && config.currentContext !== "default")
            return undefined;
    }
    catch {
    }
    return "/var/run/docker.sock";
}
function onSocket(socketPath, path) {
    return { socketPath, path, headers: { host: "docker" }, servername: "" };
}
function engineHoldsImagesOf(socketPath, repository, timeoutMs = 5_000) {
    const filters = encodeURIComponent(JSON.stringify({ reference: { [repository]: true } }));
    return new Promise((resolve) => {
        const options = { ...onSocket(socketPath, `/images/json?filters=${filters}`), timeout: timeoutMs };
        const req = (0,external_node_http_.request)(options, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (chunk) => {
                if (body.length < 1024 * 1024)
                    body += chunk;
            });
            res.on("end", () => {
                if (res.statusCode !== 200)
                    return resolve(undefined);
                try {
                    const images = JSON.parse(body);
                    resolve(Array.isArray(images) ? images.length > 0 : undefined);
                }
                catch {
                    resolve(body.length >= 1024 * 1024 ? true : undefined);
                }
            });
            res.on("error", () => resolve(undefined));
        });
        req.on("timeout", () => {
            req.destroy();
            resolve(undefined);
        });
        req.on("error", () => resolve(undefined));
        req.end();
    });
}
function registryAuthHeader(auth) {
    return Buffer.from(JSON.stringify(auth)).toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
}
function pushLine(message) {
    if (!message.status || message.progressDetail?.current !== undefined)
        return undefined;
    return message.id ? `${message.id}: ${message.status}` : message.status;
}
function pushFromEngine(socketPath, repository, tag, auth, options = {}) {
    const path = `/images/${encodeURIComponent(repository)}/push?tag=${encodeURIComponent(tag)}`;
    return new Promise((resolve, reject) => {
        let digest;
        let failure;
        const base = onSocket(socketPath, path);
        const requestOptions = {
            ...base,
            method: "POST",
            headers: { ...base.headers, "x-registry-auth": registryAuthHeader(auth) },
            signal: options.signal,
        };
        const req = (0,external_node_http_.request)(requestOptions, (res) => {
            let pending = "";
            const take = (line) => {
                if (line.trim() === "")
                    return;
                let message;
                try {
                    message = JSON.parse(line);
                }
                catch {
                    options.onLine?.(line);
                    return;
                }
                if (res.statusCode !== 200)
                    failure ??= message.message ?? line;
                if (message.error || message.errorDetail)
                    failure ??= message.errorDetail?.message ?? message.error;
                const given = message.aux?.Digest;
                if (given !== undefined && (0,shared_image/* isValidDigest */.fH)(given))
                    digest = given;
                else if (given !== undefined)
                    failure ??= (0,shared_image/* malformedDigest */.K9)(given, "the engine's push");
                const said = pushLine(message);
                if (said !== undefined)
                    options.onLine?.(said);
            };
            res.setEncoding("utf8");
            res.on("data", (chunk) => {
                const lines = (pending + chunk).split("\n");
                pending = lines.pop() ?? "";
                lines.forEach(take);
            });
            res.on("end", () => {
                take(pending);
                if (res.statusCode !== 200)
                    failure ??= `the engine answered HTTP ${String(res.statusCode)}`;
                if (failure !== undefined)
                    reject(new Error(failure));
                else
                    resolve(digest);
            });
            res.on("error", reject);
        });
        req.on("error", reject);
        req.end();
    });
}

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
;// CONCATENATED MODULE: ./src/platform/exec.ts


const KILL_AFTER_MS = 5_000;
const KEPT_OUTPUT = 1024 * 1024;
const LONGEST_LINE = 64 * 1024;
const SECRET_VARIABLES = new Set(["DOKPLOY_API_KEY", "REGISTRY_PASSWORD", "PULL_PASSWORD", "ACTIONS_RUNTIME_TOKEN"]);
function childEnvironment(env, secrets = [], keep = []) {
    const values = new Set(secrets.filter((s) => s !== ""));
    const kept = {};
    for (const [name, value] of Object.entries(env)) {
        const secret = name.startsWith("INPUT_") || SECRET_VARIABLES.has(name) || (value !== undefined && values.has(value.trim()));
        if (!secret || keep.includes(name))
            kept[name] = value;
    }
    return kept;
}
class Output {
    onLine;
    text = { stdout: "", stderr: "" };
    pending = { stdout: "", stderr: "" };
    constructor(onLine) {
        this.onLine = onLine;
    }
    take(stream, chunk) {
        const text = chunk.toString("utf8");
        const kept = this.text[stream] + text;
        this.text[stream] = kept.length > 2 * KEPT_OUTPUT ? kept.slice(-KEPT_OUTPUT) : kept;
        const lines = (this.pending[stream] + text).split(/\r?\n/);
        this.pending[stream] = lines.pop() ?? "";
        if (this.pending[stream].length > LONGEST_LINE) {
            lines.push(this.pending[stream]);
            this.pending[stream] = "";
        }
        for (const line of lines)
            this.onLine?.(line, stream);
    }
    flush() {
        for (const stream of ["stdout", "stderr"]) {
            if (this.pending[stream])
                this.onLine?.(this.pending[stream], stream);
        }
    }
}
function execWith(baseEnv) {
    return (file, args, options = {}) => new Promise((resolve) => {
        const env = { ...baseEnv, ...options.env };
        const output = new Output(options.onLine);
        const child = (0,external_node_child_process_namespaceObject.spawn)(file, [...args], { cwd: options.cwd, env, stdio: ["pipe", "pipe", "pipe"], detached: true });
        const pid = child.pid;
        const untrack = pid === undefined ? () => false : tracked.childGroup(pid);
        let killer;
        const onAbort = () => {
            if (pid === undefined)
                return;
            signalGroup(pid, "SIGTERM");
            killer = setTimeout(() => {
                signalGroup(pid, "SIGKILL");
            }, KILL_AFTER_MS);
        };
        if (options.signal?.aborted)
            onAbort();
        options.signal?.addEventListener("abort", onAbort, { once: true });
        child.stdout.on("data", (chunk) => {
            output.take("stdout", chunk);
        });
        child.stderr.on("data", (chunk) => {
            output.take("stderr", chunk);
        });
        child.stdin.on("error", () => undefined);
        child.stdin.end(options.input ?? "");
        let done = false;
        const finish = (exitCode, extra = "") => {
            if (done)
                return;
            done = true;
            untrack();
            clearTimeout(killer);
            options.signal?.removeEventListener("abort", onAbort);
            output.flush();
            resolve({ exitCode, stdout: output.text.stdout, stderr: output.text.stderr + extra });
        };
        child.on("error", (error) => finish(127, `${file}: ${error.message}`));
        child.on("close", (code, signal) => finish(code ?? (signal ? 128 + 15 : 1)));
    });
}
const nodeExec = (file, args, options) => execWith(childEnvironment(process.env))(file, args, options);

;// CONCATENATED MODULE: ./src/platform/ports.ts








function nodePorts(logger, env, options = {}) {
    let pool;
    const userConfigDir = env.DOCKER_CONFIG ?? (0,external_node_path_.join)(env.HOME ?? (0,external_node_os_namespaceObject.homedir)(), ".docker");
    let socketPath;
    const socket = () => (socketPath ??= engineSocket(env, userConfigDir));
    return {
        exec: execWith(childEnvironment(env, options.secrets, options.keepEnv)),
        logger,
        loadDispatcher: () => (pool ??= Promise.all(/* import() */[__nccwpck_require__.e(99), __nccwpck_require__.e(685)]).then(__nccwpck_require__.bind(__nccwpck_require__, 2685)).then(({ Agent }) => new Agent({ keepAliveTimeout: 30_000, connections: 8 }))),
        createDockerConfig: tempDockerConfigs(userConfigDir, options.tempRoot ?? (0,external_node_os_namespaceObject.tmpdir)()),
        now: () => new Date(),
        clock: () => performance.now(),
        sleep: (ms, signal) => (0,external_node_timers_promises_namespaceObject.setTimeout)(ms, undefined, { signal }).catch(() => undefined),
        random: Math.random,
        hasBuildx: () => hasCliPlugin("buildx", env),
        buildxUsesDefaultBuilder: async () => !env.BUILDX_BUILDER &&
            (await (0,promises_.stat)((0,external_node_path_.join)(userConfigDir, "buildx", "current")).then(() => false, (error) => error.code === "ENOENT")),
        engineHoldsImagesOf: async (repository) => {
            const path = await socket();
            return path === undefined ? undefined : engineHoldsImagesOf(path, repository);
        },
        enginePush: async () => {
            const path = await socket();
            if (path === undefined ||
                !(await (0,promises_.stat)(path).then((s) => s.isSocket(), () => false)))
                return undefined;
            return (repository, tag, auth, signal, onLine) => pushFromEngine(path, repository, tag, auth, { signal, onLine });
        },
        readText: (path) => (0,promises_.readFile)(path, "utf8").catch(() => undefined),
        close: async () => {
            if (pool)
                await (await pool).destroy();
        },
    };
}

;// CONCATENATED MODULE: ./src/github/commands.ts


function escapeData(text) {
    return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function getInput(env, name, secret = false) {
    const value = env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "";
    return secret ? value.replace(/^[\r\n]+|[\r\n]+$/g, "") : value.trim();
}
const IGNORABLE = /[\p{Cf}\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0]/gu;
function mayBeWorkflowCommand(line) {
    const visible = line.replace(IGNORABLE, "");
    return /^[\s\u0085]*::/.test(visible) || visible.includes("##[");
}
function stopToken() {
    return (0,external_node_crypto_.randomBytes)(16).toString("hex");
}
function githubLogger(write, debug, token = stopToken) {
    const command = (name, message) => {
        write(`::${name}::${escapeData((0,log/* messageLines */.VL)(message).join("\n"))}`);
    };
    return {
        debug: (m) => {
            if (debug)
                command("debug", m);
        },
        info: (m) => {
            const lines = (0,log/* printableLines */.fk)(m);
            if (!lines.some(mayBeWorkflowCommand)) {
                lines.forEach(write);
                return;
            }
            const stop = token();
            write(`::stop-commands::${stop}`);
            lines.forEach(write);
            write(`::${stop}::`);
        },
        warn: (m) => {
            command("warning", m);
        },
        error: (m) => {
            command("error", m);
        },
        group: async (title, fn) => {
            command("group", title);
            try {
                return await fn();
            }
            finally {
                write("::endgroup::");
            }
        },
    };
}

;// CONCATENATED MODULE: ./src/github/forge.ts

function forgeOf(env) {
    if (env.FORGEJO_ACTIONS === "true")
        return "forgejo";
    if (env.GITEA_ACTIONS === "true")
        return "gitea";
    return "github";
}
const NAMES = {
    forgejo: "Forgejo Actions",
    gitea: "Gitea Actions",
};
function forgeNotice(forge) {
    if (forge === "github")
        return undefined;
    return `${NAMES[forge]}: no GitHub deployment and no pull-request comment (they need GitHub's API, which this instance does not have); the job summary and the step's outputs say how the deploy went.`;
}
function checkForgeInputs(config, forge) {
    if (forge === "github")
        return;
    const asked = config.github.deployment
        ? "github-deployment"
        : config.github.prComment === true
            ? "pr-comment"
            : undefined;
    if (!asked)
        return;
    throw new errors/* ConfigError */.xL(asked, `is true, but this step runs on ${NAMES[forge]}, whose API is not GitHub's: there is no GitHub deployment or pull-request comment to make there. Remove the input, or give it only on GitHub (e.g. \${{ github.server_url == 'https://github.com' }}); the job summary and the step's outputs say how the deploy went.`);
}

;// CONCATENATED MODULE: ./src/github/context.ts


async function eventPayload(eventPath) {
    if (!eventPath)
        return {};
    try {
        const payload = JSON.parse(await (0,promises_.readFile)(eventPath, "utf8"));
        return typeof payload === "object" && payload !== null ? payload : {};
    }
    catch {
        return {};
    }
}
function headCommitMessage(payload) {
    const message = payload.head_commit?.message;
    return typeof message === "string" ? message : undefined;
}
function forkOf(payload) {
    const head = payload.pull_request?.head;
    const base = payload.repository?.full_name;
    if (!head || typeof base !== "string")
        return undefined;
    const name = head.repo?.full_name;
    if (typeof name !== "string")
        return "a deleted fork";
    return name.toLowerCase() === base.toLowerCase() ? undefined : name;
}
function pullRequestOf(payload) {
    const number = payload.pull_request?.number;
    if (typeof number !== "number")
        return undefined;
    const fromFork = forkOf(payload);
    return { number: String(number), closed: payload.action === "closed", ...(fromFork ? { fromFork } : {}) };
}
function runUrlOf(env, base) {
    const run = forgeOf(env) === "github" ? env.GITHUB_RUN_ID : env.GITHUB_RUN_NUMBER;
    return base && run ? `${base}/actions/runs/${run}` : undefined;
}
async function ciContextFromGithub(env) {
    const server = (env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/+$/, "");
    const repository = env.GITHUB_REPOSITORY || undefined;
    const base = repository ? `${server}/${repository}` : undefined;
    const payload = await eventPayload(env.GITHUB_EVENT_PATH);
    return {
        sha: env.GITHUB_SHA ?? "",
        repository,
        repositoryUrl: base,
        runUrl: runUrlOf(env, base),
        commitMessage: headCommitMessage(payload),
        pullRequest: pullRequestOf(payload),
        actionsCache: Boolean(env.ACTIONS_RUNTIME_TOKEN && (env.ACTIONS_CACHE_URL || env.ACTIONS_RESULTS_URL)),
    };
}

;// CONCATENATED MODULE: ./src/github/api.ts


const DEPLOYMENTS_LISTED = 100;
const COMMENT_PAGES = 30;
async function findComment(octokit, where, wanted, signal) {
    for (let page = 1; page <= COMMENT_PAGES; page++) {
        const { data, headers } = await octokit.rest.issues.listComments({
            ...where,
            per_page: 100,
            ...(page > 1 ? { page } : {}),
            request: { signal },
        });
        if (!Array.isArray(data))
            throw new Error("GitHub answered the list of comments with something else");
        const found = data
            .map((comment) => ({ id: comment.id, body: comment.body ?? "", author: comment.user?.login ?? "" }))
            .find(wanted);
        if (found)
            return found;
        if (data.length === 0 || !/\brel="next"/.test(headers.link ?? ""))
            return undefined;
    }
    throw new Error(`the pull request's comments go on past ${String(COMMENT_PAGES)} pages`);
}
function deploymentCalls(octokit, repo, within) {
    return {
        createDeployment: (deployment) => within(async (request) => {
            const { data } = await octokit.rest.repos.createDeployment({
                ...repo,
                ref: deployment.ref,
                environment: deployment.environment,
                description: deployment.description,
                auto_merge: false,
                required_contexts: [],
                ...(deployment.transientEnvironment === undefined
                    ? {}
                    : { transient_environment: deployment.transientEnvironment }),
                ...(deployment.productionEnvironment === undefined
                    ? {}
                    : { production_environment: deployment.productionEnvironment }),
                request,
            });
            if (!("id" in data))
                throw new Error(`GitHub did not create the deployment: ${data.message ?? "no id"}`);
            return data.id;
        }),
        setDeploymentStatus: (id, status) => within(async (request) => {
            await octokit.rest.repos.createDeploymentStatus({
                ...repo,
                deployment_id: id,
                state: status.state,
                description: status.description,
                environment_url: status.environmentUrl,
                log_url: status.logUrl,
                request,
            });
        }),
        listDeployments: (environment) => within(async (request) => {
            const { data } = await octokit.rest.repos.listDeployments({
                ...repo,
                environment,
                per_page: DEPLOYMENTS_LISTED,
                request,
            });
            if (!Array.isArray(data))
                throw new Error("GitHub answered the list of deployments with something else");
            return data.map((deployment) => deployment.id);
        }),
    };
}
async function octokitApi(token, repo, timeoutMs, stop) {
    const { getOctokit } = await __nccwpck_require__.e(/* import() */ 542).then(__nccwpck_require__.bind(__nccwpck_require__, 542));
    const octokit = getOctokit(token);
    const within = (call) => (0,signals/* withLinkedSignal */.M)([stop], timeoutMs, (signal) => call({ signal }));
    return {
        ...deploymentCalls(octokit, repo, within),
        findComment: (issue, wanted) => within(({ signal }) => findComment(octokit, { ...repo, issue_number: issue }, wanted, signal)),
        login: () => within(async (request) => {
            const { viewer } = await octokit.graphql("query { viewer { login } }", {
                request,
            });
            if (typeof viewer?.login !== "string" || viewer.login === "") {
                throw new Error("GitHub did not say whom the token acts as");
            }
            return viewer.login;
        }),
        createComment: (issue, body) => within(async (request) => {
            await octokit.rest.issues.createComment({ ...repo, issue_number: issue, body, request });
        }),
        updateComment: (id, body) => within(async (request) => {
            await octokit.rest.issues.updateComment({ ...repo, comment_id: id, body, request });
        }),
        openPullRequestsOf: (sha) => within(async (request) => {
            const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
                ...repo,
                commit_sha: sha,
                request,
            });
            return data.filter((pull) => pull.state === "open").map((pull) => pull.number);
        }),
    };
}
function describeFailure(error) {
    const failed = error;
    const message = (0,errors/* errorMessage */.gJ)(error).split("\n")[0] ?? "";
    const status = failed?.response === undefined ? undefined : failed.status;
    if (status === 403 || status === 404) {
        return `HTTP ${String(status)}: ${message}. The token needs the permissions deployments: write and pull-requests: write (a pull request from a fork gets a read-only token)`;
    }
    return typeof status === "number" ? `HTTP ${String(status)}: ${message}` : message;
}
class GithubCalls {
    load;
    logger;
    stop;
    api;
    constructor(load, logger, stop = new AbortController().signal) {
        this.load = load;
        this.logger = logger;
        this.stop = stop;
    }
    async attempt(what, fn) {
        try {
            this.stop.throwIfAborted();
            await fn(await (this.api ??= this.load()));
        }
        catch (error) {
            const why = this.stop.aborted ? `stopped: ${String(this.stop.reason)}` : describeFailure(error);
            this.logger.warn(`Could not ${what} (${why}); the deploy goes on without it.`);
        }
    }
}

;// CONCATENATED MODULE: ./src/github/deployments.ts
const DESCRIPTION_MAX = 140;
function deployments_short(text, max = DESCRIPTION_MAX) {
    const line = text.split("\n")[0]?.trim() ?? "";
    return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}
function finalState(verdict) {
    switch (verdict) {
        case "failed":
        case "cancelled":
        case "removal-failed":
            return "failure";
        case "superseded":
        case "removed":
        case "pruned":
            return "inactive";
        case "queued":
            return "queued";
        default:
            return "success";
    }
}
function descriptionOf(state, report) {
    switch (state) {
        case "failure":
            return report.failure ?? "failed";
        case "inactive":
            return "Superseded: a later run's image runs";
        case "queued":
            return `Queued in Dokploy (not followed: wait is false): ${report.image}`;
        default:
            return `${report.image} runs`;
    }
}
function finalStatus(report, links) {
    const state = finalState(report.verdict.kind);
    const description = deployments_short(descriptionOf(state, report));
    return { state, description, environmentUrl: links.environmentUrl, logUrl: links.runUrl };
}
class GithubDeployment {
    config;
    calls;
    logger;
    id;
    previewUrl;
    removed = false;
    gone = [];
    constructor(config, calls, logger) {
        this.config = config;
        this.calls = calls;
        this.logger = logger;
    }
    onChange = (change) => {
        if (change.kind === "preview")
            this.previewUrl = change.url;
        if (change.kind === "preview-removed") {
            this.removed = true;
            if (change.preview)
                this.gone.push(change.preview);
        }
        if (change.kind !== "deployment" || this.id)
            return;
        this.id = this.start(change.url);
    };
    async finish(report, links) {
        const mode = this.config.preview?.mode;
        if (mode === "close") {
            await this.retireClosed(report, links);
            return;
        }
        if (mode === "prune") {
            for (const name of this.gone) {
                await retire(`preview/${name}`, "Preview removed: past preview-ttl", links, this.calls, this.logger);
            }
            return;
        }
        const id = await this.id;
        const status = finalStatus(report, links);
        if (id === undefined || status.state === "queued")
            return;
        await this.calls.attempt("set the GitHub deployment's status", (api) => api.setDeploymentStatus(id, status));
    }
    async retireClosed(report, links) {
        const environment = this.config.github.environment;
        const failed = report.failure !== undefined;
        if (failed && !this.removed) {
            this.logger.info(`The preview was not removed: the GitHub deployments of ${environment} stay as they are.`);
            return;
        }
        const description = failed
            ? "Preview partly removed (see the pull request's comment)"
            : "Preview removed: its pull request is closed";
        await retire(environment, description, links, this.calls, this.logger);
    }
    async start(dokployUrl) {
        const { config } = this;
        let id;
        await this.calls.attempt(`create a GitHub deployment of ${config.github.environment}`, async (api) => {
            const preview = config.preview?.mode === "open";
            id = await api.createDeployment({
                ref: config.ci.sha,
                environment: config.github.environment,
                description: preview
                    ? `Deploy ${config.tag.slice(0, 12)} to the preview of pull request ${config.preview?.number ?? ""}`
                    : `Deploy ${config.tag.slice(0, 12)} to Dokploy`,
                ...(preview ? { transientEnvironment: true, productionEnvironment: false } : {}),
            });
            await api.setDeploymentStatus(id, {
                state: config.wait ? "in_progress" : "queued",
                description: config.wait ? "Dokploy is deploying it" : "Queued in Dokploy (not followed: wait is false)",
                environmentUrl: config.github.environmentUrl ?? this.previewUrl ?? dokployUrl,
                logUrl: config.ci.runUrl,
            });
            this.logger.info(`GitHub deployment ${String(id)} of ${config.github.environment}: ${config.wait ? "in progress" : "queued"}`);
        });
        return id;
    }
}
async function retire(environment, description, links, calls, logger) {
    await calls.attempt(`mark the GitHub deployments of ${environment} inactive`, async (api) => {
        const ids = await api.listDeployments(environment);
        for (const id of ids) {
            await api.setDeploymentStatus(id, { state: "inactive", description, logUrl: links.runUrl });
        }
        logger.info(`GitHub deployments of ${environment} marked inactive: ${String(ids.length)}`);
    });
}

;// CONCATENATED MODULE: ./src/report/comment.ts


const COMMENT_ERROR_MAX = 8_000;
const COMMENT_EVIDENCE_MAX = 40_000;
const COMMENT_MAX = 60_000;
function comment_statusOf(target, failed) {
    const status = target.deploymentStatus === undefined ? undefined : inlineCode(target.deploymentStatus);
    return target.deploymentId
        ? `${status ?? "?"} (deployment ${inlineCode(target.deploymentId)})`
        : (status ?? (failed ? "not deployed" : "?"));
}
function targetCell(target) {
    return `${targetLink(target)} (Dokploy ${target.kind} ${inlineCode(target.id)})`;
}
function comment_targetRows(model, links) {
    if (!model.deploying)
        return [];
    const { targets } = model.deploying;
    const failed = model.failure !== undefined;
    const environment = ["Environment", markdown_link(inlineCode(links.environment), links.environmentUrl)];
    const [only] = targets;
    if (targets.length === 1 && only) {
        return [["Target", targetCell(only)], environment, ["Status", comment_statusOf(only, failed)]];
    }
    return [...targets.map((t) => ["Target", `${targetCell(t)}: ${comment_statusOf(t, failed)}`]), environment];
}
function commentMarkdown(model, links) {
    if (model.removal)
        return removalMarkdown(model, model.removal, links);
    const rows = [
        ["Image", inlineCode(model.image)],
        ["Digest", model.digest ? inlineCode(model.digest) : "—"],
        ...comment_targetRows(model, links),
    ];
    if (model.previewUrl)
        rows.push(["Preview", model.previewUrl]);
    if (model.commit)
        rows.push(["Commit", inlineCode(model.commit.slice(0, 7))]);
    if (links.runUrl)
        rows.push(["Run", markdown_link("log", links.runUrl)]);
    const lines = [`### ${headingOf(model)}`, "", ...keyValueTable(rows), ""];
    if (model.failure !== undefined)
        lines.push(...whyBlock(model.failure));
    lines.push(...evidenceWithin(model, COMMENT_MAX - lines.join("\n").length));
    return `${lines.join("\n")}\n`;
}
function whyBlock(failure) {
    return ["<details><summary>Why</summary>", "", ...codeBlock((0,log/* cut */.Jj)(failure, COMMENT_ERROR_MAX)), "</details>"];
}
function removalMarkdown(model, removal, links) {
    const failed = model.failure !== undefined;
    const pr = removal.pullRequest ?? "";
    const rows = [];
    if (removal.mode === "close")
        rows.push(["Preview", `${inlineCode(removal.name ?? "")} of pull request #${pr}`]);
    rows.push(["Environment", inlineCode(links.environment)]);
    if (links.endedAt)
        rows.push([failed ? "Stopped" : "Removed", links.endedAt]);
    if (model.commit)
        rows.push(["Commit", inlineCode(model.commit.slice(0, 7))]);
    if (links.runUrl)
        rows.push(["Run", markdown_link("log", links.runUrl)]);
    const lines = [`### ${headingOf(model)}`, "", ...keyValueTable(rows), ""];
    if (model.changes.length > 0) {
        lines.push(failed ? "Removed before it stopped:" : "Removed from Dokploy:", "");
        lines.push(...model.changes.map((change) => `- ${inlineCode(change)}`), "");
    }
    else if (failed) {
        lines.push("Nothing was removed.", "");
    }
    else {
        const none = removal.mode === "close"
            ? `There was no preview of pull request #${pr} left to remove.`
            : "No preview was older than preview-ttl.";
        lines.push(none, "");
    }
    if (model.failure !== undefined)
        lines.push(...whyBlock(model.failure));
    return `${lines.join("\n")}\n`;
}
function evidenceWithin(model, room) {
    const share = Math.floor(COMMENT_EVIDENCE_MAX / Math.max(1, model.evidence.length));
    const kept = [];
    let used = 0;
    let left = 0;
    for (const one of model.evidence) {
        const block = evidenceBlocks({ ...model, evidence: [one] }, share);
        const size = block.join("\n").length + 1;
        if (left === 0 && used + size <= room) {
            kept.push(...block);
            used += size;
        }
        else
            left++;
    }
    if (left > 0)
        kept.push("", `What went wrong in ${String(left)} more targets is in the job summary and the log.`);
    return kept;
}

;// CONCATENATED MODULE: ./src/github/pr-comment.ts


const PULL_REQUEST_EVENTS = new Set(["pull_request", "pull_request_target"]);
function isPullRequestEvent(env) {
    return PULL_REQUEST_EVENTS.has(env.GITHUB_EVENT_NAME ?? "");
}
async function pullRequestOfEvent(env) {
    if (!isPullRequestEvent(env) || !env.GITHUB_EVENT_PATH)
        return undefined;
    try {
        const payload = JSON.parse(await (0,promises_.readFile)(env.GITHUB_EVENT_PATH, "utf8"));
        const number = payload.pull_request?.number;
        return typeof number === "number" ? number : undefined;
    }
    catch {
        return undefined;
    }
}
function commentMarker(config) {
    const targets = config.targets.map((t) => `${t.kind}=${encodeURIComponent(t.id ?? t.name)}`);
    const subject = config.deploy && targets.length > 0 ? targets.join(" ") : `build=${config.image.name}`;
    return `<!-- dokploy-deploy ${subject} environment=${encodeURIComponent(config.github.environment)} -->`;
}
function commentBody(config, report, links) {
    const environment = config.github.environment;
    return `${commentMarker(config)}\n${commentMarkdown(report, { ...links, environment })}`;
}
class PullRequestComment {
    config;
    env;
    calls;
    logger;
    constructor(config, env, calls, logger) {
        this.config = config;
        this.env = env;
        this.calls = calls;
        this.logger = logger;
    }
    async post(report, links) {
        await this.calls.attempt("comment on the pull request", (api) => this.write(api, report, links));
    }
    async write(api, report, links) {
        const issue = await this.pullRequest(api);
        if (issue === undefined) {
            this.logger.info("No open pull request for this commit: no comment.");
            return;
        }
        const marker = commentMarker(this.config);
        const body = commentBody(this.config, report, links);
        const me = await api.login();
        const existing = await api.findComment(issue, (c) => c.author === me && c.body.includes(marker));
        if (existing)
            await api.updateComment(existing.id, body);
        else
            await api.createComment(issue, body);
        this.logger.info(`${existing ? "Updated the comment" : "Commented"} on pull request #${String(issue)}`);
    }
    async pullRequest(api) {
        const ofEvent = await pullRequestOfEvent(this.env);
        if (ofEvent !== undefined || this.config.github.prComment !== true || !this.config.ci.sha)
            return ofEvent;
        return (await api.openPullRequestsOf(this.config.ci.sha)).at(0);
    }
}

;// CONCATENATED MODULE: ./src/github/native.ts






function wire(config, { deployment, comment, cancel, stop }) {
    return {
        onChange: (change) => {
            deployment?.onChange(change);
        },
        async finish(report) {
            const links = {
                environmentUrl: config.github.environmentUrl ?? report.previewUrl ?? report.deploying?.targets[0]?.url,
                runUrl: config.ci.runUrl,
                endedAt: new Date().toISOString(),
            };
            const onCancel = () => {
                stop.abort(String(cancel.reason));
            };
            if (!cancel.aborted)
                cancel.addEventListener("abort", onCancel, { once: true });
            try {
                await deployment?.finish(report, links);
                await comment?.post(report, links);
            }
            finally {
                cancel.removeEventListener("abort", onCancel);
            }
        },
    };
}
function githubNative(config, env, logger, load = octokitApi, cancel = new AbortController().signal) {
    const { token, deployment, prComment } = config.github;
    const comment = prComment ?? isPullRequestEvent(env);
    if (config.dryRun || !token || (!deployment && !comment) || forgeOf(env) !== "github")
        return undefined;
    const [owner, repo] = (env.GITHUB_REPOSITORY ?? "").split("/");
    const redactor = new log/* Redactor */.pO();
    for (const secret of secretsOf(config))
        redactor.add(secret);
    const masked = (0,log/* redactingLogger */.S)(logger, redactor);
    if (!owner || !repo) {
        masked.warn("GITHUB_REPOSITORY is not set: no GitHub deployment and no pull-request comment.");
        return undefined;
    }
    const timeoutMs = config.requestTimeoutSeconds * 1000;
    const stop = new AbortController();
    const calls = new GithubCalls(() => load(token, { owner, repo }, timeoutMs, stop.signal), masked, stop.signal);
    return wire(config, {
        deployment: deployment && config.ci.sha !== "" ? new GithubDeployment(config, calls, masked) : undefined,
        comment: comment ? new PullRequestComment(config, env, calls, masked) : undefined,
        cancel,
        stop,
    });
}

;// CONCATENATED MODULE: ./src/github/action.ts














const write = (line) => {
    process.stdout.write(`${line}\n`);
};
const logger = githubLogger(write, process.env.RUNNER_DEBUG === "1" || process.env.ACTIONS_STEP_DEBUG === "true");
function fail(error) {
    logger.error((0,errors/* errorMessage */.gJ)(error));
    process.exitCode = error instanceof errors/* DeployError */.sH ? error.exitCode : 1;
}
async function actionsCore() {
    const core = await __nccwpck_require__.e(/* import() */ 421).then(__nccwpck_require__.bind(__nccwpck_require__, 6421));
    const naming = async (what, variable, write) => {
        try {
            await write();
        }
        catch (error) {
            const file = process.env[variable] ?? "unset";
            throw new Error(`Could not write ${what} to ${variable} (${file}): ${(0,errors/* errorMessage */.gJ)(error)}`, { cause: error });
        }
    };
    return {
        setOutputs: (outputs) => naming("the step's outputs", "GITHUB_OUTPUT", () => {
            for (const [name, value] of Object.entries(outputs))
                core.setOutput(name, value);
        }),
        addSummary: (markdown) => naming("the job summary", "GITHUB_STEP_SUMMARY", () => core.summary.addRaw(markdown).write()),
    };
}
async function main(env, loadToolkit) {
    const raw = {};
    for (const input of INPUTS)
        raw[input.name] = getInput(env, input.name, "secret" in input && input.secret);
    const ci = await ciContextFromGithub(env);
    const forge = forgeOf(env);
    const skip = forkPreviewSkip(raw, ci);
    if (skip) {
        write(forge === "github" ? `::notice::${escapeData(skip)}` : skip);
        return;
    }
    const config = parseConfig(raw, ci);
    checkForgeInputs(config, forge);
    const notify = forge === "github" ? (n) => write(`::notice::${escapeData(n)}`) : logger.info;
    const aside = forgeNotice(forge);
    for (const notice of aside ? [...config.notices, aside] : config.notices)
        notify(notice);
    let toolkit;
    const base = nodePorts(logger, env, {
        tempRoot: env.RUNNER_TEMP,
        secrets: secretsOf(config),
        keepEnv: [...buildSecretEnvNames(config), ...cacheEnvNames(config)],
    });
    const cancel = listenForCancel(write);
    const github = githubNative(config, env, logger, undefined, cancel.signal);
    const ports = {
        ...base,
        whileDockerWorks: () => (toolkit ??= loadToolkit()),
        onChange: github?.onChange,
    };
    const outcome = await run(config, ports, cancel.signal).finally(() => base.close());
    const kit = await (toolkit ??= loadToolkit());
    const outputs = outputsOf(outcome.result);
    const report = reportModel(config, outcome);
    const unwritten = await kit
        .setOutputs(Object.fromEntries(OUTPUTS.map((output) => [output.name, outputs[output.name]])))
        .then(() => undefined, (error) => error);
    if (env.GITHUB_STEP_SUMMARY) {
        try {
            await kit.addSummary(summaryMarkdown(report));
        }
        catch (error) {
            logger.warn((0,errors/* errorMessage */.gJ)(error));
        }
    }
    await github?.finish(report);
    if (unwritten)
        fail(unwritten);
    if (outcome.error)
        fail(outcome.error);
    cancel.dispose();
}
async function action_run(loadToolkit = actionsCore) {
    await main(process.env, loadToolkit).catch(fail);
}

;// CONCATENATED MODULE: ./src/github/runner-files.ts





function delimiterFor(texts) {
    for (;;) {
        const delimiter = `ghadelimiter_${(0,external_node_crypto_.randomBytes)(16).toString("hex")}`;
        if (!texts.some((text) => text.includes(delimiter)))
            return delimiter;
    }
}
async function appendTo(what, variable, file, text) {
    try {
        await (0,promises_.appendFile)(file, text, "utf8");
    }
    catch (error) {
        throw new Error(`Could not write ${what} to ${variable} (${file}): ${(0,errors/* errorMessage */.gJ)(error)}`, { cause: error });
    }
}
function runnerFiles(env, write) {
    return {
        setOutputs: async (outputs) => {
            const entries = Object.entries(outputs);
            const file = env.GITHUB_OUTPUT;
            if (!file) {
                for (const [name, value] of entries)
                    write(`::set-output name=${escapeData(name)}::${escapeData(value)}`);
                return;
            }
            const delimiter = delimiterFor(entries.flat());
            const blocks = entries.map(([name, value]) => `${name}<<${delimiter}${external_node_os_namespaceObject.EOL}${value}${external_node_os_namespaceObject.EOL}${delimiter}${external_node_os_namespaceObject.EOL}`);
            await appendTo("the step's outputs", "GITHUB_OUTPUT", file, blocks.join(""));
        },
        addSummary: async (markdown) => {
            const file = env.GITHUB_STEP_SUMMARY;
            if (file)
                await appendTo("the job summary", "GITHUB_STEP_SUMMARY", file, markdown);
        },
    };
}

;// CONCATENATED MODULE: ./src/github/main.ts


void action_run(() => Promise.resolve(runnerFiles(process.env, write)));

