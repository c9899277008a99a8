import { describe, expect, it } from "vitest";
import type { PreviewOptions } from "../../src/config/types";
import type { ComposeDomain, ComposeDomainFields, TemplateCompose } from "../../src/dokploy/compose-preview-procedures";
import type { PreviewProcedures, ProjectEnvironment } from "../../src/dokploy/preview-procedures";
import { closePreview } from "../../src/preview/close";
import { domainModel, namedContainers, previewComposeEnv, publishingServices } from "../../src/preview/compose-copy";
import type { PreviewContext, PreviewKey } from "../../src/preview/context";
import { openComposePreview } from "../../src/preview/open-compose";
import { previewPlan } from "../../src/preview/plan";
import { Ledger } from "../../src/record/ledger";
import { Redactor } from "../../src/shared/log";
import { MemoryLogger } from "../support/loggers";

const FILE = "services:\n  web:\n    image: ${IMAGE}\n    volumes:\n      - data:/data\nvolumes:\n  data: {}\n";

describe("what a preview copies of a compose file", () => {
  it.each<[string, string, string[]]>([
    ["no ports", FILE, []],
    ["a service's ports, short syntax", "services:\n  web:\n    image: x\n    ports:\n      - 80:80\n", ["web"]],
    [
      "long syntax, quoted service names, comments and another top-level key",
      'version: "3.8"\nservices:\n  # the front\n  "api":\n    image: x\n    ports:\n      - target: 80\n        published: 8080\n  db:\n    image: pg\nnetworks:\n  ports: {}\n',
      ["api"],
    ],
    ["expose is not publishing", "services:\n  web:\n    image: x\n    expose:\n      - 80\n", []],
    ["a key named ports outside services", "x-ports:\n  ports: 1\nservices:\n  web:\n    image: x\n", []],
    [
      "four-space indentation, two services",
      "services:\n    a:\n        ports: ['1:1']\n    b:\n        ports: []\n",
      ["a", "b"],
    ],
  ])("finds the services that publish ports: %s", (_name, file, expected) => {
    expect(publishingServices(file)).toEqual(expected);
  });

  it("finds the services that name their container, and only those", () => {
    const file = "services:\n  web:\n    image: x\n  db:\n    image: pg\n    container_name: db\n";
    expect(namedContainers(file)).toEqual(["db"]);
    expect(namedContainers(FILE)).toEqual([]);
  });

  it("copies a stack whose file names containers: a stack ignores container_name", async () => {
    const dokploy = new FakeDokploy();
    const file = "services:\n  web:\n    image: ${IMAGE}\n    container_name: web\n";
    const opened = await openComposePreview(context(), dokploy.api(), key, { ...template, composeFile: file });
    expect(opened.ref.kind).toBe("compose");
  });

  it("takes the preview's domain after the template's first domain that names a service", () => {
    const domain = (host: string, serviceName: string | null): ComposeDomain => ({
      domainId: host,
      host,
      serviceName,
      port: 8080,
    });
    expect(domainModel([domain("a.test", null), domain("b.test", "web")])?.host).toBe("b.test");
    expect(domainModel([domain("a.test", "")])).toBeUndefined();
    expect(domainModel(undefined)).toBeUndefined();
  });

  it("gives the copy the template's variables with preview-env over them, and keeps the copy's own image", () => {
    const template = "A=1\nB=template\nIMAGE=ghcr.io/acme/shop:prod\nTAG=prod";
    expect(previewComposeEnv(template, ["B=pr"], undefined, ["IMAGE", "TAG"])).toBe(
      "A=1\nIMAGE=ghcr.io/acme/shop:prod\nTAG=prod\nB=pr",
    );
    const copy = "A=0\nIMAGE=ghcr.io/acme/shop:abc\nTAG=abc";
    expect(previewComposeEnv(template, ["B=pr"], copy, ["IMAGE", "TAG"])).toBe(
      "A=1\nIMAGE=ghcr.io/acme/shop:abc\nTAG=abc\nB=pr",
    );
    expect(previewComposeEnv("A=1", [], "A=2", ["IMAGE", "TAG"])).toBe("A=1");
  });
});

const options: PreviewOptions = {
  mode: "open",
  number: "8",
  name: "pr-8",
  template: "target",
  host: "pr-8.preview.test",
  env: ["B=pr"],
  ttlSeconds: 60,
  limit: 2,
};
const key: PreviewKey = { template: { kind: "compose", id: "tpl" }, repo: "acme/shop", options };

