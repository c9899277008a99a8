import { describe, expect, it } from "vitest";
import {
  dockerfileWithLabels,
  pullsFrom,
  type CiContext,
  type RawInputs,
  buildArgv,
  buildxOnlyInputs,
  loginArgv,
  parseConfig,
  parseMetadataDigest,
  parsePushDigest,
  pushArgv,
  pushRefs,
} from "./imports";
import { BASE_INPUTS as base } from "../support/fixtures";

const ci: CiContext = {
  sha: "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c",
  repository: "acme/web",
  repositoryUrl: "https://github.com/acme/web",
};
const created = new Date("2026-11-23T05:00:00.000Z");
const STABLE_LABELS = [
  "--label",
  "org.opencontainers.image.source=https://github.com/acme/web",
  "--label",
  "org.opencontainers.image.title=web",
];
const LABELS = [
  "--label",
  "org.opencontainers.image.created=2026-11-23T05:00:00.000Z",
  "--label",
  `org.opencontainers.image.revision=${ci.sha}`,
  ...STABLE_LABELS,
];
const REF = `ghcr.io/acme/web:${ci.sha}`;

describe("build argv", () => {
  it.each<[string, boolean, RawInputs, string[]]>([
    // The classic builder leaves out the labels that change with every commit.
    ["classic, defaults", false, {}, ["build", "--tag", REF, ...STABLE_LABELS, "--iidfile", "/t/build-iid", "."]],
    [
      "buildx, defaults",
      true,
      {},
      [
        "buildx",
        "build",
        "--tag",
        REF,
        ...LABELS,
        "--metadata-file",
        "/t/build-metadata.json",
        "--iidfile",
        "/t/build-iid",
        "--push",
        ".",
      ],
    ],
    [
      "buildx, push: false (deploy: false): nothing leaves the builder",
      true,
      { deploy: "false", push: "false" },
      [
        "buildx",
        "build",
        "--tag",
        REF,
        ...LABELS,
        "--metadata-file",
        "/t/build-metadata.json",
        "--iidfile",
        "/t/build-iid",
        ".",
      ],
    ],
    [
      "classic, every classic option",
      false,
      {
        context: "app",
        file: "app/Dockerfile.prod",
        target: "runtime",
        "extra-tags": "latest",
        "build-args": "NODE_ENV=production\nVERSION",
        labels: "org.opencontainers.image.title=custom",
        network: "host",
      },
      [
        "build",
        "--file",
        "app/Dockerfile.prod",
        "--tag",
        REF,
        "--tag",
        "ghcr.io/acme/web:latest",
        ...STABLE_LABELS,
        "--label",
        "org.opencontainers.image.title=custom",
        "--build-arg",
        "NODE_ENV=production",
        "--build-arg",
        "VERSION",
        "--target",
        "runtime",
        "--network",
        "host",
        "--iidfile",
        "/t/build-iid",
        "app",
      ],
    ],
    [
      "buildx, platforms, cache, secrets and attestations",
      true,
      {
        platforms: "linux/amd64,linux/arm64",
        "cache-from": "type=gha",
        "cache-to": "type=gha,mode=max",
        "build-secrets":
          "id=npm,env=NPM_TOKEN\nGIT_AUTH_TOKEN=ghp_abc=,def\ntype=file,id=aws,src=/home/u/.aws/credentials",
        provenance: "mode=max",
        sbom: "true",
      },
      [
        "buildx",
        "build",
        "--tag",
        REF,
        ...LABELS,
        "--platform",
        "linux/amd64,linux/arm64",
        "--cache-from",
        "type=gha",
        "--cache-to",
        "type=gha,mode=max",
        "--secret",
        "id=npm,env=NPM_TOKEN",
        "--secret",
        "id=GIT_AUTH_TOKEN,src=/t/build-secret-2",
        "--secret",
        "type=file,id=aws,src=/home/u/.aws/credentials",
        "--provenance=mode=max",
        "--sbom=true",
        "--metadata-file",
        "/t/build-metadata.json",
        "--iidfile",
        "/t/build-iid",
        "--push",
        ".",
      ],
    ],
  ])("%s", (_name, buildx, inputs, argv) => {
    const config = parseConfig({ ...base, ...inputs }, ci);
    expect(buildArgv(config, { buildx, outDir: "/t", created })).toEqual(argv);
  });

  it("never puts a password in any argv", () => {
    const config = parseConfig({ ...base, "registry-username": "u", "registry-password": "hunter2" }, ci);
    const all = [
      ...buildArgv(config, { buildx: true, outDir: "/t", created }),
      ...buildArgv(config, { buildx: false, outDir: "/t", created }),
      ...loginArgv(config.registry, "u"),
      ...pushRefs(config).flatMap(pushArgv),
    ];
    expect(all.join(" ")).not.toContain("hunter2");
    expect(loginArgv("ghcr.io", "u")).toEqual(["login", "ghcr.io", "--username", "u", "--password-stdin"]);
  });

  it("lists the inputs that need buildx", () => {
    const config = parseConfig({ ...base, platforms: "linux/arm64", "cache-to": "type=gha" }, ci);
    expect(buildxOnlyInputs(config)).toEqual(["platforms", "cache-to"]);
    expect(buildxOnlyInputs(parseConfig(base, ci))).toEqual([]);
  });
});

