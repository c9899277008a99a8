import { describe, expect, it } from "vitest";
import { gitlabLogger, plainLogger } from "../../src/cli/log";
import { dotenvValue } from "../../src/cli/env";
import { githubLogger, mayBeWorkflowCommand } from "../../src/github/commands";
import { readRunnerLog } from "../support/workflow-commands";
import { LINE_LIMIT, MESSAGE_LIMIT, cut, printableLines } from "./imports";

function github(debug = true) {
  const lines: string[] = [];
  let n = 0;
  const logger = githubLogger(
    (l) => lines.push(l),
    debug,
    () => `token${String((n += 1))}`,
  );
  return { logger, lines, stdout: () => lines.join("\n") };
}

describe("printableLines and cut", () => {
  it("splits at every line break and makes control characters visible", () => {
    expect(printableLines("a\r\nb\rc\nd\u001b[31me\u0000\u0085\tf")).toEqual([
      "a",
      "b",
      "c",
      "d\\x1b[31me\\x00\\x85\tf",
    ]);
  });

  it("cuts long lines, saying how much was left out, never inside a surrogate pair", () => {
    expect(printableLines("x".repeat(LINE_LIMIT + 5))[0]).toBe(`${"x".repeat(LINE_LIMIT)}… (5 more characters)`);
    expect(cut("ab😀cd", 3)).toBe("ab… (4 more characters)");
  });
});

describe("the GitHub log", () => {
  it("prints plain lines as they are", () => {
    const { logger, lines } = github();
    logger.info("Pushed ghcr.io/acme/web:1 (sha256:ab)\nsecond line");
    expect(lines).toEqual(["Pushed ghcr.io/acme/web:1 (sha256:ab)", "second line"]);
  });

  it("prints lines that look like workflow commands between ::stop-commands:: and a fresh token", () => {
    const { logger, stdout, lines } = github();
    logger.info("web\n::set-output name=x::forged\n  ::error::forged");
    logger.info("step ##[add-mask]forged");
    logger.warn("after");
    expect(lines).toEqual([
      "::stop-commands::token1",
      "web",
      "::set-output name=x::forged",
      "  ::error::forged",
      "::token1::",
      "::stop-commands::token2",
      "step ##[add-mask]forged",
      "::token2::",
      "::warning::after",
    ]);
    const log = readRunnerLog(stdout());
    expect(log.commands.map((c) => [c.command, c.data])).toEqual([["warning", "after"]]);
    expect(log.plain).toContain("::set-output name=x::forged");
  });

  it.each([
    ["::error::x", true],
    [" \t::error::x", true],
    ["\u00a0::x", true],
    ["\u200b::x", true],
    [":\u00ad:x", true],
    ["a ##[x]", true],
    ["#\u200b#[x]", true],
    ["a :: b", false],
    ["IPv6 ::1", false],
    ["│ ::error::x", false],
  ])("takes %j for a possible workflow command: %s", (line, expected) => {
    expect(mayBeWorkflowCommand(line)).toBe(expected);
  });

  it("escapes warnings, errors, debug lines and group titles into one command line each", () => {
    const { logger, lines } = github();
    logger.error("100% failed\r\n::set-output name=x::y");
    logger.debug("a\nb");
    void logger.group("Build\n::error::x", () => Promise.resolve());
    expect(lines.slice(0, 3)).toEqual([
      "::error::100%25 failed%0A::set-output name=x::y",
      "::debug::a%0Ab",
      "::group::Build%0A::error::x",
    ]);
    expect(readRunnerLog(lines.join("\n")).commands.map((c) => c.command)).toEqual(["error", "debug", "group"]);
  });

  it("cuts a message to MESSAGE_LIMIT", () => {
    const { logger, lines } = github();
    logger.error("e".repeat(MESSAGE_LIMIT * 2));
    expect(lines[0]?.length).toBeLessThan(MESSAGE_LIMIT + 100);
    expect(lines[0]).toMatch(/… \(65536 more characters\)$/);
  });
});

describe("the GitLab and plain logs", () => {
  it("print each line of a message on its own, so no text can open or hide a section", () => {
    const lines: string[] = [];
    const logger = gitlabLogger(
      (l) => lines.push(l),
      false,
      () => 0,
    );
    logger.warn("one\ntwo");
    logger.info("\u001b[0Ksection_start:1:evil\r\u001b[0Khidden");
    expect(lines).toEqual([
      "\u001b[0;33mWARNING: one\u001b[0m",
      "\u001b[0;33mtwo\u001b[0m",
      "\\x1b[0Ksection_start:1:evil",
      "\\x1b[0Khidden",
    ]);
  });

  it("plain: prefixes the first line of a warning or error", () => {
    const lines: string[] = [];
    const logger = plainLogger((l) => lines.push(l), false);
    logger.error("failed\ndetail");
    expect(lines).toEqual(["✖ failed", "detail"]);
  });
});

describe("dotenvValue", () => {
  it("keeps a value on its line", () => {
    expect(dotenvValue("dep-1\nDOKPLOY_IMAGE=evil\r\nX")).toBe("dep-1\\x0aDOKPLOY_IMAGE=evil\\x0d\\x0aX");
    expect(dotenvValue("https://d.example.com/a b")).toBe("https://d.example.com/a b");
  });
});