const template: TemplateCompose = {
  composeId: "tpl",
  name: "shop",
  appName: "shop-a1b2c3",
  composeType: "stack",
  sourceType: "raw",
  composeFile: FILE,
  env: "A=1\nB=template",
  environment: { environmentId: "prod", projectId: "p1", env: "" },
  domains: [{ domainId: "d0", host: "shop.example.com", port: 8080, path: "/", serviceName: "web" }],
};

/** Dokploy's side, in memory: the project's environments and their compose services. */
class FakeDokploy {
  readonly calls: string[] = [];
  envs: ProjectEnvironment[] = [{ environmentId: "prod", name: "production", isDefault: true, compose: [] }];
  readonly composes = new Map<string, TemplateCompose>([["tpl", template]]);
  readonly domainsOf = new Map<string, ComposeDomain[]>();
  volumes = ["shop-a1b2c3_data"];
  private id = 0;

  api(): PreviewProcedures {
    const call = (name: string) => this.calls.push(name);
    const composes = {
      templateCompose: (id: string) => Promise.resolve(structuredClone(this.composes.get(id))),
      createCompose: (f: { name: string; appName: string; description: string; environmentId: string }) => {
        call(`compose.create ${f.appName}`);
        const made = { composeId: `c${String(++this.id)}`, appName: `${f.appName}-zzzzzz`, name: f.name };
        this.composes.set(made.composeId, { ...template, ...f, ...made, domains: [] });
        this.envs
          .find((e) => e.environmentId === f.environmentId)
          ?.compose?.push({ ...made, description: f.description });
        return Promise.resolve(made);
      },
      updateCompose: (id: string, changes: { composeFile: string; env: string }) => {
        call(`compose.update ${id}`);
        const row = this.composes.get(id);
        if (row) this.composes.set(id, { ...row, ...changes });
        return Promise.resolve();
      },
      deleteCompose: (id: string) => {
        call(`compose.delete ${id}`);
        for (const env of this.envs) env.compose = env.compose?.filter((c) => c.composeId !== id);
        return Promise.resolve();
      },
      domains: (id: string) => Promise.resolve(this.domainsOf.get(id) ?? []),
      createDomain: (id: string, f: ComposeDomainFields) => {
        call(`domain.create ${f.host} ${f.serviceName}:${String(f.port)}`);
        const domain = { domainId: `d${String(++this.id)}`, ...f };
        this.domainsOf.set(id, [...(this.domainsOf.get(id) ?? []), domain]);
        return Promise.resolve(domain);
      },
      volumeNames: () => Promise.resolve([...this.volumes]),
    };
    const fake = {
      composes,
      environments: () => Promise.resolve(structuredClone(this.envs)),
      createEnvironment: (_p: string, name: string, description: string) => {
        call("environment.create");
        const environmentId = `env${String(++this.id)}`;
        this.envs.push({ environmentId, name, description, compose: [] });
        return Promise.resolve(environmentId);
      },
      updateEnvironment: () => Promise.resolve(),
      removeEnvironment: (id: string) => {
        call(`environment.remove ${id}`);
        this.envs = this.envs.filter((e) => e.environmentId !== id);
        return Promise.resolve();
      },
      removeVolume: (name: string) => Promise.resolve(call(`dockerVolume.removeVolume ${name}`)),
    };
    return fake as unknown as PreviewProcedures;
  }
}

function context(): PreviewContext & { logger: MemoryLogger } {
  const logger = new MemoryLogger();
  return {
    config: {
      ci: { sha: "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c", repository: "acme/shop" },
      tag: "1",
      dokployUrl: "",
      verifyTimeoutSeconds: 60,
      imageVariable: "IMAGE",
      tagVariable: "TAG",
      preview: options,
    },
    redactor: new Redactor(),
    logger,
    ledger: new Ledger(),
    ports: { logger, clock: () => 0, sleep: () => Promise.resolve(), now: () => new Date("2026-12-07T12:00:00Z") },
  } as unknown as PreviewContext & { logger: MemoryLogger };
}

