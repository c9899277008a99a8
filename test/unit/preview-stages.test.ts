import { describe, expect, it } from "vitest";
import type { Config } from "../../src/config/config";
import type { PreviewOptions } from "../../src/config/types";
import { STAGES } from "../../src/pipeline/stages";
import { Ledger } from "../../src/record/ledger";
import { resultOf } from "../../src/record/result-of";

const preview = (mode: PreviewOptions["mode"]): PreviewOptions => ({
  mode,
  number: "42",
  name: "pr-42",
  template: "target",
  host: "pr-42.preview.example.com",
  env: ["API_URL=https://api.preview.example.com"],
  ttlSeconds: 604_800,
  limit: 10,
});

function configWith(options: PreviewOptions | undefined): Config {
  return {
    dryRun: false,
    deploy: true,
    pushImage: options?.mode === "open",
    build: options?.mode === "open",
    preview: options,
    targets: [{ kind: "application", id: "tpl" }],
    transport: "trpc",
    image: { registry: "ghcr.io", name: "acme/web" },
  } as unknown as Config;
}

const names = (config: Config) => STAGES.filter((s) => s.when(config)).map((s) => s.name);

describe("the preview's stages", () => {
  it("open makes the preview between the registry entry and the deploy, which then deploys to it", () => {
    const stages = names(configWith(preview("open")));
    const at = (name: string) => stages.indexOf(name);
    expect(at("Make the preview")).toBeGreaterThan(at("Registry entry in Dokploy"));
    expect(at("Deploy the targets")).toBeGreaterThan(at("Make the preview"));
    expect(stages).not.toContain("Remove the preview");
    expect(names(configWith(undefined))).not.toContain("Make the preview");
  });

  it.each(["close", "prune"] as const)("%s removes and never deploys or touches the registry entry", (mode) => {
    const stages = names(configWith(preview(mode)));
    expect(stages).toContain("Remove the preview");
    expect(stages).not.toContain("Deploy the targets");
    expect(stages).not.toContain("Registry entry in Dokploy");
    expect(stages).not.toContain("Make the preview");
  });

  it("the dry run's plan says what a preview would create or remove, naming no value of preview-env", () => {
    const planOf = (name: string, config: Config) =>
      (STAGES.find((s) => s.name === name)?.plan?.(config, { buildx: false } as never, "/api/trpc/") ?? []).join("\n");
    const open = planOf("Make the preview", configWith(preview("open")));
    expect(open).toContain('environment.create "pr-42"');
    expect(open).toContain("domain.create pr-42.preview.example.com");
    expect(open).toContain("with API_URL over them");
    expect(open).not.toContain("api.preview.example.com");
    expect(open).not.toContain("<kind>.create");
    const whole = planOf("Make the preview", configWith({ ...preview("open"), template: "environment" }));
    expect(whole).toContain("<kind>.create (its name, image, database and user, new passwords");
    expect(whole).toContain("never its published port");
    const close = planOf("Remove the preview", configWith(preview("close")));
    expect(close).toContain("<kind>.remove");
    expect(close).toContain("application.delete");
    expect(close).toContain("environment.remove");
  });
});

describe("the ledger of a preview", () => {
  it("says what a failed open left in Dokploy, and drops the template from the targets once the preview replaced it", () => {
    const ledger = new Ledger();
    ledger.record({ kind: "target", targetKind: "application", id: "tpl", name: "web" });
    ledger.record({ kind: "preview-created", environmentId: "env1", name: "pr-42" });
    ledger.record({ kind: "preview-service", id: "app1", appName: "web-pr-42-abcdef", name: "web" });
    ledger.record({ kind: "preview-domain", host: "pr-42.preview.example.com", appName: "web-pr-42-abcdef" });
    expect(ledger.report()).toContain('preview environment "pr-42" (env1) created');
    expect(ledger.report()).toContain('application "web" (web-pr-42-abcdef, app1) created in the preview');
    expect(ledger.report()).toContain("domain pr-42.preview.example.com added to web-pr-42-abcdef");
    expect(ledger.targets().map((t) => t.id)).toEqual(["tpl"]);
    ledger.record({
      kind: "preview",
      environmentId: "env1",
      name: "pr-42",
      url: "https://pr-42.preview.example.com",
      templateId: "tpl",
    });
    ledger.record({ kind: "target", targetKind: "application", id: "app1", name: "web" });
    expect(ledger.targets().map((t) => t.id)).toEqual(["app1"]);
    expect(resultOf(ledger, "ghcr.io/acme/web:1", "1").previewUrl).toBe("https://pr-42.preview.example.com");
  });
});
