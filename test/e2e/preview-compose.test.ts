/**
 * A preview of a compose service (a stack) against a live Dokploy: preview: open copies the
 * template compose into a marked environment with its file, its variables (preview-env over
 * them) and a domain of its own for the template's service; the copy's stack runs our image; a
 * second push updates the same copy; close removes it with its stack volume, and the template
 * stays as it was.
 */
import { expect, it } from "vitest";
import { type E2E, commitSha, describeLive } from "../support/e2e";
import {
  MARKER,
  composeRow,
  composeTemplate,
  environments,
  marked,
  onlyPreview,
  removePreviewsAfter,
} from "../support/live-previews";
import { composeDeployments, composeSetupVariables, newProject, suffix } from "../support/live-targets";

/** Traefik's HTTP routers on a swarm service, as Dokploy labels a stack's service: [rule, port] each. */
async function routes(e2e: E2E, service: string): Promise<string[][]> {
  const labels = (await e2e.swarm.service(service))?.labels ?? {};
  return Object.entries(labels).flatMap(([key, rule]) => {
    const router = /^traefik\.http\.routers\.(.+)\.rule$/.exec(key)?.[1];
    return router ? [[rule, labels[`traefik.http.services.${router}.loadbalancer.server.port`] ?? ""]] : [];
  });
}

