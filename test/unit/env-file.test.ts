import { describe, expect, it } from "vitest";
import { definitionsOf, readVariable, setVariables } from "../../src/targets/env-file";

describe("a compose's variables", () => {
  const env = "# the user's\nGREETING=hello world\nexport IMAGE=old/web:1\n\nSECRET='a#b'\nTAG=1 # pinned\n";

  it.each<[string, string | undefined]>([
    ["GREETING", "hello world"],
    ["IMAGE", "old/web:1"],
    ["SECRET", "a#b"],
    ["TAG", "1"],
    ["MISSING", undefined],
  ])("reads %s", (name, value) => {
    expect(readVariable(env, name)).toBe(value);
  });

  it("replaces our lines where they are and keeps every other line byte for byte", () => {
    expect(setVariables(env, { IMAGE: "ghcr.io/acme/web:abc", TAG: "abc" })).toBe(
      "# the user's\nGREETING=hello world\nIMAGE=ghcr.io/acme/web:abc\n\nSECRET='a#b'\nTAG=abc\n",
    );
  });

  it("adds what is missing at the end, before the final newline, and keeps CRLF", () => {
    expect(setVariables("A=1\r\nB=2\r\n", { IMAGE: "x:1", TAG: "1" })).toBe("A=1\r\nB=2\r\nIMAGE=x:1\r\nTAG=1\r\n");
    expect(setVariables("A=1", { TAG: "1" })).toBe("A=1\nTAG=1");
    expect(setVariables(null, { IMAGE: "x:1", TAG: "1" })).toBe("IMAGE=x:1\nTAG=1");
  });

  it("removes a variable set to undefined (to put back an env that did not have it), and every definition of ours", () => {
    expect(setVariables("A=1\nIMAGE=x:1\nB=2\nIMAGE=y:2\n", { IMAGE: undefined })).toBe("A=1\nB=2\n");
    expect(setVariables("IMAGE=a\nIMAGE=b\n", { IMAGE: "c" })).toBe("IMAGE=c\nIMAGE=c\n");
  });

  it("does not take a longer name for ours", () => {
    expect(setVariables("IMAGE_PULL=always\nMY_TAG=x\n", { IMAGE: "i", TAG: "t" })).toBe(
      "IMAGE_PULL=always\nMY_TAG=x\nIMAGE=i\nTAG=t\n",
    );
  });
});

describe("every definition in a service's variables", () => {
  it("reads each value as readVariable does: quotes, export, comments and blank lines", () => {
    const env = "# the user's\nGREETING=hello world\nexport IMAGE=old/web:1\n\nSECRET='a#b'\nTAG=1 # pinned\nEMPTY=\n";
    expect(definitionsOf(env)).toEqual([
      { name: "GREETING", value: "hello world", bare: true },
      { name: "IMAGE", value: "old/web:1", bare: true },
      { name: "SECRET", value: "a#b", bare: false },
      { name: "TAG", value: "1", bare: true },
      { name: "EMPTY", value: "", bare: true },
    ]);
    for (const { name, value } of definitionsOf(env)) expect(readVariable(env, name)).toBe(value);
  });

  it("reads a quoted value over several lines whole, and goes on after it", () => {
    const env = 'KEY="-----BEGIN KEY-----\r\nMIIEabc\r\n-----END KEY-----" # pem\r\nNEXT=x\r\nB=`one\ntwo`\n';
    expect(definitionsOf(env)).toEqual([
      { name: "KEY", value: "-----BEGIN KEY-----\nMIIEabc\n-----END KEY-----", bare: false },
      { name: "NEXT", value: "x", bare: true },
      { name: "B", value: "one\ntwo", bare: false },
    ]);
    expect(definitionsOf("A='one\nB=two'\nC=3").map((d) => d.name)).toEqual(["A", "C"]);
  });

  it("takes \\n in double quotes for a line break, as dotenv does, and an unclosed quote as written", () => {
    expect(definitionsOf("A=\"one\\ntwo\"\nB='one\\ntwo'")).toEqual([
      { name: "A", value: "one\ntwo", bare: false },
      { name: "B", value: "one\\ntwo", bare: false },
    ]);
    expect(definitionsOf('A="never closed\nB=2')).toEqual([
      { name: "A", value: '"never closed', bare: true },
      { name: "B", value: "2", bare: true },
    ]);
  });
});
