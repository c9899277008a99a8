// One place for unit tests to import the core from.
export * from "../../src/core/config";
export * from "../../src/core/errors";
export * from "../../src/core/image";
