/** TLS material for tcp/https engines: PEM contents or a `docker --tlsverify` style directory. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerInputError } from '../core/errors.js';

/** TLS material: PEM contents (string or bytes), or a directory holding ca.pem, cert.pem and key.pem. */
export interface TlsOptions {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  certPath?: string;
  /** Verify the engine's certificate against `ca` (default true). */
  verify?: boolean;
}

/** Reads ca.pem, cert.pem and key.pem from a directory (the layout `docker --tlsverify` uses). */
export function readCertDir(dir: string, what = 'tls.certPath'): { ca: Buffer; cert: Buffer; key: Buffer } {
  const read = (name: string) => {
    try {
      return readFileSync(join(dir, name));
    } catch (err) {
      throw new DockerInputError(`${what}: cannot read ${join(dir, name)} (${(err as NodeJS.ErrnoException).code ?? err})`);
    }
  };
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
}

/** undici `connect` options for TLS. */
export function tlsConnectOptions(tls: TlsOptions | undefined): Record<string, unknown> {
  if (!tls) return {};
  const files = tls.certPath ? readCertDir(tls.certPath) : undefined;
  return {
    ca: tls.ca ?? files?.ca,
    cert: tls.cert ?? files?.cert,
    key: tls.key ?? files?.key,
    rejectUnauthorized: tls.verify !== false,
  };
}
