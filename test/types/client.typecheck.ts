/**
 * Type-level tests: compiled by `npm run typecheck`, never run. Each @ts-expect-error must stay an error,
 * so the typing of docker.api cannot silently decay to `any`.
 */
import { DockerClient } from '../../src/index';

export async function typed(docker: DockerClient): Promise<void> {
  // Correct usage compiles, with typed results.
  const { data } = await docker.api.GET('/images/json', { params: { query: { all: true, digests: true } } });
  const id: string | undefined = data?.[0]?.Id;
  void id;

  // @ts-expect-error — wrong query parameter name (`alll`)
  await docker.api.GET('/images/json', { params: { query: { alll: true } } });

  // @ts-expect-error — wrong query parameter type
  await docker.api.GET('/images/json', { params: { query: { all: 'yes' } } });

  // @ts-expect-error — no such path in the spec
  await docker.api.GET('/imagez/json');

  // @ts-expect-error — POST is not defined for /images/json
  await docker.api.POST('/images/json');

  // @ts-expect-error — the path parameter is required
  await docker.api.GET('/images/{name}/json', { params: { path: {} } });

  const v = await docker.version();
  // @ts-expect-error — SystemVersion has no field `Versoin`
  void v.Versoin;
}
