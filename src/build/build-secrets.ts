/**
 * Build secrets on their way to buildx (config/build-secrets.ts reads them). A value never goes into argv: it is written to a private file in the
 * temporary docker config, which goes when the run ends.
 */
import type { BuildSecret } from "../config/build-secrets";
import type { Config } from "../config/config";
import type { TempDockerConfig } from "./docker-config";

/** The file a NAME=value secret is written to, in the temporary docker config. */
export function secretFileName(position: number): string {
  return `build-secret-${String(position)}`;
}

/** The --secret flags: specs as given, values by their file. */
export function secretArgs(secrets: readonly BuildSecret[], outDir: string): string[] {
  return secrets.flatMap((secret, i) => [
    "--secret",
    secret.kind === "spec" ? secret.spec : `id=${secret.id},src=${outDir}/${secretFileName(i + 1)}`,
  ]);
}

/** Writes each NAME=value secret to its private file (mode 0600, removed with the directory). */
export async function writeBuildSecrets(
  secrets: readonly BuildSecret[],
  temp: Pick<TempDockerConfig, "writeFile">,
): Promise<void> {
  for (const [i, secret] of secrets.entries()) {
    if (secret.kind === "value") await temp.writeFile(secretFileName(i + 1), secret.value);
  }
}

/**
 * Variables build secrets are read from (`env=NAME`, or an id alone, which buildx also looks
 * up in the environment): the docker CLI must keep them although children lose secrets.
 */
export function buildSecretEnvNames(config: Pick<Config, "buildSecrets">): string[] {
  const names: string[] = [];
  for (const secret of config.buildSecrets) {
    if (secret.kind !== "spec") continue;
    const fields = Object.fromEntries(
      secret.spec.split(",").map((f) => [f.split("=")[0]?.trim().toLowerCase() ?? "", f.slice(f.indexOf("=") + 1)]),
    );
    // With type=env, src/source names the variable; without a source, buildx looks the id up.
    const source = fields.src ?? fields.source;
    const name =
      fields.env ?? (fields.type === "env" ? (source ?? fields.id) : source === undefined ? fields.id : undefined);
    if (name) names.push(name);
  }
  return names;
}
