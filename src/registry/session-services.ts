/**
 * The services a build session offers BuildKit: `moby.filesync.v1.Auth` (registry credentials, per host) and
 * `grpc.health.v1.Health/Check` (BuildKit's session manager probes it every second and drops the session
 * when it fails). Messages and method descriptors are the ones generated from BuildKit's auth.proto and
 * grpc's health.proto (generated/buildkit/).
 *
 * Credentials answer the way the docker CLI's auth provider does (buildkit session/auth/authprovider):
 * username + password, or an identity token as the secret with no username; Docker Hub's registry host
 * (`registry-1.docker.io`) looks up Docker Hub's key. No credentials → an empty answer, and BuildKit goes on
 * anonymously. Client-side token signing (GetTokenAuthority / VerifyTokenAuthority) answers UNAVAILABLE, as the
 * CLI's provider does with BUILDKIT_NO_CLIENT_TOKEN: BuildKit then asks for Credentials and fetches tokens itself,
 * so FetchToken (only called after GetTokenAuthority handed out a key) answers UNIMPLEMENTED.
 */
import { create } from '@bufbuild/protobuf';
import { Auth, CredentialsResponseSchema } from '../../generated/buildkit/github.com/moby/buildkit/session/auth/auth_pb.js';
import { Health, HealthCheckResponse_ServingStatus, HealthCheckResponseSchema } from '../../generated/buildkit/grpc/health/v1/health_pb.js';
import type { CredentialsLookup, RegistryAuth } from './auth.js';
import { GrpcCode, GrpcStatusError, unary, type UnaryMethod } from '../transport/grpc-server.js';

/** gRPC path of a generated service's method. */
function path(service: { typeName: string }, method: { name: string }): string {
  return `/${service.typeName}/${method.name}`;
}

/** `/grpc.health.v1.Health/Check` and the four `/moby.filesync.v1.Auth/*` methods, by path. */
export function sessionMethods(lookup: CredentialsLookup): Map<string, UnaryMethod> {
  const tokensDisabled = (): never => {
    throw new GrpcStatusError(GrpcCode.UNAVAILABLE, 'client side tokens disabled');
  };
  return new Map([
    [path(Health, Health.method.check), unary(Health.method.check, () => create(HealthCheckResponseSchema, { status: HealthCheckResponse_ServingStatus.SERVING }))],
    [
      path(Auth, Auth.method.credentials),
      unary(Auth.method.credentials, async (req) => {
        const auth = await lookup(req.Host);
        if (auth === undefined) return create(CredentialsResponseSchema, {});
        if ('identitytoken' in auth && auth.identitytoken) return create(CredentialsResponseSchema, { Secret: auth.identitytoken });
        const { username = '', password = '' } = auth as { username?: string; password?: string };
        return create(CredentialsResponseSchema, { Username: username, Secret: password });
      }),
    ],
    [path(Auth, Auth.method.getTokenAuthority), unary(Auth.method.getTokenAuthority, tokensDisabled)],
    [path(Auth, Auth.method.verifyTokenAuthority), unary(Auth.method.verifyTokenAuthority, tokensDisabled)],
    [
      path(Auth, Auth.method.fetchToken),
      unary(Auth.method.fetchToken, () => {
        throw new GrpcStatusError(GrpcCode.UNIMPLEMENTED, 'client side token fetching is not offered');
      }),
    ],
  ]);
}
