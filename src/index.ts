export { DockerClient } from './client.js';
export type { DockerApi, DockerClientOptions, CallOptions, PingResult } from './client.js';
export * from './errors.js';
export { parseHost, optionsFromEnv, DEFAULT_HOST } from './host.js';
export type { Endpoint, TlsOptions } from './host.js';
export { MIN_API_VERSION, MAX_API_VERSION } from './versions.js';
export type { paths, components, operations } from '../generated/docker-engine.js';
