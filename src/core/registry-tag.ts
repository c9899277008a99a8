/**
 * More tags for a manifest just pushed, over the registry's API: what `docker push <image>:<tag>`
 * does for a tag of an image whose layers are all there (it uploads the manifest again), without
 * starting docker. The tags name the very same manifest: the same bytes, so the same digest.
 */
import { type Dispatcher, request } from "undici";
import type { Credentials } from "./config";
import { MiB } from "./http-body";
import type { ImageName } from "./image";
import { type Answer, MANIFEST_MEDIA_TYPES, authorizationFor, registryApiBase } from "./registry-check";

export interface TagOptions {
  readonly dispatcher?: Dispatcher;
  readonly timeoutMs?: number;
}

async function send(
  url: string,
  method: "GET" | "PUT",
  headers: Record<string, string>,
  options: TagOptions,
  body?: Buffer,
): Promise<Answer & { bytes: Buffer }> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const response = await request(url, {
    method,
    headers,
    body,
    dispatcher: options.dispatcher,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += (chunk as Buffer).length;
    // A manifest is kilobytes.
    if (size > 4 * MiB) throw new Error(`${method} ${url}: the answer is larger than 4 MiB`);
    chunks.push(chunk as Buffer);
  }
  const bytes = Buffer.concat(chunks);
  return { status: response.statusCode, headers: response.headers, body: "", bytes };
}

function header(answer: Answer, name: string): string | undefined {
  const value = answer.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Puts the manifest of `<image>:<from>` under each of `tags`, with the push credentials, and
 * returns the digest the registry reported for each. Throws on anything but success: the caller
 * then pushes those tags with docker.
 */
export async function tagManifest(
  image: ImageName,
  from: string,
  tags: readonly string[],
  credentials: Credentials,
  options: TagOptions = {},
): Promise<Map<string, string | undefined>> {
  const base = `${registryApiBase(image.registry)}/v2/${image.path}/manifests/`;
  const where = `${image.registry}/${image.path}:${from}`;
  const accept = MANIFEST_MEDIA_TYPES.join(", ");
  let answer = await send(`${base}${encodeURIComponent(from)}`, "GET", { accept }, options);
  let authorization: string | undefined;
  if (answer.status === 401) {
    authorization = await authorizationFor(answer, image, credentials, options, where, "pull,push");
    answer = await send(`${base}${encodeURIComponent(from)}`, "GET", { accept, authorization }, options);
  }
  if (answer.status !== 200) throw new Error(`GET ${where}: HTTP ${String(answer.status)}`);
  const manifest = answer.bytes;
  const mediaType = (header(answer, "content-type") ?? "").split(";")[0] ?? "";
  const digests = new Map<string, string | undefined>();
  for (const tag of tags) {
    const put = (auth: string | undefined) =>
      send(
        `${base}${encodeURIComponent(tag)}`,
        "PUT",
        { "content-type": mediaType, ...(auth ? { authorization: auth } : {}) },
        options,
        manifest,
      );
    let answered = await put(authorization);
    // A registry that lets anyone read still wants a login to write.
    if (answered.status === 401 && authorization === undefined) {
      authorization = await authorizationFor(answered, image, credentials, options, where, "pull,push");
      answered = await put(authorization);
    }
    if (answered.status !== 201) {
      throw new Error(`PUT ${image.registry}/${image.path}:${tag}: HTTP ${String(answered.status)}`);
    }
    digests.set(tag, header(answered, "docker-content-digest"));
  }
  return digests;
}
