import { writeFile } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { ciContextFromGithub } from "../../src/github/context";
import { removeTempDirs, tempDir } from "../support/temp";

afterAll(removeTempDirs);

describe("ciContextFromGithub", () => {
  it("reads the commit, the repository, the run and the push's commit message", async () => {
    const dir = await tempDir("event");
    const event = `${dir}/event.json`;
    await writeFile(event, JSON.stringify({ head_commit: { id: "abc", message: "Fix checkout\n\nDetails" } }));
    expect(
      await ciContextFromGithub({
        GITHUB_SHA: "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c",
        GITHUB_REPOSITORY: "acme/web",
        GITHUB_SERVER_URL: "https://github.example.com",
        GITHUB_RUN_ID: "77",
        GITHUB_EVENT_PATH: event,
      }),
    ).toEqual({
      sha: "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c",
      repository: "acme/web",
      repositoryUrl: "https://github.example.com/acme/web",
      runUrl: "https://github.example.com/acme/web/actions/runs/77",
      commitMessage: "Fix checkout\n\nDetails",
      actionsCache: false,
    });
  });

  it("reads the pull request of a pull_request event, and whether it closes it", async () => {
    const dir = await tempDir("event");
    await writeFile(`${dir}/opened.json`, JSON.stringify({ action: "synchronize", pull_request: { number: 12 } }));
    await writeFile(`${dir}/closed.json`, JSON.stringify({ action: "closed", pull_request: { number: 12 } }));
    const of = async (file: string) => (await ciContextFromGithub({ GITHUB_EVENT_PATH: `${dir}/${file}` })).pullRequest;
    expect(await of("opened.json")).toEqual({ number: "12", closed: false });
    expect(await of("closed.json")).toEqual({ number: "12", closed: true });
  });

  it("does without an event payload, or one without a head commit (pull requests)", async () => {
    const dir = await tempDir("event");
    await writeFile(`${dir}/pr.json`, JSON.stringify({ pull_request: { number: 1 } }));
    expect(
      (await ciContextFromGithub({ GITHUB_SHA: "a", GITHUB_EVENT_PATH: `${dir}/pr.json` })).commitMessage,
    ).toBeUndefined();
    expect(await ciContextFromGithub({})).toEqual({
      sha: "",
      repository: undefined,
      repositoryUrl: undefined,
      runUrl: undefined,
      commitMessage: undefined,
      actionsCache: false,
    });
  });

  it("says GitHub's cache service is open when the runner gave the action its token and a cache URL", async () => {
    const token = { ACTIONS_RUNTIME_TOKEN: "rt" };
    expect((await ciContextFromGithub({ ...token, ACTIONS_CACHE_URL: "https://c/" })).actionsCache).toBe(true);
    expect((await ciContextFromGithub({ ...token, ACTIONS_RESULTS_URL: "https://r/" })).actionsCache).toBe(true);
    expect((await ciContextFromGithub(token)).actionsCache).toBe(false);
    expect((await ciContextFromGithub({ ACTIONS_CACHE_URL: "https://c/" })).actionsCache).toBe(false);
  });
});
