export const id = 919;
export const ids = [919];
export const modules = {

/***/ 7919:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  makePreview: () => (/* binding */ makePreview),
  removePreview: () => (/* binding */ removePreview)
});

// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 17 modules
var schemas = __webpack_require__(8816);
// EXTERNAL MODULE: ./src/shared/errors.ts
var errors = __webpack_require__(8382);
// EXTERNAL MODULE: ./src/dokploy/procedures.ts
var procedures = __webpack_require__(1274);
;// CONCATENATED MODULE: ./src/dokploy/preview-schemas.ts


const DATABASE_KINDS = ["postgres", "mysql", "mariadb", "mongo", "redis"];
const MountSchema = schemas/* object */.Ikc({
    mountId: schemas/* string */.YjP(),
    type: schemas/* string */.YjP(),
    mountPath: schemas/* string */.YjP(),
    volumeName: procedures/* nullableString */.vJ,
    content: procedures/* nullableString */.vJ,
    filePath: procedures/* nullableString */.vJ,
    hostPath: procedures/* nullableString */.vJ,
});
const DomainSchema = schemas/* object */.Ikc({
    domainId: schemas/* string */.YjP(),
    host: schemas/* string */.YjP(),
    path: procedures/* nullableString */.vJ,
    port: schemas/* number */.aig().nullish(),
    https: schemas/* boolean */.zMY().nullish(),
    certificateType: procedures/* nullableString */.vJ,
    customCertResolver: procedures/* nullableString */.vJ,
    internalPath: procedures/* nullableString */.vJ,
    stripPath: schemas/* boolean */.zMY().nullish(),
});
const Json = schemas/* lazy */.RZV(() => schemas/* union */.KCZ([schemas/* string */.YjP(), schemas/* number */.aig(), schemas/* boolean */.zMY(), schemas/* null */.chJ(), schemas/* array */.YOg(Json), schemas/* record */.g1P(schemas/* string */.YjP(), Json)]));
const COPIED_COLUMN_SCHEMAS = {
    command: procedures/* nullableString */.vJ,
    args: schemas/* array */.YOg(schemas/* string */.YjP()).nullish(),
    replicas: schemas/* number */.aig().nullish(),
    createEnvFile: schemas/* boolean */.zMY().nullish(),
    memoryReservation: procedures/* nullableString */.vJ,
    memoryLimit: procedures/* nullableString */.vJ,
    cpuReservation: procedures/* nullableString */.vJ,
    cpuLimit: procedures/* nullableString */.vJ,
    stopGracePeriodSwarm: schemas/* number */.aig().nullish(),
    healthCheckSwarm: Json.nullish(),
    restartPolicySwarm: Json.nullish(),
    placementSwarm: Json.nullish(),
    updateConfigSwarm: Json.nullish(),
    rollbackConfigSwarm: Json.nullish(),
    modeSwarm: Json.nullish(),
    labelsSwarm: Json.nullish(),
    networkSwarm: Json.nullish(),
    ulimitsSwarm: Json.nullish(),
};

;// CONCATENATED MODULE: ./src/dokploy/database-procedures.ts




const TemplateDatabaseSchema = schemas/* object */.Ikc({
    name: schemas/* string */.YjP(),
    appName: schemas/* string */.YjP(),
    description: procedures/* nullableString */.vJ,
    serverId: procedures/* nullableString */.vJ,
    dockerImage: schemas/* string */.YjP(),
    env: procedures/* nullableString */.vJ,
    databaseName: procedures/* nullableString */.vJ,
    databaseUser: procedures/* nullableString */.vJ,
    databasePassword: schemas/* string */.YjP(),
    databaseRootPassword: procedures/* nullableString */.vJ,
    replicaSets: schemas/* boolean */.zMY().nullish(),
    applicationStatus: procedures/* nullableString */.vJ,
    mounts: schemas/* array */.YOg(MountSchema).nullish(),
    ...COPIED_COLUMN_SCHEMAS,
});
const CreatedRowSchema = schemas/* looseObject */._H3({ appName: schemas/* string */.YjP(), name: schemas/* string */.YjP() });
const idKey = (kind) => `${kind}Id`;
class DatabaseProcedures {
    client;
    constructor(client) {
        this.client = client;
    }
    async database(kind, id) {
        const value = await this.client.query(`${kind}.one`, { [idKey(kind)]: id });
        return (0,procedures/* check */.z6)(`${kind}.one`, TemplateDatabaseSchema, value);
    }
    async createDatabase(kind, fields) {
        const value = await this.client.mutation(`${kind}.create`, { ...fields });
        const row = (0,procedures/* check */.z6)(`${kind}.create`, CreatedRowSchema, value);
        const id = row[idKey(kind)];
        if (typeof id !== "string") {
            throw new errors/* DokployError */.RI(`${kind}.create`, 200, `Dokploy ${kind}.create answered without ${idKey(kind)}.`);
        }
        return { id, appName: row.appName, name: row.name };
    }
    async updateDatabase(kind, id, changes) {
        await this.client.mutation(`${kind}.update`, { ...changes, [idKey(kind)]: id }, { retry: true });
    }
    async deployDatabase(kind, id) {
        await this.client.mutation(`${kind}.deploy`, { [idKey(kind)]: id });
    }
    async removeDatabase(kind, id) {
        await this.client.mutation(`${kind}.remove`, { [idKey(kind)]: id });
    }
}

;// CONCATENATED MODULE: ./src/dokploy/compose-preview-procedures.ts




