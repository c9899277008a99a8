import type { Change, Entry } from "./entries";
import { isChange } from "./entries";

type Of<K extends Change["kind"]> = Extract<Change, { kind: K }>;

/** The last status Dokploy gave each target's deployment, by target id. */
function lastStatuses(entries: readonly Entry[]): Map<string, { status: string; deploymentId?: string }> {
  const statuses = new Map<string, { status: string; deploymentId?: string }>();
  for (const entry of entries) {
    if (entry.kind === "deployment-status" && entry.said === "dokploy") {
      statuses.set(entry.target, { status: entry.status, deploymentId: entry.deploymentId });
    }
  }
  return statuses;
}

/** Sentences saying what the run changed in Dokploy, oldest first; empty when nothing. */
export function dokployChanges(entries: readonly Entry[]): string[] {
  const statuses = lastStatuses(entries);
  return entries.filter(isChange).flatMap((change): string[] => {
    switch (change.kind) {
      case "registry-entry":
        return [`registry entry "${change.name}" (${change.registryId}) ${change.action}`];
      case "provider":
        return [describeProvider(change)];
      case "compose-env":
        return [describeComposeEnv(change)];
      case "deployment": {
        const seen = change.targetId === undefined ? undefined : statuses.get(change.targetId);
        return [describeDeployment(change, seen)];
      }
      case "rollback":
        return [change.outcome];
      case "preview-created":
        return [`preview environment "${change.name}" (${change.environmentId}) created`];
      case "preview-service":
        return [
          `${change.service ?? "application"} "${change.name}" (${change.appName}, ${change.id}) created in the preview`,
        ];
      case "preview-domain":
        return [`domain ${change.host} added to ${change.appName}`];
      case "preview-removed":
        return [`${change.what} removed`];
      default:
        return [];
    }
  });
}

/** The references pushed. */
export function pushedRefs(entries: readonly Entry[]): string[] {
  return entries.flatMap((c) => (c.kind === "pushed" ? [c.ref] : []));
}

/** A paragraph for the end of a failure or cancel message. */
export function describeChanges(entries: readonly Entry[]): string {
  const dokploy = dokployChanges(entries);
  const pushed = pushedRefs(entries);
  const lines: string[] = [];
  if (pushed.length > 0) lines.push(`Pushed: ${pushed.join(", ")}.`);
  if (dokploy.length === 0) lines.push("Nothing was changed in Dokploy.");
  else lines.push("Changed in Dokploy:", ...dokploy.map((line) => `- ${line}`));
  const pointed = entries.filter((c) => (c.kind === "provider" || c.kind === "compose-env") && !c.rollback);
  const triggered = entries.filter((c) => c.kind === "deployment");
  if (pointed.length > 0 && triggered.length === 0) {
    lines.push("- no deployment was triggered: the running containers still run the previous image");
  } else if (pointed.length > triggered.length) {
    lines.push(
      "- some targets were pointed at the image but not redeployed: their containers still run the previous image",
    );
  }
  return lines.join("\n");
}

function describeProvider(change: Of<"provider">): string {
  const was = change.from ? ` (was ${change.from})` : "";
  if (change.rollback) return `application ${change.application} points at ${change.to} again`;
  if (change.uncertain) {
    return `application ${change.application} may now point at ${change.to}${was}: its answer was lost; check it in Dokploy`;
  }
  return `application ${change.application} now points at ${change.to}${was}`;
}

function describeComposeEnv(change: Of<"compose-env">): string {
  const set = change.variables.map((v) => `${v.name}=${v.to}`).join(", ");
  const was = change.variables.map((v) => (v.from === undefined ? `no ${v.name}` : `${v.name}=${v.from}`)).join(", ");
  if (change.rollback) return `compose ${change.compose} has its environment as before again (${was})`;
  if (change.uncertain) {
    return `compose ${change.compose} may now have ${set} in its environment (was ${was}): its answer was lost; check it in Dokploy`;
  }
  return `compose ${change.compose} now has ${set} in its environment (was ${was}; its other variables untouched)`;
}

function describeDeployment(change: Of<"deployment">, seen?: { status: string; deploymentId?: string }): string {
  const id = seen?.deploymentId;
  const name = `${change.target ? `${change.target}: ` : ""}${change.method} "${change.title}"${id ? ` (deployment ${id})` : ""}`;
  switch (change.status ?? seen?.status) {
    case "uncertain":
      return `${name} may have been triggered (its answer was lost): see ${change.url}`;
    case undefined:
    case "queued":
      return `${name} was triggered and is queued or running in Dokploy, which goes on with it whatever this step does: see Deployments at ${change.url}`;
    case "running":
      return `${name} is running in Dokploy, which goes on with it whatever this step does: see Deployments at ${change.url}`;
    default:
      return `${name} ended ${seen?.status ?? ""}: see ${change.url}`;
  }
}
