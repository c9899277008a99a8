/** A dry run against the stand-in: the plan it prints, what it calls (nearly nothing), what it warns of. */
import { describe, expect, it } from "vitest";
import { DIGEST, SHA, fakeDocker } from "../support/fake-docker";
import { PUSH_PASSWORD } from "../support/fixtures";
import { MemoryLogger } from "../support/loggers";
import { useRunHarness } from "../support/run-harness";
import { run } from "./imports";

const h = useRunHarness();

describe("run: a dry run", () => {
  it("prints the plan on a dry run and calls nothing but the buildx probe", async () => {
    const app = h.standIn.addApplication();
    const docker = fakeDocker();
    const outcome = await run(
      h.config(app.applicationId, {
        "dry-run": "true",
        "dokploy-registry": "true",
        "verify-pull": "true",
        "extra-tags": "latest",
      }),
      h.ports(docker),
    );
    expect(outcome.error).toBeUndefined();
    expect(h.standIn.calls).toEqual([]);
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
    expect(plan).not.toContain(PUSH_PASSWORD);
    expect(h.logger.text()).not.toContain(PUSH_PASSWORD);
  });

  it("plans a build into the engine and docker push for buildx's docker driver in a dry run", async () => {
    const app = h.standIn.addApplication();
    const outcome = await run(h.config(app.applicationId, { "dry-run": "true", "extra-tags": "latest" }), {
      ...h.ports(fakeDocker({ buildx: true })),
      buildxUsesDefaultBuilder: () => Promise.resolve(true),
    });
    const plan = outcome.result.plan ?? [];
    const build = plan.find((line) => line.startsWith("docker buildx build")) ?? "";
    expect(build).not.toContain("--push");
    // The plan reads in the order of the run: the push after the build.
    expect(plan.indexOf(`docker push 127.0.0.1:5000/acme/web:${SHA}`)).toBeGreaterThan(plan.indexOf(build));
    expect(h.logger.text()).toContain("The plan (buildx, docker driver: into the engine, then docker push)");
  });

  it("plans the engine's push, without docker login or docker push, in a dry run where the engine pushes", async () => {
    const app = h.standIn.addApplication();
    const outcome = await run(h.config(app.applicationId, { "dry-run": "true", "extra-tags": "latest" }), {
      ...h.ports(fakeDocker()),
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
    expect(plan.join("\n")).not.toContain(PUSH_PASSWORD);
  });

  it("plans the labelled Dockerfile, the verify-stable window, the health check and the rollback in a dry run", async () => {
    const app = h.standIn.addApplication();
    const outcome = await run(
      h.config(app.applicationId, {
        "dry-run": "true",
        "health-url": "https://web.example.com/healthz",
        "rollback-on-failure": "true",
        "verify-stable": "30",
      }),
      { ...h.ports(fakeDocker()), readText: () => Promise.resolve("FROM base\nRUN make\n") },
    );
    const plan = outcome.result.plan?.join("\n") ?? "";
    expect(plan).toContain("docker build --file $DOCKER_CONFIG/Dockerfile.labelled --tag");
    expect(plan).not.toContain("--label");
    expect(plan).toContain(
      "(Dockerfile.labelled: the Dockerfile with LABEL lines right after the built stage's FROM: org.opencontainers.image.title=web)",
    );
    expect(plan).not.toContain("org.opencontainers.image.revision");
    expect(plan).toContain(
      "Watch what swarm runs for 30 s (verify-stable): its tasks and its spec every 3 s; red if a task stops or swarm restarts it",
    );
    expect(plan).toContain("GET https://web.example.com/healthz until it answers (at most 120 s)");
    expect(plan).toContain("save the previous image back and redeploy it");
    expect(h.standIn.calls).toEqual([]);
  });

  it("warns that the key travels in clear text to a non-loopback http:// Dokploy, and not to loopback", async () => {
    const app = h.standIn.addApplication();
    await run(
      h.config(app.applicationId, { "dokploy-url": "http://dokploy.example.com", "dry-run": "true" }),
      h.ports(fakeDocker()),
    );
    expect(h.logger.text()).toContain(
      "warn: dokploy-url uses http://: the API key travels in clear text to dokploy.example.com",
    );
    const quiet = new MemoryLogger();
    await run(h.config(app.applicationId, { "dry-run": "true" }), { ...h.ports(fakeDocker()), logger: quiet });
    expect(quiet.text()).not.toContain("clear text");
  });
});
