/**
 * npm run demo — a tour of docker-engine-client against a real engine (DOCKER_HOST, the default socket, or a
 * private engine scripts/demo.sh starts). Step one: who is there, and what do they speak.
 */
import { DockerClient, DockerError, MAX_API_VERSION } from '../src/index.js';

async function main(): Promise<void> {
  const docker = DockerClient.fromEnv();
  try {
    const ping = await docker.ping();
    const negotiated = await docker.negotiate();
    const version = await docker.version();
    console.log(`engine   ${version.Version} (${version.Os}/${version.Arch}), API v${ping.apiVersion}`);
    console.log(`client   speaks up to v${MAX_API_VERSION}; negotiated v${negotiated}`);

    const { data: images = [] } = await docker.api.GET('/images/json');
    console.log(`images   ${images.length}`);
    for (const img of images) console.log(`  ${img.Id.slice(7, 19)}  ${(img.RepoTags ?? ['<none>']).join(', ')}  ${(img.Size / 1e6).toFixed(1)} MB`);

    const first = images.find((i) => i.RepoTags?.length)?.RepoTags?.[0];
    if (first) {
      const { data } = await docker.api.GET('/images/{name}/json', { params: { path: { name: first } } });
      console.log(`inspect  ${first}: ${data?.Architecture}/${data?.Os}, ${data?.RootFS?.Layers?.length ?? 0} layer(s), cmd ${JSON.stringify(data?.Config?.Cmd ?? [])}`);
    }
  } finally {
    await docker.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof DockerError ? `demo: ${err.name}: ${err.message}` : err);
  process.exit(1);
});
