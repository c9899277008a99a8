/**
 * The compose side of the Dokploy stand-in, as a live v0.30.2 does it for a raw compose service:
 * the job reads the compose file and the env when it STARTS, substitutes the variables (`docker
 * stack deploy` gets the env exported; docker-compose reads it from the .env file), and the log
 * says what `docker stack deploy` did.
 */
import { parse } from "yaml";

/** Variables of dotenv text, as Dokploy's dotenv parse reads them (last definition wins). */
export function parseEnv(env: string | null): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of (env ?? "").split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!match?.[1]) continue;
    let value = (match[2] ?? "").trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) value = value.slice(1, -1);
    else value = value.replace(/\s+#.*$/, "");
    vars[match[1]] = value;
  }
  return vars;
}

/** ${VAR}, ${VAR:-default} and $VAR, as compose interpolates them ($$ is a literal $). */
export function interpolate(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (all, braced, fallback, bare) => {
      if (all === "$$") return "$";
      const name = (braced ?? bare) as string;
      return vars[name] ?? (fallback as string | undefined) ?? "";
    },
  );
}

/** The services of a compose file with their images, after interpolation. */
export function composeServices(file: string, env: string | null): { service: string; image: string }[] {
  const doc = parse(interpolate(file, parseEnv(env))) as { services?: Record<string, { image?: string }> } | null;
  return Object.entries(doc?.services ?? {}).map(([service, spec]) => ({ service, image: spec.image ?? "" }));
}

/** What a stack deployment writes to its log (the box of getBuildComposeCommand, then docker's lines). */
export function stackLog(
  appName: string,
  services: readonly string[],
  existing: ReadonlySet<string>,
  outcome: string,
): string[] {
  const head = [
    "Initializing deployment",
    "File 'docker-compose.yml' created: ✅",
    `║ App Name: ${appName}`,
    "║ Build Compose 🐳",
    `║ Command: docker stack deploy -c docker-compose.yml ${appName} --prune --with-registry-auth`,
    "║ Compose Type: stack ✅",
    "Since --detach=false was not specified, tasks will be created in the background.",
  ];
  if (outcome === "error") {
    return [...head, "Error: ❌ Docker command failed", "", "Error occurred ❌, check the logs for details."];
  }
  const created = [...new Set(services)].map((s) =>
    existing.has(`${appName}_${s}`) ? `Updating service ${appName}_${s}` : `Creating service ${appName}_${s}`,
  );
  return [...head, ...created, "Docker Compose Deployed: ✅"];
}
