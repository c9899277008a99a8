import { createHash } from "node:crypto";
import type { Dispatcher } from "undici";
import { request } from "../shared/undici";
import type { Credentials } from "../config/config";
import { PullCheckError, connectionHint, errorCode, errorMessage } from "../shared/errors";
import { MiB, readBodyText } from "../shared/http-body";

export { PullCheckError, type PullCheckFailure } from "../shared/errors";
import { type ImageName, isValidDigest, malformedDigest } from "../shared/image";

/** What a registry must serve for the reference: an image index or a single manifest. */
export const MANIFEST_MEDIA_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
];

export interface Challenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/** Parses a WWW-Authenticate header: `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`. */
export function parseChallenge(header: string): Challenge | undefined {
  const match = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?/g;
  for (const m of (match[2] ?? "").matchAll(re)) {
    params[(m[1] ?? "").toLowerCase()] = (m[2] ?? m[3] ?? "").replace(/\\(.)/g, "$1");
  }
  return { scheme: (match[1] ?? "").toLowerCase(), params };
}

export interface ResolvedImage {
  readonly digest: string;
  readonly mediaType: string;
}

export interface RegistryCheckOptions {
  readonly dispatcher?: Dispatcher;
  readonly timeoutMs?: number;
}

/** The API host of a registry: Docker Hub's names all lead to registry-1.docker.io. */
export function registryApiBase(registry: string): string {
  if (registry === "docker.io") return "https://registry-1.docker.io";
  // Like docker, loopback registries are spoken to over plain HTTP.
  const plain = /^(localhost|127\.\d+\.\d+\.\d+)(:\d+)?$/.test(registry);
  return `${plain ? "http" : "https"}://${registry}`;
}

/** What to do about a credential a registry refused, per registry. */
export function credentialHint(registry: string, repository: string): string {
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

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A GET or HEAD of the registry's API; a GET's body is read, up to 4 MiB. */
export async function get(
  url: string,
  headers: Record<string, string>,
  method: "GET" | "HEAD",
  options: RegistryCheckOptions,
): Promise<Answer> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const response = await request(url, {
    method,
    headers,
    dispatcher: options.dispatcher,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    signal: AbortSignal.timeout(timeoutMs),
  });
  // A manifest or a token is kilobytes; more than a few MiB is not a registry's answer.
  const body = method === "HEAD" ? (await response.body.dump(), "") : (await readBodyText(response.body, 4 * MiB)).text;
  return { status: response.statusCode, headers: response.headers, body };
}

