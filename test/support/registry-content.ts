/**
 * What a registry holds for an image, read over its v2 API as a user's tools would see it: the
 * manifest or index, each platform's image config, and every blob (for looking for things that
 * must not be in an image).
 */
import { gunzipSync } from "node:zlib";
import { MANIFEST_MEDIA_TYPES } from "../../src/registry/check";
import type { Registry } from "./rig";

interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly platform?: { readonly os: string; readonly architecture: string; readonly variant?: string };
  readonly annotations?: Record<string, string>;
}

export interface Manifest {
  readonly mediaType: string;
  readonly digest: string;
  /** Present on an index (manifest list). */
  readonly manifests?: readonly Descriptor[];
  /** Present on an image manifest. */
  readonly config?: Descriptor;
  readonly layers?: readonly Descriptor[];
}

export interface ImageConfig {
  readonly architecture: string;
  readonly os: string;
  readonly config: { readonly Labels?: Record<string, string> | null };
}

async function get(registry: Registry, path: string, accept: string): Promise<Response> {
  const res = await fetch(`http://${registry.host}/v2/${path}`, {
    headers: { authorization: registry.authorization, accept },
  });
  if (res.status !== 200) throw new Error(`registry answered ${String(res.status)} for ${path}`);
  return res;
}

export async function manifestOf(registry: Registry, repository: string, reference: string): Promise<Manifest> {
  const res = await get(registry, `${repository}/manifests/${reference}`, MANIFEST_MEDIA_TYPES.join(", "));
  const body = (await res.json()) as Omit<Manifest, "digest">;
  return { ...body, mediaType: body.mediaType, digest: res.headers.get("docker-content-digest") ?? "" };
}

export async function blobOf(registry: Registry, repository: string, digest: string): Promise<Buffer> {
  const res = await get(registry, `${repository}/blobs/${digest}`, "*/*");
  return Buffer.from(await res.arrayBuffer());
}

function isAttestation(descriptor: Descriptor): boolean {
  return descriptor.annotations?.["vnd.docker.reference.type"] === "attestation-manifest";
}

/** The image manifests behind a reference: itself, or every platform's of an index. */
export async function platformManifests(
  registry: Registry,
  repository: string,
  reference: string,
): Promise<Manifest[]> {
  const top = await manifestOf(registry, repository, reference);
  if (!top.manifests) return [top];
  const images = top.manifests.filter((m) => !isAttestation(m));
  return Promise.all(images.map((m) => manifestOf(registry, repository, m.digest)));
}

/** The attestation manifests of an index (provenance, SBOM). */
export async function attestationsOf(registry: Registry, repository: string, reference: string): Promise<string[]> {
  const top = await manifestOf(registry, repository, reference);
  return (top.manifests ?? []).filter(isAttestation).map((m) => m.digest);
}

/** Each platform's image config, as `docker inspect` would show it after a pull. */
export async function imageConfigs(registry: Registry, repository: string, reference: string): Promise<ImageConfig[]> {
  const manifests = await platformManifests(registry, repository, reference);
  return Promise.all(
    manifests.map(
      async (m) => JSON.parse((await blobOf(registry, repository, m.config?.digest ?? "")).toString()) as ImageConfig,
    ),
  );
}

/**
 * Whether `text` is anywhere in what the registry holds for a reference: manifests, configs,
 * and the files of every layer (gunzipped), attestations included.
 */
export async function registryHolds(
  registry: Registry,
  repository: string,
  reference: string,
  text: string,
): Promise<boolean> {
  const top = await manifestOf(registry, repository, reference);
  const manifests = top.manifests
    ? await Promise.all(top.manifests.map((m) => manifestOf(registry, repository, m.digest)))
    : [top];
  const blobs = manifests.flatMap((m) => [m.config, ...(m.layers ?? [])]).filter((d) => d !== undefined);
  for (const blob of blobs) {
    let data = await blobOf(registry, repository, blob.digest);
    if (blob.mediaType.endsWith("gzip")) data = gunzipSync(data);
    if (data.includes(text)) return true;
  }
  return JSON.stringify([top, ...manifests]).includes(text);
}
