import { describe, expect, it } from "vitest";
import { summaryMarkdown } from "../../src/report/report";
import { MESSAGE_LIMIT, parseConfig } from "./imports";

const config = parseConfig(
  {
    "dokploy-url": "https://d.example.com",
    "dokploy-api-key": "k",
    "application-id": "a",
    image: "ghcr.io/acme/web",
  },
  { sha: "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c" },
);
const result = { image: "ghcr.io/acme/web:1", tag: "1", targets: [], timings: [] };

describe("summaryMarkdown", () => {
  it("fences the error so that no backticks in it end the block", () => {
    const markdown = summaryMarkdown(config, {
      result,
      changes: [],
      error: new Error("log:\n```\n[click](https://evil.example)"),
    });
    expect(markdown).toContain("````\nlog:\n```\n[click](https://evil.example)\n````");
  });

  it("cuts a huge error message", () => {
    const markdown = summaryMarkdown(config, { result, changes: [], error: new Error("e".repeat(MESSAGE_LIMIT * 4)) });
    expect(markdown.length).toBeLessThan(MESSAGE_LIMIT + 2000);
    expect(markdown).toContain(`… (${String(MESSAGE_LIMIT * 3)} more characters)`);
  });
});
