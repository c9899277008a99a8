/** The words of Dokploy's API that every part of the client shares. */

export type Transport = "trpc" | "openapi";
export type ProcedureKind = "query" | "mutation";
/** A JSON value of an input; queries take flat ones (OpenAPI puts them in the query string). */
export type InputValue =
  string | number | boolean | null | undefined | readonly InputValue[] | { readonly [key: string]: InputValue };
/** A procedure's input: JSON values, nested only in a mutation's body (application.update's swarm settings). */
export type Input = Readonly<Record<string, InputValue>>;

/** A Dokploy service this project deploys to: an application or a compose service, by id. */
export interface ServiceRef {
  readonly kind: "application" | "compose";
  readonly id: string;
}

/** Where a target's containers run and pull their images: the Dokploy host, or one of its servers. */
export interface Machine {
  /** The server's id; none for the Dokploy host. */
  readonly serverId?: string;
  /** How messages call it: "the Dokploy host" or server "<name>". */
  readonly name: string;
}

/** The machine of an application or compose row (its serverId, and the server Dokploy joins in). */
export function machineOf(row: {
  readonly serverId?: string | null;
  readonly server?: { readonly name?: string | null } | null;
}): Machine {
  if (!row.serverId) return { name: "the Dokploy host" };
  return { serverId: row.serverId, name: `server "${row.server?.name ?? row.serverId}"` };
}
