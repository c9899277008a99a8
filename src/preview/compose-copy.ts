import type { ComposeDomain } from "../dokploy/compose-preview-procedures";
import { readVariable, setVariables } from "../targets/env-file";
import { withOverrides } from "./copy";

/*
 * What a preview takes from a template compose service: its type, server, compose file (held by
 * Dokploy, raw source) and variables, and the service and port of its first domain. Never its
 * domains' hosts (the preview has its own), its git source, its custom command (it may name the
 * template's appName) or its mounts. A file that publishes ports is refused: the copy would
 * take the same host ports as production; so is a docker-compose file that names its containers.
 */

const KEY_LINE = /^(\s*)([A-Za-z0-9_.-]+|"[^"]+"|'[^']+')\s*:/;

/** The services of a compose file that publish ports (a `ports:` key of theirs), in file order. */
export function publishingServices(file: string): string[] {
  return servicesWithKey(file, "ports");
}

/**
 * The services of a compose file that name their container (`container_name:`): docker compose
 * would give the copy's container the name production's has. A stack ignores the key.
 */
export function namedContainers(file: string): string[] {
  return servicesWithKey(file, "container_name");
}

/**
 * The services of a compose file with `key` among their settings, in file order. Read line by
 * line, as Dokploy's own file is plain YAML of services: a service is the key one level of
 * indentation under `services:`.
 */
function servicesWithKey(file: string, key: string): string[] {
  const found: string[] = [];
  let inServices = false;
  let serviceIndent: number | undefined;
  let service: string | undefined;
  for (const line of file.split(/\r?\n/)) {
    if (/^\s*(#|$)/.test(line)) continue;
    const match = KEY_LINE.exec(line);
    const indent = /^\s*/.exec(line)?.[0].length ?? 0;
    if (indent === 0) {
      inServices = match?.[2] === "services";
      serviceIndent = undefined;
      service = undefined;
      continue;
    }
    if (!inServices || !match) continue;
    serviceIndent ??= indent;
    const name = (match[2] ?? "").replace(/^["']|["']$/g, "");
    if (indent === serviceIndent) service = name;
    else if (indent > serviceIndent && name === key && service !== undefined && !found.includes(service)) {
      found.push(service);
    }
  }
  return found;
}

/** The template's domain a preview's domain takes its service, port and path from: the first with a service. */
export function domainModel(domains: readonly ComposeDomain[] | null | undefined): ComposeDomain | undefined {
  return (domains ?? []).find((d) => (d.serviceName ?? "") !== "");
}

/**
 * The copy's variables: the template's, preview-env over them, and the variables that carry
 * the image (image-variable, tag-variable) as the copy has them, once it has them: the deploy
 * sets those, and a rollback puts back the copy's own image, never production's.
 */
export function previewComposeEnv(
  templateEnv: string,
  overrides: readonly string[],
  copyEnv: string | undefined,
  imageVariables: readonly string[],
): string {
  const env = withOverrides(templateEnv, overrides);
  if (copyEnv === undefined) return env;
  const kept = Object.fromEntries(
    imageVariables.flatMap((name) => {
      const value = readVariable(copyEnv, name);
      return value === undefined ? [] : [[name, value]];
    }),
  );
  return Object.keys(kept).length > 0 ? setVariables(env, kept) : env;
}