describeLive("a preview of a compose service against a live Dokploy", (e2e) => {
  it("open copies the stack with its own host running our image, a push updates it, close removes it", async () => {
    const project = await newProject(e2e, "preview-compose");
    const tag = suffix();
    removePreviewsAfter(e2e, project, tag);
    const templateEnv = `${composeSetupVariables(e2e)}A=1\nB=template`;
    const { shop, host: templateHost } = await composeTemplate(e2e, project, tag, templateEnv);
    const image = e2e.image("preview-compose");
    const host = `pr-8-${tag}.preview.test`;
    const { "application-id": _id, ...inputs } = e2e.inputs({ applicationId: "" }, image, {
      "compose-id": shop.composeId,
      // The stack is pulled with the Dokploy host's own login: the registry entry gives it one.
      "dokploy-registry": "true",
      preview: "open",
      "preview-number": "8",
      "preview-host": `pr-{number}-${tag}.preview.test`,
      "preview-env": `B=from-pr-${tag}`,
    });
    const env = { GITHUB_REPOSITORY: "acme/shop" };
    const cwd = await e2e.checkout();

    const sha = commitSha();
    const first = await e2e.runAction(sha, inputs, { cwd, env });

    expect(first.exitCode, first.stdout).toBe(0);
    const preview = await onlyPreview(e2e, project);
    expect(preview?.name).toBe("pr-8");
    expect(preview?.description).toMatch(
      new RegExp(
        `^${MARKER}pr=8 repo=acme%2Fshop template=compose:${shop.composeId} created=\\S+ deployed=\\S+ sha=${sha.slice(0, 7)}$`,
      ),
    );
    expect(preview?.applications).toEqual([]);
    expect(preview?.compose).toHaveLength(1);
    const copyId = preview?.compose?.[0]?.composeId ?? "";
    const copy = await composeRow(e2e, copyId);
    expect(copy.description).toMatch(new RegExp(`^${MARKER}pr=8 repo=acme%2Fshop template=compose:${shop.composeId} `));
    expect(copy.appName).toMatch(new RegExp(`^shop-${tag}-pr-8-[a-z0-9]{6}$`));
    expect([copy.composeType, copy.sourceType, copy.composeFile]).toEqual(["stack", "raw", shop.composeFile]);
    const ref = `${image}:${sha}`;
    expect(copy.env).toBe(`${composeSetupVariables(e2e)}A=1\nB=from-pr-${tag}\nIMAGE=${ref}\nTAG=${sha}`);
    expect(copy.domains.map((d) => [d.host, d.serviceName, d.port])).toEqual([[host, "web", 8080]]);
    const [deployment, ...moreDeployments] = await composeDeployments(e2e, copyId);
    expect(moreDeployments).toEqual([]);
    expect(deployment).toMatchObject({ status: "done", title: `Deploy ${sha.slice(0, 7)}` });
    expect(first.stdout).toContain(`Docker Swarm runs ${ref} for ${copy.appName}_web.`);
    expect((await e2e.swarm.runningTasks(`${copy.appName}_web`)).map((t) => t.image.split("@")[0])).toEqual([ref]);
    expect(first.outputs["preview-url"]).toBe(`http://${host}`);
    // The routing Dokploy wrote for the preview's host: a router on the copy's service to its port.
    expect(await routes(e2e, `${copy.appName}_web`)).toEqual([[`Host(\`${host}\`)`, "8080"]]);
    // The template is untouched: its variables, its one domain, never deployed.
    const templateAfter = await composeRow(e2e, shop.composeId);
    expect(templateAfter.env).toBe(templateEnv);
    expect(templateAfter.domains.map((d) => d.host)).toEqual([templateHost]);
    expect(await composeDeployments(e2e, shop.composeId)).toEqual([]);

    // A second push: the same environment and copy, one domain, the new image.
    const sha2 = commitSha();
    const second = await e2e.runAction(sha2, inputs, { cwd: await e2e.checkout(), env });

    expect(second.exitCode, second.stdout).toBe(0);
    const again = marked(await environments(e2e, project));
    expect(again.map((e) => [e.environmentId, e.compose?.map((c) => c.composeId)])).toEqual([
      [preview?.environmentId, [copyId]],
    ]);
    const copy2 = await composeRow(e2e, copyId);
    expect(copy2.domains.map((d) => d.host)).toEqual([host]);
    const ref2 = `${image}:${sha2}`;
    expect(copy2.env).toBe(`${composeSetupVariables(e2e)}A=1\nB=from-pr-${tag}\nIMAGE=${ref2}\nTAG=${sha2}`);
    expect(second.stdout).toContain(`Docker Swarm runs ${ref2} for ${copy.appName}_web.`);
    expect(await routes(e2e, `${copy.appName}_web`)).toEqual([[`Host(\`${host}\`)`, "8080"]]);

    // docker stack rm keeps a stack's volumes: the copy's is there until close removes it.
    expect((await e2e.swarm.docker(["volume", "ls", "-q"])).split("\n")).toContain(`${copy.appName}_data`);

    // Close: the marked copy goes with its stack and its volume, the template stays.
    const closed = await e2e.runAction(sha2, { ...inputs, preview: "close" }, { cwd, env });

    expect(closed.exitCode, closed.stdout).toBe(0);
    expect(closed.stdout).toContain(`Compose "shop-${tag}" removed from the preview.`);
    expect(closed.stdout).toContain(`Volume ${copy.appName}_data removed.`);
    expect(marked(await environments(e2e, project))).toEqual([]);
    await expect(composeRow(e2e, copyId)).rejects.toThrow();
    expect(await e2e.swarm.service(`${copy.appName}_web`)).toBeUndefined();
    expect((await e2e.swarm.docker(["volume", "ls", "-q"])).split("\n")).not.toContain(`${copy.appName}_data`);
    const templateLast = await composeRow(e2e, shop.composeId);
    expect(templateLast.env).toBe(templateEnv);
    expect(templateLast.domains.map((d) => d.host)).toEqual([templateHost]);
  }, 300_000);

  it("a preview without preview-host gets a host Dokploy makes, and prune removes it once past preview-ttl", async () => {
    const project = await newProject(e2e, "preview-compose-prune");
    const tag = suffix();
    removePreviewsAfter(e2e, project, tag);
    const templateEnv = `${composeSetupVariables(e2e)}A=1`;
    const { shop, host: templateHost } = await composeTemplate(e2e, project, tag, templateEnv);
    const image = e2e.image("preview-compose-prune");
    const { "application-id": _id, ...inputs } = e2e.inputs({ applicationId: "" }, image, {
      "compose-id": shop.composeId,
      "dokploy-registry": "true",
      preview: "open",
      "preview-number": "9",
    });
    const env = { GITHUB_REPOSITORY: "acme/shop" };
    const cwd = await e2e.checkout();

    const opened = await e2e.runAction(commitSha(), inputs, { cwd, env });

    expect(opened.exitCode, opened.stdout).toBe(0);
    const [preview] = marked(await environments(e2e, project));
    const copy = await composeRow(e2e, preview?.compose?.[0]?.composeId ?? "");
    const [domain, ...moreDomains] = copy.domains;
    expect(moreDomains).toEqual([]);
    expect(domain?.host).not.toBe(templateHost);
    expect(domain?.host).toContain(copy.appName);
    expect(opened.outputs["preview-url"]).toBe(`http://${domain?.host ?? ""}`);
    expect(await routes(e2e, `${copy.appName}_web`)).toEqual([[`Host(\`${domain?.host ?? ""}\`)`, "8080"]]);

    // Past a one-second preview-ttl: prune removes it, building nothing.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const pruned = await e2e.runAction(commitSha(), { ...inputs, preview: "prune", "preview-ttl": "1" }, { cwd, env });

    expect(pruned.exitCode, pruned.stdout).toBe(0);
    expect(pruned.stdout).not.toMatch(/docker (buildx )?build/);
    expect(marked(await environments(e2e, project))).toEqual([]);
    await expect(composeRow(e2e, copy.composeId)).rejects.toThrow();
    expect(await e2e.swarm.service(`${copy.appName}_web`)).toBeUndefined();
    expect((await e2e.swarm.docker(["volume", "ls", "-q"])).split("\n")).not.toContain(`${copy.appName}_data`);
    const templateLast = await composeRow(e2e, shop.composeId);
    expect([templateLast.env, templateLast.domains.map((d) => d.host)]).toEqual([templateEnv, [templateHost]]);
  }, 300_000);
});
