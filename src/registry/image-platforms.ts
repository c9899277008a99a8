/**
 * The platforms of a pushed image, read over the registry's API as a pull would: its index
 * (one entry per platform), or for a single image the platform its config blob names.
 */
import type { Credentials } from "../config/config";
import { type ImageName, isValidDigest } from "../shared/image";
import {
  type Answer,
  MANIFEST_MEDIA_TYPES,
  type RegistryCheckOptions,
  authorizationFor,
  get,
  registryApiBase,
} from "./check";
import { type Platform, configPlatform, indexPlatforms } from "./platforms";

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function parsed(answer: Answer, what: string): Record<string, unknown> {
  if (answer.status !== 200) throw new Error(`${what}: HTTP ${String(answer.status)}`);
  const value: unknown = JSON.parse(answer.body);
  if (typeof value !== "object" || value === null) throw new Error(`${what}: not a JSON object`);
  return value as Record<string, unknown>;
}

/** A blob, where the registry may send it elsewhere (storage): there, without our credentials. */
async function blob(url: string, headers: Record<string, string>, options: RegistryCheckOptions): Promise<Answer> {
  const answer = await get(url, headers, "GET", options);
  const location = answer.headers.location;
  if (!REDIRECTS.has(answer.status) || typeof location !== "string") return answer;
  const next = new URL(location, url);
  const sameOrigin = next.origin === new URL(url).origin;
  return get(next.toString(), sameOrigin ? headers : {}, "GET", options);
}

/**
 * The platforms `<image>@<reference>` holds (reference: a digest or a tag), attestations left
 * out; empty when the image does not say. Throws when the registry cannot be read.
 */
export async function imagePlatforms(
  image: ImageName,
  reference: string,
  credentials: Credentials | undefined,
  options: RegistryCheckOptions = {},
): Promise<Platform[]> {
  const where = `${image.registry}/${image.path}@${reference}`;
  const base = `${registryApiBase(image.registry)}/v2/${image.path}`;
  const url = `${base}/manifests/${encodeURIComponent(reference)}`;
  const accept = MANIFEST_MEDIA_TYPES.join(", ");
  let answer = await get(url, { accept }, "GET", options);
  const auth: Record<string, string> = {};
  if (answer.status === 401) {
    auth.authorization = await authorizationFor(answer, image, credentials, options, where);
    answer = await get(url, { accept, ...auth }, "GET", options);
  }
  const manifest = parsed(answer, where);
  if (Array.isArray(manifest.manifests)) return indexPlatforms(manifest as Parameters<typeof indexPlatforms>[0]);
  const config = manifest.config as { digest?: unknown } | undefined;
  // It goes into a URL: a digest, nothing else.
  if (typeof config?.digest !== "string" || !isValidDigest(config.digest)) return [];
  const configBlob = parsed(await blob(`${base}/blobs/${config.digest}`, auth, options), `${where} config`);
  const platform = configPlatform(configBlob);
  return platform ? [platform] : [];
}
