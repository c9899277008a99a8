/**
 * What the preview tests against the Dokploy stand-in share: a template application, and a
 * project's environments as Dokploy lists them.
 */
import type { DokployStandIn } from "./dokploy-stand-in";

/**
 * The template: an application in a project's "template" environment, with variables, a domain
 * and a volume; `before` is a copy of its row, to show it was left as it was.
 */
export function standInTemplate(standIn: DokployStandIn) {
  const project = standIn.addProject("shop", ["production", "template"]);
  const web = standIn.addApplication({
    name: "web",
    ...standIn.placeIn(project, "template"),
    env: "A=1",
    domains: [{ domainId: "d0", host: "web.template.test", port: 8080, path: "/", https: false }],
    mounts: [{ mountId: "m0", type: "volume", mountPath: "/data", volumeName: "web-data" }],
  });
  return { project, web, before: structuredClone(web) };
}

export interface StandInEnvironment {
  environmentId: string;
  name: string;
  description: string | null;
  applications: { applicationId: string; description: string | null }[];
}

/** The project's environments as environment.byProjectId answers, read without a request (no call recorded). */
export function environmentsOf(standIn: DokployStandIn, projectId: string): StandInEnvironment[] {
  return standIn.previews.run("environment.byProjectId", { projectId }) as StandInEnvironment[];
}
