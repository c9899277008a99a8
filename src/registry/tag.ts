/**
 * More tags for a manifest just pushed, over the registry's API: what `docker push <image>:<tag>`
 * does for a tag of an image whose layers are all there (it uploads the manifest again), without
 * starting docker. The tags name the very same manifest: the same bytes, so the same digest.
 */
import { createHash } from "node:crypto";
import type { Dispatcher } from "undici";
import { request } from "../shared/undici";
import type { Credentials } from "../config/config";
import { MiB } from "../shared/http-body";
import { type ImageName, checkedDigest } from "../shared/image";
import {
  type Answer,
  MANIFEST_MEDIA_TYPES,
  type ResolvedImage,
  authorizationFor,
  header,
  registryApiBase,
} from "./check";

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

export interface Tagged {
  /** How the registry served `<image>:<from>` to these credentials. */
  readonly served: ResolvedImage;
  /** The digest the registry reported for each tag put. */
  readonly digests: ReadonlyMap<string, string | undefined>;
}

interface Read {
  readonly manifest: Buffer;
  readonly served: ResolvedImage;
  readonly authorization?: string;
}

/** The manifest of `<image>:<from>` as bytes, through the registry's challenge (pull and push scope). */
async function readManifest(
  image: ImageName,
  from: string,
  credentials: Credentials,
  options: TagOptions,
): Promise<Read> {
  const url = `${registryApiBase(image.registry)}/v2/${image.path}/manifests/${encodeURIComponent(from)}`;
  const where = `${image.registry}/${image.path}:${from}`;
  const accept = MANIFEST_MEDIA_TYPES.join(", ");
  let answer = await send(url, "GET", { accept }, options);
  let authorization: string | undefined;
  if (answer.status === 401) {
    authorization = await authorizationFor(answer, image, credentials, options, where, "pull,push");
    answer = await send(url, "GET", { accept, authorization }, options);
  }
  if (answer.status !== 200) throw new Error(`GET ${where}: HTTP ${String(answer.status)}`);
  const mediaType = (header(answer, "content-type") ?? "").split(";")[0] ?? "";
  const said = header(answer, "docker-content-digest");
  const digest = checkedDigest(
    said ?? `sha256:${createHash("sha256").update(answer.bytes).digest("hex")}`,
    `${where}: the registry`,
  );
  return { manifest: answer.bytes, served: { digest, mediaType }, authorization };
}

/**
 * Puts the manifest of `<image>:<from>`, when it is still the `expected` digest, under each of
 * `tags`, with the push credentials. Throws on anything but success: the caller then pushes
 * those tags with docker.
 */
export async function tagManifest(
  image: ImageName,
  from: string,
  tags: readonly string[],
  credentials: Credentials,
  options: TagOptions & { readonly expected?: string } = {},
): Promise<Tagged> {
  const read = await readManifest(image, from, credentials, options);
  // Someone else's push since ours: their manifest must not get our tags.
  if (options.expected !== undefined && read.served.digest !== options.expected) {
    throw new Error(`${image.registry}/${image.path}:${from} is now ${read.served.digest}, not ${options.expected}`);
  }
  let authorization = read.authorization;
  const digests = new Map<string, string | undefined>();
  for (const tag of tags) {
    const where = `${image.registry}/${image.path}:${tag}`;
    const put = (auth: string | undefined) =>
      send(
        `${registryApiBase(image.registry)}/v2/${image.path}/manifests/${encodeURIComponent(tag)}`,
        "PUT",
        { "content-type": read.served.mediaType, ...(auth ? { authorization: auth } : {}) },
        options,
        read.manifest,
      );
    let answered = await put(authorization);
    // A registry that lets anyone read still wants a login to write.
    if (answered.status === 401 && authorization === undefined) {
      authorization = await authorizationFor(answered, image, credentials, options, where, "pull,push");
      answered = await put(authorization);
    }
    if (answered.status !== 201) throw new Error(`PUT ${where}: HTTP ${String(answered.status)}`);
    const said = header(answered, "docker-content-digest");
    digests.set(tag, said === undefined ? undefined : checkedDigest(said, `${where}: the registry`));
  }
  return { served: read.served, digests };
}
