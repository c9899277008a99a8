import { z } from "zod";
import type { TargetKind } from "../config/config";
import { ConfigError } from "../shared/errors";
import type { ServiceRef } from "./types";

/*
 * project.all, as a live v0.30.2 answers it to an owner or admin (a member sees only what it may
 * access): every project with its environments, each with its applications and compose services
 * by id and name. The project's and environments' `env` (variables in clear text) is dropped here.
 */
const ProjectsSchema = z.array(
  z.object({
    projectId: z.string(),
    name: z.string(),
    environments: z.array(
      z.object({
        environmentId: z.string(),
        name: z.string(),
        applications: z.array(z.object({ applicationId: z.string(), name: z.string() })).default([]),
        compose: z.array(z.object({ composeId: z.string(), name: z.string() })).default([]),
      }),
    ),
  }),
);
export type Projects = z.infer<typeof ProjectsSchema>;
export { ProjectsSchema };

/** A target given by name. */
export interface NamedTarget {
  readonly kind: TargetKind;
  readonly name: string;
}

/** Edit distance between two short strings (names), case-insensitive. */
export function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = current;
  }
  return previous[y.length] ?? 0;
}

/** The names closest to `wanted`, closest first: same but for case, containing it, or a few edits away. */
export function closeMatches(wanted: string, names: readonly string[], limit = 3): string[] {
  const lower = wanted.toLowerCase();
  const scored = [...new Set(names)]
    .map((name) => {
      const other = name.toLowerCase();
      const score =
        other === lower ? 0 : other.includes(lower) || lower.includes(other) ? 1 : 1 + distance(name, wanted);
      return { name, score };
    })
    .filter(({ score }) => score <= 1 || score - 1 <= Math.max(2, Math.floor(wanted.length / 3)));
  return scored
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map(({ name }) => name);
}

/** "Did you mean …? Applications: …" for a name that was not found. */
function suggestions(wanted: string, names: readonly string[], what: string): string {
  const close = closeMatches(wanted, names);
  const meant = close.length > 0 ? ` Did you mean ${close.map((n) => `"${n}"`).join(" or ")}?` : "";
  if (names.length === 0) return `${meant} There are none.`;
  const listed = names.slice(0, 20).join(", ");
  return `${meant} ${what.charAt(0).toUpperCase()}${what.slice(1)}: ${listed}${names.length > 20 ? ", …" : ""}.`;
}

interface Lookup<T> {
  readonly rows: readonly T[];
  readonly name: (row: T) => string;
  readonly id: (row: T) => string;
  readonly wanted: string;
  readonly input: string;
  /** " in web/production": where it was looked for. */
  readonly where: string;
  /** Plural: "applications". */
  readonly what: string;
}

/** The one row named as wanted; a ConfigError naming the input when there is none, or more than one. */
function pickOne<T>(lookup: Lookup<T>): T {
  const { rows, wanted, input, where, what } = lookup;
  const found = rows.filter((row) => lookup.name(row) === wanted);
  if (found.length === 1 && found[0] !== undefined) return found[0];
  if (found.length > 1) {
    const ids = found.map(lookup.id).join(", ");
    throw new ConfigError(
      input,
      `${String(found.length)} ${what} are named "${wanted}"${where} (ids ${ids}); give the id instead`,
    );
  }
  const names = rows.map(lookup.name);
  throw new ConfigError(input, `no ${what.replace(/s$/, "")} "${wanted}"${where}.${suggestions(wanted, names, what)}`);
}

/**
 * Finds each named target in project/environment. Throws a ConfigError (exit 2) naming the input,
 * with the closest names, when a name is not found or names several.
 */
export function resolveNames(
  projects: Projects,
  place: { readonly project: string; readonly environment: string },
  named: readonly NamedTarget[],
): ServiceRef[] {
  const project = pickOne({
    rows: projects,
    name: (p) => p.name,
    id: (p) => p.projectId,
    wanted: place.project,
    input: "project",
    where: " that the API key's user can see",
    what: "projects",
  });
  const environment = pickOne({
    rows: project.environments,
    name: (e) => e.name,
    id: (e) => e.environmentId,
    wanted: place.environment,
    input: "dokploy-environment",
    where: ` in project "${project.name}"`,
    what: "environments",
  });
  const where = ` in ${project.name}/${environment.name}`;
  return named.map((target): ServiceRef => {
    if (target.kind === "application") {
      const app = pickOne({
        rows: environment.applications,
        name: (a) => a.name,
        id: (a) => a.applicationId,
        wanted: target.name,
        input: "application",
        where,
        what: "applications",
      });
      return { kind: "application", id: app.applicationId };
    }
    const compose = pickOne({
      rows: environment.compose,
      name: (c) => c.name,
      id: (c) => c.composeId,
      wanted: target.name,
      input: "compose",
      where,
      what: "compose services",
    });
    return { kind: "compose", id: compose.composeId };
  });
}