describe("digests", () => {
  it("reads the digest docker push prints", () => {
    const digest = `sha256:${"ab".repeat(32)}`;
    expect(parsePushDigest(`a9d8: Pushed\n${ci.sha}: digest: ${digest} size: 735\n`)).toBe(digest);
    expect(parsePushDigest("nothing here")).toBeUndefined();
  });

  it("reads the digest buildx writes to --metadata-file", () => {
    const digest = `sha256:${"cd".repeat(32)}`;
    expect(parseMetadataDigest(JSON.stringify({ "containerimage.digest": digest, "image.name": REF }))).toBe(digest);
    expect(parseMetadataDigest("{}")).toBeUndefined();
  });

  it("refuses a digest that is not one, in docker push's output or buildx's metadata file", () => {
    const hostile = `sha256:${"ab".repeat(8)}\${DB_PASSWORD}`;
    expect(() => parsePushDigest(`v1: digest: ${hostile} size: 735\n`)).toThrow(
      /docker push gave a malformed digest "sha256:(ab){8}\$\{DB_PASSWORD\}"/,
    );
    expect(() => parsePushDigest("a9d8: Pushed\r\nv1: digest: sha256:0d1f`**x**` # @octocat size: 735\r\n")).toThrow(
      'docker push gave a malformed digest "sha256:0d1f`**x**` # @octocat"',
    );
    expect(() => parseMetadataDigest(JSON.stringify({ "containerimage.digest": "sha256:0d1f # @octocat" }))).toThrow(
      /buildx's metadata file gave a malformed digest "sha256:0d1f # @octocat"/,
    );
  });
});

