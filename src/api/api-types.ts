/**
 * The public type of `docker.api`: every operation of the generated `paths`, typed like openapi-fetch's
 * `Client<paths>` (path, params, body, parseAs, the data/error union) but written for this one spec.
 *
 * Why not openapi-fetch's own `Client<paths>`: a consumer type-checking against it pays for openapi-fetch's
 * generic machinery: with `skipLibCheck: false` the variance computation of `Client`/`ClientMethod` alone took
 * ~2 s per `tsc` run, and every call instantiates the deep `Readable<…>`/`Writable<…>` mapped types over the
 * whole request and response schemas (which carry no `$Read`/`$Write` markers in this spec: they are identities
 * that still cost). Here the operation's own schema types are used as they are (hovers show their names), and
 * nothing from openapi-fetch appears in the emitted declarations (the runtime, api-client.ts, has openapi-fetch's
 * semantics). bench/figures/typecheck.ts measures the cost; test/types/api-parity.typecheck.ts pins that the types
 * match openapi-fetch's for the same calls.
 *
 * Differences from openapi-fetch's type, both stricter: the init object is checked for excess properties (a
 * misspelt option or query parameter is an error, not silently sent), and only the options this client's
 * transport honours are offered (no `cache`, `mode`, `credentials`, middleware …).
 */
import type { paths } from '../../generated/docker-engine.js';

/** The HTTP methods the Engine API uses. */
export type ApiMethod = 'get' | 'put' | 'post' | 'delete' | 'head';

/** The spec paths that define `M`. */
export type ApiPath<M extends ApiMethod> = {
  [P in keyof paths]-?: paths[P] extends { [K in M]: object } ? P : never;
}[keyof paths];

/** The operation object of `M path`. */
export type ApiOperation<P extends keyof paths, M extends ApiMethod> = paths[P] extends { [K in M]: infer Op } ? Op : never;

type OkStatus = 200 | 201 | 202 | 203 | 204 | 206 | 207 | '2XX';
type ErrorStatus = 400 | 401 | 402 | 403 | 404 | 405 | 406 | 407 | 408 | 409 | 410 | 411 | 412 | 413 | 414 | 415 | 416 | 417 | 418 | 420
  | 421 | 422 | 423 | 424 | 425 | 426 | 427 | 428 | 429 | 430 | 431 | 444 | 450 | 451 | 497 | 498 | 499 | '4XX'
  | 500 | 501 | 502 | 503 | 504 | 505 | 506 | 507 | 508 | 510 | 511 | '5XX' | 'default';

/** Union of a response's (or request body's) content over its media types; `undefined` without content. */
type ContentOf<R> = R extends { content: infer C } ? C[keyof C] : undefined;
type ResponsesOf<Op> = Op extends { responses: infer R } ? R : never;
/** What `data` holds on success: the content of every 2xx response of the operation. */
export type SuccessData<Op> = ContentOf<ResponsesOf<Op>[keyof ResponsesOf<Op> & OkStatus]>;
/** What `error` holds otherwise: the content of every 4xx/5xx response. */
export type ErrorData<Op> = ContentOf<ResponsesOf<Op>[keyof ResponsesOf<Op> & ErrorStatus]>;

/** How the response body is read; `json` (the default) parses it, `stream` hands out the body unread. */
export type ParseAs = 'json' | 'text' | 'blob' | 'arrayBuffer' | 'stream';
type Parsed<T, A extends ParseAs> = A extends 'json'
  ? T
  : A extends 'text'
    ? string
    : A extends 'blob'
      ? Blob
      : A extends 'arrayBuffer'
        ? ArrayBuffer
        : ReadableStream<Uint8Array> | null;

type ParamsOf<Op> = Op extends { parameters: infer P } ? P : never;
/** `params` is required when the operation has a required path, query or header parameter. */
type ParamsOption<Op> = {} extends ParamsOf<Op> ? { params?: ParamsOf<Op> } : { params: ParamsOf<Op> };
type BodyOf<Op> = Op extends { requestBody?: infer B } ? ContentOf<Exclude<B, undefined>> : never;
type BodyOption<Op> = [BodyOf<Op>] extends [never]
  ? { body?: never }
  : Op extends { requestBody: object }
    ? { body: BodyOf<Op> }
    : { body?: BodyOf<Op> };

type HeaderValue = string | number | boolean | (string | number | boolean)[] | null | undefined;

/** The second argument of a `docker.api` call. */
export type ApiInit<Op, A extends ParseAs = 'json'> = ParamsOption<Op> &
  BodyOption<Op> & {
    /** How to read a 2xx body (default `json`). */
    parseAs?: A;
    /** Extra request headers (`params.header` holds the ones the spec declares). */
    headers?: Record<string, HeaderValue> | [string, string][] | Headers;
    signal?: AbortSignal | null;
    /** Turns `body` into what is sent (default: JSON). */
    bodySerializer?: (body: BodyOf<Op>) => unknown;
    /** Fills the `{name}` templates of the spec path from `params.path` (default: checked, percent-encoded). */
    pathSerializer?: (path: string, params: Record<string, unknown>) => string;
    /** Turns `params.query` into the query string (without `?`). */
    querySerializer?: (query: NonNullable<ParamsOf<Op> extends { query?: infer Q } ? Q : never>) => string;
  };

/** The init is optional unless the operation has required parameters or a required body. */
type InitArgs<Op, A extends ParseAs> = {} extends ParamsOption<Op> & BodyOption<Op> ? [init?: ApiInit<Op, A>] : [init: ApiInit<Op, A>];

/** What a `docker.api` call resolves with: `data` on 2xx, `error` (the parsed error body) otherwise. */
export type ApiResult<Op, A extends ParseAs = 'json'> =
  | { data: Parsed<SuccessData<Op>, A>; error?: never; response: Response }
  | { data?: never; error: ErrorData<Op>; response: Response };

type ApiCall<M extends ApiMethod> = <P extends ApiPath<M>, A extends ParseAs = 'json'>(
  path: P,
  ...init: InitArgs<ApiOperation<P, M>, A>
) => Promise<ApiResult<ApiOperation<P, M>, A>>;

/**
 * Every operation of the Engine API spec: `docker.api.GET('/containers/json', { params: { query: { all: true } } })`.
 * Paths are the spec's (without the `/vX.Y` prefix, which the client adds after negotiating the version).
 */
export interface DockerApi {
  GET: ApiCall<'get'>;
  POST: ApiCall<'post'>;
  PUT: ApiCall<'put'>;
  DELETE: ApiCall<'delete'>;
  HEAD: ApiCall<'head'>;
}
