/**
 * registry/ — distribution and OCI rules, no HTTP: references, credentials encoding, platforms. Changes when a
 * registry-side rule changes.
 *
 * Image references (`[domain[:port]/]path[:tag][@digest]`), checked against the grammar of
 * github.com/distribution/reference (reference-grammar.ts) before tag, push and pull send them, so a bad name
 * fails here with a reason instead of as a terse 400 (or, for pull, after contacting a registry).
 *
 * Which first component is a registry follows the daemon (ParseNormalizedNamed): it is one only when it contains
 * `.` or `:`, is `localhost`, or has uppercase letters; otherwise the name is a Docker Hub repository
 * (`foo/bar` → `docker.io/foo/bar`).
 */
import { DockerInputError } from '../core/errors.js';
import { kindOf } from '../core/input.js';
import { IMAGE_ID, digestProblem, nameProblem, quote, tagProblem } from './reference-grammar.js';

export interface ImageReference {
  /** Registry host[:port], when the reference names one (`127.0.0.1:5000`, `ghcr.io`, `localhost`). */
  domain?: string;
  /** Repository path within the registry (`library/busybox`, `busybox`, `team/app`). */
  path: string;
  tag?: string;
  /** `algorithm:hex`, e.g. `sha256:…`. */
  digest?: string;
}

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';

/**
 * Parses and validates an image reference. Throws DockerInputError naming what is wrong
 * (`invalid image reference "Busybox": uppercase letters in repository name …`).
 */
export function parseReference(reference: string): ImageReference {
  if (typeof reference !== 'string') throw new DockerInputError(`image reference must be a string, got ${kindOf(reference)}`);
  const fail = (problem: string): never => {
    throw new DockerInputError(`invalid image reference ${quote(reference)}: ${problem}`);
  };
  if (reference === '') fail('empty reference');
  if (IMAGE_ID.test(reference)) fail('a 64-character hex string is an image ID, not a repository name');

  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const problem = digestProblem(digest);
    if (problem) fail(problem);
  }

  let tag: string | undefined;
  // The tag separator is a colon after the last slash; an earlier colon belongs to a registry port.
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    const problem = tagProblem(tag);
    if (problem) fail(problem);
  }

  const { problem, domain, path } = nameProblem(rest);
  if (problem) fail(problem);
  const out: ImageReference = { path };
  if (domain !== undefined) out.domain = domain;
  if (tag !== undefined) out.tag = tag;
  if (digest !== undefined) out.digest = digest;
  return out;
}

/** The reference as a string again (`domain/path:tag@digest`). */
export function formatReference(ref: ImageReference): string {
  return `${ref.domain !== undefined ? `${ref.domain}/` : ''}${ref.path}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/**
 * The fully qualified form the daemon resolves a reference to: Docker Hub domain made explicit, `library/` for
 * official images, `index.docker.io` → `docker.io`, and tag `latest` when neither tag nor digest is given.
 */
export function normalizeReference(reference: string | ImageReference): Required<Pick<ImageReference, 'domain' | 'path'>> & Pick<ImageReference, 'tag' | 'digest'> {
  const ref = typeof reference === 'string' ? parseReference(reference) : reference;
  let domain = ref.domain ?? DEFAULT_DOMAIN;
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  const path = domain === DEFAULT_DOMAIN && !ref.path.includes('/') ? OFFICIAL_REPO_PREFIX + ref.path : ref.path;
  const out: ReturnType<typeof normalizeReference> = { domain, path };
  if (ref.tag !== undefined) out.tag = ref.tag;
  if (ref.digest !== undefined) out.digest = ref.digest;
  if (ref.tag === undefined && ref.digest === undefined) out.tag = 'latest';
  return out;
}

export interface RepositoryTag {
  /** Repository name including any registry (`127.0.0.1:5000/foo`), as written. */
  repository: string;
  tag?: string;
  digest?: string;
}

/**
 * Splits a validated reference into the repository and tag/digest the API takes separately (`fromImage` + `tag`
 * of POST /images/create, `{name}` + `tag` of push). A registry port is never mistaken for a tag:
 * `127.0.0.1:5000/foo` → `{ repository: "127.0.0.1:5000/foo" }`.
 *
 * For the API's `tag` parameter send `digest ?? tag ?? "latest"`: the daemon accepts a digest there, and a pull
 * without any tag fetches every tag of the repository.
 */
export function parseRepositoryTag(reference: string): RepositoryTag {
  const ref = parseReference(reference);
  const out: RepositoryTag = { repository: formatReference({ domain: ref.domain, path: ref.path }) };
  if (ref.tag !== undefined) out.tag = ref.tag;
  if (ref.digest !== undefined) out.digest = ref.digest;
  return out;
}

/** Validates a tag on its own (the `tag` of POST /images/{name}/tag); returns it. */
export function validateTag(tag: string): string {
  if (typeof tag !== 'string') throw new DockerInputError(`tag must be a string, got ${kindOf(tag)}`);
  const problem = tagProblem(tag);
  if (problem) throw new DockerInputError(problem);
  return tag;
}

/** Validates a repository name without tag or digest (the `repo` of POST /images/{name}/tag); returns it. */
export function validateRepository(repository: string): string {
  if (typeof repository !== 'string') throw new DockerInputError(`repository name must be a string, got ${kindOf(repository)}`);
  const fail = (problem: string): never => {
    throw new DockerInputError(`invalid repository name ${quote(repository)}: ${problem}`);
  };
  if (repository.includes('@')) fail('a repository name cannot contain a digest');
  const colon = repository.lastIndexOf(':');
  if (colon > repository.lastIndexOf('/')) fail('a repository name cannot contain a tag (pass the tag separately)');
  if (IMAGE_ID.test(repository)) fail('a 64-character hex string is an image ID, not a repository name');
  const { problem } = nameProblem(repository);
  if (problem) fail(problem);
  return repository;
}

/**
 * The short form the docker CLI shows (`docker.io/library/busybox:latest` → `busybox:latest`,
 * `docker.io/team/app` → `team/app`); other names unchanged. Engines differ here (Podman reports fully
 * qualified names where dockerd reports short ones), so results are put in this form.
 */
export function familiarName(name: string): string {
  for (const domain of [DEFAULT_DOMAIN, LEGACY_DEFAULT_DOMAIN]) {
    if (!name.startsWith(`${domain}/`)) continue;
    const rest = name.slice(domain.length + 1);
    return rest.startsWith(OFFICIAL_REPO_PREFIX) && !rest.slice(OFFICIAL_REPO_PREFIX.length).includes('/') ? rest.slice(OFFICIAL_REPO_PREFIX.length) : rest;
  }
  return name;
}