describe("dockerfileWithLabels (where the classic builder gets its labels)", () => {
  const stable = ["org.opencontainers.image.title=web"];
  const user = ['com.example.note=say "hi" for $5'];
  const labels = { afterFrom: stable, atEnd: user };
  const EARLY = 'LABEL "org.opencontainers.image.title"="web"';
  const LATE = 'LABEL "com.example.note"="say \\"hi\\" for \\$5"';

  it("puts the stable labels right after the last stage's FROM and the others at its end", () => {
    expect(dockerfileWithLabels("FROM base AS b\nRUN b\nFROM base\nRUN make\n\n", labels)).toBe(
      `FROM base AS b\nRUN b\nFROM base\n${EARLY}\nRUN make\n${LATE}\n\n`,
    );
  });

  it("writes no LABEL line for a side without labels", () => {
    expect(dockerfileWithLabels("FROM base\nRUN make\n", { afterFrom: stable, atEnd: [] })).toBe(
      `FROM base\n${EARLY}\nRUN make\n`,
    );
    expect(dockerfileWithLabels("FROM base\nRUN make\n", { afterFrom: [], atEnd: user })).toBe(
      `FROM base\nRUN make\n${LATE}\n`,
    );
    // A stage that is only its FROM: both lines follow it, the stable one first (later ones win).
    expect(dockerfileWithLabels("FROM base\n", labels)).toBe(`FROM base\n${EARLY}\n${LATE}\n`);
  });

  it("puts them in the --target stage, not the last one", () => {
    const text = "FROM base AS build\nRUN make\n\nFROM build AS runtime\nCMD run\n\nFROM base AS test\nRUN test\n";
    expect(dockerfileWithLabels(text, labels, "runtime")).toBe(
      `FROM base AS build\nRUN make\n\nFROM build AS runtime\n${EARLY}\nCMD run\n${LATE}\n\nFROM base AS test\nRUN test\n`,
    );
  });

  it("puts the stable labels after a FROM continued over several lines", () => {
    expect(dockerfileWithLabels("FROM \\\n  # the base\n  base AS app\nRUN make", labels)).toBe(
      `FROM \\\n  # the base\n  base AS app\n${EARLY}\nRUN make\n${LATE}`,
    );
  });

  it("does not take a FROM inside a continued line, or a comment, for a stage", () => {
    const text = "FROM base AS app\nRUN echo \\\n  # a comment in between\n  FROM this is an argument\nCMD x";
    expect(dockerfileWithLabels(text, labels, "app")).toBe(
      `FROM base AS app\n${EARLY}\nRUN echo \\\n  # a comment in between\n  FROM this is an argument\nCMD x\n${LATE}`,
    );
  });

  it("honours the escape directive: continued lines, and the quoting of the LABEL line", () => {
    const text = "# escape=`\nFROM base\nRUN dir `\n  c:\\\n";
    const line = 'LABEL "com.example.note"="say `"hi`" for `$5"';
    expect(dockerfileWithLabels(text, { afterFrom: [], atEnd: user })).toBe(
      `# escape=\`\nFROM base\nRUN dir \`\n  c:\\\n${line}\n`,
    );
    // With ` as the escape, a backslash is an ordinary character and a backtick is escaped.
    expect(
      dockerfileWithLabels("# escape=`\nFROM base\n", { afterFrom: ["a=C:\\dir\\", "b=one`two"], atEnd: [] }),
    ).toBe('# escape=`\nFROM base\nLABEL "a"="C:\\dir\\" "b"="one``two"\n');
    expect(dockerfileWithLabels("FROM base\n", { afterFrom: ["a=C:\\dir\\", "b=one`two"], atEnd: [] })).toBe(
      'FROM base\nLABEL "a"="C:\\\\dir\\\\" "b"="one`two"\n',
    );
  });

  it("gives up when there is no FROM, the target stage is missing or the file ends inside a continued line", () => {
    expect(dockerfileWithLabels("RUN make\n", labels)).toBeUndefined();
    expect(dockerfileWithLabels("FROM base AS a\n", labels, "b")).toBeUndefined();
    expect(dockerfileWithLabels("FROM base\nRUN a \\", labels)).toBeUndefined();
  });

  it("builds with the labelled copy instead of --label flags", () => {
    const config = parseConfig({ ...base, file: "app/Dockerfile" }, ci);
    const argv = buildArgv(config, {
      buildx: false,
      outDir: "/t",
      created,
      labelledDockerfile: "/t/Dockerfile.labelled",
    });
    expect(argv).toEqual(["build", "--file", "/t/Dockerfile.labelled", "--tag", REF, "--iidfile", "/t/build-iid", "."]);
  });
});

describe("pullsFrom (does the build need the login first?)", () => {
  it.each([
    ["FROM ghcr.io/acme/base:1\nRUN x", "ghcr.io", true],
    ["FROM --platform=linux/amd64 ghcr.io/acme/base:1", "ghcr.io", true],
    ["FROM node:20 AS build\nFROM build", "ghcr.io", false],
    ["FROM node:20", "docker.io", true],
    ["FROM 127.0.0.1:5000/base\nCOPY --from=ghcr.io/acme/tools:1 /bin/t /bin/t", "ghcr.io", true],
    ["FROM 127.0.0.1:5000/base", "127.0.0.1:5000", true],
    ["from quay.io/x/y", "ghcr.io", false],
  ])("%j from %s: %s", (dockerfile, registry, pulls) => {
    expect(pullsFrom(dockerfile, registry)).toBe(pulls);
  });
});
