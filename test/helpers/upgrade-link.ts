/**
 * Transport-level access for the upgrade tests, until attach / exec start are resource methods: a DockerClient
 * (for the typed calls that set containers up) paired with a Transport to the same engine, whose connection
 * upgrade the tests drive directly.
 */
import { DockerClient, type DockerClientOptions } from '../../src/index';
import { endpointOf, parseApiVersion } from '../../src/transport/endpoint';
import { Transport } from '../../src/transport/transport';
import type { UpgradeConnection } from '../../src/transport/upgrade';

/** What sessions see of the connection (Transport.upgrade and its failure mapping). */
export type UpgradeLink = UpgradeConnection;

export type LinkedClient = DockerClient & { transport: UpgradeLink };

/** A client whose `transport` upgrades connections to the same engine; `close()` closes both. */
export function linkedClient(options: DockerClientOptions): LinkedClient {
  const docker = new DockerClient(options) as LinkedClient;
  const transport = new Transport({
    endpoint: endpointOf(options),
    tls: options.tls,
    apiVersion: options.apiVersion !== undefined ? parseApiVersion(options.apiVersion) : undefined,
    timeout: options.timeout,
    userAgent: 'dec-test',
  });
  docker.transport = {
    upgrade: (req) => transport.upgrade(req),
    mapError: (err, signal) => transport.mapError(err, signal),
  };
  const close = docker.close.bind(docker);
  docker.close = async () => {
    await Promise.all([close(), transport.close()]);
  };
  return docker;
}
