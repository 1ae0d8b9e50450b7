/**
 * The runtime check of a high-level method's options, for JavaScript callers (TypeScript already refuses these at
 * compile time): the options must be a plain object, every key one the method takes, every value of the right
 * primitive type. The engine ignores query parameters it does not know and mis-typed ones fall back to defaults,
 * so an option that is not checked here is silently dropped — `build(ctx, { tags: 'x' })` would build untagged.
 *
 * What each operation takes comes from the spec at generation time (generated/operation-options.ts), so every
 * resource and every API bump is covered; a method declares only where its names or types differ from the
 * spec's query (signal, auth, structured values the spec wants JSON-encoded, …).
 */
import { OPERATION_OPTIONS, type OptionType, type QueryOption } from '../../generated/operation-options.js';
import { DockerInputError } from './errors.js';
import { kindOf } from './input.js';

/** A declared option's accepted kinds (any one of them). */
export type Kind = 'string' | 'boolean' | 'integer' | 'number' | 'object' | 'array' | 'string[]' | 'signal' | 'function';

export interface OptionRules {
  /** Spec query parameters the method does not take as options (positional arguments, values it sets itself). */
  except?: readonly string[];
  /** Options of the method's own: new names, or spec names whose high-level type differs (structured values). */
  declared?: Readonly<Record<string, Kind | readonly Kind[]>>;
  /**
   * Spec query parameters taken under another name, option → parameter (`{ killSignal: 'signal' }`: the spec's
   * `signal` collides with the AbortSignal every call takes). The option is checked as the parameter's type, and
   * a caller who writes the spec's name is told the option's.
   */
  renamed?: Readonly<Record<string, string>>;
}

export type OperationId = keyof typeof OPERATION_OPTIONS;

/** Every method takes `signal`. */
const COMMON: Readonly<Record<string, readonly Kind[]>> = { signal: ['signal'] };

/**
 * Throws DockerInputError when `opts` is not undefined or a plain object, has a key the method does not take
 * (naming the closest one when it is a near miss), or a value of the wrong type. Keys whose value is
 * `undefined` count as absent.
 */
export function checkOptions(method: string, operation: OperationId | undefined, opts: unknown, rules: OptionRules = {}): void {
  if (opts === undefined) return;
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    throw new DockerInputError(`${method}: options must be an object, got ${kindOf(opts)}`);
  }
  const query: Readonly<Record<string, QueryOption>> = operation ? OPERATION_OPTIONS[operation].query : {};
  const except = rules.except ?? [];
  // Every high-level call passes here, most with no options: no per-call Set, entry arrays or closures.
  for (const key of Object.keys(opts)) {
    const value = (opts as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const declared = own(rules.declared, key) ?? own(COMMON, key);
    if (declared !== undefined) {
      const kinds: readonly Kind[] = typeof declared === 'string' ? [declared] : declared;
      if (!kinds.some((k) => isKind(k, value))) throw wrongType(method, key, kinds.map(describeKind).join(' or '), value, insteadOf(rules, key));
      continue;
    }
    const param = own(rules.renamed, key) ?? key;
    const excluded = param === key && (except.includes(key) || renames(rules, key) !== undefined);
    const spec = excluded ? undefined : own(query, param);
    if (spec === undefined) {
      const allowed = [
        ...Object.keys(query).filter((k) => !except.includes(k) && renames(rules, k) === undefined),
        ...Object.keys(rules.declared ?? {}),
        ...Object.keys(rules.renamed ?? {}),
        ...Object.keys(COMMON),
      ];
      const near = nearMiss(key, allowed);
      const hint = insteadOf(rules, key) || (near ? ` — did you mean \`${near}\`?` : '');
      throw new DockerInputError(`unknown option \`${key}\` for ${method}${hint}`);
    }
    if (spec.type === 'array') {
      const items = spec.items ?? 'string';
      if (!Array.isArray(value) || !value.every((v) => isSpecType(items, v))) throw wrongType(method, key, `an array of ${PLURAL[items]}`, value);
    } else if (!isSpecType(spec.type, value)) {
      throw wrongType(method, key, describeSpecType(spec.type), value);
    }
  }
}

/** `record[key]` if it is the record's own (so `toString` & co. are unknown options, not Object.prototype's). */
function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The option that takes the spec parameter `param` under another name, if any. */
function renames(rules: OptionRules, param: string): string | undefined {
  if (rules.renamed === undefined) return undefined;
  for (const option of Object.keys(rules.renamed)) if (rules.renamed[option] === param) return option;
  return undefined;
}

/** The hint for a caller who wrote the spec's name of a renamed option. */
function insteadOf(rules: OptionRules, key: string): string {
  const option = renames(rules, key);
  return option === undefined ? '' : ` — the API's \`${key}\` is the option \`${option}\` here`;
}

/** Only `signal` (and nothing else) for calls that map to no spec operation's query, like `version()`. */
export function checkCallOptions(method: string, opts: unknown): void {
  checkOptions(method, undefined, opts);
}

function wrongType(method: string, key: string, expected: string, value: unknown, hint = ''): DockerInputError {
  return new DockerInputError(`${method}: option \`${key}\` must be ${expected}, got ${kindOf(value)}${hint}`);
}

function isSpecType(type: OptionType, value: unknown): boolean {
  switch (type) {
    case 'string':
    case 'json-string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return Number.isSafeInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
  }
}

const PLURAL: Record<OptionType, string> = { string: 'strings', 'json-string': 'strings (JSON)', boolean: 'booleans', integer: 'integers', number: 'numbers' };

function describeSpecType(type: OptionType): string {
  return type === 'integer' ? 'an integer' : type === 'json-string' ? 'a string (JSON)' : `a ${type}`;
}

function isKind(kind: Kind, value: unknown): boolean {
  switch (kind) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'signal':
      return value instanceof AbortSignal;
    case 'function':
      return typeof value === 'function';
    default:
      return isSpecType(kind, value);
  }
}

function describeKind(kind: Kind): string {
  switch (kind) {
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'string[]':
      return 'an array of strings';
    case 'signal':
      return 'an AbortSignal';
    case 'function':
      return 'a function';
    default:
      return describeSpecType(kind);
  }
}

/**
 * The allowed key a misspelt one most likely meant: equal ignoring case, within edit distance 1 (2 for keys of
 * 6+ characters; a swap of neighbours counts 1), or one a prefix of the other (`tags` → `t`). Undefined when
 * nothing is that close.
 */
export function nearMiss(key: string, allowed: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: { name: string; score: number } | undefined;
  for (const name of allowed) {
    const other = name.toLowerCase();
    let score: number;
    if (other === lower) score = 0;
    else {
      const d = editDistance(lower, other);
      if (d <= (Math.min(lower.length, other.length) >= 6 ? 2 : 1)) score = d;
      else if (lower.startsWith(other) || other.startsWith(lower)) score = 10 + Math.abs(lower.length - other.length);
      else continue;
    }
    if (!best || score < best.score) best = { name, score };
  }
  return best?.name;
}

/** Optimal string alignment distance (Levenshtein plus transpositions of neighbours). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
