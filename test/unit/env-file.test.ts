import { describe, expect, it } from "vitest";
import { readVariable, setVariables } from "../../src/targets/env-file";

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
