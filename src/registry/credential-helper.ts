/**
 * The docker credential-helper protocol, `get` only: run `docker-credential-<name> get`, write the server URL to
 * its stdin, read `{"ServerURL","Username","Secret"}` from its stdout. A helper that answers "credentials not
 * found" means anonymous access, not an error. Helpers report other failures as text on stdout (the protocol)
 * or on stderr, with a non-zero exit; that text goes into the error, the secret never does (stdout is only
 * quoted when the helper failed and it is not JSON). `list` is never called. A helper that does not finish within
 * the timeout is killed.
 */
import { DockerCredentialsError } from '../core/errors.js';

export const DEFAULT_HELPER_TIMEOUT_MS = 30_000;
const MAX_OUTPUT = 1 << 20;

export interface HelperCredentials {
  Username: string;
  Secret: string;
}

export interface HelperOptions {
  /** Environment of the helper, on top of process.env (its PATH finds the helper). */
  env: Record<string, string | undefined>;
  timeout?: number;
}

/** Runs `docker-credential-<name> get`; undefined when the helper has no credentials for `serverURL`. */
export function helperGet(name: string, serverURL: string, opts: HelperOptions): Promise<HelperCredentials | undefined> {
  const program = `docker-credential-${name}`;
  const timeout = opts.timeout ?? DEFAULT_HELPER_TIMEOUT_MS;
  const fail = (message: string) => new DockerCredentialsError(program, serverURL, message);
  return new Promise((resolve, reject) => {
    let settled = false;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const env = opts.env === process.env ? opts.env : { ...process.env, ...opts.env };
    // node:child_process is loaded on the first helper run, not with the package (bench/README.md, import cost).
    const { spawn } = process.getBuiltinModule('node:child_process');
    const child = spawn(program, ['get'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const finish = (error: Error | undefined, value?: HelperCredentials) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(value);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      // Do not wait for the pipes: a grandchild may hold them open.
      child.stdout.destroy();
      child.stderr.destroy();
      finish(fail(`did not answer within ${timeout} ms and was killed`));
    }, timeout);
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT) {
        child.kill('SIGKILL');
        finish(fail(`wrote more than ${MAX_OUTPUT} bytes`));
      } else into.push(chunk);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    child.stdin.on('error', () => {}); // EPIPE when the helper exits without reading; 'close' reports
    child.on('error', (e: NodeJS.ErrnoException) => {
      finish(fail(e.code === 'ENOENT' ? `cannot run: ${program} is not on PATH` : `cannot run: ${e.code ?? e.message}`));
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      const stdout = Buffer.concat(out).toString('utf8').trim();
      const stderr = Buffer.concat(err).toString('utf8').trim();
      if (code !== 0) {
        if (/credentials not found/i.test(stdout) || /credentials not found/i.test(stderr)) return finish(undefined, undefined);
        const said = stderr || (stdout.startsWith('{') ? '' : stdout);
        const how = signal ? `was killed by ${signal}` : `failed (exit code ${code})`;
        return finish(fail(said ? `${how}: ${said.slice(0, 500)}` : how));
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(stdout);
      } catch {
        return finish(fail('printed something that is not JSON on stdout'));
      }
      const p = parsed as Partial<HelperCredentials> | null;
      if (!p || typeof p !== 'object' || (p.Username !== undefined && typeof p.Username !== 'string') || (p.Secret !== undefined && typeof p.Secret !== 'string')) {
        return finish(fail('answered JSON without string Username and Secret fields'));
      }
      if (!p.Username && !p.Secret) return finish(undefined, undefined);
      finish(undefined, { Username: p.Username ?? '', Secret: p.Secret ?? '' });
    });
    child.stdin.end(serverURL);
  });
}
