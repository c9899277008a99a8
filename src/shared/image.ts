/**
 * Image references as Docker's distribution/reference grammar defines them, reduced to what
 * a deploy needs: the registry host, the repository path, tags and digests.
 */

const DOCKER_HUB = "docker.io";
/** Every name Docker Hub goes by; they all mean one registry. */
const DOCKER_HUB_ALIASES = new Set([
  "docker.io",
  "index.docker.io",
  "registry-1.docker.io",
  "registry.hub.docker.com",
  "hub.docker.com",
]);

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
/** The digests docker can verify, by the OCI image spec: the algorithm and its length in lowercase hex. */
const DIGEST = /^(?:sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$/;

export interface ImageName {
  /** As the user wrote it, e.g. ghcr.io/acme/web or nginx. */
  readonly name: string;
  /** Registry host[:port]; docker.io for Docker Hub. */
  readonly registry: string;
  /** Repository path inside the registry; Docker Hub's official images get library/. */
  readonly path: string;
  readonly isDockerHub: boolean;
  /** What the user wrote, when it had capitals and `name` is its lowercase form. */
  readonly lowercasedFrom?: string;
}

/** Whether the first part of a reference names a registry, as docker reads it (else it is Docker Hub's). */
function namesRegistry(first: string): boolean {
  return first.includes(".") || first.includes(":") || first === "localhost";
}

/** The registry of a reference (with or without tag and digest), normalized: docker.io when it names none. */
export function registryOfReference(ref: string): string {
  const slash = ref.indexOf("/");
  const first = slash > 0 ? ref.slice(0, slash) : "";
  return normalizeRegistryHost(namesRegistry(first) ? first : DOCKER_HUB);
}

/** Parses a repository name WITHOUT tag or digest. Throws an Error saying what is wrong. */
export function parseImageName(input: string): ImageName {
  const name = input.trim();
  if (name === "") throw new Error("is empty; expected a repository such as ghcr.io/acme/web");
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
    throw new Error(
      `"${name}" contains a tag; give the repository only (e.g. ${name.slice(0, name.lastIndexOf(":"))}) and put the tag in the "tag" input`,
    );
  }
  if (!DOMAIN.test(registry)) {
    throw new Error(`"${registry}" is not a valid registry host[:port]`);
  }
  const components = rest.split("/");
  for (const component of components) {
    if (!PATH_COMPONENT.test(component)) {
      const hint =
        component.toLowerCase() !== component
          ? "repository names must be lowercase"
          : "use lowercase letters, digits and . _ - between them";
      throw new Error(`"${name}" is not a valid repository name: "${component}" (${hint})`);
    }
  }
  const isDockerHub = DOCKER_HUB_ALIASES.has(registry.toLowerCase());
  let path = rest;
  if (isDockerHub && components.length === 1) path = `library/${rest}`;
  if (name.length > 255) throw new Error(`"${name}" is longer than 255 characters`);
  return { name, registry: isDockerHub ? DOCKER_HUB : registry.toLowerCase(), path, isDockerHub };
}

/**
 * Like parseImageName, but a name with capitals (GitHub's owner/name often has them, and
 * registries take lowercase only) is lowercased, as docker/metadata-action does; the result
 * keeps what was given in `lowercasedFrom`. A name that is wrong in other ways still throws.
 */
export function parseImageNameLowercasing(input: string): ImageName {
  const given = input.trim();
  const lower = given.toLowerCase();
  if (lower === given) return parseImageName(given);
  try {
    return { ...parseImageName(lower), lowercasedFrom: given };
  } catch {
    return parseImageName(given);
  }
}

export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

/** Whether `digest` is a digest (sha256: and 64 lowercase hex digits, or sha384/sha512 of their length). */
export function isValidDigest(digest: string): boolean {
  return DIGEST.test(digest);
}

/** What to say of a digest that is not one (see isValidDigest), and who gave it. */
export function malformedDigest(digest: string, from: string): string {
  const shown = JSON.stringify(digest.length > 80 ? `${digest.slice(0, 80)}…` : digest);
  return `${from} gave a malformed digest ${shown}; a digest is sha256: and 64 hex digits`;
}

/**
 * `digest` when it is one; else an Error saying that `from` (the registry, docker push, buildx's
 * metadata file, the engine) gave something else. A digest goes into Dokploy (an image, a
 * compose service's env), the outputs and the reports: nothing else may go there in its name.
 */
export function checkedDigest(digest: string, from: string): string {
  if (isValidDigest(digest)) return digest;
  throw new Error(malformedDigest(digest, from));
}

/** `<name>:<tag>`, the reference docker pushes and Dokploy pulls. */
export function imageRef(image: ImageName, tag: string): string {
  return `${image.name}:${tag}`;
}

/**
 * A registry address as users and Dokploy write it (with or without scheme, path, or one of
 * Docker Hub's aliases), reduced to host[:port], lowercase; every Docker Hub alias and the
 * empty string (Dokploy's way of saying Docker Hub) become docker.io.
 */
export function normalizeRegistryHost(address: string): string {
  let host = address.trim().toLowerCase();
  host = host.replace(/^[a-z][a-z0-9+.-]*:\/\//, "");
  host = host.split("/")[0] ?? "";
  if (host === "" || DOCKER_HUB_ALIASES.has(host)) return DOCKER_HUB;
  return host;
}

export function isDockerHubHost(address: string): boolean {
  return normalizeRegistryHost(address) === DOCKER_HUB;
}

/** Value Dokploy's registry.create wants in registryUrl: "" for Docker Hub, else host[:port]. */
export function dokployRegistryUrl(address: string): string {
  const host = normalizeRegistryHost(address);
  return host === DOCKER_HUB ? "" : host;
}

/** Host Dokploy's registry.create accepts (v0.29.3+): bare host[:port]. */
export const DOKPLOY_REGISTRY_URL = /^[a-zA-Z0-9]([a-zA-Z0-9._-]*[a-zA-Z0-9])?(:\d{1,5})?$/;