describe("a preview of a compose service", () => {
  it("copies the compose once, with its file, variables and one domain for the template's service", async () => {
    const dokploy = new FakeDokploy();
    const first = await openComposePreview(context(), dokploy.api(), key, template);
    expect(first.ref).toEqual({ kind: "compose", id: "c2" });
    expect(first.url).toBe("http://pr-8.preview.test");
    expect(dokploy.calls).toEqual([
      "environment.create",
      "compose.create shop-pr-8",
      "compose.update c2",
      "domain.create pr-8.preview.test web:8080",
    ]);
    const copy = dokploy.composes.get("c2");
    expect(copy).toMatchObject({ composeType: "stack", composeFile: FILE, env: "A=1\nB=pr" });
    expect(copy?.description).toMatch(/^dokploy-deploy preview v1 pr=8 repo=acme%2Fshop template=compose:tpl /);

    // The deploy stage set the copy's image; a second push keeps it and adds nothing.
    dokploy.composes.set("c2", { ...template, ...copy, composeId: "c2", env: "A=1\nB=pr\nIMAGE=i:abc\nTAG=abc" });
    dokploy.calls.length = 0;
    const second = await openComposePreview(context(), dokploy.api(), key, template);
    expect(second).toEqual(first);
    expect(dokploy.calls).toEqual(["compose.update c2"]);
    expect(dokploy.composes.get("c2")?.env).toBe("A=1\nB=pr\nIMAGE=i:abc\nTAG=abc");
  });

  it.each<[string, Partial<TemplateCompose>, PreviewOptions, string]>([
    [
      "a file that publishes ports",
      { composeFile: "services:\n  web:\n    image: ${IMAGE}\n    ports:\n      - 80:80\n" },
      options,
      'Compose "shop" (tpl): its file publishes ports (ports: of web)',
    ],
    [
      "a docker-compose file that names its containers",
      {
        composeType: "docker-compose",
        composeFile: "services:\n  web:\n    image: ${IMAGE}\n  db:\n    image: pg\n    container_name: shop-db\n",
      },
      options,
      'Compose "shop" (tpl): its file names the containers of db (container_name:)',
    ],
    [
      "a file from git",
      { sourceType: "github" },
      options,
      "takes its file from github: a preview copies a compose file",
    ],
    [
      "no domain with a service",
      { domains: [{ domainId: "d0", host: "shop.example.com", serviceName: null }] },
      options,
      "has no domain with a service",
    ],
    [
      "the template's host",
      {},
      { ...options, host: "shop.example.com" },
      'Input "preview-host": shop.example.com is a domain of the template compose "shop"',
    ],
  ])("refuses %s before anything is made", async (_name, changes, preview, message) => {
    const dokploy = new FakeDokploy();
    const refused = openComposePreview(
      context(),
      dokploy.api(),
      { ...key, options: preview },
      { ...template, ...changes },
    );
    await expect(refused).rejects.toThrow(message);
    expect(dokploy.calls).toEqual([]);
  });

  it("close deletes the marked compose, then the stack volumes docker stack rm keeps, then the environment", async () => {
    const dokploy = new FakeDokploy();
    const opened = await openComposePreview(context(), dokploy.api(), key, template);
    dokploy.volumes.push("shop-pr-8-zzzzzz_data", "shop-pr-8-zzzzzz_cache", "shop-pr-8-zzzzzzz_other");
    dokploy.calls.length = 0;
    const ctx = context();
    await closePreview(ctx, dokploy.api(), key, template);
    expect(dokploy.calls).toEqual([
      `compose.delete ${opened.ref.id}`,
      "dockerVolume.removeVolume shop-pr-8-zzzzzz_data",
      "dockerVolume.removeVolume shop-pr-8-zzzzzz_cache",
      `environment.remove ${opened.environmentId}`,
    ]);
    expect(ctx.logger.lines).toContain('info: Compose "shop" removed from the preview.');
  });

  it("close leaves and names a compose without the marker, and so keeps the environment", async () => {
    const dokploy = new FakeDokploy();
    const opened = await openComposePreview(context(), dokploy.api(), key, template);
    dokploy.envs
      .at(-1)
      ?.compose?.push({ composeId: "notes", name: "notes", appName: "notes-x", description: "notes of pr-8" });
    dokploy.calls.length = 0;
    await expect(closePreview(context(), dokploy.api(), key, template)).rejects.toThrow(
      'holds compose "notes" without this pull request\'s marker',
    );
    expect(dokploy.calls).toEqual([`compose.delete ${opened.ref.id}`]);
  });

  it("the dry run's plan names the compose procedures, and no application's", () => {
    const open = previewPlan(options, "/api/trpc/", "compose").join("\n");
    expect(open).toContain("/api/trpc/compose.one (the template)");
    expect(open).toContain("compose.create (the template's name and type, marked, raw source)");
    expect(open).toContain("with B over them");
    expect(open).toContain("domain.create pr-8.preview.test for the service and port of the template's first domain");
    expect(open).not.toContain("application.");
    const close = previewPlan({ ...options, mode: "close" }, "/api/trpc/", "compose").join("\n");
    expect(close).toContain("compose.delete (deleteVolumes: true)");
    expect(close).toContain("a stack's <compose appName>_*");
  });
});
