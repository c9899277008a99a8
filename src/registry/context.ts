import type { Dispatcher } from "undici";
import type { Dokploy } from "../dokploy/procedures";
import type { RegistryConfig } from "../config/slices";
import type { RunContext } from "../record/context";
import type { resolveImage } from "./check";
import type { imagePlatforms } from "./image-platforms";
import type { clusterNodes } from "../dokploy/cluster";

/** What the pull check needs of the run: the HTTP code, loaded while docker works. */
export interface RegistryOnline extends RunContext {
  readonly config: RegistryConfig;
  readonly remote: { readonly resolveImage: typeof resolveImage };
  readonly dispatcher?: Dispatcher;
}

/** What the registry entry needs of the run: Dokploy's client. */
export interface RegistryConnected extends RunContext {
  readonly config: RegistryConfig;
  readonly dokploy: Dokploy;
}

/** What the platform check needs of the run: Dokploy's client and the HTTP code. */
export interface RegistryPlatforms extends RegistryConnected {
  readonly remote: { readonly imagePlatforms: typeof imagePlatforms; readonly clusterNodes: typeof clusterNodes };
  readonly dispatcher?: Dispatcher;
}
