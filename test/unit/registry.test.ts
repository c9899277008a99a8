import { describe, expect, it } from "vitest";
import { type Registry, type RegistryFields, planRegistryUpsert } from "./imports";

function row(overrides: Partial<Registry>): Registry {
  return {
    registryId: "r1",
    registryName: "ghcr.io",
    imagePrefix: null,
    username: "ci",
    password: "pw",
    registryUrl: "ghcr.io",
    registryType: "cloud",
    ...overrides,
  };
}

const wanted: RegistryFields = {
  registryName: "ghcr.io",
  username: "ci",
  password: "pw",
  registryUrl: "ghcr.io",
  imagePrefix: null,
};

describe("planRegistryUpsert", () => {
  it("creates an entry when none is for the host", () => {
    expect(planRegistryUpsert([row({ registryUrl: "quay.io" })], { fields: wanted, nameGiven: false })).toEqual({
      action: "create",
      fields: wanted,
    });
  });

  it("leaves a matching entry alone, so re-runs make no writes", () => {
    expect(planRegistryUpsert([row({})], { fields: wanted, nameGiven: false })).toEqual({
      action: "none",
      registryId: "r1",
    });
  });

  it("updates only what differs", () => {
    expect(planRegistryUpsert([row({ password: "old" })], { fields: wanted, nameGiven: false })).toEqual({
      action: "update",
      registryId: "r1",
      changes: { password: "pw" },
    });
    expect(
      planRegistryUpsert([row({ username: "old", registryName: "mine" })], {
        fields: { ...wanted, imagePrefix: "acme" },
        nameGiven: false,
      }),
    ).toEqual({ action: "update", registryId: "r1", changes: { username: "ci", imagePrefix: "acme" } });
  });

  it("renames only when the name was given", () => {
    const rows = [row({ registryName: "custom" })];
    expect(planRegistryUpsert(rows, { fields: wanted, nameGiven: false }).action).toBe("none");
    expect(planRegistryUpsert(rows, { fields: { ...wanted, registryName: "ci-ghcr" }, nameGiven: true })).toEqual({
      action: "update",
      registryId: "r1",
      changes: { registryName: "ci-ghcr" },
    });
  });

  it.each(["", "docker.io", "index.docker.io", "registry-1.docker.io", "https://index.docker.io/v1/"])(
    "treats Docker Hub's alias %j as the same host",
    (alias) => {
      const hub = { ...wanted, registryName: "Docker Hub", registryUrl: "" };
      expect(
        planRegistryUpsert([row({ registryUrl: alias, registryName: "Docker Hub" })], {
          fields: hub,
          nameGiven: false,
        }),
      ).toEqual({
        action: "none",
        registryId: "r1",
      });
    },
  );

  it("prefers the entry with our name, then our user, among several for one host", () => {
    const rows = [
      row({ registryId: "a", registryName: "other", username: "x" }),
      row({ registryId: "b", registryName: "other2", username: "ci" }),
      row({ registryId: "c", registryName: "ghcr.io", username: "y" }),
    ];
    expect(planRegistryUpsert(rows, { fields: wanted, nameGiven: false })).toMatchObject({ registryId: "c" });
    expect(planRegistryUpsert(rows.slice(0, 2), { fields: wanted, nameGiven: false })).toMatchObject({
      action: "none",
      registryId: "b",
    });
  });

  it("with a server, finds the host's entry (Dokploy's rows name no server) and names the server in an update", () => {
    const rows = [row({})];
    const onServer = { ...wanted, serverId: "remote-1" };
    expect(planRegistryUpsert(rows, { fields: onServer, nameGiven: false })).toEqual({
      action: "none",
      registryId: "r1",
    });
    expect(planRegistryUpsert(rows, { fields: { ...onServer, password: "new" }, nameGiven: false })).toEqual({
      action: "update",
      registryId: "r1",
      changes: { password: "new", serverId: "remote-1" },
    });
  });
});
