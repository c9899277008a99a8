import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/config";
import { run } from "../../src/pipeline/run";
import { SHA, fakeDocker, fakePorts } from "../support/fake-docker";
import { DEPLOY_ONLY, FAKE_PUSH, dokployOf, useStandIn } from "../support/fixtures";
import { MemoryLogger } from "../support/loggers";
import { standInTemplate } from "../support/preview-fixtures";

const API_KEY = "preview-source-key";
const standIn = useStandIn({ apiKey: API_KEY });

/** A preview run of pull request 5 of acme/web over the fake docker, deploying FAKE_IMAGE:v1. */
async function previewRun(applicationId: string, preview: "open" | "close") {
  const logger = new MemoryLogger();
  const config = parseConfig(
    {
      ...dokployOf(standIn(), API_KEY),
      "application-id": applicationId,
      ...FAKE_PUSH,
      ...DEPLOY_ONLY,
      preview,
      "verify-timeout": "2",
    },
    { sha: SHA, repository: "acme/web", pullRequest: { number: "5", closed: false } },
  );
  const outcome = await run(config, fakePorts(fakeDocker(), logger, []));
  return { error: outcome.error, log: logger.text() };
}

describe("a preview of a template that builds from git", () => {
  it("opens and closes without switch-source: the template is only read, its copy runs the image", async () => {
    const { project, web } = standInTemplate(standIn());
    Object.assign(web, { owner: "acme", repository: "web", branch: "main" });
    const before = structuredClone(web);

    const opened = await previewRun(web.applicationId, "open");

    expect(opened.error).toBeUndefined();
    expect(opened.log).not.toContain("switch");
    const env = project.environments.find((e) => e.name === "pr-5");
    const [copy, ...more] = [...standIn().applications.values()].filter((a) => a.environmentId === env?.environmentId);
    expect(more).toEqual([]);
    expect(copy?.dockerImage).toBe("127.0.0.1:5000/acme/web:v1");
    expect(copy?.repository ?? null).toBeNull();

    const closed = await previewRun(web.applicationId, "close");

    expect(closed.error).toBeUndefined();
    expect(project.environments.map((e) => e.name)).toEqual(["production", "template"]);
    expect(standIn().applications.get(web.applicationId)).toEqual(before);
    expect(
      standIn()
        .callsOf("application.saveDockerProvider")
        .map((c) => c.input),
    ).toMatchObject([{ applicationId: copy?.applicationId }]);
  });
});