/** A header of the answer, the first when it came several times. */
export function header(answer: Answer, name: string): string | undefined {
  const value = answer.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function basic(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
}

/** Where a Bearer challenge's realm gives a token for `actions` on `repository`. */
function tokenUrl(challenge: Challenge, realm: string, repository: string, actions: string): string {
  const url = new URL(realm);
  if (challenge.params.service) url.searchParams.set("service", challenge.params.service);
  url.searchParams.set("scope", `repository:${repository}:${actions}`);
  return url.toString();
}

/** A token from a Bearer challenge's realm, for pulling `repository` (or what `actions` say). */
async function bearerToken(
  challenge: Challenge,
  repository: string,
  credentials: Credentials | undefined,
  options: RegistryCheckOptions,
  where: string,
  actions: string,
): Promise<string> {
  const realm = challenge.params.realm;
  if (!realm) throw new PullCheckError("unreachable", `${where}: the registry's Bearer challenge has no realm`);
  const url = tokenUrl(challenge, realm, repository, actions);
  const answer = await get(url, credentials ? { authorization: basic(credentials) } : {}, "GET", options);
  if (answer.status === 401 || answer.status === 403) {
    throw new PullCheckError(
      "credentials",
      credentials
        ? `${where}: the registry's token service refused ${credentials.username}'s password (HTTP ${String(answer.status)}); ${credentialHint(where.split("/")[0] ?? "", repository)}`
        : `${where}: the image is private and no pull credentials are set (pull-username/pull-password)`,
    );
  }
  if (answer.status !== 200) {
    throw new PullCheckError(
      "unreachable",
      `${where}: the registry's token service answered HTTP ${String(answer.status)}`,
    );
  }
  const data = JSON.parse(answer.body) as { token?: string; access_token?: string };
  const token = data.token ?? data.access_token;
  if (!token) throw new PullCheckError("unreachable", `${where}: the registry's token service gave no token`);
  return token;
}

/** The Authorization header the registry's 401 challenge asks for, to pull (or what `actions` say). */
export async function authorizationFor(
  answer: Answer,
  image: ImageName,
  credentials: Credentials | undefined,
  options: RegistryCheckOptions,
  where: string,
  actions = "pull",
): Promise<string> {
  const challenge = parseChallenge(header(answer, "www-authenticate") ?? "");
  if (challenge?.scheme === "basic") {
    if (!credentials) {
      throw new PullCheckError(
        "credentials",
        `${where}: the registry wants a login and no pull credentials are set (pull-username/pull-password)`,
      );
    }
    return basic(credentials);
  }
  if (challenge?.scheme === "bearer") {
    return `Bearer ${await bearerToken(challenge, image.path, credentials, options, where, actions)}`;
  }
  throw new PullCheckError("unreachable", `${where}: the registry answered 401 without a usable challenge`);
}

/** Says why the manifest HEAD did not answer 200: the tag, the credentials, or the registry. */
function refusal(
  status: number,
  image: ImageName,
  credentials: Credentials | undefined,
  authorization: string | undefined,
  where: string,
): PullCheckError {
  if (status === 401 || status === 403) {
    if (!credentials) {
      return new PullCheckError(
        "credentials",
        `${where}: the image is not public and no pull credentials are set (pull-username/pull-password, or registry-username/registry-password)`,
      );
    }
    if (authorization?.startsWith("Basic")) {
      return new PullCheckError(
        "credentials",
        `${where}: the registry refused the pull credentials of ${credentials.username} (HTTP ${String(status)}); ${credentialHint(image.registry, image.path)}`,
      );
    }
    return new PullCheckError(
      "scope",
      `${where}: the registry gave a token, but not one that may pull this repository (HTTP ${String(status)}); ${credentialHint(image.registry, image.path)}`,
    );
  }
  if (status === 404) {
    return new PullCheckError(
      "tag",
      `${where}: the registry has no such tag (manifest unknown). Push it first, or check image and tag${image.registry === "ghcr.io" ? " (GHCR also answers 404 when the token cannot see the package)" : ""}`,
    );
  }
  return new PullCheckError("unreachable", `${where}: the registry answered HTTP ${String(status)}`);
}

function unreachable(where: string, error: unknown): PullCheckError {
  const hint = connectionHint(errorCode(error));
  return new PullCheckError("unreachable", `${where}: could not reach the registry: ${errorMessage(error)}${hint}`);
}

/**
 * Resolves `<image>:<tag>` the way Dokploy's docker will pull it: HEAD of the manifest with the
 * PULL credentials, through the registry's Basic or Bearer-token challenge. Throws a
 * PullCheckError saying whether the tag, the credentials or the registry itself is the problem.
 */
export async function resolveImage(
  image: ImageName,
  tag: string,
  credentials: Credentials | undefined,
  options: RegistryCheckOptions = {},
): Promise<ResolvedImage> {
  const where = `${image.registry}/${image.path}:${tag}`;
  const url = `${registryApiBase(image.registry)}/v2/${image.path}/manifests/${encodeURIComponent(tag)}`;
  const accept = MANIFEST_MEDIA_TYPES.join(", ");
  try {
    let answer = await get(url, { accept }, "HEAD", options);
    let authorization: string | undefined;
    if (answer.status === 401) {
      authorization = await authorizationFor(answer, image, credentials, options, where);
      answer = await get(url, { accept, authorization }, "HEAD", options);
    }
    if (answer.status !== 200) throw refusal(answer.status, image, credentials, authorization, where);
    let digest = header(answer, "docker-content-digest");
    const mediaType = (header(answer, "content-type") ?? "").split(";")[0] ?? "";
    if (!digest) {
      // Some registries send the digest only with the body.
      const full = await get(url, { accept, ...(authorization ? { authorization } : {}) }, "GET", options);
      digest = `sha256:${createHash("sha256").update(full.body).digest("hex")}`;
    }
    // It is what pin-digest deploys: what is not a digest is refused.
    if (!isValidDigest(digest))
      throw new PullCheckError("digest", `${where}: ${malformedDigest(digest, "the registry")}`);
    return { digest, mediaType };
  } catch (error) {
    if (error instanceof PullCheckError) throw error;
    throw unreachable(where, error);
  }
}

/**
 * Checks the push credentials as docker login has the engine check them: the registry's /v2/
 * with them, through its Basic or Bearer challenge (a token to push the repository). Resolves
 * when the registry took them, or when it could not be asked (the push then says what is
 * wrong); rejects with a PullCheckError "credentials" when the registry refused them.
 */
export async function checkPushLogin(
  image: ImageName,
  credentials: Credentials,
  options: RegistryCheckOptions = {},
): Promise<void> {
  const url = `${registryApiBase(image.registry)}/v2/`;
  const refused = (status: number) =>
    new PullCheckError(
      "credentials",
      `${image.registry} refused the password of ${credentials.username} (HTTP ${String(status)})`,
    );
  try {
    const answer = await get(url, {}, "GET", options);
    if (answer.status !== 401) return;
    const challenge = parseChallenge(header(answer, "www-authenticate") ?? "");
    if (challenge?.scheme === "basic") {
      const again = await get(url, { authorization: basic(credentials) }, "GET", options);
      if (again.status === 401 || again.status === 403) throw refused(again.status);
      return;
    }
    if (challenge?.scheme !== "bearer" || !challenge.params.realm) return;
    const token = tokenUrl(challenge, challenge.params.realm, image.path, "push,pull");
    const given = await get(token, { authorization: basic(credentials) }, "GET", options);
    if (given.status === 401 || given.status === 403) throw refused(given.status);
  } catch (error) {
    if (error instanceof PullCheckError) throw error;
    // Not reachable from here (a proxy, a mirror only the engine knows): the push will tell.
  }
}
