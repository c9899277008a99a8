import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DokployStandIn } from "../support/dokploy-stand-in";
import { type FakeDocker, DIGEST, IMAGE_ID, SHA, fakeDocker, fakePorts } from "../support/fake-docker";
import { FakeRegistry, digestOf } from "../support/fake-registry";
import { MemoryLogger } from "../support/loggers";
import type { EnginePush, RegistryAuth } from "../../src/pipeline/ports";
import {
  type Config,
  ConfigError,
  type Exec,
  type Ports,
  type RawInputs,
  outputsOf,
  parseConfig,
  run,
} from "./imports";

const KEY = "api-key-0123456789";

let standIn: DokployStandIn;
let logger: MemoryLogger;
let removed: string[];
let written: Map<string, string>;

beforeEach(async () => {
  standIn = new DokployStandIn({
    apiKey: KEY,
    deployment: { startDelayMs: 5, durationMs: 5 },
    verifyRegistryLogin: false,
  });
  await standIn.start();
  logger = new MemoryLogger();
  removed = [];
  written = new Map();
});

afterEach(async () => {
  await standIn.stop();
});

function ports(docker: FakeDocker): Ports {
  return fakePorts(docker, logger, removed, written);
}

function config(applicationId: string, inputs: RawInputs = {}): Config {
  return parseConfig(
    {
      "dokploy-url": standIn.url,
      "dokploy-api-key": KEY,
      "application-id": applicationId,
      image: "127.0.0.1:5000/acme/web",
      "registry-username": "ci",
      "registry-password": "push-secret-1",
      "verify-pull": "false",
      ...inputs,
    },
    { sha: SHA, runUrl: "https://ci.example.com/run/1" },
  );
}

