import type { ProjectEnvironment } from "../dokploy/preview-procedures";
import type { PreviewKey } from "./context";
import { type Marker, isOfTemplate, isPreviewOf, parseMarker } from "./marker";

/** An environment of the template's project that carries a marker of this template and repository. */
export interface MarkedEnvironment {
  readonly environment: ProjectEnvironment;
  readonly marker: Marker;
}

/** The template's previews in the project, oldest first (environment.byProjectId's order). */
export function previewsOf(environments: readonly ProjectEnvironment[], key: PreviewKey): MarkedEnvironment[] {
  return environments.flatMap((environment) => {
    const marker = parseMarker(environment.description);
    return isOfTemplate(marker, key.repo, key.template) && environment.isDefault !== true
      ? [{ environment, marker }]
      : [];
  });
}

/** This pull request's previews, oldest first: more than one only when two runs made one at once. */
export function previewsFor(environments: readonly ProjectEnvironment[], key: PreviewKey): MarkedEnvironment[] {
  const pr = key.options.number ?? "";
  return previewsOf(environments, key).filter((p) => isPreviewOf(p.marker, key.repo, key.template, pr));
}

/** Whether a service's description carries this pull request's marker of this template. */
export function isMarkedService(description: string | null | undefined, key: PreviewKey): boolean {
  return isPreviewOf(parseMarker(description), key.repo, key.template, key.options.number ?? "");
}
