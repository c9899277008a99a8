import type { Redactor } from "../shared/log";
import { type Definition, definitionsOf } from "./env-file";

/** Shorter values are left unmasked: they occur everywhere by chance, and hide next to nothing. */
const MIN_LENGTH = 4;
const BOOLEAN = /^(?:true|false|yes|no|on|off)$/i;
const INTEGER = /^[+-]?\d+$/;

function worthMasking(value: string): boolean {
  const text = value.trim();
  return text.length >= MIN_LENGTH && !BOOLEAN.test(text) && !INTEGER.test(text);
}

/** What a reader may take the value for: as written, and a bare one also up to a `#` (as node's dotenv reads it). */
function readingsOf(definition: Definition): string[] {
  const { value, bare } = definition;
  return bare && value.includes("#") ? [value, (value.split("#")[0] ?? "").trim()] : [value];
}

/**
 * The values of a service's environment (Dokploy's dotenv text) to mask in everything printed,
 * since a container may print its environment. The rules:
 * - the variables named in `except` are left out: the compose's image and tag variables, whose
 *   values are our own image reference, printed everywhere on purpose;
 * - so are empty values, values shorter than 4 characters, booleans (true, false, yes, no, on,
 *   off, in any case) and plain integers (ports such as 3000, counts, timeouts): masking those
 *   would garble ordinary output and protect nothing;
 * - every other value is masked, whatever its variable's name: a name says nothing reliable
 *   about what it holds.
 * Values are read as definitionsOf reads them: quotes ("…", '…', `…`) and `export ` removed, a
 * bare value's trailing comment dropped (and, as node's dotenv reads it, the part before a `#`
 * too), a quoted value over several lines whole (the Redactor also masks each of its lines).
 */
export function secretValuesOf(env: string | null | undefined, except: readonly string[]): string[] {
  const values = definitionsOf(env)
    .filter((definition) => !except.includes(definition.name))
    .flatMap(readingsOf)
    .filter(worthMasking);
  return [...new Set(values)];
}

/** Where Dokploy puts a variable of the project or of the environment in a service's: ${{project.NAME}}. */
const SHARED_REFERENCE = /\$\{\{(project|environment)\.(.*?)\}\}/g;

/** The variables a service's may refer to: its project's and its environment's (dotenv text). */
export interface SharedEnv {
  readonly project?: string | null;
  readonly environment?: string | null;
}

/**
 * The values of the project's and the environment's variables that `env` refers to, which
 * Dokploy writes into the container in place of the reference; by the rules of secretValuesOf.
 */
export function sharedValuesOf(env: string | null | undefined, except: readonly string[], shared: SharedEnv): string[] {
  const values = definitionsOf(env)
    .filter((definition) => !except.includes(definition.name))
    .flatMap((definition) => [...definition.value.matchAll(SHARED_REFERENCE)])
    .flatMap(([, scope, name]) =>
      definitionsOf(scope === "project" ? shared.project : shared.environment).filter((d) => d.name === name),
    )
    .flatMap(readingsOf)
    .filter(worthMasking);
  return [...new Set(values)];
}

/** A service as application.one and compose.one answer it, as far as its environment goes. */
export interface ServiceEnv {
  readonly env?: string | null;
  readonly environment?: {
    readonly env?: string | null;
    readonly project?: { readonly env?: string | null } | null;
  } | null;
}

/**
 * Masks the values of the service's environment (secretValuesOf), and those of the shared
 * variables it refers to (sharedValuesOf), in everything printed from now on.
 */
export function maskEnvironment(redactor: Redactor, service: ServiceEnv, except: readonly string[] = []): void {
  const shared = { project: service.environment?.project?.env, environment: service.environment?.env };
  const values = [...secretValuesOf(service.env, except), ...sharedValuesOf(service.env, except, shared)];
  for (const value of values) redactor.addFound(value);
}
