/** The package's public surface: re-exports only. */
export { DockerClient } from './client.js';
export type { CloseOptions, DockerClientOptions } from './client.js';
export type { DockerApi } from './api/fetch-adapter.js';
export { RawApi } from './api/raw.js';
export type { RawRequest } from './api/raw.js';
export type { LiteResponse, LiteHeaders } from './transport/response.js';
export type { CallOptions } from './core/spec.js';
export * from './core/errors.js';
export { parseHost, optionsFromEnv, DEFAULT_HOST } from './transport/endpoint.js';
export type { Endpoint, TlsOptions } from './transport/endpoint.js';
export { MIN_API_VERSION, MAX_API_VERSION } from './core/versions.js';
export type { paths, components, operations } from '../generated/docker-engine.js';

// Connecting and credentials the docker CLI way
export type { EndpointInfo, EndpointSource } from './cli-config/resolve-endpoint.js';
export type { SshOptions } from './transport/ssh.js';
export { RegistryCredentials, registryKey, DOCKER_HUB_KEY } from './registry/credentials.js';
export type { CredentialOptions } from './registry/credentials.js';
export type { AuthRequiredHook } from './images/auth-retry.js';

// System
export { System, isLegacyDiskUsage } from './system/system.js';
export type { PingResult, DiskUsage, LegacyDiskUsage, SystemDiskUsage, SystemDfOptions } from './system/system.js';
export type { SystemEventsOptions, EventTime } from './system/events.js';

// Volumes and networks
export { Volumes } from './volumes/volumes.js';
export type * from './volumes/volumes.js';
export { Networks } from './networks/networks.js';
export type * from './networks/networks.js';

// Images and build cache
export { Images } from './images/images.js';
export type * from './images/options.js';
export type { PullOptions, PushOptions, PullOperation, PushOperation } from './images/pull-push.js';
export type { ImportOptions, LoadOptions, SaveOptions, ImportOperation, LoadOperation } from './images/archive.js';
export type { BuildOptions, BuildOutput, BuildOperation } from './images/build.js';
export type * from './images/reducers.js';
// BuildKit builds: decoded trace (event.buildkit), step view, terminal renderer, session credentials
export { BuildkitSteps } from './images/buildkit-steps.js';
export type { BuildStep, StepChange, StepProgress, BuildkitStepsOptions } from './images/buildkit-steps.js';
export { BuildView, showBuild } from './images/build-view.js';
export type { BuildViewOptions } from './images/build-view.js';
export type { BuildkitStatus, BuildkitVertex, BuildkitVertexStatus, BuildkitLog, BuildkitWarning } from './streams/buildkit-events.js';
export type { CredentialsLookup } from './registry/auth.js';
export { Builder } from './builder/builder.js';
export type { BuilderPruneOptions, BuilderPruneResult } from './builder/builder.js';
export { StreamOperation, type StreamOperationOptions } from './streams/stream-operation.js';
export type { StreamReducer, StreamDecoder, StreamBody } from './streams/stream-operation.js';
export type { StreamMessage } from './streams/progress-lines.js';
export { ProgressTracker } from './streams/progress-tracker.js';
export type { ProgressSnapshot, LayerProgress } from './streams/progress-tracker.js';

// Containers and exec
export { Containers } from './containers/containers.js';
export type * from './containers/options.js';
export type * from './containers/filters.js';
export type { ExecRunOptions, ExecRunResult, RunOptions, RunResult, StdinSource } from './containers/run.js';
export { Exec } from './exec/exec.js';
export type { ExecCreateConfig, ExecCreateResult, ExecInspect, ExecStartOptions, ExecResizeOptions } from './exec/exec.js';
export { DuplexSession } from './streams/session.js';
export { FrameOutput } from './streams/frame-output.js';
export type { Frame, FrameStream, FrameMode, CollectedOutput } from './streams/frames.js';
export type { EventMessage } from './streams/events.js';

// Building blocks, usable with the raw `docker.api` calls
export { encodeRegistryAuth, encodeRegistryConfig, encodeIdentityToken } from './registry/auth.js';
export type { AuthConfig, RegistryAuth, RegistryConfig, IdentityTokenAuth } from './registry/auth.js';
export { encodeFilters } from './filters.js';
export type * from './filters.js';
export { parseReference, parseRepositoryTag, normalizeReference, familiarName } from './registry/reference.js';
export type { ImageReference, RepositoryTag } from './registry/reference.js';
export { tarBody } from './bodies/tar-body.js';
export type { TarSource, TarBody, TarBodyOptions } from './bodies/tar-body.js';
