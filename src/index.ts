export { DockerClient } from './client.js';
export type { DockerApi, DockerClientOptions, CallOptions, PingResult } from './client.js';
export * from './errors.js';
export { parseHost, optionsFromEnv, DEFAULT_HOST } from './host.js';
export type { Endpoint, TlsOptions } from './host.js';
export { MIN_API_VERSION, MAX_API_VERSION } from './versions.js';
export type { paths, components, operations } from '../generated/docker-engine.js';

// Images and build cache
export { Images } from './images.js';
export type * from './images.js';
export { Builder } from './builder.js';
export type { BuilderPruneOptions, BuilderPruneResult } from './builder.js';
export type {
  PullOptions,
  PushOptions,
  ImportOptions,
  LoadOptions,
  SaveOptions,
  BuildOptions,
  BuildOutput,
  PullOperation,
  PushOperation,
  ImportOperation,
  LoadOperation,
  BuildOperation,
} from './image-transfer.js';
export { StreamOperation } from './operation.js';
export type * from './stream-reducers.js';
export { ProgressTracker } from './progress-bar.js';
export type { ProgressSnapshot, LayerProgress } from './progress-bar.js';

// Building blocks, usable with the raw `docker.api` calls
export { encodeRegistryAuth, encodeRegistryConfig, encodeIdentityToken } from './auth.js';
export type { AuthConfig, RegistryAuth, RegistryConfig, IdentityTokenAuth } from './auth.js';
export { encodeFilters } from './filters.js';
export type * from './filters.js';
export { parseReference, parseRepositoryTag, normalizeReference, familiarName } from './reference.js';
export type { ImageReference, RepositoryTag } from './reference.js';
export { tarBody } from './tar-source.js';
export type { TarSource, TarBody, TarBodyOptions } from './tar-source.js';
