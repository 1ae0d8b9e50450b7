/**
 * The grammar of github.com/distribution/reference, part by part: why a tag, a digest, a registry host or a
 * repository path is invalid (undefined when it is valid), and how the daemon splits a name into registry and
 * path. reference.ts parses whole references with it and says what a reference means (defaults, familiar names).
 */

/** Longest repository name (domain + `/` + path) the grammar allows. */
export const NAME_MAX_LENGTH = 255;
/** Longest tag the grammar allows. */
export const TAG_MAX_LENGTH = 128;

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6_HOST = /^\[[a-fA-F0-9:]+\]$/;
const TAG = /^[\w][\w.-]*$/;
const DIGEST = /^([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*):([0-9a-fA-F]{32,})$/;
/** A full image ID: refused as a repository name (the daemon would take it for the image itself). */
export const IMAGE_ID = /^[a-f0-9]{64}$/;
/** Hex length of each digest algorithm the daemon can verify (go-digest's registered algorithms). */
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** A value quoted for an error message, cut at 100 characters. */
export function quote(s: string): string {
  return JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}…` : s);
}

/** Reason a tag is invalid, or undefined when it is valid. */
export function tagProblem(tag: string): string | undefined {
  if (tag === '') return 'empty tag';
  if (tag.length > TAG_MAX_LENGTH) return `tag too long (${tag.length} characters, at most ${TAG_MAX_LENGTH})`;
  if (!TAG.test(tag)) {
    return `invalid tag ${quote(tag)} (letters, digits, _ . - only, not starting with . or -)`;
  }
  return undefined;
}

export function digestProblem(digest: string): string | undefined {
  const m = DIGEST.exec(digest);
  if (!m) return `invalid digest ${quote(digest)} (expected algorithm:hex, e.g. sha256:<64 hex digits>)`;
  const [, algorithm, hex] = m;
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (length === undefined) return `invalid digest ${quote(digest)}: unsupported algorithm ${quote(algorithm)} (supported: ${Object.keys(DIGEST_HEX_LENGTH).join(', ')})`;
  if (hex.length !== length || !/^[a-f0-9]+$/.test(hex)) {
    return `invalid digest ${quote(digest)}: ${algorithm} needs exactly ${length} lowercase hex digits, got ${hex.length} characters`;
  }
  return undefined;
}

function domainProblem(domain: string): string | undefined {
  let host = domain;
  let port: string | undefined;
  if (domain.startsWith('[')) {
    const end = domain.indexOf(']');
    host = end < 0 ? domain : domain.slice(0, end + 1);
    const rest = end < 0 ? '' : domain.slice(end + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return `invalid registry ${quote(domain)}`;
      port = rest.slice(1);
    }
    if (!IPV6_HOST.test(host)) return `invalid registry host ${quote(host)}`;
  } else {
    const colon = domain.lastIndexOf(':');
    if (colon >= 0) {
      host = domain.slice(0, colon);
      port = domain.slice(colon + 1);
    }
    if (host === '' || !host.split('.').every((c) => DOMAIN_COMPONENT.test(c))) {
      return `invalid registry host ${quote(host)} (DNS name, IPv4 address or [IPv6] address)`;
    }
  }
  if (port !== undefined && !/^[0-9]+$/.test(port)) return `invalid registry port ${quote(port)}`;
  return undefined;
}

function pathProblem(path: string): string | undefined {
  if (path === '') return 'missing repository name';
  if (/[A-Z]/.test(path)) return `uppercase letters in repository name ${quote(path)} (repository names must be lowercase)`;
  for (const component of path.split('/')) {
    if (component === '') return `empty path component in repository name ${quote(path)}`;
    if (!PATH_COMPONENT.test(component)) {
      return (
        `invalid repository name component ${quote(component)} (lowercase letters and digits, ` +
        'separated by one of . _ __ or dashes, not at the start or end)'
      );
    }
  }
  return undefined;
}

/** Splits a repository name (no tag, no digest) into domain and path, the way the daemon does. */
function splitDomain(name: string): { domain?: string; path: string } {
  const slash = name.indexOf('/');
  if (slash < 0) return { path: name };
  const first = name.slice(0, slash);
  if (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase()) {
    return { domain: first, path: name.slice(slash + 1) };
  }
  return { path: name };
}

/** Checks a repository name (no tag, no digest); returns the reason it is invalid, or undefined. */
export function nameProblem(name: string): { problem?: string; domain?: string; path: string } {
  if (name === '') return { problem: 'missing repository name', path: '' };
  const { domain, path } = splitDomain(name);
  const problem =
    (domain !== undefined ? domainProblem(domain) : undefined) ??
    pathProblem(path) ??
    (name.length > NAME_MAX_LENGTH ? `repository name too long (${name.length} characters, at most ${NAME_MAX_LENGTH})` : undefined);
  return { problem, domain, path };
}
