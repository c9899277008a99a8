export const id = 94;
export const ids = [94,685];
export const modules = {

/***/ 2094:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Dokploy: () => (/* reexport */ procedures/* Dokploy */.fP),
  DokployClient: () => (/* reexport */ DokployClient),
  applicationUrl: () => (/* reexport */ procedures/* applicationUrl */.cm),
  checkHealth: () => (/* reexport */ checkHealth),
  checkPushLogin: () => (/* reexport */ checkPushLogin),
  clusterNodes: () => (/* reexport */ clusterNodes),
  composeContainers: () => (/* reexport */ composeContainers),
  composeOne: () => (/* reexport */ composeOne),
  composeUrl: () => (/* reexport */ composeUrl),
  containerLogs: () => (/* binding */ containerLogs),
  imagePlatforms: () => (/* reexport */ imagePlatforms),
  liveLog: () => (/* binding */ liveLog),
  resolveImage: () => (/* reexport */ resolveImage),
  resolveNames: () => (/* reexport */ projects/* resolveNames */.jN),
  saveComposeEnv: () => (/* reexport */ saveComposeEnv),
  stackTasks: () => (/* reexport */ stackTasks),
  tagManifest: () => (/* reexport */ tagManifest)
});

// EXTERNAL MODULE: ./src/shared/undici.ts
var undici = __webpack_require__(2685);
// EXTERNAL MODULE: ./src/shared/errors.ts
var errors = __webpack_require__(8382);
;// CONCATENATED MODULE: ./src/shared/http-body.ts
const MiB = 1024 * 1024;
async function readBodyText(body, limit) {
    const chunks = [];
    let size = 0;
    for await (const chunk of body) {
        const bytes = typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
        if (size + bytes.length > limit) {
            chunks.push(bytes.subarray(0, limit - size));
            body.destroy();
            return { text: Buffer.concat(chunks).toString("utf8"), cut: true };
        }
        chunks.push(bytes);
        size += bytes.length;
    }
    return { text: Buffer.concat(chunks).toString("utf8"), cut: false };
}

// EXTERNAL MODULE: ./src/shared/signals.ts
var signals = __webpack_require__(6692);
// EXTERNAL MODULE: ./src/dokploy/version.ts
var version = __webpack_require__(1994);
;// CONCATENATED MODULE: ./src/dokploy/http-errors.ts

