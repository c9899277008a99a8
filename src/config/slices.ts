import type { Config } from "./types";

/*
 * The config as each capability sees it: the inputs its stages read, and no others. The
 * pipeline hands every stage the whole Config, which has them all; a stage's type says which.
 */

/** What the build and the push read. */
export type BuildConfig = Pick<
  Config,
  | "build"
  | "buildArgs"
  | "buildSecrets"
  | "builder"
  | "cache"
  | "cacheFrom"
  | "cacheTo"
  | "ci"
  | "context"
  | "dryRun"
  | "extraTags"
  | "file"
  | "image"
  | "labels"
  | "network"
  | "platforms"
  | "provenance"
  | "push"
  | "pushImage"
  | "registry"
  | "requestTimeoutSeconds"
  | "sbom"
  | "tag"
  | "target"
>;

/** What the pull check and the registry entry in Dokploy read. */
export type RegistryConfig = Pick<
  Config,
  | "dokployRegistry"
  | "dokployRegistryName"
  | "dokployRegistryNameGiven"
  | "image"
  | "imagePrefix"
  | "pinDigest"
  | "pull"
  | "push"
  | "requestTimeoutSeconds"
  | "serverId"
  | "tag"
  | "verifyPull"
  | "verifyPullOnServer"
  | "verifyPlatform"
>;

/** What checking, pointing, deploying, verifying and rolling back the targets read. */
export type TargetsConfig = Pick<
  Config,
  | "apiKey"
  | "deployDescription"
  | "deployMethod"
  | "deployTitle"
  | "diagnosticsLines"
  | "dokployUrl"
  | "failOnSuperseded"
  | "health"
  | "image"
  | "imageVariable"
  | "names"
  | "pinDigest"
  | "preview"
  | "pull"
  | "rollbackOnFailure"
  | "rollbackTargets"
  | "switchSource"
  | "tag"
  | "tagVariable"
  | "targets"
  | "verifyRunning"
  | "verifyStableSeconds"
  | "verifyTimeoutSeconds"
  | "wait"
  | "waitTimeoutSeconds"
>;