describe("run", () => {
  it("checks Dokploy, logs in, builds, pushes, upserts the registry, saves the provider, snapshots, redeploys, waits", async () => {
    const app = standIn.addApplication();
    const docker = fakeDocker();
    const outcome = await run(
      config(app.applicationId, { "dokploy-registry": "true", "extra-tags": "latest" }),
      ports(docker),
    );
    expect(outcome.error).toBeUndefined();
    expect(docker.calls.map((c) => c.argv.slice(0, 2).join(" "))).toEqual([
      "buildx version",
      "login 127.0.0.1:5000",
      // cache: auto asks whether the engine holds images of the repository (here it does).
      "images --quiet",
      `build --tag`,
      `push 127.0.0.1:5000/acme/web:${SHA}`,
      "push 127.0.0.1:5000/acme/web:latest",
    ]);
    expect(docker.calls[1]?.input).toBe("push-secret-1");
    expect(docker.calls[1]?.env).toEqual({ DOCKER_CONFIG: "/tmp/fake-docker-config" });
    expect(removed).toEqual(["/tmp/fake-docker-config"]);
    // The version is read beside application.one, before anything else.
    expect(standIn.calls.findIndex((c) => c.procedure === "settings.getDokployVersion")).toBeLessThan(2);
    const procedures = standIn.calls.map((c) => c.procedure).filter((p) => p !== "settings.getDokployVersion");
    const at = (procedure: string) => procedures.indexOf(procedure);
    expect(at("application.one")).toBe(0);
    expect(procedures.slice(1, 3)).toEqual(["registry.all", "registry.create"]);
    expect(at("application.saveDockerProvider")).toBeGreaterThan(at("registry.create"));
    expect(at("deployment.all")).toBeGreaterThan(at("registry.create"));
    expect(at("application.redeploy")).toBeGreaterThan(
      Math.max(at("application.saveDockerProvider"), at("deployment.all")),
    );
    // Then it follows the deployment, and checks what runs once Dokploy says done.
    const after = procedures.slice(at("application.redeploy") + 1);
    const verification = [
      "application.one",
      "docker.getConfig",
      "docker.getServiceContainersByAppName",
      "docker.getConfig",
    ];
    expect(after.slice(-verification.length)).toEqual(verification);
    expect(after.slice(0, -verification.length).every((p) => p === "deployment.all")).toBe(true);
    expect(outputsOf(outcome.result)).toMatchObject({
      image: `127.0.0.1:5000/acme/web:${SHA}`,
      digest: DIGEST,
      "image-ref-digest": `127.0.0.1:5000/acme/web@${DIGEST}`,
      "deployment-status": "done",
    });
  });

  it("builds and pushes in one buildx call and reads the digest, image ID and metadata it wrote", async () => {
    const app = standIn.addApplication();
    const docker = fakeDocker({ buildx: true });
    const outcome = await run(config(app.applicationId), ports(docker));
    expect(outcome.error).toBeUndefined();
    expect(docker.calls.map((c) => c.argv.slice(0, 2).join(" "))).toEqual([
      "buildx version",
      "login 127.0.0.1:5000",
      // cache: auto asks buildx about its builder (this fake's answer says nothing: docker driver flags).
      "buildx inspect",
      "buildx build",
    ]);
    expect(docker.calls[3]?.argv).toContain("type=inline");
    expect(docker.calls[3]?.env).toEqual({ DOCKER_CONFIG: "/tmp/fake-docker-config" });
    expect(outputsOf(outcome.result)).toMatchObject({
      digest: DIGEST,
      imageid: IMAGE_ID,
      metadata: JSON.stringify({ "containerimage.digest": DIGEST }),
    });
  });

  it("with buildx's docker driver on an engine that holds the repository's images: builds into it before Dokploy answered, pushes with docker push after", async () => {
    const app = standIn.addApplication();
    const docker = fakeDocker({ buildx: true });
    const order: string[] = [];
    const exec: Exec = (file, args, opts) => {
      order.push(args.slice(0, 2).join(" "));
      return docker.exec(file, args, opts);
    };
    standIn.inject({ procedure: "application.one", delayMs: 200 });
    const outcome = await run(config(app.applicationId, { wait: "false", "extra-tags": "latest" }), {
      ...ports(docker),
      exec,
      buildxUsesDefaultBuilder: () => Promise.resolve(true),
      engineHoldsImagesOf: () => Promise.resolve(true),
      readText: () => Promise.resolve("FROM 127.0.0.1:6000/base\nRUN make\n"),
    });
    expect(outcome.error).toBeUndefined();
    expect(order).toEqual([
      "buildx version",
      "buildx build",
      "login 127.0.0.1:5000",
      `push 127.0.0.1:5000/acme/web:${SHA}`,
      // No registry answers the tag API here: the extra tag is pushed by docker.
      "push 127.0.0.1:5000/acme/web:latest",
    ]);
    const build = docker.calls.find((c) => c.argv[0] === "buildx" && c.argv[1] === "build")?.argv ?? [];
    expect(build).not.toContain("--push");
    expect(build).not.toContain("--cache-from");
    expect(build).toContain("type=inline");
    expect(logger.text()).toContain(
      "Build cache: the engine holds images of 127.0.0.1:5000/acme/web; buildx uses the engine's own cache",
    );
    // The push's digest, not what buildx said of a build into the engine; pushed only once Dokploy answered.
    expect(outputsOf(outcome.result)).toMatchObject({ digest: DIGEST, imageid: IMAGE_ID });
    expect(standIn.calls.findIndex((c) => c.procedure === "application.one")).toBeGreaterThan(-1);
    expect(standIn.writes().map((c) => c.procedure)).toEqual([
      "application.saveDockerProvider",
      "application.redeploy",
    ]);
  });

  it("with buildx's docker driver on an empty engine: waits for the running image, logs in, then builds from it into the engine", async () => {
    const running = "127.0.0.1:5000/acme/web:0a1b2c3";
    const app = standIn.addApplication({ sourceType: "docker", dockerImage: running });
    const docker = fakeDocker({ buildx: true });
    const outcome = await run(config(app.applicationId, { wait: "false" }), {
      ...ports(docker),
      buildxUsesDefaultBuilder: () => Promise.resolve(true),
      engineHoldsImagesOf: () => Promise.resolve(false),
      readText: () => Promise.resolve("FROM 127.0.0.1:6000/base\nRUN make\n"),
    });
    expect(outcome.error).toBeUndefined();
    expect(docker.calls.map((c) => c.argv.slice(0, 2).join(" "))).toEqual([
      "buildx version",
      "login 127.0.0.1:5000",
      "buildx build",
      `push 127.0.0.1:5000/acme/web:${SHA}`,
    ]);
    expect(docker.calls[2]?.argv).toContain(`type=registry,ref=${running}`);
    expect(docker.calls[2]?.argv).not.toContain("--push");
  });

  it("plans a build into the engine and docker push for buildx's docker driver in a dry run", async () => {
    const app = standIn.addApplication();
    const outcome = await run(config(app.applicationId, { "dry-run": "true", "extra-tags": "latest" }), {
      ...ports(fakeDocker({ buildx: true })),
      buildxUsesDefaultBuilder: () => Promise.resolve(true),
    });
    const plan = outcome.result.plan ?? [];
    const build = plan.find((line) => line.startsWith("docker buildx build")) ?? "";
    expect(build).not.toContain("--push");
    expect(plan.indexOf(`docker push 127.0.0.1:5000/acme/web:${SHA}`)).toBeGreaterThan(plan.indexOf(build));
    expect(logger.text()).toContain("The plan (buildx, docker driver: into the engine, then docker push)");
  });

  it("cache: auto on an engine without the repository's images: pulls the running image and the extra tags after the login, builds from those it got", async () => {
    const running = "127.0.0.1:5000/acme/web:0a1b2c3";
    const app = standIn.addApplication({ sourceType: "docker", dockerImage: running });
    const docker = fakeDocker({
      answer: (argv) =>
        argv[0] === "images"
          ? { exitCode: 0, stdout: "", stderr: "" }
          : argv.includes("127.0.0.1:5000/acme/web:latest") && argv[0] === "pull"
            ? { exitCode: 1, stdout: "", stderr: "Error response from daemon: manifest unknown" }
            : undefined,
    });
    const outcome = await run(config(app.applicationId, { "extra-tags": "latest", wait: "false" }), ports(docker));
    expect(outcome.error).toBeUndefined();
    expect(docker.calls.map((c) => c.argv.join(" ")).filter((c) => /^(login|images|pull|build) /.test(c))).toEqual([
      "login 127.0.0.1:5000 --username ci --password-stdin",
      "images --quiet 127.0.0.1:5000/acme/web",
      `pull --quiet ${running}`,
      "pull --quiet 127.0.0.1:5000/acme/web:latest",
      expect.stringMatching(new RegExp(`^build .*--cache-from ${running.replace(/[.]/g, "\\.")} `)),
    ]);
    expect(docker.calls.find((c) => c.argv[0] === "build")?.argv.filter((a) => a === "--cache-from")).toHaveLength(1);
    expect(logger.text()).toContain(
      "Build cache: could not read 127.0.0.1:5000/acme/web:latest (Error response from daemon: manifest unknown); the build does without it.",
    );
  });

  it.each([
    [
      "builds again without the automatic cache when buildx cannot set it up",
      "ERROR: failed to build: failed to solve: failed to configure gha cache exporter: token is malformed",
      2,
    ],
    [
      "does not build again when the build itself failed, unreadable cache sources or not",
      "#5 ERROR: failed to configure registry cache importer: 127.0.0.1:5000/acme/web:buildcache: not found\nERROR: failed to build: failed to solve: process did not complete successfully: exit code: 3",
      1,
    ],
  ])("cache: auto with buildx %s", async (_case, said, builds) => {
    const app = standIn.addApplication();
    let attempts = 0;
    const docker = fakeDocker({
      buildx: true,
      answer: (argv) => {
        if (argv[1] !== "build") return undefined;
        attempts += 1;
        return attempts === 1 ? { exitCode: 1, stdout: "", stderr: said } : undefined;
      },
    });
    const outcome = await run(config(app.applicationId, { wait: "false" }), ports(docker));
    const runs = docker.calls.filter((c) => c.argv[1] === "build");
    expect(runs).toHaveLength(builds);
    if (builds === 1) {
      expect(outcome.error?.message).toContain("exit code: 3");
      return;
    }
    expect(outcome.error).toBeUndefined();
    expect(runs[0]?.argv).toContain("--cache-to");
    expect(runs[1]?.argv).not.toContain("--cache-to");
    expect(runs[1]?.argv).not.toContain("--cache-from");
    expect(logger.text()).toContain(
      "Build cache: buildx could not use the cache it was given (failed to build: failed to solve: failed to configure gha cache exporter: token is malformed); building without it.",
    );
  });

  it("cache: off and cache-from leave the build as the inputs say", async () => {
    for (const inputs of [{ cache: "off" }, { "cache-from": "type=registry,ref=127.0.0.1:5000/acme/web:mine" }]) {
      const app = standIn.addApplication({ sourceType: "docker", dockerImage: "127.0.0.1:5000/acme/web:old" });
      const docker = fakeDocker({ buildx: true });
      const outcome = await run(config(app.applicationId, { ...inputs, wait: "false" }), ports(docker));
      expect(outcome.error).toBeUndefined();
      expect(docker.calls.map((c) => c.argv.slice(0, 2).join(" "))).toEqual([
        "buildx version",
        "login 127.0.0.1:5000",
        "buildx build",
      ]);
      const build = docker.calls.at(-1)?.argv ?? [];
      expect(build.filter((a, i) => build[i - 1] === "--cache-from" || build[i - 1] === "--cache-to")).toEqual(
        inputs.cache ? [] : ["type=registry,ref=127.0.0.1:5000/acme/web:mine"],
      );
    }
  });

  it("builds with DOCKER_BUILDKIT=0 on the classic path, so the CLI cannot hand the build to buildx", async () => {
    const app = standIn.addApplication();
    const docker = fakeDocker({ buildx: true });
    const outcome = await run(config(app.applicationId, { builder: "classic" }), ports(docker));
    expect(outcome.error).toBeUndefined();
    const build = docker.calls.find((c) => c.argv[0] === "build");
    expect(build?.env).toEqual({ DOCKER_CONFIG: "/tmp/fake-docker-config", DOCKER_BUILDKIT: "0" });
    expect(outcome.result.imageId).toBe(IMAGE_ID);
  });

  it("writes a NAME=value build secret to a file of the temporary config, never to argv or the log", async () => {
    const app = standIn.addApplication();
    const docker = fakeDocker({ buildx: true });
    const leaky: Exec = async (file, args, opts) => {
      opts?.onLine?.("step echoed sekret-value-42", "stdout");
      return docker.exec(file, args, opts);
    };
    const outcome = await run(config(app.applicationId, { "build-secrets": "NPM_TOKEN=sekret-value-42" }), {
      ...ports(docker),
      exec: leaky,
    });
    expect(outcome.error).toBeUndefined();
    expect(written.get("build-secret-1")).toBe("sekret-value-42");
    const build = docker.calls.find((c) => c.argv[1] === "build");
    expect(build?.argv).toContain("id=NPM_TOKEN,src=/tmp/fake-docker-config/build-secret-1");
    expect(JSON.stringify(docker.calls)).not.toContain("sekret-value-42");
    expect(logger.text()).toContain("step echoed ***");
    expect(removed).toEqual(["/tmp/fake-docker-config"]);
  });

  it("rejects builder: buildx without buildx before any call to Dokploy or docker", async () => {
    const app = standIn.addApplication();
    const docker = fakeDocker();
    const outcome = await run(config(app.applicationId, { builder: "buildx" }), {
      ...ports(docker),
      hasBuildx: () => Promise.resolve(false),
    });
    expect(outcome.error).toBeInstanceOf(ConfigError);
    expect(outcome.error?.message).toMatch(/^Input "builder": is buildx, but docker buildx is not installed/);
    expect(docker.calls).toEqual([]);
    expect(standIn.calls).toEqual([]);
    expect(removed).toEqual([]);
  });

  it("never touches Dokploy's write side after a failed push, and still removes the docker config", async () => {
    const app = standIn.addApplication();
    const outcome = await run(
      config(app.applicationId, { "dokploy-registry": "true" }),
      ports(fakeDocker({ fail: "push" })),
    );
    expect(outcome.error?.message).toMatch(/docker push .* failed/);
    expect(standIn.calls.map((c) => c.procedure).sort()).toEqual(["application.one", "settings.getDokployVersion"]);
    expect(removed).toHaveLength(1);
  });

  it("never redeploys after a failed saveDockerProvider", async () => {
    const app = standIn.addApplication();
    standIn.inject({ procedure: "application.saveDockerProvider", status: 500, times: 5 });
    const outcome = await run(config(app.applicationId), ports(fakeDocker()));
    expect(outcome.error?.message).toContain("application.saveDockerProvider (HTTP 500)");
    expect(standIn.callsOf("application.redeploy")).toEqual([]);
    expect(standIn.callsOf("application.deploy")).toEqual([]);
  });

  it("stops the build and pushes nothing when the preflight fails", async () => {
    const docker = fakeDocker();
    const outcome = await run(config("missing-app"), ports(docker));
    expect(outcome.error?.message).toContain("Application not found");
    expect(docker.calls.map((c) => c.argv[0])).not.toContain("push");
    expect(removed).toHaveLength(1);
    expect(standIn.writes()).toEqual([]);
  });

  it("reports the preflight's error when it stopped a running build", async () => {
    const docker = fakeDocker();
    const slow: Exec = (file, args, opts) =>
      args[0] === "build"
        ? new Promise((resolve) => {
            opts?.signal?.addEventListener("abort", () => {
              resolve({ exitCode: 143, stdout: "", stderr: "terminated" });
            });
          })
        : docker.exec(file, args, opts);
    const outcome = await run(config("missing-app"), { ...ports(docker), exec: slow });
    expect(outcome.error?.message).toContain("Application not found");
    expect(outcome.error?.message).not.toContain("docker build failed");
  });

  it("fails on a deployment that ends in error, with its id and status in the outputs", async () => {
    const app = standIn.addApplication();
    standIn.scriptDeployments(app.applicationId, { outcome: "error", durationMs: 5 });
    const outcome = await run(config(app.applicationId), ports(fakeDocker()));
    expect(outcome.error?.message).toMatch(/ended with status "error"/);
    expect(outcome.result.deploymentStatus).toBe("error");
    expect(outcome.result.deploymentId).toBe(standIn.deployments.get(app.applicationId)?.[0]?.deploymentId);
  });

  it("does not wait with wait: false", async () => {
    const app = standIn.addApplication();
    const outcome = await run(config(app.applicationId, { wait: "false" }), ports(fakeDocker()));
    expect(outcome.error).toBeUndefined();
    expect(outcome.result.deploymentStatus).toBe("queued");
    // One snapshot before the trigger, no following after it.
    expect(standIn.callsOf("deployment.all")).toHaveLength(1);
    expect(standIn.calls.at(-1)?.procedure).toBe("application.redeploy");
  });

  it("prints the plan on a dry run and calls nothing but the buildx probe", async () => {
    const app = standIn.addApplication();
    const docker = fakeDocker();
    const outcome = await run(
      config(app.applicationId, {
        "dry-run": "true",
        "dokploy-registry": "true",
        "verify-pull": "true",
        "extra-tags": "latest",
      }),
      ports(docker),
    );
    expect(outcome.error).toBeUndefined();
    expect(standIn.calls).toEqual([]);
    expect(docker.calls.map((c) => c.argv.join(" "))).toEqual(["buildx version"]);
    const plan = outcome.result.plan?.join("\n") ?? "";
    expect(plan).toContain("docker login 127.0.0.1:5000 --username ci --password-stdin");
    expect(plan).toContain(`docker push 127.0.0.1:5000/acme/web:${SHA}`);
    expect(plan).toContain("PUT 127.0.0.1:5000/v2/acme/web/manifests/latest  (the manifest just pushed;");
    expect(plan).toContain('"password":"***"');
    expect(plan).toContain("application.redeploy");
    expect(plan).toContain(`HEAD 127.0.0.1:5000/v2/acme/web/manifests/${SHA} with the pull credentials`);
    expect(plan).toContain(
      "Build cache (cache: auto): on an engine that holds no image of 127.0.0.1:5000/acme/web, docker pull the image the application runs (when in 127.0.0.1:5000)",
    );
    expect(plan).not.toContain("push-secret-1");
    expect(logger.text()).not.toContain("push-secret-1");
  });

  it("masks secrets in every log line and error, whatever prints them", async () => {
    const app = standIn.addApplication();
    const docker = fakeDocker();
    const leaky: Exec = async (file, args, opts) => {
      opts?.onLine?.("echoing push-secret-1 and api-key-0123456789", "stdout");
      return docker.exec(file, args, opts);
    };
    const outcome = await run(config(app.applicationId), { ...ports(docker), exec: leaky });
    expect(outcome.error).toBeUndefined();
    expect(logger.text()).toContain("echoing *** and ***");
    expect(logger.text()).not.toContain("push-secret-1");
  });

  it("refuses to deploy when the registry serves another digest than the one pushed", async () => {
    const fake = new FakeRegistry({
      auth: "none",
      users: {},
      grants: {},
      manifests: {
        [`acme/web:${SHA}`]: { mediaType: "application/vnd.oci.image.manifest.v1+json", body: '{"pushed":"over"}' },
      },
    });
    const host = await fake.start();
    try {
      const app = standIn.addApplication();
      const outcome = await run(
        config(app.applicationId, { image: `${host}/acme/web`, "verify-pull": "true" }),
        ports(fakeDocker()),
      );
      expect(outcome.error?.message).toMatch(
        /the registry serves sha256:[a-f0-9]{64}, not sha256:(ab)+ that was just pushed; someone pushed over the tag/,
      );
      expect(standIn.writes()).toEqual([]);
    } finally {
      await fake.stop();
    }
  });

  it("gives the extra tags the pushed manifest over the registry's API, not with more docker pushes (classic)", async () => {
    const manifest = { mediaType: "application/vnd.docker.distribution.manifest.v2+json", body: '{"schemaVersion":2}' };
    const fake = new FakeRegistry({
      auth: "basic",
      users: { ci: "push-secret-1" },
      grants: { ci: ["acme/web"] },
      manifests: { [`acme/web:${SHA}`]: manifest },
    });
    const host = await fake.start();
    try {
      const app = standIn.addApplication();
      const pushed = `${SHA}: digest: ${digestOf(manifest.body)} size: 19`;
      const docker = fakeDocker({
        answer: (argv) => (argv[0] === "push" ? { exitCode: 0, stdout: pushed, stderr: "" } : undefined),
      });
      const outcome = await run(
        config(app.applicationId, {
          image: `${host}/acme/web`,
          "extra-tags": "latest,stable",
          wait: "false",
          "verify-pull": "true",
        }),
        ports(docker),
      );
      expect(outcome.error).toBeUndefined();
      // The pull check takes the answer read with the same credentials to put the tags: no HEAD.
      expect(fake.requests.filter((r) => r.method === "HEAD")).toEqual([]);
      expect(logger.text()).toContain(`${host}/acme/web:${SHA} is served as ${digestOf(manifest.body)}`);
      expect(docker.calls.filter((c) => c.argv[0] === "push").map((c) => c.argv[1])).toEqual([
        `${host}/acme/web:${SHA}`,
      ]);
      expect(fake.put.get("acme/web:latest")).toEqual(manifest);
      expect(fake.put.get("acme/web:stable")).toEqual(manifest);
      expect(logger.text()).toContain(
        `Tagged ${host}/acme/web:latest (${digestOf(manifest.body)}) through the registry's API`,
      );
    } finally {
      await fake.stop();
    }
  });

  it("saves <image>:<tag>@<digest> with pin-digest", async () => {
    const app = standIn.addApplication();
    const outcome = await run(config(app.applicationId, { "pin-digest": "true" }), ports(fakeDocker()));
    expect(outcome.error).toBeUndefined();
    expect(standIn.callsOf("application.saveDockerProvider")[0]?.input).toMatchObject({
      dockerImage: `127.0.0.1:5000/acme/web:${SHA}@${DIGEST}`,
    });
  });

  it("starts the classic build's process before the login's and before the toolkit loads", async () => {
    const app = standIn.addApplication();
    const docker = fakeDocker();
    const order: string[] = [];
    const exec: Exec = (file, args, opts) => {
      order.push(args[0] ?? "");
      return docker.exec(file, args, opts);
    };
    const outcome = await run(config(app.applicationId, { wait: "false" }), {
      ...ports(docker),
      exec,
      engineHoldsImagesOf: () => Promise.resolve(true),
      readText: () => Promise.resolve("FROM 127.0.0.1:6000/base\nRUN make\n"),
      whileDockerWorks: () => order.push("(toolkit)"),
    });
    expect(outcome.error).toBeUndefined();
    expect(order.filter((what) => what !== "buildx").slice(0, 3)).toEqual(["build", "login", "(toolkit)"]);
  });

  it("runs the login beside the build, and a failed login stops the build and is the error", async () => {
    const app = standIn.addApplication();
    let buildAborted = false;
    const exec: Exec = (_file, args, opts) => {
      if (args[0] === "buildx") return Promise.resolve({ exitCode: 1, stdout: "", stderr: "" });
      if (args[0] === "login") {
        return new Promise((resolve) =>
          setTimeout(() => resolve({ exitCode: 1, stdout: "", stderr: "unauthorized: bad password" }), 20),
        );
      }
      if (args[0] === "build") {
        return new Promise((resolve) => {
          opts?.signal?.addEventListener("abort", () => {
            buildAborted = true;
            resolve({ exitCode: 143, stdout: "", stderr: "" });
          });
        });
      }
      return Promise.resolve({ exitCode: 0, stdout: "", stderr: "" });
    };
    const outcome = await run(config(app.applicationId), {
      ...ports(fakeDocker()),
      exec,
      readText: () => Promise.resolve("FROM 127.0.0.1:6000/base\nRUN make\n"),
    });
    expect(buildAborted).toBe(true);
    expect(outcome.error?.message).toMatch(/docker login to 127\.0\.0\.1:5000 as ci .* failed[\s\S]*bad password/);
    expect(standIn.writes()).toEqual([]);
  });

  it("with the engine's push: no docker login or docker push; the engine pushes once Dokploy answered, the password in its request only", async () => {
    const app = standIn.addApplication();
    const docker = fakeDocker();
    const pushes: { repository: string; tag: string; auth: RegistryAuth; answered: number }[] = [];
    const enginePush: EnginePush = (repository, tag, auth, _signal, onLine) => {
      pushes.push({ repository, tag, auth, answered: standIn.callsOf("application.one").length });
      onLine("5f70bf18a086: Pushed");
      return Promise.resolve(DIGEST);
    };
    const outcome = await run(config(app.applicationId, { "extra-tags": "latest" }), {
      ...ports(docker),
      // A Dockerfile that pulls nothing from the registry: no login is needed before the build.
      readText: () => Promise.resolve("FROM base\nRUN make\n"),
      enginePush: () => Promise.resolve(enginePush),
    });
    expect(outcome.error).toBeUndefined();
    expect(docker.calls.map((c) => c.argv[0])).toEqual(["buildx", "images", "build"]);
    const auth = { username: "ci", password: "push-secret-1", serveraddress: "127.0.0.1:5000" };
    // The deploy tag, then (no registry API at 127.0.0.1:5000 here) the extra tag the same way.
    expect(pushes).toEqual([
      { repository: "127.0.0.1:5000/acme/web", tag: SHA, auth, answered: 1 },
      { repository: "127.0.0.1:5000/acme/web", tag: "latest", auth, answered: 1 },
    ]);
    expect(logger.text()).toContain(`info: Pushing 127.0.0.1:5000/acme/web:${SHA} (the engine's push)`);
    expect(logger.text()).toContain("info: 5f70bf18a086: Pushed");
    expect(outcome.result.digest).toBe(DIGEST);
    expect(logger.text()).not.toContain("push-secret-1");
  });

  it("with the engine's push, a password the registry refuses stops the build, and the run before any push or Dokploy write", async () => {
    const registry = new FakeRegistry({ auth: "basic", users: { ci: "the-right-one" }, grants: {}, manifests: {} });
    const host = await registry.start();
    try {
      const app = standIn.addApplication();
      let pushed = 0;
      // A build that runs until it is stopped.
      const docker = fakeDocker();
      const exec: Exec = (file, args, opts = {}) => {
        if (args[0] !== "build") return docker.exec(file, args, opts);
        docker.calls.push({ argv: [...args] });
        return new Promise((resolve) => {
          opts.signal?.addEventListener("abort", () => {
            resolve({ exitCode: 143, stdout: "", stderr: "stopped" });
          });
        });
      };
      const outcome = await run(config(app.applicationId, { image: `${host}/acme/web` }), {
        ...ports(docker),
        exec,
        readText: () => Promise.resolve("FROM base\n"),
        enginePush: () =>
          Promise.resolve(() => {
            pushed += 1;
            return Promise.resolve(DIGEST);
          }),
      });
      expect(outcome.error?.message).toBe(
        `registry login to ${host} as ci (check registry-username and registry-password) failed: ${host} refused the password of ci (HTTP 401)\nNothing was changed in Dokploy.`,
      );
      expect(pushed).toBe(0);
      expect(standIn.writes()).toEqual([]);
      // The build was stopped, and no docker login was started to find out what failed.
      expect(docker.calls.map((c) => c.argv[0])).toEqual(["buildx", "images", "build"]);
    } finally {
      await registry.stop();
    }
  });

  it("plans the engine's push, without docker login or docker push, in a dry run where the engine pushes", async () => {
    const app = standIn.addApplication();
    const outcome = await run(config(app.applicationId, { "dry-run": "true", "extra-tags": "latest" }), {
      ...ports(fakeDocker()),
      readText: () => Promise.resolve("FROM base\n"),
      enginePush: () => Promise.resolve(() => Promise.resolve(DIGEST)),
    });
    const plan = outcome.result.plan ?? [];
    expect(plan).toContain(
      `POST <engine>/images/127.0.0.1:5000/acme/web/push?tag=${SHA}  (the engine's push; the password in its X-Registry-Auth header)`,
    );
    expect(plan).toContain(
      "GET 127.0.0.1:5000/v2/ with the password of ci (beside the build: does the registry take it?); docker login only if the build pulls from the registry",
    );
    expect(plan.filter((line) => /^docker (login|push) /.test(line))).toEqual([]);
    expect(plan.join("\n")).not.toContain("push-secret-1");
  });

  it("plans the labelled Dockerfile, the health check and the rollback in a dry run", async () => {
    const app = standIn.addApplication();
    const outcome = await run(
      config(app.applicationId, {
        "dry-run": "true",
        "health-url": "https://web.example.com/healthz",
        "rollback-on-failure": "true",
      }),
      { ...ports(fakeDocker()), readText: () => Promise.resolve("FROM base\nRUN make\n") },
    );
    const plan = outcome.result.plan?.join("\n") ?? "";
    expect(plan).toContain("docker build --file $DOCKER_CONFIG/Dockerfile.labelled --tag");
    expect(plan).not.toContain("--label");
    expect(plan).toContain(
      "(Dockerfile.labelled: the Dockerfile with LABEL lines right after the built stage's FROM: org.opencontainers.image.title=web)",
    );
    expect(plan).not.toContain("org.opencontainers.image.revision");
    expect(plan).toContain("GET https://web.example.com/healthz until it answers (at most 120 s)");
    expect(plan).toContain("save the previous image back and redeploy it");
    expect(standIn.calls).toEqual([]);
  });

  it("warns that the key travels in clear text to a non-loopback http:// Dokploy, and not to loopback", async () => {
    const app = standIn.addApplication();
    await run(
      config(app.applicationId, { "dokploy-url": "http://dokploy.example.com", "dry-run": "true" }),
      ports(fakeDocker()),
    );
    expect(logger.text()).toContain(
      "warn: dokploy-url uses http://: the API key travels in clear text to dokploy.example.com",
    );
    const quiet = new MemoryLogger();
    await run(config(app.applicationId, { "dry-run": "true" }), { ...ports(fakeDocker()), logger: quiet });
    expect(quiet.text()).not.toContain("clear text");
  });
});

