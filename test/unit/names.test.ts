/**
 * Targets by name: project + environment + application resolve to ids with one read of
 * project.all, before anything is built; a name that is not there (or names two services) is
 * bad input, exit 2, with the closest names.
 */
import { describe, expect, it } from "vitest";
import { closeMatches, resolveNames } from "../../src/dokploy/projects";
import { FAKE_PUSH, dokployOf, useStandIn } from "../support/fixtures";
import { SHA, fakeDocker, fakePorts } from "../support/fake-docker";
import { MemoryLogger } from "../support/loggers";
import { ConfigError, type Exec, type RawInputs, outputsOf, parseConfig, run } from "./imports";

const KEY = "api-key-names-0123";
const PROJECT_SECRET = "project-level-secret-9f8e7d";
const standIn = useStandIn({ apiKey: KEY, verifyRegistryLogin: false, deployment: { durationMs: 5 } });

/** A project "shop" (production, staging) with web and worker in production, web in staging. */
function shop() {
  const project = standIn().addProject("shop", ["production", "staging"]);
  project.env = `STRIPE_KEY=${PROJECT_SECRET}`;
  const web = standIn().addApplication({ name: "web", ...standIn().placeIn(project) });
  const worker = standIn().addApplication({ name: "worker", ...standIn().placeIn(project) });
  const stagingWeb = standIn().addApplication({ name: "web", ...standIn().placeIn(project, "staging") });
  standIn().addProject("shop-legacy");
  return { project, web, worker, stagingWeb };
}

async function deploy(inputs: RawInputs) {
  const logger = new MemoryLogger();
  const docker = fakeDocker();
  const events: string[] = [];
  const exec: Exec = (file, args, opts) => {
    events.push(`docker ${args.slice(0, 2).join(" ")}`);
    return docker.exec(file, args, opts);
  };
  const config = parseConfig({ ...dokployOf(standIn(), KEY), ...FAKE_PUSH, ...inputs }, { sha: SHA });
  const outcome = await run(config, { ...fakePorts(docker, logger, []), exec });
  return { ...outcome, log: logger.text(), events, docker };
}

