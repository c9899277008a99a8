import type { Config } from "./types";

/** Tags that are moved to new images; deploying one leaves Dokploy unable to tell releases apart. */
const FLOATING_TAGS = new Set([
  "latest",
  "main",
  "master",
  "stable",
  "prod",
  "production",
  "staging",
  "dev",
  "develop",
  "edge",
  "nightly",
]);

/** Warnings about inputs that work but are likely to bite later. */
export function adviceFor(config: Config): string[] {
  const advice: string[] = [];
  if (FLOATING_TAGS.has(config.tag.toLowerCase()) && !config.pinDigest) {
    advice.push(
      `tag "${config.tag}" is a floating tag: when the application already runs ${config.image.name}:${config.tag}, Swarm may keep the old image. Deploy the commit SHA (the default tag) or set pin-digest: true.`,
    );
  }
  const ecr = config.image.registry.endsWith(".amazonaws.com");
  if (ecr && config.pull && config.push && config.pull.password === config.push.password) {
    advice.push(
      "Dokploy will pull with the ECR login password, which expires after 12 hours: a redeploy or restart in Dokploy after that cannot pull. Deploy from CI at least every 12 hours, or give Dokploy a longer-lived pull credential.",
    );
  }
  if (config.pull?.password.startsWith("ghs_")) {
    advice.push(
      "Dokploy will pull with a GitHub job token (ghs_…, e.g. GITHUB_TOKEN), which expires when the job ends: a redeploy or restart in Dokploy after that cannot pull. Give pull-username/pull-password a token that lasts (a personal access token with read:packages).",
    );
  }
  advice.push(...spacedPasswords(config));
  if (config.health?.credentials && new URL(config.health.url).protocol === "http:") {
    advice.push("health-url has credentials and uses http://: they travel in clear text. Use https://.");
  }
  return advice;
}

/** Spaces at either end of a password were removed (as docker login does): say so, it may be the reason a login fails. */
function spacedPasswords(config: Config): string[] {
  return config.spacedSecrets.map(
    (name) =>
      `${name} starts or ends with spaces, which were removed: docker login removes them too, so a password that really has them cannot be used with docker. If the login fails, check the secret for stray spaces.`,
  );
}
