// One place for unit tests to import the core from.
export * from "../../src/core/config";
export * from "../../src/core/errors";
export * from "../../src/core/image";
export * from "../../src/core/docker";
export * from "../../src/core/docker-config";
export * from "../../src/core/dokploy/client";
export * from "../../src/core/dokploy/procedures";
export * from "../../src/core/dokploy/registry";
export * from "../../src/core/dokploy/wait";
export * from "../../src/core/log";
export * from "../../src/core/run";
export * from "../../src/core/exec";
export * from "../../src/core/retry";
export * from "../../src/core/registry-check";
export * from "../../src/core/builder";
export * from "../../src/core/build-secrets";