describe("names", () => {
  it("project + application (environment production by default) deploy to that application, found with one read before the build", async () => {
    const { web, stagingWeb } = shop();
    const ran = await deploy({ project: "shop", application: "web" });
    expect(ran.error).toBeUndefined();
    expect(standIn().callsOf("project.all")).toHaveLength(1);
    expect(
      standIn()
        .callsOf("application.saveDockerProvider")
        .map((c) => c.input),
    ).toMatchObject([{ applicationId: web.applicationId }]);
    expect(standIn().applications.get(stagingWeb.applicationId)?.dockerImage).toBeNull();
    expect(outputsOf(ran.result)["deployment-status"]).toBe("done");
    expect(ran.log).toContain(`application "web" in shop/production is ${web.applicationId}`);
    // project.all answered before the build started.
    const firstCall = standIn().calls[0];
    expect(firstCall?.procedure).toBe("project.all");
    expect(ran.events.indexOf("docker build --tag")).toBeGreaterThan(-1);
    expect(ran.log.indexOf("is " + web.applicationId)).toBeLessThan(ran.log.indexOf("$ docker build"));
    // project.all carries the project's variables in clear text: never printed.
    expect(ran.log).not.toContain(PROJECT_SECRET);
  });

  it("dokploy-environment picks the environment", async () => {
    const { web, stagingWeb } = shop();
    const ran = await deploy({ project: "shop", "dokploy-environment": "staging", application: "web" });
    expect(ran.error).toBeUndefined();
    expect(standIn().applications.get(stagingWeb.applicationId)?.dockerImage).toBe(`127.0.0.1:5000/acme/web:${SHA}`);
    expect(standIn().applications.get(web.applicationId)?.dockerImage).toBeNull();
  });

  it.each<[string, RawInputs, string, RegExp]>([
    [
      "an application that is not there",
      { application: "wbe" },
      "application",
      /no application "wbe" in shop\/production\. Did you mean "web"\? Applications: web, worker\./,
    ],
    [
      "a project that is not there",
      { project: "shopp" },
      "project",
      /no project "shopp" that the API key's user can see\. Did you mean "shop"\? Projects: shop, shop-legacy\./,
    ],
    [
      "an environment that is not there",
      { "dokploy-environment": "prod" },
      "dokploy-environment",
      /no environment "prod" in project "shop"\. Did you mean "production"\? Environments: production, staging\./,
    ],
  ])(
    "%s: exit 2 with the closest names, before anything is built or changed",
    async (_name, inputs, input, message) => {
      shop();
      const ran = await deploy({ project: "shop", application: "web", ...inputs });
      expect(ran.error).toBeInstanceOf(ConfigError);
      expect((ran.error as ConfigError).exitCode).toBe(2);
      expect(ran.error?.message).toContain(`Input "${input}"`);
      expect(ran.error?.message).toMatch(message);
      expect(ran.events.filter((e) => e !== "docker buildx version")).toEqual([]);
      expect(standIn().calls.map((c) => c.procedure)).toEqual(["project.all"]);
    },
  );

  it("two applications with the name: exit 2 naming both ids", async () => {
    const { project, web } = shop();
    const twin = standIn().addApplication({ name: "web", ...standIn().placeIn(project) });
    const ran = await deploy({ project: "shop", application: "web" });
    expect((ran.error as ConfigError).exitCode).toBe(2);
    expect(ran.error?.message).toContain(
      `2 applications are named "web" in shop/production (ids ${web.applicationId}, ${twin.applicationId}); give the id instead`,
    );
    expect(ran.events.filter((e) => e !== "docker buildx version")).toEqual([]);
  });

  it("ids keep working and read no project", async () => {
    const { web } = shop();
    const ran = await deploy({ "application-id": web.applicationId });
    expect(ran.error).toBeUndefined();
    expect(standIn().callsOf("project.all")).toEqual([]);
  });

  it("needs project with a name; ids and names mix, in the order applications, then compose services", () => {
    expect(() =>
      parseConfig(
        { "dokploy-url": "https://d.example.com", "dokploy-api-key": "k", image: "a/b", application: "web" },
        { sha: SHA },
      ),
    ).toThrow(/Input "project": is required to find the application by name/);
    const config = parseConfig(
      {
        "dokploy-url": "https://d.example.com",
        "dokploy-api-key": "k",
        image: "a/b",
        compose: "jobs",
        application: "web",
        "application-id": "x",
        project: "p",
      },
      { sha: SHA },
    );
    expect(config.targets).toEqual([
      { kind: "application", id: "x" },
      { kind: "application", name: "web" },
      { kind: "compose", name: "jobs" },
    ]);
  });
});

describe("resolveNames and closeMatches", () => {
  const projects = [
    {
      projectId: "p1",
      name: "shop",
      environments: [
        {
          environmentId: "e1",
          name: "production",
          applications: [{ applicationId: "a1", name: "web" }],
          compose: [{ composeId: "c1", name: "stack" }],
        },
      ],
    },
  ];

  it("finds applications and compose services by name", () => {
    expect(
      resolveNames(projects, { project: "shop", environment: "production" }, [
        { kind: "compose", name: "stack" },
        { kind: "application", name: "web" },
      ]),
    ).toEqual([
      { kind: "compose", id: "c1" },
      { kind: "application", id: "a1" },
    ]);
  });

  it("says when there are no services of the kind", () => {
    expect(() =>
      resolveNames(
        [
          {
            ...projects[0]!,
            environments: [{ environmentId: "e1", name: "production", applications: [], compose: [] }],
          },
        ],
        { project: "shop", environment: "production" },
        [{ kind: "application", name: "web" }],
      ),
    ).toThrow(/no application "web" in shop\/production\. There are none\./);
  });

  it.each<[string, string[], string[]]>([
    ["Web", ["web", "worker"], ["web"]],
    ["api", ["api-server", "web"], ["api-server"]],
    ["wrker", ["web", "worker"], ["worker"]],
    ["billing", ["web", "worker"], []],
  ])("closest to %s in %j: %j", (wanted, names, expected) => {
    expect(closeMatches(wanted, names)).toEqual(expected);
  });
});
