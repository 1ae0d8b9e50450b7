/**
 * Type-level tests: `docker.api` (the light DockerApi type of src/api/api-types.ts) gives the same parameter, body
 * and result types as openapi-fetch's own `Client<paths>` — the runtime (src/api/api-client.ts) has openapi-fetch's
 * semantics, so its typing is the reference — and is stricter only where documented (excess properties).
 * Compiled by `npm run typecheck`.
 */
import type { Client } from 'openapi-fetch';
import type { paths } from '../../generated/docker-engine';
import type { DockerClient } from '../../src/index';

/** Mutual assignability (openapi-fetch's `Readable<T>` is a structural copy, never the identical type). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <A, B>(ok: Same<A, B>): Same<A, B> => ok;
type Ref = Client<paths, `${string}/${string}`>;
type RefData<R> = R extends Promise<infer X> ? (X extends { data?: infer D } ? D : never) : never;
type RefError<R> = R extends Promise<infer X> ? (X extends { error?: infer E } ? E : never) : never;

export async function parity(docker: DockerClient, ref: Ref): Promise<void> {
  const id = 'x';
  // Results: data and error of list, inspect, create (JSON bodies), delete (204), save (parseAs: 'stream').
  const list = docker.api.GET('/containers/json', { params: { query: { all: true } } });
  const listRef = ref.GET('/containers/json', { params: { query: { all: true } } });
  same<RefData<typeof list>, RefData<typeof listRef>>(true);
  same<RefError<typeof list>, RefError<typeof listRef>>(true);

  const inspect = docker.api.GET('/containers/{id}/json', { params: { path: { id } } });
  const inspectRef = ref.GET('/containers/{id}/json', { params: { path: { id } } });
  same<RefData<typeof inspect>, RefData<typeof inspectRef>>(true);
  same<RefError<typeof inspect>, RefError<typeof inspectRef>>(true);

  const create = docker.api.POST('/containers/create', { params: { query: { name: 'n' } }, body: { Image: 'i', Cmd: ['true'] } });
  const createRef = ref.POST('/containers/create', { params: { query: { name: 'n' } }, body: { Image: 'i', Cmd: ['true'] } });
  same<RefData<typeof create>, RefData<typeof createRef>>(true);

  const del = docker.api.DELETE('/containers/{id}', { params: { path: { id }, query: { force: true } } });
  const delRef = ref.DELETE('/containers/{id}', { params: { path: { id }, query: { force: true } } });
  same<RefData<typeof del>, RefData<typeof delRef>>(true);

  const save = docker.api.GET('/images/{name}/get', { params: { path: { name: id } }, parseAs: 'stream' });
  const saveRef = ref.GET('/images/{name}/get', { params: { path: { name: id } }, parseAs: 'stream' });
  same<RefData<typeof save>, RefData<typeof saveRef>>(true);
  const ping = docker.api.GET('/_ping', { parseAs: 'text' });
  const pingRef = ref.GET('/_ping', { parseAs: 'text' });
  same<RefData<typeof ping>, RefData<typeof pingRef>>(true);

  // Discriminated union: after ruling out `error`, data is the success type.
  const { data, error } = await inspect;
  if (error === undefined) {
    const state: string | undefined = data.State?.Status;
    void state;
  } else {
    const message: string = error.message;
    void message;
  }

  // Required init: path parameters, required query (`term`), required body.
  // @ts-expect-error — the init (with params.path) is required
  await docker.api.GET('/containers/{id}/json');
  // @ts-expect-error — `term` is a required query parameter
  await docker.api.GET('/images/search', { params: { query: {} } });
  // @ts-expect-error — the body of POST /containers/create is required
  await docker.api.POST('/containers/create', {});
  // @ts-expect-error — wrong body field type
  await docker.api.POST('/containers/create', { body: { Image: 1 } });
  // Stricter than openapi-fetch: a misspelt query parameter next to a correct one is an error.
  // @ts-expect-error — `alll` is not a query parameter of GET /containers/json
  await docker.api.GET('/containers/json', { params: { query: { all: true, alll: true } } });
  // @ts-expect-error — misspelt option (`parms`)
  await docker.api.GET('/containers/json', { parms: {} });
  // @ts-expect-error — GET /containers/create does not exist
  await docker.api.GET('/containers/create');
}
