/**
 * Build secrets in the forms users bring from docker/build-push-action: `NAME=value` (its
 * `secrets` input), and buildx `--secret` specs (`id=NAME,src=PATH`, `id=NAME,env=VAR`, with
 * `type=`/`source=`), read from the build-secrets input.
 */
export type BuildSecret =
  /** A buildx --secret spec, passed on as it is. */
  | { readonly kind: "spec"; readonly id: string; readonly spec: string }
  /** NAME=value: the value reaches buildx through a file. */
  | { readonly kind: "value"; readonly id: string; readonly value: string };

const SPEC_KEYS = new Set(["type", "id", "src", "source", "env"]);
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * One entry of build-secrets. Errors say which entry and what is expected, and never show the
 * entry: a malformed line may be a secret pasted whole.
 */
export function parseBuildSecret(entry: string, position: number): BuildSecret {
  const which = `entry ${String(position)}`;
  const fields = entry.split(",").map((field) => {
    const eq = field.indexOf("=");
    return { key: field.slice(0, eq).trim().toLowerCase(), value: field.slice(eq + 1), eq };
  });
  // Only spec keys: a spec (a secret named "src" or "env" would be read as one anyway).
  if (fields.every((f) => f.eq > 0 && SPEC_KEYS.has(f.key))) {
    const get = (key: string) => fields.findLast((f) => f.key === key)?.value;
    const type = get("type");
    if (type !== undefined && type !== "file" && type !== "env") {
      throw new Error(`${which} is a buildx secret spec with a type other than file or env`);
    }
    const id = get("id") ?? "";
    if (id === "")
      throw new Error(`${which} is a buildx secret spec without an id; expected id=NAME,src=PATH or id=NAME,env=VAR`);
    return { kind: "spec", id, spec: entry };
  }
  const eq = entry.indexOf("=");
  const name = entry.slice(0, eq);
  if (eq > 0 && NAME.test(name) && eq < entry.length - 1) {
    return { kind: "value", id: name, value: entry.slice(eq + 1) };
  }
  throw new Error(
    `${which} is not a secret; expected NAME=value (as build-push-action's secrets), id=NAME,src=PATH or id=NAME,env=VAR (the entry is not shown: it may hold a secret)`,
  );
}
