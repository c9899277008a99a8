import type { Config } from "../config/config";
import type { PreviewOptions } from "../config/types";
import type { Dokploy } from "../dokploy/procedures";
import type { RunContext } from "../record/context";
import type { TemplateKey } from "./marker";

/** What the preview stages need of the run: Dokploy's client, the preview's options and the CI's repository. */
export interface PreviewContext extends RunContext {
  readonly config: Pick<
    Config,
    "ci" | "tag" | "dokployUrl" | "verifyTimeoutSeconds" | "imageVariable" | "tagVariable"
  > & {
    readonly preview?: PreviewOptions;
  };
  readonly dokploy: Dokploy;
  readonly ports: RunContext["ports"] & { readonly now: () => Date };
}

/** Who a preview is for: the template it copies, the repository and pull request, by its options. */
export interface PreviewKey {
  readonly template: TemplateKey;
  readonly repo: string;
  readonly options: PreviewOptions;
}

export function keyOf(ctx: PreviewContext, template: TemplateKey): PreviewKey {
  const options = ctx.config.preview;
  if (!options) throw new Error("a preview stage ran without preview options");
  return { template, repo: ctx.config.ci.repository ?? "", options };
}
