/**
 * npm run demo — a tour of docker-engine-client against a real engine (DOCKER_HOST, the default socket, or a
 * private engine scripts/demo.sh starts): who is there, then an image's whole life: build with live progress,
 * tag, list, inspect, history, save to a tar, remove, load it back; then a container's (demo-containers.ts): run,
 * exec with stdin, copy in and out, logs, events; clean up. Nothing is pulled from a network.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DockerClient, DockerError, MAX_API_VERSION, showBuild } from '../src/index.js';
import { containerTour, shellBase } from './demo-containers.js';

const CONTEXT = join(__dirname, 'demo-context');
const REPO = `dec-demo-${process.pid}`;
const live = process.stdout.isTTY;

/** One status line that rewrites itself on a terminal, and prints plain lines elsewhere (CI logs). */
function status(text: string, final = false): void {
  if (live) process.stdout.write(`\r\x1b[2K${text}${final ? '\n' : ''}`);
  else if (final) console.log(text);
}

const mb = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(1)} kB`);

async function main(): Promise<void> {
  const docker = DockerClient.fromEnv();
  const tmp = mkdtempSync(join(tmpdir(), 'dec-demo-'));
  let base: Awaited<ReturnType<typeof shellBase>>;
  try {
    const ping = await docker.ping();
    const negotiated = await docker.negotiate();
    const version = await docker.version();
    console.log(`engine    ${version.Version} (${version.Os}/${version.Arch}), API v${ping.apiVersion}`);
    console.log(`client    speaks up to v${MAX_API_VERSION}; negotiated v${negotiated}`);
    console.log(`images    ${(await docker.images.list()).length} on the engine`);

    // A base with a shell, so that the built image can run (no network: the engine's busybox or the host's).
    base = await shellBase(docker, `${REPO}-base:1`);
    console.log(`base      ${base ? `${base.image}${base.imported ? ' (imported from /bin/busybox)' : ''}` : 'none with a shell: the image will not run'}`);

    // Build: the operation is async-iterable (live output) and awaitable (the result).
    console.log(`\nbuild     ${CONTEXT} → ${REPO}:1`);
    const build = docker.images.build(CONTEXT, {
      t: `${REPO}:1`,
      buildargs: { GREETING: 'hello from the demo', ...(base ? { BASE: base.image } : {}) },
      labels: { 'dec.demo.run': String(process.pid) },
      networkmode: 'none',
      forcerm: true,
    });
    for await (const ev of build) {
      const line = (ev.stream ?? ev.status ?? '').trimEnd();
      if (line) console.log(`  │ ${line}`);
    }
    const built = await build;
    console.log(`built     ${built.id} tagged ${built.tags.join(', ')}`);
    await buildkitDemo(docker);

    await docker.images.tag(`${REPO}:1`, { repo: REPO, tag: 'latest' });
    const listed = await docker.images.list({ filters: { reference: [REPO] } });
    console.log(`list      reference=${REPO}: ${listed.map((i) => i.RepoTags?.join(' ')).join('; ')}`);

    const info = await docker.images.inspect(REPO);
    console.log(`inspect   ${info.Os}/${info.Architecture}, ${mb(info.Size ?? 0)}, env ${JSON.stringify(info.Config?.Env)}`);
    console.log(`          labels ${JSON.stringify(info.Config?.Labels)}`);
    const history = await docker.images.history(REPO);
    console.log(`history   ${history.length} steps, newest: ${history[0]?.CreatedBy}`);

    // Save: a Node readable tar with backpressure, here counted on its way to a file.
    const tarPath = join(tmp, `${REPO}.tar`);
    let saved = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        saved += chunk.length;
        status(`save      ${mb(saved)}`);
        done(null, chunk);
      },
    });
    await pipeline(await docker.images.save([`${REPO}:1`, `${REPO}:latest`]), counter, createWriteStream(tarPath));
    status(`save      ${tarPath} (${mb(statSync(tarPath).size)})`, true);

    const removed = await docker.images.remove(`${REPO}:1`);
    await docker.images.remove(REPO);
    console.log(`remove    ${removed.length + 1} entries (untagged/deleted)`);

    const load = docker.images.load(tarPath);
    for await (const ev of load) status(`load      ${(ev.stream ?? ev.status ?? '').trim()}`);
    const loaded = await load;
    status(`load      ${loaded.names.join(', ')}`, true);
    const back = await docker.images.inspect(REPO);
    console.log(`same id   ${back.Id === built.id ? 'yes' : `NO: ${back.Id} vs ${built.id}`} (${back.Id})`);
    if (back.Id !== built.id) process.exitCode = 1;

    if (base) await containerTour(docker, `${REPO}:1`);
  } finally {
    // Clean up whatever exists of the demo's images, even after a failure half way.
    for (const ref of [`${REPO}:1`, `${REPO}:latest`]) await docker.images.remove(ref, { force: true }).catch(() => undefined);
    if (base?.imported) await docker.images.remove(base.image, { force: true }).catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
    console.log('cleanup   demo images and temp files removed');
    await docker.close();
  }
}

// ---- BuildKit (owned by the buildkit work; kept apart so the tour above can change freely) -------------------

/**
 * The same context built with BuildKit (`version: '2'`): the decoded trace shown as a step view — redrawn live on
 * a terminal, buildx-style plain lines otherwise. Engines without BuildKit (Podman) answer like the classic
 * builder, and the view passes their output through.
 */
async function buildkitDemo(docker: DockerClient): Promise<void> {
  const tag = `${REPO}:buildkit`;
  console.log(`\nbuildkit  ${CONTEXT} → ${tag} (version 2)`);
  const build = docker.images.build(CONTEXT, { version: '2', t: tag, buildargs: { GREETING: 'hello from BuildKit' }, networkmode: 'none' });
  try {
    await showBuild(build, { out: process.stdout });
    const built = await build;
    console.log(`built     ${built.id} tagged ${built.tags.join(', ')}`);
  } finally {
    await docker.images.remove(tag, { force: true }).catch(() => undefined);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof DockerError ? `demo: ${err.name}: ${err.message}` : err);
  process.exit(1);
});