describe("what a failed run says it changed", () => {
  it("says the application was switched to the new image, and not redeployed, when the snapshot fails after the save", async () => {
    const app = standIn.addApplication({ sourceType: "docker", dockerImage: "127.0.0.1:5000/acme/web:old" });
    standIn.inject({ procedure: "deployment.all", status: 400, body: "{}" });
    const outcome = await run(config(app.applicationId), ports(fakeDocker()));
    expect(standIn.callsOf("application.saveDockerProvider").map((c) => c.status)).toEqual([200]);
    expect(standIn.callsOf("application.redeploy")).toEqual([]);
    expect(outcome.error?.message).toContain(
      `application ${app.name} now points at 127.0.0.1:5000/acme/web:${SHA} (was 127.0.0.1:5000/acme/web:old)`,
    );
    expect(outcome.error?.message).toContain("no deployment was triggered");
    expect(outcome.changes).toEqual([
      `application ${app.name} now points at 127.0.0.1:5000/acme/web:${SHA} (was 127.0.0.1:5000/acme/web:old)`,
    ]);
  });

  it("says nothing was changed in Dokploy when the push fails", async () => {
    const app = standIn.addApplication();
    const outcome = await run(config(app.applicationId), ports(fakeDocker({ fail: "push" })));
    expect(outcome.error?.message).toContain("Nothing was changed in Dokploy.");
    expect(outcome.changes).toEqual([]);
  });

  it("names the deployment it triggered and how it ended, and the rollback, when the deployment fails", async () => {
    const app = standIn.addApplication({ sourceType: "docker", dockerImage: "127.0.0.1:5000/acme/web:old" });
    standIn.scriptDeployments(app.applicationId, { outcome: "error", durationMs: 5 }, { outcome: "done" });
    const outcome = await run(config(app.applicationId, { "rollback-on-failure": "true" }), ports(fakeDocker()));
    const changes = outcome.changes.join("\n");
    expect(changes).toContain(`now points at 127.0.0.1:5000/acme/web:${SHA}`);
    expect(changes).toMatch(new RegExp(`redeploy "Deploy ${SHA.slice(0, 7)}" \\(deployment \\S+\\) ended error`));
    expect(changes).toContain("Rolled back to 127.0.0.1:5000/acme/web:old");
  });

  it("stops at once when cancelled before it starts, touching nothing", async () => {
    const app = standIn.addApplication();
    const docker = fakeDocker();
    const controller = new AbortController();
    controller.abort("SIGTERM");
    const outcome = await run(config(app.applicationId), ports(docker), controller.signal);
    expect(outcome.error?.name).toBe("CancelledError");
    expect(outcome.error?.message).toContain("Cancelled (SIGTERM)");
    expect((outcome.error as { exitCode?: number } | undefined)?.exitCode).toBe(143);
    expect(standIn.writes()).toEqual([]);
    // It stops after the first stage: no docker config is made, so there is none to remove.
    expect(removed).toHaveLength(0);
    expect(docker.calls.filter((c) => c.argv.includes("build"))).toEqual([]);
  });
});
