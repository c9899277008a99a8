/** The words of Dokploy's API that every part of the client shares. */

export type Transport = "trpc" | "openapi";
export type ProcedureKind = "query" | "mutation";
/** A procedure's input: flat JSON values. */
export type Input = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** A Dokploy service this project deploys to: an application or a compose service, by id. */
export interface ServiceRef {
  readonly kind: "application" | "compose";
  readonly id: string;
}
