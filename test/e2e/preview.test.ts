/**
 * Preview environments against a live Dokploy: preview: open copies the template application
 * into a marked environment of its own with its own host and deploys the image there; a second
 * push updates the same copy; preview: close removes only what carries the marker; preview-limit
 * refuses a preview beyond it before anything is made in Dokploy.
 */
import { expect, it } from "vitest";
import { commitSha, describeLive } from "../support/e2e";
import {
  MARKER,
  app,
  environments,
  marked,
  onlyPreview,
  removePreviewsAfter,
  template,
} from "../support/live-previews";
import { newProject, suffix } from "../support/live-targets";

describeLive("preview environments against a live Dokploy", (e2e) => {
  it("open makes a marked copy with its own host running our image, a push updates it, close removes it", async () => {
    const project = await newProject(e2e, "preview");
    const tag = suffix();
    removePreviewsAfter(e2e, project, tag);
    const { web, volume, host: templateHost } = await template(e2e, project, tag);
    const image = e2e.image("preview");
    const host = `pr-7-${tag}.preview.test`;
    const inputs = e2e.inputs(web, image, {
      preview: "open",
      "preview-number": "7",
      "preview-host": "pr-{number}-" + tag + ".preview.test",
      "preview-env": `B=from-pr-${tag}`,
    });
    const env = { GITHUB_REPOSITORY: "acme/web" };
    const cwd = await e2e.checkout();

    const sha = commitSha();
    const first = await e2e.runAction(sha, inputs, { cwd, env });

    expect(first.exitCode, first.stdout).toBe(0);
    const preview = await onlyPreview(e2e, project);
    expect(preview?.name).toBe("pr-7");
    expect(preview?.description).toMatch(
      new RegExp(
        `^${MARKER}pr=7 repo=acme%2Fweb template=application:${web.applicationId} created=\\S+ deployed=\\S+ sha=${sha.slice(0, 7)}$`,
      ),
    );
    expect(preview?.applications).toHaveLength(1);
    const copyRow = preview?.applications[0];
    expect(copyRow?.description).toMatch(new RegExp(`^${MARKER}pr=7 repo=acme%2Fweb `));
    const copy = await app(e2e, copyRow?.applicationId ?? "");
    // The template's appName without Dokploy's suffix, the preview's name, then a suffix of Dokploy's.
    expect(copy.appName).toMatch(new RegExp(`^${web.appName.replace(/-[a-z0-9]{6}$/, "")}-pr-7-[a-z0-9]{6}$`));
    expect(copy.env).toBe(`A=1\nB=from-pr-${tag}`);
    expect(copy.domains.map((d) => [d.host, d.port])).toEqual([[host, 8080]]);
    expect(copy.mounts.map((m) => [m.type, m.volumeName, m.mountPath])).toEqual([
      ["volume", `${volume}-pr-7`, "/data"],
    ]);
    const ref = `${image}:${sha}`;
    expect(copy.dockerImage).toBe(ref);
    expect(await e2e.swarm.waitUntilRunning(copy.appName, ref)).toEqual([{ image: ref, state: "running" }]);
    expect(first.outputs["preview-url"]).toBe(`http://${host}`);
    expect(first.outputs["application-id"] ?? copy.applicationId).toBe(copy.applicationId);
    // Routing as Dokploy wrote it: the preview's host to the copy, never the template's host.
    const traefik = await e2e.dokploy.query<string>("application.readTraefikConfig", {
      applicationId: copy.applicationId,
    });
    expect(traefik).toContain(`Host(\`${host}\`)`);
    expect(traefik).toContain(`http://${copy.appName}:8080`);
    expect(traefik).not.toContain(templateHost);
    // The template is untouched.
    const templateAfter = await app(e2e, web.applicationId);
    expect(templateAfter.dockerImage).toBeNull();
    expect(templateAfter.env).toBe("A=1\nB=template");
    expect(templateAfter.domains.map((d) => d.host)).toEqual([templateHost]);
    expect(await e2e.dokploy.deployments(web.applicationId)).toEqual([]);

    // A second push: the same environment and copy, no second domain, the new image.
    const sha2 = commitSha();
    const second = await e2e.runAction(sha2, inputs, { cwd: await e2e.checkout(), env });

    expect(second.exitCode, second.stdout).toBe(0);
    const again = marked(await environments(e2e, project));
    expect(again.map((e) => [e.environmentId, e.applications.map((a) => a.applicationId)])).toEqual([
      [preview?.environmentId, [copy.applicationId]],
    ]);
    const copy2 = await app(e2e, copy.applicationId);
    expect(copy2.domains.map((d) => d.host)).toEqual([host]);
    expect(copy2.mounts).toHaveLength(1);
    const ref2 = `${image}:${sha2}`;
    expect(copy2.dockerImage).toBe(ref2);
    expect(await e2e.swarm.waitUntilRunning(copy.appName, ref2)).toEqual([{ image: ref2, state: "running" }]);
    expect(second.outputs["preview-url"]).toBe(`http://${host}`);

    // Close: everything marked goes, the template stays.
    const closed = await e2e.runAction(sha2, { ...inputs, preview: "close" }, { cwd, env });

    expect(closed.exitCode, closed.stdout).toBe(0);
    expect(closed.stdout).not.toMatch(/docker (buildx )?build/);
    expect(marked(await environments(e2e, project))).toEqual([]);
    await expect(app(e2e, copy.applicationId)).rejects.toThrow();
    expect(await e2e.swarm.service(copy.appName)).toBeUndefined();
    expect((await e2e.swarm.docker(["volume", "ls", "-q"])).split("\n")).not.toContain(`${volume}-pr-7`);
    const templateLast = await app(e2e, web.applicationId);
    expect(templateLast.domains.map((d) => d.host)).toEqual([templateHost]);
    expect(templateLast.mounts.map((m) => m.volumeName)).toEqual([volume]);
  }, 600_000);

  it("a preview beyond preview-limit is refused before anything is made in Dokploy", async () => {
    const project = await newProject(e2e, "preview-limit");
    const tag = suffix();
    removePreviewsAfter(e2e, project, tag);
    const { web } = await template(e2e, project, tag);
    // An open preview of another pull request of this template, as the step marks one.
    await e2e.dokploy.mutate("environment.create", {
      projectId: project.projectId,
      name: "pr-1",
      description: `${MARKER}pr=1 repo=acme%2Fweb template=application:${web.applicationId} created=2026-12-07T10:00:00.000Z`,
    });
    const image = e2e.image("preview-limit");

    const run = await e2e.runAction(
      commitSha(),
      e2e.inputs(web, image, { preview: "open", "preview-number": "2", "preview-limit": "1" }),
      { cwd: await e2e.checkout(), env: { GITHUB_REPOSITORY: "acme/web" } },
    );

    expect(run.exitCode, run.stdout).not.toBe(0);
    expect(run.stdout).toContain('Input "preview-limit": 1 previews of application');
    expect(run.stdout).toContain("no preview was made for pull request 2");
    const rows = await environments(e2e, project);
    expect(marked(rows).map((e) => e.name)).toEqual(["pr-1"]);
    expect(rows.map((e) => e.name)).not.toContain("pr-2");
  });
  it("close removes the marked application, keeps one without the marker and the environment, and names it", async () => {
    const project = await newProject(e2e, "preview-refuse");
    const tag = suffix();
    removePreviewsAfter(e2e, project, tag);
    const { web } = await template(e2e, project, tag);
    const marker = `${MARKER}pr=3 repo=acme%2Fweb template=application:${web.applicationId} created=2026-12-07T10:00:00.000Z`;
    const made = await e2e.dokploy.mutate<{ environmentId: string }>("environment.create", {
      projectId: project.projectId,
      name: "pr-3",
      description: marker,
    });
    const ours = await e2e.dokploy.mutate<{ applicationId: string; appName: string }>("application.create", {
      name: `web-${tag}`,
      environmentId: made.environmentId,
      description: marker,
    });
    const theirs = await e2e.dokploy.mutate<{ applicationId: string }>("application.create", {
      name: `notes-${tag}`,
      environmentId: made.environmentId,
      description: "someone's own",
    });
    e2e.onCleanUp(() => e2e.dokploy.deleteApplication(theirs.applicationId).catch(() => undefined));

    const run = await e2e.runAction(
      commitSha(),
      e2e.inputs(web, e2e.image("preview-refuse"), { preview: "close", "preview-number": "3" }),
      { cwd: await e2e.checkout(), env: { GITHUB_REPOSITORY: "acme/web" } },
    );

    expect(run.exitCode, run.stdout).toBe(1);
    expect(run.stdout).toContain(`holds application "notes-${tag}" without this pull request's marker`);
    await expect(app(e2e, ours.applicationId)).rejects.toThrow();
    expect((await app(e2e, theirs.applicationId)).applicationId).toBe(theirs.applicationId);
    const left = (await environments(e2e, project)).find((e) => e.environmentId === made.environmentId);
    expect(left?.applications.map((a) => a.applicationId)).toEqual([theirs.applicationId]);
    expect((await app(e2e, web.applicationId)).domains).toHaveLength(1);
  });

  it("prune removes the previews past preview-ttl and keeps the others, building nothing", async () => {
    const project = await newProject(e2e, "preview-prune");
    const tag = suffix();
    removePreviewsAfter(e2e, project, tag);
    const { web } = await template(e2e, project, tag);
    const markerOf = (pr: string, created: string) =>
      `${MARKER}pr=${pr} repo=acme%2Fweb template=application:${web.applicationId} created=${created}`;
    const preview = async (pr: string, created: string) => {
      const env = await e2e.dokploy.mutate<{ environmentId: string }>("environment.create", {
        projectId: project.projectId,
        name: `pr-${pr}`,
        description: markerOf(pr, created),
      });
      const made = await e2e.dokploy.mutate<{ applicationId: string }>("application.create", {
        name: `web-${tag}`,
        environmentId: env.environmentId,
        description: markerOf(pr, created),
      });
      return { ...env, ...made };
    };
    const old = await preview("5", "2026-01-01T00:00:00.000Z");
    const fresh = await preview("6", new Date().toISOString());

    const run = await e2e.runAction(
      commitSha(),
      e2e.inputs(web, e2e.image("preview-prune"), { preview: "prune", "preview-ttl": "1h" }),
      { cwd: await e2e.checkout(), env: { GITHUB_REPOSITORY: "acme/web" } },
    );

    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).not.toMatch(/docker (buildx )?build/);
    const left = marked(await environments(e2e, project));
    expect(left.map((e) => e.environmentId)).toEqual([fresh.environmentId]);
    await expect(app(e2e, old.applicationId)).rejects.toThrow();
    expect((await app(e2e, fresh.applicationId)).applicationId).toBe(fresh.applicationId);
    expect((await app(e2e, web.applicationId)).domains).toHaveLength(1);
  });

  it("two pull requests at once get two previews, each with its own host and image, closed one by one", async () => {
    const project = await newProject(e2e, "preview-two");
    const tag = suffix();
    removePreviewsAfter(e2e, project, tag);
    const { web, volume } = await template(e2e, project, tag);
    const image = e2e.image("preview-two");
    const env = { GITHUB_REPOSITORY: "acme/web" };
    const inputsOf = (pr: string, mode = "open") =>
      e2e.inputs(web, image, {
        preview: mode,
        "preview-number": pr,
        "preview-host": `pr-{number}-${tag}.preview.test`,
      });
    const [sha31, sha32] = [commitSha(), commitSha()];
    const [cwd31, cwd32] = [await e2e.checkout(), await e2e.checkout()];

    const runs = await Promise.all([
      e2e.runAction(sha31, inputsOf("31"), { cwd: cwd31, env }),
      e2e.runAction(sha32, inputsOf("32"), { cwd: cwd32, env }),
    ]);

    for (const run of runs) expect(run.exitCode, run.stdout).toBe(0);
    const previews = marked(await environments(e2e, project)).sort((a, b) => a.name.localeCompare(b.name));
    expect(previews.map((p) => [p.name, p.applications.length])).toEqual([
      ["pr-31", 1],
      ["pr-32", 1],
    ]);
    for (const [preview, pr, sha] of [
      [previews[0], "31", sha31],
      [previews[1], "32", sha32],
    ] as const) {
      const copy = await app(e2e, preview?.applications[0]?.applicationId ?? "");
      expect(copy.domains.map((d) => d.host)).toEqual([`pr-${pr}-${tag}.preview.test`]);
      expect(copy.mounts.map((m) => m.volumeName)).toEqual([`${volume}-pr-${pr}`]);
      const ref = `${image}:${sha}`;
      expect(await e2e.swarm.waitUntilRunning(copy.appName, ref)).toEqual([{ image: ref, state: "running" }]);
    }
    expect(runs.map((r) => r.outputs["preview-url"])).toEqual([
      `http://pr-31-${tag}.preview.test`,
      `http://pr-32-${tag}.preview.test`,
    ]);

    // Closing one leaves the other running.
    const closed = await e2e.runAction(sha31, inputsOf("31", "close"), { cwd: cwd31, env });

    expect(closed.exitCode, closed.stdout).toBe(0);
    expect(marked(await environments(e2e, project)).map((p) => p.name)).toEqual(["pr-32"]);
    const other = await app(e2e, previews[1]?.applications[0]?.applicationId ?? "");
    const ref32 = `${image}:${sha32}`;
    expect(await e2e.swarm.waitUntilRunning(other.appName, ref32)).toEqual([{ image: ref32, state: "running" }]);
  }, 600_000);
});
