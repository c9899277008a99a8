import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 1274:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   E2: () => (/* binding */ ServiceEnvironmentSchema),
/* harmony export */   cm: () => (/* binding */ applicationUrl),
/* harmony export */   fP: () => (/* binding */ Dokploy),
/* harmony export */   o4: () => (/* binding */ ServerNameSchema),
/* harmony export */   pj: () => (/* binding */ TaskSchema),
/* harmony export */   vJ: () => (/* binding */ nullableString),
/* harmony export */   z6: () => (/* binding */ check)
/* harmony export */ });
/* unused harmony exports ApplicationSchema, RegistrySchema, DeploymentStatusSchema, DeploymentSchema, ServiceSchema, TaskSpecSchema, idKeyOf */
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(8816);
/* harmony import */ var _shared_errors__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(8382);
/* harmony import */ var _projects__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(9738);
/* harmony import */ var _version__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(1994);




const nullableString = zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().nullish();
const ServerNameSchema = zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({ name: nullableString }).nullish();
const ServiceEnvironmentSchema = zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({
    environmentId: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    projectId: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    env: nullableString,
    project: zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({ projectId: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(), name: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(), env: nullableString }).nullish(),
})
    .nullish();
const ApplicationSchema = zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({
    applicationId: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    name: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    appName: nullableString,
    sourceType: nullableString,
    owner: nullableString,
    repository: nullableString,
    gitlabRepository: nullableString,
    bitbucketRepository: nullableString,
    giteaRepository: nullableString,
    customGitUrl: nullableString,
    applicationStatus: nullableString,
    dockerImage: nullableString,
    username: nullableString,
    password: nullableString,
    registryUrl: nullableString,
    serverId: nullableString,
    server: ServerNameSchema,
    projectId: nullableString,
    environmentId: nullableString,
    environment: ServiceEnvironmentSchema,
    env: nullableString,
    deployments: zod__WEBPACK_IMPORTED_MODULE_2__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_2__/* .unknown */ .L5J())
        .nullish()
        .transform((rows) => (rows ?? []).length),
});
const RegistrySchema = zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({
    registryId: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    registryName: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    imagePrefix: nullableString,
    username: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    password: nullableString,
    registryUrl: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    registryType: nullableString,
});
const DeploymentStatusSchema = zod__WEBPACK_IMPORTED_MODULE_2__/* ["enum"] */ .k5n(["running", "done", "error", "cancelled"]);
const DeploymentSchema = zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({
    deploymentId: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    title: nullableString,
    description: nullableString,
    status: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    logPath: nullableString,
    serverId: nullableString,
    buildServerId: nullableString,
    createdAt: nullableString,
    startedAt: nullableString,
    finishedAt: nullableString,
    errorMessage: nullableString,
});
const ServiceSchema = zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({
    Spec: zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({
        TaskTemplate: zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({ ContainerSpec: zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({ Image: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP() }) }),
    }),
    UpdateStatus: zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({ State: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().nullish(), Message: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().nullish() }).nullish(),
});
const TaskSchema = zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({
    containerId: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    state: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    currentState: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    error: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().nullish(),
});
const TaskSpecSchema = zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({ Spec: zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({ ContainerSpec: zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({ Image: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP() }) }) });
function check(procedure, schema, value) {
    const result = schema.safeParse(value);
    if (!result.success) {
        const first = result.error.issues[0];
        const where = first ? `${first.path.join(".") || "(answer)"}: ${first.message}` : "";
        throw new _shared_errors__WEBPACK_IMPORTED_MODULE_0__/* .DokployError */ .RI(procedure, 200, `Dokploy ${procedure}: unexpected answer (${where}). Is this a Dokploy server of ${_version__WEBPACK_IMPORTED_MODULE_3__/* .OLDEST_SUPPORTED */ .nq} or newer?`);
    }
    return result.data;
}
function idKeyOf(ref) {
    return ref.kind === "application" ? "applicationId" : "composeId";
}
class Dokploy {
    client;
    serverVersion;
    constructor(client) {
        this.client = client;
    }
    async applicationOne(applicationId) {
        const value = await this.client.query("application.one", { applicationId });
        const app = check("application.one", ApplicationSchema, value);
        if (app.applicationId !== applicationId) {
            throw new _shared_errors__WEBPACK_IMPORTED_MODULE_0__/* .DokployError */ .RI("application.one", 200, `Dokploy application.one answered about application ${app.applicationId}, not ${applicationId} that was asked for. A cache or proxy in front of Dokploy may ignore the query string; nothing was changed.`);
        }
        return app;
    }
    async registryAll() {
        const value = await this.client.query("registry.all");
        return check("registry.all", zod__WEBPACK_IMPORTED_MODULE_2__/* .array */ .YOg(RegistrySchema), value);
    }
    async registryCreate(fields) {
        const input = { ...fields, registryType: "cloud" };
        const value = await this.client.mutation("registry.create", input);
        return check("registry.create", RegistrySchema, value);
    }
    async registryUpdate(registryId, changes) {
        await this.client.mutation("registry.update", { registryId, ...changes }, { retry: true });
    }
    async saveDockerProvider(provider) {
        await this.client.mutation("application.saveDockerProvider", {
            applicationId: provider.applicationId,
            dockerImage: provider.dockerImage,
            username: provider.username,
            password: provider.password,
            registryUrl: provider.registryUrl,
        }, { retry: true });
    }
    async trigger(method, ref, title, description) {
        await this.client.mutation(`${ref.kind}.${method}`, { [idKeyOf(ref)]: ref.id, title, description });
    }
    async projects() {
        return check("project.all", _projects__WEBPACK_IMPORTED_MODULE_1__/* .ProjectsSchema */ .Q1, await this.client.query("project.all"));
    }
    async testRegistryLogin(login) {
        const input = { ...login, registryType: "cloud" };
        await this.client.mutation("registry.testRegistry", input, { retry: true });
    }
    async version() {
        const value = await this.client.query("settings.getDokployVersion");
        this.serverVersion = check("settings.getDokployVersion", zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(), value);
        return this.serverVersion;
    }
    async service(appName, serverId) {
        const input = { containerId: appName, ...(serverId ? { serverId } : {}) };
        const value = await this.client.query("docker.getConfig", input);
        return value ? check("docker.getConfig", ServiceSchema, value) : undefined;
    }
    async taskImage(taskId, serverId) {
        const input = { containerId: taskId, ...(serverId ? { serverId } : {}) };
        const value = await this.client.query("docker.getConfig", input);
        return value ? check("docker.getConfig", TaskSpecSchema, value).Spec.ContainerSpec.Image : undefined;
    }
    async serviceTasks(appName, serverId) {
        const input = { appName, ...(serverId ? { serverId } : {}) };
        const value = await this.client.query("docker.getServiceContainersByAppName", input);
        return check("docker.getServiceContainersByAppName", zod__WEBPACK_IMPORTED_MODULE_2__/* .array */ .YOg(TaskSchema), value ?? []);
    }
    async deployments(ref, withinMs) {
        const procedure = ref.kind === "application" ? "deployment.all" : "deployment.allByCompose";
        const value = await this.client.query(procedure, { [idKeyOf(ref)]: ref.id }, { withinMs });
        return check(procedure, zod__WEBPACK_IMPORTED_MODULE_2__/* .array */ .YOg(DeploymentSchema), value);
    }
}
function applicationUrl(baseUrl, app) {
    const projectId = app.environment?.projectId ?? app.projectId;
    const environmentId = app.environment?.environmentId ?? app.environmentId;
    if (projectId && environmentId) {
        return `${baseUrl}/dashboard/project/${projectId}/environment/${environmentId}/services/application/${app.applicationId}`;
    }
    if (projectId)
        return `${baseUrl}/dashboard/project/${projectId}/services/application/${app.applicationId}`;
    return `${baseUrl}/dashboard/projects`;
}


/***/ }),

/***/ 9738:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Q1: () => (/* binding */ ProjectsSchema),
/* harmony export */   jN: () => (/* binding */ resolveNames)
/* harmony export */ });
/* unused harmony exports distance, closeMatches */
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(8816);
/* harmony import */ var _shared_errors__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(8382);


const ProjectsSchema = zod__WEBPACK_IMPORTED_MODULE_1__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_1__/* .object */ .Ikc({
    projectId: zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP(),
    name: zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP(),
    environments: zod__WEBPACK_IMPORTED_MODULE_1__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_1__/* .object */ .Ikc({
        environmentId: zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP(),
        name: zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP(),
        applications: zod__WEBPACK_IMPORTED_MODULE_1__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_1__/* .object */ .Ikc({ applicationId: zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP(), name: zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP() })).default([]),
        compose: zod__WEBPACK_IMPORTED_MODULE_1__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_1__/* .object */ .Ikc({ composeId: zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP(), name: zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP() })).default([]),
    })),
}));

function distance(a, b) {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    let previous = Array.from({ length: y.length + 1 }, (_, i) => i);
    for (let i = 1; i <= x.length; i++) {
        const current = [i];
        for (let j = 1; j <= y.length; j++) {
            const cost = x[i - 1] === y[j - 1] ? 0 : 1;
            current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
        }
        previous = current;
    }
    return previous[y.length] ?? 0;
}
function closeMatches(wanted, names, limit = 3) {
    const lower = wanted.toLowerCase();
    const scored = [...new Set(names)]
        .map((name) => {
        const other = name.toLowerCase();
        const score = other === lower ? 0 : other.includes(lower) || lower.includes(other) ? 1 : 1 + distance(name, wanted);
        return { name, score };
    })
        .filter(({ score }) => score <= 1 || score - 1 <= Math.max(2, Math.floor(wanted.length / 3)));
    return scored
        .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
        .slice(0, limit)
        .map(({ name }) => name);
}
function suggestions(wanted, names, what) {
    const close = closeMatches(wanted, names);
    const meant = close.length > 0 ? ` Did you mean ${close.map((n) => `"${n}"`).join(" or ")}?` : "";
    if (names.length === 0)
        return `${meant} There are none.`;
    const listed = names.slice(0, 20).join(", ");
    return `${meant} ${what.charAt(0).toUpperCase()}${what.slice(1)}: ${listed}${names.length > 20 ? ", …" : ""}.`;
}
function pickOne(lookup) {
    const { rows, wanted, input, where, what } = lookup;
    const found = rows.filter((row) => lookup.name(row) === wanted);
    if (found.length === 1 && found[0] !== undefined)
        return found[0];
    if (found.length > 1) {
        const ids = found.map(lookup.id).join(", ");
        throw new _shared_errors__WEBPACK_IMPORTED_MODULE_0__/* .ConfigError */ .xL(input, `${String(found.length)} ${what} are named "${wanted}"${where} (ids ${ids}); give the id instead`);
    }
    const names = rows.map(lookup.name);
    throw new _shared_errors__WEBPACK_IMPORTED_MODULE_0__/* .ConfigError */ .xL(input, `no ${what.replace(/s$/, "")} "${wanted}"${where}.${suggestions(wanted, names, what)}`);
}
function resolveNames(projects, place, named) {
    const project = pickOne({
        rows: projects,
        name: (p) => p.name,
        id: (p) => p.projectId,
        wanted: place.project,
        input: "project",
        where: " that the API key's user can see",
        what: "projects",
    });
    const environment = pickOne({
        rows: project.environments,
        name: (e) => e.name,
        id: (e) => e.environmentId,
        wanted: place.environment,
        input: "dokploy-environment",
        where: ` in project "${project.name}"`,
        what: "environments",
    });
    const where = ` in ${project.name}/${environment.name}`;
    return named.map((target) => {
        if (target.kind === "application") {
            const app = pickOne({
                rows: environment.applications,
                name: (a) => a.name,
                id: (a) => a.applicationId,
                wanted: target.name,
                input: "application",
                where,
                what: "applications",
            });
            return { kind: "application", id: app.applicationId };
        }
        const compose = pickOne({
            rows: environment.compose,
            name: (c) => c.name,
            id: (c) => c.composeId,
            wanted: target.name,
            input: "compose",
            where,
            what: "compose services",
        });
        return { kind: "compose", id: compose.composeId };
    });
}


/***/ }),

/***/ 1994:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   RV: () => (/* binding */ composeEnvProcedure),
/* harmony export */   UM: () => (/* binding */ isOlderThan),
/* harmony export */   i3: () => (/* binding */ WHY_NOT_OLDER),
/* harmony export */   nq: () => (/* binding */ OLDEST_SUPPORTED),
/* harmony export */   xI: () => (/* binding */ readsLogs)
/* harmony export */ });
/* unused harmony exports versionParts, READ_LOGS_SINCE */
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
const READ_LOGS_SINCE = "v0.29.6";
function readsLogs(serverVersion) {
    return serverVersion === undefined || isOlderThan(serverVersion, READ_LOGS_SINCE) !== true;
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
  pO: () => (/* binding */ Redactor),
  Jj: () => (/* binding */ cut),
  VL: () => (/* binding */ messageLines),
  fk: () => (/* binding */ printableLines),
  S: () => (/* binding */ redactingLogger)
});

// UNUSED EXPORTS: LINE_LIMIT, MESSAGE_LIMIT

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

/***/ 9908:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   C4: () => (/* binding */ setVariables),
/* harmony export */   mu: () => (/* binding */ definitionsOf),
/* harmony export */   nt: () => (/* binding */ readVariable)
/* harmony export */ });
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

/***/ 8816:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  YOg: () => (/* binding */ array),
  zMY: () => (/* binding */ schemas_boolean),
  k5n: () => (/* binding */ schemas_enum),
  RZV: () => (/* binding */ lazy),
  _H3: () => (/* binding */ looseObject),
  chJ: () => (/* binding */ schemas_null),
  aig: () => (/* binding */ schemas_number),
  Ikc: () => (/* binding */ object),
  g1P: () => (/* binding */ record),
  YjP: () => (/* binding */ schemas_string),
  KCZ: () => (/* binding */ union),
  L5J: () => (/* binding */ unknown)
});

// UNUSED EXPORTS: ZodAny, ZodArray, ZodBase64, ZodBase64URL, ZodBigInt, ZodBigIntFormat, ZodBoolean, ZodCIDRv4, ZodCIDRv6, ZodCUID, ZodCUID2, ZodCatch, ZodCodec, ZodCreditCard, ZodCustom, ZodCustomStringFormat, ZodDate, ZodDefault, ZodDiscriminatedUnion, ZodE164, ZodEmail, ZodEmoji, ZodEnum, ZodExactOptional, ZodFile, ZodFunction, ZodGUID, ZodIBAN, ZodIPv4, ZodIPv6, ZodISODate, ZodISODateTime, ZodISODuration, ZodISOTime, ZodInstanceOf, ZodIntersection, ZodJWT, ZodKSUID, ZodLazy, ZodLiteral, ZodMAC, ZodMap, ZodNaN, ZodNanoID, ZodNever, ZodNonOptional, ZodNull, ZodNullable, ZodNumber, ZodNumberFormat, ZodObject, ZodOptional, ZodPipe, ZodPrefault, ZodPreprocess, ZodPromise, ZodReadonly, ZodRecord, ZodSet, ZodString, ZodStringFormat, ZodSuccess, ZodSymbol, ZodTemplateLiteral, ZodTransform, ZodTuple, ZodType, ZodULID, ZodURL, ZodUUID, ZodUndefined, ZodUnion, ZodUnknown, ZodVoid, ZodXID, ZodXor, _ZodString, _default, _function, any, base64, base64url, bigint, catch, check, cidrv4, cidrv6, codec, creditCard, cuid, cuid2, currencyCode, custom, date, describe, discriminatedUnion, e164, email, emoji, exactOptional, file, float32, float64, function, guid, hash, hex, hostname, httpUrl, iban, instanceof, int, int32, int64, intersection, invertCodec, ipv4, ipv6, json, jwt, keyof, ksuid, literal, looseRecord, mac, map, meta, nan, nanoid, nativeEnum, never, nonoptional, nullable, nullish, optional, partialRecord, pipe, prefault, preprocess, promise, readonly, refine, set, strictObject, stringFormat, stringbool, success, superRefine, symbol, templateLiteral, transform, tuple, uint32, uint64, ulid, undefined, url, uuid, uuidv4, uuidv6, uuidv7, void, xid, xor

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/util.js

// functions
function assertEqual(val) {
    return val;
}
function assertNotEqual(val) {
    return val;
}
function toZod() {
    return (schema) => schema;
}
function assertIs(_arg) { }
function assertNever(_x) {
    throw new Error("Unexpected value in exhaustive check");
}
function assert(_) { }
function getEnumValues(entries) {
    const numericValues = Object.values(entries).filter((v) => typeof v === "number");
    const values = Object.entries(entries)
        .filter(([k, _]) => numericValues.indexOf(+k) === -1)
        .map(([_, v]) => v);
    return values;
}
function joinValues(array, separator = "|") {
    return array.map((val) => stringifyPrimitive(val)).join(separator);
}
function jsonStringifyReplacer(_, value) {
    if (typeof value === "bigint")
        return value.toString();
    return value;
}
// the accessor lives on a shared prototype: an own accessor makes every box a dictionary-mode object (~360 B and a slow load per read against ~100 B and an inlined getter here)
class Cached {
    constructor(getter) {
        this._getter = getter;
        this._value = undefined;
    }
    get value() {
        const getter = this._getter;
        if (getter !== undefined) {
            this._value = getter();
            this._getter = undefined;
        }
        return this._value;
    }
}
function cached(getter) {
    return new Cached(getter);
}
function nullish(input) {
    return input === null || input === undefined;
}
function cleanRegex(source) {
    const start = source.startsWith("^") ? 1 : 0;
    const end = source.endsWith("$") ? source.length - 1 : source.length;
    return source.slice(start, end);
}
function floatSafeRemainder(val, step) {
    const ratio = val / step;
    const roundedRatio = Math.round(ratio);
    // `val` and `step` each round to a double before the division rounds again, so a true decimal multiple's quotient can sit up to 1.5 of these scaled epsilons from the integer. A 1x tolerance therefore rejected 2.03 as a multiple of 0.07; 4x covers the worst case with margin.
    const tolerance = 4 * Number.EPSILON * Math.max(Math.abs(ratio), 1);
    if (Math.abs(ratio - roundedRatio) < tolerance)
        return 0;
    return ratio - roundedRatio;
}
const EVALUATING = /* @__PURE__*/ Symbol("evaluating");
function defineLazy(object, key, getter) {
    let value = undefined;
    Object.defineProperty(object, key, {
        get() {
            if (value === EVALUATING) {
                // Circular reference detected, return undefined to break the cycle
                return undefined;
            }
            if (value === undefined) {
                value = EVALUATING;
                value = getter();
            }
            return value;
        },
        set(v) {
            Object.defineProperty(object, key, {
                value: v,
                // configurable: true,
            });
            // object[key] = v;
        },
        configurable: true,
    });
}
function objectClone(obj) {
    return Object.create(Object.getPrototypeOf(obj), Object.getOwnPropertyDescriptors(obj));
}
function util_assignProp(target, prop, value) {
    Object.defineProperty(target, prop, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
    });
}
/**
 * Whichever object a def's `shape` currently answers from: the one the caller passed until the first read, the frozen copy after it.
 *
 * Its keys and descriptors read without invoking anything, which is what lets a discriminated union check its discriminator, and the cycle walk read a shape, without resolving a getter that references the schema being constructed. A def that answers `shape` from an accessor of its own has none.
 */
function rawShape(def) {
    const desc = Object.getOwnPropertyDescriptor(def, "shape");
    return desc?.get ? desc.get.raw : desc?.value;
}
// where a builder reads its source's keys and descriptors, resolving only a shape a def answers for itself. A shape resolves by object spread, so only its enumerable keys are ever part of it.
function sourceShape(schema) {
    return rawShape(schema._zod.def) ?? schema._zod.def.shape;
}
// a key whose value is not settled yet, self-caching so every read after the first gets the same one
function deferProp(target, key, getter) {
    Object.defineProperty(target, key, {
        get() {
            const value = getter();
            util_assignProp(this, key, value);
            return value;
        },
        enumerable: true,
        configurable: true,
    });
}
// Writes a settled key. A plain assignment is much cheaper than `defineProperty` and produces the same descriptor, but it runs whatever setter already answers to the key — an accessor this shape deferred, or an inherited one, which `__proto__` has on every object and prototype pollution can add for any name.
function putProp(target, key, value) {
    if (key in target)
        util_assignProp(target, key, value);
    else
        target[key] = value;
}
/**
 * Copies `keys` of `source`'s shape onto `target`, each value passed through `wrap`.
 *
 * A key the source has resolved is copied through now, so the derived shape states it outright and nothing has to resolve it to learn what it holds. A key the source still defers stays deferred, and reads back through the source's own `shape`, so it resolves once and both shapes get that one schema.
 */
function mirrorShape(target, source, keys, wrap) {
    const raw = sourceShape(source);
    for (const key of keys) {
        const desc = Object.getOwnPropertyDescriptor(raw, key);
        if (!desc.enumerable)
            continue;
        if (desc.get) {
            deferProp(target, key, () => {
                const value = source._zod.def.shape[key];
                return wrap ? wrap(value, key) : value;
            });
        }
        else
            putProp(target, key, wrap ? wrap(desc.value, key) : desc.value);
    }
}
// same, for a plain shape a caller passed rather than a schema's
function mirrorProps(target, source) {
    for (const key of Reflect.ownKeys(source)) {
        const desc = Object.getOwnPropertyDescriptor(source, key);
        if (!desc.enumerable)
            continue;
        if (desc.get)
            deferProp(target, key, () => source[key]);
        else
            putProp(target, key, desc.value);
    }
}
function mergeDefs(...defs) {
    const mergedDescriptors = {};
    for (const def of defs) {
        const descriptors = Object.getOwnPropertyDescriptors(def);
        Object.assign(mergedDescriptors, descriptors);
    }
    return Object.defineProperties({}, mergedDescriptors);
}
function cloneDef(schema) {
    return mergeDefs(schema._zod.def);
}
function getElementAtPath(obj, path) {
    if (!path)
        return obj;
    return path.reduce((acc, key) => acc?.[key], obj);
}
function promiseAllObject(promisesObj) {
    const keys = Object.keys(promisesObj);
    const promises = keys.map((key) => promisesObj[key]);
    return Promise.all(promises).then((results) => {
        const resolvedObj = {};
        for (let i = 0; i < keys.length; i++) {
            resolvedObj[keys[i]] = results[i];
        }
        return resolvedObj;
    });
}
function randomString(length = 10) {
    const chars = "abcdefghijklmnopqrstuvwxyz";
    let str = "";
    for (let i = 0; i < length; i++) {
        str += chars[Math.floor(Math.random() * chars.length)];
    }
    return str;
}
function esc(str) {
    return JSON.stringify(str);
}
function slugify(input) {
    return input
        .toLowerCase()
        .trim()
        .replace(/[^\w\s-]/g, "")
        .replace(/[\s_-]+/g, "-")
        .replace(/^-+|-+$/g, "");
}
const captureStackTrace = ("captureStackTrace" in Error ? Error.captureStackTrace : (..._args) => { });
function util_isObject(data) {
    return typeof data === "object" && data !== null && !Array.isArray(data);
}
const util_allowsEval = /* @__PURE__*/ cached(() => {
    // Skip the probe under `jitless`: strict CSPs report the caught `new Function` as a `securitypolicyviolation` even though the throw is swallowed.
    if (globalConfig.jitless) {
        return false;
    }
    // @ts-ignore
    if (typeof navigator !== "undefined" && navigator?.userAgent?.includes("Cloudflare")) {
        return false;
    }
    try {
        const F = Function;
        new F("");
        return true;
    }
    catch (_) {
        return false;
    }
});
function isPlainObject(o) {
    if (util_isObject(o) === false)
        return false;
    // modified constructor
    const ctor = o.constructor;
    if (ctor === undefined)
        return true;
    if (typeof ctor !== "function")
        return true;
    // modified prototype
    const prot = ctor.prototype;
    if (util_isObject(prot) === false)
        return false;
    // ctor doesn't have static `isPrototypeOf`
    if (Object.prototype.hasOwnProperty.call(prot, "isPrototypeOf") === false) {
        return false;
    }
    return true;
}
function shallowClone(o) {
    if (isPlainObject(o))
        return { ...o };
    if (Array.isArray(o))
        return [...o];
    if (o instanceof Map)
        return new Map(o);
    if (o instanceof Set)
        return new Set(o);
    return o;
}
function numKeys(data) {
    let keyCount = 0;
    for (const key in data) {
        if (Object.prototype.hasOwnProperty.call(data, key)) {
            keyCount++;
        }
    }
    return keyCount;
}
const getParsedType = (data) => {
    const t = typeof data;
    switch (t) {
        case "undefined":
            return "undefined";
        case "string":
            return "string";
        case "number":
            return Number.isNaN(data) ? "nan" : "number";
        case "boolean":
            return "boolean";
        case "function":
            return "function";
        case "bigint":
            return "bigint";
        case "symbol":
            return "symbol";
        case "object":
            if (Array.isArray(data)) {
                return "array";
            }
            if (data === null) {
                return "null";
            }
            if (data.then && typeof data.then === "function" && data.catch && typeof data.catch === "function") {
                return "promise";
            }
            if (typeof Map !== "undefined" && data instanceof Map) {
                return "map";
            }
            if (typeof Set !== "undefined" && data instanceof Set) {
                return "set";
            }
            if (typeof Date !== "undefined" && data instanceof Date) {
                return "date";
            }
            // @ts-ignore
            if (typeof File !== "undefined" && data instanceof File) {
                return "file";
            }
            return "object";
        default:
            throw new Error(`Unknown data type: ${t}`);
    }
};
const propertyKeyTypes = /* @__PURE__*/ new Set(["string", "number", "symbol"]);
const primitiveTypes = /* @__PURE__*/ new Set([
    "string",
    "number",
    "bigint",
    "boolean",
    "symbol",
    "undefined",
]);
function escapeRegex(str) {
    return str.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
// zod-specific utils
function clone(inst, def, params) {
    const cl = new inst._zod.constr(def ?? inst._zod.def);
    if (!def || params?.parent)
        cl._zod.parent = inst;
    return cl;
}
function normalizeParams(_params) {
    const params = _params;
    if (!params)
        return {};
    if (typeof params === "string")
        return { error: () => params };
    if (params?.message !== undefined) {
        if (params?.error !== undefined)
            throw new Error("Cannot specify both `message` and `error` params");
        params.error = params.message;
    }
    delete params.message;
    if (typeof params.error === "string")
        return { ...params, error: () => params.error };
    return params;
}
function createTransparentProxy(getter) {
    let target;
    return new Proxy({}, {
        get(_, prop, receiver) {
            target ?? (target = getter());
            return Reflect.get(target, prop, receiver);
        },
        set(_, prop, value, receiver) {
            target ?? (target = getter());
            return Reflect.set(target, prop, value, receiver);
        },
        has(_, prop) {
            target ?? (target = getter());
            return Reflect.has(target, prop);
        },
        deleteProperty(_, prop) {
            target ?? (target = getter());
            return Reflect.deleteProperty(target, prop);
        },
        ownKeys(_) {
            target ?? (target = getter());
            return Reflect.ownKeys(target);
        },
        getOwnPropertyDescriptor(_, prop) {
            target ?? (target = getter());
            return Reflect.getOwnPropertyDescriptor(target, prop);
        },
        defineProperty(_, prop, descriptor) {
            target ?? (target = getter());
            return Reflect.defineProperty(target, prop, descriptor);
        },
    });
}
function stringifyPrimitive(value) {
    if (typeof value === "bigint")
        return value.toString() + "n";
    if (typeof value === "string")
        return `"${value}"`;
    return `${value}`;
}
function optionalKeys(shape) {
    return Object.keys(shape).filter((k) => {
        return shape[k]._zod.optin !== undefined && shape[k]._zod.optout === "optional";
    });
}
// Wrapped in a `@__PURE__` IIFE: esbuild never tree-shakes a top-level initializer that contains a member access on `Number`, so the bare object literal survived into every bundle.
const NUMBER_FORMAT_RANGES = /*@__PURE__*/ (() => ({
    safeint: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    int32: [-2147483648, 2147483647],
    uint32: [0, 4294967295],
    float32: [-3.4028234663852886e38, 3.4028234663852886e38],
    float64: [-Number.MAX_VALUE, Number.MAX_VALUE],
}))();
const BIGINT_FORMAT_RANGES = {
    int64: [/* @__PURE__*/ BigInt("-9223372036854775808"), /* @__PURE__*/ BigInt("9223372036854775807")],
    uint64: [/* @__PURE__*/ BigInt(0), /* @__PURE__*/ BigInt("18446744073709551615")],
};
function pick(schema, mask) {
    const currDef = schema._zod.def;
    const checks = currDef.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        throw new Error(".pick() cannot be used on object schemas containing refinements");
    }
    const newShape = {};
    mirrorShape(newShape, schema, maskedKeys(schema, mask));
    return clone(schema, mergeDefs(currDef, { shape: newShape, checks: [] }));
}
// the mask keys that select something, checked against the source's shape without resolving it
function maskedKeys(schema, mask) {
    const raw = sourceShape(schema);
    const keys = [];
    // `for...in` skips symbols, so a symbol in the mask would select nothing
    for (const key of Reflect.ownKeys(mask)) {
        if (!Object.getOwnPropertyDescriptor(raw, key)?.enumerable) {
            throw new Error(`Unrecognized key: "${String(key)}"`);
        }
        if (mask[key])
            keys.push(key);
    }
    return keys;
}
function omit(schema, mask) {
    const currDef = schema._zod.def;
    const checks = currDef.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        throw new Error(".omit() cannot be used on object schemas containing refinements");
    }
    const omitted = new Set(maskedKeys(schema, mask));
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)).filter((key) => !omitted.has(key)));
    return clone(schema, mergeDefs(currDef, { shape: newShape, checks: [] }));
}
function extend(schema, shape) {
    if (!isPlainObject(shape)) {
        throw new Error("Invalid input to extend: expected a plain object");
    }
    const checks = schema._zod.def.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        // Only throw if new shape overlaps with existing shape. Use getOwnPropertyDescriptor to check key existence without accessing values
        const existingShape = sourceShape(schema);
        for (const key of Reflect.ownKeys(shape)) {
            if (Object.getOwnPropertyDescriptor(existingShape, key) !== undefined) {
                throw new Error("Cannot overwrite keys on object schemas containing refinements. Use `.safeExtend()` instead.");
            }
        }
    }
    return clone(schema, mergeDefs(schema._zod.def, { shape: extended(schema, shape) }));
}
// the source's keys, then the caller's overlaid on top
function extended(schema, shape) {
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)));
    mirrorProps(newShape, shape);
    return newShape;
}
function safeExtend(schema, shape) {
    if (!isPlainObject(shape)) {
        throw new Error("Invalid input to safeExtend: expected a plain object");
    }
    return clone(schema, mergeDefs(schema._zod.def, { shape: extended(schema, shape) }));
}
function merge(a, b) {
    if (!b?._zod?.def) {
        throw new Error("Invalid input to merge: expected an object schema. To merge a plain shape, use `.extend()`.");
    }
    if (a._zod.def.checks?.length) {
        throw new Error(".merge() cannot be used on object schemas containing refinements. Use .safeExtend() instead.");
    }
    const newShape = {};
    mirrorShape(newShape, a, Reflect.ownKeys(sourceShape(a)));
    mirrorShape(newShape, b, Reflect.ownKeys(sourceShape(b)));
    const def = mergeDefs(a._zod.def, {
        shape: newShape,
        get catchall() {
            return b._zod.def.catchall;
        },
        checks: b._zod.def.checks ?? [],
    });
    return clone(a, def);
}
function partial(Class, schema, mask, name = "partial") {
    const currDef = schema._zod.def;
    const checks = currDef.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        throw new Error(`.${name}() cannot be used on object schemas containing refinements`);
    }
    const selected = mask ? new Set(maskedKeys(schema, mask)) : undefined;
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)), Class &&
        ((value, key) => (selected && !selected.has(key) ? value : new Class({ type: "optional", innerType: value }))));
    return clone(schema, mergeDefs(schema._zod.def, { shape: newShape, checks: [] }));
}
function required(Class, schema, mask) {
    const selected = mask ? new Set(maskedKeys(schema, mask)) : undefined;
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)), (value, key) => 
    // overwrite with non-optional
    selected && !selected.has(key) ? value : new Class({ type: "nonoptional", innerType: value }));
    return clone(schema, mergeDefs(schema._zod.def, { shape: newShape }));
}
// invalid_type | too_big | too_small | invalid_format | not_multiple_of | unrecognized_keys | invalid_union | invalid_key | invalid_element | invalid_value | custom
function aborted(x, startIndex = 0) {
    if (x.aborted === true)
        return true;
    for (let i = startIndex; i < x.issues.length; i++) {
        if (x.issues[i]?.continue !== true) {
            return true;
        }
    }
    return false;
}
// Checks for explicit abort (continue === false), as opposed to implicit abort (continue === undefined). Used to respect `abort: true` in .refine() even for checks that have a `when` function.
function explicitlyAborted(x, startIndex = 0) {
    if (x.aborted === true)
        return true;
    for (let i = startIndex; i < x.issues.length; i++) {
        if (x.issues[i]?.continue === false) {
            return true;
        }
    }
    return false;
}
function prefixIssues(path, issues) {
    return issues.map((iss) => {
        var _a;
        (_a = iss).path ?? (_a.path = []);
        iss.path.unshift(path);
        return iss;
    });
}
function unwrapMessage(message) {
    return typeof message === "string" ? message : message?.message;
}
/* A check holds no link back to the schema it is attached to — the same check instance is shared by every clone of that schema — so the owner is stamped onto the issues a check just raised, at the only point where both are in scope. Runs on the failure path only; `start` is the issue count from before the check ran. */
/** The leading size checks of `defChecks` that set an upper bound, each paired with it. */
function sizeCaps(defChecks) {
    const caps = [];
    for (const ch of defChecks ?? []) {
        const d = ch._zod.def;
        // a later check may rewrite the value
        if (!/_(length|size)$|_equals$/.test(d.check))
            break;
        const max = d.maximum ?? d.length ?? d.size;
        if (max >= 0)
            caps.push([max, ch]);
    }
    return caps;
}
function attachSchema(issues, start, inst) {
    var _a;
    for (let i = start; i < issues.length; i++) {
        (_a = issues[i]).schema ?? (_a.schema = inst);
    }
}
function finalizeIssue(iss, ctx, config) {
    var _a;
    // A schema that raised an issue itself owns it outright, and outranks any stamp an enclosing check left in `attachSchema`. String formats and z.custom() are schema and check at once, so when they act as a check they defer to that stamp instead.
    const traits = iss.inst?._zod?.traits;
    if (traits?.has("$ZodType")) {
        if (traits.has("$ZodCheck"))
            (_a = iss).schema ?? (_a.schema = iss.inst);
        else
            iss.schema = iss.inst;
    }
    // Decreasing specificity, first map to return a message wins. `inst` is whatever raised the issue, so a check's own map outranks the owning schema's.
    const schemaError = iss.schema !== iss.inst ? iss.schema?._zod.def?.error : undefined;
    const message = iss.message
        ? iss.message
        : (unwrapMessage(iss.inst?._zod.def?.error?.(iss)) ??
            unwrapMessage(schemaError?.(iss)) ??
            unwrapMessage(ctx?.error?.(iss)) ??
            unwrapMessage(config.customError?.(iss)) ??
            unwrapMessage(config.localeError?.(iss)) ??
            "Invalid input");
    // an explicit own-key copy beats object rest with excluded keys, which v8 routes through a generic runtime call; Object.keys rather than for-in so an issue pushed with a prototype does not leak inherited keys, and an own __proto__ key is dropped rather than assigned through the setter
    const full = {};
    for (const k of Object.keys(iss)) {
        if (k === "inst" || k === "schema" || k === "continue" || k === "input" || k === "__proto__")
            continue;
        full[k] = iss[k];
    }
    full.path ?? (full.path = []);
    full.message = message;
    if (ctx?.reportInput) {
        full.input = iss.input;
    }
    return full;
}
function getSizableOrigin(input) {
    if (input instanceof Set)
        return "set";
    if (input instanceof Map)
        return "map";
    // @ts-ignore
    if (input instanceof File)
        return "file";
    return "unknown";
}
const highSurrogate = /[\uD800-\uDBFF]/;
// Code points in `str`: a surrogate pair counts once, a lone surrogate as itself. Hand-rolled because the string iterator allocates and runs ~250x slower on this path; the regex probe exits ~50x quicker for a string with no astral characters.
function codePointLength(str) {
    const units = str.length;
    if (!highSurrogate.test(str))
        return units;
    let count = units;
    for (let i = 0; i < units - 1; i++) {
        if ((str.charCodeAt(i) & 0xfc00) === 0xd800 && (str.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
            count--;
            i++;
        }
    }
    return count;
}
function getLengthableOrigin(input) {
    if (Array.isArray(input))
        return "array";
    if (typeof input === "string")
        return "string";
    return "unknown";
}
function parsedType(data) {
    const t = typeof data;
    switch (t) {
        case "number": {
            return Number.isNaN(data) ? "nan" : "number";
        }
        case "object": {
            if (data === null) {
                return "null";
            }
            if (Array.isArray(data)) {
                return "array";
            }
            const obj = data;
            if (obj && Object.getPrototypeOf(obj) !== Object.prototype && "constructor" in obj && obj.constructor) {
                return obj.constructor.name;
            }
        }
    }
    return t;
}
function util_issue(...args) {
    const [iss, input, inst] = args;
    if (typeof iss === "string") {
        return {
            message: iss,
            code: "custom",
            input,
            inst,
        };
    }
    return { ...iss };
}
function cleanEnum(obj) {
    return Object.entries(obj)
        .filter(([k, _]) => {
        // return true if NaN, meaning it's not a number, thus a string key
        return Number.isNaN(Number.parseInt(k, 10));
    })
        .map((el) => el[1]);
}
// Codec utility functions
function base64ToUint8Array(base64) {
    const binaryString = atob(base64);
    const bytes = new Uint8Array(binaryString.length);
    for (let i = 0; i < binaryString.length; i++) {
        bytes[i] = binaryString.charCodeAt(i);
    }
    return bytes;
}
function uint8ArrayToBase64(bytes) {
    let binaryString = "";
    for (let i = 0; i < bytes.length; i++) {
        binaryString += String.fromCharCode(bytes[i]);
    }
    return btoa(binaryString);
}
function base64urlToUint8Array(base64url) {
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    const padding = "=".repeat((4 - (base64.length % 4)) % 4);
    return base64ToUint8Array(base64 + padding);
}
function uint8ArrayToBase64url(bytes) {
    return uint8ArrayToBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=/g, "");
}
function hexToUint8Array(hex) {
    const cleanHex = hex.replace(/^0x/, "");
    if (cleanHex.length % 2 !== 0) {
        throw new Error("Invalid hex string length");
    }
    const bytes = new Uint8Array(cleanHex.length / 2);
    for (let i = 0; i < cleanHex.length; i += 2) {
        bytes[i / 2] = Number.parseInt(cleanHex.slice(i, i + 2), 16);
    }
    return bytes;
}
function uint8ArrayToHex(bytes) {
    return Array.from(bytes)
        .map((b) => b.toString(16).padStart(2, "0"))
        .join("");
}
// instanceof
class Class {
    constructor(..._args) { }
}
//////////    PROTOTYPE INSTALLERS     //////////
//
// Members live on the prototype and materialize per instance on first read, which keeps own-property count under the step where V8 stops using inline slots. Changing anything here means re-measuring runtime, memory and bundle size together — see "The three axes" in AGENTS.md.
/**
 * Installs a trait's members on its prototype. Each value builds that member for the instance on first read; the built value shadows the accessor as an own property, so a detached `const { parse } = schema` keeps working.
 *
 * Call this from a `proto` initializer, which runs once per prototype — never per instance.
 */
function members(proto, table) {
    for (const key in table) {
        const desc = Object.getOwnPropertyDescriptor(table, key);
        // a getter installs as written, so it stays live: `description` reads through to the registry on every access. not enumerable: an object literal's is, and a prototype member never was
        if (desc.get)
            Object.defineProperty(proto, key, { ...desc, enumerable: false });
        // a method materializes bound on first read, which is what keeps a detached member working: `const opt = schema.optional; opt()`
        else
            defineBound(proto, key, desc.value);
    }
}
/** Shadows a prototype member with an own value, so a getter that builds from the instance runs once. */
function own(inst, key, value, enumerable = true) {
    Object.defineProperty(inst, key, { configurable: true, writable: true, enumerable, value });
    return value;
}
/** Like {@link own}, for a member that was never an own data property and has to stay out of `Object.keys`. */
function hide(inst, key, value) {
    return own(inst, key, value, false);
}
/** Adds members a table derives from the instance: each builds on first read and shadows as own data, and assignment shadows the same way, as when these were own properties. */
function derived(computes, table) {
    for (const key in computes) {
        const compute = computes[key];
        // an object literal's accessor is configurable and enumerable, and `members` copies the descriptor as written
        Object.defineProperty(table, key, {
            configurable: true,
            enumerable: true,
            get() {
                return own(this, key, compute(this));
            },
            set(value) {
                own(this, key, value);
            },
        });
    }
    return table;
}
function defineBound(proto, key, fn) {
    Object.defineProperty(proto, key, {
        configurable: true,
        get() {
            // vitest's spyOn calls a prototype getter bare to find the function it wraps, so a nullish receiver answers the raw method
            return this == null ? fn : own(this, key, fn.bind(this));
        },
        set(value) {
            own(this, key, value);
        },
    });
}
/** Returns the prototype to install on, or `undefined` if this group is already installed on it. */
function claim(inst, sentinel) {
    const proto = Object.getPrototypeOf(inst);
    // Runs on every construction, so `in` rather than the costlier `hasOwnProperty.call`. Sentinels are keys the group itself defines.
    return sentinel in proto ? undefined : proto;
}
// The internals whose init chain is installing. A second call for the same one is a derived constructor overriding its base, so it must not construct another schema in between or the override is dropped.
let installing;
// Set while a getter is running, so a value that resolved through a recursion break is not memoized. One shared descriptor shadows the key for the duration, which costs no per-key allocation.
let broke = false;
const breaker = {
    configurable: true,
    get() {
        broke = true;
        return undefined;
    },
};
/**
 * Installs a lazily-derived internal on the `_zod` prototype of `inst`'s
 * constructor, computed from the internals object itself and cached there on
 * first read. One accessor per constructor rather than one per instance.
 */
function defineLazyInternal(inst, key, compute) {
    const proto = Object.getPrototypeOf(inst._zod);
    if (key in proto && installing !== inst._zod) {
        // A repeat construction: everything is installed already. Cleared here so the reference is not held past the first construction of every type.
        installing = undefined;
        return;
    }
    installing = inst._zod;
    Object.defineProperty(proto, key, {
        configurable: true,
        get() {
            // Shadowed before computing so a re-entrant read from a recursive schema resolves to undefined instead of running the getter again.
            Object.defineProperty(this, key, breaker);
            const outer = broke;
            broke = false;
            try {
                const value = compute(this);
                // A result that resolved through a recursion break is recomputed once the graph is complete; everything else memoizes, undefined included.
                if (broke)
                    delete this[key];
                else
                    Object.defineProperty(this, key, { configurable: true, writable: true, value });
                broke = broke || outer;
                return value;
            }
            catch (err) {
                // A compute that threw memoizes nothing, so a later read runs it again and fails the same way. The shadow goes with it, since leaving it installed would answer undefined for every later read.
                delete this[key];
                broke = broke || outer;
                throw err;
            }
        },
        set(value) {
            Object.defineProperty(this, key, { configurable: true, writable: true, value });
        },
    });
}
/**
 * Installs `key` on `inst`'s prototype, computed by `make` on first read and cached there as an own
 * data property. One accessor per constructor rather than one per instance, because an own accessor
 * puts every instance after the first into v8 dictionary mode. The key doubles as the sentinel.
 */
function installLazyProp(inst, key, make, enumerable) {
    const proto = claim(inst, key);
    if (!proto)
        return;
    Object.defineProperty(proto, key, {
        configurable: true,
        get() {
            // Shadowed before computing, so a re-entrant read from a self-referential shape resolves to undefined instead of running the getter again. A data property rather than an accessor: an own accessor is the dictionary-mode transition this exists to avoid.
            const desc = { configurable: true, writable: true, enumerable, value: undefined };
            Object.defineProperty(this, key, desc);
            // a compute that throws leaves the shadow behind, so later reads answer undefined instead of re-throwing; `defineLazy` did the same, and `defineLazyInternal`'s delete-on-catch would cost bytes in every bundle for a case only a throwing user getter reaches
            desc.value = make(this);
            Object.defineProperty(this, key, desc);
            return desc.value;
        },
        set(value) {
            Object.defineProperty(this, key, { configurable: true, writable: true, enumerable, value });
        },
    });
}
/** Marks the thunk `_catch` synthesises for a constant catch value. `Function.length` cannot tell that thunk from a user callback — rest and defaulted parameters both report arity 0 — and a user callback reads `ctx.error`, whose issues only finalize correctly against the caller's per-parse error map. Provenance can say what arity cannot. A plain string key rather than `Symbol.for`, whose call at module scope no bundler can prove pure — the same shape that anchored `urlCanParse` into every build. */
const CONSTANT_CATCH = "~constantCatch";
/** Wraps a constant catch value in a thunk tagged with {@link CONSTANT_CATCH}. */
function constantCatch(value) {
    const fn = () => value;
    fn[CONSTANT_CATCH] = true;
    return fn;
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/core.js
var _a;

/** A special constant with type `never` */
const NEVER = /*@__PURE__*/ Object.freeze({
    status: "aborted",
});
/* Shared descriptor for installing `_zod`; defineProperty reads it
 * synchronously, so reusing one object avoids a per-instance allocation. */
const _zodDesc = { value: undefined, enumerable: false };
// null where suppressing the capture would be unrecoverable: `parse()` puts the frames back with `captureStackTrace`, so without it the throw would lose its stack. also latched to null once `stackTraceLimit` proves unassignable, which a realm can do at any point by hardening Error
let _E = "captureStackTrace" in Error ? Error : null;
// v8 captures a stack trace inside the Error constructor, which dominates a failed parse; costs only the frames, and parse() restores those. the constructor must RUN: Object.create is cheaper and passes instanceof, but Error.isError and util.types.isNativeError check an internal slot
function newError(Definition) {
    const E = _E;
    if (E) {
        const saved = E.stackTraceLimit;
        if (typeof saved === "number") {
            try {
                E.stackTraceLimit = 0;
            }
            catch {
                _E = null;
                return new Definition();
            }
            try {
                return new Definition();
            }
            finally {
                E.stackTraceLimit = saved;
            }
        }
    }
    return new Definition();
}
function $constructor(name, initializer, 
/** This trait's members, installed once on every prototype that composes it. They cannot be declared in the initializer above: that runs per instance, and the prototype is shared. */
proto, params) {
    // Prototype for this constructor's `_zod` internals. Lazily-derived fields (`values`, `pattern`, `optin`, …) install here once rather than as an accessor on every instance.
    const zodProto = {};
    // Assigning the fields in the constructor body is what gives instances in-object slots; building the object literally and reparenting it costs a second allocation and a generic property copy.
    function Internals(def) {
        this.def = def;
        this.constr = _;
        this.traits = new Set();
    }
    Internals.prototype = zodProto;
    const protoMembers = proto;
    // One trait's members land on every prototype whose chain composes it, so the answer is per prototype rather than per trait.
    const initialized = protoMembers && new WeakSet();
    function init(inst, def) {
        if (!inst._zod) {
            _zodDesc.value = new Internals(def);
            try {
                Object.defineProperty(inst, "_zod", _zodDesc);
            }
            finally {
                // Cleared even on throw, so the shared descriptor never leaks one instance's internals into the next.
                _zodDesc.value = undefined;
            }
        }
        else if (inst._zod.traits.has(name)) {
            return;
        }
        inst._zod.traits.add(name);
        initializer(inst, def);
        if (initialized) {
            // `super(def)` from a user subclass gives `this` a prototype the subclass owns, and installing there would overwrite whatever the subclass declared. `constr` built the instance, so its prototype is the one below the subclass's that should carry the members. A receiver whose chain never reaches that prototype installs on its own, which for a plain object handed straight to `init` means `Object.prototype` — unchanged from before.
            const own = Object.getPrototypeOf(inst);
            const ctorProto = inst._zod.constr.prototype;
            let up = own;
            while (up && up !== ctorProto)
                up = Object.getPrototypeOf(up);
            const target = up ?? own;
            if (!initialized.has(target)) {
                initialized.add(target);
                members(target, protoMembers);
            }
        }
        // support prototype modifications; for-in avoids the array allocation of Object.keys on the (usually empty) prototype
        const proto = _.prototype;
        for (const k in proto) {
            if (!Object.prototype.hasOwnProperty.call(proto, k))
                continue;
            if (!(k in inst)) {
                inst[k] = proto[k].bind(inst);
            }
        }
    }
    // doesn't work if Parent has a constructor with arguments
    const Parent = params?.Parent ?? Object;
    class Definition extends Parent {
    }
    Object.defineProperty(Definition, "name", { value: name });
    function _(def) {
        const inst = params?.Parent ? newError(Definition) : this;
        init(inst, def);
        const deferred = inst._zod.deferred;
        if (deferred) {
            for (const fn of deferred) {
                fn();
            }
            // Released: initializers run once, and the list would otherwise be retained for the schema's lifetime.
            inst._zod.deferred = undefined;
        }
        // Global post-processor hook. Internal: installed by `import "zod/compile"` to enable AOT compilation for every constructed schema. Runs last, once the instance is fully built, because it hands the instance to compile(). The post-processor is expected to be reentrancy-guarded by its own implementation.
        const pp = globalThis.__zod_globalConfig?.postProcessor;
        if (pp)
            pp(inst);
        return inst;
    }
    Object.defineProperty(_, "init", { value: init });
    Object.defineProperty(_, Symbol.hasInstance, {
        value: (inst) => {
            if (params?.Parent && inst instanceof params.Parent)
                return true;
            return inst?._zod?.traits?.has(name);
        },
    });
    Object.defineProperty(_, "name", { value: name });
    return _;
}
//////////////////////////////   UTILITIES   ///////////////////////////////////////
const $brand = /*@__PURE__*/ (/* unused pure expression or super */ null && (Symbol("zod_brand")));
class $ZodAsyncError extends Error {
    constructor() {
        super(`Encountered Promise during synchronous parse. Use .parseAsync() instead.`);
    }
}
class $ZodEncodeError extends Error {
    constructor(name) {
        super(`Encountered unidirectional transform during encode: ${name}`);
        this.name = "ZodEncodeError";
    }
}
(_a = globalThis).__zod_globalConfig ?? (_a.__zod_globalConfig = {});
const globalConfig = globalThis.__zod_globalConfig;
function config(newConfig) {
    if (newConfig)
        Object.assign(globalConfig, newConfig);
    return globalConfig;
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/memoizer.js

class $ZodCyclicError extends Error {
    constructor() {
        super(`Cannot parse a reference cycle that closes through a transform`);
        this.name = "ZodCyclicError";
    }
}
/** Keyed off the context object every schema in one parse call already shares. */
const STATE = "~memo";
const NO_ISSUES = [];
// a value a cycle can close through
function isRef(value) {
    return value !== null && typeof value === "object";
}
// Receivers prefix paths in place, so the cache and every hand-out need their own copies.
function cloneIssues(issues) {
    return issues.map((iss) => (iss.path ? { ...iss, path: iss.path.slice() } : { ...iss }));
}
const recursive = /*@__PURE__*/ new WeakMap();
/** What the walk established, in order of certainty: ordered so the strongest answer among children wins. */
const NONE = 0;
const ASSUMED = 1;
const PROVEN = 2;
/** Whether this schema's subtree contains a cycle, so one parse can re-enter it. */
function isRecursive(inst, stack, resolve) {
    const cached = recursive.get(inst);
    if (cached !== undefined)
        return cached ? PROVEN : NONE;
    // Relative to the walk in progress, so not cached.
    if (stack.has(inst))
        return PROVEN;
    stack.add(inst);
    let result = NONE;
    const check = (child) => {
        if (result !== PROVEN && child?._zod) {
            const answer = isRecursive(child, stack, resolve);
            if (answer > result)
                result = answer;
        }
    };
    // `Reflect.ownKeys` rather than `Object.keys`, so a cycle through a declared symbol key is still seen
    const shape = (sh, spread) => {
        let answer = NONE;
        for (const key of Reflect.ownKeys(sh)) {
            const desc = Object.getOwnPropertyDescriptor(sh, key);
            // an object resolves its shape by spread, so a key it does not enumerate is never parsed; `z.properties` reads every own key and so keeps them all
            if (spread && !desc.enumerable)
                continue;
            // resolving runs user code, and a factory mints a fresh subtree per read, so an edge the walk can't follow counts as a cycle
            const child = desc.get ? ASSUMED : desc.value?._zod ? isRecursive(desc.value, stack, resolve) : NONE;
            if (child > answer)
                answer = child;
        }
        return answer;
    };
    const merge = (answer) => {
        if (answer > result)
            result = answer;
    };
    const def = inst._zod.def;
    const kind = def.type;
    switch (kind) {
        case "object": {
            const raw = rawShape(def);
            // a def with no raw shape answers `shape` from an accessor of its own, and running that can mint a whole fresh subtree
            merge(raw ? shape(raw, true) : ASSUMED);
            check(def.catchall);
            break;
        }
        case "array":
            check(def.element);
            break;
        case "tuple":
            for (const el of def.items)
                check(el);
            check(def.rest);
            break;
        case "record":
        case "map":
            check(def.keyType);
            check(def.valueType);
            break;
        case "set":
            check(def.valueType);
            break;
        case "union":
            for (const el of def.options)
                check(el);
            break;
        case "intersection":
            check(def.left);
            check(def.right);
            break;
        case "optional":
        case "nullable":
        case "default":
        case "prefault":
        case "catch":
        case "readonly":
        case "nonoptional":
        case "promise":
        case "success":
            check(def.innerType);
            break;
        case "pipe":
            check(def.in);
            check(def.out);
            break;
        case "function":
            check(def.input);
            check(def.output);
            break;
        // `$ZodLazy` caches its inner on the def, so a resolved edge is followed exactly
        case "lazy": {
            const inner = def._cachedInner ?? (resolve ? inst._zod.innerType : undefined);
            // walked with resolution off: one hop sees past the deferral, and a lazy that yields only another unresolved lazy is generative, so it stops there
            merge(inner ? isRecursive(inner, stack, false) : ASSUMED);
            break;
        }
        // a leaf by choice: `parts` are regex fragments, not data positions
        case "template_literal":
        // leaves
        case "string":
        case "number":
        case "int":
        case "boolean":
        case "bigint":
        case "symbol":
        case "undefined":
        case "null":
        case "void":
        case "never":
        case "any":
        case "unknown":
        case "date":
        case "nan":
        case "enum":
        case "literal":
        case "file":
        case "transform":
        case "custom":
            break;
        default: {
            // a new built-in kind becomes a compile error here
            kind;
            // a user-defined kind can still hold children, and only its author knows where, so fall back to scanning the def — skipping accessors, since reading one can run user code
            for (const key in def) {
                const desc = Object.getOwnPropertyDescriptor(def, key);
                if (!desc || desc.get)
                    continue;
                const value = desc.value;
                if (!value || typeof value !== "object")
                    continue;
                if (value._zod)
                    check(value);
                else if (Array.isArray(value))
                    for (const el of value)
                        check(el);
            }
        }
    }
    stack.delete(inst);
    return settle(inst, result);
}
/** An assumed answer must not outlive the resolution that settles it, so only a certain one is cached. */
function settle(inst, answer) {
    if (answer !== ASSUMED)
        recursive.set(inst, answer === PROVEN);
    return answer;
}
/**
 * Whether one parse can re-enter this schema, i.e. its subtree contains a cycle.
 * Exported for `z.compile`, which refuses to compile such a schema: cycle
 * breaking is driven from here off state keyed on the parse context, and a
 * generated fast path has no context to key on.
 */
function isRecursiveSchema(inst) {
    // z.compile never parses, so nothing would ever resolve a lazy for it; it runs once and already treats a throw here as recursive
    return isRecursive(inst, new Set(), true) !== NONE;
}
function bucketFor(state, inst) {
    let bucket = state.buckets.get(inst);
    if (!bucket) {
        bucket = new WeakMap();
        state.buckets.set(inst, bucket);
    }
    return bucket;
}
// Set immediately before delegating to core and cleared immediately after, so `alloc` registers only for a visit this module is driving.
let handoff;
// Allocated but unfinished entries. `alloc` and the matching pop both happen in the synchronous part of a parse, so they nest even when children are async, and one stack serves every schema.
const memoizer_open = [];
const memo = {
    alloc(_inst, payload, empty) {
        const bucket = handoff;
        if (!bucket)
            return empty;
        handoff = undefined;
        const entry = { value: empty, issues: null };
        bucket.set(payload.value, entry);
        memoizer_open.push(entry);
        return empty;
    },
    guard(inst) {
        var _a;
        (_a = inst._zod).deferred ?? (_a.deferred = []);
        inst._zod.deferred.push(() => {
            const base = inst._zod.parse;
            const wrapped = (payload, ctx) => {
                // The value is a placeholder a back-edge is still waiting on, so the cycle closes through this transform. Its output can't exist in time to bind.
                if (ctx.direction !== "backward" && isBackEdge(ctx, payload.value))
                    throw new $ZodCyclicError();
                return base(payload, ctx);
            };
            inst._zod.parse = wrapped;
            if (inst._zod.run === base)
                inst._zod.run = wrapped;
        });
    },
    attach(inst) {
        var _a;
        let isRecursiveInst;
        let rechecked = false;
        // a recursive schema is re-entered many times per parse and its bucket never changes
        let lastCtx;
        let lastBucket;
        // Wraps `parse` in a deferred so it sees the container's final parse. Core's own deferred copies `parse` into `run` when there are no checks, and it ran first, so `run` is patched to match; with checks, `run` reads `parse` dynamically.
        (_a = inst._zod).deferred ?? (_a.deferred = []);
        inst._zod.deferred.push(() => {
            const base = inst._zod.parse;
            const wrapped = (payload, ctx) => {
                if (isRecursiveInst === undefined) {
                    const walked = isRecursive(inst, new Set(), false);
                    if (walked === NONE) {
                        // Nothing here can ever fire, so take it back out.
                        inst._zod.parse = base;
                        if (inst._zod.run === wrapped)
                            inst._zod.run = base;
                        return base(payload, ctx);
                    }
                    // this parse resolves the deferred edges on its own path, so ask once more before latching
                    if (walked === PROVEN || rechecked)
                        isRecursiveInst = true;
                    else
                        rechecked = true;
                }
                const input = payload.value;
                if (!isRef(input))
                    return base(payload, ctx);
                let state = ctx[STATE];
                if (!state) {
                    state = { buckets: new WeakMap(), backEdges: undefined };
                    ctx[STATE] = state;
                }
                let bucket;
                if (lastCtx === ctx) {
                    bucket = lastBucket;
                }
                else {
                    bucket = bucketFor(state, inst);
                    lastCtx = ctx;
                    lastBucket = bucket;
                }
                const hit = bucket.get(input);
                if (hit) {
                    payload.value = hit.value;
                    if (hit.issues) {
                        if (hit.issues.length)
                            payload.issues.push(...cloneIssues(hit.issues));
                    }
                    else {
                        // Still being parsed: its own checks cover it, so skip them here.
                        payload.memo = true;
                        state.backEdges ?? (state.backEdges = new WeakSet());
                        state.backEdges.add(hit.value);
                    }
                    return payload;
                }
                handoff = bucket;
                const depth = memoizer_open.length;
                const result = base(payload, ctx);
                handoff = undefined;
                // A container that rejected its input outright allocated nothing.
                const entry = memoizer_open.length > depth ? memoizer_open.pop() : undefined;
                // Both paths written out so the sync one allocates no closure. It runs once per node, and capturing here cost more than everything else combined.
                if (result instanceof Promise) {
                    return result.then((r) => {
                        if (entry)
                            entry.issues = r.issues.length ? cloneIssues(r.issues) : NO_ISSUES;
                        return r;
                    });
                }
                if (entry)
                    entry.issues = result.issues.length ? cloneIssues(result.issues) : NO_ISSUES;
                return result;
            };
            inst._zod.parse = wrapped;
            if (inst._zod.run === base)
                inst._zod.run = wrapped;
        });
    },
};
/** The memoizer that gives containers cycle support. `zod` installs it by default; `zod/mini` opts in with `config({ memoizer: memoizer() })`. */
function memoizer() {
    return memo;
}
/** Whether this value is a node a back-edge resolved to before it finished. */
function isBackEdge(ctx, value) {
    const backEdges = ctx[STATE]?.backEdges;
    return backEdges !== undefined && isRef(value) && backEdges.has(value);
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/regexes.js

/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link cuid2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
const cuid = /^[cC][0-9a-z]{6,}$/;
const cuid2 = /^[0-9a-z]+$/;
const ulid = /^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$/;
const xid = /^[0-9a-vA-V]{20}$/;
const ksuid = /^[A-Za-z0-9]{27}$/;
const nanoid = /^[a-zA-Z0-9_-]{21}$/;
function nanoidOfLength(length) {
    return new RegExp(`^[a-zA-Z0-9_-]{${length}}$`);
}
/** ISO 8601-1 duration regex. Does not support the 8601-2 extensions like negative durations or fractional/negative components. */
const duration = /^P(?:(\d+W)|(?!.*W)(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+([.,]\d+)?S)?)?)$/;
/** Implements ISO 8601-2 extensions like explicit +- prefixes, mixing weeks with other units, and fractional/negative components. */
const extendedDuration = /^[-+]?P(?!$)(?:(?:[-+]?\d+Y)|(?:[-+]?\d+[.,]\d+Y$))?(?:(?:[-+]?\d+M)|(?:[-+]?\d+[.,]\d+M$))?(?:(?:[-+]?\d+W)|(?:[-+]?\d+[.,]\d+W$))?(?:(?:[-+]?\d+D)|(?:[-+]?\d+[.,]\d+D$))?(?:T(?=[\d+-])(?:(?:[-+]?\d+H)|(?:[-+]?\d+[.,]\d+H$))?(?:(?:[-+]?\d+M)|(?:[-+]?\d+[.,]\d+M$))?(?:[-+]?\d+(?:[.,]\d+)?S)?)??$/;
/** A regex for any UUID-like identifier: 8-4-4-4-12 hex pattern */
const guid = /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;
/** Returns a regex for validating an RFC 9562/4122 UUID.
 *
 * @param version Optionally specify a version 1-8. If no version is specified, all versions are supported. */
const uuid = (version) => {
    if (!version)
        return /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;
    return new RegExp(`^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-${version}[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12})$`);
};
const uuid4 = /*@__PURE__*/ (/* unused pure expression or super */ null && (uuid(4)));
const uuid6 = /*@__PURE__*/ (/* unused pure expression or super */ null && (uuid(6)));
const uuid7 = /*@__PURE__*/ (/* unused pure expression or super */ null && (uuid(7)));
/** Practical email validation */
const email = /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/;
/** Equivalent to the HTML5 input[type=email] validation implemented by browsers. Source: https://developer.mozilla.org/en-US/docs/Web/HTML/Element/input/email */
const html5Email = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
/** The classic emailregex.com regex for RFC 5322-compliant emails */
const rfc5322Email = /^(([^<>()\[\]\\.,;:\s@"]+(\.[^<>()\[\]\\.,;:\s@"]+)*)|(".+"))@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))$/;
/** A loose regex that allows Unicode characters, enforces length limits, and that's about it. */
const unicodeEmail = /^[^\s@"]{1,64}@[^\s@]{1,255}$/u;
const idnEmail = (/* unused pure expression or super */ null && (unicodeEmail));
const browserEmail = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
// from https://thekevinscott.com/emojis-in-javascript/#writing-a-regular-expression
// Single character class, not an alternation: the two properties overlap (U+1F9B0-U+1F9B3), so `(A|B)+` backtracks exponentially on a failed match. The leading lookahead then demands one anchor — a pictograph, a regional indicator, or the enclosing keycap — because `\p{Emoji_Component}` on its own covers ASCII digits, `#`, `*`, ZWJ, variation selectors and skin tone modifiers, none of which is an emoji without a base.
const _emoji = `^(?=[\\s\\S]*[\\p{Extended_Pictographic}\\p{Regional_Indicator}\\u20E3])[\\p{Extended_Pictographic}\\p{Emoji_Component}]+$`;
function emoji() {
    return new RegExp(_emoji, "u");
}
const ipv4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$/;
const ipv6 = /^(([0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:))$/;
const mac = (delimiter) => {
    const escapedDelim = util.escapeRegex(delimiter ?? ":");
    return new RegExp(`^(?:[0-9A-F]{2}${escapedDelim}){5}[0-9A-F]{2}$|^(?:[0-9a-f]{2}${escapedDelim}){5}[0-9a-f]{2}$`);
};
const cidrv4 = /^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\/([0-9]|[1-2][0-9]|3[0-2])$/;
const cidrv6 = /^(([0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:))\/(12[0-8]|1[01][0-9]|[1-9]?[0-9])$/;
// https://stackoverflow.com/questions/7860392/determine-if-string-is-in-base64-using-javascript
const base64 = /^$|^(?:[0-9a-zA-Z+/]{4})*(?:(?:[0-9a-zA-Z+/]{2}==)|(?:[0-9a-zA-Z+/]{3}=))?$/;
const base64url = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$/;
// based on https://stackoverflow.com/questions/106179/regular-expression-to-match-dns-hostname-or-ip-address
// export const hostname: RegExp = /^([a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+$/;
const hostname = /^(?=.{1,253}\.?$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[-0-9a-zA-Z]{0,61}[0-9a-zA-Z])?)*\.?$/;
const domain = /^(?=.{1,253}$)([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$/;
const httpProtocol = /^https?$/;
// https://blog.stevenlevithan.com/archives/validate-phone-number#r4-3 (regex sans spaces) E.164: leading digit must be 1-9; total digits (excluding '+') between 7-15
const e164 = /^\+[1-9]\d{6,14}$/;
// Credit card shape: 12–19 digits, optionally separated by single spaces or single hyphens. ISO/IEC 7812 caps the PAN at 19 digits; 12 is the shortest issued length (Maestro).
const creditCard = /^\d(?:[ -]?\d){11,18}$/;
// ISO 4217 alpha codes from the SIX list, regenerated by scripts/update-iso-4217.ts
const currencyCode = /^(?:AED|AFN|ALL|AMD|AOA|ARS|AUD|AWG|AZN|BAM|BBD|BDT|BHD|BIF|BMD|BND|BOB|BOV|BRL|BSD|BTN|BWP|BYN|BZD|CAD|CDF|CHE|CHF|CHW|CLF|CLP|CNY|COP|COU|CRC|CUP|CVE|CZK|DJF|DKK|DOP|DZD|EGP|ERN|ETB|EUR|FJD|FKP|GBP|GEL|GHS|GIP|GMD|GNF|GTQ|GYD|HKD|HNL|HTG|HUF|IDR|ILS|INR|IQD|IRR|ISK|JMD|JOD|JPY|KES|KGS|KHR|KMF|KPW|KRW|KWD|KYD|KZT|LAK|LBP|LKR|LRD|LSL|LYD|MAD|MDL|MGA|MKD|MMK|MNT|MOP|MRU|MUR|MVR|MWK|MXN|MXV|MYR|MZN|NAD|NGN|NIO|NOK|NPR|NZD|OMR|PAB|PEN|PGK|PHP|PKR|PLN|PYG|QAR|RON|RSD|RUB|RWF|SAR|SBD|SCR|SDG|SEK|SGD|SHP|SLE|SOS|SRD|SSP|STN|SVC|SYP|SZL|THB|TJS|TMT|TND|TOP|TRY|TTD|TWD|TZS|UAH|UGX|USD|USN|UYI|UYU|UYW|UZS|VED|VES|VND|VUV|WST|XAD|XAF|XAG|XAU|XBA|XBB|XBC|XBD|XCD|XCG|XDR|XOF|XPD|XPF|XPT|XSU|XTS|XUA|XXX|YER|ZAR|ZMW|ZWG)$/;
// iban electronic format: 2-letter country, check digits 02-98 (the only values `98 - remainder` can produce), 11-30 bban characters
const iban = /^[A-Z]{2}(?!00|01|99)\d{2}[A-Z0-9]{11,30}$/;
const dateSource = `(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))`;
/** Anchors a pattern source. The interpolation lives here rather than at the call site because
 * esbuild will not drop a `@__PURE__` call whose own argument interpolates a variable, but it
 * will drop `anchor(dateSource)`. Keeping it inline pinned `date` into every bundle. */
function regexes_anchor(source) {
    return new RegExp(`^${source}$`);
}
const date = /*@__PURE__*/ regexes_anchor(dateSource);
function timeSource(args) {
    const hhmm = `(?:[01]\\d|2[0-3]):[0-5]\\d`;
    const regex = typeof args.precision === "number"
        ? args.precision === -1
            ? `${hhmm}`
            : args.precision === 0
                ? `${hhmm}:[0-5]\\d`
                : `${hhmm}:[0-5]\\d\\.\\d{${args.precision}}`
        : args.seconds
            ? `${hhmm}:[0-5]\\d(?:\\.\\d+)?`
            : `${hhmm}(?::[0-5]\\d(?:\\.\\d+)?)?`;
    return regex;
}
function time(args) {
    return new RegExp(`^${timeSource(args)}$`);
}
// Adapted from https://stackoverflow.com/a/3143231
function datetime(args) {
    const opts = ["Z"];
    // if (args.offset) opts.push(`([+-]\\d{2}:\\d{2})`);
    if (args.offset)
        opts.push(`([+-](?:[01]\\d|2[0-3]):[0-5]\\d)`);
    // RFC 3339 mandates seconds wherever the time carries a `Z` or an offset, so only the unqualified form `local` adds may omit them
    const qualified = `${timeSource({ precision: args.precision, seconds: true })}(?:${opts.join("|")})`;
    const timeRegex = args.local ? `${qualified}|${timeSource({ precision: args.precision })}` : qualified;
    return new RegExp(`^${dateSource}T(?:${timeRegex})$`);
}
// the unbounded form of `string()` as a literal, so every plain string shares one instance instead of building its own
const anyString = /^[\s\S]{0,}$/;
const string = (params) => {
    const regex = params ? `[\\s\\S]{${params?.minimum ?? 0},${params?.maximum ?? ""}}` : `[\\s\\S]*`;
    return new RegExp(`^${regex}$`);
};
const bigint = /^-?\d+n?$/;
const integer = /^-?\d+$/;
const number = /^-?\d+(?:\.\d+)?$/;
const regexes_boolean = /^(?:true|false)$/i;
const _null = /^null$/i;

const _undefined = /^undefined$/i;

// regex for string with no uppercase letters
const lowercase = /^[^A-Z]*$/;
// regex for string with no lowercase letters
const uppercase = /^[^a-z]*$/;
// regex for hexadecimal strings (any length)
const hex = /^[0-9a-fA-F]*$/;
// Hash regexes for different algorithms and encodings
// Helper function to create base64 regex with exact length and padding
function fixedBase64(bodyLength, padding) {
    return new RegExp(`^[A-Za-z0-9+/]{${bodyLength}}${padding}$`);
}
// Helper function to create base64url regex with exact length (no padding)
function fixedBase64url(length) {
    return new RegExp(`^[A-Za-z0-9_-]{${length}}$`);
}
// MD5 (16 bytes): base64 = 24 chars total (22 + "==")
const md5_hex = /^[0-9a-fA-F]{32}$/;
const md5_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(22, "==")));
const md5_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(22)));
// SHA1 (20 bytes): base64 = 28 chars total (27 + "=")
const sha1_hex = /^[0-9a-fA-F]{40}$/;
const sha1_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(27, "=")));
const sha1_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(27)));
// SHA256 (32 bytes): base64 = 44 chars total (43 + "=")
const sha256_hex = /^[0-9a-fA-F]{64}$/;
const sha256_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(43, "=")));
const sha256_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(43)));
// SHA384 (48 bytes): base64 = 64 chars total (no padding)
const sha384_hex = /^[0-9a-fA-F]{96}$/;
const sha384_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(64, "")));
const sha384_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(64)));
// SHA512 (64 bytes): base64 = 88 chars total (86 + "==")
const sha512_hex = /^[0-9a-fA-F]{128}$/;
const sha512_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(86, "==")));
const sha512_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(86)));

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/checks.js
// import { $ZodType } from "./schemas.js";



const $ZodCheck = /*@__PURE__*/ $constructor("$ZodCheck", (inst, def) => {
    var _a;
    inst._zod ?? (inst._zod = {});
    inst._zod.def = def;
    (_a = inst._zod).onattach ?? (_a.onattach = []);
});
/** Default `when` for size-based checks: run only on non-nullish values with a `size`. */
const _whenHasSize = (payload) => {
    const val = payload.value;
    return !util.nullish(val) && val.size !== undefined;
};
/** Default `when` for length-based checks: run only on non-nullish values with a `length`. */
const _whenHasLength = (payload) => {
    const val = payload.value;
    return !nullish(val) && val.length !== undefined;
};
const numericOriginMap = {
    number: "number",
    bigint: "bigint",
    object: "date",
};
const $ZodCheckLessThan = /*@__PURE__*/ $constructor("$ZodCheckLessThan", (inst, def) => {
    $ZodCheck.init(inst, def);
    const origin = numericOriginMap[typeof def.value];
    inst._zod.check = (payload) => {
        if (def.inclusive ? payload.value <= def.value : payload.value < def.value) {
            return;
        }
        payload.issues.push({
            origin: numericOriginMap[typeof payload.value] ?? origin,
            code: "too_big",
            maximum: typeof def.value === "object" ? def.value.getTime() : def.value,
            input: payload.value,
            inclusive: def.inclusive,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckGreaterThan = /*@__PURE__*/ $constructor("$ZodCheckGreaterThan", (inst, def) => {
    $ZodCheck.init(inst, def);
    const origin = numericOriginMap[typeof def.value];
    inst._zod.check = (payload) => {
        if (def.inclusive ? payload.value >= def.value : payload.value > def.value) {
            return;
        }
        payload.issues.push({
            origin: numericOriginMap[typeof payload.value] ?? origin,
            code: "too_small",
            minimum: typeof def.value === "object" ? def.value.getTime() : def.value,
            input: payload.value,
            inclusive: def.inclusive,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckMultipleOf = 
/*@__PURE__*/ $constructor("$ZodCheckMultipleOf", (inst, def) => {
    $ZodCheck.init(inst, def);
    inst._zod.check = (payload) => {
        if (typeof payload.value !== typeof def.value)
            throw new Error("Cannot mix number and bigint in multiple_of check.");
        const isMultiple = typeof payload.value === "bigint"
            ? // `value % 0n` throws, and nothing is a multiple of zero — the number branch already fails this way via NaN
                def.value !== BigInt(0) && payload.value % def.value === BigInt(0)
            : floatSafeRemainder(payload.value, def.value) === 0;
        if (isMultiple)
            return;
        payload.issues.push({
            origin: typeof payload.value,
            code: "not_multiple_of",
            divisor: def.value,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckNumberFormat = /*@__PURE__*/ $constructor("$ZodCheckNumberFormat", (inst, def) => {
    $ZodCheck.init(inst, def); // no format checks
    def.format = def.format || "float64";
    const isInt = def.format?.includes("int");
    const origin = isInt ? "int" : "number";
    const [minimum, maximum] = NUMBER_FORMAT_RANGES[def.format];
    inst._zod.check = (payload) => {
        const input = payload.value;
        if (isInt) {
            if (!Number.isInteger(input)) {
                // invalid_format issue
                // payload.issues.push({
                //   expected: def.format,
                //   format: def.format,
                //   code: "invalid_format",
                //   input,
                //   inst,
                // });
                // invalid_type issue
                payload.issues.push({
                    expected: origin,
                    format: def.format,
                    code: "invalid_type",
                    continue: false,
                    input,
                    inst,
                });
                return;
                // not_multiple_of issue
                // payload.issues.push({
                //   code: "not_multiple_of",
                //   origin: "number",
                //   input,
                //   inst,
                //   divisor: 1,
                // });
            }
            if (!Number.isSafeInteger(input)) {
                if (input > 0) {
                    // too_big
                    payload.issues.push({
                        input,
                        code: "too_big",
                        maximum: Number.MAX_SAFE_INTEGER,
                        note: "Integers must be within the safe integer range.",
                        inst,
                        origin,
                        inclusive: true,
                        continue: !def.abort,
                    });
                }
                else {
                    // too_small
                    payload.issues.push({
                        input,
                        code: "too_small",
                        minimum: Number.MIN_SAFE_INTEGER,
                        note: "Integers must be within the safe integer range.",
                        inst,
                        origin,
                        inclusive: true,
                        continue: !def.abort,
                    });
                }
                return;
            }
        }
        if (input < minimum) {
            payload.issues.push({
                origin: "number",
                input,
                code: "too_small",
                minimum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
        if (input > maximum) {
            payload.issues.push({
                origin: "number",
                input,
                code: "too_big",
                maximum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
    };
});
const $ZodCheckBigIntFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckBigIntFormat", (inst, def) => {
    $ZodCheck.init(inst, def); // no format checks
    const [minimum, maximum] = util.BIGINT_FORMAT_RANGES[def.format];
    inst._zod.check = (payload) => {
        const input = payload.value;
        if (input < minimum) {
            payload.issues.push({
                origin: "bigint",
                input,
                code: "too_small",
                minimum: minimum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
        if (input > maximum) {
            payload.issues.push({
                origin: "bigint",
                input,
                code: "too_big",
                maximum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
    };
})));
const $ZodCheckMaxSize = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckMaxSize", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasSize);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const size = input.size;
        if (size <= def.maximum)
            return;
        payload.issues.push({
            origin: util.getSizableOrigin(input),
            code: "too_big",
            maximum: def.maximum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckMinSize = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckMinSize", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasSize);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const size = input.size;
        if (size >= def.minimum)
            return;
        payload.issues.push({
            origin: util.getSizableOrigin(input),
            code: "too_small",
            minimum: def.minimum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckSizeEquals = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckSizeEquals", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasSize);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const size = input.size;
        if (size === def.size)
            return;
        const tooBig = size > def.size;
        payload.issues.push({
            origin: util.getSizableOrigin(input),
            ...(tooBig ? { code: "too_big", maximum: def.size } : { code: "too_small", minimum: def.size }),
            inclusive: true,
            exact: true,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckMaxLength = /*@__PURE__*/ $constructor("$ZodCheckMaxLength", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasLength);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const units = input.length;
        // Strings are measured in Unicode code points, not UTF-16 units. A code point is at most two units, so a string that already fits in units fits in code points; only an overflow has to be counted.
        const length = typeof input === "string" && units > def.maximum ? codePointLength(input) : units;
        if (length <= def.maximum)
            return;
        const origin = getLengthableOrigin(input);
        payload.issues.push({
            origin,
            code: "too_big",
            maximum: def.maximum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckMinLength = /*@__PURE__*/ $constructor("$ZodCheckMinLength", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasLength);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const units = input.length;
        // A code point is one or two UTF-16 units, so fewer units than the floor can never reach it and twice the floor always clears it. Only in between is the exact count in doubt.
        const length = typeof input === "string" && units >= def.minimum && units < def.minimum * 2
            ? codePointLength(input)
            : units;
        if (length >= def.minimum)
            return;
        const origin = getLengthableOrigin(input);
        payload.issues.push({
            origin,
            code: "too_small",
            minimum: def.minimum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckLengthEquals = /*@__PURE__*/ $constructor("$ZodCheckLengthEquals", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasLength);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const units = input.length;
        // A code point is one or two UTF-16 units, so outside `[length, length * 2]` units the target is missed either way — and missed in the same direction in both measures.
        const length = typeof input === "string" && units >= def.length && units <= def.length * 2
            ? codePointLength(input)
            : units;
        if (length === def.length)
            return;
        const origin = getLengthableOrigin(input);
        const tooBig = length > def.length;
        payload.issues.push({
            origin,
            ...(tooBig ? { code: "too_big", maximum: def.length } : { code: "too_small", minimum: def.length }),
            inclusive: true,
            exact: true,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckStringFormat = /*@__PURE__*/ $constructor("$ZodCheckStringFormat", (inst, def) => {
    var _a, _b;
    $ZodCheck.init(inst, def);
    if (def.pattern)
        (_a = inst._zod).check ?? (_a.check = (payload) => {
            def.pattern.lastIndex = 0;
            if (def.pattern.test(payload.value))
                return;
            payload.issues.push({
                origin: "string",
                code: "invalid_format",
                format: def.format,
                input: payload.value,
                ...(def.pattern ? { pattern: def.pattern.toString() } : {}),
                inst,
                continue: !def.abort,
            });
        });
    else
        (_b = inst._zod).check ?? (_b.check = () => { });
});
const $ZodCheckRegex = /*@__PURE__*/ $constructor("$ZodCheckRegex", (inst, def) => {
    $ZodCheckStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        def.pattern.lastIndex = 0;
        if (def.pattern.test(payload.value))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "regex",
            input: payload.value,
            pattern: def.pattern.toString(),
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckLowerCase = /*@__PURE__*/ $constructor("$ZodCheckLowerCase", (inst, def) => {
    def.pattern ?? (def.pattern = lowercase);
    $ZodCheckStringFormat.init(inst, def);
});
const $ZodCheckUpperCase = /*@__PURE__*/ $constructor("$ZodCheckUpperCase", (inst, def) => {
    def.pattern ?? (def.pattern = uppercase);
    $ZodCheckStringFormat.init(inst, def);
});
const $ZodCheckIncludes = /*@__PURE__*/ $constructor("$ZodCheckIncludes", (inst, def) => {
    $ZodCheck.init(inst, def);
    const escapedRegex = escapeRegex(def.includes);
    // `String.prototype.includes(sub, position)` matches `sub` at `position`
    // OR LATER, so the pattern must allow at least `position` leading chars
    // (`{N,}`), not exactly `position` chars (`{N}`).
    const pattern = new RegExp(typeof def.position === "number" ? `^.{${def.position},}${escapedRegex}` : escapedRegex);
    def.pattern = pattern;
    inst._zod.check = (payload) => {
        if (payload.value.includes(def.includes, def.position))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "includes",
            includes: def.includes,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckStartsWith = /*@__PURE__*/ $constructor("$ZodCheckStartsWith", (inst, def) => {
    $ZodCheck.init(inst, def);
    const pattern = new RegExp(`^${escapeRegex(def.prefix)}.*`);
    def.pattern ?? (def.pattern = pattern);
    inst._zod.check = (payload) => {
        if (payload.value.startsWith(def.prefix))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "starts_with",
            prefix: def.prefix,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckEndsWith = /*@__PURE__*/ $constructor("$ZodCheckEndsWith", (inst, def) => {
    $ZodCheck.init(inst, def);
    const pattern = new RegExp(`.*${escapeRegex(def.suffix)}$`);
    def.pattern ?? (def.pattern = pattern);
    inst._zod.check = (payload) => {
        if (payload.value.endsWith(def.suffix))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "ends_with",
            suffix: def.suffix,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
///////////////////////////////////
/////    $ZodCheckProperty    /////
///////////////////////////////////
function handleCheckPropertyResult(result, payload, property) {
    if (result.issues.length) {
        payload.issues.push(...prefixIssues(property, result.issues));
    }
}
const $ZodCheckProperty = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckProperty", (inst, def) => {
    $ZodCheck.init(inst, def);
    inst._zod.check = (payload) => {
        const result = def.schema._zod.run({
            value: payload.value[def.property],
            issues: [],
        }, {});
        if (result instanceof Promise) {
            return result.then((result) => handleCheckPropertyResult(result, payload, def.property));
        }
        handleCheckPropertyResult(result, payload, def.property);
        return;
    };
})));
const $ZodCheckProperties = /*@__PURE__*/ $constructor("$ZodCheckProperties", (inst, def) => {
    $ZodCheck.init(inst, def);
    hide(inst, Symbol.iterator, function* () {
        yield inst;
    });
    // key and schema snapshotted together: reading one live and the other cached lets a later mutation of the caller's shape object pair a stale key with a missing schema
    let entries;
    inst._zod.check = (payload) => {
        // the base schema already typed the value, so only a nullish one is rejected here: the properties read on a primitive too, matching z.property() on a string's length
        if (payload.value == null) {
            payload.issues.push({ expected: "object", code: "invalid_type", input: payload.value, inst });
            return undefined;
        }
        entries ?? (entries = Reflect.ownKeys(def.shape).map((key) => [key, def.shape[key]]));
        const input = payload.value;
        let proms;
        for (const [key, schema] of entries) {
            const result = schema._zod.run({ value: input[key], issues: [] }, {});
            if (result instanceof Promise) {
                proms ?? (proms = []);
                proms.push(result.then((result) => handleCheckPropertyResult(result, payload, key)));
            }
            else {
                handleCheckPropertyResult(result, payload, key);
            }
        }
        if (proms)
            return Promise.all(proms).then(() => undefined);
        return undefined;
    };
});
const $ZodCheckMimeType = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckMimeType", (inst, def) => {
    $ZodCheck.init(inst, def);
    const mimeSet = new Set(def.mime);
    inst._zod.check = (payload) => {
        if (mimeSet.has(payload.value.type))
            return;
        payload.issues.push({
            code: "invalid_value",
            values: def.mime,
            input: payload.value.type,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckOverwrite = /*@__PURE__*/ $constructor("$ZodCheckOverwrite", (inst, def) => {
    $ZodCheck.init(inst, def);
    inst._zod.check = (payload) => {
        payload.value = def.tx(payload.value);
    };
});

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/doc.js
class Doc {
    constructor(args = [], closed = {}) {
        this.content = [];
        this.indent = 0;
        this.args = args;
        this.closed = closed;
    }
    // the compiler catches a child's throw and keeps writing into this doc, so the indent has to unwind with it
    indented(fn) {
        this.indent += 1;
        try {
            fn(this);
        }
        finally {
            this.indent -= 1;
        }
    }
    write(arg) {
        if (typeof arg === "function") {
            arg(this, { execution: "sync" });
            arg(this, { execution: "async" });
            return;
        }
        const content = arg;
        const lines = content.split("\n").filter((x) => x);
        const minIndent = Math.min(...lines.map((x) => x.length - x.trimStart().length));
        const dedented = lines.map((x) => x.slice(minIndent)).map((x) => " ".repeat(this.indent * 2) + x);
        for (const line of dedented) {
            this.content.push(line);
        }
    }
    compile() {
        const F = Function;
        const content = this?.content ?? [``];
        const factory = new F(...Object.keys(this.closed), `return function (${this.args.join(", ")}) {\n${content.join("\n")}\n};`);
        return factory(...Object.values(this.closed));
    }
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/versions.js
const version = {
    major: 4,
    minor: 6,
    patch: 7,
};

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/schemas.js







const $ZodType = /*@__PURE__*/ $constructor("$ZodType", (inst, def) => {
    var _a;
    inst ?? (inst = {});
    inst._zod.def = def; // set _def property
    inst._zod.bag = inst._zod.bag || {}; // initialize _bag object
    inst._zod.version = version;
    const defChecks = inst._zod.def.checks;
    // if inst is itself a checks.$ZodCheck, run it as a check
    const checks = inst._zod.traits.has("$ZodCheck")
        ? [inst, ...(defChecks ?? [])]
        : defChecks?.length
            ? [...defChecks]
            : [];
    for (const ch of checks) {
        for (const fn of ch._zod.onattach) {
            fn(inst);
        }
    }
    if (checks.length === 0) {
        // deferred initializer inst._zod.parse is not yet defined
        (_a = inst._zod).deferred ?? (_a.deferred = []);
        inst._zod.deferred?.push(() => {
            inst._zod.run = inst._zod.parse;
        });
    }
    else {
        const runChecks = (payload, checks, ctx) => {
            if (payload.memo)
                return payload;
            let isAborted = aborted(payload);
            let asyncResult;
            for (const ch of checks) {
                if (ch._zod.def.when) {
                    if (explicitlyAborted(payload))
                        continue;
                    const shouldRun = ch._zod.def.when(payload);
                    if (!shouldRun)
                        continue;
                }
                else if (isAborted) {
                    continue;
                }
                const currLen = payload.issues.length;
                const _ = ch._zod.check(payload);
                if (_ instanceof Promise && ctx?.async === false) {
                    throw new $ZodAsyncError();
                }
                if (asyncResult || _ instanceof Promise) {
                    asyncResult = (asyncResult ?? Promise.resolve()).then(async () => {
                        await _;
                        const nextLen = payload.issues.length;
                        if (nextLen === currLen)
                            return;
                        attachSchema(payload.issues, currLen, inst);
                        if (!isAborted)
                            isAborted = aborted(payload, currLen);
                    });
                }
                else {
                    const nextLen = payload.issues.length;
                    if (nextLen === currLen)
                        continue;
                    attachSchema(payload.issues, currLen, inst);
                    if (!isAborted)
                        isAborted = aborted(payload, currLen);
                }
            }
            if (asyncResult) {
                return asyncResult.then(() => {
                    return payload;
                });
            }
            return payload;
        };
        const handleCanaryResult = (canary, payload, ctx) => {
            // abort if the canary is aborted
            if (aborted(canary)) {
                canary.aborted = true;
                return canary;
            }
            // run checks first, then
            const checkResult = runChecks(payload, checks, ctx);
            if (checkResult instanceof Promise) {
                if (ctx.async === false)
                    throw new $ZodAsyncError();
                return checkResult.then((checkResult) => inst._zod.parse(checkResult, ctx));
            }
            return inst._zod.parse(checkResult, ctx);
        };
        inst._zod.run = (payload, ctx) => {
            if (ctx.skipChecks) {
                return inst._zod.parse(payload, ctx);
            }
            if (ctx.direction === "backward") {
                // run canary initial pass (no checks)
                const canary = inst._zod.parse({ value: payload.value, issues: [] }, { ...ctx, skipChecks: true });
                if (canary instanceof Promise) {
                    return canary.then((canary) => {
                        return handleCanaryResult(canary, payload, ctx);
                    });
                }
                return handleCanaryResult(canary, payload, ctx);
            }
            // forward
            const result = inst._zod.parse(payload, ctx);
            if (result instanceof Promise) {
                if (ctx.async === false)
                    throw new $ZodAsyncError();
                return result.then((result) => runChecks(result, checks, ctx));
            }
            return runChecks(result, checks, ctx);
        };
    }
}, {
    // Wrappers extend this by installing a richer factory over it; reading it eagerly would defeat the laziness.
    get "~standard"() {
        return hide(this, "~standard", standardProps(this));
    },
    set "~standard"(value) {
        own(this, "~standard", value);
    },
});
/** The Standard Schema surface for `inst`. Shared so wrappers can extend it without forcing it. */
// a Standard Schema result only reports issues, so a failure finalizes them straight off the raw payload: no ZodError, and no lazy result to read through
const toStandardResult = (r, ctx) => r.issues.length ? { issues: r.issues.map((iss) => finalizeIssue(iss, ctx, config())) } : { value: r.value };
async function validateAsync(inst, value) {
    const ctx = { async: true };
    return toStandardResult((await inst._zod.run({ value, issues: [] }, ctx)), ctx);
}
function standardProps(inst) {
    return {
        validate: (value) => {
            const ctx = { async: false };
            try {
                const r = inst._zod.run({ value, issues: [] }, ctx);
                if (!(r instanceof Promise))
                    return toStandardResult(r, ctx);
            }
            catch (_) { }
            // async function so a synchronously throwing check rejects instead of escaping validate
            return validateAsync(inst, value);
        },
        vendor: "zod",
        version: 1,
    };
}

const $ZodString = /*@__PURE__*/ $constructor("$ZodString", (inst, def) => {
    $ZodType.init(inst, def);
    // a format's own pattern, else unbounded; a template literal derives the check-aware form itself
    inst._zod.pattern = def.pattern ?? anyString;
    inst._zod.parse = (payload, _) => {
        if (def.coerce)
            try {
                payload.value = String(payload.value);
            }
            catch (_) { }
        if (typeof payload.value === "string")
            return payload;
        payload.issues.push({
            expected: "string",
            code: "invalid_type",
            input: payload.value,
            inst,
        });
        return payload;
    };
});
const $ZodStringFormat = /*@__PURE__*/ $constructor("$ZodStringFormat", (inst, def) => {
    // check initialization must come first
    $ZodCheckStringFormat.init(inst, def);
    $ZodString.init(inst, def);
});
const $ZodGUID = /*@__PURE__*/ $constructor("$ZodGUID", (inst, def) => {
    def.pattern ?? (def.pattern = guid);
    $ZodStringFormat.init(inst, def);
});
const $ZodUUID = /*@__PURE__*/ $constructor("$ZodUUID", (inst, def) => {
    if (def.version) {
        const versionMap = {
            v1: 1,
            v2: 2,
            v3: 3,
            v4: 4,
            v5: 5,
            v6: 6,
            v7: 7,
            v8: 8,
        };
        const v = versionMap[def.version];
        if (v === undefined)
            throw new Error(`Invalid UUID version: "${def.version}"`);
        def.pattern ?? (def.pattern = uuid(v));
    }
    else
        def.pattern ?? (def.pattern = uuid());
    $ZodStringFormat.init(inst, def);
});
const $ZodEmail = /*@__PURE__*/ $constructor("$ZodEmail", (inst, def) => {
    def.pattern ?? (def.pattern = email);
    $ZodStringFormat.init(inst, def);
});
/** The `://` guard rejected the input before the URL constructor saw it. */
const URL_BAD_FORMAT = 1;
/** The URL parser rejected the input. */
const URL_UNPARSEABLE = 2;
function canParseURL(input) {
    try {
        if (typeof URL !== "undefined" && typeof URL.canParse === "function")
            return URL.canParse(input);
        new URL(input);
        return true;
    }
    catch {
        return false;
    }
}
function validateURL(trimmed, def) {
    if (!("normalize" in def) && !("hostname" in def) && !("protocol" in def)) {
        return canParseURL(trimmed) || URL_UNPARSEABLE;
    }
    return parseURLObject(trimmed, def);
}
/** Parses a URL while preserving the non-normalizing HTTP guard. */
function parseURLObject(trimmed, def) {
    // When normalize is off, require :// for http/https URLs. This prevents strings like "http:example.com" or "https:/path" from being silently accepted
    if (!def.normalize && def.protocol?.source === httpProtocol.source && !/^https?:\/\//i.test(trimmed)) {
        return URL_BAD_FORMAT;
    }
    try {
        if (typeof URL !== "undefined") {
            const URLStatic = URL;
            if (typeof URLStatic.parse === "function")
                return URLStatic.parse(trimmed) ?? URL_UNPARSEABLE;
        }
        // @ts-ignore
        return new URL(trimmed);
    }
    catch {
        return URL_UNPARSEABLE;
    }
}
const asciiTabOrNewline = /[\t\n\r]/g;
/** The URL parser deletes every ASCII tab, LF and CR from its input before it parses, so `new URL("https://exa\nmple.com")` reports on `example.com`. Applying the same deletion to the returned value closes the half of that divergence which can move the host; the parser's other rewrite, stripping C0 controls at the edges, cannot. */
function stripTabAndNewline(value) {
    return value.replace(asciiTabOrNewline, "");
}
function urlHostnameOk(url, hostname) {
    hostname.lastIndex = 0;
    return hostname.test(url.hostname);
}
function urlProtocolOk(url, protocol) {
    protocol.lastIndex = 0;
    return protocol.test(url.protocol.endsWith(":") ? url.protocol.slice(0, -1) : url.protocol);
}
const $ZodURL = /*@__PURE__*/ $constructor("$ZodURL", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        try {
            // Trim whitespace from input
            const trimmed = payload.value.trim();
            const url = validateURL(trimmed, def);
            if (url === URL_BAD_FORMAT) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    note: "Invalid URL format",
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
                return;
            }
            if (url === URL_UNPARSEABLE) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
                return;
            }
            if (url === true) {
                payload.value = stripTabAndNewline(trimmed);
                return;
            }
            if (def.hostname && !urlHostnameOk(url, def.hostname)) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    note: "Invalid hostname",
                    pattern: def.hostname.source,
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
            }
            if (def.protocol && !urlProtocolOk(url, def.protocol)) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    note: "Invalid protocol",
                    pattern: def.protocol.source,
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
            }
            // Set the output value based on normalize flag
            payload.value = def.normalize ? url.href : stripTabAndNewline(trimmed);
            return;
        }
        catch (_) {
            payload.issues.push({
                code: "invalid_format",
                format: "url",
                input: payload.value,
                inst,
                continue: !def.abort,
            });
        }
    };
});
const $ZodEmoji = /*@__PURE__*/ $constructor("$ZodEmoji", (inst, def) => {
    def.pattern ?? (def.pattern = emoji());
    $ZodStringFormat.init(inst, def);
});
const $ZodNanoID = /*@__PURE__*/ $constructor("$ZodNanoID", (inst, def) => {
    if (def.length !== undefined && (!Number.isInteger(def.length) || def.length < 1))
        throw new Error(`Invalid nanoid length: ${def.length}`);
    def.pattern ?? (def.pattern = def.length === undefined ? nanoid : nanoidOfLength(def.length));
    $ZodStringFormat.init(inst, def);
});
/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link $ZodCUID2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
const $ZodCUID = /*@__PURE__*/ $constructor("$ZodCUID", (inst, def) => {
    def.pattern ?? (def.pattern = cuid);
    $ZodStringFormat.init(inst, def);
});
const $ZodCUID2 = /*@__PURE__*/ $constructor("$ZodCUID2", (inst, def) => {
    def.pattern ?? (def.pattern = cuid2);
    $ZodStringFormat.init(inst, def);
});
const $ZodULID = /*@__PURE__*/ $constructor("$ZodULID", (inst, def) => {
    def.pattern ?? (def.pattern = ulid);
    $ZodStringFormat.init(inst, def);
});
const $ZodXID = /*@__PURE__*/ $constructor("$ZodXID", (inst, def) => {
    def.pattern ?? (def.pattern = xid);
    $ZodStringFormat.init(inst, def);
});
const $ZodKSUID = /*@__PURE__*/ $constructor("$ZodKSUID", (inst, def) => {
    def.pattern ?? (def.pattern = ksuid);
    $ZodStringFormat.init(inst, def);
});
const $ZodISODateTime = /*@__PURE__*/ $constructor("$ZodISODateTime", (inst, def) => {
    def.pattern ?? (def.pattern = datetime(def));
    $ZodStringFormat.init(inst, def);
});
const $ZodISODate = /*@__PURE__*/ $constructor("$ZodISODate", (inst, def) => {
    def.pattern ?? (def.pattern = date);
    $ZodStringFormat.init(inst, def);
});
const $ZodISOTime = /*@__PURE__*/ $constructor("$ZodISOTime", (inst, def) => {
    def.pattern ?? (def.pattern = time(def));
    $ZodStringFormat.init(inst, def);
});
const $ZodISODuration = /*@__PURE__*/ $constructor("$ZodISODuration", (inst, def) => {
    def.pattern ?? (def.pattern = duration);
    $ZodStringFormat.init(inst, def);
});
const $ZodIPv4 = /*@__PURE__*/ $constructor("$ZodIPv4", (inst, def) => {
    def.pattern ?? (def.pattern = ipv4);
    $ZodStringFormat.init(inst, def);
});
/** An IPv6 address is written with hex digits, colons and dots, and nothing else. The guard is what makes the check below an IPv6 check: `new URL("http://[...]")` parses an authority, not an address, so `@` and `\` re-delimit it and `"::@1\\"` validates against the host `0.0.0.1`. The URL parser also deletes ASCII tab, LF and CR rather than failing, which is how `"::1\n"` validated as `::1`. */
const ipv6Alphabet = /^[0-9a-fA-F:.]+$/;
function isValidIPv6(value) {
    if (!ipv6Alphabet.test(value))
        return false;
    return canParseURL(`http://[${value}]`);
}
const $ZodIPv6 = /*@__PURE__*/ $constructor("$ZodIPv6", (inst, def) => {
    def.pattern ?? (def.pattern = ipv6);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (!isValidIPv6(payload.value)) {
            payload.issues.push({
                code: "invalid_format",
                format: "ipv6",
                input: payload.value,
                inst,
                continue: !def.abort,
            });
        }
    };
});
const $ZodMAC = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodMAC", (inst, def) => {
    def.pattern ?? (def.pattern = regexes.mac(def.delimiter));
    $ZodStringFormat.init(inst, def);
})));
const $ZodCIDRv4 = /*@__PURE__*/ $constructor("$ZodCIDRv4", (inst, def) => {
    def.pattern ?? (def.pattern = cidrv4);
    $ZodStringFormat.init(inst, def);
});
function isValidCIDRv6(value) {
    const parts = value.split("/");
    if (parts.length !== 2)
        return false;
    const [address, prefix] = parts;
    if (!prefix)
        return false;
    const prefixNum = Number(prefix);
    if (`${prefixNum}` !== prefix)
        return false;
    if (prefixNum < 0 || prefixNum > 128)
        return false;
    return isValidIPv6(address);
}
const $ZodCIDRv6 = /*@__PURE__*/ $constructor("$ZodCIDRv6", (inst, def) => {
    def.pattern ?? (def.pattern = cidrv6); // not used for validation
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (!isValidCIDRv6(payload.value)) {
            payload.issues.push({
                code: "invalid_format",
                format: "cidrv6",
                input: payload.value,
                inst,
                continue: !def.abort,
            });
        }
    };
});
//////////////////////////////   ZodBase64   //////////////////////////////
function isValidBase64(data) {
    if (data === "")
        return true;
    // atob ignores whitespace, so reject it up front.
    if (/\s/.test(data))
        return false;
    if (data.length % 4 !== 0)
        return false;
    try {
        // @ts-ignore
        atob(data);
        return true;
    }
    catch {
        return false;
    }
}
// lax on purpose: the quantified regexes.base64 overflows the regex stack on multi-MB input and its leading ^$| alternation leaks through template-literal composition; isValidBase64 enforces length and padding
const base64Charset = /^[0-9a-zA-Z+/]*={0,2}$/;
const $ZodBase64 = /*@__PURE__*/ $constructor("$ZodBase64", (inst, def) => {
    def.pattern ?? (def.pattern = base64Charset);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidBase64(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "base64",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
//////////////////////////////   ZodBase64URL   //////////////////////////////
// lax on purpose: the quantified regexes.base64url overflows the regex stack on multi-MB input; isValidBase64 enforces length on the padded string
const base64urlCharset = /^[A-Za-z0-9_-]*$/;
function isValidBase64URL(data) {
    if (!base64urlCharset.test(data))
        return false;
    const base64 = data.replace(/[-_]/g, (c) => (c === "-" ? "+" : "/"));
    const padded = base64.padEnd(Math.ceil(base64.length / 4) * 4, "=");
    return isValidBase64(padded);
}
const $ZodBase64URL = /*@__PURE__*/ $constructor("$ZodBase64URL", (inst, def) => {
    def.pattern ?? (def.pattern = base64urlCharset);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidBase64URL(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "base64url",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodE164 = /*@__PURE__*/ $constructor("$ZodE164", (inst, def) => {
    def.pattern ?? (def.pattern = e164);
    $ZodStringFormat.init(inst, def);
});
//////////////////////////////   ZodCreditCard   //////////////////////////////
const CC_SANITIZE = /[- ]/g;
/** Luhn checksum on a digit-only string. Adapted from valibot (MIT). */
function isLuhnAlgo(digits) {
    let length = digits.length;
    let bit = 1;
    let sum = 0;
    while (length) {
        const value = digits.charCodeAt(--length) - 48;
        bit ^= 1;
        sum += bit ? [0, 2, 4, 6, 8, 1, 3, 5, 7, 9][value] : value;
    }
    return sum % 10 === 0;
}
function isValidCreditCard(input) {
    if (!regexes.creditCard.test(input))
        return false;
    return isLuhnAlgo(input.replace(CC_SANITIZE, ""));
}
const $ZodCreditCard = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCreditCard", (inst, def) => {
    // Shape only — the Luhn check below is not expressible as a pattern, so consumers of `pattern` (JSON Schema, template literals) get the length and separator rules alone.
    def.pattern ?? (def.pattern = regexes.creditCard);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidCreditCard(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "credit_card",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
//////////////////////////////   ZodIBAN   //////////////////////////////
// iso 7064 mod 97-10 checksum without BigInt
function isIso7064Mod97(iban) {
    let remainder = 0;
    const len = iban.length;
    for (let i = 4; i < len; i++) {
        const code = iban.charCodeAt(i);
        remainder = (code >= 65 ? remainder * 100 + (code - 55) : remainder * 10 + (code - 48)) % 97;
    }
    for (let i = 0; i < 4; i++) {
        const code = iban.charCodeAt(i);
        remainder = (code >= 65 ? remainder * 100 + (code - 55) : remainder * 10 + (code - 48)) % 97;
    }
    return remainder === 1;
}
function isValidIBAN(input) {
    if (!regexes.iban.test(input))
        return false;
    return isIso7064Mod97(input);
}
const $ZodIBAN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodIBAN", (inst, def) => {
    // shape only — checksum is not expressible as a pattern
    def.pattern ?? (def.pattern = regexes.iban);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidIBAN(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "iban",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
//////////////////////////////   ZodJWT   //////////////////////////////
function isValidJWT(token, algorithm = null) {
    try {
        const tokensParts = token.split(".");
        if (tokensParts.length !== 3)
            return false;
        const [header] = tokensParts;
        if (!header)
            return false;
        // @ts-ignore
        const parsedHeader = JSON.parse(atob(header));
        if ("typ" in parsedHeader && parsedHeader?.typ !== "JWT")
            return false;
        if (!parsedHeader.alg)
            return false;
        if (algorithm && (!("alg" in parsedHeader) || parsedHeader.alg !== algorithm))
            return false;
        return true;
    }
    catch {
        return false;
    }
}
const $ZodJWT = /*@__PURE__*/ $constructor("$ZodJWT", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidJWT(payload.value, def.alg))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "jwt",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCustomStringFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCustomStringFormat", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (def.fn(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: def.format,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodNumber = /*@__PURE__*/ $constructor("$ZodNumber", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = number;
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce)
            try {
                payload.value = Number(payload.value);
            }
            catch (_) { }
        const input = payload.value;
        if (typeof input === "number" && !Number.isNaN(input) && Number.isFinite(input)) {
            return payload;
        }
        const received = typeof input === "number"
            ? Number.isNaN(input)
                ? "NaN"
                : !Number.isFinite(input)
                    ? String(input)
                    : undefined
            : undefined;
        payload.issues.push({
            expected: "number",
            code: "invalid_type",
            input,
            inst,
            ...(received ? { received } : {}),
        });
        return payload;
    };
});
const $ZodNumberFormat = /*@__PURE__*/ $constructor("$ZodNumberFormat", (inst, def) => {
    $ZodCheckNumberFormat.init(inst, def);
    $ZodNumber.init(inst, def); // no format checks
});
const $ZodBoolean = /*@__PURE__*/ $constructor("$ZodBoolean", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = regexes_boolean;
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce)
            try {
                payload.value = Boolean(payload.value);
            }
            catch (_) { }
        const input = payload.value;
        if (typeof input === "boolean")
            return payload;
        payload.issues.push({
            expected: "boolean",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
});
const $ZodBigInt = /*@__PURE__*/ $constructor("$ZodBigInt", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = bigint;
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce)
            try {
                payload.value = BigInt(payload.value);
            }
            catch (_) { }
        if (typeof payload.value === "bigint")
            return payload;
        payload.issues.push({
            expected: "bigint",
            code: "invalid_type",
            input: payload.value,
            inst,
        });
        return payload;
    };
});
const $ZodBigIntFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodBigIntFormat", (inst, def) => {
    checks.$ZodCheckBigIntFormat.init(inst, def);
    $ZodBigInt.init(inst, def); // no format checks
})));
const $ZodSymbol = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodSymbol", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (typeof input === "symbol")
            return payload;
        payload.issues.push({
            expected: "symbol",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodUndefined = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodUndefined", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = regexes.undefined;
    inst._zod.values = new Set([undefined]);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (typeof input === "undefined")
            return payload;
        payload.issues.push({
            expected: "undefined",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodNull = /*@__PURE__*/ $constructor("$ZodNull", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = _null;
    inst._zod.values = new Set([null]);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (input === null)
            return payload;
        payload.issues.push({
            expected: "null",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
});
const $ZodAny = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodAny", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload) => payload;
})));
const $ZodUnknown = /*@__PURE__*/ $constructor("$ZodUnknown", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload) => payload;
});
const $ZodNever = /*@__PURE__*/ $constructor("$ZodNever", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        payload.issues.push({
            expected: "never",
            code: "invalid_type",
            input: payload.value,
            inst,
        });
        return payload;
    };
});
const $ZodVoid = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodVoid", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (typeof input === "undefined")
            return payload;
        payload.issues.push({
            expected: "void",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodDate = /*@__PURE__*/ $constructor("$ZodDate", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce) {
            try {
                payload.value = new Date(payload.value);
            }
            catch (_err) { }
        }
        const input = payload.value;
        const isDate = input instanceof Date;
        const isValidDate = isDate && !Number.isNaN(input.getTime());
        if (isValidDate)
            return payload;
        payload.issues.push({
            expected: "date",
            code: "invalid_type",
            input,
            ...(isDate ? { received: "Invalid Date" } : {}),
            inst,
        });
        return payload;
    };
});
// an oversized container fails its leading size checks before any element is parsed
function capSize(inst, size) {
    const caps = sizeCaps(inst._zod.def.checks);
    if (!caps.length)
        return;
    const cap = Math.min(...caps.map((c) => c[0]));
    const parse = inst._zod.parse;
    inst._zod.parse = (payload, ctx) => {
        const n = size(payload.value);
        if (n > cap && !ctx?.skipChecks && ctx?.direction !== "backward") {
            for (const [max, ch] of sizeCaps(inst._zod.def.checks)) {
                if (n > max && ch._zod.def.when(payload)) {
                    const start = payload.issues.length;
                    ch._zod.check(payload);
                    // the value is still the raw input, so no later check may read it
                    payload.issues[start].continue = false;
                    attachSchema(payload.issues, start, inst);
                    return payload;
                }
            }
        }
        return parse(payload, ctx);
    };
}
const arraySize = (input) => (Array.isArray(input) ? input.length : -1);
const mapSize = (input) => (input instanceof Map ? input.size : -1);
const setSize = (input) => (input instanceof Set ? input.size : -1);
function handleArrayResult(result, final, index) {
    if (result.issues.length) {
        final.issues.push(...prefixIssues(index, result.issues));
    }
    final.value[index] = result.value;
}
const $ZodArray = /*@__PURE__*/ $constructor("$ZodArray", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!Array.isArray(input)) {
            payload.issues.push({
                expected: "array",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        payload.value = memo ? memo.alloc(inst, payload, Array(input.length), ctx) : Array(input.length);
        const proms = [];
        const abortEarly = ctx?.abortEarly;
        for (let i = 0; i < input.length; i++) {
            const item = input[i];
            const result = def.element._zod.run({
                value: item,
                issues: [],
            }, ctx);
            if (result instanceof Promise) {
                proms.push(result.then((result) => handleArrayResult(result, payload, i)));
            }
            else {
                handleArrayResult(result, payload, i);
                // the element's payload is authoritative here, since handleArrayResult forwards every issue; an object's is not, because it drops a failed absent optional
                if (abortEarly && result.issues.length !== 0 && aborted(result))
                    break;
            }
        }
        if (proms.length) {
            return Promise.all(proms).then(() => payload);
        }
        return payload; //handleArrayResultsAsync(parseResults, final);
    };
    capSize(inst, arraySize);
});
function handlePropertyResult(result, final, key, input, optin, optout) {
    const isPresent = key in input;
    const isOptionalOut = optout === "optional";
    // The middle rung means "absence permitted, nothing supplied in its place", so an absent key contributes nothing — whatever the schema made of `undefined` is invented, not substituted. Only `optional` reaches this with a value: `defaulted` substitutes, and a schema that isn't optional-out has to keep the key.
    if (!isPresent && isOptionalOut && optin === "optional") {
        return;
    }
    if (result.issues.length) {
        // For optional-in/out schemas, ignore errors on absent keys.
        if (optin !== undefined && isOptionalOut && !isPresent) {
            return;
        }
        final.issues.push(...prefixIssues(key, result.issues));
    }
    if (!isPresent && optin === undefined) {
        if (!result.issues.length) {
            final.issues.push({
                code: "invalid_type",
                expected: "nonoptional",
                input: undefined,
                path: [key],
            });
        }
        return;
    }
    if (result.value === undefined) {
        if (isPresent || (optin === "defaulted" && !isOptionalOut)) {
            final.value[key] = undefined;
        }
    }
    else {
        final.value[key] = result.value;
    }
}
// one shared instance; a fresh [] per schema cost 56 bytes retained
const NO_SYMBOL_KEYS = [];
function normalizeDef(def) {
    const keys = Object.keys(def.shape);
    const ownSymbols = Object.getOwnPropertySymbols(def.shape);
    const symbolKeys = ownSymbols.length ? ownSymbols : NO_SYMBOL_KEYS;
    // aliases `keys` when there are no symbols, so a string-only shape keeps one array
    const allKeys = symbolKeys.length ? [...keys, ...symbolKeys] : keys;
    for (const k of allKeys) {
        if (!def.shape?.[k]?._zod?.traits?.has("$ZodType")) {
            throw new Error(`Invalid element at key "${String(k)}": expected a Zod schema`);
        }
    }
    const okeys = optionalKeys(def.shape);
    return {
        ...def,
        allKeys,
        symbolKeys,
        // string-only: handleCatchall matches it against `for...in`, which never yields a symbol
        keySet: new Set(keys),
        numKeys: keys.length,
        optionalKeys: new Set(okeys),
    };
}
function handleCatchall(proms, input, payload, ctx, def, inst, abortEarly) {
    const unrecognized = [];
    const keySet = def.keySet;
    const _catchall = def.catchall._zod;
    const t = _catchall.def.type;
    const optin = _catchall.optin;
    const optout = _catchall.optout;
    // starts at 0, not the current length: the shape phase already ran and may have aborted
    let seen = 0;
    for (const key in input) {
        if (abortEarly && payload.issues.length !== seen) {
            if (aborted(payload, seen))
                break;
            seen = payload.issues.length;
        }
        // Must precede the __proto__ branch: a declared key is not unrecognized, even though the shape loop deliberately strips __proto__ from the parsed output.
        if (keySet.has(key))
            continue;
        // Don't copy an undeclared __proto__ into the result; assignment to a plain {} would replace the result prototype. But in strict mode it is still an unknown key, so report it before skipping.
        if (key === "__proto__") {
            if (t === "never")
                unrecognized.push(key);
            continue;
        }
        if (t === "never") {
            unrecognized.push(key);
            continue;
        }
        const r = _catchall.run({ value: input[key], issues: [] }, ctx);
        if (r instanceof Promise) {
            proms.push(r.then((r) => handlePropertyResult(r, payload, key, input, optin, optout)));
        }
        else {
            handlePropertyResult(r, payload, key, input, optin, optout);
        }
    }
    if (unrecognized.length) {
        payload.issues.push({
            code: "unrecognized_keys",
            keys: unrecognized,
            input,
            inst,
            // Describes the shape of the input, not the validity of the parsed value, so it never aborts. The parse still fails; the schema's own checks just get to run first, and an enclosing intersection can reconcile the key against a sibling operand.
            continue: true,
        });
    }
    if (!proms.length)
        return payload;
    return Promise.all(proms).then(() => {
        return payload;
    });
}
const $ZodObject = /*@__PURE__*/ $constructor("$ZodObject", (inst, def) => {
    // requires cast because technically $ZodObject doesn't extend
    $ZodType.init(inst, def);
    const desc = Object.getOwnPropertyDescriptor(def, "shape");
    // a cloned def carries its source's accessor, which knows the shape it answers from; adopting that keeps the clone's keys readable without running it
    const sh = desc?.get ? desc.get.raw : (def.shape ?? {});
    if (sh) {
        // Freezes the shape on first read, so its getters resolve once and every later read sees the same schemas.
        const get = () => {
            const newSh = { ...sh };
            Object.defineProperty(def, "shape", { value: newSh });
            get.raw = newSh;
            return newSh;
        };
        get.raw = sh;
        Object.defineProperty(def, "shape", { get });
    }
    const _normalized = cached(() => normalizeDef(def));
    defineLazyInternal(inst, "propValues", (zod) => {
        const shape = zod.def.shape;
        const propValues = {};
        for (const key in shape) {
            const field = shape[key]._zod;
            if (field.values) {
                if (!Object.prototype.hasOwnProperty.call(propValues, key)) {
                    util_assignProp(propValues, key, new Set());
                }
                for (const v of field.values)
                    propValues[key].add(v);
                // An omittable slot reads back as undefined at a discriminator lookup, so it has to claim undefined: two options that can both omit the key are not discriminable on it.
                if (field.optin !== undefined)
                    propValues[key].add(undefined);
            }
        }
        return propValues;
    });
    const isObject = util_isObject;
    const catchall = def.catchall;
    let value;
    const memo = globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        value ?? (value = _normalized.value);
        const input = payload.value;
        if (!isObject(input)) {
            payload.issues.push({
                expected: "object",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        payload.value = memo ? memo.alloc(inst, payload, {}, ctx) : {};
        const proms = [];
        const shape = value.shape;
        const abortEarly = ctx?.abortEarly;
        let seen = payload.issues.length;
        for (const key of value.allKeys) {
            if (abortEarly && payload.issues.length !== seen) {
                if (aborted(payload, seen))
                    break;
                seen = payload.issues.length;
            }
            if (key === "__proto__")
                continue;
            const el = shape[key];
            const optin = el._zod.optin;
            const optout = el._zod.optout;
            const r = el._zod.run({ value: input[key], issues: [] }, ctx);
            if (r instanceof Promise) {
                proms.push(r.then((r) => handlePropertyResult(r, payload, key, input, optin, optout)));
            }
            else {
                handlePropertyResult(r, payload, key, input, optin, optout);
            }
        }
        if (!catchall) {
            return proms.length ? Promise.all(proms).then(() => payload) : payload;
        }
        return handleCatchall(proms, input, payload, ctx, _normalized.value, inst, abortEarly === true);
    };
});
const $ZodObjectJIT = /*@__PURE__*/ $constructor("$ZodObjectJIT", (inst, def) => {
    // requires cast because technically $ZodObject doesn't extend
    $ZodObject.init(inst, def);
    const superParse = inst._zod.parse;
    const _normalized = cached(() => normalizeDef(def));
    const memo = globalConfig.memoizer;
    const generateFastpass = (shape) => {
        const normalized = _normalized.value;
        const syms = normalized.symbolKeys;
        // a symbol has no source literal, so it is read as `syms[i]` off the closed-over scope
        const doc = new Doc(["payload", "ctx"], { shape, inst, memo, syms });
        const parseStr = (k) => `shape[${k}]._zod.run({ value: input[${k}], issues: [] }, ctx)`;
        // prefixes in place, like util.prefixIssues. newResult must land before the early return: a catchall runs after this and would otherwise write onto the caller's input
        const prefixStr = (id, k) => `
          let ${id}_ab = false;
          for (let i = 0; i < ${id}.issues.length; i++) {
            const iss = ${id}.issues[i];
            iss.path = iss.path ? [${k}, ...iss.path] : [${k}];
            payload.issues.push(iss);
            if (iss.continue !== true) ${id}_ab = true;
          }
          if (${id}_ab && ctx && ctx.abortEarly) {
            payload.value = newResult;
            return payload;
          }`;
        doc.write(`const input = payload.value;`);
        const ids = Object.create(null);
        let counter = 0;
        for (const key of normalized.allKeys) {
            ids[key] = `key_${counter++}`;
        }
        // A: preserve key order {
        doc.write(memo ? `const newResult = memo.alloc(inst, payload, {}, ctx);` : `const newResult = {};`);
        for (const key of normalized.allKeys) {
            if (key === "__proto__")
                continue;
            const id = ids[key];
            const k = typeof key === "symbol" ? `syms[${syms.indexOf(key)}]` : esc(key);
            const isPresent = `${k} in input`;
            const schema = shape[key];
            const optin = schema?._zod?.optin;
            const isOptionalIn = optin !== undefined;
            const isOptionalOut = schema?._zod?.optout === "optional";
            doc.write(`const ${id} = ${parseStr(k)};`);
            if (isOptionalIn && isOptionalOut) {
                // For optional-in/out schemas, ignore errors on absent keys — and, like the interpreted path, drop the value produced alongside them. The middle rung goes further: it permits absence without supplying anything in its place, so an absent key contributes nothing at all.
                const assign = optin === "optional" ? `${id}_present` : `${id}.value !== undefined || ${id}_present`;
                doc.write(`
        const ${id}_present = ${isPresent};
        if (!${id}.issues.length || ${id}_present) {
          if (${id}.issues.length) {${prefixStr(id, k)}
          }

          if (${assign}) {
            newResult[${k}] = ${id}.value;
          }
        }

      `);
            }
            else if (!isOptionalIn) {
                doc.write(`
        const ${id}_present = ${isPresent};
        if (${id}.issues.length) {${prefixStr(id, k)}
        }
        if (!${id}_present && !${id}.issues.length) {
          payload.issues.push({
            code: "invalid_type",
            expected: "nonoptional",
            input: undefined,
            path: [${k}]
          });
          if (ctx && ctx.abortEarly) {
            payload.value = newResult;
            return payload;
          }
        }

        if (${id}_present) {
          newResult[${k}] = ${id}.value;
        }

      `);
            }
            else {
                doc.write(`
        if (${id}.issues.length) {${prefixStr(id, k)}
        }
      `);
                if (optin === "defaulted") {
                    doc.write(`newResult[${k}] = ${id}.value;`);
                }
                else {
                    doc.write(`
        if (${id}.value !== undefined || ${isPresent}) {
          newResult[${k}] = ${id}.value;
        }
      `);
                }
            }
        }
        doc.write(`payload.value = newResult;`);
        doc.write(`return payload;`);
        // closing `shape` in is what pays: turbofan specializes the parser against that one shape object, so every `shape[k]._zod.run` folds to a known callee. as a parameter it stays a generic load and measures 13% slower even with the forwarding frame gone
        return doc.compile();
    };
    let fastpass;
    const isObject = util_isObject;
    const jit = !globalConfig.jitless;
    const allowsEval = util_allowsEval;
    const fastEnabled = jit && allowsEval.value; // && !def.catchall;
    const catchall = def.catchall;
    let value;
    inst._zod.parse = (payload, ctx) => {
        value ?? (value = _normalized.value);
        const input = payload.value;
        if (!isObject(input)) {
            payload.issues.push({
                expected: "object",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        if (jit && fastEnabled && ctx?.async === false && ctx.jitless !== true) {
            // always synchronous
            if (!fastpass)
                fastpass = generateFastpass(def.shape);
            payload = fastpass(payload, ctx);
            if (!catchall)
                return payload;
            return handleCatchall([], input, payload, ctx, value, inst, ctx?.abortEarly === true);
        }
        return superParse(payload, ctx);
    };
});
function handleUnionResults(results, final, inst, ctx) {
    for (const result of results) {
        if (result.issues.length === 0) {
            final.value = result.value;
            return final;
        }
    }
    const nonaborted = results.filter((r) => !aborted(r));
    if (nonaborted.length === 1) {
        final.value = nonaborted[0].value;
        return nonaborted[0];
    }
    final.issues.push({
        code: "invalid_union",
        input: final.value,
        inst,
        errors: results.map((result) => result.issues.map((iss) => finalizeIssue(iss, ctx, config()))),
    });
    return final;
}
const $ZodUnion = /*@__PURE__*/ $constructor("$ZodUnion", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "optin", (zod) => zod.def.options.some((o) => o._zod.optin === "defaulted")
        ? "defaulted"
        : zod.def.options.some((o) => o._zod.optin !== undefined)
            ? "optional"
            : undefined);
    defineLazyInternal(inst, "optout", (zod) => zod.def.options.some((o) => o._zod.optout === "optional") ? "optional" : undefined);
    defineLazyInternal(inst, "values", (zod) => {
        if (zod.def.options.every((o) => o._zod.values)) {
            return new Set(zod.def.options.flatMap((option) => Array.from(option._zod.values)));
        }
        return undefined;
    });
    defineLazyInternal(inst, "pattern", (zod) => {
        if (zod.def.options.every((o) => o._zod.pattern)) {
            const patterns = zod.def.options.map((o) => o._zod.pattern);
            return new RegExp(`^(${patterns.map((p) => cleanRegex(p.source)).join("|")})$`);
        }
        return undefined;
    });
    const first = def.options.length === 1 ? def.options[0]._zod.run : null;
    inst._zod.parse = (payload, ctx) => {
        if (first) {
            return first(payload, ctx);
        }
        let async = false;
        const results = [];
        for (const option of def.options) {
            const result = option._zod.run({
                value: payload.value,
                issues: [],
            }, ctx);
            if (result instanceof Promise) {
                results.push(result);
                async = true;
            }
            else {
                if (result.issues.length === 0)
                    return result;
                results.push(result);
            }
        }
        if (!async)
            return handleUnionResults(results, payload, inst, ctx);
        return Promise.all(results).then((results) => {
            return handleUnionResults(results, payload, inst, ctx);
        });
    };
});
function handleExclusiveUnionResults(results, final, inst, ctx) {
    const matches = [];
    for (let i = 0; i < results.length; i++) {
        if (results[i].issues.length === 0)
            matches.push(i);
    }
    if (matches.length === 1) {
        final.value = results[matches[0]].value;
        return final;
    }
    if (matches.length === 0) {
        // No matches - same as regular union
        final.issues.push({
            code: "invalid_union",
            input: final.value,
            inst,
            errors: results.map((result) => result.issues.map((iss) => util.finalizeIssue(iss, ctx, core.config()))),
        });
    }
    else {
        // Multiple matches - exclusive union failure
        final.issues.push({
            code: "invalid_union",
            input: final.value,
            inst,
            errors: [],
            inclusive: false,
            matches,
        });
    }
    return final;
}
const $ZodXor = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodXor", (inst, def) => {
    $ZodUnion.init(inst, def);
    def.inclusive = false;
    const first = def.options.length === 1 ? def.options[0]._zod.run : null;
    inst._zod.parse = (payload, ctx) => {
        if (first) {
            return first(payload, ctx);
        }
        let async = false;
        const results = [];
        for (const option of def.options) {
            const result = option._zod.run({
                value: payload.value,
                issues: [],
            }, ctx);
            if (result instanceof Promise) {
                results.push(result);
                async = true;
            }
            else {
                results.push(result);
            }
        }
        if (!async)
            return handleExclusiveUnionResults(results, payload, inst, ctx);
        return Promise.all(results).then((results) => {
            return handleExclusiveUnionResults(results, payload, inst, ctx);
        });
    };
})));
/** Returns the option whose discriminator claims `value`, or throws if ambiguous. */
function getDiscriminatedOption(union, value) {
    const internals = union._zod;
    let map = internals.bag.optionsMap;
    if (!map) {
        map = discriminatorMap(internals.def);
        internals.bag.optionsMap = map;
    }
    const option = map.get(value);
    if (option === null)
        throw new Error(`Ambiguous discriminator value "${String(value)}"`);
    return option;
}
function discriminatorMap(def) {
    const map = new Map();
    for (const option of def.options) {
        const values = option._zod.propValues?.[def.discriminator];
        if (!values || values.size === 0)
            throw new Error(`Invalid discriminated union option at index "${def.options.indexOf(option)}"`);
        for (const value of values) {
            if (map.has(value)) {
                if (value !== undefined)
                    throw new Error(`Duplicate discriminator value "${String(value)}"`);
                // keep the collision marked so a later member cannot reclaim it
                map.set(value, null);
            }
            else {
                map.set(value, option);
            }
        }
    }
    return map;
}
const $ZodDiscriminatedUnion = 
/*@__PURE__*/
(/* unused pure expression or super */ null && (core.$constructor("$ZodDiscriminatedUnion", (inst, def) => {
    def.inclusive = false;
    $ZodUnion.init(inst, def);
    const _super = inst._zod.parse;
    util.defineLazyInternal(inst, "propValues", (zod) => {
        const propValues = {};
        let undefinedCount = 0;
        for (const option of zod.def.options) {
            const pv = option._zod.propValues;
            if (!pv || Object.keys(pv).length === 0)
                throw new Error(`Invalid discriminated union option at index "${zod.def.options.indexOf(option)}"`);
            if (pv[zod.def.discriminator]?.has(undefined))
                undefinedCount++;
            for (const [k, v] of Object.entries(pv)) {
                if (!Object.prototype.hasOwnProperty.call(propValues, k)) {
                    util.assignProp(propValues, k, new Set());
                }
                for (const val of v) {
                    propValues[k].add(val);
                }
            }
        }
        if (!zod.def.unionFallback && undefinedCount > 1)
            propValues[zod.def.discriminator]?.delete(undefined);
        return propValues;
    });
    // Checked now rather than in the lookup map below, so an option that lacks the discriminator fails at the `discriminatedUnion` call instead of on the first object parsed. Options whose shape cannot be enumerated without resolving it — pipes and lazies — are left to the map.
    def.options.forEach((option, i) => {
        const propShape = util.rawShape(option._zod.def);
        if (propShape && !Object.prototype.hasOwnProperty.call(propShape, def.discriminator)) {
            throw new Error(`Invalid discriminated union option at index "${i}"`);
        }
    });
    const disc = util.cached(() => discriminatorMap(def));
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!util.isObject(input)) {
            payload.issues.push({
                code: "invalid_type",
                expected: "object",
                input,
                inst,
            });
            return payload;
        }
        const value = input?.[def.discriminator];
        const opt = disc.value.get(value);
        // forward metadata cannot choose an encoder for an absent tag
        if (opt && (value !== undefined || ctx.direction !== "backward")) {
            return opt._zod.run(payload, ctx);
        }
        // Fall back to union matching when the fast discriminator path fails:
        // - explicitly enabled via unionFallback, or
        // - during backward direction (encode), since codec-based discriminators have different values in forward vs backward directions
        if (def.unionFallback || ctx.direction === "backward") {
            return _super(payload, ctx);
        }
        // no matching discriminator
        payload.issues.push({
            code: "invalid_union",
            errors: [],
            note: "No matching discriminator",
            discriminator: def.discriminator,
            options: Array.from(disc.value.keys()).filter((value) => disc.value.get(value) !== null),
            input,
            path: [def.discriminator],
            inst,
        });
        return payload;
    };
})));
const $ZodIntersection = /*@__PURE__*/ $constructor("$ZodIntersection", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        const left = def.left._zod.run({ value: input, issues: [] }, ctx);
        const right = def.right._zod.run({ value: input, issues: [] }, ctx);
        const async = left instanceof Promise || right instanceof Promise;
        if (async) {
            return Promise.all([left, right]).then(([left, right]) => {
                return handleIntersectionResults(payload, left, right);
            });
        }
        return handleIntersectionResults(payload, left, right);
    };
});
function mergeValues(a, b) {
    // const aType = parse.t(a);
    // const bType = parse.t(b);
    if (a === b) {
        return { valid: true, data: a };
    }
    if (a instanceof Date && b instanceof Date && +a === +b) {
        return { valid: true, data: a };
    }
    if (isPlainObject(a) && isPlainObject(b)) {
        const bKeys = Object.keys(b);
        const sharedKeys = Object.keys(a).filter((key) => bKeys.indexOf(key) !== -1);
        const newObj = { ...a, ...b };
        if (Object.prototype.hasOwnProperty.call(newObj, "__proto__"))
            delete newObj.__proto__;
        for (const key of sharedKeys) {
            if (key === "__proto__")
                continue;
            const sharedValue = mergeValues(a[key], b[key]);
            if (!sharedValue.valid) {
                return {
                    valid: false,
                    mergeErrorPath: [key, ...sharedValue.mergeErrorPath],
                };
            }
            newObj[key] = sharedValue.data;
        }
        return { valid: true, data: newObj };
    }
    if (Array.isArray(a) && Array.isArray(b)) {
        if (a.length !== b.length) {
            return { valid: false, mergeErrorPath: [] };
        }
        const newArray = [];
        for (let index = 0; index < a.length; index++) {
            const itemA = a[index];
            const itemB = b[index];
            const sharedValue = mergeValues(itemA, itemB);
            if (!sharedValue.valid) {
                return {
                    valid: false,
                    mergeErrorPath: [index, ...sharedValue.mergeErrorPath],
                };
            }
            newArray.push(sharedValue.data);
        }
        return { valid: true, data: newArray };
    }
    return { valid: false, mergeErrorPath: [] };
}
function handleIntersectionResults(result, left, right) {
    // Track which side(s) reject each key. A key rejection is reported only when BOTH sides reject it, so a key owned by one branch survives the other's key schema. strictObject reports these as unrecognized_keys; a record with an open key schema reports one invalid_key per key.
    const unrecKeys = new Map();
    let unrecIssue;
    const keyIssues = new Map();
    const collect = (iss, side) => {
        let keys;
        if (iss.code === "unrecognized_keys" && !iss.path?.length) {
            unrecIssue ?? (unrecIssue = iss);
            keys = iss.keys;
        }
        else if (iss.code === "invalid_key" && iss.origin === "record" && iss.path?.length === 1) {
            const k = String(iss.path[0]);
            if (!keyIssues.has(k))
                keyIssues.set(k, iss);
            keys = [k];
        }
        else {
            return false;
        }
        for (const k of keys) {
            if (!unrecKeys.has(k))
                unrecKeys.set(k, {});
            unrecKeys.get(k)[side] = true;
        }
        return true;
    };
    for (const iss of left.issues) {
        if (!collect(iss, "l"))
            result.issues.push(iss);
    }
    for (const iss of right.issues) {
        if (!collect(iss, "r"))
            result.issues.push(iss);
    }
    // Report only keys rejected by BOTH sides
    const bothKeys = [...unrecKeys].filter(([, f]) => f.l && f.r).map(([k]) => k);
    if (bothKeys.length) {
        const aggregated = unrecIssue ? bothKeys.filter((k) => unrecIssue.keys.includes(k)) : [];
        if (aggregated.length)
            result.issues.push({ ...unrecIssue, keys: aggregated });
        for (const k of bothKeys) {
            if (!aggregated.includes(k) && keyIssues.has(k))
                result.issues.push(keyIssues.get(k));
        }
    }
    const merged = mergeValues(left.value, right.value);
    if (!merged.valid) {
        if (aborted(result))
            return result;
        throw new Error(`Unmergable intersection. Error path: ` + `${JSON.stringify(merged.mergeErrorPath)}`);
    }
    result.value = merged.data;
    return result;
}
const $ZodTuple = /*@__PURE__*/ $constructor("$ZodTuple", (inst, def) => {
    $ZodType.init(inst, def);
    const items = def.items;
    const memo = globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!Array.isArray(input)) {
            payload.issues.push({
                input,
                inst,
                expected: "tuple",
                code: "invalid_type",
            });
            return payload;
        }
        payload.value = memo ? memo.alloc(inst, payload, [], ctx) : [];
        const proms = [];
        const optinStart = getTupleOptStart(items, "optin");
        const optoutStart = getTupleOptStart(items, "optout");
        if (!def.rest) {
            if (input.length < optinStart) {
                payload.issues.push({
                    code: "too_small",
                    minimum: optinStart,
                    inclusive: true,
                    input,
                    inst,
                    origin: "array",
                });
                return payload;
            }
            if (input.length > items.length) {
                payload.issues.push({
                    code: "too_big",
                    maximum: items.length,
                    inclusive: true,
                    input,
                    inst,
                    origin: "array",
                });
            }
        }
        // Run every item in parallel, collecting results into an indexed array. The post-processing in `handleTupleResults` walks them in order so it can decide whether an absent optional-output error can truncate the tail or must be reported to preserve required output.
        const itemResults = new Array(items.length);
        // only tracked when there is a rest loop to skip
        const abortEarly = def.rest ? ctx?.abortEarly : undefined;
        let itemAborted = false;
        for (let i = 0; i < items.length; i++) {
            const r = items[i]._zod.run({ value: input[i], issues: [] }, ctx);
            if (r instanceof Promise) {
                proms.push(r.then((rr) => {
                    itemResults[i] = rr;
                }));
            }
            else {
                itemResults[i] = r;
                if (abortEarly && !itemAborted && r.issues.length)
                    itemAborted = aborted(r);
            }
        }
        // sound because rest is non-empty exactly when every fixed index is present, the one case handleTupleResults cannot discard an item's issues
        if (def.rest && !itemAborted) {
            let i = items.length - 1;
            const rest = input.slice(items.length);
            let seen = payload.issues.length;
            for (const el of rest) {
                if (abortEarly && payload.issues.length !== seen) {
                    if (aborted(payload, seen))
                        break;
                    seen = payload.issues.length;
                }
                i++;
                const result = def.rest._zod.run({ value: el, issues: [] }, ctx);
                if (result instanceof Promise) {
                    proms.push(result.then((r) => handleTupleResult(r, payload, i)));
                }
                else {
                    handleTupleResult(result, payload, i);
                }
            }
        }
        if (proms.length) {
            return Promise.all(proms).then(() => handleTupleResults(itemResults, payload, items, input, optoutStart));
        }
        return handleTupleResults(itemResults, payload, items, input, optoutStart);
    };
});
function getTupleOptStart(items, key) {
    for (let i = items.length - 1; i >= 0; i--) {
        // optin is a three-rung ladder so any rung above `undefined` permits an absent slot; optout stays two-valued.
        const omittable = key === "optin" ? items[i]._zod.optin !== undefined : items[i]._zod.optout === "optional";
        if (!omittable)
            return i + 1;
    }
    return 0;
}
function handleTupleResult(result, final, index) {
    if (result.issues.length) {
        final.issues.push(...prefixIssues(index, result.issues));
    }
    final.value[index] = result.value;
}
function handleTupleResults(itemResults, final, items, input, optoutStart) {
    // Walk results in order. Mirror $ZodObject's swallow-on-absent-optional rule, but only after `optoutStart`: the first index where the output tuple tail can be absent.
    for (let i = 0; i < items.length; i++) {
        const r = itemResults[i];
        const isPresent = i < input.length;
        // The array analog of `handlePropertyResult`'s absent-key early return: the middle rung permits absence without supplying anything in its place, so the tail truncates here instead of materializing whatever the item made of `undefined`.
        if (!isPresent && i >= optoutStart && items[i]._zod.optin === "optional") {
            final.value.length = i;
            break;
        }
        if (r.issues.length) {
            if (!isPresent && i >= optoutStart) {
                final.value.length = i;
                break;
            }
            final.issues.push(...prefixIssues(i, r.issues));
        }
        final.value[i] = r.value;
    }
    // Drop trailing slots that produced `undefined` for absent input
    // (the array analog of an absent optional key on an object). The
    // `i >= input.length` floor is critical: an explicit `undefined`
    // *inside* the input must be preserved even when the schema is
    // optional-out (e.g. `z.string().or(z.undefined())` accepting an
    // explicit undefined value).
    for (let i = final.value.length - 1; i >= input.length; i--) {
        if (items[i]._zod.optout === "optional" && final.value[i] === undefined) {
            final.value.length = i;
        }
        else {
            break;
        }
    }
    return final;
}
const $ZodRecord = /*@__PURE__*/ $constructor("$ZodRecord", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!isPlainObject(input)) {
            payload.issues.push({
                expected: "record",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        // no guard in either loop below: a record's invalid_key aborts but an enclosing intersection can reconcile it, so a stopped loop hides keys the sibling does not own and the intersection then rejects nothing
        const proms = [];
        const values = def.keyType._zod.values;
        if (values && !def.partial) {
            payload.value = memo ? memo.alloc(inst, payload, {}, ctx) : {};
            const recordKeys = new Set();
            for (const key of values) {
                if (typeof key === "string" || typeof key === "number" || typeof key === "symbol") {
                    recordKeys.add(typeof key === "number" ? key.toString() : key);
                    // A declared __proto__ is stripped but is not an unrecognized key.
                    if (key === "__proto__")
                        continue;
                    const keyResult = def.keyType._zod.run({ value: key, issues: [] }, ctx);
                    if (keyResult instanceof Promise) {
                        throw new Error("Async schemas not supported in object keys currently");
                    }
                    if (keyResult.issues.length) {
                        payload.issues.push({
                            code: "invalid_key",
                            origin: "record",
                            issues: keyResult.issues.map((iss) => finalizeIssue(iss, ctx, config())),
                            input: key,
                            path: [key],
                            inst,
                        });
                        continue;
                    }
                    const outKey = keyResult.value;
                    if (outKey === "__proto__")
                        continue;
                    const result = def.valueType._zod.run({ value: input[key], issues: [] }, ctx);
                    if (result instanceof Promise) {
                        proms.push(result.then((result) => {
                            if (result.issues.length) {
                                payload.issues.push(...prefixIssues(key, result.issues));
                            }
                            payload.value[outKey] = result.value;
                        }));
                    }
                    else {
                        if (result.issues.length) {
                            payload.issues.push(...prefixIssues(key, result.issues));
                        }
                        payload.value[outKey] = result.value;
                    }
                }
            }
            let unrecognized;
            for (const key in input) {
                if (!recordKeys.has(key)) {
                    if (def.mode === "loose") {
                        // skip __proto__ so it can't replace the result prototype via the assignment setter on the plain {} we build into
                        if (key === "__proto__")
                            continue;
                        payload.value[key] = input[key];
                    }
                    else {
                        unrecognized = unrecognized ?? [];
                        unrecognized.push(key);
                    }
                }
            }
            if (unrecognized && unrecognized.length > 0) {
                payload.issues.push({
                    code: "unrecognized_keys",
                    input,
                    inst,
                    keys: unrecognized,
                    continue: true,
                });
            }
        }
        else {
            payload.value = memo ? memo.alloc(inst, payload, {}, ctx) : {};
            // An enumerable key schema declares which keys the record owns, so a key outside the set is unrecognized. A non-enumerable one (regex, refine) is a constraint every key must satisfy, so a failing key is invalid. Only the former is reconcilable against the other side of an intersection.
            let unrecognized;
            // Reflect.ownKeys for Symbol-key support; filter non-enumerable to match z.object()
            for (const key of Reflect.ownKeys(input)) {
                if (key === "__proto__")
                    continue;
                if (!Object.prototype.propertyIsEnumerable.call(input, key))
                    continue;
                let keyResult = def.keyType._zod.run({ value: key, issues: [] }, ctx);
                if (keyResult instanceof Promise) {
                    throw new Error("Async schemas not supported in object keys currently");
                }
                // Numeric string fallback: if key is a numeric string and failed, retry with Number(key). This handles z.number(), z.literal([1, 2, 3]), and unions containing numeric literals
                const checkNumericKey = typeof key === "string" && number.test(key) && keyResult.issues.length;
                if (checkNumericKey) {
                    const retryResult = def.keyType._zod.run({ value: Number(key), issues: [] }, ctx);
                    if (retryResult instanceof Promise) {
                        throw new Error("Async schemas not supported in object keys currently");
                    }
                    if (retryResult.issues.length === 0) {
                        keyResult = retryResult;
                    }
                }
                if (keyResult.issues.length) {
                    if (def.mode === "loose") {
                        // Pass through unchanged
                        payload.value[key] = input[key];
                    }
                    else if (values) {
                        unrecognized = unrecognized ?? [];
                        unrecognized.push(key);
                    }
                    else {
                        // Default "strict" behavior: error on invalid key
                        payload.issues.push({
                            code: "invalid_key",
                            origin: "record",
                            issues: keyResult.issues.map((iss) => finalizeIssue(iss, ctx, config())),
                            input: key,
                            path: [key],
                            inst,
                        });
                    }
                    continue;
                }
                // the guard above tests the raw input key, but the key schema can normalize an ordinary key into __proto__; re-check the key we actually write under
                const outKey = keyResult.value;
                if (outKey === "__proto__")
                    continue;
                const result = def.valueType._zod.run({ value: input[key], issues: [] }, ctx);
                if (result instanceof Promise) {
                    proms.push(result.then((result) => {
                        if (result.issues.length) {
                            payload.issues.push(...prefixIssues(key, result.issues));
                        }
                        payload.value[outKey] = result.value;
                    }));
                }
                else {
                    if (result.issues.length) {
                        payload.issues.push(...prefixIssues(key, result.issues));
                    }
                    payload.value[outKey] = result.value;
                }
            }
            if (unrecognized && unrecognized.length > 0) {
                payload.issues.push({
                    code: "unrecognized_keys",
                    input,
                    inst,
                    keys: unrecognized,
                    continue: true,
                });
            }
        }
        if (proms.length) {
            return Promise.all(proms).then(() => payload);
        }
        return payload;
    };
});
const $ZodMap = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodMap", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = core.globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!(input instanceof Map)) {
            payload.issues.push({
                expected: "map",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        const proms = [];
        payload.value = memo ? memo.alloc(inst, payload, new Map(), ctx) : new Map();
        const abortEarly = ctx?.abortEarly;
        let seen = payload.issues.length;
        for (const [key, value] of input) {
            if (abortEarly && payload.issues.length !== seen) {
                if (util.aborted(payload, seen))
                    break;
                seen = payload.issues.length;
            }
            const keyResult = def.keyType._zod.run({ value: key, issues: [] }, ctx);
            const valueResult = def.valueType._zod.run({ value: value, issues: [] }, ctx);
            if (keyResult instanceof Promise || valueResult instanceof Promise) {
                proms.push(Promise.all([keyResult, valueResult]).then(([keyResult, valueResult]) => {
                    handleMapResult(keyResult, valueResult, payload, key, input, inst, ctx);
                }));
            }
            else {
                handleMapResult(keyResult, valueResult, payload, key, input, inst, ctx);
            }
        }
        if (proms.length)
            return Promise.all(proms).then(() => payload);
        return payload;
    };
    capSize(inst, mapSize);
})));
function handleMapResult(keyResult, valueResult, final, key, input, inst, ctx) {
    if (keyResult.issues.length) {
        if (util.propertyKeyTypes.has(typeof key)) {
            final.issues.push(...util.prefixIssues(key, keyResult.issues));
        }
        else {
            final.issues.push({
                code: "invalid_key",
                origin: "map",
                input,
                inst,
                issues: keyResult.issues.map((iss) => util.finalizeIssue(iss, ctx, core.config())),
            });
        }
    }
    if (valueResult.issues.length) {
        if (util.propertyKeyTypes.has(typeof key)) {
            final.issues.push(...util.prefixIssues(key, valueResult.issues));
        }
        else {
            final.issues.push({
                origin: "map",
                code: "invalid_element",
                input,
                inst,
                key: key,
                issues: valueResult.issues.map((iss) => util.finalizeIssue(iss, ctx, core.config())),
            });
        }
    }
    final.value.set(keyResult.value, valueResult.value);
}
const $ZodSet = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodSet", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = core.globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!(input instanceof Set)) {
            payload.issues.push({
                input,
                inst,
                expected: "set",
                code: "invalid_type",
            });
            return payload;
        }
        const proms = [];
        payload.value = memo ? memo.alloc(inst, payload, new Set(), ctx) : new Set();
        const abortEarly = ctx?.abortEarly;
        let seen = payload.issues.length;
        for (const item of input) {
            if (abortEarly && payload.issues.length !== seen) {
                if (util.aborted(payload, seen))
                    break;
                seen = payload.issues.length;
            }
            const result = def.valueType._zod.run({ value: item, issues: [] }, ctx);
            if (result instanceof Promise) {
                proms.push(result.then((result) => handleSetResult(result, payload)));
            }
            else
                handleSetResult(result, payload);
        }
        if (proms.length)
            return Promise.all(proms).then(() => payload);
        return payload;
    };
    capSize(inst, setSize);
})));
function handleSetResult(result, final) {
    if (result.issues.length) {
        final.issues.push(...result.issues);
    }
    final.value.add(result.value);
}
const $ZodEnum = /*@__PURE__*/ $constructor("$ZodEnum", (inst, def) => {
    $ZodType.init(inst, def);
    const values = getEnumValues(def.entries);
    const valuesSet = new Set(values);
    inst._zod.values = valuesSet;
    defineLazyInternal(inst, "pattern", (zod) => {
        const patternValues = getEnumValues(zod.def.entries).filter((k) => propertyKeyTypes.has(typeof k));
        // unmatchable fallback, RE2-safe: an empty alternation would compile to /^()$/, which matches ""
        return new RegExp(patternValues.length ? `^(${patternValues.map((o) => escapeRegex(o.toString())).join("|")})$` : "^[^\\s\\S]$");
    });
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (valuesSet.has(input)) {
            return payload;
        }
        payload.issues.push({
            code: "invalid_value",
            values,
            input,
            inst,
        });
        return payload;
    };
});
const $ZodLiteral = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodLiteral", (inst, def) => {
    $ZodType.init(inst, def);
    const values = new Set(def.values);
    inst._zod.values = values;
    util.defineLazyInternal(inst, "pattern", (zod) => {
        const vals = zod.def.values;
        // unmatchable fallback, RE2-safe: an empty alternation would compile to /^()$/, which matches ""
        return new RegExp(vals.length
            ? `^(${vals
                .map((o) => typeof o === "string" ? util.escapeRegex(o) : o ? util.escapeRegex(o.toString()) : String(o))
                .join("|")})$`
            : "^[^\\s\\S]$");
    });
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (values.has(input)) {
            return payload;
        }
        payload.issues.push({
            code: "invalid_value",
            values: def.values,
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodFile = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodFile", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        // @ts-ignore
        if (input instanceof File)
            return payload;
        payload.issues.push({
            expected: "file",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodTransform = /*@__PURE__*/ $constructor("$ZodTransform", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.optin = "optional";
    globalConfig.memoizer?.guard(inst);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            throw new $ZodEncodeError(inst.constructor.name);
        }
        const _out = def.transform(payload.value, payload);
        if (ctx.async) {
            const output = _out instanceof Promise ? _out : Promise.resolve(_out);
            return output.then((output) => {
                payload.value = output;
                return payload;
            });
        }
        if (_out instanceof Promise) {
            throw new $ZodAsyncError();
        }
        payload.value = _out;
        return payload;
    };
});
function handleOptionalResult(payload, result) {
    // A substituting schema that still failed has no usable answer; yield undefined. Its issues are simply dropped: it ran on a payload of its own, so there is no shared array to truncate and nothing of the caller's to lose with it.
    payload.value = result.issues.length ? undefined : result.value;
    return payload;
}
const $ZodOptional = /*@__PURE__*/ $constructor("$ZodOptional", (inst, def) => {
    $ZodType.init(inst, def);
    // .optional() propagates absence rather than substituting for it, so a defaulted inner keeps its rung.
    defineLazyInternal(inst, "optin", (zod) => zod.def.innerType._zod.optin === "defaulted" ? "defaulted" : "optional");
    inst._zod.optout = "optional";
    defineLazyInternal(inst, "values", (zod) => {
        const values = zod.def.innerType._zod.values;
        return values ? new Set([...values, undefined]) : undefined;
    });
    defineLazyInternal(inst, "pattern", (zod) => {
        const pattern = zod.def.innerType._zod.pattern;
        return pattern ? new RegExp(`^(${cleanRegex(pattern.source)})?$`) : undefined;
    });
    inst._zod.parse = (payload, ctx) => {
        if (payload.value === undefined) {
            // Only the top rung substitutes a value for absence; everything else leaves it intact, which is what .optional() means.
            if (def.innerType._zod.optin !== "defaulted")
                return payload;
            // Its own payload, for the same reason $ZodCatch gets one: a pipe forwards an unrecognized key through the caller's issues array, and this must not read that as the substituting schema failing and drop it.
            const result = def.innerType._zod.run({ value: payload.value, issues: [] }, ctx);
            if (result instanceof Promise)
                return result.then((result) => handleOptionalResult(payload, result));
            return handleOptionalResult(payload, result);
        }
        return def.innerType._zod.run(payload, ctx);
    };
});
const $ZodExactOptional = /*@__PURE__*/ $constructor("$ZodExactOptional", (inst, def) => {
    // Call parent init - inherits optin/optout = "optional"
    $ZodOptional.init(inst, def);
    // Override values/pattern to NOT add undefined
    defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values);
    defineLazyInternal(inst, "pattern", (zod) => zod.def.innerType._zod.pattern);
    // Override parse to just delegate (no undefined handling)
    inst._zod.parse = (payload, ctx) => {
        return def.innerType._zod.run(payload, ctx);
    };
});
const $ZodNullable = /*@__PURE__*/ $constructor("$ZodNullable", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "optin", (zod) => zod.def.innerType._zod.optin);
    defineLazyInternal(inst, "optout", (zod) => zod.def.innerType._zod.optout);
    defineLazyInternal(inst, "pattern", (zod) => {
        const pattern = zod.def.innerType._zod.pattern;
        return pattern ? new RegExp(`^(${cleanRegex(pattern.source)}|null)$`) : undefined;
    });
    defineLazyInternal(inst, "values", (zod) => {
        return zod.def.innerType._zod.values ? new Set([...zod.def.innerType._zod.values, null]) : undefined;
    });
    inst._zod.parse = (payload, ctx) => {
        // Forward direction (decode): allow null to pass through
        if (payload.value === null)
            return payload;
        return def.innerType._zod.run(payload, ctx);
    };
});
const $ZodDefault = /*@__PURE__*/ $constructor("$ZodDefault", (inst, def) => {
    $ZodType.init(inst, def);
    // inst._zod.qin = "true";
    inst._zod.optin = "defaulted";
    defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        // Forward direction (decode): apply defaults for undefined input
        if (payload.value === undefined) {
            payload.value = def.defaultValue;
            /**
             * $ZodDefault returns the default value immediately in forward direction.
             * It doesn't pass the default value into the validator ("prefault"). There's no reason to pass the default value through validation. The validity of the default is enforced by TypeScript statically. Otherwise, it's the responsibility of the user to ensure the default is valid. In the case of pipes with divergent in/out types, you can specify the default on the `in` schema of your ZodPipe to set a "prefault" for the pipe.   */
            return payload;
        }
        // Forward direction: continue with default handling
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then((result) => handleDefaultResult(result, def));
        }
        return handleDefaultResult(result, def);
    };
});
function handleDefaultResult(payload, def) {
    if (payload.value === undefined) {
        payload.value = def.defaultValue;
    }
    return payload;
}
const $ZodPrefault = /*@__PURE__*/ $constructor("$ZodPrefault", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.optin = "defaulted";
    defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        // Forward direction (decode): apply prefault for undefined input
        if (payload.value === undefined) {
            payload.value = def.defaultValue;
        }
        return def.innerType._zod.run(payload, ctx);
    };
});
const $ZodNonOptional = /*@__PURE__*/ $constructor("$ZodNonOptional", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "values", (zod) => {
        const v = zod.def.innerType._zod.values;
        return v ? new Set([...v].filter((x) => x !== undefined)) : undefined;
    });
    inst._zod.parse = (payload, ctx) => {
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then((result) => handleNonOptionalResult(result, inst));
        }
        return handleNonOptionalResult(result, inst);
    };
});
function handleNonOptionalResult(payload, inst) {
    if (!payload.issues.length && payload.value === undefined) {
        payload.issues.push({
            code: "invalid_type",
            expected: "nonoptional",
            input: payload.value,
            inst,
        });
    }
    return payload;
}
const $ZodSuccess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodSuccess", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            throw new core.$ZodEncodeError("ZodSuccess");
        }
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then((result) => {
                payload.value = result.issues.length === 0;
                return payload;
            });
        }
        payload.value = result.issues.length === 0;
        return payload;
    };
})));
function handleCatchResult(payload, result, def, ctx) {
    if (!result.issues.length) {
        payload.value = result.value;
        // The value carries up, so the flag describing it has to carry with it: a back-edge into a node still being parsed must not be frozen by an enclosing readonly, and its checks belong to the node itself. Guarded so the ordinary case adds no own property.
        if (result.memo)
            payload.memo = true;
        return payload;
    }
    // Spread the inner's own payload, not ours: `value` has to stay the input the catch was handed, and the inner ran on a payload of its own so its issues are already private to this call.
    payload.value = def.catchValue({
        ...result,
        value: payload.value,
        error: {
            issues: result.issues.map((iss) => finalizeIssue(iss, ctx, config())),
        },
        input: payload.value,
    });
    return payload;
}
const $ZodCatch = /*@__PURE__*/ $constructor("$ZodCatch", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "optin", (zod) => zod.def.innerType._zod.optin === "defaulted" ? "defaulted" : "optional");
    defineLazyInternal(inst, "optout", (zod) => zod.def.innerType._zod.optout);
    defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        // Forward direction (decode): apply catch logic
        const result = def.innerType._zod.run({ value: payload.value, issues: [] }, ctx);
        if (result instanceof Promise) {
            return result.then((result) => handleCatchResult(payload, result, def, ctx));
        }
        return handleCatchResult(payload, result, def, ctx);
    };
});
const $ZodNaN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodNaN", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        if (typeof payload.value !== "number" || !Number.isNaN(payload.value)) {
            payload.issues.push({
                input: payload.value,
                inst,
                expected: "nan",
                code: "invalid_type",
            });
            return payload;
        }
        return payload;
    };
})));
const $ZodPipe = /*@__PURE__*/ $constructor("$ZodPipe", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "values", (zod) => zod.def.in._zod.values);
    defineLazyInternal(inst, "optin", (zod) => zod.def.in._zod.optin);
    defineLazyInternal(inst, "optout", (zod) => zod.def.out._zod.optout);
    defineLazyInternal(inst, "propValues", (zod) => zod.def.in._zod.propValues);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            const right = def.out._zod.run(payload, ctx);
            if (right instanceof Promise) {
                return right.then((right) => handlePipeResult(right, def.in, ctx));
            }
            return handlePipeResult(right, def.in, ctx);
        }
        const left = def.in._zod.run(payload, ctx);
        if (left instanceof Promise) {
            return left.then((left) => handlePipeResult(left, def.out, ctx));
        }
        return handlePipeResult(left, def.out, ctx);
    };
});
function handlePipeResult(left, next, ctx) {
    // Any issue stops the pipe, so a failing refinement never feeds its transform. An unrecognized key is the exception: it describes the input's extra properties, not the value being piped, and an enclosing intersection may yet reconcile it.
    if (left.issues.some((iss) => iss.code !== "unrecognized_keys")) {
        // prevent further checks
        left.aborted = true;
        return left;
    }
    return next._zod.run({ value: left.value, issues: left.issues }, ctx);
}
const $ZodCodec = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCodec", (inst, def) => {
    $ZodType.init(inst, def);
    util.defineLazyInternal(inst, "values", (zod) => zod.def.in._zod.values);
    util.defineLazyInternal(inst, "optin", (zod) => zod.def.in._zod.optin);
    util.defineLazyInternal(inst, "optout", (zod) => zod.def.out._zod.optout);
    util.defineLazyInternal(inst, "propValues", (zod) => zod.def.in._zod.propValues);
    inst._zod.parse = (payload, ctx) => {
        const direction = ctx.direction || "forward";
        if (direction === "forward") {
            const left = def.in._zod.run(payload, ctx);
            if (left instanceof Promise) {
                return left.then((left) => handleCodecAResult(left, def, ctx));
            }
            return handleCodecAResult(left, def, ctx);
        }
        else {
            const right = def.out._zod.run(payload, ctx);
            if (right instanceof Promise) {
                return right.then((right) => handleCodecAResult(right, def, ctx));
            }
            return handleCodecAResult(right, def, ctx);
        }
    };
})));
function handleCodecAResult(result, def, ctx) {
    if (result.issues.length) {
        // prevent further checks
        result.aborted = true;
        return result;
    }
    const direction = ctx.direction || "forward";
    if (direction === "forward") {
        const transformed = def.transform(result.value, result);
        if (transformed instanceof Promise) {
            return transformed.then((value) => handleCodecTxResult(result, value, def.out, ctx));
        }
        return handleCodecTxResult(result, transformed, def.out, ctx);
    }
    else {
        const transformed = def.reverseTransform(result.value, result);
        if (transformed instanceof Promise) {
            return transformed.then((value) => handleCodecTxResult(result, value, def.in, ctx));
        }
        return handleCodecTxResult(result, transformed, def.in, ctx);
    }
}
function handleCodecTxResult(left, value, nextSchema, ctx) {
    // Check if transform added any issues
    if (left.issues.length) {
        left.aborted = true;
        return left;
    }
    return nextSchema._zod.run({ value, issues: left.issues }, ctx);
}
const $ZodPreprocess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodPreprocess", (inst, def) => {
    $ZodPipe.init(inst, def);
})));
const $ZodReadonly = /*@__PURE__*/ $constructor("$ZodReadonly", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "propValues", (zod) => zod.def.innerType._zod.propValues);
    defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values);
    defineLazyInternal(inst, "optin", (zod) => zod.def.innerType?._zod?.optin);
    defineLazyInternal(inst, "optout", (zod) => zod.def.innerType?._zod?.optout);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then(handleReadonlyResult);
        }
        return handleReadonlyResult(result);
    };
});
function handleReadonlyResult(payload) {
    // A repeat visit hands back a node that is still being built; freezing it here would make the rest of its keys fail to assign.
    if (!payload.memo)
        payload.value = Object.freeze(payload.value);
    return payload;
}
// a leaf's pattern source with its own checks folded in: the last pattern-carrying check wins, else length bounds narrow the catch-all, else an integer format narrows the number form. the fold lives here instead of on `_zod.pattern` so a bundle without template literals never pays for it
function leafPattern(schema) {
    const def = schema._zod.def;
    let pattern = def.pattern;
    let isInt = !!def.format?.includes("int");
    let minimum;
    let maximum;
    for (const ch of def.checks ?? []) {
        const d = ch._zod.def;
        if (d.pattern)
            pattern = d.pattern;
        isInt || (isInt = !!d.format?.includes("int"));
        const lo = d.minimum ?? d.length;
        const hi = d.maximum ?? d.length;
        if (lo !== undefined && (minimum === undefined || lo > minimum))
            minimum = lo;
        if (hi !== undefined && (maximum === undefined || hi < maximum))
            maximum = hi;
    }
    if (pattern)
        return pattern.source;
    // an empty range matches nothing at runtime, and `{8,5}` is not a legal quantifier
    if (minimum !== undefined && maximum !== undefined && minimum > maximum)
        return "(?!)";
    if (minimum !== undefined || maximum !== undefined)
        return regexes.string({ minimum, maximum }).source;
    const own = schema._zod.pattern;
    return (isInt && own === regexes.number ? regexes.integer : own)?.source;
}
// a part's pattern source. a wrapper's pattern embeds its inner pattern's source verbatim, so the folded form is substituted in place without knowing the wrapper's own composition; a union's options are joined the way the union builds its own pattern
function partPattern(schema) {
    const def = schema._zod.def;
    const own = schema._zod.pattern?.source;
    // lazy resolves its inner on the internals, not the def
    const inner = def.innerType ?? schema._zod.innerType;
    if (inner) {
        const before = inner._zod.pattern?.source;
        const after = partPattern(inner);
        if (own && before && after && after !== before) {
            return own.replace(util.cleanRegex(before), () => util.cleanRegex(after));
        }
        return own;
    }
    if (def.options) {
        const sources = def.options.map(partPattern);
        if (sources.every(Boolean))
            return `^(${sources.map((s) => util.cleanRegex(s)).join("|")})$`;
    }
    return leafPattern(schema);
}
const $ZodTemplateLiteral = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodTemplateLiteral", (inst, def) => {
    $ZodType.init(inst, def);
    const regexParts = [];
    for (const part of def.parts) {
        if (typeof part === "object" && part !== null) {
            // is Zod schema
            const source = partPattern(part);
            if (!source) {
                throw new Error(`Invalid template literal part, no pattern found: ${[...part._zod.traits].shift()}`);
            }
            regexParts.push(util.cleanRegex(source));
        }
        else if (part === null || util.primitiveTypes.has(typeof part)) {
            regexParts.push(util.escapeRegex(`${part}`));
        }
        else {
            throw new Error(`Invalid template literal part: ${part}`);
        }
    }
    inst._zod.pattern = new RegExp(`^${regexParts.join("")}$`);
    inst._zod.parse = (payload, _ctx) => {
        if (typeof payload.value !== "string") {
            payload.issues.push({
                input: payload.value,
                inst,
                expected: "string",
                code: "invalid_type",
            });
            return payload;
        }
        inst._zod.pattern.lastIndex = 0;
        if (!inst._zod.pattern.test(payload.value)) {
            payload.issues.push({
                input: payload.value,
                inst,
                code: "invalid_format",
                format: def.format ?? "template_literal",
                pattern: inst._zod.pattern.source,
            });
            return payload;
        }
        return payload;
    };
})));
const $ZodFunction = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodFunction", (inst, def) => {
    $ZodType.init(inst, def);
    // Defined, not assigned: the classic prototype exposes `_def` as a getter with no setter.
    Object.defineProperty(inst, "_def", { value: def });
    inst._zod.def = def;
    inst.implement = (func) => {
        if (typeof func !== "function") {
            throw new Error("implement() must be called with a function");
        }
        // Defined inline so the closure stays anonymous: binding it to a `const` first names it, which costs 256 bytes per implemented function.
        return Object.defineProperty(function (...args) {
            const parsedArgs = inst._def.input ? parse(inst._def.input, args) : args;
            const result = Reflect.apply(func, this, parsedArgs);
            if (inst._def.output) {
                return parse(inst._def.output, result);
            }
            return result;
        }, "_zod", { value: inst._zod, enumerable: false });
    };
    inst.implementAsync = (func) => {
        if (typeof func !== "function") {
            throw new Error("implementAsync() must be called with a function");
        }
        return Object.defineProperty(async function (...args) {
            const parsedArgs = inst._def.input ? await parseAsync(inst._def.input, args) : args;
            const result = await Reflect.apply(func, this, parsedArgs);
            if (inst._def.output) {
                return await parseAsync(inst._def.output, result);
            }
            return result;
        }, "_zod", { value: inst._zod, enumerable: false });
    };
    inst._zod.parse = (payload, _ctx) => {
        if (typeof payload.value !== "function") {
            payload.issues.push({
                code: "invalid_type",
                expected: "function",
                input: payload.value,
                inst,
            });
            return payload;
        }
        // Check if output is a promise type to determine if we should use async implementation
        const hasPromiseOutput = inst._def.output && inst._def.output._zod.def.type === "promise";
        if (hasPromiseOutput) {
            payload.value = inst.implementAsync(payload.value);
        }
        else {
            payload.value = inst.implement(payload.value);
        }
        return payload;
    };
    inst.input = (...args) => {
        const F = inst.constructor;
        if (Array.isArray(args[0])) {
            return new F({
                type: "function",
                input: new $ZodTuple({
                    type: "tuple",
                    items: args[0],
                    rest: args[1],
                }),
                output: inst._def.output,
            });
        }
        return new F({
            type: "function",
            input: args[0],
            output: inst._def.output,
        });
    };
    inst.output = (output) => {
        const F = inst.constructor;
        return new F({
            type: "function",
            input: inst._def.input,
            output,
        });
    };
    return inst;
})));
const $ZodPromise = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodPromise", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, ctx) => {
        return Promise.resolve(payload.value).then((inner) => def.innerType._zod.run({ value: inner, issues: [] }, ctx));
    };
})));
const $ZodLazy = /*@__PURE__*/ $constructor("$ZodLazy", (inst, def) => {
    $ZodType.init(inst, def);
    // Cache the resolved inner type on the shared `def` so all clones of this lazy (e.g. via `.describe()`/`.meta()`) share the same inner instance, preserving identity for cycle detection on recursive schemas.
    defineLazy(inst._zod, "innerType", () => {
        const d = def;
        if (!d._cachedInner)
            d._cachedInner = def.getter();
        return d._cachedInner;
    });
    defineLazyInternal(inst, "pattern", (zod) => zod.innerType?._zod?.pattern);
    defineLazyInternal(inst, "propValues", (zod) => zod.innerType?._zod?.propValues);
    defineLazyInternal(inst, "optin", (zod) => zod.innerType?._zod?.optin ?? undefined);
    defineLazyInternal(inst, "optout", (zod) => zod.innerType?._zod?.optout ?? undefined);
    inst._zod.parse = (payload, ctx) => {
        const inner = inst._zod.innerType;
        return inner._zod.run(payload, ctx);
    };
});
const $ZodCustom = /*@__PURE__*/ $constructor("$ZodCustom", (inst, def) => {
    $ZodCheck.init(inst, def);
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _) => {
        return payload;
    };
    inst._zod.check = (payload) => {
        const input = payload.value;
        const r = def.fn(input);
        if (r instanceof Promise) {
            return r.then((r) => handleRefineResult(r, payload, input, inst));
        }
        handleRefineResult(r, payload, input, inst);
        return;
    };
});
function handleRefineResult(result, payload, input, inst) {
    if (!result) {
        const _iss = {
            code: "custom",
            input,
            inst, // incorporates params.error into issue reporting
            path: [...(inst._zod.def.path ?? [])], // incorporates params.error into issue reporting
            continue: !inst._zod.def.abort,
            // params: inst._zod.def.params,
        };
        if (inst._zod.def.params)
            _iss.params = inst._zod.def.params;
        payload.issues.push(util_issue(_iss));
    }
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/registries.js
var registries_a;
const $output = /*@__PURE__*/ (/* unused pure expression or super */ null && (Symbol("ZodOutput")));
const $input = /*@__PURE__*/ (/* unused pure expression or super */ null && (Symbol("ZodInput")));
class $ZodRegistry {
    constructor() {
        this._map = new WeakMap();
        this._idmap = new Map();
    }
    add(schema, ..._meta) {
        const meta = _meta[0];
        this._map.set(schema, meta);
        if (meta && typeof meta === "object" && "id" in meta) {
            this._idmap.set(meta.id, schema);
        }
        return this;
    }
    clear() {
        this._map = new WeakMap();
        this._idmap = new Map();
        return this;
    }
    remove(schema) {
        const meta = this._map.get(schema);
        if (meta && typeof meta === "object" && "id" in meta) {
            this._idmap.delete(meta.id);
        }
        this._map.delete(schema);
        return this;
    }
    get(schema) {
        // return this._map.get(schema) as any;
        // inherit metadata
        const p = schema._zod.parent;
        if (p) {
            const pm = { ...(this.get(p) ?? {}) };
            delete pm.id; // do not inherit id
            const f = { ...pm, ...this._map.get(schema) };
            return Object.keys(f).length ? f : undefined;
        }
        return this._map.get(schema);
    }
    has(schema) {
        return this._map.has(schema);
    }
}
// registries
function registry() {
    return new $ZodRegistry();
}
(registries_a = globalThis).__zod_globalRegistry ?? (registries_a.__zod_globalRegistry = registry());
const globalRegistry = globalThis.__zod_globalRegistry;

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/api.js




function snapshotChecks(def) {
    if (def.checks)
        def.checks = [...def.checks];
    return def;
}
// @__NO_SIDE_EFFECTS__
function _string(Class, params) {
    return new Class(snapshotChecks({ type: "string", ...normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _coercedString(Class, params) {
    return new Class(snapshotChecks({ type: "string", coerce: true, ...util.normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _email(Class, params) {
    return new Class({
        type: "string",
        format: "email",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _guid(Class, params) {
    return new Class({
        type: "string",
        format: "guid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuid(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuidv4(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        version: "v4",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuidv6(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        version: "v6",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuidv7(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        version: "v7",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _url(Class, params) {
    return new Class({
        type: "string",
        format: "url",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function api_emoji(Class, params) {
    return new Class({
        type: "string",
        format: "emoji",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _nanoid(Class, params) {
    return new Class({
        type: "string",
        format: "nanoid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link _cuid2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
// @__NO_SIDE_EFFECTS__
function _cuid(Class, params) {
    return new Class({
        type: "string",
        format: "cuid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _cuid2(Class, params) {
    return new Class({
        type: "string",
        format: "cuid2",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ulid(Class, params) {
    return new Class({
        type: "string",
        format: "ulid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _xid(Class, params) {
    return new Class({
        type: "string",
        format: "xid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ksuid(Class, params) {
    return new Class({
        type: "string",
        format: "ksuid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ipv4(Class, params) {
    return new Class({
        type: "string",
        format: "ipv4",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ipv6(Class, params) {
    return new Class({
        type: "string",
        format: "ipv6",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _mac(Class, params) {
    return new Class({
        type: "string",
        format: "mac",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _cidrv4(Class, params) {
    return new Class({
        type: "string",
        format: "cidrv4",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _cidrv6(Class, params) {
    return new Class({
        type: "string",
        format: "cidrv6",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _base64(Class, params) {
    return new Class({
        type: "string",
        format: "base64",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _base64url(Class, params) {
    return new Class({
        type: "string",
        format: "base64url",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _e164(Class, params) {
    return new Class({
        type: "string",
        format: "e164",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _creditCard(Class, params) {
    return new Class({
        type: "string",
        format: "credit_card",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _iban(Class, params) {
    return new Class({
        type: "string",
        format: "iban",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _jwt(Class, params) {
    return new Class({
        type: "string",
        format: "jwt",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
const TimePrecision = {
    Any: null,
    Minute: -1,
    Second: 0,
    Millisecond: 3,
    Microsecond: 6,
};
// @__NO_SIDE_EFFECTS__
function _isoDateTime(Class, params) {
    return new Class({
        type: "string",
        format: "datetime",
        check: "string_format",
        offset: false,
        local: false,
        precision: null,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _isoDate(Class, params) {
    return new Class({
        type: "string",
        format: "date",
        check: "string_format",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _isoTime(Class, params) {
    return new Class({
        type: "string",
        format: "time",
        check: "string_format",
        precision: null,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _isoDuration(Class, params) {
    return new Class({
        type: "string",
        format: "duration",
        check: "string_format",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _number(Class, params) {
    return new Class(snapshotChecks({ type: "number", checks: [], ...normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _coercedNumber(Class, params) {
    return new Class(snapshotChecks({ type: "number", coerce: true, checks: [], ...util.normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _int(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "safeint",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _float32(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "float32",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _float64(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "float64",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _int32(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "int32",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uint32(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "uint32",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _boolean(Class, params) {
    return new Class({
        type: "boolean",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _coercedBoolean(Class, params) {
    return new Class({
        type: "boolean",
        coerce: true,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _bigint(Class, params) {
    return new Class({
        type: "bigint",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _coercedBigint(Class, params) {
    return new Class({
        type: "bigint",
        coerce: true,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _int64(Class, params) {
    return new Class({
        type: "bigint",
        check: "bigint_format",
        abort: false,
        format: "int64",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uint64(Class, params) {
    return new Class({
        type: "bigint",
        check: "bigint_format",
        abort: false,
        format: "uint64",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _symbol(Class, params) {
    return new Class({
        type: "symbol",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function api_undefined(Class, params) {
    return new Class({
        type: "undefined",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function api_null(Class, params) {
    return new Class({
        type: "null",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _any(Class) {
    return new Class({
        type: "any",
    });
}
// @__NO_SIDE_EFFECTS__
function _unknown(Class) {
    return new Class({
        type: "unknown",
    });
}
// @__NO_SIDE_EFFECTS__
function _never(Class, params) {
    return new Class({
        type: "never",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _void(Class, params) {
    return new Class({
        type: "void",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _date(Class, params) {
    return new Class({
        type: "date",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _coercedDate(Class, params) {
    return new Class({
        type: "date",
        coerce: true,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _nan(Class, params) {
    return new Class({
        type: "nan",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _lt(value, params) {
    return new $ZodCheckLessThan({
        check: "less_than",
        ...normalizeParams(params),
        value,
        inclusive: false,
    });
}
// @__NO_SIDE_EFFECTS__
function _lte(value, params) {
    return new $ZodCheckLessThan({
        check: "less_than",
        ...normalizeParams(params),
        value,
        inclusive: true,
    });
}

// @__NO_SIDE_EFFECTS__
function _gt(value, params) {
    return new $ZodCheckGreaterThan({
        check: "greater_than",
        ...normalizeParams(params),
        value,
        inclusive: false,
    });
}
// @__NO_SIDE_EFFECTS__
function _gte(value, params) {
    return new $ZodCheckGreaterThan({
        check: "greater_than",
        ...normalizeParams(params),
        value,
        inclusive: true,
    });
}

// @__NO_SIDE_EFFECTS__
function _positive(params) {
    return _gt(0, params);
}
// negative
// @__NO_SIDE_EFFECTS__
function _negative(params) {
    return _lt(0, params);
}
// nonpositive
// @__NO_SIDE_EFFECTS__
function _nonpositive(params) {
    return _lte(0, params);
}
// nonnegative
// @__NO_SIDE_EFFECTS__
function _nonnegative(params) {
    return _gte(0, params);
}
// @__NO_SIDE_EFFECTS__
function _multipleOf(value, params) {
    return new $ZodCheckMultipleOf({
        check: "multiple_of",
        ...normalizeParams(params),
        value,
    });
}
// @__NO_SIDE_EFFECTS__
function _maxSize(maximum, params) {
    return new checks.$ZodCheckMaxSize({
        check: "max_size",
        ...util.normalizeParams(params),
        maximum,
    });
}
// @__NO_SIDE_EFFECTS__
function _minSize(minimum, params) {
    return new checks.$ZodCheckMinSize({
        check: "min_size",
        ...util.normalizeParams(params),
        minimum,
    });
}
// @__NO_SIDE_EFFECTS__
function _size(size, params) {
    return new checks.$ZodCheckSizeEquals({
        check: "size_equals",
        ...util.normalizeParams(params),
        size,
    });
}
// @__NO_SIDE_EFFECTS__
function _maxLength(maximum, params) {
    const ch = new $ZodCheckMaxLength({
        check: "max_length",
        ...normalizeParams(params),
        maximum,
    });
    return ch;
}
// @__NO_SIDE_EFFECTS__
function _minLength(minimum, params) {
    return new $ZodCheckMinLength({
        check: "min_length",
        ...normalizeParams(params),
        minimum,
    });
}
// @__NO_SIDE_EFFECTS__
function _length(length, params) {
    return new $ZodCheckLengthEquals({
        check: "length_equals",
        ...normalizeParams(params),
        length,
    });
}
// @__NO_SIDE_EFFECTS__
function _regex(pattern, params) {
    return new $ZodCheckRegex({
        check: "string_format",
        format: "regex",
        ...normalizeParams(params),
        pattern,
    });
}
// @__NO_SIDE_EFFECTS__
function _lowercase(params) {
    return new $ZodCheckLowerCase({
        check: "string_format",
        format: "lowercase",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uppercase(params) {
    return new $ZodCheckUpperCase({
        check: "string_format",
        format: "uppercase",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _includes(includes, params) {
    return new $ZodCheckIncludes({
        check: "string_format",
        format: "includes",
        ...normalizeParams(params),
        includes,
    });
}
// @__NO_SIDE_EFFECTS__
function _startsWith(prefix, params) {
    return new $ZodCheckStartsWith({
        check: "string_format",
        format: "starts_with",
        ...normalizeParams(params),
        prefix,
    });
}
// @__NO_SIDE_EFFECTS__
function _endsWith(suffix, params) {
    return new $ZodCheckEndsWith({
        check: "string_format",
        format: "ends_with",
        ...normalizeParams(params),
        suffix,
    });
}
// @__NO_SIDE_EFFECTS__
function _property(property, schema, params) {
    return new checks.$ZodCheckProperty({
        check: "property",
        property,
        schema,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _properties(shape, params) {
    return new $ZodCheckProperties({
        check: "properties",
        shape,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _mime(types, params) {
    return new checks.$ZodCheckMimeType({
        check: "mime_type",
        mime: types,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _overwrite(tx) {
    return new $ZodCheckOverwrite({
        check: "overwrite",
        tx,
    });
}
// normalize
// @__NO_SIDE_EFFECTS__
function _normalize(form) {
    return _overwrite((input) => input.normalize(form));
}
// trim
// @__NO_SIDE_EFFECTS__
function _trim() {
    return _overwrite((input) => input.trim());
}
// toLowerCase
// @__NO_SIDE_EFFECTS__
function _toLowerCase() {
    return _overwrite((input) => input.toLowerCase());
}
// toUpperCase
// @__NO_SIDE_EFFECTS__
function _toUpperCase() {
    return _overwrite((input) => input.toUpperCase());
}
// slugify
// @__NO_SIDE_EFFECTS__
function _slugify() {
    return _overwrite((input) => slugify(input));
}
// @__NO_SIDE_EFFECTS__
function _array(Class, element, params) {
    return new Class({
        type: "array",
        element,
        // get element() {
        //   return element;
        // },
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _union(Class, options, params) {
    return new Class({
        type: "union",
        options,
        ...util.normalizeParams(params),
    });
}
function _xor(Class, options, params) {
    return new Class({
        type: "union",
        options,
        inclusive: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _discriminatedUnion(Class, discriminator, options, params) {
    return new Class({
        type: "union",
        options: options,
        discriminator,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _intersection(Class, left, right) {
    return new Class({
        type: "intersection",
        left,
        right,
    });
}
// export function _tuple(
//   Class: util.SchemaClass<schemas.$ZodTuple>,
//   items: [],
//   params?: string | $ZodTupleParams
// ): schemas.$ZodTuple<[], null>;
// @__NO_SIDE_EFFECTS__
function _tuple(Class, items, _paramsOrRest, _params) {
    const hasRest = _paramsOrRest instanceof schemas.$ZodType;
    const params = hasRest ? _params : _paramsOrRest;
    const rest = hasRest ? _paramsOrRest : null;
    return new Class({
        type: "tuple",
        items,
        rest,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _record(Class, keyType, valueType, params) {
    return new Class({
        type: "record",
        keyType,
        valueType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _map(Class, keyType, valueType, params) {
    return new Class({
        type: "map",
        keyType,
        valueType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _set(Class, valueType, params) {
    return new Class({
        type: "set",
        valueType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _enum(Class, values, params) {
    const entries = Array.isArray(values) ? Object.fromEntries(values.map((v) => [v, v])) : values;
    // if (Array.isArray(values)) {
    //   for (const value of values) {
    //     entries[value] = value;
    //   }
    // } else {
    //   Object.assign(entries, values);
    // }
    // const entries: util.EnumLike = {};
    // for (const val of values) {
    //   entries[val] = val;
    // }
    return new Class({
        type: "enum",
        entries,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
/** @deprecated This API has been merged into `z.enum()`. Use `z.enum()` instead.
 *
 * ```ts
 * enum Colors { red, green, blue }
 * z.enum(Colors);
 * ```
 */
function _nativeEnum(Class, entries, params) {
    return new Class({
        type: "enum",
        entries,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _literal(Class, value, params) {
    return new Class({
        type: "literal",
        values: Array.isArray(value) ? value : [value],
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _file(Class, params) {
    return new Class({
        type: "file",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _transform(Class, fn) {
    return new Class({
        type: "transform",
        transform: fn,
    });
}
// @__NO_SIDE_EFFECTS__
function _optional(Class, innerType) {
    return new Class({
        type: "optional",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _nullable(Class, innerType) {
    return new Class({
        type: "nullable",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _default(Class, innerType, defaultValue) {
    return new Class({
        type: "default",
        innerType,
        get defaultValue() {
            return typeof defaultValue === "function" ? defaultValue() : util.shallowClone(defaultValue);
        },
    });
}
// @__NO_SIDE_EFFECTS__
function _nonoptional(Class, innerType, params) {
    return new Class({
        type: "nonoptional",
        innerType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _success(Class, innerType) {
    return new Class({
        type: "success",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _catch(Class, innerType, catchValue) {
    return new Class({
        type: "catch",
        innerType,
        catchValue: (typeof catchValue === "function" ? catchValue : util.constantCatch(catchValue)),
    });
}
// @__NO_SIDE_EFFECTS__
function _pipe(Class, in_, out) {
    return new Class({
        type: "pipe",
        in: in_,
        out,
    });
}
// @__NO_SIDE_EFFECTS__
function _readonly(Class, innerType) {
    return new Class({
        type: "readonly",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _templateLiteral(Class, parts, params) {
    return new Class({
        type: "template_literal",
        parts,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _lazy(Class, getter) {
    return new Class({
        type: "lazy",
        getter,
    });
}
// @__NO_SIDE_EFFECTS__
function _promise(Class, innerType) {
    return new Class({
        type: "promise",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _custom(Class, fn, _params) {
    const norm = util.normalizeParams(_params);
    norm.abort ?? (norm.abort = true); // default to abort:false
    const schema = new Class({
        type: "custom",
        check: "custom",
        fn: fn,
        ...norm,
    });
    return schema;
}
// same as _custom but defaults to abort:false
// @__NO_SIDE_EFFECTS__
function _refine(Class, fn, _params) {
    const schema = new Class({
        type: "custom",
        check: "custom",
        fn: fn,
        ...normalizeParams(_params),
    });
    return schema;
}
// @__NO_SIDE_EFFECTS__
function _superRefine(fn, params) {
    const ch = _check((payload) => {
        payload.addIssue = (issue) => {
            if (typeof issue === "string") {
                payload.issues.push(util_issue(issue, payload.value, ch._zod.def));
            }
            else {
                // for Zod 3 backwards compatibility
                const _issue = issue;
                if (_issue.fatal)
                    _issue.continue = false;
                _issue.code ?? (_issue.code = "custom");
                if (!("input" in _issue))
                    _issue.input = payload.value;
                _issue.inst ?? (_issue.inst = ch);
                _issue.continue ?? (_issue.continue = !ch._zod.def.abort); // abort is always undefined, so this is always true...
                payload.issues.push(util_issue(_issue));
            }
        };
        return fn(payload.value, payload);
    }, params);
    return ch;
}
// @__NO_SIDE_EFFECTS__
function _check(fn, params) {
    const ch = new $ZodCheck({
        check: "custom",
        ...normalizeParams(params),
    });
    ch._zod.check = fn;
    return ch;
}
// @__NO_SIDE_EFFECTS__
function describe(description) {
    const ch = new $ZodCheck({ check: "describe" });
    ch._zod.onattach = [
        (inst) => {
            const existing = globalRegistry.get(inst) ?? {};
            globalRegistry.add(inst, { ...existing, description });
        },
    ];
    ch._zod.check = () => { }; // no-op check
    return ch;
}
// @__NO_SIDE_EFFECTS__
function meta(metadata) {
    const ch = new $ZodCheck({ check: "meta" });
    ch._zod.onattach = [
        (inst) => {
            const existing = globalRegistry.get(inst) ?? {};
            globalRegistry.add(inst, { ...existing, ...metadata });
        },
    ];
    ch._zod.check = () => { }; // no-op check
    return ch;
}
// @__NO_SIDE_EFFECTS__
function _stringbool(Classes, _params) {
    const params = util.normalizeParams(_params);
    let truthyArray = params.truthy ?? ["true", "1", "yes", "on", "y", "enabled"];
    let falsyArray = params.falsy ?? ["false", "0", "no", "off", "n", "disabled"];
    if (params.case !== "sensitive") {
        truthyArray = truthyArray.map((v) => (typeof v === "string" ? v.toLowerCase() : v));
        falsyArray = falsyArray.map((v) => (typeof v === "string" ? v.toLowerCase() : v));
    }
    const truthySet = new Set(truthyArray);
    const falsySet = new Set(falsyArray);
    const _Codec = Classes.Codec ?? schemas.$ZodCodec;
    const _Boolean = Classes.Boolean ?? schemas.$ZodBoolean;
    const _String = Classes.String ?? schemas.$ZodString;
    const stringSchema = new _String({ type: "string", error: params.error });
    const booleanSchema = new _Boolean({ type: "boolean", error: params.error });
    const codec = new _Codec({
        type: "pipe",
        in: stringSchema,
        out: booleanSchema,
        transform: ((input, payload) => {
            let data = input;
            if (params.case !== "sensitive")
                data = data.toLowerCase();
            if (truthySet.has(data)) {
                return true;
            }
            else if (falsySet.has(data)) {
                return false;
            }
            else {
                payload.issues.push({
                    code: "invalid_value",
                    expected: "stringbool",
                    values: [...truthySet, ...falsySet],
                    input: payload.value,
                    inst: codec,
                    continue: false,
                });
                return {};
            }
        }),
        reverseTransform: ((input, _payload) => {
            if (input === true) {
                return truthyArray[0] || "true";
            }
            else {
                return falsyArray[0] || "false";
            }
        }),
        error: params.error,
    });
    codec._zod.bag.truthy = truthyArray;
    codec._zod.bag.falsy = falsyArray;
    codec._zod.bag.case = params.case ?? "insensitive";
    return codec;
}
// @__NO_SIDE_EFFECTS__
function _stringFormat(Class, format, fnOrRegex, _params = {}) {
    const params = util.normalizeParams(_params);
    const def = {
        check: "string_format",
        type: "string",
        format,
        fn: typeof fnOrRegex === "function" ? fnOrRegex : (val) => fnOrRegex.test(val),
        ...params,
    };
    if (fnOrRegex instanceof RegExp) {
        def.pattern = fnOrRegex;
    }
    const inst = new Class(def);
    return inst;
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/to-json-schema.js


function assignProps(target, ...sources) {
    for (const source of sources) {
        for (const key of Reflect.ownKeys(source)) {
            if (Object.prototype.propertyIsEnumerable.call(source, key)) {
                util_assignProp(target, key, source[key]);
            }
        }
    }
    return target;
}
// function initializeContext<T extends schemas.$ZodType>(inputs: JSONSchemaGeneratorParams<T>): ToJSONSchemaContext<T> {
//   return {
//     processor: inputs.processor,
//     metadataRegistry: inputs.metadata ?? globalRegistry,
//     target: inputs.target ?? "draft-2020-12",
//     unrepresentable: inputs.unrepresentable ?? "throw",
//   };
// }
function to_json_schema_initializeContext(params) {
    // Normalize target: convert old non-hyphenated versions to hyphenated versions
    let target = params?.target ?? "draft-2020-12";
    if (target === "draft-4")
        target = "draft-04";
    if (target === "draft-7")
        target = "draft-07";
    return {
        processors: params.processors ?? {},
        metadataRegistry: params?.metadata ?? globalRegistry,
        target,
        unrepresentable: params?.unrepresentable ?? "throw",
        override: params?.override ?? (() => { }),
        io: params?.io ?? "output",
        counter: 0,
        seen: new Map(),
        sharedDefsExtractedFor: undefined,
        sharedEmitDoneFor: undefined,
        cycles: params?.cycles ?? "ref",
        reused: params?.reused ?? "inline",
        intersections: [],
        deferred: [],
        external: params?.external ?? undefined,
    };
}
/**
 * Applies the `unrepresentable` setting at a site that has no JSON Schema equivalent. Throws
 * `message` unless the setting (or the handler's return value) says otherwise. Returns `true` if a
 * custom JSON Schema was written into `json`, in which case the caller must not write its own.
 */
function handleUnrepresentable(schema, ctx, json, params, message) {
    const result = typeof ctx.unrepresentable === "function"
        ? ctx.unrepresentable({ zodSchema: schema, path: params.path, message })
        : ctx.unrepresentable;
    if (result === "any")
        return false;
    if (result === undefined || result === "throw")
        throw new Error(message);
    Object.assign(json, result);
    return true;
}
// never rename this back to `process`: bundler polyfills inject a top-level `const process` that a lexical declaration of the same name collides with (#6397)
function to_json_schema_processSchema(schema, ctx, _params = { path: [], schemaPath: [] }) {
    var _a;
    const def = schema._zod.def;
    // check for schema in seens
    const seen = ctx.seen.get(schema);
    if (seen) {
        seen.count++;
        // check if cycle
        const isCycle = _params.schemaPath.includes(schema);
        if (isCycle) {
            seen.cycle = _params.path;
        }
        return seen.schema;
    }
    // initialize
    const result = { schema: {}, count: 1, cycle: undefined, path: _params.path };
    ctx.seen.set(schema, result);
    ctx.sharedDefsExtractedFor = undefined;
    ctx.sharedEmitDoneFor = undefined;
    // custom method overrides default behavior
    const overrideSchema = schema._zod.toJSONSchema?.();
    if (overrideSchema) {
        result.schema = overrideSchema;
    }
    else {
        const params = {
            ..._params,
            schemaPath: [..._params.schemaPath, schema],
            path: _params.path,
        };
        if (schema._zod.processJSONSchema) {
            schema._zod.processJSONSchema(ctx, result.schema, params);
        }
        else {
            const _json = result.schema;
            const processor = ctx.processors[def.type];
            if (!processor) {
                throw new Error(`[toJSONSchema]: Non-representable type encountered: ${def.type}`);
            }
            processor(schema, ctx, _json, params);
        }
        const parent = schema._zod.parent;
        if (parent) {
            // Also set ref if processor didn't (for inheritance)
            if (!result.ref)
                result.ref = parent;
            to_json_schema_processSchema(parent, ctx, params);
            ctx.seen.get(parent).isParent = true;
        }
    }
    // metadata
    const meta = ctx.metadataRegistry.get(schema);
    if (meta)
        assignProps(result.schema, meta);
    if (ctx.io === "input" && isTransforming(schema)) {
        // examples/defaults only apply to output type of pipe
        delete result.schema.examples;
        delete result.schema.default;
    }
    // set prefault as default
    if (ctx.io === "input" && "_prefault" in result.schema)
        (_a = result.schema).default ?? (_a.default = result.schema._prefault);
    delete result.schema._prefault;
    // pulling fresh from ctx.seen in case it was overwritten
    const _result = ctx.seen.get(schema);
    return _result.schema;
}
/** @deprecated Renamed to `processSchema`. An export alias declares no binding, so it is safe to keep. */

// Escape a reference token for use in a JSON Pointer fragment (RFC 6901): `~` becomes `~0` and `/` becomes `~1`. The `~` replacement must run first.
function encodeJSONPointerSegment(segment) {
    return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}
function to_json_schema_extractDefs(ctx, schema
// params: EmitParams
) {
    // iterate over seen map;
    const root = ctx.seen.get(schema);
    if (!root)
        throw new Error("Unprocessed schema. This is a bug in Zod.");
    // With `external` set, every registered schema resolves through the external branch of `makeURI`, so the root branch below produces the same ref the external branch would — this pass is identical whichever schema it is called with, and only needs to run once.
    if (ctx.external && ctx.sharedDefsExtractedFor === ctx.external)
        return;
    // Track ids to detect duplicates across different schemas
    const idToSchema = new Map();
    for (const entry of ctx.seen.entries()) {
        const id = ctx.metadataRegistry.get(entry[0])?.id;
        if (id) {
            const existing = idToSchema.get(id);
            if (existing && existing !== entry[0]) {
                throw new Error(`Duplicate schema id "${id}" detected during JSON Schema conversion. Two different schemas cannot share the same id when converted together.`);
            }
            idToSchema.set(id, entry[0]);
        }
    }
    // returns a ref to the schema defId will be empty if the ref points to an external schema (or #)
    const makeURI = (entry) => {
        // comparing the seen objects because sometimes multiple schemas map to the same seen object. e.g. lazy
        // external is configured
        const defsSegment = ctx.target === "draft-2020-12" ? "$defs" : "definitions";
        if (ctx.external) {
            const externalId = ctx.external.registry.get(entry[0])?.id; // ?? "__shared";// `__schema${ctx.counter++}`;
            // check if schema is in the external registry
            const uriGenerator = ctx.external.uri ?? ((id) => id);
            if (externalId) {
                return { ref: uriGenerator(externalId) };
            }
            // otherwise, add to __shared
            const id = entry[1].defId ?? entry[1].schema.id ?? `schema${ctx.counter++}`;
            entry[1].defId = id; // set defId so it will be reused if needed
            return { defId: id, ref: `${uriGenerator("__shared")}#/${defsSegment}/${encodeJSONPointerSegment(id)}` };
        }
        const uriPrefix = `#`;
        const defUriPrefix = `${uriPrefix}/${defsSegment}/`;
        // an id-less root has nowhere to be extracted to, so it stays inline and self-references as `#`
        if (entry[1] === root && !entry[1].schema.id) {
            return { ref: uriPrefix };
        }
        // self-contained schema
        const defId = entry[1].schema.id ?? `__schema${ctx.counter++}`;
        return { defId, ref: defUriPrefix + encodeJSONPointerSegment(defId) };
    };
    // stored cached version in `def` property remove all properties, set $ref
    const extractToDef = (entry) => {
        // if the schema is already a reference, do not extract it
        if (entry[1].schema.$ref) {
            return;
        }
        const seen = entry[1];
        const { ref, defId } = makeURI(entry);
        seen.def = { ...seen.schema };
        // defId won't be set if the schema is a reference to an external schema or if the schema is the root schema
        if (defId)
            seen.defId = defId;
        // wipe away all properties except $ref
        const schema = seen.schema;
        for (const key in schema) {
            delete schema[key];
        }
        schema.$ref = ref;
    };
    // throw on cycles
    // break cycles
    if (ctx.cycles === "throw") {
        for (const entry of ctx.seen.entries()) {
            const seen = entry[1];
            if (seen.cycle) {
                throw new Error("Cycle detected: " +
                    `#/${seen.cycle?.join("/")}/<root>` +
                    '\n\nSet the `cycles` parameter to `"ref"` to resolve cyclical schemas with defs.');
            }
        }
    }
    // extract schemas into $defs
    for (const entry of ctx.seen.entries()) {
        const seen = entry[1];
        // convert root schema to # $ref
        if (schema === entry[0]) {
            extractToDef(entry); // this has special handling for the root schema
            continue;
        }
        // extract schemas that are in the external registry
        if (ctx.external) {
            const ext = ctx.external.registry.get(entry[0])?.id;
            if (schema !== entry[0] && ext) {
                extractToDef(entry);
                continue;
            }
        }
        // extract schemas with `id` meta
        const id = ctx.metadataRegistry.get(entry[0])?.id;
        if (id) {
            extractToDef(entry);
            continue;
        }
        // break cycles
        if (seen.cycle) {
            // any
            extractToDef(entry);
            continue;
        }
        // extract reused schemas
        if (seen.count > 1) {
            if (ctx.reused === "ref") {
                extractToDef(entry);
            }
        }
    }
    if (ctx.external)
        ctx.sharedDefsExtractedFor = ctx.external;
}
/** Rewrites `anyOf: [{type: "a"}, {type: "b"}]` to `type: ["a", "b"]`, which every JSON Schema draft treats as equivalent and most consumers render far better for the nullable case. Only branches that are a bare type assertion qualify — anything carrying a constraint, `$ref`, `const` or metadata is left alone. Runs after `flattenRef`, so a branch an override decorated or `$defs` extraction turned into a `$ref` is no longer bare and correctly stays in `anyOf`. `oneOf` is excluded: `integer` and `number` overlap, so "exactly one" and "at least one" are not the same there. OpenAPI 3.0 is excluded: its `type` must be a single string. */
function compactTypeUnion(schema) {
    const options = schema.anyOf;
    if (!Array.isArray(options) || options.length === 0 || schema.type !== undefined)
        return;
    const types = [];
    for (const option of options) {
        if (!option || typeof option !== "object")
            return;
        // A branch that is itself a compactible union folds into this one — nested `anyOf` and a flat `type` array say the same thing. Compacting it first also makes the result independent of the order this pass walks the seen map in.
        compactTypeUnion(option);
        const keys = Object.keys(option);
        if (keys.length !== 1 || keys[0] !== "type")
            return;
        const type = option.type;
        for (const member of Array.isArray(type) ? type : [type]) {
            if (typeof member !== "string")
                return;
            if (!types.includes(member))
                types.push(member);
        }
    }
    delete schema.anyOf;
    // A `type` array must be non-empty and unique (metaschema); a single member is spelled as a bare string.
    schema.type = types.length === 1 ? types[0] : types;
}
/** Keywords `foldIntersection` knows how to combine. Anything else — `$ref`, `patternProperties`,
 * an annotation like `description` — makes a member unfoldable, so a constraint this does not
 * understand leaves the `allOf` alone instead of being silently dropped or misattributed. */
const FOLDABLE_KEYS = new Set(["type", "properties", "required", "additionalProperties"]);
const UNION_KEYS = ["oneOf", "anyOf"];
/** A member's constraint on a key it does not declare itself. A `catchall` states one; `false`, an absent `additionalProperties`, and the empty schema a loose object emits state nothing. */
function undeclaredConstraint(member) {
    const extra = member.additionalProperties;
    if (extra === undefined || extra === false || typeof extra !== "object" || extra === null)
        return null;
    return Object.keys(extra).length ? extra : null;
}
/** Combines object members into the single object they describe together, or returns `null` if any of them carries a keyword outside {@link FOLDABLE_KEYS}. */
function foldObjects(members) {
    const objects = [];
    for (const member of members) {
        // A boolean subschema is legal JSON Schema and carries no keywords to fold.
        if (typeof member !== "object" || member.type !== "object")
            return null;
        for (const key in member) {
            if (!FOLDABLE_KEYS.has(key))
                return null;
        }
        objects.push(member);
    }
    const properties = {};
    const required = new Set();
    for (const object of objects) {
        for (const key in object.properties) {
            // `in` would report a `__proto__` key as already present via the prototype chain and skip it.
            if (Object.prototype.hasOwnProperty.call(properties, key))
                continue;
            // Every member constrains this key: the ones that declare it say how, and a `catchall` member constrains it too even though it does not name it. The key has to satisfy all of them, which is the same intersection one level down.
            const parts = [];
            for (const other of objects) {
                const part = other.properties?.[key] ?? undeclaredConstraint(other);
                if (part === null || part === undefined)
                    continue;
                if (!parts.some((seen) => JSON.stringify(seen) === JSON.stringify(part)))
                    parts.push(part);
            }
            const merged = parts.length === 1
                ? parts[0]
                : (foldObjects(parts) ?? { allOf: parts });
            util_assignProp(properties, key, merged);
        }
        for (const key of object.required ?? [])
            required.add(key);
    }
    const folded = { type: "object", properties };
    if (required.size)
        folded.required = [...required];
    // A key no member declares is rejected only when every member rejects it, so the fold is closed only when every member is. Otherwise it carries whatever the `catchall` members demand of such a key.
    if (objects.every((object) => object.additionalProperties === false)) {
        folded.additionalProperties = false;
    }
    else {
        const constraints = [];
        for (const object of objects) {
            const constraint = undeclaredConstraint(object);
            if (constraint && !constraints.some((seen) => JSON.stringify(seen) === JSON.stringify(constraint)))
                constraints.push(constraint);
        }
        if (constraints.length === 1)
            folded.additionalProperties = constraints[0];
        else if (constraints.length > 1)
            folded.additionalProperties = { allOf: constraints };
    }
    return folded;
}
/** `additionalProperties` in an `allOf` member sees only that member's own `properties`, so two
 * closed object members reject each other's keys and the schema validates nothing. Zod's parser
 * pools the key sets instead — `handleIntersectionResults` reports a key as unrecognized only when
 * *every* side rejects it — so the emitted schema has to pool them too, and folding the members
 * into one object is the encoding that says so on every target.
 *
 * This runs from `finalize`, after `extractDefs`, which is what keeps it clear of the `$ref`
 * machinery: a member extracted into `$defs` is already a `$ref` by now and declines to fold, so it
 * keeps its reference and its own closedness rather than being inlined as a stale copy. */
function foldIntersection(json) {
    const allOf = json.allOf;
    if (!Array.isArray(allOf) || allOf.length < 2)
        return;
    // An `override` runs before this pass and may have written object keywords onto the intersection itself. Those are deliberate, so decline rather than overwrite them.
    for (const key of FOLDABLE_KEYS)
        if (key in json)
            return;
    // An intersection distributes over a union: `A & (X | Y)` is `(A & X) | (A & Y)`. Only the first union is distributed over; a second one stays among the members every branch folds against, where it fails the object check and declines the whole intersection rather than multiplying out.
    const unions = allOf.filter((m) => UNION_KEYS.some((k) => Array.isArray(m[k])));
    let folded = null;
    if (!unions.length) {
        folded = foldObjects(allOf);
    }
    else {
        const union = unions[0];
        const keyword = UNION_KEYS.find((k) => Array.isArray(union[k]));
        if (Object.keys(union).length !== 1)
            return;
        const rest = allOf.filter((m) => m !== union);
        const branches = union[keyword].map((branch) => foldObjects([...rest, branch]));
        if (branches.some((b) => !b))
            return;
        folded = { [keyword]: branches };
    }
    if (!folded)
        return;
    delete json.allOf;
    assignProps(json, folded);
}
function to_json_schema_finalize(ctx, schema) {
    const root = ctx.seen.get(schema);
    if (!root)
        throw new Error("Unprocessed schema. This is a bug in Zod.");
    // flatten refs - inherit properties from parent schemas
    const flattenRef = (zodSchema) => {
        const seen = ctx.seen.get(zodSchema);
        // already processed
        if (seen.ref === null)
            return;
        const schema = seen.def ?? seen.schema;
        const _cached = { ...schema };
        const ref = seen.ref;
        seen.ref = null; // prevent infinite recursion
        if (ref) {
            flattenRef(ref);
            const refSeen = ctx.seen.get(ref);
            const refSchema = refSeen.schema;
            // merge referenced schema into current
            if (refSchema.$ref && (ctx.target === "draft-07" || ctx.target === "draft-04" || ctx.target === "openapi-3.0")) {
                // older drafts can't combine $ref with other properties
                schema.allOf = schema.allOf ?? [];
                schema.allOf.push(refSchema);
            }
            else {
                assignProps(schema, refSchema);
            }
            // restore child's own properties (child wins)
            assignProps(schema, _cached);
            const isParentRef = zodSchema._zod.parent === ref;
            // For parent chain, child is a refinement - remove parent-only properties
            if (isParentRef) {
                for (const key in schema) {
                    if (key === "$ref" || key === "allOf")
                        continue;
                    if (!(key in _cached)) {
                        delete schema[key];
                    }
                }
            }
            // When ref was extracted to $defs, remove properties that match the definition
            if (refSchema.$ref && refSeen.def) {
                for (const key in schema) {
                    if (key === "$ref" || key === "allOf")
                        continue;
                    if (key in refSeen.def && JSON.stringify(schema[key]) === JSON.stringify(refSeen.def[key])) {
                        delete schema[key];
                    }
                }
            }
        }
        // If parent was extracted (has $ref), propagate $ref to this schema. This handles cases like: readonly().meta({id}).describe() where processor sets ref to innerType but parent should be referenced
        const parent = zodSchema._zod.parent;
        if (parent && parent !== ref) {
            // Ensure parent is processed first so its def has inherited properties
            flattenRef(parent);
            const parentSeen = ctx.seen.get(parent);
            if (parentSeen?.schema.$ref) {
                schema.$ref = parentSeen.schema.$ref;
                // De-duplicate with parent's definition
                if (parentSeen.def) {
                    for (const key in schema) {
                        if (key === "$ref" || key === "allOf")
                            continue;
                        if (key in parentSeen.def && JSON.stringify(schema[key]) === JSON.stringify(parentSeen.def[key])) {
                            delete schema[key];
                        }
                    }
                }
            }
        }
        // execute overrides
        ctx.override({
            zodSchema: zodSchema,
            jsonSchema: schema,
            path: seen.path ?? [],
        });
    };
    // Flattening walks the whole map and clears each `ref` as it goes, so a second call over the same map is a no-op scan. Skip it outright once it has run for a registry conversion.
    if (!ctx.external || ctx.sharedEmitDoneFor !== ctx.external) {
        for (const entry of [...ctx.seen.entries()].reverse()) {
            flattenRef(entry[0]);
        }
        if (ctx.target !== "openapi-3.0") {
            for (const entry of ctx.seen.entries()) {
                compactTypeUnion(entry[1].def ?? entry[1].schema);
            }
        }
        for (const rewrite of ctx.deferred)
            rewrite();
        // After flattening, every member that was extracted is a `$ref`, so the fold sees the final shape. A schema that inherits an intersection — through `z.lazy`, or any `ref` chain — holds the same `allOf` array, so fold by array identity to catch every copy.
        if (ctx.intersections.length) {
            const carriers = new Map();
            for (const seen of ctx.seen.values()) {
                for (const json of [seen.schema, seen.def]) {
                    const allOf = json?.allOf;
                    if (!Array.isArray(allOf))
                        continue;
                    const existing = carriers.get(allOf);
                    if (existing)
                        existing.push(json);
                    else
                        carriers.set(allOf, [json]);
                }
            }
            for (const allOf of ctx.intersections) {
                for (const json of carriers.get(allOf) ?? [])
                    foldIntersection(json);
            }
        }
    }
    const result = {};
    if (ctx.target === "draft-2020-12") {
        result.$schema = "https://json-schema.org/draft/2020-12/schema";
    }
    else if (ctx.target === "draft-07") {
        result.$schema = "http://json-schema.org/draft-07/schema#";
    }
    else if (ctx.target === "draft-04") {
        result.$schema = "http://json-schema.org/draft-04/schema#";
    }
    else if (ctx.target === "openapi-3.0") {
        // OpenAPI 3.0 schema objects should not include a $schema property
    }
    else {
        // Arbitrary string values are allowed but won't have a $schema property set
    }
    if (ctx.external?.uri) {
        const id = ctx.external.registry.get(schema)?.id;
        if (!id)
            throw new Error("Schema is missing an `id` property");
        result.$id = ctx.external.uri(id);
    }
    // when the root was extracted into $defs, `root.schema` is the `$ref` wrapper and `root.def` is the body that now lives under $defs
    assignProps(result, root.defId ? root.schema : (root.def ?? root.schema));
    // The `id` in `.meta()` is a Zod-specific registration tag used to extract schemas into $defs — it is not user-facing JSON Schema metadata. Strip it from the output body where it would otherwise leak. The id is preserved implicitly via the $defs key (and via $ref paths).
    const rootMetaId = ctx.metadataRegistry.get(schema)?.id;
    if (rootMetaId !== undefined && result.id === rootMetaId)
        delete result.id;
    // build defs object. With `external`, `defs` is the shared object every schema writes into, so the same entries are reassigned on every call. Without it, `defs` is fresh per call and must be rebuilt.
    const defs = ctx.external?.defs ?? {};
    if (!ctx.external || ctx.sharedEmitDoneFor !== ctx.external) {
        for (const entry of ctx.seen.entries()) {
            const seen = entry[1];
            if (seen.def && seen.defId) {
                if (seen.def.id === seen.defId)
                    delete seen.def.id;
                util_assignProp(defs, seen.defId, seen.def);
            }
        }
    }
    if (ctx.external)
        ctx.sharedEmitDoneFor = ctx.external;
    // set definitions in result
    if (ctx.external) {
    }
    else {
        if (Object.keys(defs).length > 0) {
            if (ctx.target === "draft-2020-12") {
                result.$defs = defs;
            }
            else {
                result.definitions = defs;
            }
        }
    }
    try {
        // this "finalizes" this schema and ensures all cycles are removed each call to finalize() is functionally independent though the seen map is shared
        const finalized = JSON.parse(JSON.stringify(result));
        Object.defineProperty(finalized, "~standard", {
            value: {
                ...schema["~standard"],
                jsonSchema: {
                    input: createStandardJSONSchemaMethod(schema, "input", ctx.processors),
                    output: createStandardJSONSchemaMethod(schema, "output", ctx.processors),
                },
            },
            enumerable: false,
            writable: false,
        });
        return finalized;
    }
    catch (_err) {
        throw new Error("Error converting schema to JSON.");
    }
}
function isTransforming(_schema, _ctx) {
    const ctx = _ctx ?? { seen: new Set() };
    if (ctx.seen.has(_schema))
        return false;
    ctx.seen.add(_schema);
    const def = _schema._zod.def;
    if (def.type === "transform")
        return true;
    if (def.type === "array")
        return isTransforming(def.element, ctx);
    if (def.type === "set")
        return isTransforming(def.valueType, ctx);
    if (def.type === "lazy")
        return isTransforming(def.getter(), ctx);
    if (def.type === "promise" ||
        def.type === "optional" ||
        def.type === "nonoptional" ||
        def.type === "nullable" ||
        def.type === "readonly" ||
        def.type === "default" ||
        def.type === "prefault" ||
        def.type === "catch") {
        return isTransforming(def.innerType, ctx);
    }
    if (def.type === "intersection") {
        return isTransforming(def.left, ctx) || isTransforming(def.right, ctx);
    }
    if (def.type === "record" || def.type === "map") {
        return isTransforming(def.keyType, ctx) || isTransforming(def.valueType, ctx);
    }
    if (def.type === "pipe") {
        if (_schema._zod.traits.has("$ZodCodec"))
            return true;
        return isTransforming(def.in, ctx) || isTransforming(def.out, ctx);
    }
    if (def.type === "object") {
        for (const key in def.shape) {
            if (isTransforming(def.shape[key], ctx))
                return true;
        }
        return false;
    }
    if (def.type === "union") {
        for (const option of def.options) {
            if (isTransforming(option, ctx))
                return true;
        }
        return false;
    }
    if (def.type === "tuple") {
        for (const item of def.items) {
            if (isTransforming(item, ctx))
                return true;
        }
        if (def.rest && isTransforming(def.rest, ctx))
            return true;
        return false;
    }
    return false;
}
/**
 * Creates a toJSONSchema method for a schema instance.
 * This encapsulates the logic of initializing context, processing, extracting defs, and finalizing.
 */
const createToJSONSchemaMethod = (schema, processors = {}) => (params) => {
    const ctx = to_json_schema_initializeContext({ ...params, processors });
    to_json_schema_processSchema(schema, ctx);
    to_json_schema_extractDefs(ctx, schema);
    return to_json_schema_finalize(ctx, schema);
};
const createStandardJSONSchemaMethod = (schema, io, processors = {}) => (params) => {
    const { libraryOptions, target } = params ?? {};
    const ctx = to_json_schema_initializeContext({ ...(libraryOptions ?? {}), target, io, processors });
    to_json_schema_processSchema(schema, ctx);
    to_json_schema_extractDefs(ctx, schema);
    return to_json_schema_finalize(ctx, schema);
};

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/json-schema-processors.js




const narrowMin = (agg, key, value) => {
    if (agg[key] === undefined || value > agg[key])
        agg[key] = value;
};
const narrowMax = (agg, key, value) => {
    if (agg[key] === undefined || value < agg[key])
        agg[key] = value;
};
const narrowBoth = (agg, value) => {
    narrowMin(agg, "minimum", value);
    narrowMax(agg, "maximum", value);
};
const addDivisor = (agg, value) => {
    agg.multipleOf ?? (agg.multipleOf = []);
    if (!agg.multipleOf.includes(value))
        agg.multipleOf.push(value);
};
const addPattern = (agg, pattern) => {
    agg.patterns ?? (agg.patterns = new Set());
    agg.patterns.add(pattern);
};
const intersectMime = (agg, mime) => {
    agg.mime = agg.mime ? agg.mime.filter((m) => mime.includes(m)) : [...mime];
};
// last-wins, matching the bag's historical write order; the flag keeps an integer format from being lost to a later float one
const setFormat = (agg, format) => {
    agg.format = format;
    if (format.includes("int"))
        agg.isInt = true;
};
const minContributor = (agg, def) => narrowMin(agg, "minimum", def.minimum);
const maxContributor = (agg, def) => narrowMax(agg, "maximum", def.maximum);
const formatContributor = (ranges) => (agg, def) => {
    setFormat(agg, def.format);
    const [minimum, maximum] = ranges[def.format];
    narrowMin(agg, "minimum", minimum);
    narrowMax(agg, "maximum", maximum);
};
const contributors = {
    greater_than: (agg, def) => narrowMin(agg, def.inclusive ? "minimum" : "exclusiveMinimum", def.value),
    less_than: (agg, def) => narrowMax(agg, def.inclusive ? "maximum" : "exclusiveMaximum", def.value),
    multiple_of: (agg, def) => addDivisor(agg, def.value),
    number_format: formatContributor(NUMBER_FORMAT_RANGES),
    bigint_format: formatContributor(BIGINT_FORMAT_RANGES),
    min_length: minContributor,
    max_length: maxContributor,
    length_equals: (agg, def) => narrowBoth(agg, def.length),
    min_size: minContributor,
    max_size: maxContributor,
    size_equals: (agg, def) => narrowBoth(agg, def.size),
    string_format: (agg, def) => {
        setFormat(agg, def.format);
        if (def.pattern)
            addPattern(agg, def.pattern);
        if (def.format === "base64" || def.format === "base64url")
            agg.contentEncoding = def.format;
        if (def.local || def.precision === -1)
            agg.laxFormat = true;
    },
    mime_type: (agg, def) => intersectMime(agg, def.mime),
};
function aggregateChecks(schema) {
    const agg = {};
    const def = schema._zod.def;
    // a format schema is its own first check, same rule as $ZodType init
    const list = schema._zod.traits.has("$ZodCheck")
        ? [schema, ...(def.checks ?? [])]
        : (def.checks ?? []);
    for (const ch of list)
        contributors[ch._zod.def.check]?.(agg, ch._zod.def);
    // reconcile with the bag so third-party onattach contributions still land; first-party residue is never tighter than the fold, so merging it back is idempotent for one and additive for the other
    const bag = schema._zod.bag;
    if (bag.minimum !== undefined)
        narrowMin(agg, "minimum", bag.minimum);
    if (bag.exclusiveMinimum !== undefined)
        narrowMin(agg, "exclusiveMinimum", bag.exclusiveMinimum);
    if (bag.maximum !== undefined)
        narrowMax(agg, "maximum", bag.maximum);
    if (bag.exclusiveMaximum !== undefined)
        narrowMax(agg, "exclusiveMaximum", bag.exclusiveMaximum);
    if (bag.multipleOf !== undefined)
        addDivisor(agg, bag.multipleOf);
    if (bag.format !== undefined) {
        agg.format ?? (agg.format = bag.format);
        if (bag.format.includes("int"))
            agg.isInt = true;
    }
    if (bag.mime)
        intersectMime(agg, bag.mime);
    for (const pattern of bag.patterns ?? [])
        addPattern(agg, pattern);
    return agg;
}
const formatMap = {
    guid: "uuid",
    url: "uri",
    datetime: "date-time",
    json_string: "json-string",
    regex: "", // do not set
};
// ==================== SIMPLE TYPE PROCESSORS ====================
// the runtime patterns are lax so parse paths never overflow the regex stack; the emitted schema swaps in the exact block forms, which zod itself never executes
const exactPatterns = new Map([
    [base64Charset, base64],
    [base64urlCharset, base64url],
]);
const exactPattern = (p) => exactPatterns.get(p) ?? p;
const stringProcessor = (schema, ctx, _json, _params) => {
    const json = _json;
    json.type = "string";
    const { minimum, maximum, format, patterns, contentEncoding, laxFormat } = aggregateChecks(schema);
    if (typeof minimum === "number")
        json.minLength = minimum;
    if (typeof maximum === "number")
        json.maxLength = maximum;
    // custom pattern overrides format
    if (format) {
        json.format = formatMap[format] ?? format;
        if (json.format === "")
            delete json.format; // empty format is not valid
        // `z.iso.time()` is never full-time, and `laxFormat` carries the datetime shapes that also accept what their keyword forbids
        if (format === "time" || laxFormat) {
            delete json.format;
        }
    }
    if (contentEncoding)
        json.contentEncoding = contentEncoding;
    if (patterns && patterns.size > 0) {
        const patternList = [...patterns].map(exactPattern);
        if (patternList.length === 1)
            json.pattern = patternList[0].source;
        else if (patternList.length > 1) {
            json.allOf = [
                ...patternList.map((regex) => ({
                    ...(ctx.target === "draft-07" || ctx.target === "draft-04" || ctx.target === "openapi-3.0"
                        ? { type: "string" }
                        : {}),
                    pattern: regex.source,
                })),
            ];
        }
    }
};
const numberProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const { minimum, maximum, multipleOf, exclusiveMaximum, exclusiveMinimum, isInt } = aggregateChecks(schema);
    json.type = isInt ? "integer" : "number";
    // when both minimum and exclusiveMinimum exist, pick the more restrictive one
    const exMin = typeof exclusiveMinimum === "number" && exclusiveMinimum >= (minimum ?? Number.NEGATIVE_INFINITY);
    const exMax = typeof exclusiveMaximum === "number" && exclusiveMaximum <= (maximum ?? Number.POSITIVE_INFINITY);
    const legacy = ctx.target === "draft-04" || ctx.target === "openapi-3.0";
    if (exMin) {
        if (legacy) {
            json.minimum = exclusiveMinimum;
            json.exclusiveMinimum = true;
        }
        else {
            json.exclusiveMinimum = exclusiveMinimum;
        }
    }
    else if (typeof minimum === "number") {
        json.minimum = minimum;
    }
    if (exMax) {
        if (legacy) {
            json.maximum = exclusiveMaximum;
            json.exclusiveMaximum = true;
        }
        else {
            json.exclusiveMaximum = exclusiveMaximum;
        }
    }
    else if (typeof maximum === "number") {
        json.maximum = maximum;
    }
    if (multipleOf) {
        // JSON Schema requires a divisor strictly greater than zero, and a non-finite one does not survive JSON at all. A negative divisor accepts exactly what its absolute value accepts, so it still maps; zero, NaN and Infinity have no keyword form.
        const divisors = new Set();
        for (const divisor of multipleOf) {
            if (Number.isFinite(divisor) && divisor !== 0)
                divisors.add(Math.abs(divisor));
            else
                handleUnrepresentable(schema, ctx, json, params, `A multipleOf divisor of ${divisor} cannot be represented in JSON Schema`);
        }
        // chained divisors are a conjunction the keyword cannot carry alone, so extras ride an allOf, same as stacked patterns
        const [first, ...rest] = divisors;
        if (first !== undefined)
            json.multipleOf = first;
        if (rest.length)
            json.allOf = [...(json.allOf ?? []), ...rest.map((m) => ({ multipleOf: m }))];
    }
};
const booleanProcessor = (_schema, _ctx, json, _params) => {
    json.type = "boolean";
};
const bigintProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "BigInt cannot be represented in JSON Schema");
};
const symbolProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Symbols cannot be represented in JSON Schema");
};
const nullProcessor = (_schema, ctx, json, _params) => {
    if (ctx.target === "openapi-3.0") {
        json.type = "string";
        json.nullable = true;
        json.enum = [null];
    }
    else {
        json.type = "null";
    }
};
const undefinedProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Undefined cannot be represented in JSON Schema");
};
const voidProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Void cannot be represented in JSON Schema");
};
const neverProcessor = (_schema, _ctx, json, _params) => {
    json.not = {};
};
const anyProcessor = (_schema, _ctx, _json, _params) => {
    // empty schema accepts anything
};
const unknownProcessor = (_schema, _ctx, _json, _params) => {
    // empty schema accepts anything
};
const dateProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Date cannot be represented in JSON Schema");
};
const enumProcessor = (schema, _ctx, json, _params) => {
    const def = schema._zod.def;
    const values = getEnumValues(def.entries);
    // an empty enum accepts nothing, same as z.never()
    if (values.length === 0) {
        json.not = {};
        return;
    }
    // Number enums can have both string and number values
    if (values.every((v) => typeof v === "number"))
        json.type = "number";
    if (values.every((v) => typeof v === "string"))
        json.type = "string";
    json.enum = values;
};
const literalProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    // a literal with no values accepts nothing, same as z.never()
    if (def.values.length === 0) {
        json.not = {};
        return;
    }
    const vals = [];
    for (const val of def.values) {
        if (val === undefined) {
            // a custom schema replaces the whole literal, so there is nothing left to accumulate
            if (handleUnrepresentable(schema, ctx, json, params, "Literal `undefined` cannot be represented in JSON Schema"))
                return;
            // otherwise do not add to vals
        }
        else if (typeof val === "bigint") {
            if (handleUnrepresentable(schema, ctx, json, params, "BigInt literals cannot be represented in JSON Schema"))
                return;
            vals.push(Number(val));
        }
        else {
            vals.push(val);
        }
    }
    if (vals.length === 0) {
        // do nothing (an undefined literal was stripped)
    }
    else if (vals.length === 1) {
        const val = vals[0];
        json.type = val === null ? "null" : typeof val;
        if (ctx.target === "draft-04" || ctx.target === "openapi-3.0") {
            json.enum = [val];
        }
        else {
            json.const = val;
        }
    }
    else {
        if (vals.every((v) => typeof v === "number"))
            json.type = "number";
        if (vals.every((v) => typeof v === "string"))
            json.type = "string";
        if (vals.every((v) => typeof v === "boolean"))
            json.type = "boolean";
        if (vals.every((v) => v === null))
            json.type = "null";
        json.enum = vals;
    }
};
const nanProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "NaN cannot be represented in JSON Schema");
};
const templateLiteralProcessor = (schema, _ctx, json, _params) => {
    const _json = json;
    const pattern = schema._zod.pattern;
    if (!pattern)
        throw new Error("Pattern not found in template literal");
    _json.type = "string";
    _json.pattern = pattern.source;
};
const fileProcessor = (schema, _ctx, json, _params) => {
    const _json = json;
    _json.type = "string";
    _json.format = "binary";
    _json.contentEncoding = "binary";
    const { minimum, maximum, mime } = aggregateChecks(schema);
    if (minimum !== undefined)
        _json.minLength = minimum;
    if (maximum !== undefined)
        _json.maxLength = maximum;
    if (!mime)
        return;
    // an empty intersection means the mime checks share no value, so nothing passes at runtime; `anyOf` must be non-empty, so the false schema is `not: {}`
    if (mime.length === 0)
        _json.not = {};
    else if (mime.length === 1)
        _json.contentMediaType = mime[0];
    // only contentMediaType differs, so the shared props stay at the root
    else
        _json.anyOf = mime.map((m) => ({ contentMediaType: m }));
};
const successProcessor = (_schema, _ctx, json, _params) => {
    json.type = "boolean";
};
const customProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Custom types cannot be represented in JSON Schema");
};
const functionProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Function types cannot be represented in JSON Schema");
};
const transformProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Transforms cannot be represented in JSON Schema");
};
const mapProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Map cannot be represented in JSON Schema");
};
const setProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Set cannot be represented in JSON Schema");
};
// ==================== COMPOSITE TYPE PROCESSORS ====================
const arrayProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const def = schema._zod.def;
    const { minimum, maximum } = aggregateChecks(schema);
    if (typeof minimum === "number")
        json.minItems = minimum;
    if (typeof maximum === "number")
        json.maxItems = maximum;
    json.type = "array";
    json.items = to_json_schema_processSchema(def.element, ctx, {
        ...params,
        path: [...params.path, "items"],
    });
};
// Transform and catch set `optin = "optional"` at runtime so the parser lets them observe an
// absent key, but their declared input type stays required. An input JSON Schema describes the
// declared type, so resolve past them to the schema that actually carries the optionality.
// Used by both `objectProcessor` (for `required`) and `tupleProcessor` (for `minItems`); see
// wiki/optionality.md, "The JSON Schema emitter reads the *static* value".
function inputOptin(schema) {
    const def = schema._zod.def;
    if (def.type === "pipe" && def.in._zod.traits.has("$ZodTransform")) {
        return inputOptin(def.out);
    }
    if (def.type === "catch") {
        return inputOptin(def.innerType);
    }
    return schema._zod.optin;
}
const objectProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const def = schema._zod.def;
    const shape = def.shape;
    // dropping it while still emitting `additionalProperties: false` would emit a schema that rejects data this one requires
    const symbolKeys = Object.getOwnPropertySymbols(shape);
    if (symbolKeys.length &&
        handleUnrepresentable(schema, ctx, json, params, "Symbol keys cannot be represented in JSON Schema")) {
        return;
    }
    json.type = "object";
    json.properties = {};
    for (const key in shape) {
        // assignProp so a __proto__ key becomes an own property instead of hitting the inherited setter on the plain {} we build into
        util_assignProp(json.properties, key, to_json_schema_processSchema(shape[key], ctx, {
            ...params,
            path: [...params.path, "properties", key],
        }));
    }
    // required keys
    const requiredKeys = [];
    for (const key of Object.keys(shape)) {
        const field = def.shape[key];
        if (ctx.io === "input" ? inputOptin(field) === undefined : field._zod.optout === undefined) {
            requiredKeys.push(key);
        }
    }
    if (requiredKeys.length > 0) {
        json.required = requiredKeys;
    }
    // catchall
    if (def.catchall?._zod.def.type === "never") {
        // strict
        json.additionalProperties = false;
    }
    else if (!def.catchall) {
        // regular
        if (ctx.io === "output")
            json.additionalProperties = false;
    }
    else if (def.catchall) {
        json.additionalProperties = to_json_schema_processSchema(def.catchall, ctx, {
            ...params,
            path: [...params.path, "additionalProperties"],
        });
    }
};
const unionProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    // Exclusive unions (inclusive === false) use oneOf (exactly one match) instead of anyOf (one or more matches). This includes both z.xor() and discriminated unions
    const isExclusive = def.inclusive === false;
    const options = def.options.map((x, i) => to_json_schema_processSchema(x, ctx, {
        ...params,
        path: [...params.path, isExclusive ? "oneOf" : "anyOf", i],
    }));
    if (isExclusive) {
        json.oneOf = options;
    }
    else {
        json.anyOf = options;
    }
};
const intersectionProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    const a = to_json_schema_processSchema(def.left, ctx, {
        ...params,
        path: [...params.path, "allOf", 0],
    });
    const b = to_json_schema_processSchema(def.right, ctx, {
        ...params,
        path: [...params.path, "allOf", 1],
    });
    const isSimpleIntersection = (val) => "allOf" in val && Object.keys(val).length === 1;
    const allOf = [
        ...(isSimpleIntersection(a) ? a.allOf : [a]),
        ...(isSimpleIntersection(b) ? b.allOf : [b]),
    ];
    json.allOf = allOf;
    // Recorded innermost first, so a nested intersection has already folded by the time this one is considered. The array is the handle rather than the schema, because a wrapper that inherits this schema shares the same array; `finalize` folds every object holding it. See `foldIntersection`.
    ctx.intersections.push(allOf);
};
const tupleProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const def = schema._zod.def;
    json.type = "array";
    const prefixPath = ctx.target === "draft-2020-12" ? "prefixItems" : "items";
    const restPath = ctx.target === "draft-2020-12" ? "items" : ctx.target === "openapi-3.0" ? "items" : "additionalItems";
    const prefixItems = def.items.map((x, i) => to_json_schema_processSchema(x, ctx, {
        ...params,
        path: [...params.path, prefixPath, i],
    }));
    const rest = def.rest
        ? to_json_schema_processSchema(def.rest, ctx, {
            ...params,
            path: [...params.path, restPath, ...(ctx.target === "openapi-3.0" ? [def.items.length] : [])],
        })
        : null;
    let minItems = def.items.length;
    while (minItems > 0) {
        const item = def.items[minItems - 1];
        const optional = ctx.io === "input" ? inputOptin(item) !== undefined : item._zod.optout === "optional";
        if (!optional)
            break;
        minItems--;
    }
    const maxItems = def.items.length;
    const isClosed = !def.rest;
    if (ctx.target === "draft-2020-12") {
        json.prefixItems = prefixItems;
        if (isClosed) {
            json.items = false;
        }
        else if (rest) {
            json.items = rest;
        }
        if (minItems > 0)
            json.minItems = minItems;
        if (isClosed)
            json.maxItems = maxItems;
    }
    else if (ctx.target === "openapi-3.0") {
        json.items = {
            anyOf: prefixItems,
        };
        if (rest) {
            json.items.anyOf.push(rest);
        }
        if (minItems > 0)
            json.minItems = minItems;
        if (isClosed)
            json.maxItems = maxItems;
    }
    else {
        json.items = prefixItems;
        if (isClosed) {
            json.additionalItems = false;
        }
        else if (rest) {
            json.additionalItems = rest;
        }
        if (minItems > 0)
            json.minItems = minItems;
        if (isClosed)
            json.maxItems = maxItems;
    }
    // explicit user-defined length checks take precedence
    const { minimum, maximum } = aggregateChecks(schema);
    if (typeof minimum === "number")
        json.minItems = minimum;
    if (typeof maximum === "number")
        json.maxItems = maximum;
};
/** JSON object keys are always strings, so a numeric record key schema is re-expressed over the
 * numeric-string form the record parser matches. Deferred to `finalize`, after the flatten: a key
 * behind a wrapper only carries its own `type` before then, and a union key only has its branches.
 *
 * A numeric bound cannot apply to a property name, so `minimum` and its siblings are dropped rather
 * than carried over: keeping them beside `type: "string"` reproduces the match-nothing schema this
 * exists to fix. A key that carries one therefore emits wider than the record parses — `z.record(z.number().min(5), V)`
 * accepts `"3"` — which is the deliberate trade, since throwing on it would reject an ordinary schema
 * outright. */
function stringifyKeyNames(bySchema, json, visited) {
    // an extracted key that rewrites cannot go on sharing its definition — the string form a key position needs is not the number form every other reference wants — so it inlines. One that does not rewrite keeps the `$ref`.
    if (json.$ref) {
        // a recursive key holds its own reference inside its definition, so a node already on the path is left alone rather than resolved again
        if (visited.has(json))
            return json;
        visited.add(json);
        const def = bySchema.get(json)?.def;
        if (!def)
            return json;
        const inlined = stringifyKeyNames(bySchema, def, visited);
        return inlined === def ? json : inlined;
    }
    for (const keyword of ["anyOf", "oneOf"]) {
        const branches = json[keyword];
        if (!Array.isArray(branches))
            continue;
        const mapped = branches.map((branch) => stringifyKeyNames(bySchema, branch, visited));
        // rebuilding regardless would detach a key that had nothing to re-express, dropping its `$ref` and leaking the internal `id`
        if (mapped.some((branch, i) => branch !== branches[i]))
            json = { ...json, [keyword]: mapped };
    }
    // a member that already admits a string leaves the key unconstrained, so the node's own type re-expresses only when every member is numeric
    const types = Array.isArray(json.type) ? json.type : [json.type];
    const numericType = !types.includes("string") && types.some((t) => t === "number" || t === "integer");
    // a heterogeneous key carries no type at all, so its numeric members are caught here instead
    const values = json.enum ?? (json.const !== undefined ? [json.const] : undefined);
    if (!numericType && !values?.some((v) => typeof v === "number"))
        return json;
    const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf, format, id, ...rest } = json;
    if (rest.enum)
        rest.enum = rest.enum.map((v) => (typeof v === "number" ? String(v) : v));
    else if (typeof rest.const === "number")
        rest.const = String(rest.const);
    // a heterogeneous key keeps its absent type: the stringified members already say what a key may be
    if (!numericType)
        return rest;
    rest.type = "string";
    if (!values)
        rest.pattern = (types.includes("number") ? number : integer).source;
    return rest;
}
/** Every record of one conversion, so the carriers are found in a single pass rather than once per record. */
const pendingRecords = new WeakMap();
function rewriteKeyNames(ctx) {
    // an extracted key is resolved by the object `extractToDef` left in its place, so the map is built once rather than searched per reference. `_zod.toJSONSchema` can hand the same object to two schemas, so the first entry carrying a body wins, as a search would have found it.
    const bySchema = new Map();
    for (const entry of ctx.seen.values()) {
        if (entry.def && !bySchema.has(entry.schema))
            bySchema.set(entry.schema, entry);
    }
    const rewrites = new Map();
    for (const record of pendingRecords.get(ctx) ?? []) {
        const seen = ctx.seen.get(record);
        const names = (seen?.def ?? seen?.schema)?.propertyNames;
        if (!names || names === true || rewrites.has(names))
            continue;
        const rewritten = stringifyKeyNames(bySchema, names, new Set());
        if (rewritten !== names)
            rewrites.set(names, rewritten);
    }
    if (!rewrites.size)
        return;
    // the flatten has already copied each record's own properties onto every wrapper by reference, and an extracted body is another such copy, so every carrier holding a rewritten key is updated together
    for (const entry of ctx.seen.values()) {
        for (const carrier of [entry.schema, entry.def]) {
            const rewritten = carrier && rewrites.get(carrier.propertyNames);
            if (rewritten)
                carrier.propertyNames = rewritten;
        }
    }
}
const recordProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const def = schema._zod.def;
    json.type = "object";
    // For looseRecord with regex patterns, use patternProperties. This correctly represents "only validate keys matching the pattern" semantics and composes well with allOf (intersections)
    const keyType = def.keyType;
    const patterns = aggregateChecks(keyType).patterns;
    if (def.mode === "loose" && patterns && patterns.size > 0) {
        // Use patternProperties for looseRecord with regex patterns
        const valueSchema = to_json_schema_processSchema(def.valueType, ctx, {
            ...params,
            path: [...params.path, "patternProperties", "*"],
        });
        json.patternProperties = {};
        for (const pattern of patterns) {
            util_assignProp(json.patternProperties, exactPattern(pattern).source, valueSchema);
        }
    }
    else {
        // Default behavior: use propertyNames + additionalProperties
        if (ctx.target === "draft-07" || ctx.target === "draft-2020-12") {
            json.propertyNames = to_json_schema_processSchema(def.keyType, ctx, {
                ...params,
                path: [...params.path, "propertyNames"],
            });
            let pending = pendingRecords.get(ctx);
            if (!pending) {
                pending = [];
                pendingRecords.set(ctx, pending);
                ctx.deferred.push(() => rewriteKeyNames(ctx));
            }
            pending.push(schema);
        }
        json.additionalProperties = to_json_schema_processSchema(def.valueType, ctx, {
            ...params,
            path: [...params.path, "additionalProperties"],
        });
    }
    // Add required for keys with discrete values (enum, literal, etc.)
    const keyValues = keyType._zod.values;
    // Every key shares one value schema, so an optional-in value makes the whole key set omittable on input. Output keeps them: the exhaustive branch assigns every key, even one whose value came back undefined.
    const omittableOnInput = ctx.io === "input" && inputOptin(def.valueType) !== undefined;
    if (keyValues && !def.partial && !omittableOnInput) {
        const validKeyValues = [...keyValues].filter((v) => typeof v === "string" || typeof v === "number");
        if (validKeyValues.length > 0) {
            json.required = validKeyValues.map(String);
        }
    }
};
const nullableProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    const inner = to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    if (ctx.target === "openapi-3.0") {
        seen.ref = def.innerType;
        json.nullable = true;
    }
    else {
        json.anyOf = [inner, { type: "null" }];
    }
};
const nonoptionalProcessor = (schema, ctx, _json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
};
/** Round-trips a default value through JSON so the emitted schema is guaranteed to be valid JSON.
 * A BigInt has no reliable encoding, so it goes through `unrepresentable` like any other
 * unrepresentable value. Returns a sentinel when the caller must not write a default of its own. */
const UNREPRESENTABLE_DEFAULT = Symbol();
function serializeDefaultValue(value, schema, ctx, json, params) {
    let unrepresentable = false;
    const serialized = JSON.stringify(value, (_, val) => {
        if (typeof val !== "bigint")
            return val;
        unrepresentable = true;
        return null;
    });
    if (!unrepresentable)
        return JSON.parse(serialized);
    handleUnrepresentable(schema, ctx, json, params, "BigInt defaults cannot be represented in JSON Schema");
    return UNREPRESENTABLE_DEFAULT;
}
const defaultProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
    const value = serializeDefaultValue(def.defaultValue, schema, ctx, json, params);
    if (value !== UNREPRESENTABLE_DEFAULT)
        json.default = value;
};
const prefaultProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
    if (ctx.io !== "input")
        return;
    const value = serializeDefaultValue(def.defaultValue, schema, ctx, json, params);
    if (value !== UNREPRESENTABLE_DEFAULT)
        json._prefault = value;
};
const catchProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
    let catchValue;
    try {
        catchValue = def.catchValue(undefined);
    }
    catch {
        handleUnrepresentable(schema, ctx, json, params, "Dynamic catch values are not supported in JSON Schema");
        return;
    }
    json.default = catchValue;
};
const pipeProcessor = (schema, ctx, _json, params) => {
    const def = schema._zod.def;
    const inIsTransform = def.in._zod.traits.has("$ZodTransform");
    const innerType = ctx.io === "input" ? (inIsTransform ? def.out : def.in) : def.out;
    to_json_schema_processSchema(innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = innerType;
};
const readonlyProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
    json.readOnly = true;
};
const promiseProcessor = (schema, ctx, _json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
};
const optionalProcessor = (schema, ctx, _json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
};
const lazyProcessor = (schema, ctx, _json, params) => {
    const innerType = schema._zod.innerType;
    to_json_schema_processSchema(innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = innerType;
};
// ==================== ALL PROCESSORS ====================
const allProcessors = {
    string: stringProcessor,
    number: numberProcessor,
    boolean: booleanProcessor,
    bigint: bigintProcessor,
    symbol: symbolProcessor,
    null: nullProcessor,
    undefined: undefinedProcessor,
    void: voidProcessor,
    never: neverProcessor,
    any: anyProcessor,
    unknown: unknownProcessor,
    date: dateProcessor,
    enum: enumProcessor,
    literal: literalProcessor,
    nan: nanProcessor,
    template_literal: templateLiteralProcessor,
    file: fileProcessor,
    success: successProcessor,
    custom: customProcessor,
    function: functionProcessor,
    transform: transformProcessor,
    map: mapProcessor,
    set: setProcessor,
    array: arrayProcessor,
    object: objectProcessor,
    union: unionProcessor,
    intersection: intersectionProcessor,
    tuple: tupleProcessor,
    record: recordProcessor,
    nullable: nullableProcessor,
    nonoptional: nonoptionalProcessor,
    default: defaultProcessor,
    prefault: prefaultProcessor,
    catch: catchProcessor,
    pipe: pipeProcessor,
    readonly: readonlyProcessor,
    promise: promiseProcessor,
    optional: optionalProcessor,
    lazy: lazyProcessor,
};
function toJSONSchema(input, params) {
    if ("_idmap" in input) {
        // Registry case
        const registry = input;
        const ctx = initializeContext({ ...params, processors: allProcessors });
        const defs = {};
        // First pass: process all schemas to build the seen map
        for (const entry of registry._idmap.entries()) {
            const [_, schema] = entry;
            processSchema(schema, ctx);
        }
        const schemas = {};
        const external = {
            registry,
            uri: params?.uri,
            defs,
        };
        // Update the context with external configuration
        ctx.external = external;
        // Second pass: emit each schema
        for (const entry of registry._idmap.entries()) {
            const [key, schema] = entry;
            extractDefs(ctx, schema);
            assignProp(schemas, key, finalize(ctx, schema));
        }
        if (Object.keys(defs).length > 0) {
            const defsSegment = ctx.target === "draft-2020-12" ? "$defs" : "definitions";
            schemas.__shared = {
                [defsSegment]: defs,
            };
        }
        return { schemas };
    }
    // Single schema case
    const ctx = initializeContext({ ...params, processors: allProcessors });
    processSchema(input, ctx);
    extractDefs(ctx, input);
    return finalize(ctx, input);
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/locales/en.js

const error = () => {
    const Sizable = {
        string: { unit: "characters", verb: "to have" },
        file: { unit: "bytes", verb: "to have" },
        array: { unit: "items", verb: "to have" },
        set: { unit: "items", verb: "to have" },
        map: { unit: "entries", verb: "to have" },
    };
    function getSizing(origin) {
        return Sizable[origin] ?? null;
    }
    const FormatDictionary = {
        regex: "input",
        email: "email address",
        url: "URL",
        emoji: "emoji",
        uuid: "UUID",
        uuidv4: "UUIDv4",
        uuidv6: "UUIDv6",
        nanoid: "nanoid",
        guid: "GUID",
        cuid: "cuid",
        cuid2: "cuid2",
        ulid: "ULID",
        xid: "XID",
        ksuid: "KSUID",
        datetime: "ISO datetime",
        date: "ISO date",
        time: "ISO time",
        duration: "ISO duration",
        ipv4: "IPv4 address",
        ipv6: "IPv6 address",
        mac: "MAC address",
        cidrv4: "IPv4 range",
        cidrv6: "IPv6 range",
        base64: "base64-encoded string",
        base64url: "base64url-encoded string",
        json_string: "JSON string",
        e164: "E.164 number",
        currency_code: "currency code",
        credit_card: "credit card number",
        iban: "IBAN",
        jwt: "JWT",
        template_literal: "input",
    };
    // type names: missing keys = do not translate (use raw value via ?? fallback)
    const TypeDictionary = {
        // Compatibility: "nan" -> "NaN" for display
        nan: "NaN",
        // All other type names omitted - they fall back to raw values via ?? operator
    };
    function getTypeName(type, input) {
        if (type === "number" && typeof input === "number" && !Number.isFinite(input)) {
            return String(input);
        }
        return TypeDictionary[type] ?? type;
    }
    return (issue) => {
        switch (issue.code) {
            case "invalid_type": {
                const expected = getTypeName(issue.expected);
                const receivedType = parsedType(issue.input);
                const received = getTypeName(receivedType, issue.input);
                return `Invalid input: expected ${expected}, received ${received}`;
            }
            case "invalid_value":
                if (issue.values.length === 1)
                    return `Invalid input: expected ${stringifyPrimitive(issue.values[0])}`;
                return `Invalid option: expected one of ${joinValues(issue.values, "|")}`;
            case "too_big": {
                const adj = issue.exact ? "exactly " : issue.inclusive ? "<=" : "<";
                const sizing = getSizing(issue.origin);
                if (sizing)
                    return `Too big: expected ${issue.origin ?? "value"} to have ${adj}${issue.maximum.toString()} ${sizing.unit ?? "elements"}`;
                return `Too big: expected ${issue.origin ?? "value"} to be ${adj}${issue.maximum.toString()}`;
            }
            case "too_small": {
                const adj = issue.exact ? "exactly " : issue.inclusive ? ">=" : ">";
                const sizing = getSizing(issue.origin);
                if (sizing) {
                    return `Too small: expected ${issue.origin} to have ${adj}${issue.minimum.toString()} ${sizing.unit}`;
                }
                return `Too small: expected ${issue.origin} to be ${adj}${issue.minimum.toString()}`;
            }
            case "invalid_format": {
                const _issue = issue;
                if (_issue.format === "starts_with") {
                    return `Invalid string: must start with "${_issue.prefix}"`;
                }
                if (_issue.format === "ends_with")
                    return `Invalid string: must end with "${_issue.suffix}"`;
                if (_issue.format === "includes")
                    return `Invalid string: must include "${_issue.includes}"`;
                if (_issue.format === "regex")
                    return `Invalid string: must match pattern ${_issue.pattern}`;
                return `Invalid ${FormatDictionary[_issue.format] ?? issue.format}`;
            }
            case "not_multiple_of":
                return `Invalid number: must be a multiple of ${issue.divisor}`;
            case "unrecognized_keys":
                return `Unrecognized key${issue.keys.length > 1 ? "s" : ""}: ${joinValues(issue.keys, ", ")}`;
            case "invalid_key":
                return `Invalid key in ${issue.origin}`;
            case "invalid_union":
                if (issue.options && Array.isArray(issue.options) && issue.options.length > 0) {
                    const opts = issue.options.map((o) => `'${o}'`).join(" | ");
                    return `Invalid discriminator value. Expected ${opts}`;
                }
                if (issue.inclusive === false) {
                    return "Invalid input: more than one option matched";
                }
                return "Invalid input";
            case "invalid_element":
                return `Invalid value in ${issue.origin}`;
            default:
                return `Invalid input`;
        }
    };
};
/* harmony default export */ function en() {
    return {
        localeError: error(),
    };
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/errors.js


/* Computing the message eagerly is expensive (pretty-printed JSON of all
 * issues), so defer it until first read. The accessor functions and
 * descriptors are shared across instances to keep error construction
 * cheap; the computed message is cached on the internals object. The
 * setter preserves plain assignment semantics for consumers that
 * overwrite `message`. */
function _getMessage() {
    const internals = this._zod;
    internals.message ?? (internals.message = JSON.stringify(internals.def, jsonStringifyReplacer, 2));
    return internals.message;
}
function _setMessage(value) {
    this._zod.message = value;
}
const _messageDesc = {
    get: _getMessage,
    set: _setMessage,
    enumerable: true,
    configurable: true,
};
const _issuesDesc = { value: undefined, enumerable: false };
/* Prototypes that already carry the lazy `toString`. Seeded with the
 * intrinsics so that `init` on a foreign object — it accepts any object —
 * can never install an accessor onto a prototype we do not own. */
const _installedToString = /* @__PURE__ */ new WeakSet([Object.prototype, Error.prototype]);
const initializer = (inst, def) => {
    inst.name = "$ZodError";
    // `_zod` is already non-enumerable: $constructor's init defined it with this same descriptor
    _issuesDesc.value = def;
    Object.defineProperty(inst, "issues", _issuesDesc);
    // Clear the shared slot; a retained `value` pins the last error's issues.
    _issuesDesc.value = undefined;
    Object.defineProperty(inst, "message", _messageDesc);
    /* `toString` lives as a non-enumerable lazy getter on the shared
     * prototype; on first access it caches a per-instance closure so
     * detached usage still works. */
    const proto = Object.getPrototypeOf(inst);
    if (!_installedToString.has(proto)) {
        _installedToString.add(proto);
        Object.defineProperty(proto, "toString", {
            configurable: true,
            enumerable: false,
            get() {
                const value = () => this.message;
                Object.defineProperty(this, "toString", { value, configurable: true, writable: true });
                return value;
            },
            set(value) {
                Object.defineProperty(this, "toString", { value, configurable: true, writable: true });
            },
        });
    }
};
const $ZodError = $constructor("$ZodError", initializer);
const $ZodRealError = $constructor("$ZodError", initializer, undefined, {
    Parent: Error,
});
/** Get-or-create `obj[key]` as an own data property. A path segment naming an inherited member
 * ("toString", "constructor") would otherwise read through to the prototype, and assigning
 * "__proto__" would hit the setter instead of creating a key. */
function node(obj, key, make) {
    if (!Object.prototype.hasOwnProperty.call(obj, key)) {
        if (key === "__proto__") {
            Object.defineProperty(obj, key, { value: make(), writable: true, enumerable: true, configurable: true });
        }
        else {
            obj[key] = make();
        }
    }
    return obj[key];
}
function flattenError(error, mapper = (issue) => issue.message) {
    const fieldErrors = {};
    const formErrors = [];
    for (const sub of error.issues) {
        if (sub.path.length > 0) {
            node(fieldErrors, sub.path[0], () => []).push(mapper(sub));
        }
        else {
            formErrors.push(mapper(sub));
        }
    }
    return { formErrors, fieldErrors };
}
function formatError(error, mapper = (issue) => issue.message) {
    const fieldErrors = { _errors: [] };
    const processError = (error, path = []) => {
        for (const issue of error.issues) {
            if (issue.code === "invalid_union" && issue.errors.length) {
                issue.errors.map((issues) => processError({ issues }, [...path, ...issue.path]));
            }
            else if (issue.code === "invalid_key") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else if (issue.code === "invalid_element") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else {
                const fullpath = [...path, ...issue.path];
                if (fullpath.length === 0) {
                    fieldErrors._errors.push(mapper(issue));
                }
                else {
                    let curr = fieldErrors;
                    let i = 0;
                    while (i < fullpath.length) {
                        const el = fullpath[i];
                        const terminal = i === fullpath.length - 1;
                        // `_errors` is reserved by this legacy format, so merge a matching path segment into the current node instead of treating its array as a child.
                        if (el === "_errors") {
                            if (terminal)
                                curr._errors.push(mapper(issue));
                            i++;
                            continue;
                        }
                        // A path element may collide with an inherited property name such as
                        // "__proto__" or "constructor". Truthiness checks read the prototype
                        // (so no node is created, then ._errors.push throws), and bracket
                        // assignment of "__proto__" hits the setter instead of creating an
                        // own key. Guard the read with hasOwnProperty and create the node
                        // with defineProperty so any path element becomes a real own key.
                        if (!Object.prototype.hasOwnProperty.call(curr, el)) {
                            Object.defineProperty(curr, el, {
                                value: { _errors: [] },
                                enumerable: true,
                                writable: true,
                                configurable: true,
                            });
                        }
                        const node = curr[el];
                        if (terminal) {
                            node._errors.push(mapper(issue));
                        }
                        curr = node;
                        i++;
                    }
                }
            }
        }
    };
    processError(error);
    return fieldErrors;
}
function treeifyError(error, mapper = (issue) => issue.message) {
    const result = { errors: [] };
    const processError = (error, path = []) => {
        var _a;
        for (const issue of error.issues) {
            if (issue.code === "invalid_union" && issue.errors.length) {
                // regular union error
                issue.errors.map((issues) => processError({ issues }, [...path, ...issue.path]));
            }
            else if (issue.code === "invalid_key") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else if (issue.code === "invalid_element") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else {
                const fullpath = [...path, ...issue.path];
                if (fullpath.length === 0) {
                    result.errors.push(mapper(issue));
                    continue;
                }
                let curr = result;
                let i = 0;
                while (i < fullpath.length) {
                    const el = fullpath[i];
                    const terminal = i === fullpath.length - 1;
                    if (typeof el === "string") {
                        curr.properties ?? (curr.properties = {});
                        // el may collide with an inherited property name ("__proto__",
                        // "constructor", ...); ??= reads the prototype so the node is never
                        // created and curr.errors.push throws. Guard with hasOwnProperty and
                        // create the node with defineProperty so "__proto__" becomes a real
                        // own key rather than invoking the prototype setter.
                        if (!Object.prototype.hasOwnProperty.call(curr.properties, el)) {
                            Object.defineProperty(curr.properties, el, {
                                value: { errors: [] },
                                enumerable: true,
                                writable: true,
                                configurable: true,
                            });
                        }
                        curr = curr.properties[el];
                    }
                    else {
                        curr.items ?? (curr.items = []);
                        (_a = curr.items)[el] ?? (_a[el] = { errors: [] });
                        curr = curr.items[el];
                    }
                    if (terminal) {
                        curr.errors.push(mapper(issue));
                    }
                    i++;
                }
            }
        }
    };
    processError(error);
    return result;
}
/** Format a ZodError as a human-readable string in the following form.
 *
 * From
 *
 * ```ts
 * ZodError {
 *   issues: [
 *     {
 *       expected: 'string',
 *       code: 'invalid_type',
 *       path: [ 'username' ],
 *       message: 'Invalid input: expected string'
 *     },
 *     {
 *       expected: 'number',
 *       code: 'invalid_type',
 *       path: [ 'favoriteNumbers', 1 ],
 *       message: 'Invalid input: expected number'
 *     }
 *   ];
 * }
 * ```
 *
 * to
 *
 * ```
 * username
 *   ✖ Expected number, received string at "username
 * favoriteNumbers[0]
 *   ✖ Invalid input: expected number
 * ```
 */
function toDotPath(_path) {
    const segs = [];
    const path = _path.map((seg) => (typeof seg === "object" ? seg.key : seg));
    for (const seg of path) {
        if (typeof seg === "number")
            segs.push(`[${seg}]`);
        else if (typeof seg === "symbol")
            segs.push(`[${JSON.stringify(String(seg))}]`);
        else if (/[^\w$]/.test(seg))
            segs.push(`[${JSON.stringify(seg)}]`);
        else {
            if (segs.length)
                segs.push(".");
            segs.push(seg);
        }
    }
    return segs.join("");
}
function prettifyError(error) {
    const lines = [];
    // sort by path length
    const issues = [...error.issues].sort((a, b) => (a.path ?? []).length - (b.path ?? []).length);
    // Process each issue
    for (const issue of issues) {
        lines.push(`✖ ${issue.message}`);
        if (issue.path?.length)
            lines.push(`  → at ${toDotPath(issue.path)}`);
    }
    // Convert Map to formatted string
    return lines.join("\n");
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/parse.js



// Always both keys, so the `_params` read site in `_parse` sees one object shape rather than two.
function finalizeParams(callee, params) {
    return { callee: params?.callee ?? callee, Err: params?.Err };
}
const _parse = (_Err) => {
    const fn = (schema, value, _ctx, _params) => {
        const ctx = _ctx ? { ..._ctx, async: false } : { async: false };
        const result = schema._zod.run({ value, issues: [] }, ctx);
        if (result instanceof Promise) {
            throw new $ZodAsyncError();
        }
        if (result.issues.length) {
            const e = new (_params?.Err ?? _Err)(result.issues.map((iss) => finalizeIssue(iss, ctx, config())));
            captureStackTrace(e, _params?.callee ?? fn);
            throw e;
        }
        return result.value;
    };
    return fn;
};
const parse_parse = /* @__PURE__*/ _parse($ZodRealError);
const _parseAsync = (_Err) => {
    const fn = async (schema, value, _ctx, params) => {
        const ctx = _ctx ? { ..._ctx, async: true } : { async: true };
        let result = schema._zod.run({ value, issues: [] }, ctx);
        if (result instanceof Promise)
            result = await result;
        if (result.issues.length) {
            const e = new (params?.Err ?? _Err)(result.issues.map((iss) => finalizeIssue(iss, ctx, config())));
            captureStackTrace(e, params?.callee ?? fn);
            throw e;
        }
        return result.value;
    };
    return fn;
};
const parse_parseAsync = /* @__PURE__*/ _parseAsync($ZodRealError);
const _safeParse = (_Err) => (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, async: false } : { async: false };
    const result = schema._zod.run({ value, issues: [] }, ctx);
    if (result instanceof Promise) {
        throw new $ZodAsyncError();
    }
    return result.issues.length ? failure(_Err, result.issues, ctx) : { success: true, data: result.value };
};
const safeParse = /* @__PURE__*/ _safeParse($ZodRealError);
// the error is built on the first read of `error`: finalizing the issues and constructing the instance is most of a failing parse, and a caller that only branches on `success` never pays it. a getter in the literal keeps this small; the alternative, one shared accessor descriptor plus a hidden state slot, reads ~15% faster but costs ~75 B gzipped in every bundle
function failure(Err, issues, ctx) {
    let error;
    return {
        success: false,
        get error() {
            if (!error) {
                error = new Err(issues.map((iss) => finalizeIssue(iss, ctx, config())));
                // finalizeIssue drops `input`, so the built error holds nothing; keeping the raw issues past this point pins the parsed value for the life of the result
                issues = undefined;
                ctx = undefined;
            }
            return error;
        },
        set error(e) {
            error = e;
            // a replacement makes the getter's branch unreachable, so the captures have to go here too
            issues = undefined;
            ctx = undefined;
        },
    };
}
const _safeParseAsync = (_Err) => async (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, async: true } : { async: true };
    let result = schema._zod.run({ value, issues: [] }, ctx);
    if (result instanceof Promise)
        result = await result;
    return result.issues.length ? failure(_Err, result.issues, ctx) : { success: true, data: result.value };
};
const safeParseAsync = /* @__PURE__*/ _safeParseAsync($ZodRealError);
// registry mirrors of the compiler's sentinels, so this module never imports the compiler
const COMPILE_INVALID = /* @__PURE__ */ Symbol.for("zod.compile.invalid");
const COMPILE_FALLBACK = /* @__PURE__ */ Symbol.for("zod.compile.fallback");
// Deliberately tiny, because v8 will not inline a body carrying the fallback's object literals and throw. Everything that is not the compiled happy path lives in validateFallback, and that split is worth ~35% on a compiled schema.
const validate = ((schema, value, _ctx) => {
    const validator = schema._zod.bag.validator;
    if (validator !== undefined) {
        if (validator(value) !== COMPILE_INVALID)
            return true;
        // a definite sentinel means the runtime would reject, so skip the re-parse; a ctx can still change the answer
        if (validator.definite === true && _ctx === undefined)
            return false;
    }
    return validateFallback(schema, value, _ctx);
});
function validateFallback(schema, value, _ctx) {
    const ctx = _ctx
        ? { ..._ctx, async: false, abortEarly: true }
        : { async: false, abortEarly: true };
    const fallbackRun = schema._zod.bag.fallbackRun;
    let result;
    if (fallbackRun) {
        // skip nested fast paths on the fallback, so user callbacks keep the at-most-twice bound
        ctx[COMPILE_FALLBACK] = true;
        result = fallbackRun({ value, issues: [] }, ctx);
    }
    else {
        result = schema._zod.run({ value, issues: [] }, ctx);
    }
    if (result instanceof Promise) {
        throw new $ZodAsyncError();
    }
    return result.issues.length === 0;
}
// no fast path: the compiler keeps async parses on the runtime, because a promise-returning callback that is not declared async compiles to a throw
const parse_validateAsync = async (schema, value, _ctx) => {
    const ctx = _ctx
        ? { ..._ctx, async: true, abortEarly: true }
        : { async: true, abortEarly: true };
    let result = schema._zod.run({ value, issues: [] }, ctx);
    if (result instanceof Promise)
        result = await result;
    return result.issues.length === 0;
};
const _encode = (_Err) => {
    const parse = _parse(_Err);
    const fn = (schema, value, _ctx, _params) => {
        const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
        return parse(schema, value, ctx, finalizeParams(fn, _params));
    };
    return fn;
};
const encode = /* @__PURE__*/ _encode($ZodRealError);
const _decode = (_Err) => {
    const parse = _parse(_Err);
    const fn = (schema, value, _ctx, _params) => {
        return parse(schema, value, _ctx, finalizeParams(fn, _params));
    };
    return fn;
};
const decode = /* @__PURE__*/ _decode($ZodRealError);
const _encodeAsync = (_Err) => {
    const parseAsync = _parseAsync(_Err);
    const fn = async (schema, value, _ctx, _params) => {
        const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
        return (await parseAsync(schema, value, ctx, finalizeParams(fn, _params)));
    };
    return fn;
};
const encodeAsync = /* @__PURE__*/ _encodeAsync($ZodRealError);
const _decodeAsync = (_Err) => {
    const parseAsync = _parseAsync(_Err);
    const fn = async (schema, value, _ctx, _params) => {
        return await parseAsync(schema, value, _ctx, finalizeParams(fn, _params));
    };
    return fn;
};
const decodeAsync = /* @__PURE__*/ _decodeAsync($ZodRealError);
const _safeEncode = (_Err) => (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
    return _safeParse(_Err)(schema, value, ctx);
};
const safeEncode = /* @__PURE__*/ _safeEncode($ZodRealError);
const _safeDecode = (_Err) => (schema, value, _ctx) => {
    return _safeParse(_Err)(schema, value, _ctx);
};
const safeDecode = /* @__PURE__*/ _safeDecode($ZodRealError);
const _safeEncodeAsync = (_Err) => async (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
    return _safeParseAsync(_Err)(schema, value, ctx);
};
const safeEncodeAsync = /* @__PURE__*/ _safeEncodeAsync($ZodRealError);
const _safeDecodeAsync = (_Err) => async (schema, value, _ctx) => {
    return _safeParseAsync(_Err)(schema, value, _ctx);
};
const safeDecodeAsync = /* @__PURE__*/ _safeDecodeAsync($ZodRealError);

;// CONCATENATED MODULE: ./node_modules/zod/v4/classic/errors.js



/* Prototypes that already carry the lazy helper methods. Seeded with the
 * intrinsics so that `init` on a foreign object — it accepts any object —
 * can never install an accessor onto a prototype we do not own. */
const _installedErrorProtos = /* @__PURE__ */ new WeakSet([Object.prototype, Error.prototype]);
/* Helper methods live as non-enumerable lazy getters on the shared
 * prototype instead of own properties on every instance. On first
 * access the getter allocates the per-instance closure and caches it
 * as a non-enumerable own property, so detached usage still works and
 * the allocation only happens for methods actually touched. */
function _lazyMethod(proto, key, make) {
    Object.defineProperty(proto, key, {
        configurable: true,
        enumerable: false,
        get() {
            const value = make(this);
            Object.defineProperty(this, key, { value, configurable: true, writable: true });
            return value;
        },
        set(value) {
            Object.defineProperty(this, key, { value, configurable: true, writable: true });
        },
    });
}
const errors_initializer = (inst, issues) => {
    $ZodError.init(inst, issues);
    inst.name = "ZodError";
    const proto = Object.getPrototypeOf(inst);
    if (_installedErrorProtos.has(proto))
        return;
    _installedErrorProtos.add(proto);
    _lazyMethod(proto, "format", (self) => (mapper) => formatError(self, mapper));
    _lazyMethod(proto, "flatten", (self) => (mapper) => flattenError(self, mapper));
    _lazyMethod(proto, "addIssue", (self) => (issue) => {
        self.issues.push(issue);
        self.message = JSON.stringify(self.issues, jsonStringifyReplacer, 2);
    });
    _lazyMethod(proto, "addIssues", (self) => (issues) => {
        self.issues.push(...issues);
        self.message = JSON.stringify(self.issues, jsonStringifyReplacer, 2);
    });
    Object.defineProperty(proto, "isEmpty", {
        configurable: true,
        enumerable: false,
        get() {
            return this.issues.length === 0;
        },
    });
};
const ZodError = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodError", errors_initializer)));
const ZodRealError = /*@__PURE__*/ $constructor("ZodError", errors_initializer, undefined, {
    Parent: Error,
});
// /** @deprecated Use `z.core.$ZodErrorMapCtx` instead. */
// export type ErrorMapCtx = core.$ZodErrorMapCtx;

;// CONCATENATED MODULE: ./node_modules/zod/v4/classic/parse.js


const classic_parse_parse = /* @__PURE__ */ _parse(ZodRealError);
const classic_parse_parseAsync = /* @__PURE__ */ _parseAsync(ZodRealError);
const parse_safeParse = /* @__PURE__ */ _safeParse(ZodRealError);
const parse_safeParseAsync = /* @__PURE__ */ _safeParseAsync(ZodRealError);

// Codec functions
const parse_encode = /* @__PURE__ */ _encode(ZodRealError);
const parse_decode = /* @__PURE__ */ _decode(ZodRealError);
const parse_encodeAsync = /* @__PURE__ */ _encodeAsync(ZodRealError);
const parse_decodeAsync = /* @__PURE__ */ _decodeAsync(ZodRealError);
const parse_safeEncode = /* @__PURE__ */ _safeEncode(ZodRealError);
const parse_safeDecode = /* @__PURE__ */ _safeDecode(ZodRealError);
const parse_safeEncodeAsync = /* @__PURE__ */ _safeEncodeAsync(ZodRealError);
const parse_safeDecodeAsync = /* @__PURE__ */ _safeDecodeAsync(ZodRealError);

;// CONCATENATED MODULE: ./node_modules/zod/v4/classic/schemas.js








// Register English as the default locale on first ZodType construction. Hooked into the `ZodType` `$constructor` (rather than a top-level `config(en())` in `external.ts`) so bundlers honoring `sideEffects: false` can't tree-shake it out — see #5953, #5725. An explicit `z.config(z.locales.xx())` call wins regardless of order, since this only sets the default when none is present.
function _ensureDefaultLocale() {
    if (!globalConfig.localeError)
        config(en());
}
// the default memoizer is read by the core container init, which runs before `ZodType.init`, so each container calls this first
function _ensureDefaultMemoizer() {
    if (!globalConfig.memoizer)
        config({ memoizer: memoizer() });
}
const ZodType = /*@__PURE__*/ $constructor("ZodType", (inst, def) => {
    _ensureDefaultLocale();
    $ZodType.init(inst, def);
    inst.def = def;
    inst.type = def.type;
    return inst;
}, {
    check(...chks) {
        const def = this.def;
        return this.clone(mergeDefs(def, {
            checks: [
                ...(def.checks ?? []),
                ...chks.map((ch) => typeof ch === "function" ? { _zod: { check: ch, def: { check: "custom" }, onattach: [] } } : ch),
            ],
        }), { parent: true });
    },
    with(...chks) {
        return this.check(...chks);
    },
    clone(def, params) {
        return clone(this, def, params);
    },
    brand() {
        return this;
    },
    register(reg, meta) {
        reg.add(this, meta);
        return this;
    },
    refine(check, params) {
        return this.check(refine(check, params));
    },
    superRefine(refinement, params) {
        return this.check(superRefine(refinement, params));
    },
    overwrite(fn) {
        return this.check(_overwrite(fn));
    },
    optional() {
        return optional(this);
    },
    exactOptional() {
        return exactOptional(this);
    },
    nullable() {
        return nullable(this);
    },
    nullish() {
        return optional(nullable(this));
    },
    nonoptional(params) {
        return nonoptional(this, params);
    },
    array() {
        return array(this);
    },
    or(arg) {
        return union([this, arg]);
    },
    and(arg) {
        return intersection(this, arg);
    },
    transform(tx) {
        return pipe(this, transform(tx));
    },
    default(d) {
        return schemas_default(this, d);
    },
    prefault(d) {
        return prefault(this, d);
    },
    catch(params) {
        return schemas_catch(this, params);
    },
    pipe(target) {
        return pipe(this, target);
    },
    readonly() {
        return readonly(this);
    },
    describe(description) {
        const cl = this.clone();
        globalRegistry.add(cl, { description });
        return cl;
    },
    meta(...args) {
        // overloaded: meta() returns the registered metadata, meta(data) returns a clone with `data` registered. The mapped type picks up the second overload, so we accept variadic any-args and return `any` to satisfy both at runtime.
        if (args.length === 0)
            return globalRegistry.get(this);
        const cl = this.clone();
        globalRegistry.add(cl, args[0]);
        return cl;
    },
    isOptional() {
        return this.safeParse(undefined).success;
    },
    isNullable() {
        return this.safeParse(null).success;
    },
    apply(fn, ...args) {
        return args.length === 0 ? fn(this) : fn(this, ...args);
    },
    // Overrides core's `~standard` to add `jsonSchema`. Must stay a prototype entry: redefining it per instance demotes instances to dictionary mode.
    get "~standard"() {
        return hide(this, "~standard", {
            ...standardProps(this),
            jsonSchema: {
                input: createStandardJSONSchemaMethod(this, "input"),
                output: createStandardJSONSchemaMethod(this, "output"),
            },
        });
    },
    set "~standard"(value) {
        own(this, "~standard", value);
    },
    parse: function _parse(data, params) {
        return classic_parse_parse(this, data, params, { callee: _parse });
    },
    parseAsync: async function _parseAsync(data, params) {
        return await classic_parse_parseAsync(this, data, params, { callee: _parseAsync });
    },
    safeParse(data, params) {
        return parse_safeParse(this, data, params);
    },
    async safeParseAsync(data, params) {
        return parse_safeParseAsync(this, data, params);
    },
    // `spa` is an alias: same function object as `safeParseAsync`, as before.
    get spa() {
        return this?.safeParseAsync;
    },
    set spa(value) {
        own(this, "spa", value);
    },
    validate(data, params) {
        return validate(this, data, params);
    },
    validateAsync(data, params) {
        return parse_validateAsync(this, data, params);
    },
    encode: function _encode(data, params) {
        return parse_encode(this, data, params, { callee: _encode });
    },
    decode: function _decode(data, params) {
        return parse_decode(this, data, params, { callee: _decode });
    },
    encodeAsync: async function _encodeAsync(data, params) {
        return await parse_encodeAsync(this, data, params, { callee: _encodeAsync });
    },
    decodeAsync: async function _decodeAsync(data, params) {
        return await parse_decodeAsync(this, data, params, { callee: _decodeAsync });
    },
    safeEncode(data, params) {
        return parse_safeEncode(this, data, params);
    },
    safeDecode(data, params) {
        return parse_safeDecode(this, data, params);
    },
    async safeEncodeAsync(data, params) {
        return parse_safeEncodeAsync(this, data, params);
    },
    async safeDecodeAsync(data, params) {
        return parse_safeDecodeAsync(this, data, params);
    },
    toJSONSchema(params) {
        return createToJSONSchemaMethod(this, {})(params);
    },
    // Reads through to the registry on every access, so it must not cache.
    get description() {
        return globalRegistry.get(this)?.description;
    },
    // No setter: `schema._def = x` throws, as it did when `_def` was a non-writable own property.
    get _def() {
        return this._zod.def;
    },
});
/** @internal */
const _ZodString = /*@__PURE__*/ $constructor("_ZodString", (inst, def) => {
    $ZodString.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => stringProcessor(inst, ctx, json, params);
}, 
/*@__PURE__*/ derived({
    format: (inst) => aggregateChecks(inst).format ?? null,
    minLength: (inst) => aggregateChecks(inst).minimum ?? null,
    maxLength: (inst) => aggregateChecks(inst).maximum ?? null,
}, {
    regex(...args) {
        return this.check(_regex(...args));
    },
    includes(...args) {
        return this.check(_includes(...args));
    },
    startsWith(...args) {
        return this.check(_startsWith(...args));
    },
    endsWith(...args) {
        return this.check(_endsWith(...args));
    },
    min(...args) {
        return this.check(_minLength(...args));
    },
    max(...args) {
        return this.check(_maxLength(...args));
    },
    length(...args) {
        return this.check(_length(...args));
    },
    nonempty(...args) {
        return this.check(_minLength(1, ...args));
    },
    lowercase(params) {
        return this.check(_lowercase(params));
    },
    uppercase(params) {
        return this.check(_uppercase(params));
    },
    trim() {
        return this.check(_trim());
    },
    normalize(...args) {
        return this.check(_normalize(...args));
    },
    toLowerCase() {
        return this.check(_toLowerCase());
    },
    toUpperCase() {
        return this.check(_toUpperCase());
    },
    slugify() {
        return this.check(_slugify());
    },
}));
const ZodString = /*@__PURE__*/ $constructor("ZodString", (inst, def) => {
    $ZodString.init(inst, def);
    _ZodString.init(inst, def);
}, {
    email(params) {
        return this.check(_email(ZodEmail, params));
    },
    url(params) {
        return this.check(_url(ZodURL, params));
    },
    jwt(params) {
        return this.check(_jwt(ZodJWT, params));
    },
    emoji(params) {
        return this.check(api_emoji(ZodEmoji, params));
    },
    guid(params) {
        return this.check(_guid(ZodGUID, params));
    },
    uuid(params) {
        return this.check(_uuid(ZodUUID, params));
    },
    uuidv4(params) {
        return this.check(_uuidv4(ZodUUID, params));
    },
    uuidv6(params) {
        return this.check(_uuidv6(ZodUUID, params));
    },
    uuidv7(params) {
        return this.check(_uuidv7(ZodUUID, params));
    },
    nanoid(params) {
        return this.check(_nanoid(ZodNanoID, params));
    },
    cuid(params) {
        return this.check(_cuid(ZodCUID, params));
    },
    cuid2(params) {
        return this.check(_cuid2(ZodCUID2, params));
    },
    ulid(params) {
        return this.check(_ulid(ZodULID, params));
    },
    base64(params) {
        return this.check(_base64(ZodBase64, params));
    },
    base64url(params) {
        return this.check(_base64url(ZodBase64URL, params));
    },
    xid(params) {
        return this.check(_xid(ZodXID, params));
    },
    ksuid(params) {
        return this.check(_ksuid(ZodKSUID, params));
    },
    ipv4(params) {
        return this.check(_ipv4(ZodIPv4, params));
    },
    ipv6(params) {
        return this.check(_ipv6(ZodIPv6, params));
    },
    cidrv4(params) {
        return this.check(_cidrv4(ZodCIDRv4, params));
    },
    cidrv6(params) {
        return this.check(_cidrv6(ZodCIDRv6, params));
    },
    e164(params) {
        return this.check(_e164(ZodE164, params));
    },
    datetime(params) {
        return this.check(_isoDateTime(ZodISODateTime, params));
    },
    date(params) {
        return this.check(_isoDate(ZodISODate, params));
    },
    time(params) {
        return this.check(_isoTime(ZodISOTime, params));
    },
    duration(params) {
        return this.check(_isoDuration(ZodISODuration, params));
    },
});
function schemas_string(params) {
    return _string(ZodString, params);
}
const ZodStringFormat = /*@__PURE__*/ $constructor("ZodStringFormat", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    _ZodString.init(inst, def);
});
const ZodISODateTime = /*@__PURE__*/ $constructor("ZodISODateTime", (inst, def) => {
    $ZodISODateTime.init(inst, def);
    ZodStringFormat.init(inst, def);
});
const ZodISODate = /*@__PURE__*/ $constructor("ZodISODate", (inst, def) => {
    $ZodISODate.init(inst, def);
    ZodStringFormat.init(inst, def);
});
const ZodISOTime = /*@__PURE__*/ $constructor("ZodISOTime", (inst, def) => {
    $ZodISOTime.init(inst, def);
    ZodStringFormat.init(inst, def);
});
const ZodISODuration = /*@__PURE__*/ $constructor("ZodISODuration", (inst, def) => {
    $ZodISODuration.init(inst, def);
    ZodStringFormat.init(inst, def);
});
const ZodEmail = /*@__PURE__*/ $constructor("ZodEmail", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodEmail.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_email(params) {
    return core._email(ZodEmail, params);
}
const ZodGUID = /*@__PURE__*/ $constructor("ZodGUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodGUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_guid(params) {
    return core._guid(ZodGUID, params);
}
const ZodUUID = /*@__PURE__*/ $constructor("ZodUUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodUUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_uuid(params) {
    return core._uuid(ZodUUID, params);
}
function uuidv4(params) {
    return core._uuidv4(ZodUUID, params);
}
// ZodUUIDv6
function uuidv6(params) {
    return core._uuidv6(ZodUUID, params);
}
// ZodUUIDv7
function uuidv7(params) {
    return core._uuidv7(ZodUUID, params);
}
const ZodURL = /*@__PURE__*/ $constructor("ZodURL", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodURL.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function url(params) {
    return core._url(ZodURL, params);
}
function httpUrl(params) {
    return core._url(ZodURL, {
        protocol: regexes.httpProtocol,
        hostname: regexes.domain,
        ...util.normalizeParams(params),
    });
}
const ZodEmoji = /*@__PURE__*/ $constructor("ZodEmoji", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodEmoji.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_emoji(params) {
    return core._emoji(ZodEmoji, params);
}
const ZodNanoID = /*@__PURE__*/ $constructor("ZodNanoID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodNanoID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_nanoid(params) {
    return core._nanoid(ZodNanoID, params);
}
/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link ZodCUID2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
const ZodCUID = /*@__PURE__*/ $constructor("ZodCUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodCUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
/**
 * Validates a CUID v1 string.
 *
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link cuid2 | `z.cuid2()`} instead.
 * See https://github.com/paralleldrive/cuid.
 */
function schemas_cuid(params) {
    return core._cuid(ZodCUID, params);
}
const ZodCUID2 = /*@__PURE__*/ $constructor("ZodCUID2", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodCUID2.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_cuid2(params) {
    return core._cuid2(ZodCUID2, params);
}
const ZodULID = /*@__PURE__*/ $constructor("ZodULID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodULID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_ulid(params) {
    return core._ulid(ZodULID, params);
}
const ZodXID = /*@__PURE__*/ $constructor("ZodXID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodXID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_xid(params) {
    return core._xid(ZodXID, params);
}
const ZodKSUID = /*@__PURE__*/ $constructor("ZodKSUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodKSUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_ksuid(params) {
    return core._ksuid(ZodKSUID, params);
}
const ZodIPv4 = /*@__PURE__*/ $constructor("ZodIPv4", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodIPv4.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_ipv4(params) {
    return core._ipv4(ZodIPv4, params);
}
const ZodMAC = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMAC", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    core.$ZodMAC.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function schemas_mac(params) {
    return core._mac(ZodMAC, params);
}
const ZodIPv6 = /*@__PURE__*/ $constructor("ZodIPv6", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodIPv6.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_ipv6(params) {
    return core._ipv6(ZodIPv6, params);
}
const ZodCIDRv4 = /*@__PURE__*/ $constructor("ZodCIDRv4", (inst, def) => {
    $ZodCIDRv4.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_cidrv4(params) {
    return core._cidrv4(ZodCIDRv4, params);
}
const ZodCIDRv6 = /*@__PURE__*/ $constructor("ZodCIDRv6", (inst, def) => {
    $ZodCIDRv6.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_cidrv6(params) {
    return core._cidrv6(ZodCIDRv6, params);
}
const ZodBase64 = /*@__PURE__*/ $constructor("ZodBase64", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodBase64.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_base64(params) {
    return core._base64(ZodBase64, params);
}
const ZodBase64URL = /*@__PURE__*/ $constructor("ZodBase64URL", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodBase64URL.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_base64url(params) {
    return core._base64url(ZodBase64URL, params);
}
const ZodE164 = /*@__PURE__*/ $constructor("ZodE164", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodE164.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_e164(params) {
    return core._e164(ZodE164, params);
}
const ZodCreditCard = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodCreditCard", (inst, def) => {
    core.$ZodCreditCard.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function schemas_creditCard(params) {
    return core._creditCard(ZodCreditCard, params);
}
const ZodIBAN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodIBAN", (inst, def) => {
    core.$ZodIBAN.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function schemas_iban(params) {
    return core._iban(ZodIBAN, params);
}
const ZodJWT = /*@__PURE__*/ $constructor("ZodJWT", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodJWT.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function jwt(params) {
    return core._jwt(ZodJWT, params);
}
const ZodCustomStringFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodCustomStringFormat", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    core.$ZodCustomStringFormat.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function stringFormat(format, fnOrRegex, _params = {}) {
    return core._stringFormat(ZodCustomStringFormat, format, fnOrRegex, _params);
}
function schemas_hostname(_params) {
    return core._stringFormat(ZodCustomStringFormat, "hostname", regexes.hostname, _params);
}
function schemas_hex(_params) {
    return core._stringFormat(ZodCustomStringFormat, "hex", regexes.hex, _params);
}
function schemas_currencyCode(_params) {
    return core._stringFormat(ZodCustomStringFormat, "currency_code", regexes.currencyCode, _params);
}
function hash(alg, params) {
    const enc = params?.enc ?? "hex";
    const format = `${alg}_${enc}`;
    const regex = core.regexes[format];
    if (!regex)
        throw new Error(`Unrecognized hash format: ${format}`);
    return core._stringFormat(ZodCustomStringFormat, format, regex, params);
}
const ZodNumber = /*@__PURE__*/ $constructor("ZodNumber", (inst, def) => {
    $ZodNumber.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => numberProcessor(inst, ctx, json, params);
    inst.isFinite = true;
}, 
/*@__PURE__*/ derived({
    minValue: (inst) => {
        const { minimum, exclusiveMinimum } = aggregateChecks(inst);
        return Math.max(minimum ?? Number.NEGATIVE_INFINITY, exclusiveMinimum ?? Number.NEGATIVE_INFINITY);
    },
    maxValue: (inst) => {
        const { maximum, exclusiveMaximum } = aggregateChecks(inst);
        return Math.min(maximum ?? Number.POSITIVE_INFINITY, exclusiveMaximum ?? Number.POSITIVE_INFINITY);
    },
    isInt: (inst) => {
        const { isInt, multipleOf } = aggregateChecks(inst);
        return !!isInt || !!multipleOf?.some(Number.isSafeInteger);
    },
    format: (inst) => aggregateChecks(inst).format ?? null,
}, {
    gt(value, params) {
        return this.check(_gt(value, params));
    },
    gte(value, params) {
        return this.check(_gte(value, params));
    },
    min(value, params) {
        return this.check(_gte(value, params));
    },
    lt(value, params) {
        return this.check(_lt(value, params));
    },
    lte(value, params) {
        return this.check(_lte(value, params));
    },
    max(value, params) {
        return this.check(_lte(value, params));
    },
    int(params) {
        return this.check(schemas_int(params));
    },
    safe(params) {
        return this.check(schemas_int(params));
    },
    positive(params) {
        return this.check(_gt(0, params));
    },
    nonnegative(params) {
        return this.check(_gte(0, params));
    },
    negative(params) {
        return this.check(_lt(0, params));
    },
    nonpositive(params) {
        return this.check(_lte(0, params));
    },
    multipleOf(value, params) {
        return this.check(_multipleOf(value, params));
    },
    step(value, params) {
        return this.check(_multipleOf(value, params));
    },
    finite() {
        return this;
    },
}));
function schemas_number(params) {
    return _number(ZodNumber, params);
}
const ZodNumberFormat = /*@__PURE__*/ $constructor("ZodNumberFormat", (inst, def) => {
    $ZodNumberFormat.init(inst, def);
    ZodNumber.init(inst, def);
});
function schemas_int(params) {
    return _int(ZodNumberFormat, params);
}
function float32(params) {
    return core._float32(ZodNumberFormat, params);
}
function float64(params) {
    return core._float64(ZodNumberFormat, params);
}
function int32(params) {
    return core._int32(ZodNumberFormat, params);
}
function uint32(params) {
    return core._uint32(ZodNumberFormat, params);
}
const ZodBoolean = /*@__PURE__*/ $constructor("ZodBoolean", (inst, def) => {
    $ZodBoolean.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => booleanProcessor(inst, ctx, json, params);
});
function schemas_boolean(params) {
    return _boolean(ZodBoolean, params);
}
const ZodBigInt = /*@__PURE__*/ $constructor("ZodBigInt", (inst, def) => {
    $ZodBigInt.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => bigintProcessor(inst, ctx, json, params);
}, 
/*@__PURE__*/ derived({
    minValue: (inst) => aggregateChecks(inst).minimum ?? null,
    maxValue: (inst) => aggregateChecks(inst).maximum ?? null,
    format: (inst) => aggregateChecks(inst).format ?? null,
}, {
    gte(value, params) {
        return this.check(_gte(value, params));
    },
    min(value, params) {
        return this.check(_gte(value, params));
    },
    gt(value, params) {
        return this.check(_gt(value, params));
    },
    lt(value, params) {
        return this.check(_lt(value, params));
    },
    lte(value, params) {
        return this.check(_lte(value, params));
    },
    max(value, params) {
        return this.check(_lte(value, params));
    },
    positive(params) {
        return this.check(_gt(BigInt(0), params));
    },
    negative(params) {
        return this.check(_lt(BigInt(0), params));
    },
    nonpositive(params) {
        return this.check(_lte(BigInt(0), params));
    },
    nonnegative(params) {
        return this.check(_gte(BigInt(0), params));
    },
    multipleOf(value, params) {
        return this.check(_multipleOf(value, params));
    },
}));
function schemas_bigint(params) {
    return core._bigint(ZodBigInt, params);
}
const ZodBigIntFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodBigIntFormat", (inst, def) => {
    core.$ZodBigIntFormat.init(inst, def);
    ZodBigInt.init(inst, def);
})));
function int64(params) {
    return core._int64(ZodBigIntFormat, params);
}
function uint64(params) {
    return core._uint64(ZodBigIntFormat, params);
}
const ZodSymbol = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodSymbol", (inst, def) => {
    core.$ZodSymbol.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.symbolProcessor(inst, ctx, json, params);
})));
function symbol(params) {
    return core._symbol(ZodSymbol, params);
}
const ZodUndefined = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodUndefined", (inst, def) => {
    core.$ZodUndefined.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.undefinedProcessor(inst, ctx, json, params);
})));
function schemas_undefined(params) {
    return core._undefined(ZodUndefined, params);
}

const ZodNull = /*@__PURE__*/ $constructor("ZodNull", (inst, def) => {
    $ZodNull.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => nullProcessor(inst, ctx, json, params);
});
function schemas_null(params) {
    return api_null(ZodNull, params);
}

const ZodAny = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodAny", (inst, def) => {
    core.$ZodAny.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.anyProcessor(inst, ctx, json, params);
})));
function any() {
    return core._any(ZodAny);
}
const ZodUnknown = /*@__PURE__*/ $constructor("ZodUnknown", (inst, def) => {
    $ZodUnknown.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => unknownProcessor(inst, ctx, json, params);
});
function unknown() {
    return _unknown(ZodUnknown);
}
const ZodNever = /*@__PURE__*/ $constructor("ZodNever", (inst, def) => {
    $ZodNever.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => neverProcessor(inst, ctx, json, params);
});
function never(params) {
    return _never(ZodNever, params);
}
const ZodVoid = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodVoid", (inst, def) => {
    core.$ZodVoid.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.voidProcessor(inst, ctx, json, params);
})));
function schemas_void(params) {
    return core._void(ZodVoid, params);
}

const ZodDate = /*@__PURE__*/ $constructor("ZodDate", (inst, def) => {
    $ZodDate.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => dateProcessor(inst, ctx, json, params);
    inst.min = (value, params) => inst.check(_gte(value, params));
    inst.max = (value, params) => inst.check(_lte(value, params));
}, 
/*@__PURE__*/ derived({
    minDate: (inst) => {
        const { minimum } = aggregateChecks(inst);
        return minimum ? new Date(minimum) : null;
    },
    maxDate: (inst) => {
        const { maximum } = aggregateChecks(inst);
        return maximum ? new Date(maximum) : null;
    },
}, {}));
function schemas_date(params) {
    return core._date(ZodDate, params);
}
const ZodArray = /*@__PURE__*/ $constructor("ZodArray", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodArray.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => arrayProcessor(inst, ctx, json, params);
    inst.element = def.element;
}, {
    min(n, params) {
        return this.check(_minLength(n, params));
    },
    nonempty(params) {
        return this.check(_minLength(1, params));
    },
    max(n, params) {
        return this.check(_maxLength(n, params));
    },
    length(n, params) {
        return this.check(_length(n, params));
    },
    unwrap() {
        return this.element;
    },
});
function array(element, params) {
    return _array(ZodArray, element, params);
}
// .keyof
function keyof(schema) {
    const shape = schema._zod.def.shape;
    return schemas_enum(Object.keys(shape));
}
const ZodObject = /*@__PURE__*/ $constructor("ZodObject", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodObjectJIT.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => objectProcessor(inst, ctx, json, params);
    installLazyProp(inst, "shape", (self) => self._zod.def.shape, false);
}, {
    keyof() {
        return schemas_enum(Object.keys(this._zod.def.shape));
    },
    catchall(catchall) {
        // `mergeDefs` rather than a spread: spreading reads `shape`, and resolving it can mint a whole fresh subtree
        return this.clone(mergeDefs(this._zod.def, { catchall: catchall }));
    },
    passthrough() {
        return this.clone(mergeDefs(this._zod.def, { catchall: unknown() }));
    },
    loose() {
        return this.clone(mergeDefs(this._zod.def, { catchall: unknown() }));
    },
    strict() {
        return this.clone(mergeDefs(this._zod.def, { catchall: never() }));
    },
    strip() {
        return this.clone(mergeDefs(this._zod.def, { catchall: undefined }));
    },
    extend(incoming) {
        return extend(this, incoming);
    },
    safeExtend(incoming) {
        return safeExtend(this, incoming);
    },
    merge(other) {
        return merge(this, other);
    },
    pick(mask) {
        return pick(this, mask);
    },
    omit(mask) {
        return omit(this, mask);
    },
    partial(...args) {
        return partial(ZodOptional, this, args[0]);
    },
    exactPartial(...args) {
        return partial(ZodExactOptional, this, args[0], "exactPartial");
    },
    required(...args) {
        return required(ZodNonOptional, this, args[0]);
    },
});
function object(shape, params) {
    const def = {
        type: "object",
        shape: shape ?? {},
        ...normalizeParams(params),
    };
    return new ZodObject(def);
}
// strictObject
function strictObject(shape, params) {
    return new ZodObject({
        type: "object",
        shape,
        catchall: never(),
        ...util.normalizeParams(params),
    });
}
// looseObject
function looseObject(shape, params) {
    return new ZodObject({
        type: "object",
        shape,
        catchall: unknown(),
        ...normalizeParams(params),
    });
}
const ZodUnion = /*@__PURE__*/ $constructor("ZodUnion", (inst, def) => {
    $ZodUnion.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => unionProcessor(inst, ctx, json, params);
    inst.options = def.options;
});
function union(options, params) {
    return new ZodUnion({
        type: "union",
        options: options,
        ...normalizeParams(params),
    });
}
const ZodXor = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodXor", (inst, def) => {
    ZodUnion.init(inst, def);
    core.$ZodXor.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.unionProcessor(inst, ctx, json, params);
    inst.options = def.options;
})));
/** Creates an exclusive union (XOR) where exactly one option must match.
 * Unlike regular unions that succeed when any option matches, xor fails if
 * zero or more than one option matches the input. */
function xor(options, params) {
    return new ZodXor({
        type: "union",
        options: options,
        inclusive: false,
        ...util.normalizeParams(params),
    });
}
const ZodDiscriminatedUnion = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodDiscriminatedUnion", (inst, def) => {
    ZodUnion.init(inst, def);
    core.$ZodDiscriminatedUnion.init(inst, def);
})));
function discriminatedUnion(discriminator, options, params) {
    // const [options, params] = args;
    return new ZodDiscriminatedUnion({
        type: "union",
        options: options,
        discriminator,
        ...util.normalizeParams(params),
    });
}
const ZodIntersection = /*@__PURE__*/ $constructor("ZodIntersection", (inst, def) => {
    $ZodIntersection.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => intersectionProcessor(inst, ctx, json, params);
});
function intersection(left, right) {
    return new ZodIntersection({
        type: "intersection",
        left: left,
        right: right,
    });
}
const ZodTuple = /*@__PURE__*/ $constructor("ZodTuple", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodTuple.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => tupleProcessor(inst, ctx, json, params);
}, {
    rest(rest) {
        return this.clone({
            ...this._zod.def,
            rest: rest,
        });
    },
    partial() {
        const def = this._zod.def;
        // a refinement was authored against the full arity; partialing would run it on a shorter array
        if (def.checks?.length)
            throw new Error(".partial() cannot be used on tuple schemas containing refinements");
        return this.clone({
            ...def,
            items: def.items.map((item) => new ZodOptional({ type: "optional", innerType: item })),
        });
    },
});
function tuple(items, _paramsOrRest, _params) {
    const hasRest = _paramsOrRest instanceof core.$ZodType;
    const params = hasRest ? _params : _paramsOrRest;
    const rest = hasRest ? _paramsOrRest : null;
    return new ZodTuple({
        type: "tuple",
        items: items,
        rest,
        ...util.normalizeParams(params),
    });
}
const ZodRecord = /*@__PURE__*/ $constructor("ZodRecord", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodRecord.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => recordProcessor(inst, ctx, json, params);
    inst.keyType = def.keyType;
    inst.valueType = def.valueType;
});
function record(keyType, valueType, params) {
    // v3-compat: z.record(valueType, params?) — defaults keyType to z.string()
    if (!valueType || !valueType._zod) {
        return new ZodRecord({
            type: "record",
            keyType: schemas_string(),
            valueType: keyType,
            ...normalizeParams(valueType),
        });
    }
    return new ZodRecord({
        type: "record",
        keyType,
        valueType: valueType,
        ...normalizeParams(params),
    });
}
// type alksjf = core.output<core.$ZodRecordKey>;
function partialRecord(keyType, valueType, params) {
    return new ZodRecord({
        type: "record",
        keyType,
        valueType: valueType,
        ...util.normalizeParams(params),
        partial: true,
    });
}
function looseRecord(keyType, valueType, params) {
    return new ZodRecord({
        type: "record",
        keyType,
        valueType: valueType,
        mode: "loose",
        ...util.normalizeParams(params),
    });
}
const ZodMap = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMap", (inst, def) => {
    _ensureDefaultMemoizer();
    core.$ZodMap.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.mapProcessor(inst, ctx, json, params);
    inst.keyType = def.keyType;
    inst.valueType = def.valueType;
    inst.min = (...args) => inst.check(core._minSize(...args));
    inst.nonempty = (params) => inst.check(core._minSize(1, params));
    inst.max = (...args) => inst.check(core._maxSize(...args));
    inst.size = (...args) => inst.check(core._size(...args));
})));
function map(keyType, valueType, params) {
    return new ZodMap({
        type: "map",
        keyType: keyType,
        valueType: valueType,
        ...util.normalizeParams(params),
    });
}
const ZodSet = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodSet", (inst, def) => {
    _ensureDefaultMemoizer();
    core.$ZodSet.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.setProcessor(inst, ctx, json, params);
    inst.min = (...args) => inst.check(core._minSize(...args));
    inst.nonempty = (params) => inst.check(core._minSize(1, params));
    inst.max = (...args) => inst.check(core._maxSize(...args));
    inst.size = (...args) => inst.check(core._size(...args));
})));
function set(valueType, params) {
    return new ZodSet({
        type: "set",
        valueType: valueType,
        ...util.normalizeParams(params),
    });
}
const ZodEnum = /*@__PURE__*/ $constructor("ZodEnum", (inst, def) => {
    $ZodEnum.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => enumProcessor(inst, ctx, json, params);
    inst.enum = def.entries;
    // reuse the parsed value set so a numeric TS enum's reverse-mapping keys stay out
    inst.options = [...inst._zod.values];
    const keys = new Set(Object.keys(def.entries));
    inst.extract = (values, params) => {
        const newEntries = {};
        for (const value of values) {
            if (keys.has(value)) {
                newEntries[value] = def.entries[value];
            }
            else
                throw new Error(`Key ${value} not found in enum`);
        }
        return new ZodEnum({
            ...def,
            checks: [],
            ...normalizeParams(params),
            entries: newEntries,
        });
    };
    inst.exclude = (values, params) => {
        const newEntries = { ...def.entries };
        for (const value of values) {
            if (keys.has(value)) {
                delete newEntries[value];
            }
            else
                throw new Error(`Key ${value} not found in enum`);
        }
        return new ZodEnum({
            ...def,
            checks: [],
            ...normalizeParams(params),
            entries: newEntries,
        });
    };
});
function schemas_enum(values, params) {
    const entries = Array.isArray(values) ? Object.fromEntries(values.map((v) => [v, v])) : values;
    return new ZodEnum({
        type: "enum",
        entries,
        ...normalizeParams(params),
    });
}

/** @deprecated This API has been merged into `z.enum()`. Use `z.enum()` instead.
 *
 * ```ts
 * enum Colors { red, green, blue }
 * z.enum(Colors);
 * ```
 */
function nativeEnum(entries, params) {
    return new ZodEnum({
        type: "enum",
        entries,
        ...util.normalizeParams(params),
    });
}
const ZodLiteral = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodLiteral", (inst, def) => {
    core.$ZodLiteral.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.literalProcessor(inst, ctx, json, params);
    inst.values = new Set(def.values);
    Object.defineProperty(inst, "value", {
        get() {
            if (def.values.length > 1) {
                throw new Error("This schema contains multiple valid literal values. Use `.values` instead.");
            }
            return def.values[0];
        },
    });
})));
function literal(value, params) {
    return new ZodLiteral({
        type: "literal",
        values: Array.isArray(value) ? value : [value],
        ...util.normalizeParams(params),
    });
}
const ZodFile = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodFile", (inst, def) => {
    core.$ZodFile.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.fileProcessor(inst, ctx, json, params);
    inst.min = (size, params) => inst.check(core._minSize(size, params));
    inst.max = (size, params) => inst.check(core._maxSize(size, params));
    inst.mime = (types, params) => inst.check(core._mime(Array.isArray(types) ? types : [types], params));
})));
function file(params) {
    return core._file(ZodFile, params);
}
const ZodTransform = /*@__PURE__*/ $constructor("ZodTransform", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodTransform.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => transformProcessor(inst, ctx, json, params);
    inst._zod.parse = (payload, _ctx) => {
        if (_ctx.direction === "backward") {
            throw new $ZodEncodeError(inst.constructor.name);
        }
        payload.addIssue = (issue) => {
            if (typeof issue === "string") {
                payload.issues.push(util_issue(issue, payload.value, def));
            }
            else {
                // for Zod 3 backwards compatibility
                const _issue = issue;
                if (_issue.fatal)
                    _issue.continue = false;
                _issue.code ?? (_issue.code = "custom");
                if (!("input" in _issue))
                    _issue.input = payload.value;
                _issue.inst ?? (_issue.inst = inst);
                // _issue.continue ??= true;
                payload.issues.push(util_issue(_issue));
            }
        };
        const output = def.transform(payload.value, payload);
        if (output instanceof Promise) {
            return output.then((output) => {
                payload.value = output;
                return payload;
            });
        }
        payload.value = output;
        return payload;
    };
});
function transform(fn) {
    return new ZodTransform({
        type: "transform",
        transform: fn,
    });
}
const ZodOptional = /*@__PURE__*/ $constructor("ZodOptional", (inst, def) => {
    $ZodOptional.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => optionalProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function optional(innerType) {
    return new ZodOptional({
        type: "optional",
        innerType: innerType,
    });
}
const ZodExactOptional = /*@__PURE__*/ $constructor("ZodExactOptional", (inst, def) => {
    $ZodExactOptional.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => optionalProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function exactOptional(innerType) {
    return new ZodExactOptional({
        type: "optional",
        innerType: innerType,
    });
}
const ZodNullable = /*@__PURE__*/ $constructor("ZodNullable", (inst, def) => {
    $ZodNullable.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => nullableProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function nullable(innerType) {
    return new ZodNullable({
        type: "nullable",
        innerType: innerType,
    });
}
// nullish
function schemas_nullish(innerType) {
    return optional(nullable(innerType));
}
const ZodDefault = /*@__PURE__*/ $constructor("ZodDefault", (inst, def) => {
    $ZodDefault.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => defaultProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
    inst.removeDefault = inst.unwrap;
});
function schemas_default(innerType, defaultValue) {
    return new ZodDefault({
        type: "default",
        innerType: innerType,
        get defaultValue() {
            return typeof defaultValue === "function" ? defaultValue() : shallowClone(defaultValue);
        },
    });
}
const ZodPrefault = /*@__PURE__*/ $constructor("ZodPrefault", (inst, def) => {
    $ZodPrefault.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => prefaultProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function prefault(innerType, defaultValue) {
    return new ZodPrefault({
        type: "prefault",
        innerType: innerType,
        get defaultValue() {
            return typeof defaultValue === "function" ? defaultValue() : shallowClone(defaultValue);
        },
    });
}
const ZodNonOptional = /*@__PURE__*/ $constructor("ZodNonOptional", (inst, def) => {
    $ZodNonOptional.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => nonoptionalProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function nonoptional(innerType, params) {
    return new ZodNonOptional({
        type: "nonoptional",
        innerType: innerType,
        ...normalizeParams(params),
    });
}
const ZodSuccess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodSuccess", (inst, def) => {
    core.$ZodSuccess.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.successProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
})));
function success(innerType) {
    return new ZodSuccess({
        type: "success",
        innerType: innerType,
    });
}
const ZodCatch = /*@__PURE__*/ $constructor("ZodCatch", (inst, def) => {
    $ZodCatch.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => catchProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
    inst.removeCatch = inst.unwrap;
});
function schemas_catch(innerType, catchValue) {
    return new ZodCatch({
        type: "catch",
        innerType: innerType,
        catchValue: (typeof catchValue === "function" ? catchValue : constantCatch(catchValue)),
    });
}

const ZodNaN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodNaN", (inst, def) => {
    core.$ZodNaN.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.nanProcessor(inst, ctx, json, params);
})));
function nan(params) {
    return core._nan(ZodNaN, params);
}
const ZodPipe = /*@__PURE__*/ $constructor("ZodPipe", (inst, def) => {
    $ZodPipe.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => pipeProcessor(inst, ctx, json, params);
    inst.in = def.in;
    inst.out = def.out;
});
function pipe(in_, out) {
    return new ZodPipe({
        type: "pipe",
        in: in_,
        out: out,
        // ...util.normalizeParams(params),
    });
}
const ZodCodec = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodCodec", (inst, def) => {
    ZodPipe.init(inst, def);
    core.$ZodCodec.init(inst, def);
})));
function codec(in_, out, params) {
    return new ZodCodec({
        type: "pipe",
        in: in_,
        out: out,
        transform: params.decode,
        reverseTransform: params.encode,
    });
}
function invertCodec(codec) {
    const def = codec._zod.def;
    return new ZodCodec({
        type: "pipe",
        in: def.out,
        out: def.in,
        transform: def.reverseTransform,
        reverseTransform: def.transform,
    });
}
const ZodPreprocess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodPreprocess", (inst, def) => {
    ZodPipe.init(inst, def);
    core.$ZodPreprocess.init(inst, def);
})));
const ZodReadonly = /*@__PURE__*/ $constructor("ZodReadonly", (inst, def) => {
    $ZodReadonly.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => readonlyProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function readonly(innerType) {
    return new ZodReadonly({
        type: "readonly",
        innerType: innerType,
    });
}
const ZodTemplateLiteral = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodTemplateLiteral", (inst, def) => {
    core.$ZodTemplateLiteral.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.templateLiteralProcessor(inst, ctx, json, params);
})));
function templateLiteral(parts, params) {
    return new ZodTemplateLiteral({
        type: "template_literal",
        parts,
        ...util.normalizeParams(params),
    });
}
const ZodLazy = /*@__PURE__*/ $constructor("ZodLazy", (inst, def) => {
    $ZodLazy.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => lazyProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.getter();
});
function lazy(getter) {
    return new ZodLazy({
        type: "lazy",
        getter: getter,
    });
}
const ZodPromise = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodPromise", (inst, def) => {
    core.$ZodPromise.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.promiseProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
})));
function promise(innerType) {
    return new ZodPromise({
        type: "promise",
        innerType: innerType,
    });
}
const ZodFunction = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodFunction", (inst, def) => {
    core.$ZodFunction.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.functionProcessor(inst, ctx, json, params);
})));
function _function(params) {
    return new ZodFunction({
        type: "function",
        input: Array.isArray(params?.input) ? tuple(params?.input) : (params?.input ?? array(unknown())),
        output: params?.output ?? unknown(),
    });
}

const ZodCustom = /*@__PURE__*/ $constructor("ZodCustom", (inst, def) => {
    $ZodCustom.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => customProcessor(inst, ctx, json, params);
});
// custom checks
function check(fn) {
    const ch = new core.$ZodCheck({
        check: "custom",
        // ...util.normalizeParams(params),
    });
    ch._zod.check = fn;
    return ch;
}
function custom(fn, _params) {
    return core._custom(ZodCustom, fn ?? (() => true), _params);
}
function refine(fn, _params = {}) {
    return _refine(ZodCustom, fn, _params);
}
// superRefine
function superRefine(fn, params) {
    return _superRefine(fn, params);
}
// Re-export describe and meta from core
const schemas_describe = describe;
const schemas_meta = meta;
const ZodInstanceOf = /*@__PURE__*/ $constructor("ZodInstanceOf", (inst, def) => {
    ZodCustom.init(inst, def);
}, {
    properties(shape, params) {
        // asserts in place, so the narrowed output type is truthful without a wrapper
        return this.check(_properties(shape, params));
    },
});
function _instanceof(cls, params = {}) {
    const inst = new ZodInstanceOf({
        type: "custom",
        check: "custom",
        fn: (data) => data instanceof cls,
        abort: true,
        ...util.normalizeParams(params),
    });
    inst._zod.bag.Class = cls;
    // Override check to emit invalid_type instead of custom
    inst._zod.check = (payload) => {
        if (!(payload.value instanceof cls)) {
            payload.issues.push({
                code: "invalid_type",
                expected: cls.name,
                input: payload.value,
                inst,
                path: [...(inst._zod.def.path ?? [])],
            });
        }
    };
    return inst;
}

// stringbool
const stringbool = (...args) => core._stringbool({
    Codec: ZodCodec,
    Boolean: ZodBoolean,
    String: ZodString,
}, ...args);
function json(params) {
    const jsonSchema = lazy(() => {
        return union([schemas_string(params), schemas_number(), schemas_boolean(), schemas_null(), array(jsonSchema), record(schemas_string(), jsonSchema)]);
    });
    return jsonSchema;
}
// preprocess
function preprocess(fn, schema) {
    return new ZodPreprocess({
        type: "pipe",
        in: transform(fn),
        out: schema,
    });
}


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
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
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

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __nccwpck_require__(1455);
;// CONCATENATED MODULE: ./package.json
const package_namespaceObject = {"rE":"1.0.0"};
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
        description: "Preview environments per pull request: open (make or update this pull request's preview, a copy of the target application or compose service in a Dokploy environment of its own in the same project, and deploy the image there), close (remove this pull request's preview), prune (remove previews older than preview-ttl), auto (close when the pull or merge request is closed, GitLab's stop job too, open otherwise), or off. Only what carries the step's marker is ever removed.",
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
        description: "What a preview copies: target (the target application or compose service alone) or environment (an application's preview only: also every database of the target's Dokploy environment: postgres, mysql, mariadb, mongo and redis, each with a password of its own, empty, its image kept; the application's variables that name a database's host or password are rewritten to the preview's).",
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
        description: "Variables the preview's application or compose service gets over the template's, KEY=VALUE, one per line; their values are masked in the log.",
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
const TARGET_INPUTS = ["application-id", "application", "compose-id", "compose"];
function templateProblems(p) {
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
    problems.push(...templateProblems(p));
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
const rules_TARGET_INPUTS = ["application-id", "application", "compose-id", "compose"];
function targetInputsGiven(raw) {
    return rules_TARGET_INPUTS.filter((name) => !isEmpty(raw, name));
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

// EXTERNAL MODULE: ./src/shared/log.ts + 1 modules
var log = __nccwpck_require__(9847);
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
function composeOpenPlan(preview, api) {
    const env = preview.env.length > 0 ? `, with ${preview.env.map((line) => line.split("=")[0] ?? "").join(", ")} over them` : "";
    return [
        `If there is no marked copy: POST ${api}compose.create (the template's name and type, marked, raw source); a template whose file publishes ports:, is not raw or has no domain with a service is refused first`,
        `POST ${api}compose.update: the template's compose file and variables${env} (not its domains' hosts or its command)`,
        `POST ${api}domain.create ${preview.host ?? "(a host Dokploy makes)"} for the service and port of the template's first domain unless the copy has it, then deploy the image to the copy (its image and tag variables) instead of the template`,
    ];
}
function previewPlan(preview, api, kind = "application") {
    if (!preview)
        return [];
    const pr = preview.number ?? "";
    const find = `GET ${api}${kind}.one (the template) and ${api}environment.byProjectId: the preview of pull request ${pr} is the environment whose description carries its marker`;
    if (preview.mode === "open") {
        const limit = preview.limit > 0 ? `, unless ${String(preview.limit)} previews of the template are open` : "";
        const created = `If there is none: POST ${api}environment.create "${preview.name}" in the template's project${limit}`;
        if (kind === "compose")
            return [find, created, ...composeOpenPlan(preview, api)];
        const databases = preview.template === "environment"
            ? [
                `For each database of the template's environment (postgres, mysql, mariadb, mongo, redis) without a marked copy: GET ${api}<kind>.one, POST ${api}<kind>.create (its name, image, database and user, new passwords, a volume <appName>-data of its own, marked), ${api}<kind>.update (its variables, command, resources; never its published port), then ${api}<kind>.deploy and wait until swarm runs it; the application's variables naming a database's host or password are rewritten to the copy's`,
            ]
            : [];
        return [
            find,
            `${created}, then ${api}application.create (the template's name, marked) and ${api}mounts.create for its volumes (named …-${preview.name}) and files`,
            ...databases,
            `POST ${api}application.update: the template's settings and variables${preview.env.length > 0 ? `, with ${preview.env.map((line) => line.split("=")[0] ?? "").join(", ")} over them` : ""} (never its ports or domains)`,
            `POST ${api}domain.create ${preview.host ?? "(a host Dokploy makes)"} unless the copy has it, then deploy the image to the copy instead of the template`,
        ];
    }
    const removes = `POST ${api}application.delete, ${api}compose.delete (deleteVolumes: true) and ${api}<kind>.remove for its applications, compose services and databases that carry the marker, ${api}dockerVolume.removeVolume for their volumes (…-${preview.name}, <database appName>-data, a stack's <compose appName>_*)`;
    if (preview.mode === "close") {
        return [find, `${removes}, then ${api}environment.remove; a service without the marker is left and named`];
    }
    return [
        `GET ${api}${kind}.one (the template) and ${api}environment.byProjectId: every preview of the template whose last deploy is older than ${String(preview.ttlSeconds)} s (preview-ttl)`,
        `For each: ${removes}, then ${api}environment.remove`,
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
const SETTLE_MS = 3_000;
const SETTLE_QUIET_MS = 500;
const READ_LOG_LINES = 10_000;
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
async function settle(log, row, options, deadline, ports) {
    if (!log.open)
        return;
    const withinMs = Math.max(0, Math.min(SETTLE_MS, deadline - ports.clock()));
    const text = await options.readLog?.(row, READ_LOG_LINES, withinMs).catch((error) => {
        ports.logger.debug(`Live log: could not read the rest of the log: ${String(error)}`);
        return undefined;
    });
    if (text !== undefined && log.catchUp(text, READ_LOG_LINES))
        return;
    await log.settled(SETTLE_QUIET_MS, Math.max(0, Math.min(SETTLE_MS, deadline - ports.clock())));
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
                if (FINAL_STATUSES.has(row.status)) {
                    if (log)
                        await settle(log, row, options, deadline, ports);
                    return { deployment: row, tail: log?.tail() ?? [] };
                }
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

// EXTERNAL MODULE: ./src/targets/env-file.ts
var env_file = __nccwpck_require__(9908);
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
    const values = (0,env_file/* definitionsOf */.mu)(env)
        .filter((definition) => !except.includes(definition.name))
        .flatMap(readingsOf)
        .filter(worthMasking);
    return [...new Set(values)];
}
const SHARED_REFERENCE = /\$\{\{(project|environment)\.(.*?)\}\}/g;
function sharedValuesOf(env, except, shared) {
    const values = (0,env_file/* definitionsOf */.mu)(env)
        .filter((definition) => !except.includes(definition.name))
        .flatMap((definition) => [...definition.value.matchAll(SHARED_REFERENCE)])
        .flatMap(([, scope, name]) => (0,env_file/* definitionsOf */.mu)(scope === "project" ? shared.project : shared.environment).filter((d) => d.name === name))
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
    if (!config.preview)
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
    const previous = Object.fromEntries(Object.keys(ourValues(ctx)).map((name) => [name, (0,env_file/* readVariable */.nt)(compose.env, name)]));
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
    const before = Object.fromEntries(Object.keys(values).map((name) => [name, (0,env_file/* readVariable */.nt)(env, name)]));
    await ctx.remote.saveComposeEnv(ctx.dokploy, ctx.ref.id, (0,env_file/* setVariables */.C4)(env, values));
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
        const holds = (0,env_file/* readVariable */.nt)(compose.env, config.imageVariable);
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
        const held = async () => (0,env_file/* readVariable */.nt)((await ctx.remote.composeOne(ctx.dokploy, ref.id)).env, config.imageVariable);
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

// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 17 modules
var main_schemas = __nccwpck_require__(8816);
// EXTERNAL MODULE: ./src/dokploy/procedures.ts
var procedures = __nccwpck_require__(1274);
;// CONCATENATED MODULE: ./src/dokploy/deployment-log.ts



async function readDeploymentLog(dokploy, deploymentId, lines, withinMs) {
    if (!(0,dokploy_version/* readsLogs */.xI)(dokploy.serverVersion))
        return undefined;
    const value = await dokploy.client.query("deployment.readLogs", { deploymentId, tail: lines }, { withinMs });
    return (0,procedures/* check */.z6)("deployment.readLogs", main_schemas/* string */.YjP(), value);
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
        readLog: (deployment, lines, withinMs) => readDeploymentLog(ctx.dokploy, deployment.deploymentId, lines, withinMs),
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
    const remote = await Promise.all(/* import() */[__nccwpck_require__.e(99), __nccwpck_require__.e(94)]).then(__nccwpck_require__.bind(__nccwpck_require__, 2094));
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
        plan: (config, _way, api) => previewPlan(config.preview, api, config.targets[0]?.kind),
        run: async (_ctx, state) => {
            if (!state.connected)
                return {};
            const { makePreview } = await __nccwpck_require__.e(/* import() */ 919).then(__nccwpck_require__.bind(__nccwpck_require__, 7919));
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
        plan: (config, _way, api) => previewPlan(config.preview, api, config.targets[0]?.kind),
        run: async (_ctx, state) => {
            if (!state.connected)
                return {};
            const { removePreview } = await __nccwpck_require__.e(/* import() */ 919).then(__nccwpck_require__.bind(__nccwpck_require__, 7919));
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

;// CONCATENATED MODULE: ./src/report/plain.ts
function plain_statusOf(target) {
    return target.deploymentStatus === "done" ? "deployment done" : (target.deploymentStatus ?? "");
}
function whereTo(model) {
    const targets = model.deploying?.targets ?? [];
    if (targets.length === 0)
        return "";
    if (model.verdict.kind === "dry-run")
        return ` would be deployed to ${targets.map((t) => t.label).join(", ")}`;
    return ` to ${targets.map((t) => (t.deploymentStatus ? `${t.label} (${plain_statusOf(t)})` : t.label)).join(", ")}`;
}
function plainLine(model) {
    const { verdict, removal } = model;
    if (removal) {
        const templates = (model.deploying?.targets ?? []).map((t) => t.label).join(", ");
        return `${verdict.mark} ${verdict.words}: ${removal.name ? `${removal.name} of ` : "previews of "}${templates}`;
    }
    return `${verdict.mark} ${verdict.words}: ${model.image}${whereTo(model)}`;
}

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
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

;// CONCATENATED MODULE: ./src/cli/args.ts

const USAGE = "Usage: dokploy-deploy [--env-prefix PREFIX] [--output-file PATH]\n       dokploy-deploy --help | --version";
const PREFIX = /^[A-Z][A-Z0-9_]*$/;
class UsageError extends errors/* DeployError */.sH {
    exitCode = 2;
    constructor(message) {
        super(`${message}\n${USAGE}`);
        this.name = "UsageError";
    }
}
function usageError(message) {
    return new UsageError(message);
}
function parseArgs(argv) {
    let action = "deploy";
    let envPrefix = "";
    let outputFile;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i] ?? "";
        const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? arg.split(/=(.*)/s, 2) : [arg, undefined];
        const value = () => {
            const next = inline ?? argv[++i];
            if (next === undefined || next === "")
                throw usageError(`${flag ?? arg} needs a value`);
            return next;
        };
        if (flag === "-h" || flag === "--help")
            action = "help";
        else if (flag === "-V" || flag === "--version")
            action = action === "help" ? action : "version";
        else if (flag === "--env-prefix") {
            envPrefix = value();
            if (!PREFIX.test(envPrefix)) {
                throw usageError(`--env-prefix "${envPrefix}" is not a variable prefix; expected capitals, digits and _`);
            }
        }
        else if (flag === "--output-file")
            outputFile = value();
        else
            throw usageError(`unknown argument "${arg}"`);
    }
    return { action, envPrefix, outputFile };
}

;// CONCATENATED MODULE: ./src/cli/context.ts
function set(value) {
    return value === undefined || value === "" ? undefined : value;
}
function pullRequestOf(number, closed = false, fromFork) {
    const given = set(number);
    return given === undefined ? undefined : { number: given, closed, ...(fromFork ? { fromFork } : {}) };
}
function gitlabForkOf(env) {
    const source = set(env.CI_MERGE_REQUEST_SOURCE_PROJECT_PATH);
    const target = set(env.CI_MERGE_REQUEST_PROJECT_PATH);
    return source && target && source.toLowerCase() !== target.toLowerCase() ? source : undefined;
}
const gitlab = {
    name: "gitlab",
    detect: (env) => set(env.GITLAB_CI) !== undefined && set(env.CI_COMMIT_SHA) !== undefined,
    context: (env) => Promise.resolve({
        sha: env.CI_COMMIT_SHA ?? "",
        repository: set(env.CI_PROJECT_PATH),
        repositoryUrl: set(env.CI_PROJECT_URL),
        runUrl: set(env.CI_JOB_URL) ?? set(env.CI_PIPELINE_URL),
        commitMessage: set(env.CI_COMMIT_MESSAGE),
        pullRequest: pullRequestOf(env.CI_MERGE_REQUEST_IID, env.CI_ENVIRONMENT_ACTION === "stop", gitlabForkOf(env)),
    }),
    defaults: (env) => ({
        image: set(env.CI_REGISTRY_IMAGE),
        "registry-username": set(env.CI_REGISTRY_USER),
        "registry-password": set(env.CI_REGISTRY_PASSWORD),
        "pull-username": set(env.CI_DEPLOY_USER),
        "pull-password": set(env.CI_DEPLOY_PASSWORD),
    }),
};
const bitbucket = {
    name: "bitbucket",
    detect: (env) => set(env.BITBUCKET_BUILD_NUMBER) !== undefined || set(env.BITBUCKET_COMMIT) !== undefined,
    context: (env) => {
        const origin = set(env.BITBUCKET_GIT_HTTP_ORIGIN)?.replace(/^http:/, "https:");
        return Promise.resolve({
            sha: env.BITBUCKET_COMMIT ?? "",
            repository: set(env.BITBUCKET_REPO_FULL_NAME),
            repositoryUrl: origin,
            runUrl: origin && env.BITBUCKET_BUILD_NUMBER ? `${origin}/pipelines/results/${env.BITBUCKET_BUILD_NUMBER}` : undefined,
            pullRequest: pullRequestOf(env.BITBUCKET_PR_ID),
        });
    },
    defaults: () => ({}),
};
const woodpecker = {
    name: "woodpecker",
    plugin: true,
    detect: (env) => env.CI === "woodpecker",
    context: (env) => Promise.resolve({
        sha: env.CI_COMMIT_SHA ?? "",
        repository: set(env.CI_REPO),
        repositoryUrl: set(env.CI_REPO_URL),
        runUrl: set(env.CI_STEP_URL) ?? set(env.CI_PIPELINE_URL),
        commitMessage: set(env.CI_COMMIT_MESSAGE),
        pullRequest: pullRequestOf(env.CI_COMMIT_PULL_REQUEST),
    }),
    defaults: () => ({}),
};
const drone = {
    name: "drone",
    plugin: true,
    detect: (env) => env.DRONE === "true",
    context: (env) => Promise.resolve({
        sha: set(env.DRONE_COMMIT_SHA) ?? env.DRONE_COMMIT ?? "",
        repository: set(env.DRONE_REPO),
        repositoryUrl: set(env.DRONE_REPO_LINK),
        runUrl: set(env.DRONE_BUILD_LINK),
        commitMessage: set(env.DRONE_COMMIT_MESSAGE),
        pullRequest: pullRequestOf(env.DRONE_PULL_REQUEST),
    }),
    defaults: () => ({}),
};
const github = {
    name: "github",
    detect: (env) => env.GITHUB_ACTIONS === "true",
    context: (env) => {
        const server = env.GITHUB_SERVER_URL ?? "https://github.com";
        const repository = set(env.GITHUB_REPOSITORY);
        const base = repository ? `${server}/${repository}` : undefined;
        return Promise.resolve({
            sha: env.GITHUB_SHA ?? "",
            repository,
            repositoryUrl: base,
            runUrl: base && env.GITHUB_RUN_ID ? `${base}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
        });
    },
    defaults: () => ({}),
};
async function git(exec, args) {
    const result = await exec("git", args);
    return result.exitCode === 0 ? set(result.stdout.trim()) : undefined;
}
function webUrlOfRemote(remote) {
    const scp = /^[\w.-]+@([\w.-]+):(.+?)(\.git)?$/.exec(remote);
    if (scp)
        return `https://${scp[1] ?? ""}/${scp[2] ?? ""}`;
    return remote.replace(/^(https?:\/\/)[^@/]+@/, "$1").replace(/\.git$/, "");
}
const local = {
    name: "local",
    detect: () => true,
    context: async (_env, exec) => {
        const remote = await git(exec, ["remote", "get-url", "origin"]);
        return {
            sha: (await git(exec, ["rev-parse", "HEAD"])) ?? "",
            repositoryUrl: remote ? webUrlOfRemote(remote) : undefined,
            commitMessage: await git(exec, ["log", "-1", "--format=%B"]),
        };
    },
    defaults: () => ({}),
};
const PROVIDERS = [gitlab, bitbucket, woodpecker, drone, github, local];
function ciDebug(env) {
    return env.CI_DEBUG_TRACE === "true";
}
function ciTempRoot(env) {
    return env.RUNNER_TEMP ?? env.BITBUCKET_PIPE_STORAGE_DIR;
}
function detectCi(env) {
    return PROVIDERS.find((p) => p.detect(env)) ?? local;
}

;// CONCATENATED MODULE: ./src/cli/env.ts


function envName(input) {
    return input.toUpperCase().replace(/-/g, "_");
}
const INPUT_NAMES = PORTABLE_INPUTS.map((input) => input.name)
    .filter((name) => name.includes("-"))
    .sort((a, b) => b.length - a.length);
const INPUT_MENTION = new RegExp(`(?<![\\w-])(${INPUT_NAMES.join("|")})(?![\\w-])`, "g");
function inVariableNames(text) {
    return text.replace(INPUT_MENTION, (name) => envName(name));
}
function envDescription(input) {
    const units = input.type === "duration" ? DURATION_UNITS : "";
    return inVariableNames(input.description.replace(/\.$/, `${units}.`));
}
function envDefault(input) {
    if (input.required)
        return "required";
    if (input.defaultText)
        return inVariableNames(input.defaultText);
    return input.default ?? "";
}
const PLUGIN_PREFIX = "PLUGIN_";
const CLI_VARIABLES = [
    {
        name: "OUTPUT_FILE",
        placeholder: "<string>",
        description: "Write the outputs to this file as DOKPLOY_<NAME>=value lines (a dotenv file, as GitLab's dotenv report reads it; the metadata output is left out), for later steps to read.",
    },
    {
        name: "DEBUG",
        placeholder: "<boolean>",
        default: "false",
        description: "true: turn on extra debug information (HTTP calls and their timings).",
    },
];
function given(value) {
    return value !== undefined && value !== "" ? value : undefined;
}
function settingOf(env, name, prefix = "") {
    if (prefix)
        return given(env[`${prefix}${name}`]);
    return given(env[`${PLUGIN_PREFIX}${name}`]) ?? given(env[name]);
}
function inputsFromEnv(env, defaults = {}, prefix = "") {
    const raw = {};
    for (const input of PORTABLE_INPUTS) {
        const name = input.name;
        raw[name] = settingOf(env, envName(name), prefix) ?? defaults[name];
    }
    return raw;
}
function cliVariablesFromEnv(env) {
    const values = {};
    for (const variable of CLI_VARIABLES)
        values[variable.name] = settingOf(env, variable.name);
    return values;
}
function dotenvValue(value) {
    return value.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
function helpText() {
    const lines = [
        USAGE,
        "",
        "Build and push an image tagged with the commit, point a Dokploy application at it, redeploy it",
        "and follow the deployment until it is done. Configured by environment variables:",
        "",
    ];
    for (const input of PORTABLE_INPUTS) {
        const fallback = envDefault(input);
        const shown = input.required ? "required" : fallback === "" ? "optional" : `default: ${fallback}`;
        lines.push(`  ${envName(input.name).padEnd(22)} ${shown}${input.secret ? ", secret" : ""}`);
        lines.push(`  ${"".padEnd(22)} ${envDescription(input)}`);
    }
    lines.push("");
    for (const variable of CLI_VARIABLES) {
        const shown = "default" in variable ? `default: ${variable.default}` : "optional";
        lines.push(`  ${variable.name.padEnd(22)} ${shown}`, `  ${"".padEnd(22)} ${variable.description}`);
    }
    lines.push("", "As a Woodpecker or Drone plugin, each is read from its setting first (image: PLUGIN_IMAGE), then the", "variable; with --env-prefix the inputs come from the prefixed variables only.", "", "Options:", "  --env-prefix PREFIX    read the inputs above from PREFIX<NAME> only (e.g. DOKPLOY_DEPLOY_INPUT_IMAGE),", "                         as the GitLab component passes them; errors then name the inputs (image)", "  --output-file PATH     as OUTPUT_FILE", "  -h, --help             this text", "  -V, --version          the version", "", "On GitLab CI, IMAGE, REGISTRY_USERNAME and REGISTRY_PASSWORD default to the project's own registry", "($CI_REGISTRY_IMAGE, $CI_REGISTRY_USER, $CI_REGISTRY_PASSWORD) and the pull credentials to the", "gitlab-deploy-token ($CI_DEPLOY_USER, $CI_DEPLOY_PASSWORD) when the project has one.", "", "Exit codes: 0 deployed, 1 a step or the deployment failed, 2 bad input (nothing was built or sent).");
    return lines.join("\n");
}

;// CONCATENATED MODULE: ./src/cli/log.ts

const ESC = "\u001b";
function oneLine(text) {
    return (0,log/* printableLines */.fk)(text).join(" ");
}
function gitlabLogger(write, debug, now = Date.now) {
    let sections = 0;
    const coloured = (colour, prefix, message) => {
        (0,log/* messageLines */.VL)(message).forEach((line, i) => {
            write(`${ESC}[${colour}m${i === 0 ? prefix : ""}${line}${ESC}[0m`);
        });
    };
    return {
        debug: (m) => {
            if (debug)
                coloured("0;90", "", m);
        },
        info: (m) => {
            (0,log/* printableLines */.fk)(m).forEach(write);
        },
        warn: (m) => {
            coloured("0;33", "WARNING: ", m);
        },
        error: (m) => {
            coloured("0;31", "ERROR: ", m);
        },
        group: async (title, fn) => {
            sections += 1;
            const slug = title
                .toLowerCase()
                .replace(/[^a-z0-9]+/g, "_")
                .replace(/^_|_$/g, "")
                .slice(0, 40);
            const name = `dokploy_deploy_${String(sections)}_${slug}`;
            write(`${ESC}[0Ksection_start:${String(Math.floor(now() / 1000))}:${name}\r${ESC}[0K${ESC}[1;36m${oneLine(title)}${ESC}[0m`);
            try {
                return await fn();
            }
            finally {
                write(`${ESC}[0Ksection_end:${String(Math.floor(now() / 1000))}:${name}\r${ESC}[0K`);
            }
        },
    };
}
function plainLogger(write, debug) {
    const prefixed = (prefix, message) => {
        (0,log/* messageLines */.VL)(message).forEach((line, i) => {
            write(`${i === 0 ? prefix : ""}${line}`);
        });
    };
    return {
        debug: (m) => {
            if (debug)
                prefixed("DEBUG: ", m);
        },
        info: (m) => {
            (0,log/* printableLines */.fk)(m).forEach(write);
        },
        warn: (m) => {
            prefixed("WARNING: ", m);
        },
        error: (m) => {
            prefixed("✖ ", m);
        },
        group: async (title, fn) => {
            write(`▶ ${oneLine(title)}`);
            return fn();
        },
    };
}

;// CONCATENATED MODULE: ./src/cli/main.ts


















const write = (line) => {
    process.stdout.write(`${line}\n`);
};
function inVariables(message, envPrefix, ci) {
    if (envPrefix)
        return message;
    const named = ci.plugin ? (name) => envName(name).toLowerCase() : envName;
    return message.replace(/Input "([a-z-]+)"/g, (_m, name) => named(name));
}
async function configOf(env, ci, envPrefix, logger) {
    try {
        const raw = inputsFromEnv(env, ci.defaults(env), envPrefix);
        const context = await ci.context(env, nodeExec);
        const skip = ci.name === "gitlab" ? forkPreviewSkip(raw, context, "gitlab") : undefined;
        if (skip) {
            logger.info(skip);
            return 0;
        }
        return parseConfig(raw, context);
    }
    catch (error) {
        logger.error(inVariables((0,errors/* errorMessage */.gJ)(error), envPrefix, ci));
        return error instanceof errors/* DeployError */.sH ? error.exitCode : 1;
    }
}
async function main(argv, env) {
    const args = parseArgs(argv);
    if (args.action !== "deploy") {
        write(args.action === "help" ? helpText() : `dokploy-deploy ${package_namespaceObject.rE}`);
        return 0;
    }
    const ci = detectCi(env);
    const variables = cliVariablesFromEnv(env);
    const debug = variables.DEBUG === "true" || ciDebug(env);
    const logger = ci.name === "gitlab" ? gitlabLogger(write, debug) : plainLogger(write, debug);
    const config = await configOf(env, ci, args.envPrefix, logger);
    if (typeof config === "number")
        return config;
    for (const notice of config.notices)
        logger.info(notice);
    const pullFromJobToken = ci.name === "gitlab" &&
        !env[`${args.envPrefix}PULL_PASSWORD`] &&
        !env.CI_DEPLOY_PASSWORD &&
        !!env.CI_REGISTRY_PASSWORD;
    if (pullFromJobToken && config.pull?.password === env.CI_REGISTRY_PASSWORD) {
        logger.warn("Dokploy will pull with this job's CI_REGISTRY_PASSWORD, which expires when the job ends. Create a deploy token named gitlab-deploy-token (read_registry), or set PULL_USERNAME/PULL_PASSWORD.");
    }
    const ports = nodePorts(logger, env, {
        tempRoot: ciTempRoot(env),
        secrets: secretsOf(config),
        keepEnv: [...buildSecretEnvNames(config), ...cacheEnvNames(config)],
    });
    const cancel = listenForCancel(write);
    const outcome = await run(config, ports, cancel.signal).finally(() => ports.close());
    const outputs = outputsOf(outcome.result);
    for (const output of OUTPUTS)
        logger.info(`${output.name}=${dotenvValue(outputs[output.name])}`);
    const outputFile = args.outputFile ?? variables.OUTPUT_FILE;
    if (outputFile) {
        const lines = OUTPUTS.filter((o) => o.name !== "metadata").map((o) => `DOKPLOY_${envName(o.name)}=${dotenvValue(outputs[o.name])}`);
        await (0,promises_.writeFile)(outputFile, `${lines.join("\n")}\n`);
    }
    cancel.dispose();
    if (outcome.error) {
        const { error } = outcome;
        logger.error(error instanceof errors/* ConfigError */.xL ? inVariables(error.message, args.envPrefix, ci) : error.message);
        return error instanceof errors/* DeployError */.sH ? error.exitCode : 1;
    }
    logger.info(plainLine(reportModel(config, outcome)));
    return 0;
}
main(process.argv.slice(2), process.env).then((code) => {
    process.exitCode = code;
}, (error) => {
    for (const line of (0,log/* printableLines */.fk)(`✖ ${(0,errors/* errorMessage */.gJ)(error)}`))
        write(line);
    process.exitCode = error instanceof errors/* DeployError */.sH ? error.exitCode : 1;
});