const ComposeDomainSchema = DomainSchema.extend({ serviceName: procedures/* nullableString */.vJ });
const TemplateComposeSchema = schemas/* object */.Ikc({
    composeId: schemas/* string */.YjP(),
    name: schemas/* string */.YjP(),
    appName: schemas/* string */.YjP(),
    description: procedures/* nullableString */.vJ,
    serverId: procedures/* nullableString */.vJ,
    composeType: schemas/* string */.YjP(),
    sourceType: procedures/* nullableString */.vJ,
    composeFile: procedures/* nullableString */.vJ,
    env: procedures/* nullableString */.vJ,
    command: procedures/* nullableString */.vJ,
    environment: schemas/* object */.Ikc({ environmentId: schemas/* string */.YjP(), projectId: schemas/* string */.YjP(), env: procedures/* nullableString */.vJ }),
    domains: schemas/* array */.YOg(ComposeDomainSchema).nullish(),
    mounts: schemas/* array */.YOg(schemas/* object */.Ikc({ mountId: schemas/* string */.YjP() })).nullish(),
});
const CreatedComposeSchema = schemas/* object */.Ikc({ composeId: schemas/* string */.YjP(), appName: schemas/* string */.YjP(), name: schemas/* string */.YjP() });
const VolumeSchema = schemas/* looseObject */._H3({ Name: schemas/* string */.YjP() });
class ComposePreviewProcedures {
    client;
    constructor(client) {
        this.client = client;
    }
    async templateCompose(composeId) {
        const value = await this.client.query("compose.one", { composeId });
        const compose = (0,procedures/* check */.z6)("compose.one", TemplateComposeSchema, value);
        if (compose.composeId !== composeId) {
            throw new errors/* DokployError */.RI("compose.one", 200, `Dokploy compose.one answered about compose ${compose.composeId}, not ${composeId}; nothing was changed.`);
        }
        return compose;
    }
    async createCompose(fields) {
        const input = { ...fields, sourceType: "raw", serverId: fields.serverId ?? undefined };
        const value = await this.client.mutation("compose.create", input);
        return (0,procedures/* check */.z6)("compose.create", CreatedComposeSchema, value);
    }
    async updateCompose(composeId, changes) {
        await this.client.mutation("compose.update", { composeId, sourceType: "raw", ...changes }, { retry: true });
    }
    async deleteCompose(composeId) {
        await this.client.mutation("compose.delete", { composeId, deleteVolumes: true });
    }
    async domains(composeId) {
        const value = await this.client.query("domain.byComposeId", { composeId });
        return (0,procedures/* check */.z6)("domain.byComposeId", schemas/* array */.YOg(ComposeDomainSchema), value);
    }
    async createDomain(composeId, fields) {
        const input = { ...fields, composeId, domainType: "compose" };
        const value = await this.client.mutation("domain.create", input);
        return (0,procedures/* check */.z6)("domain.create", ComposeDomainSchema, value);
    }
    async volumeNames(serverId) {
        const value = await this.client.query("dockerVolume.getVolumes", serverId ? { serverId } : {});
        return (0,procedures/* check */.z6)("dockerVolume.getVolumes", schemas/* array */.YOg(VolumeSchema), value ?? []).map((v) => v.Name);
    }
}

;// CONCATENATED MODULE: ./src/dokploy/preview-procedures.ts







const ServiceRowSchema = schemas/* object */.Ikc({
    name: schemas/* string */.YjP(),
    description: procedures/* nullableString */.vJ,
    appName: procedures/* nullableString */.vJ,
});
const ApplicationRowSchema = ServiceRowSchema.extend({ applicationId: schemas/* string */.YjP() });
const ComposeRowSchema = ServiceRowSchema.extend({ composeId: schemas/* string */.YjP() });
const OTHER_KINDS = ["libsql"];
const DatabaseRowSchema = ServiceRowSchema.extend({
    id: schemas/* string */.YjP(),
    applicationStatus: procedures/* nullableString */.vJ,
});
function databaseRows(kind) {
    return schemas/* array */.YOg(schemas/* looseObject */._H3({ [`${kind}Id`]: schemas/* string */.YjP() }).transform((row) => ({ ...row, id: row[`${kind}Id`] })))
        .pipe(schemas/* array */.YOg(DatabaseRowSchema))
        .nullish();
}
const ProjectEnvironmentSchema = schemas/* object */.Ikc({
    environmentId: schemas/* string */.YjP(),
    name: schemas/* string */.YjP(),
    description: procedures/* nullableString */.vJ,
    isDefault: schemas/* boolean */.zMY().nullish(),
    applications: schemas/* array */.YOg(ApplicationRowSchema).nullish(),
    compose: schemas/* array */.YOg(ComposeRowSchema).nullish(),
    ...Object.fromEntries(OTHER_KINDS.map((kind) => [kind, schemas/* array */.YOg(ServiceRowSchema).nullish()])),
    ...Object.fromEntries(DATABASE_KINDS.map((kind) => [kind, databaseRows(kind)])),
});
function databasesOf(env) {
    return DATABASE_KINDS.flatMap((kind) => (env[kind] ?? []).map((row) => ({ ...row, kind })));
}
function composesOf(env) {
    return env.compose ?? [];
}
function otherServices(env) {
    return OTHER_KINDS.flatMap((kind) => (env[kind] ?? []).map((row) => ({ kind, ...row })));
}
const TemplateApplicationSchema = schemas/* object */.Ikc({
    applicationId: schemas/* string */.YjP(),
    name: schemas/* string */.YjP(),
    appName: schemas/* string */.YjP(),
    description: procedures/* nullableString */.vJ,
    serverId: procedures/* nullableString */.vJ,
    env: procedures/* nullableString */.vJ,
    environment: schemas/* object */.Ikc({ environmentId: schemas/* string */.YjP(), projectId: schemas/* string */.YjP(), env: procedures/* nullableString */.vJ }),
    domains: schemas/* array */.YOg(DomainSchema).nullish(),
    mounts: schemas/* array */.YOg(MountSchema).nullish(),
    ...COPIED_COLUMN_SCHEMAS,
});
const EnvironmentRowSchema = schemas/* object */.Ikc({ environmentId: schemas/* string */.YjP(), name: schemas/* string */.YjP() });
const CreatedApplicationSchema = schemas/* object */.Ikc({ applicationId: schemas/* string */.YjP(), appName: schemas/* string */.YjP(), name: schemas/* string */.YjP() });
class PreviewProcedures {
    client;
    databases;
    composes;
    constructor(client) {
        this.client = client;
        this.databases = new DatabaseProcedures(client);
        this.composes = new ComposePreviewProcedures(client);
    }
    async templateApplication(applicationId) {
        const value = await this.client.query("application.one", { applicationId });
        const app = (0,procedures/* check */.z6)("application.one", TemplateApplicationSchema, value);
        if (app.applicationId !== applicationId) {
            throw new errors/* DokployError */.RI("application.one", 200, `Dokploy application.one answered about application ${app.applicationId}, not ${applicationId}; nothing was changed.`);
        }
        return app;
    }
    async environments(projectId) {
        const value = await this.client.query("environment.byProjectId", { projectId });
        return (0,procedures/* check */.z6)("environment.byProjectId", schemas/* array */.YOg(ProjectEnvironmentSchema), value);
    }
    async createEnvironment(projectId, name, description) {
        const value = await this.client.mutation("environment.create", { projectId, name, description });
        return (0,procedures/* check */.z6)("environment.create", EnvironmentRowSchema, value).environmentId;
    }
    async updateEnvironment(environmentId, changes) {
        await this.client.mutation("environment.update", { environmentId, ...changes }, { retry: true });
    }
    async removeEnvironment(environmentId) {
        await this.client.mutation("environment.remove", { environmentId });
    }
    async createApplication(fields) {
        const input = { ...fields, serverId: fields.serverId ?? undefined };
        const value = await this.client.mutation("application.create", input);
        return (0,procedures/* check */.z6)("application.create", CreatedApplicationSchema, value);
    }
    async updateApplication(applicationId, changes) {
        await this.client.mutation("application.update", { ...changes, applicationId }, { retry: true });
    }
    async deleteApplication(applicationId) {
        await this.client.mutation("application.delete", { applicationId });
    }
    async createMount(serviceId, fields) {
        await this.client.mutation("mounts.create", { ...fields, serviceId, serviceType: "application" });
    }
    async domains(applicationId) {
        const value = await this.client.query("domain.byApplicationId", { applicationId });
        return (0,procedures/* check */.z6)("domain.byApplicationId", schemas/* array */.YOg(DomainSchema), value);
    }
    async createDomain(applicationId, fields) {
        const input = { ...fields, applicationId, domainType: "application" };
        const value = await this.client.mutation("domain.create", input);
        return (0,procedures/* check */.z6)("domain.create", DomainSchema, value);
    }
    async generateDomain(appName, serverId) {
        const input = { appName, ...(serverId ? { serverId } : {}) };
        const value = await this.client.mutation("domain.generateDomain", input);
        return (0,procedures/* check */.z6)("domain.generateDomain", schemas/* string */.YjP().min(1), value);
    }
    async removeVolume(volumeName, serverId) {
        await this.client.mutation("dockerVolume.removeVolume", { volumeName, ...(serverId ? { serverId } : {}) });
    }
}

