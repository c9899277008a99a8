import type { Credentials } from "../config/config";
import type { Machine } from "../dokploy/types";
import { isOlderThan } from "../dokploy/version";
import { timed } from "../record/context";
import { DokployError, PullCheckError } from "../shared/errors";
import { dokployRegistryUrl } from "../shared/image";
import type { RegistryConnected } from "./context";

/** Dokploy quotes the password for a server's shell since v0.29.13; before, it is pasted in as it is. */
const QUOTED_SINCE = "v0.29.13";
/** What a shell passes through unquoted as one word, unchanged. */
const SHELL_SAFE = /^[A-Za-z0-9._~+/=:@%,-]+$/;

/** The distinct machines of the targets: one login test each. */
export function distinctMachines(machines: readonly Machine[]): Machine[] {
  const seen = new Map<string, Machine>();
  for (const machine of machines) seen.set(machine.serverId ?? "", machine);
  return [...seen.values()];
}

/**
 * Why the test cannot be asked of a server here: a password the server's shell would change
 * (or run) when Dokploy pastes it unquoted into `echo <password> | docker login`.
 */
async function unsafeOnServer(ctx: RegistryConnected, pull: Credentials): Promise<string | undefined> {
  if (SHELL_SAFE.test(pull.password)) return undefined;
  // The first check read it already; asked again only when it could not.
  const version = ctx.dokploy.serverVersion ?? (await ctx.dokploy.version().catch(() => ""));
  if (version && isOlderThan(version, QUOTED_SINCE) !== true) return undefined;
  const which = version ? `Dokploy ${version}` : "Dokploy (it did not say its version)";
  return `${which} may paste the password unquoted into the server's shell (quoted since ${QUOTED_SINCE}), and this password has characters a shell would change`;
}

/** Dokploy's own words, without the sentence our client puts around them. */
function reasonOf(error: DokployError): string {
  return error.message.replace(/^Dokploy \S+ \(HTTP \d+\): /, "").trim();
}

/** Whether Dokploy refused the login (docker's words), rather than the call (missing, forbidden, input). */
function refusedLogin(error: unknown): error is DokployError {
  return error instanceof DokployError && error.status === 400 && !/the server rejected the input/.test(error.message);
}

/** Says a check that could not be asked, and why; never fails the run. */
function cannotAsk(error: unknown): string | undefined {
  if (!(error instanceof DokployError)) return undefined;
  if (error.status === 404) return "this Dokploy has no registry.testRegistry";
  if (error.status === 401 || error.status === 403) return "the API key may not call registry.testRegistry";
  if (error.status === 400) return `Dokploy did not take the request (${reasonOf(error)})`;
  return undefined;
}

/** One machine's login test: undefined when it passed or could not be asked, else the refusal. */
async function testFrom(ctx: RegistryConnected, machine: Machine, pull: Credentials): Promise<string | undefined> {
  const { config, logger } = ctx;
  const registry = config.image.registry;
  if (machine.serverId) {
    const unsafe = await unsafeOnServer(ctx, pull);
    if (unsafe) {
      logger.info(`verify-pull-on-server: not asked of ${machine.name}: ${unsafe}.`);
      return undefined;
    }
  }
  try {
    await ctx.dokploy.testRegistryLogin({
      registryUrl: dokployRegistryUrl(registry),
      username: pull.username,
      password: pull.password,
      ...(machine.serverId ? { serverId: machine.serverId } : {}),
    });
    logger.info(`${machine.name} logged in to ${registry} as ${pull.username}`);
    return undefined;
  } catch (error) {
    if (refusedLogin(error))
      return `${machine.name} could not log in to ${registry} as ${pull.username}: ${reasonOf(error)}`;
    const why = cannotAsk(error);
    if (!why) throw error;
    logger.info(`verify-pull-on-server: ${machine.name} was not asked to log in to ${registry}: ${why}.`);
    return undefined;
  }
}

/**
 * The pull credentials work from each machine that will pull (Dokploy's registry.testRegistry:
 * a `docker login` there), not only from the runner: a registry the runner reaches and a server
 * does not (network, firewall, a CA only the runner trusts) fails here, before Dokploy changes.
 */
export async function checkPullOnServers(ctx: RegistryConnected, machines: readonly Machine[]): Promise<void> {
  const { config, logger } = ctx;
  const pull = config.pull;
  if (!config.verifyPull || !config.verifyPullOnServer) return;
  if (!pull) {
    logger.debug("verify-pull-on-server: no pull credentials, so no login to try from the servers");
    return;
  }
  const distinct = distinctMachines(machines);
  if (distinct.length === 0) return;
  await timed(ctx, "Check the login from where the image is pulled", async () => {
    const refusals = (await Promise.all(distinct.map((machine) => testFrom(ctx, machine, pull)))).filter(
      (r): r is string => r !== undefined,
    );
    if (refusals.length === 0) return;
    throw new PullCheckError(
      "unreachable",
      `${refusals.join("\n")}\nThe registry must be reachable from there and take the pull credentials (network, firewall, DNS, a CA that machine trusts). Nothing was changed in Dokploy; set verify-pull-on-server: false to skip this check.`,
    );
  });
}
