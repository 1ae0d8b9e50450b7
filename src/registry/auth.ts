/**
 * Registry credentials → the `X-Registry-Auth` / `X-Registry-Config` header values.
 *
 * Both headers carry JSON encoded with base64 in the URL alphabet WITH `=` padding: the daemon decodes them with
 * Go's `base64.URLEncoding`, and when decoding fails it does not answer an error — it silently drops the
 * credentials and talks to the registry anonymously. Standard base64 fails as soon as the JSON's encoding holds
 * a `+` or `/`; unpadded base64url fails whenever the JSON's length is not a multiple of 3. So the exact
 * alphabet and the padding are both load-bearing here.
 *
 * Credentials never reach an error: messages name fields and JavaScript types only, and no error carries the
 * input (no `cause`, no extra properties).
 */
import { DockerInputError } from '../core/errors.js';
import { kindOf } from '../core/input.js';
import type { Schemas } from '../core/spec.js';

/** Username/password credentials, as the spec defines them. */
export type AuthConfig = Schemas['AuthConfig'];

/**
 * The identity-token form the spec's Authentication section documents (`{"identitytoken": "…"}`), for a token
 * obtained from `POST /auth` (`AuthResponse.IdentityToken`).
 */
export interface IdentityTokenAuth {
  identitytoken: NonNullable<Schemas['AuthResponse']['IdentityToken']>;
  serveraddress?: AuthConfig['serveraddress'];
}

/** Anything accepted as registry credentials. */
export type RegistryAuth = AuthConfig | IdentityTokenAuth;

/** Registry address (as the daemon keys it, e.g. `"docker.example.com"`, `"https://index.docker.io/v1/"`) → credentials. */
export type RegistryConfig = Record<string, RegistryAuth>;

/** Looks up the credentials for one registry host (`127.0.0.1:5000`, `ghcr.io`, `https://index.docker.io/v1/`). */
export type CredentialsLookup = (host: string) => Promise<RegistryAuth | undefined> | RegistryAuth | undefined;

// Field order is fixed so the header is deterministic for a given input.
const FIELDS = ['username', 'password', 'serveraddress', 'identitytoken'] as const;
type Field = (typeof FIELDS)[number];

/** JSON → base64, URL alphabet, `=` padding kept (Go's base64.URLEncoding). */
function goUrlBase64(json: string): string {
  return Buffer.from(json, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Validates one credentials object and copies only the known fields. `where` names it in errors. */
function checkedAuth(auth: unknown, where: string): Partial<Record<Field, string>> {
  if (!isPlainObject(auth)) {
    throw new DockerInputError(`${where} must be a plain object, got ${kindOf(auth)}`);
  }
  for (const key of Object.keys(auth)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      // A misspelt field (`user`, `pass`) would otherwise be dropped and the push would go out anonymous.
      throw new DockerInputError(`${where} has an unknown field ${JSON.stringify(key)} (allowed: ${FIELDS.join(', ')})`);
    }
  }
  const out: Partial<Record<Field, string>> = {};
  for (const field of FIELDS) {
    const value = auth[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      throw new DockerInputError(`${where}.${field} must be a string, got ${kindOf(value)}`);
    }
    out[field] = value;
  }
  return out;
}

/** `X-Registry-Auth` header value for credentials (username/password or identity token). */
export function encodeRegistryAuth(auth: RegistryAuth): string {
  return goUrlBase64(JSON.stringify(checkedAuth(auth, 'auth')));
}

/** `X-Registry-Auth` header value for an identity token from `POST /auth`. */
export function encodeIdentityToken(identitytoken: string, serveraddress?: string): string {
  return encodeRegistryAuth(serveraddress === undefined ? { identitytoken } : { identitytoken, serveraddress });
}

/** `X-Registry-Config` header value (build): registry address → credentials. */
export function encodeRegistryConfig(config: RegistryConfig): string {
  if (!isPlainObject(config)) {
    throw new DockerInputError(`registryConfig must be a plain object (registry → auth config), got ${kindOf(config)}`);
  }
  const out: Record<string, Partial<Record<Field, string>>> = {};
  for (const [registry, auth] of Object.entries(config)) {
    out[registry] = checkedAuth(auth, `registryConfig[${JSON.stringify(registry)}]`);
  }
  return goUrlBase64(JSON.stringify(out));
}