// EXTERNAL MODULE: ./src/record/context.ts
var context = __webpack_require__(7602);
;// CONCATENATED MODULE: ./src/preview/marker.ts
const PREFIX = "dokploy-deploy preview v1";
const ISO = String.raw `\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z`;
const ID = String.raw `[A-Za-z0-9_-]+`;
const MARKER = new RegExp(`^${PREFIX} pr=([1-9]\\d{0,9}) repo=(\\S*) template=(application|compose):(${ID}) created=(${ISO})` +
    `(?: deployed=(${ISO})(?: sha=([0-9a-f]{7}))?)?$`);
function formatMarker(marker) {
    const fields = [
        PREFIX,
        `pr=${marker.pr}`,
        `repo=${encodeURIComponent(marker.repo)}`,
        `template=${marker.template.kind}:${marker.template.id}`,
        `created=${marker.created}`,
    ];
    if (marker.deployed !== undefined)
        fields.push(`deployed=${marker.deployed}`);
    const sha = marker.sha?.slice(0, 7).toLowerCase();
    if (marker.deployed !== undefined && sha !== undefined && /^[0-9a-f]{7}$/.test(sha))
        fields.push(`sha=${sha}`);
    return fields.join(" ");
}
function parseMarker(description) {
    const match = MARKER.exec(description ?? "");
    if (!match)
        return undefined;
    const [, pr, repo, kind, id, created, deployed, sha] = match;
    if (pr === undefined || repo === undefined || id === undefined || created === undefined)
        return undefined;
    let decoded;
    try {
        decoded = decodeURIComponent(repo);
    }
    catch {
        return undefined;
    }
    if (encodeURIComponent(decoded) !== repo)
        return undefined;
    return {
        pr,
        repo: decoded,
        template: { kind: kind === "compose" ? "compose" : "application", id },
        created,
        ...(deployed !== undefined ? { deployed } : {}),
        ...(sha !== undefined ? { sha } : {}),
    };
}
function isOfTemplate(marker, repo, template) {
    return marker?.repo === repo && marker.template.kind === template.kind && marker.template.id === template.id;
}
function isPreviewOf(marker, repo, template, pr) {
    return isOfTemplate(marker, repo, template) && marker.pr === pr;
}

;// CONCATENATED MODULE: ./src/preview/find.ts

function previewsOf(environments, key) {
    return environments.flatMap((environment) => {
        const marker = parseMarker(environment.description);
        return isOfTemplate(marker, key.repo, key.template) && environment.isDefault !== true
            ? [{ environment, marker }]
            : [];
    });
}
function previewsFor(environments, key) {
    const pr = key.options.number ?? "";
    return previewsOf(environments, key).filter((p) => isPreviewOf(p.marker, key.repo, key.template, pr));
}
function isMarkedService(description, key) {
    return isPreviewOf(parseMarker(description), key.repo, key.template, key.options.number ?? "");
}

;// CONCATENATED MODULE: ./src/preview/close.ts



