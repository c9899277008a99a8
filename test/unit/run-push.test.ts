/**
 * A whole run against the stand-in, at the push: docker push or the engine's push, the extra
 * tags over the registry's API, the digest the registry serves, and the secrets kept out of sight.
 */
import { describe, expect, it } from "vitest";
import { DIGEST, SHA, fakeDocker } from "../support/fake-docker";
import { FakeRegistry, digestOf } from "../support/fake-registry";
import { PUSH_PASSWORD } from "../support/fixtures";
import { KEY, useRunHarness } from "../support/run-harness";
import { answered, ended, expectAllBefore, expectBefore, marked } from "../support/timeline";
import type { EnginePush, RegistryAuth } from "../../src/pipeline/ports";
import { type Exec, run } from "./imports";

const h = useRunHarness();

describe("run: the push", () => {
  it("masks secrets in every log line and error, whatever prints them", async () => {
    const app = h.standIn.addApplication();
    const docker = fakeDocker();
    const leaky: Exec = async (file, args, opts) => {
      opts?.onLine?.(`echoing ${PUSH_PASSWORD} and ${KEY}`, "stdout");
      return docker.exec(file, args, opts);
    };
    const outcome = await run(h.config(app.applicationId), { ...h.ports(docker), exec: leaky });
    expect(outcome.error).toBeUndefined();
    expect(h.logger.text()).toContain("echoing *** and ***");
    expect(h.logger.text()).not.toContain(PUSH_PASSWORD);
  });

  it("writes a NAME=value build secret to a file of the temporary config, never to argv or the log", async () => {
    const app = h.standIn.addApplication();
    const docker = fakeDocker({ buildx: true });
    const leaky: Exec = async (file, args, opts) => {
      opts?.onLine?.("step echoed sekret-value-42", "stdout");
      return docker.exec(file, args, opts);
    };
    const outcome = await run(h.config(app.applicationId, { "build-secrets": "NPM_TOKEN=sekret-value-42" }), {
      ...h.ports(docker),
      exec: leaky,
    });
    expect(outcome.error).toBeUndefined();
    expect(h.written.get("build-secret-1")).toBe("sekret-value-42");
    const build = docker.calls.find((c) => c.argv[1] === "build");
    expect(build?.argv).toContain("id=NPM_TOKEN,src=/tmp/fake-docker-config/build-secret-1");
    expect(JSON.stringify(docker.calls)).not.toContain("sekret-value-42");
    expect(h.logger.text()).toContain("step echoed ***");
    expect(h.removed).toEqual(["/tmp/fake-docker-config"]);
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
      const app = h.standIn.addApplication();
      const outcome = await run(
        h.config(app.applicationId, { image: `${host}/acme/web`, "verify-pull": "true" }),
        h.ports(fakeDocker()),
      );
      expect(outcome.error?.message).toMatch(
        /the registry serves sha256:[a-f0-9]{64}, not sha256:(ab)+ that was just pushed; someone pushed over the tag/,
      );
      expect(h.standIn.writes()).toEqual([]);
    } finally {
      await fake.stop();
    }
  });

  it("gives the extra tags the pushed manifest over the registry's API, not with more docker pushes (classic)", async () => {
    const manifest = { mediaType: "application/vnd.docker.distribution.manifest.v2+json", body: '{"schemaVersion":2}' };
    const fake = new FakeRegistry({
      auth: "basic",
      users: { ci: PUSH_PASSWORD },
      grants: { ci: ["acme/web"] },
      manifests: { [`acme/web:${SHA}`]: manifest },
    });
    const host = await fake.start();
    try {
      const app = h.standIn.addApplication();
      const pushed = `${SHA}: digest: ${digestOf(manifest.body)} size: 19`;
      const docker = fakeDocker({
        answer: (argv) => (argv[0] === "push" ? { exitCode: 0, stdout: pushed, stderr: "" } : undefined),
      });
      const outcome = await run(
        h.config(app.applicationId, {
          image: `${host}/acme/web`,
          "extra-tags": "latest,stable",
          wait: "false",
          "verify-pull": "true",
        }),
        h.ports(docker),
      );
      expect(outcome.error).toBeUndefined();
      // The pull check takes the answer read with the same credentials to put the tags: no HEAD.
      expect(fake.requests.filter((r) => r.method === "HEAD")).toEqual([]);
      expect(h.logger.text()).toContain(`${host}/acme/web:${SHA} is served as ${digestOf(manifest.body)}`);
      expect(docker.calls.filter((c) => c.argv[0] === "push").map((c) => c.argv[1])).toEqual([
        `${host}/acme/web:${SHA}`,
      ]);
      expect(fake.put.get("acme/web:latest")).toEqual(manifest);
      expect(fake.put.get("acme/web:stable")).toEqual(manifest);
      expect(h.logger.text()).toContain(
        `Tagged ${host}/acme/web:latest (${digestOf(manifest.body)}) through the registry's API`,
      );
    } finally {
      await fake.stop();
    }
  });

  it("with the engine's push: no docker login or docker push; the engine pushes once Dokploy answered, the password in its request only", async () => {
    const app = h.standIn.addApplication();
    const docker = fakeDocker();
    const pushes: { repository: string; tag: string; auth: RegistryAuth }[] = [];
    const enginePush: EnginePush = (repository, tag, auth, _signal, onLine) => {
      pushes.push({ repository, tag, auth });
      h.timeline.mark("engine push");
      onLine("5f70bf18a086: Pushed");
      return Promise.resolve(DIGEST);
    };
    // Dokploy answers late: the engine's push must wait for it.
    h.standIn.inject({ procedure: "application.one", delayMs: 100 });
    const outcome = await run(h.config(app.applicationId, { "extra-tags": "latest" }), {
      ...h.ports(docker),
      // A Dockerfile that pulls nothing from the registry: no login is needed before the build.
      readText: () => Promise.resolve("FROM base\nRUN make\n"),
      enginePush: () => Promise.resolve(enginePush),
    });
    expect(outcome.error).toBeUndefined();
    expect(docker.calls.map((c) => c.argv[0]).sort()).toEqual(["build", "buildx", "images"]);
    const auth = { username: "ci", password: PUSH_PASSWORD, serveraddress: "127.0.0.1:5000" };
    // The deploy tag and (no registry API at 127.0.0.1:5000 here) the extra tag the same way.
    expect(pushes).toHaveLength(2);
    expect(pushes).toEqual(
      expect.arrayContaining([
        { repository: "127.0.0.1:5000/acme/web", tag: SHA, auth },
        { repository: "127.0.0.1:5000/acme/web", tag: "latest", auth },
      ]),
    );
    const t = h.timeline;
    expectBefore(t, answered("application.one"), marked("engine push"), "nothing is pushed before Dokploy answered");
    expectAllBefore(t, ended("build"), marked("engine push"), "what is pushed was built");
    expect(h.logger.text()).toContain(`info: Pushing 127.0.0.1:5000/acme/web:${SHA} (the engine's push)`);
    expect(h.logger.text()).toContain("info: 5f70bf18a086: Pushed");
    expect(outcome.result.digest).toBe(DIGEST);
    expect(h.logger.text()).not.toContain(PUSH_PASSWORD);
  });

  it("with the engine's push, a password the registry refuses stops the build, and the run before any push or Dokploy write", async () => {
    const registry = new FakeRegistry({ auth: "basic", users: { ci: "the-right-one" }, grants: {}, manifests: {} });
    const host = await registry.start();
    try {
      const app = h.standIn.addApplication();
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
      const outcome = await run(h.config(app.applicationId, { image: `${host}/acme/web` }), {
        ...h.ports(docker),
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
      expect(h.standIn.writes()).toEqual([]);
      // The build was stopped, and no docker login was started to find out what failed.
      expect(docker.calls.map((c) => c.argv[0]).sort()).toEqual(["build", "buildx", "images"]);
    } finally {
      await registry.stop();
    }
  });
});
