/**
 * `onAuthRequired` for pull and push (moby's PrivilegeFunc): when the registry refuses the credentials sent (or
 * their absence), the hook is asked once for fresh ones and the operation is sent again with them.
 *
 * A refusal shows up two ways: dockerd answers a pull with an HTTP error before any progress
 * (`no basic auth credentials`, status 500), while a push — and a pull on Podman — answer 200 and report it as an
 * error line after a few progress lines. The second case is handled in the body: the refusing line is held back,
 * the first request's body is dropped, and the events continue with the second request's body. The hook's
 * credentials are never kept beyond the retry.
 */
import { DockerApiError, DockerInputError, DockerStreamError } from '../core/errors.js';
import { kindOf } from '../core/input.js';
import { encodeRegistryAuth, type RegistryAuth } from '../registry/auth.js';
import type { RegistryCredentials } from '../registry/credentials.js';

/** Asked with the registry key (`127.0.0.1:5000`, `https://index.docker.io/v1/`); undefined = give up. */
export type AuthRequiredHook = (registry: string) => RegistryAuth | undefined | Promise<RegistryAuth | undefined>;

/** What registries (distribution, Hub, Harbor, ghcr) and the daemons say when credentials are missing or refused. */
const REFUSED = /no basic auth credentials|unauthorized|authentication required|incorrect username or password|requested access to the resource is denied/i;

/** The failure is the registry refusing the credentials (or their absence). */
export function isAuthFailure(err: unknown): boolean {
  if (err instanceof DockerApiError) return err.status === 401 || REFUSED.test(err.daemonMessage);
  if (err instanceof DockerStreamError) return REFUSED.test(err.daemonMessage);
  return false;
}

type Body = AsyncIterable<Uint8Array>;

/**
 * Open with `auth`; on an auth failure ask `hook(registry)` once and, given credentials, open again with them.
 * Without a hook this is just `open(auth)`.
 */
export async function openWithAuthRetry(
  open: (auth: RegistryAuth | undefined) => Promise<Body>,
  auth: RegistryAuth | undefined,
  registry: string,
  hook: AuthRequiredHook | undefined,
): Promise<Body> {
  if (!hook) return open(auth);
  const retry = async (): Promise<Body | undefined> => {
    const fresh = await hook(registry);
    return fresh ? open(fresh) : undefined;
  };
  let body: Body;
  try {
    body = await open(auth);
  } catch (err) {
    if (!isAuthFailure(err)) throw err;
    const again = await retry();
    if (!again) throw err;
    return again;
  }
  return retryOnRefusalLine(body, retry);
}

/** Pass the body through line by line; the first refusing error line triggers `retry` (once). */
async function* retryOnRefusalLine(body: Body, retry: () => Promise<Body | undefined>): AsyncGenerator<Uint8Array> {
  let pending = Buffer.alloc(0);
  const iterator = body[Symbol.asyncIterator]();
  try {
    for (;;) {
      const { value, done } = await iterator.next();
      if (done) break;
      pending = pending.length ? Buffer.concat([pending, value]) : Buffer.from(value);
      let nl: number;
      while ((nl = pending.indexOf(0x0a)) >= 0) {
        const line = pending.subarray(0, nl + 1);
        pending = pending.subarray(nl + 1);
        if (refusalLine(line)) {
          const again = await retry();
          if (again) {
            await iterator.return?.();
            yield* again;
            return;
          }
        }
        yield line;
      }
    }
    if (pending.length) yield pending;
  } finally {
    await iterator.return?.();
  }
}

function refusalLine(line: Buffer): boolean {
  if (!line.includes('"error')) return false;
  try {
    const msg = JSON.parse(line.toString('utf8')) as { error?: unknown; errorDetail?: { message?: unknown } };
    const text = typeof msg.errorDetail?.message === 'string' ? msg.errorDetail.message : typeof msg.error === 'string' ? msg.error : '';
    return REFUSED.test(text);
  } catch {
    return false;
  }
}

/**
 * The credentials for `repository`: the `auth` option (checked now, before a helper runs or anything is sent),
 * `false` = anonymous, else what the docker CLI's configuration gives (`creds`, absent when disabled).
 */
export async function credentialsFor(
  creds: RegistryCredentials | undefined,
  repository: string,
  auth: RegistryAuth | false | undefined,
  method: string,
): Promise<RegistryAuth | undefined> {
  if (auth === false) return undefined;
  if (auth !== undefined) {
    encodeRegistryAuth(auth);
    return auth;
  }
  if (!creds) return undefined;
  return creds.resolve(repository).catch((err: Error) => {
    err.message = `${method}: ${err.message}`;
    throw err;
  });
}

export function checkHook(hook: unknown, method: string): void {
  if (hook !== undefined && typeof hook !== 'function') throw new DockerInputError(`${method}: onAuthRequired must be a function, got ${kindOf(hook)}`);
}
