/**
 * A whole run against the stand-in, from docker's side: which builder and build command, the
 * cache it builds from, the login it needs first, and what stops the build.
 */
import { describe, expect, it } from "vitest";
import { type FakeDocker, DIGEST, IMAGE_ID, SHA, fakeDocker } from "../support/fake-docker";
import { useRunHarness } from "../support/run-harness";
import { answered, ended, expectAllBefore, expectBefore, marked, started } from "../support/timeline";
import { ConfigError, type Exec, outputsOf, run } from "./imports";

const h = useRunHarness();

/** The argv heads of the commands that ran, sorted: which ran, not in what order. */
const commands = (docker: FakeDocker) => docker.calls.map((c) => c.argv.slice(0, 2).join(" ")).sort();
const buildxBuild = (docker: FakeDocker) =>
  docker.calls.find((c) => c.argv[0] === "buildx" && c.argv[1] === "build")?.argv ?? [];
/** A Dockerfile that pulls from another registry than the image's: no login is needed before the build. */
const FROM_ELSEWHERE = () => Promise.resolve("FROM 127.0.0.1:6000/base\nRUN make\n");

describe("run: the build", () => {
  it("builds and pushes in one buildx call and reads the digest, image ID and metadata it wrote", async () => {
    const app = h.standIn.addApplication();
    const docker = fakeDocker({ buildx: true });
    // Dokploy answers late: a build that pushes as it builds must wait for it.
    h.standIn.inject({ procedure: "application.one", delayMs: 100 });
    const outcome = await run(h.config(app.applicationId), h.ports(docker));
    expect(outcome.error).toBeUndefined();
    expect(commands(docker)).toEqual(
      [
        "buildx version",
        "login 127.0.0.1:5000",
        // cache: auto asks buildx about its builder (this fake's answer says nothing: docker driver flags).
        "buildx inspect",
        "buildx build",
      ].sort(),
    );
    const t = h.timeline;
    // It pushes as it builds: with the login, once Dokploy answered.
    expectAllBefore(t, ended("login"), started("buildx", "build"), "the login is done before the push");
    expectBefore(
      t,
      answered("application.one"),
      started("buildx", "build"),
      "nothing is pushed before Dokploy answered",
    );
    expectAllBefore(t, ended("buildx", "inspect"), started("buildx", "build"), "the cache is chosen before the build");
    expect(buildxBuild(docker)).toContain("type=inline");
    expect(docker.calls.find((c) => c.argv[1] === "build")?.env).toEqual({ DOCKER_CONFIG: "/tmp/fake-docker-config" });
    expect(outputsOf(outcome.result)).toMatchObject({
      digest: DIGEST,
      imageid: IMAGE_ID,
      metadata: JSON.stringify({ "containerimage.digest": DIGEST }),
    });
  });

  it("with buildx's docker driver on an engine that holds the repository's images: builds into it before Dokploy answered, pushes with docker push after", async () => {
    const app = h.standIn.addApplication();
    const docker = fakeDocker({ buildx: true });
    h.standIn.inject({ procedure: "application.one", delayMs: 200 });
    const outcome = await run(h.config(app.applicationId, { wait: "false", "extra-tags": "latest" }), {
      ...h.ports(docker),
      buildxUsesDefaultBuilder: () => Promise.resolve(true),
      engineHoldsImagesOf: () => Promise.resolve(true),
      readText: FROM_ELSEWHERE,
    });
    expect(outcome.error).toBeUndefined();
    expect(commands(docker)).toEqual(
      [
        "buildx version",
        "buildx build",
        "login 127.0.0.1:5000",
        `push 127.0.0.1:5000/acme/web:${SHA}`,
        // No registry answers the tag API here: the extra tag is pushed by docker.
        "push 127.0.0.1:5000/acme/web:latest",
      ].sort(),
    );
    const t = h.timeline;
    expectBefore(t, started("buildx", "build"), answered("application.one"), "the build runs while Dokploy is asked");
    expectBefore(t, answered("application.one"), started("push"), "nothing is pushed before Dokploy answered");
    expectAllBefore(t, ended("buildx", "build"), started("push"), "what is pushed was built");
    expectAllBefore(t, ended("login"), started("push"), "the login is done before the push");
    const build = buildxBuild(docker);
    expect(build).not.toContain("--push");
    expect(build).not.toContain("--cache-from");
    expect(build).toContain("type=inline");
    expect(h.logger.text()).toContain(
      "Build cache: the engine holds images of 127.0.0.1:5000/acme/web; buildx uses the engine's own cache",
    );
    // The push's digest, not what buildx said of a build into the engine.
    expect(outputsOf(outcome.result)).toMatchObject({ digest: DIGEST, imageid: IMAGE_ID });
    expect(h.standIn.writes().map((c) => c.procedure)).toEqual([
      "application.saveDockerProvider",
      "application.redeploy",
    ]);
  });

  it("with buildx's docker driver on an empty engine: waits for the running image, logs in, then builds from it into the engine", async () => {
    const running = "127.0.0.1:5000/acme/web:0a1b2c3";
    const app = h.standIn.addApplication({ sourceType: "docker", dockerImage: running });
    const docker = fakeDocker({ buildx: true });
    const outcome = await run(h.config(app.applicationId, { wait: "false" }), {
      ...h.ports(docker),
      buildxUsesDefaultBuilder: () => Promise.resolve(true),
      engineHoldsImagesOf: () => Promise.resolve(false),
      readText: FROM_ELSEWHERE,
    });
    expect(outcome.error).toBeUndefined();
    expect(commands(docker)).toEqual(
      ["buildx version", "login 127.0.0.1:5000", "buildx build", `push 127.0.0.1:5000/acme/web:${SHA}`].sort(),
    );
    const t = h.timeline;
    expectBefore(t, answered("application.one"), started("buildx", "build"), "Dokploy names the running image first");
    expectAllBefore(t, ended("login"), started("buildx", "build"), "the login is done before the build reads it");
    expectAllBefore(t, ended("buildx", "build"), started("push"), "what is pushed was built");
    const build = buildxBuild(docker);
    expect(build).toContain(`type=registry,ref=${running}`);
    expect(build).not.toContain("--push");
  });

  it("cache: auto on an engine without the repository's images: pulls the running image and the extra tags after the login, builds from those it got", async () => {
    const running = "127.0.0.1:5000/acme/web:0a1b2c3";
    const app = h.standIn.addApplication({ sourceType: "docker", dockerImage: running });
    const docker = fakeDocker({
      answer: (argv) =>
        argv[0] === "images"
          ? { exitCode: 0, stdout: "", stderr: "" }
          : argv.includes("127.0.0.1:5000/acme/web:latest") && argv[0] === "pull"
            ? { exitCode: 1, stdout: "", stderr: "Error response from daemon: manifest unknown" }
            : undefined,
    });
    const outcome = await run(h.config(app.applicationId, { "extra-tags": "latest", wait: "false" }), h.ports(docker));
    expect(outcome.error).toBeUndefined();
    expect(
      docker.calls
        .map((c) => c.argv.join(" "))
        .filter((c) => /^(login|images|pull) /.test(c))
        .sort(),
    ).toEqual(
      [
        "login 127.0.0.1:5000 --username ci --password-stdin",
        "images --quiet 127.0.0.1:5000/acme/web",
        `pull --quiet ${running}`,
        "pull --quiet 127.0.0.1:5000/acme/web:latest",
      ].sort(),
    );
    const t = h.timeline;
    expectAllBefore(t, ended("images"), started("pull"), "the engine is asked what it holds before anything is pulled");
    expectBefore(
      t,
      answered("application.one"),
      started("pull", "--quiet", running),
      "Dokploy names the running image",
    );
    expectAllBefore(t, ended("login"), started("pull"), "the login is done before the pulls");
    expectAllBefore(t, ended("pull"), started("build"), "the build starts from what the pulls got");
    const build = docker.calls.find((c) => c.argv[0] === "build")?.argv ?? [];
    expect(build.filter((a, i) => build[i - 1] === "--cache-from")).toEqual([running]);
    expect(h.logger.text()).toContain(
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
    const app = h.standIn.addApplication();
    let attempts = 0;
    const docker = fakeDocker({
      buildx: true,
      answer: (argv) => {
        if (argv[1] !== "build") return undefined;
        attempts += 1;
        return attempts === 1 ? { exitCode: 1, stdout: "", stderr: said } : undefined;
      },
    });
    const outcome = await run(h.config(app.applicationId, { wait: "false" }), h.ports(docker));
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
    expect(h.logger.text()).toContain(
      "Build cache: buildx could not use the cache it was given (failed to build: failed to solve: failed to configure gha cache exporter: token is malformed); building without it.",
    );
  });

  it.each([
    ["cache: off", { cache: "off" }, []],
    [
      "cache-from",
      { "cache-from": "type=registry,ref=127.0.0.1:5000/acme/web:mine" },
      ["type=registry,ref=127.0.0.1:5000/acme/web:mine"],
    ],
  ])("%s leaves the build as the inputs say", async (_case, inputs, cache) => {
    const app = h.standIn.addApplication({ sourceType: "docker", dockerImage: "127.0.0.1:5000/acme/web:old" });
    const docker = fakeDocker({ buildx: true });
    const outcome = await run(h.config(app.applicationId, { ...inputs, wait: "false" }), h.ports(docker));
    expect(outcome.error).toBeUndefined();
    expect(commands(docker)).toEqual(["buildx build", "buildx version", "login 127.0.0.1:5000"]);
    expectAllBefore(h.timeline, ended("login"), started("buildx", "build"), "the login is done before the push");
    const build = buildxBuild(docker);
    expect(build.filter((a, i) => build[i - 1] === "--cache-from" || build[i - 1] === "--cache-to")).toEqual(cache);
  });

  it("builds with DOCKER_BUILDKIT=0 on the classic path, so the CLI cannot hand the build to buildx", async () => {
    const app = h.standIn.addApplication();
    const docker = fakeDocker({ buildx: true });
    const outcome = await run(h.config(app.applicationId, { builder: "classic" }), h.ports(docker));
    expect(outcome.error).toBeUndefined();
    const build = docker.calls.find((c) => c.argv[0] === "build");
    expect(build?.env).toEqual({ DOCKER_CONFIG: "/tmp/fake-docker-config", DOCKER_BUILDKIT: "0" });
    expect(outcome.result.imageId).toBe(IMAGE_ID);
  });

  it("rejects builder: buildx without buildx before any call to Dokploy or docker", async () => {
    const app = h.standIn.addApplication();
    const docker = fakeDocker();
    const outcome = await run(h.config(app.applicationId, { builder: "buildx" }), {
      ...h.ports(docker),
      hasBuildx: () => Promise.resolve(false),
    });
    expect(outcome.error).toBeInstanceOf(ConfigError);
    expect(outcome.error?.message).toMatch(/^Input "builder": is buildx, but docker buildx is not installed/);
    expect(docker.calls).toEqual([]);
    expect(h.standIn.calls).toEqual([]);
    expect(h.removed).toEqual([]);
  });

  it("starts the classic build's process before the login's and before the toolkit loads", async () => {
    const app = h.standIn.addApplication();
    const docker = fakeDocker();
    const outcome = await run(h.config(app.applicationId, { wait: "false" }), {
      ...h.ports(docker),
      engineHoldsImagesOf: () => Promise.resolve(true),
      readText: FROM_ELSEWHERE,
    });
    expect(outcome.error).toBeUndefined();
    const t = h.timeline;
    expectBefore(t, started("build"), started("login"), "the build's process starts before the login's");
    expectBefore(t, started("build"), marked("toolkit"), "the build's process starts before the toolkit loads");
  });

  it("runs the login beside the build, and a failed login stops the build and is the error", async () => {
    const app = h.standIn.addApplication();
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
    const outcome = await run(h.config(app.applicationId), {
      ...h.ports(fakeDocker()),
      exec,
      readText: FROM_ELSEWHERE,
    });
    expect(buildAborted).toBe(true);
    expect(outcome.error?.message).toMatch(/docker login to 127\.0\.0\.1:5000 as ci .* failed[\s\S]*bad password/);
    expect(h.standIn.writes()).toEqual([]);
  });
});