const VOLUME_WAIT_MS = 30_000;
const VOLUME_POLL_MS = 2_000;
async function removeVolume(ctx, api, name, serverId) {
    const start = ctx.ports.clock();
    for (;;) {
        try {
            await api.removeVolume(name, serverId);
            ctx.ledger.record({ kind: "preview-removed", what: `volume ${name}` });
            ctx.logger.info(`Volume ${name} removed.`);
            return;
        }
        catch (error) {
            if (/no such volume/i.test((0,errors/* errorMessage */.gJ)(error))) {
                ctx.logger.info(`Volume ${name} does not exist (its service never ran).`);
                return;
            }
            if (ctx.ports.clock() - start > VOLUME_WAIT_MS) {
                ctx.logger.warn(`Volume ${name} could not be removed (${(0,errors/* errorMessage */.gJ)(error)}); remove it on the server (Dokploy before v0.30.0 has no volume API).`);
                return;
            }
            await ctx.ports.sleep(VOLUME_POLL_MS);
        }
    }
}
async function closePreview(ctx, api, key, template) {
    const listed = await api.environments(template.environment.projectId);
    const [found, ...younger] = previewsFor(listed, key);
    if (!found) {
        ctx.logger.info(`No preview of pull request ${key.options.number ?? ""} to remove.`);
        return;
    }
    for (const extra of younger) {
        ctx.logger.warn(`Another preview environment of this pull request: ${extra.environment.name}.`);
    }
    await removeMarked(ctx, api, key, template, found.environment);
}
async function prunePreviews(ctx, api, key, template) {
    const now = ctx.ports.now().getTime();
    const listed = await api.environments(template.environment.projectId);
    const old = previewsOf(listed, key).filter((p) => now - Date.parse(p.marker.deployed ?? p.marker.created) > key.options.ttlSeconds * 1000);
    if (old.length === 0) {
        ctx.logger.info(`No preview of ${key.template.kind} "${template.name}" is older than preview-ttl.`);
        return;
    }
    const failed = [];
    for (const { environment, marker } of old) {
        const its = { ...key, options: { ...key.options, number: marker.pr, name: environment.name } };
        try {
            await removeMarked(ctx, api, its, template, environment);
        }
        catch (error) {
            ctx.logger.warn((0,errors/* errorMessage */.gJ)(error));
            failed.push(environment.name);
        }
    }
    if (failed.length > 0)
        throw new errors/* DeployError */.sH(`Previews not removed: ${failed.join(", ")} (see the warnings above).`);
}
function removableServices(api, key, environment, serverId) {
    const { name } = key.options;
    const applications = (environment.applications ?? []).map((row) => ({
        ...row,
        id: row.applicationId,
        label: `application "${row.name}"`,
        volumes: async () => ((await api.templateApplication(row.applicationId)).mounts ?? []).flatMap((m) => m.type === "volume" && m.volumeName?.endsWith(`-${name}`) ? [m.volumeName] : []),
        remove: () => api.deleteApplication(row.applicationId),
    }));
    const composes = composesOf(environment).map((row) => ({
        ...row,
        id: row.composeId,
        label: `compose "${row.name}"`,
        volumes: async () => {
            const read = await api.composes.templateCompose(row.composeId);
            if (read.composeType !== "stack")
                return [];
            return (await api.composes.volumeNames(serverId)).filter((v) => v.startsWith(`${read.appName}_`));
        },
        remove: () => api.composes.deleteCompose(row.composeId),
    }));
    const databases = databasesOf(environment).map((row) => ({
        ...row,
        label: `${row.kind} "${row.name}"`,
        volumes: async () => {
            const database = await api.databases.database(row.kind, row.id);
            return (database.mounts ?? []).flatMap((m) => {
                const volume = m.volumeName;
                const own = volume?.startsWith(`${database.appName}-`) || volume?.endsWith(`-${name}`);
                return m.type === "volume" && volume && own ? [volume] : [];
            });
        },
        remove: () => api.databases.removeDatabase(row.kind, row.id),
    }));
    return [...applications, ...composes, ...databases];
}
async function removeMarkedService(ctx, key, service, found) {
    if (!isMarkedService(service.description, key)) {
        found.unmarked.push(service.label);
        return;
    }
    found.volumes.push(...(await service.volumes()));
    await service.remove();
    ctx.ledger.record({ kind: "preview-removed", what: `${service.label} (${service.appName ?? service.id})` });
    ctx.logger.info(`${service.label.charAt(0).toUpperCase()}${service.label.slice(1)} removed from the preview.`);
}
async function removeMarked(ctx, api, key, template, environment) {
    const { number } = key.options;
    if (environment.environmentId === template.environment.environmentId || environment.isDefault === true) {
        throw new errors/* DeployError */.sH(`Environment "${environment.name}" is the template's or the project's default: it is never removed as a preview.`);
    }
    const found = { unmarked: [], volumes: [] };
    for (const service of removableServices(api, key, environment, template.serverId)) {
        await removeMarkedService(ctx, key, service, found);
    }
    const { unmarked, volumes } = found;
    for (const other of otherServices(environment)) {
        unmarked.push(`${other.kind} "${other.name}"`);
    }
    for (const volume of volumes)
        await removeVolume(ctx, api, volume, template.serverId);
    if (unmarked.length > 0) {
        throw new errors/* DeployError */.sH(`The preview environment "${environment.name}" holds ${unmarked.join(", ")} without this pull request's marker: ${unmarked.length === 1 ? "it was" : "they were"} left alone, and so was the environment. Remove ${unmarked.length === 1 ? "it" : "them"} in Dokploy, then close the preview again.`);
    }
    await api.removeEnvironment(environment.environmentId);
    ctx.ledger.record({
        kind: "preview-removed",
        what: `preview environment "${environment.name}"`,
        preview: environment.name,
    });
    ctx.logger.info(`Preview "${environment.name}" of pull request ${number ?? ""} removed.`);
}

;// CONCATENATED MODULE: ./src/preview/context.ts
function keyOf(ctx, template) {
    const options = ctx.config.preview;
    if (!options)
        throw new Error("a preview stage ran without preview options");
    return { template, repo: ctx.config.ci.repository ?? "", options };
}

