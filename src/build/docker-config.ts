import { normalizeRegistryHost } from "../shared/image";

/**
 * The temporary docker config a run logs in with, so the user's ~/.docker is never written.
 * Implementations link the user's buildx/, cli-plugins/ and contexts/ into it, so builders and
 * plugins set up by earlier steps keep working.
 */
export interface TempDockerConfig {
  /** Directory to use as DOCKER_CONFIG. */
  readonly dir: string;
  /** Reads a file the build wrote into the directory (metadata, iid); undefined when absent. */
  readFile(name: string): Promise<string | undefined>;
  /** Writes a file into the directory; returns its path. */
  writeFile(name: string, text: string): Promise<string>;
  /** Removes the directory and the credentials in it. */
  remove(): Promise<void>;
}

export interface TempDockerConfigOptions {
  /**
   * Keep the user's login for the registry: no registry-username was given, so the push uses
   * what an earlier step set up (docker/login-action's login, a credential helper or store).
   */
  readonly keepLogin?: boolean;
}

export type CreateTempDockerConfig = (
  registryHost: string,
  options?: TempDockerConfigOptions,
) => Promise<TempDockerConfig>;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The user's docker config.json as the temporary one should start: everything kept (proxies,
 * aliases, current context, logins to other registries) except, when we log in ourselves, what
 * would send OUR login somewhere that outlives the run (credsStore) or shadow it (an existing
 * login or credential helper for the registry we log in to). With `keepLogin` nothing is
 * dropped: nothing is logged in, so nothing of ours can reach a store.
 */
export function isolatedDockerConfig(userConfig: unknown, registryHost: string, keepLogin = false): Json {
  const out: Json = isObject(userConfig) ? { ...userConfig } : {};
  if (keepLogin) return out;
  const host = normalizeRegistryHost(registryHost);
  delete out.credsStore;
  for (const key of ["auths", "credHelpers"] as const) {
    const section = out[key];
    if (!isObject(section)) continue;
    out[key] = Object.fromEntries(
      Object.entries(section).filter(([address]) => normalizeRegistryHost(address) !== host),
    );
  }
  return out;
}
