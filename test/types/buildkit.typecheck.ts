/**
 * Type-level tests for BuildKit builds: the decoded trace on build events, the step view, the session's
 * credentials option and DockerBuildError. Compiled by `npm run typecheck`, never run; each @ts-expect-error must
 * stay an error.
 */
import { BuildkitSteps, DockerBuildError, showBuild, type BuildkitStatus, type BuildStep, type DockerClient } from '../../src/index';

declare const docker: DockerClient;

export async function typed(): Promise<void> {
  const op = docker.images.build('./ctx', {
    version: '2',
    registryConfig: { 'ghcr.io': { username: 'u', password: 'p' } },
    credentials: async (host: string) => (host === 'ghcr.io' ? { identitytoken: 't' } : undefined),
  });
  const steps = new BuildkitSteps();
  for await (const ev of op) {
    const status: BuildkitStatus | undefined = ev.buildkit;
    const names: string[] = status?.vertexes.map((v) => v.name) ?? [];
    const bytes: Uint8Array | undefined = status?.logs[0]?.msg;
    const current: bigint | undefined = status?.statuses[0]?.current;
    // @ts-expect-error the proto's int64 fields are bigint, not number
    const wrong: number | undefined = status?.statuses[0]?.current;
    if (status) for (const change of steps.update(status)) void change.lines.join('\n');
    void names, bytes, current, wrong;
  }
  const step: BuildStep | undefined = steps.failed();
  const ms: number | undefined = step?.durationMs;
  void ms;
  await showBuild(op, { out: process.stdout, live: false });
  const { id, tags } = await op;
  void id, tags;
  try {
    await op;
  } catch (e) {
    if (e instanceof DockerBuildError) void e.step.logs.join('\n');
  }
  // @ts-expect-error credentials is a per-host lookup, not one credential for every host
  docker.images.build('./ctx', { version: '2', credentials: { username: 'u', password: 'p' } });
}