function isRecord(value) {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
function parseIssues(value) {
    if (!Array.isArray(value))
        return [];
    return value.filter(isRecord).map((i) => ({
        path: Array.isArray(i.path) ? i.path : [],
        message: typeof i.message === "string" ? i.message : "invalid",
    }));
}
const SHOWN_BODY = 300;
function parseErrorBody(text, redactor) {
    const shown = (part) => (redactor ? redactor.cut(part, SHOWN_BODY) : part.slice(0, SHOWN_BODY));
    try {
        return readErrorBody(JSON.parse(text), shown);
    }
    catch {
        return { message: shown(text.trim()), issues: [] };
    }
}
function readErrorBody(body, shown) {
    if (!isRecord(body))
        return { message: shown(String(body)), issues: [] };
    const trpc = isRecord(body.error) && isRecord(body.error.json) ? body.error.json : undefined;
    if (trpc) {
        const message = typeof trpc.message === "string" ? trpc.message : "";
        const data = isRecord(trpc.data) ? trpc.data : {};
        let issues = [];
        if (data.zodError) {
            try {
                issues = parseIssues(JSON.parse(message));
            }
            catch {
                issues = [];
            }
        }
        return { message, code: typeof data.code === "string" ? data.code : undefined, issues };
    }
    return {
        message: typeof body.message === "string" ? body.message : shown(JSON.stringify(body)),
        code: typeof body.code === "string" ? body.code : undefined,
        issues: parseIssues(body.issues),
    };
}
function idOf(input) {
    if (!input)
        return undefined;
    for (const [key, value] of Object.entries(input)) {
        if (key.endsWith("Id") && typeof value === "string")
            return [key, value];
    }
    return undefined;
}
const INPUT_OF_ID = {
    applicationId: "application-id: it takes an application's ID; a compose service's goes in compose-id",
    composeId: "compose-id: it takes a compose service's ID; an application's goes in application-id",
    serverId: "server-id",
};
function describeRedirect(where, location, baseUrl) {
    if (!location)
        return `${where}: a redirect without a location. Set dokploy-url to the base URL Dokploy answers on.`;
    let likely = "";
    try {
        const target = new URL(location, baseUrl);
        const base = `${target.origin}${target.pathname.replace(/\/api\/.*$/, "").replace(/\/+$/, "")}`;
        const https = target.protocol === "https:" && baseUrl.startsWith("http:") ? " (https://, not http://)" : "";
        likely = `, here probably ${base}${https}`;
    }
    catch {
        likely = "";
    }
    return `${where}: Dokploy answered with a redirect to ${location}, which is not followed (the API key would go along). Set dokploy-url to the base URL Dokploy answers on${likely}.`;
}
function describeHttpError(procedure, status, body, input, baseUrl, location) {
    const where = `Dokploy ${procedure} (HTTP ${String(status)})`;
    if (status >= 300 && status < 400)
        return describeRedirect(where, location, baseUrl);
    switch (status) {
        case 401:
            return (`${where}: the API key was not accepted. The key in dokploy-api-key is wrong, expired, ` +
                `rate-limited (keys created with rate limiting allow only a few requests a day), or not tied ` +
                `to an organisation (create it in Dokploy's UI under Settings > Profile > API/CLI).`);
        case 403:
            return `${where}: forbidden: ${body.message || "no permission"}. The API key's user needs the permission for this call (owners and admins have it).`;
        case 400:
            if (body.issues.length > 0) {
                const list = body.issues
                    .map((i) => `${i.path.length > 0 ? i.path.join(".") : "(input)"}: ${i.message}`)
                    .join("; ");
                return `${where}: the server rejected the input: ${list}`;
            }
            return `${where}: ${body.message || "bad request"}`;
        case 404: {
            if (body.code === "NOT_FOUND" && /not found$/i.test(body.message) && body.message !== "Not found") {
                const id = idOf(input);
                const hint = id
                    ? ` (${id[0]} "${id[1]}"${INPUT_OF_ID[id[0]] ? `; check ${INPUT_OF_ID[id[0]] ?? ""}` : ""})`
                    : "";
                return `${where}: ${body.message}${hint} on ${baseUrl}.`;
            }
            return `${where}: ${body.message || "not found"}: this procedure does not exist at ${baseUrl}. Is dokploy-url the base URL of a Dokploy server (${version/* OLDEST_SUPPORTED */.nq} or newer)?`;
        }
        case 405:
        case 415:
            return `${where}: ${body.message}. This Dokploy version does not accept the call as sent; try the other dokploy-api transport (trpc or openapi).`;
        case 429:
            return `${where}: too many requests${body.message ? `: ${body.message}` : ""}.`;
        default:
            return `${where}: ${body.message || "server error"}`;
    }
}

// EXTERNAL MODULE: ./src/shared/retry.ts
var retry = __webpack_require__(3091);
;// CONCATENATED MODULE: ./src/dokploy/client.ts







const ANSWER_LIMIT = 16 * MiB;
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const NOT_PROCESSED_STATUS = new Set([429]);
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);
const NETWORK_CODES = new Set([
    "ECONNRESET",
    "ECONNREFUSED",
    "ETIMEDOUT",
    "EPIPE",
    "ENOTFOUND",
    "EAI_AGAIN",
    "UND_ERR_SOCKET",
    "UND_ERR_CONNECT_TIMEOUT",
    "UND_ERR_HEADERS_TIMEOUT",
    "UND_ERR_BODY_TIMEOUT",
    "UND_ERR_CLOSED",
]);
class DokployClient {
    options;
    constructor(options) {
        this.options = options;
    }
    get baseUrl() {
        return this.options.baseUrl;
    }
    query(procedure, input, options = {}) {
        return this.withRetries({ ...options, retry: true }, procedure, (limitMs) => this.call("query", procedure, input, limitMs));
    }
    mutation(procedure, input, options = {}) {
        return this.withRetries(options, procedure, (limitMs) => this.call("mutation", procedure, input, limitMs));
    }
    withRetries(options, procedure, fn) {
        const { retryPorts, timeoutMs = 30_000 } = this.options;
        const { withinMs } = options;
        const clock = retryPorts?.clock ?? (() => performance.now());
        const started = clock();
        const limit = () => withinMs === undefined ? timeoutMs : Math.max(1, Math.floor(Math.min(timeoutMs, withinMs - (clock() - started))));
        const attempt = () => fn(limit());
        if (!options.retry || !retryPorts)
            return attempt();
        const policy = this.options.retry ?? retry/* DEFAULT_RETRY */.vI;
        const within = withinMs === undefined ? policy : { ...policy, maxElapsedMs: Math.min(policy.maxElapsedMs, withinMs) };
        return (0,retry/* withRetry */.bD)(`Dokploy ${procedure}`, within, retryPorts, attempt);
    }
    url(kind, procedure, input) {
        const { baseUrl, transport } = this.options;
        if (transport === "trpc") {
            const base = `${baseUrl}/api/trpc/${procedure}`;
            if (kind === "mutation" || input === undefined)
                return base;
            return `${base}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
        }
        const base = `${baseUrl}/api/${procedure}`;
        if (kind === "mutation" || input === undefined)
            return base;
        const params = new URLSearchParams();
        for (const [key, value] of Object.entries(input)) {
            if (value !== undefined && value !== null)
                params.set(key, String(value));
        }
        return `${base}?${params.toString()}`;
    }
    body(input) {
        return JSON.stringify(this.options.transport === "trpc" ? { json: input } : input);
    }
    decode(kind, procedure, text) {
        if (this.options.transport === "openapi" && text.trim() === "")
            return undefined;
        let body;
        try {
            body = JSON.parse(text);
        }
        catch {
            throw this.unreadable(kind, procedure, 200, `Dokploy ${procedure}: the answer is not JSON (it starts with ${JSON.stringify(this.options.redactor.cut(text, 40))}). Is dokploy-url the base URL of the Dokploy server, without a path such as /dashboard?`);
        }
        if (this.options.transport === "openapi")
            return body;
        const data = isRecord(body) && isRecord(body.result) && isRecord(body.result.data) ? body.result.data : undefined;
        if (!data || !("json" in data)) {
            throw this.unreadable(kind, procedure, 200, `Dokploy ${procedure}: unexpected answer without result.data.json`);
        }
        return data.json;
    }
    unreadable(kind, procedure, status, message) {
        const mutation = kind === "mutation";
        const may = mutation ? ` Dokploy may have carried out ${procedure} all the same.` : "";
        return new errors/* DokployError */.RI(procedure, status, this.options.redactor.redact(`${message}${may}`), false, mutation);
    }
    unreachable(procedure, error, limitMs) {
        const { redactor } = this.options;
        const code = (0,errors/* errorCode */.CA)(error);
        const timedOut = (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) ||
            code === "UND_ERR_HEADERS_TIMEOUT" ||
            code === "UND_ERR_BODY_TIMEOUT";
        const reason = timedOut
            ? `no answer within ${limitMs < 1000 ? `${String(limitMs)} ms` : `${String(Math.round(limitMs / 1000))} s`}`
            : `${code ? `${code}: ` : ""}${(0,errors/* errorMessage */.gJ)(error)}${(0,errors/* connectionHint */.kF)(code)}`;
        return new errors/* DokployError */.RI(procedure, undefined, redactor.redact(`Could not reach Dokploy at ${this.options.baseUrl} (${procedure}): ${reason}`), timedOut || code === undefined || NETWORK_CODES.has(code), !(code !== undefined && NOT_SENT_CODES.has(code)));
    }
    async call(kind, procedure, input, limitMs) {
        const { apiKey, logger, dispatcher } = this.options;
        const url = this.url(kind, procedure, input);
        const method = kind === "query" ? "GET" : "POST";
        const headers = { "x-api-key": apiKey, accept: "application/json" };
        if (method === "POST")
            headers["content-type"] = "application/json";
        const started = Date.now();
        let status;
        let location;
        let body;
        const limit = (0,signals/* linkedSignal */.u)([this.options.signal], limitMs);
        try {
            const response = await (0,undici.request)(url, {
                method,
                headers,
                body: method === "POST" ? this.body(input ?? {}) : undefined,
                dispatcher,
                headersTimeout: limitMs,
                bodyTimeout: limitMs,
                signal: limit.signal,
            });
            status = response.statusCode;
            const header = response.headers.location;
            location = Array.isArray(header) ? header[0] : header;
            body = await readBodyText(response.body, ANSWER_LIMIT);
        }
        catch (error) {
            throw this.unreachable(procedure, error, limitMs);
        }
        finally {
            limit.release();
        }
        logger.debug(`${method} ${url.split("?")[0] ?? url} -> ${String(status)} in ${String(Date.now() - started)} ms`);
        try {
            return this.answer(kind, procedure, input, { status, location, ...body });
        }
        catch (error) {
            if (error instanceof errors/* DokployError */.RI)
                throw error;
            const message = `Dokploy ${procedure} (HTTP ${String(status)}): the answer could not be read (${(0,errors/* errorMessage */.gJ)(error)})`;
            throw this.unreadable(kind, procedure, status, message);
        }
    }
    answer(kind, procedure, input, answer) {
        const { status, text } = answer;
        if (answer.cut) {
            throw this.unreadable(kind, procedure, status, `Dokploy ${procedure}: the answer is larger than ${String(ANSWER_LIMIT / MiB)} MiB; stopped reading it. Is dokploy-url the base URL of the Dokploy server?`);
        }
        if (status < 200 || status >= 300) {
            const { baseUrl, redactor } = this.options;
            const body = parseErrorBody(text, redactor);
            const message = describeHttpError(procedure, status, body, input, baseUrl, answer.location);
            const retryable = RETRYABLE_STATUS.has(status);
            throw new errors/* DokployError */.RI(procedure, status, redactor.redact(message), retryable, retryable && !NOT_PROCESSED_STATUS.has(status));
        }
        return this.decode(kind, procedure, text);
    }
}

// EXTERNAL MODULE: ./src/dokploy/procedures.ts
var procedures = __webpack_require__(1274);
// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 17 modules
var schemas = __webpack_require__(8816);
;// CONCATENATED MODULE: ./src/dokploy/compose.ts




const ComposeSchema = schemas/* object */.Ikc({
    composeId: schemas/* string */.YjP(),
    name: schemas/* string */.YjP(),
    appName: schemas/* string */.YjP(),
    composeType: schemas/* string */.YjP(),
    sourceType: procedures/* nullableString */.vJ,
    composeFile: procedures/* nullableString */.vJ,
    env: procedures/* nullableString */.vJ,
    serverId: procedures/* nullableString */.vJ,
    server: procedures/* ServerNameSchema */.o4,
    environmentId: procedures/* nullableString */.vJ,
    environment: procedures/* ServiceEnvironmentSchema */.E2,
});
async function composeOne(dokploy, composeId) {
    const value = await dokploy.client.query("compose.one", { composeId });
    const compose = (0,procedures/* check */.z6)("compose.one", ComposeSchema, value);
    if (compose.composeId !== composeId) {
        throw new errors/* DokployError */.RI("compose.one", 200, `Dokploy compose.one answered about compose ${compose.composeId}, not ${composeId} that was asked for. A cache or proxy in front of Dokploy may ignore the query string.`);
    }
    return compose;
}
function withoutVariables(message, env) {
    const lines = env.split(/\r?\n/).filter((line) => line.trim().length >= 4);
    const forms = lines.flatMap((line) => [line, JSON.stringify(line).slice(1, -1)]);
    let out = message;
    for (const form of forms.sort((a, b) => b.length - a.length))
        out = out.split(form).join("***");
    return out;
}
async function saveComposeEnv(dokploy, composeId, env) {
    try {
        await dokploy.client.mutation((0,version/* composeEnvProcedure */.RV)(dokploy.serverVersion), { composeId, env }, { retry: true });
    }
    catch (error) {
        if (error instanceof Error)
            error.message = withoutVariables(error.message, env);
        throw error;
    }
}
async function stackTasks(dokploy, appName, serverId) {
    const input = { appName, ...(serverId ? { serverId } : {}) };
    const value = await dokploy.client.query("docker.getStackContainersByAppName", input);
    const parsed = schemas/* array */.YOg(procedures/* TaskSchema */.pj.extend({ name: schemas/* string */.YjP() })).safeParse(value ?? []);
    if (!parsed.success) {
        throw new errors/* DokployError */.RI("docker.getStackContainersByAppName", 200, "Dokploy docker.getStackContainersByAppName: unexpected answer");
    }
    return parsed.data;
}
function composeUrl(baseUrl, compose) {
    const projectId = compose.environment?.projectId;
    const environmentId = compose.environment?.environmentId ?? compose.environmentId;
    if (projectId && environmentId) {
        return `${baseUrl}/dashboard/project/${projectId}/environment/${environmentId}/services/compose/${compose.composeId}`;
    }
    return `${baseUrl}/dashboard/projects`;
}
const ComposeContainerSchema = schemas/* object */.Ikc({
    containerId: schemas/* string */.YjP(),
    name: schemas/* string */.YjP(),
    state: schemas/* string */.YjP(),
    status: procedures/* nullableString */.vJ,
});
async function composeContainers(dokploy, appName, serverId) {
    const input = { appName, appType: "docker-compose", ...(serverId ? { serverId } : {}) };
    const value = await dokploy.client.query("docker.getContainersByAppNameMatch", input);
    return (0,procedures/* check */.z6)("docker.getContainersByAppNameMatch", schemas/* array */.YOg(ComposeContainerSchema), value ?? []);
}

// EXTERNAL MODULE: ./src/dokploy/projects.ts
var projects = __webpack_require__(9738);
;// CONCATENATED MODULE: ./src/dokploy/cluster.ts


const NodeSchema = schemas/* object */.Ikc({
    ID: schemas/* string */.YjP().optional(),
    Description: schemas/* object */.Ikc({
        Hostname: schemas/* string */.YjP().optional(),
        Platform: schemas/* object */.Ikc({ Architecture: schemas/* string */.YjP().optional(), OS: schemas/* string */.YjP().optional() }),
    }),
    Spec: schemas/* object */.Ikc({ Availability: schemas/* string */.YjP().optional() }).optional(),
    Status: schemas/* object */.Ikc({ State: schemas/* string */.YjP().optional() }).optional(),
});
async function clusterNodes(dokploy, serverId) {
    const value = await dokploy.client.query("cluster.getNodes", serverId ? { serverId } : {});
    return (0,procedures/* check */.z6)("cluster.getNodes", schemas/* array */.YOg(NodeSchema), value);
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./src/shared/image.ts
var shared_image = __webpack_require__(5164);
;// CONCATENATED MODULE: ./src/registry/check.ts






const MANIFEST_MEDIA_TYPES = [
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
];
function parseChallenge(header) {
    const match = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(header);
    if (!match)
        return undefined;
    const params = {};
    const re = /([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?/g;
    for (const m of (match[2] ?? "").matchAll(re)) {
        params[(m[1] ?? "").toLowerCase()] = (m[2] ?? m[3] ?? "").replace(/\\(.)/g, "$1");
    }
    return { scheme: (match[1] ?? "").toLowerCase(), params };
}
function registryApiBase(registry) {
    if (registry === "docker.io")
        return "https://registry-1.docker.io";
    const plain = /^(localhost|127\.\d+\.\d+\.\d+)(:\d+)?$/.test(registry);
    return `${plain ? "http" : "https"}://${registry}`;
}
function credentialHint(registry, repository) {
    if (registry === "ghcr.io")
        return `the pull credential cannot read ghcr.io/${repository}: a token with read:packages is needed`;
    if (registry === "docker.io")
        return `the pull credential cannot read ${repository} on Docker Hub: use an access token with read access to it`;
    if (registry.endsWith(".amazonaws.com"))
        return `the pull credential cannot read ${registry}/${repository}: ECR passwords from get-login-password expire after 12 hours`;
    if (registry.endsWith("-docker.pkg.dev") || registry.endsWith("gcr.io"))
        return `the pull credential cannot read ${registry}/${repository}: the service account needs roles/artifactregistry.reader`;
    if (registry.endsWith(".azurecr.io"))
        return `the pull credential cannot read ${registry}/${repository}: the token or service principal needs AcrPull`;
    return `the pull credential cannot read ${registry}/${repository}`;
}
async function get(url, headers, method, options) {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const response = await (0,undici.request)(url, {
        method,
        headers,
        dispatcher: options.dispatcher,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
    });
    const body = method === "HEAD" ? (await response.body.dump(), "") : (await readBodyText(response.body, 4 * MiB)).text;
    return { status: response.statusCode, headers: response.headers, body };
}
function header(answer, name) {
    const value = answer.headers[name];
    return Array.isArray(value) ? value[0] : value;
}
function basic(credentials) {
    return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
}
function tokenUrl(challenge, realm, repository, actions) {
    const url = new URL(realm);
    if (challenge.params.service)
        url.searchParams.set("service", challenge.params.service);
    url.searchParams.set("scope", `repository:${repository}:${actions}`);
    return url.toString();
}
async function bearerToken(challenge, repository, credentials, options, where, actions) {
    const realm = challenge.params.realm;
    if (!realm)
        throw new errors/* PullCheckError */.uw("unreachable", `${where}: the registry's Bearer challenge has no realm`);
    const url = tokenUrl(challenge, realm, repository, actions);
    const answer = await get(url, credentials ? { authorization: basic(credentials) } : {}, "GET", options);
    if (answer.status === 401 || answer.status === 403) {
        throw new errors/* PullCheckError */.uw("credentials", credentials
            ? `${where}: the registry's token service refused ${credentials.username}'s password (HTTP ${String(answer.status)}); ${credentialHint(where.split("/")[0] ?? "", repository)}`
            : `${where}: the image is private and no pull credentials are set (pull-username/pull-password)`);
    }
    if (answer.status !== 200) {
        throw new errors/* PullCheckError */.uw("unreachable", `${where}: the registry's token service answered HTTP ${String(answer.status)}`);
    }
    const data = JSON.parse(answer.body);
    const token = data.token ?? data.access_token;
    if (!token)
        throw new errors/* PullCheckError */.uw("unreachable", `${where}: the registry's token service gave no token`);
    return token;
}
async function authorizationFor(answer, image, credentials, options, where, actions = "pull") {
    const challenge = parseChallenge(header(answer, "www-authenticate") ?? "");
    if (challenge?.scheme === "basic") {
        if (!credentials) {
            throw new errors/* PullCheckError */.uw("credentials", `${where}: the registry wants a login and no pull credentials are set (pull-username/pull-password)`);
        }
        return basic(credentials);
    }
    if (challenge?.scheme === "bearer") {
        return `Bearer ${await bearerToken(challenge, image.path, credentials, options, where, actions)}`;
    }
    throw new errors/* PullCheckError */.uw("unreachable", `${where}: the registry answered 401 without a usable challenge`);
}
function refusal(status, image, credentials, authorization, where) {
    if (status === 401 || status === 403) {
        if (!credentials) {
            return new errors/* PullCheckError */.uw("credentials", `${where}: the image is not public and no pull credentials are set (pull-username/pull-password, or registry-username/registry-password)`);
        }
        if (authorization?.startsWith("Basic")) {
            return new errors/* PullCheckError */.uw("credentials", `${where}: the registry refused the pull credentials of ${credentials.username} (HTTP ${String(status)}); ${credentialHint(image.registry, image.path)}`);
        }
        return new errors/* PullCheckError */.uw("scope", `${where}: the registry gave a token, but not one that may pull this repository (HTTP ${String(status)}); ${credentialHint(image.registry, image.path)}`);
    }
    if (status === 404) {
        return new errors/* PullCheckError */.uw("tag", `${where}: the registry has no such tag (manifest unknown). Push it first, or check image and tag${image.registry === "ghcr.io" ? " (GHCR also answers 404 when the token cannot see the package)" : ""}`);
    }
    return new errors/* PullCheckError */.uw("unreachable", `${where}: the registry answered HTTP ${String(status)}`);
}
function unreachable(where, error) {
    const hint = (0,errors/* connectionHint */.kF)((0,errors/* errorCode */.CA)(error));
    return new errors/* PullCheckError */.uw("unreachable", `${where}: could not reach the registry: ${(0,errors/* errorMessage */.gJ)(error)}${hint}`);
}
async function resolveImage(image, tag, credentials, options = {}) {
    const where = `${image.registry}/${image.path}:${tag}`;
    const url = `${registryApiBase(image.registry)}/v2/${image.path}/manifests/${encodeURIComponent(tag)}`;
    const accept = MANIFEST_MEDIA_TYPES.join(", ");
    try {
        let answer = await get(url, { accept }, "HEAD", options);
        let authorization;
        if (answer.status === 401) {
            authorization = await authorizationFor(answer, image, credentials, options, where);
            answer = await get(url, { accept, authorization }, "HEAD", options);
        }
        if (answer.status !== 200)
            throw refusal(answer.status, image, credentials, authorization, where);
        let digest = header(answer, "docker-content-digest");
        const mediaType = (header(answer, "content-type") ?? "").split(";")[0] ?? "";
        if (!digest) {
            const full = await get(url, { accept, ...(authorization ? { authorization } : {}) }, "GET", options);
            digest = `sha256:${(0,external_node_crypto_.createHash)("sha256").update(full.body).digest("hex")}`;
        }
        if (!(0,shared_image/* isValidDigest */.fH)(digest))
            throw new errors/* PullCheckError */.uw("digest", `${where}: ${(0,shared_image/* malformedDigest */.K9)(digest, "the registry")}`);
        return { digest, mediaType };
    }
    catch (error) {
        if (error instanceof errors/* PullCheckError */.uw)
            throw error;
        throw unreachable(where, error);
    }
}
async function checkPushLogin(image, credentials, options = {}) {
    const url = `${registryApiBase(image.registry)}/v2/`;
    const refused = (status) => new errors/* PullCheckError */.uw("credentials", `${image.registry} refused the password of ${credentials.username} (HTTP ${String(status)})`);
    try {
        const answer = await get(url, {}, "GET", options);
        if (answer.status !== 401)
            return;
        const challenge = parseChallenge(header(answer, "www-authenticate") ?? "");
        if (challenge?.scheme === "basic") {
            const again = await get(url, { authorization: basic(credentials) }, "GET", options);
            if (again.status === 401 || again.status === 403)
                throw refused(again.status);
            return;
        }
        if (challenge?.scheme !== "bearer" || !challenge.params.realm)
            return;
        const token = tokenUrl(challenge, challenge.params.realm, image.path, "push,pull");
        const given = await get(token, { authorization: basic(credentials) }, "GET", options);
        if (given.status === 401 || given.status === 403)
            throw refused(given.status);
    }
    catch (error) {
        if (error instanceof errors/* PullCheckError */.uw)
            throw error;
    }
}

;// CONCATENATED MODULE: ./src/registry/tag.ts





async function send(url, method, headers, options, body) {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const response = await (0,undici.request)(url, {
        method,
        headers,
        body,
        dispatcher: options.dispatcher,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
    });
    const chunks = [];
    let size = 0;
    for await (const chunk of response.body) {
        size += chunk.length;
        if (size > 4 * MiB)
            throw new Error(`${method} ${url}: the answer is larger than 4 MiB`);
        chunks.push(chunk);
    }
    const bytes = Buffer.concat(chunks);
    return { status: response.statusCode, headers: response.headers, body: "", bytes };
}
async function readManifest(image, from, credentials, options) {
    const url = `${registryApiBase(image.registry)}/v2/${image.path}/manifests/${encodeURIComponent(from)}`;
    const where = `${image.registry}/${image.path}:${from}`;
    const accept = MANIFEST_MEDIA_TYPES.join(", ");
    let answer = await send(url, "GET", { accept }, options);
    let authorization;
    if (answer.status === 401) {
        authorization = await authorizationFor(answer, image, credentials, options, where, "pull,push");
        answer = await send(url, "GET", { accept, authorization }, options);
    }
    if (answer.status !== 200)
        throw new Error(`GET ${where}: HTTP ${String(answer.status)}`);
    const mediaType = (header(answer, "content-type") ?? "").split(";")[0] ?? "";
    const said = header(answer, "docker-content-digest");
    const digest = (0,shared_image/* checkedDigest */.oM)(said ?? `sha256:${(0,external_node_crypto_.createHash)("sha256").update(answer.bytes).digest("hex")}`, `${where}: the registry`);
    return { manifest: answer.bytes, served: { digest, mediaType }, authorization };
}
async function tagManifest(image, from, tags, credentials, options = {}) {
    const read = await readManifest(image, from, credentials, options);
    if (options.expected !== undefined && read.served.digest !== options.expected) {
        throw new Error(`${image.registry}/${image.path}:${from} is now ${read.served.digest}, not ${options.expected}`);
    }
    let authorization = read.authorization;
    const digests = new Map();
    for (const tag of tags) {
        const where = `${image.registry}/${image.path}:${tag}`;
        const put = (auth) => send(`${registryApiBase(image.registry)}/v2/${image.path}/manifests/${encodeURIComponent(tag)}`, "PUT", { "content-type": read.served.mediaType, ...(auth ? { authorization: auth } : {}) }, options, read.manifest);
        let answered = await put(authorization);
        if (answered.status === 401 && authorization === undefined) {
            authorization = await authorizationFor(answered, image, credentials, options, where, "pull,push");
            answered = await put(authorization);
        }
        if (answered.status !== 201)
            throw new Error(`PUT ${where}: HTTP ${String(answered.status)}`);
        const said = header(answered, "docker-content-digest");
        digests.set(tag, said === undefined ? undefined : (0,shared_image/* checkedDigest */.oM)(said, `${where}: the registry`));
    }
    return { served: read.served, digests };
}

// EXTERNAL MODULE: ./src/registry/platforms.ts
var platforms = __webpack_require__(823);
;// CONCATENATED MODULE: ./src/registry/image-platforms.ts



const REDIRECTS = new Set([301, 302, 303, 307, 308]);
function parsed(answer, what) {
    if (answer.status !== 200)
        throw new Error(`${what}: HTTP ${String(answer.status)}`);
    const value = JSON.parse(answer.body);
    if (typeof value !== "object" || value === null)
        throw new Error(`${what}: not a JSON object`);
    return value;
}
async function blob(url, headers, options) {
    const answer = await get(url, headers, "GET", options);
    const location = answer.headers.location;
    if (!REDIRECTS.has(answer.status) || typeof location !== "string")
        return answer;
    const next = new URL(location, url);
    const sameOrigin = next.origin === new URL(url).origin;
    return get(next.toString(), sameOrigin ? headers : {}, "GET", options);
}
async function imagePlatforms(image, reference, credentials, options = {}) {
    const where = `${image.registry}/${image.path}@${reference}`;
    const base = `${registryApiBase(image.registry)}/v2/${image.path}`;
    const url = `${base}/manifests/${encodeURIComponent(reference)}`;
    const accept = MANIFEST_MEDIA_TYPES.join(", ");
    let answer = await get(url, { accept }, "GET", options);
    const auth = {};
    if (answer.status === 401) {
        auth.authorization = await authorizationFor(answer, image, credentials, options, where);
        answer = await get(url, { accept, ...auth }, "GET", options);
    }
    const manifest = parsed(answer, where);
    if (Array.isArray(manifest.manifests))
        return (0,platforms/* indexPlatforms */.DB)(manifest);
    const config = manifest.config;
    if (typeof config?.digest !== "string" || !(0,shared_image/* isValidDigest */.fH)(config.digest))
        return [];
    const configBlob = parsed(await blob(`${base}/blobs/${config.digest}`, auth, options), `${where} config`);
    const platform = (0,platforms/* configPlatform */.Ko)(configBlob);
    return platform ? [platform] : [];
}

;// CONCATENATED MODULE: ./src/targets/health-check.ts





const BODY_LIMIT = MiB;
const BODY_SHOWN = 300;
function headersOf(check) {
    const headers = { "user-agent": "dokploy-deploy health check" };
    const { credentials } = check;
    if (credentials) {
        headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
    }
    return headers;
}
function describe(statuses) {
    return statuses.map(([a, b]) => (a === b ? String(a) : `${String(a)}-${String(b)}`)).join(", ");
}
async function checkHealth(check, ports) {
    const started = ports.clock();
    const deadline = started + check.timeoutMs;
    let last;
    let lastProblem = "";
    for (let attempt = 1;; attempt++) {
        const sent = ports.clock();
        try {
            const limit = Math.max(10_000, check.intervalMs);
            const response = await (0,undici.request)(check.url, {
                method: "GET",
                dispatcher: ports.dispatcher,
                headersTimeout: limit,
                bodyTimeout: limit,
                signal: AbortSignal.timeout(limit),
                headers: headersOf(check),
            });
            const body = (await readBodyText(response.body, BODY_LIMIT)).text;
            last = {
                status: response.statusCode,
                latencyMs: Math.round(ports.clock() - sent),
                body: body.slice(0, BODY_SHOWN),
            };
            const statusOk = check.statuses.some(([a, b]) => last !== undefined && last.status >= a && last.status <= b);
            const bodyOk = check.contains === undefined || body.includes(check.contains);
            if (statusOk && bodyOk) {
                ports.logger.info(`Health check: ${check.url} answered ${String(last.status)} in ${String(last.latencyMs)} ms`);
                return last;
            }
            lastProblem = !statusOk
                ? `answered ${String(last.status)}, not ${describe(check.statuses)}`
                : `answered ${String(last.status)} but the body does not contain "${check.contains ?? ""}"`;
        }
        catch (error) {
            lastProblem = `did not answer: ${(0,errors/* errorMessage */.gJ)(error)}${(0,errors/* connectionHint */.kF)((0,errors/* errorCode */.CA)(error))}`;
        }
        ports.logger.info(`Health check ${String(attempt)}: ${check.url} ${lastProblem}`);
        if (ports.clock() + check.intervalMs > deadline) {
            throw new errors/* HealthCheckError */.b1(`Health check failed: ${check.url} ${lastProblem} (for ${String(Math.round((ports.clock() - started) / 1000))} s, health-timeout ${String(Math.round(check.timeoutMs / 1000))} s)`, last);
        }
        await ports.sleep(check.intervalMs);
    }
}

;// CONCATENATED MODULE: ./src/pipeline/remote.ts





const liveLog = () => Promise.all(/* import() */[__webpack_require__.e(752), __webpack_require__.e(681)]).then(__webpack_require__.bind(__webpack_require__, 4681)).then((m) => m.streamDeploymentLog);
const containerLogs = () => Promise.all(/* import() */[__webpack_require__.e(752), __webpack_require__.e(489)]).then(__webpack_require__.bind(__webpack_require__, 1489)).then((m) => m.readContainerLogs);






/***/ }),

/***/ 2685:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Agent: () => (/* reexport default from dynamic */ undici_lib_dispatcher_agent_js__WEBPACK_IMPORTED_MODULE_0___default.a),
/* harmony export */   request: () => (/* binding */ request)
/* harmony export */ });
/* harmony import */ var undici_lib_dispatcher_agent_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7405);
/* harmony import */ var undici_lib_dispatcher_agent_js__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(undici_lib_dispatcher_agent_js__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var undici_lib_api_api_request_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4043);
/* harmony import */ var undici_lib_api_api_request_js__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(undici_lib_api_api_request_js__WEBPACK_IMPORTED_MODULE_1__);



let shared;
function request(url, options = {}) {
    const { dispatcher = (shared ??= new (undici_lib_dispatcher_agent_js__WEBPACK_IMPORTED_MODULE_0___default())()), ...rest } = options;
    const parsed = new URL(url);
    return undici_lib_api_api_request_js__WEBPACK_IMPORTED_MODULE_1___default().call(dispatcher, {
        ...rest,
        origin: parsed.origin,
        path: `${parsed.pathname}${parsed.search}`,
        method: rest.method ?? "GET",
    });
}


/***/ })

};