;// CONCATENATED MODULE: ./src/preview/copy.ts
const COPIED_NULLABLE = [
    "command",
    "healthCheckSwarm",
    "restartPolicySwarm",
    "placementSwarm",
    "updateConfigSwarm",
    "rollbackConfigSwarm",
    "modeSwarm",
    "labelsSwarm",
    "networkSwarm",
    "stopGracePeriodSwarm",
    "ulimitsSwarm",
];
const COPIED_WHEN_SET = [
    "memoryReservation",
    "memoryLimit",
    "cpuReservation",
    "cpuLimit",
    "args",
    "replicas",
    "createEnvFile",
];
const COPIED_COLUMNS = [...COPIED_NULLABLE, ...COPIED_WHEN_SET];
function copiedSettings(template) {
    const settings = {};
    for (const column of COPIED_NULLABLE) {
        if (column in template)
            settings[column] = template[column] ?? null;
    }
    for (const column of COPIED_WHEN_SET) {
        const value = template[column];
        if (value !== null && value !== undefined)
            settings[column] = value;
    }
    return settings;
}
const KEY = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=/;
function copy_keyOf(line) {
    return KEY.exec(line)?.[1];
}
function rewriteEnv(env, renames) {
    let text = env;
    for (const [from, to] of renames) {
        const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        text = text.replace(new RegExp(`(?<![A-Za-z0-9_.-])${escaped}(?![A-Za-z0-9_-])`, "g"), to);
    }
    return text;
}
function withOverrides(env, overrides) {
    const keys = new Set(overrides.map(copy_keyOf));
    const kept = env.split("\n").filter((line) => {
        const key = copy_keyOf(line);
        return key === undefined || !keys.has(key);
    });
    while (kept.length > 0 && kept.at(-1)?.trim() === "")
        kept.pop();
    return [...kept, ...overrides].join("\n");
}
function changedVariables(before, after) {
    const lines = (text) => new Map(text.split("\n").flatMap((line) => (copy_keyOf(line) === undefined ? [] : [[copy_keyOf(line) ?? "", line]])));
    const was = lines(before);
    const now = lines(after);
    const names = new Set([...was.keys(), ...now.keys()]);
    return [...names].filter((name) => was.get(name) !== now.get(name)).sort();
}
const APP_NAME_MAX = 63;
const DOKPLOY_SUFFIX = 7;
function baseName(appName) {
    return appName.replace(/-[a-z0-9]{6}$/, "");
}
function previewAppName(templateAppName, previewName) {
    const room = APP_NAME_MAX - DOKPLOY_SUFFIX - previewName.length - 1;
    return `${baseName(templateAppName)
        .slice(0, room)
        .replace(/[-.]+$/, "")}-${previewName}`;
}
function previewVolumeName(volumeName, previewName) {
    const room = APP_NAME_MAX - previewName.length - 1;
    return `${volumeName.slice(0, room).replace(/[-.]+$/, "")}-${previewName}`;
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./src/preview/database-copy.ts


const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const FAIR = 256 - (256 % ALPHABET.length);
function freshPassword(random = external_node_crypto_.randomBytes) {
    let out = "";
    while (out.length < 24) {
        for (const byte of random(32)) {
            if (byte < FAIR && out.length < 24)
                out += ALPHABET[byte % ALPHABET.length];
        }
    }
    return out;
}
function freshPasswords(kind, template, minted, random) {
    const mint = (old) => {
        const known = old ? minted.get(old) : undefined;
        if (known)
            return known;
        const fresh = freshPassword(random);
        if (old)
            minted.set(old, fresh);
        return fresh;
    };
    const databasePassword = mint(template.databasePassword);
    return kind === "mysql" || kind === "mariadb"
        ? { databasePassword, databaseRootPassword: mint(template.databaseRootPassword) }
        : { databasePassword };
}
function databaseCreateFields(kind, template, copy) {
    const common = {
        name: template.name,
        appName: copy.appName,
        description: copy.description,
        environmentId: copy.environmentId,
        dockerImage: template.dockerImage,
        databasePassword: copy.passwords.databasePassword,
        ...(template.serverId ? { serverId: template.serverId } : {}),
    };
    const named = { databaseName: template.databaseName ?? "", databaseUser: template.databaseUser ?? "" };
    switch (kind) {
        case "postgres":
            return { ...common, ...named };
        case "mysql":
        case "mariadb":
            return { ...common, ...named, databaseRootPassword: copy.passwords.databaseRootPassword ?? "" };
        case "mongo":
            return {
                ...common,
                databaseUser: template.databaseUser ?? "",
                ...(template.replicaSets !== null && template.replicaSets !== undefined
                    ? { replicaSets: template.replicaSets }
                    : {}),
            };
        case "redis":
            return common;
    }
}
function databaseSettings(template, env) {
    return { ...copiedSettings(template), env };
}
const SHORTEST_REWRITTEN = 8;
function shortPasswords(copies) {
    return copies.filter((copy) => [copy.templatePasswords.databasePassword, copy.templatePasswords.databaseRootPassword].some((p) => p !== undefined && p !== "" && p.length < SHORTEST_REWRITTEN));
}
function rewriteForCopies(env, copies) {
    const hosts = new Map(copies.map((copy) => [copy.templateAppName, copy.appName]));
    let text = rewriteEnv(env, hosts);
    for (const copy of copies) {
        const pairs = [
            [copy.templatePasswords.databasePassword, copy.passwords.databasePassword],
            [copy.templatePasswords.databaseRootPassword, copy.passwords.databaseRootPassword],
        ];
        for (const [from, to] of pairs) {
            if (from === undefined || to === undefined || from.length < SHORTEST_REWRITTEN)
                continue;
            for (const form of new Set([from, encodeURIComponent(from)]))
                text = text.split(form).join(to);
        }
    }
    return text;
}

// EXTERNAL MODULE: ./src/targets/verify.ts
var verify = __webpack_require__(8797);
;// CONCATENATED MODULE: ./src/preview/environment.ts



function previewMarker(key, environment, stamp = {}) {
    return formatMarker({
        pr: key.options.number ?? "",
        repo: key.repo,
        template: key.template,
        created: environment.created,
        ...stamp,
    });
}
async function shareVariables(api, template, environment, rewrite = (env) => env) {
    const shared = template.environment.env ?? "";
    if (environment.made && shared.trim() !== "") {
        await api.updateEnvironment(environment.environmentId, { env: rewrite(shared) });
    }
}
function domainFields(host, model) {
    return {
        host,
        path: model?.path ?? "/",
        port: model?.port ?? 80,
        https: model?.https ?? false,
        certificateType: model?.certificateType ?? "none",
        customCertResolver: model?.customCertResolver ?? "",
        internalPath: model?.internalPath,
        stripPath: model?.stripPath,
    };
}
function ownDomain(domains, template, host) {
    const templateHosts = new Set((template.domains ?? []).map((d) => d.host.toLowerCase()));
    return domains.find((d) => (host === undefined ? !templateHosts.has(d.host) : d.host === host));
}
function refuseTemplateHost(template, kind, host) {
    if (host === undefined)
        return;
    if ((template.domains ?? []).some((d) => d.host.toLowerCase() === host)) {
        throw new errors/* DeployError */.sH(`Input "preview-host": ${host} is a domain of the template ${kind} "${template.name}"; a preview needs a host of its own, e.g. pr-{number}.preview.example.com. Nothing was created.`);
    }
}
async function environmentFor(ctx, api, key, template) {
    const { projectId } = template.environment;
    const listed = await api.environments(projectId);
    const [found] = previewsFor(listed, key);
    if (found) {
        ctx.logger.info(`Preview "${found.environment.name}" exists (${found.environment.environmentId}): updating it.`);
        return { environmentId: found.environment.environmentId, created: found.marker.created, made: false };
    }
    const { limit, name } = key.options;
    const open = previewsOf(listed, key);
    if (limit > 0 && open.length >= limit) {
        throw new errors/* DeployError */.sH(`Input "preview-limit": ${String(open.length)} previews of ${key.template.kind} "${template.name}" are open (${open.map((p) => p.environment.name).join(", ")}), the limit is ${String(limit)}: no preview was made for pull request ${key.options.number ?? ""}. Close one, or raise preview-limit.`);
    }
    const created = ctx.ports.now().toISOString();
    const marker = previewMarker(key, { created });
    const environmentId = await api.createEnvironment(projectId, name, marker);
    ctx.ledger.record({ kind: "preview-created", environmentId, name });
    ctx.logger.info(`Preview environment "${name}" created (${environmentId}).`);
    await settleRace(ctx, api, key, template, environmentId);
    return { environmentId, created, made: true };
}
async function settleRace(ctx, api, key, template, environmentId) {
    const listed = await api.environments(template.environment.projectId);
    const mine = previewsFor(listed, key);
    const open = previewsOf(listed, key);
    const { limit } = key.options;
    const older = mine[0]?.environment.environmentId !== environmentId;
    const beyond = limit > 0 && open.findIndex((p) => p.environment.environmentId === environmentId) >= limit;
    if (!older && !beyond)
        return;
    await api.removeEnvironment(environmentId);
    ctx.ledger.record({ kind: "preview-removed", what: `preview environment ${environmentId}` });
    throw new errors/* DeployError */.sH(older
        ? `Another run made the preview of pull request ${key.options.number ?? ""} at the same time; this run removed its own copy. Re-run to deploy to that preview.`
        : `Input "preview-limit": another preview was made at the same time and the limit (${String(limit)}) is reached; this run removed its own. Close a preview, or raise preview-limit.`);
}
function urlOf(host, https, path) {
    const tail = path && path !== "/" ? path : "";
    return `${https ? "https" : "http"}://${host}${tail}`;
}
async function markDeployed(ctx, api, key, environment, opened) {
    const { number, name } = key.options;
    const deployed = previewMarker(key, environment, { deployed: ctx.ports.now().toISOString(), sha: ctx.config.ci.sha });
    const { environmentId } = environment;
    await api.updateEnvironment(environmentId, { description: deployed });
    ctx.ledger.record({ kind: "preview", environmentId, name, url: opened.url, templateId: key.template.id });
    ctx.logger.info(`Preview of pull request ${number ?? ""}: ${opened.url}`);
    return { ...opened, environmentId };
}

;// CONCATENATED MODULE: ./src/preview/databases.ts







const NO_DATABASES = { copies: [], deploy: [] };
const VERIFY_POLL_MS = 2_000;
function passwordsOf(database) {
    return database.databaseRootPassword
        ? { databasePassword: database.databasePassword, databaseRootPassword: database.databaseRootPassword }
        : { databasePassword: database.databasePassword };
}
function mask(ctx, passwords) {
    ctx.redactor.addFound(passwords.databasePassword);
    ctx.redactor.addFound(passwords.databaseRootPassword);
}
function warnNotCopied(ctx, template, env) {
    const others = [
        ...(env.applications ?? [])
            .filter((a) => a.applicationId !== template.applicationId)
            .map((a) => `application "${a.name}"`),
        ...composesOf(env).map((c) => `compose "${c.name}"`),
        ...otherServices(env).map((s) => `${s.kind} "${s.name}"`),
    ];
    if (others.length > 0) {
        ctx.logger.warn(`Not copied into the preview (only the target and the databases are): ${others.join(", ")}.`);
    }
}
async function foundCopy(ctx, db, original, found) {
    const templatePasswords = passwordsOf(original);
    mask(ctx, templatePasswords);
    const passwords = passwordsOf(await db.database(found.kind, found.id));
    mask(ctx, passwords);
    const { kind, id, name, appName } = found;
    return {
        copy: { kind, name, templateAppName: original.appName, appName, templatePasswords, passwords },
        ...(found.applicationStatus === "done" ? {} : { deploy: { kind, id, name, appName, serverId: original.serverId } }),
    };
}
async function newCopy(ctx, db, key, original, where) {
    const { kind } = where;
    const templatePasswords = passwordsOf(original);
    mask(ctx, templatePasswords);
    const passwords = freshPasswords(kind, templatePasswords, where.minted);
    mask(ctx, passwords);
    const fields = databaseCreateFields(kind, original, {
        appName: previewAppName(original.appName, key.options.name),
        description: where.description,
        environmentId: where.environment.environmentId,
        passwords,
    });
    const created = await db.createDatabase(kind, fields);
    ctx.ledger.record({ kind: "preview-service", service: kind, ...created });
    ctx.logger.info(`Database ${kind} "${created.name}" created in the preview (${created.appName}).`);
    return {
        copy: {
            kind,
            name: created.name,
            templateAppName: original.appName,
            appName: created.appName,
            templatePasswords,
            passwords,
        },
        deploy: { kind, ...created, serverId: original.serverId },
        made: { kind, id: created.id, template: original },
    };
}
async function databasesFor(ctx, api, key, template, environment) {
    const db = api.databases;
    const listed = await api.environments(template.environment.projectId);
    const source = listed.find((e) => e.environmentId === template.environment.environmentId);
    const preview = listed.find((e) => e.environmentId === environment.environmentId);
    if (!source)
        return NO_DATABASES;
    warnNotCopied(ctx, template, source);
    const description = previewMarker(key, environment);
    const copies = [];
    const deploy = [];
    const made = [];
    const minted = new Map();
    for (const row of databasesOf(source)) {
        const original = await db.database(row.kind, row.id);
        const found = (preview ? databasesOf(preview) : []).find((r) => r.kind === row.kind &&
            r.appName?.startsWith(`${previewAppName(original.appName, key.options.name)}-`) &&
            isMarkedService(r.description, key));
        const copy = found?.appName
            ? await foundCopy(ctx, db, original, { ...found, appName: found.appName })
            : await newCopy(ctx, db, key, original, { kind: row.kind, environment, description, minted });
        copies.push(copy.copy);
        if (copy.deploy)
            deploy.push(copy.deploy);
        if (copy.made)
            made.push(copy.made);
    }
    for (const short of shortPasswords(copies)) {
        ctx.logger.warn(`The password of the template's ${short.kind} "${short.name}" is shorter than 8 characters: it is not looked for in the variables. Give the preview's password through preview-env if the application needs it.`);
    }
    for (const { kind, id, template: original } of made) {
        await db.updateDatabase(kind, id, databaseSettings(original, rewriteForCopies(original.env ?? "", copies)));
    }
    return { copies, deploy };
}
async function waitRunning(ctx, database) {
    const start = ctx.ports.clock();
    let lastError;
    for (;;) {
        const tasks = await ctx.dokploy.serviceTasks(database.appName, database.serverId);
        if (tasks.some(verify/* isRunning */.W_))
            return;
        lastError = tasks.map(verify/* taskError */.iX).find((e) => e !== undefined) ?? lastError;
        if (ctx.ports.clock() - start > ctx.config.verifyTimeoutSeconds * 1000) {
            throw new errors/* DeployError */.sH(`The preview's ${database.kind} "${database.name}" (${database.appName}) is not running after ${String(ctx.config.verifyTimeoutSeconds)} s (verify-timeout).${lastError ? ` Swarm says: ${lastError}` : ""}`);
        }
        await ctx.ports.sleep(VERIFY_POLL_MS, ctx.signal);
    }
}
async function deployDatabases(ctx, db, databases) {
    for (const database of databases) {
        ctx.logger.info(`Deploying the preview's ${database.kind} "${database.name}" (${database.appName}).`);
        await db.deployDatabase(database.kind, database.id);
        await waitRunning(ctx, database);
        ctx.logger.info(`The preview's ${database.kind} "${database.name}" runs.`);
    }
}

;// CONCATENATED MODULE: ./src/preview/open.ts





async function applicationFor(ctx, api, key, template, environment) {
    const listed = await api.environments(template.environment.projectId);
    const rows = listed.find((e) => e.environmentId === environment.environmentId)?.applications ?? [];
    const found = rows.find((row) => isMarkedService(row.description, key));
    if (found?.appName)
        return { applicationId: found.applicationId, appName: found.appName };
    const made = await api.createApplication({
        name: template.name,
        appName: previewAppName(template.appName, key.options.name),
        description: previewMarker(key, environment),
        environmentId: environment.environmentId,
        serverId: template.serverId,
    });
    ctx.ledger.record({ kind: "preview-service", id: made.applicationId, appName: made.appName, name: made.name });
    ctx.logger.info(`Application "${made.name}" created in the preview (${made.appName}).`);
    for (const mount of template.mounts ?? []) {
        if (mount.type === "volume" && mount.volumeName) {
            const volumeName = previewVolumeName(mount.volumeName, key.options.name);
            await api.createMount(made.applicationId, { type: "volume", mountPath: mount.mountPath, volumeName });
        }
        else if (mount.type === "file") {
            await api.createMount(made.applicationId, {
                type: "file",
                mountPath: mount.mountPath,
                content: mount.content ?? "",
                ...(mount.filePath ? { filePath: mount.filePath } : {}),
            });
        }
        else {
            ctx.logger.warn(`The template's bind mount ${mount.hostPath ?? ""} -> ${mount.mountPath} is not copied: a host path would be shared with the template.`);
        }
    }
    return made;
}
async function syncSettings(ctx, api, template, applicationId, overrides, databases) {
    const env = withOverrides(rewriteForCopies(template.env ?? "", databases.copies), overrides);
    const changed = changedVariables(template.env ?? "", env);
    if (changed.length > 0)
        ctx.logger.info(`Preview variables that differ from the template's: ${changed.join(", ")}.`);
    await api.updateApplication(applicationId, { ...copiedSettings(template), env });
}
async function domainFor(ctx, api, template, app, host) {
    const domains = await api.domains(app.applicationId);
    const own = ownDomain(domains, template, host);
    if (own)
        return urlOf(own.host, own.https ?? false, own.path);
    const [model] = template.domains ?? [];
    if (!model)
        ctx.logger.warn(`The template has no domain to take a port from: the preview's domain routes to port 80.`);
    const fields = domainFields(host ?? (await api.generateDomain(app.appName, template.serverId)), model);
    const made = await api.createDomain(app.applicationId, fields);
    ctx.ledger.record({ kind: "preview-domain", host: made.host, appName: app.appName });
    return urlOf(made.host, fields.https, fields.path);
}
async function openPreview(ctx, api, key, template) {
    const { host, env } = key.options;
    refuseTemplateHost(template, "application", host);
    const environment = await environmentFor(ctx, api, key, template);
    const databases = key.options.template === "environment" ? await databasesFor(ctx, api, key, template, environment) : NO_DATABASES;
    await shareVariables(api, template, environment, (shared) => rewriteForCopies(shared, databases.copies));
    await deployDatabases(ctx, api.databases, databases.deploy);
    const app = await applicationFor(ctx, api, key, template, environment);
    await syncSettings(ctx, api, template, app.applicationId, env, databases);
    const url = await domainFor(ctx, api, template, app, host);
    return markDeployed(ctx, api, key, environment, { ref: { kind: "application", id: app.applicationId }, url });
}

// EXTERNAL MODULE: ./src/targets/env-file.ts
var env_file = __webpack_require__(9908);
;// CONCATENATED MODULE: ./src/preview/compose-copy.ts


const KEY_LINE = /^(\s*)([A-Za-z0-9_.-]+|"[^"]+"|'[^']+')\s*:/;
function publishingServices(file) {
    return servicesWithKey(file, "ports");
}
function namedContainers(file) {
    return servicesWithKey(file, "container_name");
}
function servicesWithKey(file, key) {
    const found = [];
    let inServices = false;
    let serviceIndent;
    let service;
    for (const line of file.split(/\r?\n/)) {
        if (/^\s*(#|$)/.test(line))
            continue;
        const match = KEY_LINE.exec(line);
        const indent = /^\s*/.exec(line)?.[0].length ?? 0;
        if (indent === 0) {
            inServices = match?.[2] === "services";
            serviceIndent = undefined;
            service = undefined;
            continue;
        }
        if (!inServices || !match)
            continue;
        serviceIndent ??= indent;
        const name = (match[2] ?? "").replace(/^["']|["']$/g, "");
        if (indent === serviceIndent)
            service = name;
        else if (indent > serviceIndent && name === key && service !== undefined && !found.includes(service)) {
            found.push(service);
        }
    }
    return found;
}
function domainModel(domains) {
    return (domains ?? []).find((d) => (d.serviceName ?? "") !== "");
}
function previewComposeEnv(templateEnv, overrides, copyEnv, imageVariables) {
    const env = withOverrides(templateEnv, overrides);
    if (copyEnv === undefined)
        return env;
    const kept = Object.fromEntries(imageVariables.flatMap((name) => {
        const value = (0,env_file/* readVariable */.nt)(copyEnv, name);
        return value === undefined ? [] : [[name, value]];
    }));
    return Object.keys(kept).length > 0 ? (0,env_file/* setVariables */.C4)(env, kept) : env;
}

;// CONCATENATED MODULE: ./src/preview/open-compose.ts





function refuseUncopiable(template) {
    const what = `Compose "${template.name}" (${template.composeId})`;
    if (template.sourceType !== "raw" || (template.composeFile ?? "").trim() === "") {
        throw new errors/* DeployError */.sH(`${what} takes its file from ${template.sourceType ?? "an unknown source"}: a preview copies a compose file that Dokploy holds (source Raw). Nothing was created.`);
    }
    const publishing = publishingServices(template.composeFile ?? "");
    if (publishing.length > 0) {
        throw new errors/* DeployError */.sH(`${what}: its file publishes ports (ports: of ${publishing.join(", ")}), which a preview would take on the host beside production's. Reach the services through a domain (Dokploy routes it with Traefik) and remove ports: from the file, or use expose:. Nothing was created.`);
    }
    const named = template.composeType === "docker-compose" ? namedContainers(template.composeFile ?? "") : [];
    if (named.length > 0) {
        throw new errors/* DeployError */.sH(`${what}: its file names the containers of ${named.join(", ")} (container_name:), and a preview's would take the same names as production's. Remove container_name: from the file (Dokploy names each container after the compose's appName). Nothing was created.`);
    }
    const model = domainModel(template.domains);
    if (!model) {
        throw new errors/* DeployError */.sH(`${what} has no domain with a service: a preview's host goes to the service and port of the template's first domain. Add a domain to the compose in Dokploy. Nothing was created.`);
    }
    return model;
}
async function composeFor(ctx, api, key, template, environment) {
    const listed = await api.environments(template.environment.projectId);
    const rows = listed.find((e) => e.environmentId === environment.environmentId)?.compose ?? [];
    const found = rows.find((row) => isMarkedService(row.description, key));
    if (found) {
        const copy = await api.composes.templateCompose(found.composeId);
        return { composeId: copy.composeId, appName: copy.appName, env: copy.env ?? "" };
    }
    const made = await api.composes.createCompose({
        name: template.name,
        appName: previewAppName(template.appName, key.options.name),
        description: previewMarker(key, environment),
        environmentId: environment.environmentId,
        composeType: template.composeType,
        composeFile: template.composeFile ?? "",
        serverId: template.serverId,
    });
    ctx.ledger.record({
        kind: "preview-service",
        service: "compose",
        id: made.composeId,
        appName: made.appName,
        name: made.name,
    });
    ctx.logger.info(`Compose "${made.name}" (${template.composeType}) created in the preview (${made.appName}).`);
    if (template.command) {
        ctx.logger.warn(`The template's custom command is not copied (it may name the template's ${template.appName}): the preview deploys with Dokploy's default.`);
    }
    return made;
}
async function open_compose_domainFor(ctx, composes, api, template, copy, where) {
    const { host, model } = where;
    const domains = await composes.domains(copy.composeId);
    const own = ownDomain(domains, template, host);
    if (own)
        return urlOf(own.host, own.https ?? false, own.path);
    const fields = {
        ...domainFields(host ?? (await api.generateDomain(copy.appName, template.serverId)), model),
        serviceName: model.serviceName ?? "",
    };
    const made = await composes.createDomain(copy.composeId, fields);
    ctx.ledger.record({ kind: "preview-domain", host: made.host, appName: copy.appName });
    ctx.logger.info(`The preview's host ${made.host} goes to service ${fields.serviceName}, port ${String(fields.port)}.`);
    return urlOf(made.host, fields.https, fields.path);
}
async function openComposePreview(ctx, api, key, template) {
    const { host, env } = key.options;
    refuseTemplateHost(template, "compose", host);
    const model = refuseUncopiable(template);
    const environment = await environmentFor(ctx, api, key, template);
    await shareVariables(api, template, environment);
    const copy = await composeFor(ctx, api, key, template, environment);
    const { imageVariable, tagVariable } = ctx.config;
    const copyEnv = previewComposeEnv(template.env ?? "", env, copy.env, [imageVariable, tagVariable]);
    const changed = changedVariables(template.env ?? "", copyEnv);
    if (changed.length > 0)
        ctx.logger.info(`Preview variables that differ from the template's: ${changed.join(", ")}.`);
    await api.composes.updateCompose(copy.composeId, { composeFile: template.composeFile ?? "", env: copyEnv });
    const url = await open_compose_domainFor(ctx, api.composes, api, template, copy, { host, model });
    return markDeployed(ctx, api, key, environment, { ref: { kind: "compose", id: copy.composeId }, url });
}

;// CONCATENATED MODULE: ./src/preview/stage.ts







function templateOf(template) {
    if (!template)
        throw new errors/* DeployError */.sH("A preview copies one application or one compose service; none was given.");
    return template;
}
function makePreview(ctx, template) {
    const ref = templateOf(template);
    return (0,context/* timed */.ay)(ctx, "Make the preview", async () => {
        const api = new PreviewProcedures(ctx.dokploy.client);
        const key = keyOf(ctx, ref);
        return ref.kind === "compose"
            ? openComposePreview(ctx, api, key, await api.composes.templateCompose(ref.id))
            : openPreview(ctx, api, key, await api.templateApplication(ref.id));
    });
}
function removePreview(ctx, template) {
    const ref = templateOf(template);
    return (0,context/* timed */.ay)(ctx, "Remove the preview", async () => {
        const api = new PreviewProcedures(ctx.dokploy.client);
        const found = ref.kind === "compose" ? await api.composes.templateCompose(ref.id) : await api.templateApplication(ref.id);
        const key = keyOf(ctx, ref);
        await (key.options.mode === "prune" ? prunePreviews : closePreview)(ctx, api, key, found);
    });
}


/***/ })

};
