/**
 * The one version gate: refuse what an engine's API version predates, before anything is sent (moby's
 * `versions.LessThan` checks, client side). The facts come from `generated/api-since.ts` (computed from every
 * spec since 1.40, plus the hand-kept exceptions in scripts/facts/since-exceptions.ts); this is the engine that
 * reads them.
 *
 * Why refuse instead of sending: the daemon reads only the parameters its API version knows and ignores the rest
 * without a word, so `inspect(name, { platform })` sent to a v1.41 engine would answer for the host platform as if
 * no platform had been asked for — a different answer that looks like the right one. The call is rejected with a
 * DockerInputError naming the parameter, the version that introduced it and the version the engine speaks. A
 * `false` value asks for the behaviour older engines have anyway, so it is dropped rather than refused.
 *
 * Using it from a resource — pass the operationId, nothing else:
 *
 *     const query = await ctx.gateQuery('containers.stop', 'ContainerStop', { signal: sig, t }, signal);
 *
 * With an operationId the gate applies everything API_SINCE knows about the operation: the operation's own
 * first version, each query/header parameter's, renamed parameters (sent under their old name to older engines:
 * BuildPrune `reserved-space` → `keep-storage`), parameters that became repeatable (several values refused
 * where the engine takes one), and — when `query.filters` is the encoded filters string — each filter key's
 * first version from FILTER_KEYS (core/filters.ts). A hand-written row (`{ signal: '1.42' }`) is still accepted
 * for a parameter the spec cannot date; switching a resource from a hand table to the generated facts is the
 * one-line change of its second argument, `CONTAINER_SINCE.ContainerStop` → `'ContainerStop'`.
 *
 * Request bodies the same way: `await ctx.gateBody('containers.create', 'ContainerCreate', body, signal)` refuses
 * a field newer than the engine (`Healthcheck.StartInterval` 1.44, `HostConfig.Annotations` 1.43, …), found by
 * the generated field paths (`Mounts[].ImageOptions`, `EndpointsConfig.*.MacAddress`; core/since-body.ts).
 */
import { API_SINCE, type OperationSince } from '../../generated/api-since.js';
import type { operations } from '../../generated/docker-engine.js';
import { FILTER_KEYS } from '../../generated/filter-keys.js';
import { DockerInputError } from './errors.js';
import type { QueryOf } from './spec.js';
import { compareVersions } from './versions.js';

/** Per operation: query parameter → first API version that reads it (for facts the spec cannot show). */
export type ParamSince = { readonly [K in keyof operations]?: { readonly [P in keyof QueryOf<K>]?: string } };

/** What the gate reads: an operationId (the generated facts), a hand-written row, or nothing to check. */
export type SinceSource = keyof operations | Readonly<Record<string, string>> | undefined;

/** The generated facts of one operation (empty when nothing in it is newer than API_SINCE_FLOOR). */
export function operationSince(operationId: keyof operations): OperationSince {
  return (API_SINCE as Readonly<Record<string, OperationSince>>)[operationId] ?? {};
}

/** Throws DockerInputError when `apiVersion` predates `since`; `what` names the option or operation refused. */
export function requireSince(what: string, since: string, apiVersion: string): void {
  if (compareVersions(apiVersion, since) >= 0) return;
  throw new DockerInputError(
    `${what} needs Engine API v${since} or newer, but this engine speaks v${apiVersion} (an older engine would silently ignore it)`,
  );
}

const older = (apiVersion: string, since: string): boolean => compareVersions(apiVersion, since) < 0;

/** One operation's facts as the gate walks them, made once per operation (every high-level call passes here). */
interface CompiledGate {
  readonly since?: string;
  readonly params: readonly (readonly [string, string])[];
  readonly renamed: OperationSince['renamed'];
  /** Only the changes to a repeatable parameter: the only ones the gate checks. */
  readonly repeatable: readonly (readonly [string, string])[];
  readonly filterKeys: boolean;
}

const compiled = new Map<string, CompiledGate>();
/** Hand-written rows too: resources pass the same row object (`API_SINCE.ContainerStop.params`) on every call. */
const compiledRows = new WeakMap<object, CompiledGate>();

function compile(facts: OperationSince, operationId: string | undefined): CompiledGate {
  const repeatable: (readonly [string, string])[] = [];
  for (const [param, changes] of Object.entries(facts.changed ?? {})) {
    for (const change of changes) if (change.to.startsWith('array') && !change.from.startsWith('array')) repeatable.push([param, change.since]);
  }
  return {
    since: facts.since,
    params: Object.entries(facts.params ?? {}),
    renamed: facts.renamed,
    repeatable,
    filterKeys: operationId !== undefined && Object.hasOwn(FILTER_KEYS, operationId),
  };
}

const NOTHING = compile({}, undefined);

function gateOf(since: SinceSource): CompiledGate {
  if (typeof since !== 'string') {
    if (since === undefined) return NOTHING;
    let row = compiledRows.get(since);
    if (row === undefined) compiledRows.set(since, (row = compile({ params: since }, undefined)));
    return row;
  }
  let gate = compiled.get(since);
  if (gate === undefined) compiled.set(since, (gate = compile(operationSince(since), since)));
  return gate;
}

/**
 * Check `query` for the operation `since` names (see SinceSource) at `apiVersion`: throws for what the engine is
 * too old for; returns the query without the `false`-valued too-new parameters, and with renamed parameters
 * under the name the engine knows — a copy when anything changed, else `query` itself (never modified).
 * `method` names the public method in messages.
 */
export function gateParams<Q extends object>(since: SinceSource, method: string, apiVersion: string, query: Q): Q {
  const gate = gateOf(since);
  if (gate.since) requireSince(method, gate.since, apiVersion);
  let out = query as Record<string, unknown>;
  for (const [param, version] of gate.params) {
    const value = out[param];
    if (value === undefined || !older(apiVersion, version)) continue;
    // Copy before the first change: the caller's object stays as given.
    if (out === query) out = { ...query } as Record<string, unknown>;
    const renamed = gate.renamed?.[param];
    if (value === false) delete out[param];
    else if (renamed && older(apiVersion, renamed.since)) {
      // Same setting under its older name (what the docker CLI sends to these engines): renaming keeps the
      // request meaningful instead of refusing it or having it ignored.
      delete out[param];
      out[renamed.before] = value;
    } else requireSince(`${method}: option ${JSON.stringify(param)}`, version, apiVersion);
  }
  for (const [param, since] of gate.repeatable) {
    const value = out[param];
    // A parameter that became repeatable: an older engine answers 400 to more than one value.
    if (Array.isArray(value) && value.length > 1 && older(apiVersion, since)) {
      throw new DockerInputError(
        `${method}: several values for option ${JSON.stringify(param)} need Engine API v${since} or newer, but this engine speaks v${apiVersion} (it takes one)`,
      );
    }
  }
  if (gate.filterKeys && typeof out.filters === 'string') gateFilterKeys(since as string, method, apiVersion, out.filters);
  return out as Q;
}

/** Refuse filter keys (in the encoded `filters` string) newer than `apiVersion`, like parameters. */
function gateFilterKeys(operationId: string, method: string, apiVersion: string, filters: string): void {
  const keys = (FILTER_KEYS as Readonly<Record<string, Readonly<Record<string, { since?: string }>>>>)[operationId];
  if (!keys) return;
  for (const key of Object.keys(JSON.parse(filters) as object)) {
    const since = Object.hasOwn(keys, key) ? keys[key].since : undefined;
    if (since) requireSince(`${method}: filter ${JSON.stringify(key)}`, since, apiVersion);
  }
}
