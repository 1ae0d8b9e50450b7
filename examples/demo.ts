/**
 * npm run demo — a tour of docker-engine-client against a real engine (DOCKER_HOST, the default socket, or a
 * private engine scripts/demo.sh starts — the first lines say which, and why): who is there, then an image's
 * whole life: build with live output, tag, list, inspect, history, save to a tar, remove, load it back; then a
 * container's (demo-containers.ts): run, exec with stdin, copy in and out, logs, events; then a 64 MB image moved
 * with a live progress bar: pushed to and pulled back from a registry when one is configured (DEC_DEMO_REGISTRY;
 * the private engine brings one), else saved and loaded. Nothing comes from the internet.
 *
 * Each part is a function of its own (engine, imageLife, containerTour, transfers); cleanup removes whatever they
 * created.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DockerClient, DockerError, MAX_API_VERSION, showBuild, type ImageDeleteItem, type RegistryAuth } from '../src/index.js';
import { containerTour, shellBase } from './demo-containers.js';
import { byteCounter, col, formatBytes, status, TransferProgress } from './demo-display.js';

const CONTEXT = join(__dirname, 'demo-context');
const REPO = `dec-demo-${process.pid}`;
const BIG = `${REPO}-big:1`;
const BIG_BYTES = 64_000_000;

/** Every image reference the demo may have created; cleanup removes them whatever happened. */
const created = new Set<string>();

// ---- engine: which one, and why ---------------------------------------------------------------------------------

/**
 * The engine DockerClient.fromEnv() chose the way the docker CLI does (options > DOCKER_HOST > DOCKER_CONTEXT >
 * current context > default socket), with its reason; scripts/demo.sh adds why it set DOCKER_HOST itself
 * (DEC_DEMO_ENGINE_WHY). An engine you named that does not answer ends the demo with that message: it never
 * quietly uses another one.
 */
async function engine(docker: DockerClient): Promise<void> {
  const { reason, source } = docker.endpoint;
  const why = process.env.DEC_DEMO_ENGINE_WHY;
  console.log(`${col('engine')}${reason}${why ? ` (${why})` : ''}`);
  let ping;
  try {
    ping = await docker.ping();
  } catch (err) {
    throw new DockerError(
      source === 'default'
        ? `no engine answers at the default socket (${(err as Error).message}); run \`npm run demo\` to get a private one`
        : `the engine you named does not answer (${(err as Error).message}). The demo uses that engine and no other: start it, or unset DOCKER_HOST / DOCKER_CONTEXT.`,
    );
  }
  const negotiated = await docker.negotiate();
  const version = await docker.version();
  console.log(`${col('')}${version.Version} (${version.Os}/${version.Arch}), API v${ping.apiVersion}`);
  console.log(`${col('client')}speaks up to v${MAX_API_VERSION}; negotiated v${negotiated}`);
  console.log(`${col('images')}${(await docker.images.list()).length} on the engine`);
}

// ---- an image's life: build, tag, list, inspect, history, save, remove, load -------------------------------------

/** Builds, saves, removes and loads back the demo image; resolves whether it can run (it has a shell base). */
async function imageLife(docker: DockerClient, tmp: string): Promise<boolean> {
  // A base with a shell, so that the built image can run (no network: the engine's busybox or the host's).
  const base = await shellBase(docker, `${REPO}-base:1`);
  if (base?.imported) created.add(base.image);
  console.log(`${col('base')}${base ? `${base.image}${base.imported ? ' (imported from /bin/busybox)' : ''}` : 'none with a shell: the image will not run'}`);

  // Build: the operation is async-iterable (live output) and awaitable (the result).
  console.log(`\n${col('build')}${CONTEXT} → ${REPO}:1`);
  created.add(`${REPO}:1`);
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
  console.log(`${col('built')}${built.id} tagged ${built.tags.join(', ')}`);

  created.add(`${REPO}:latest`);
  await docker.images.tag(`${REPO}:1`, { repo: REPO, tag: 'latest' });
  const listed = await docker.images.list({ filters: { reference: [REPO] } });
  console.log(`${col('list')}reference=${REPO}: ${listed.map((i) => i.RepoTags?.join(' ')).join('; ')}`);

  const info = await docker.images.inspect(REPO);
  console.log(`${col('inspect')}${info.Os}/${info.Architecture}, ${formatBytes(info.Size ?? 0)}, env ${JSON.stringify(info.Config?.Env)}`);
  console.log(`${col('')}labels ${JSON.stringify(info.Config?.Labels)}`);
  const history = await docker.images.history(REPO);
  console.log(`${col('history')}${history.length} steps, newest: ${history[0]?.CreatedBy}`);

  // Save: a Node readable tar with backpressure, here counted on its way to a file.
  const tarPath = join(tmp, `${REPO}.tar`);
  await pipeline(await docker.images.save([`${REPO}:1`, `${REPO}:latest`]), byteCounter('save').stream, createWriteStream(tarPath));
  status(`${col('save')}${tarPath} (${formatBytes(statSync(tarPath).size)})`, true);

  const removed = [...(await docker.images.remove(`${REPO}:1`)), ...(await docker.images.remove(REPO))];
  console.log(`${col('remove')}${REPO}:1 and ${REPO}:latest → ${describeRemoval(removed)}`);

  const load = docker.images.load(tarPath);
  for await (const ev of load) status(`${col('load')}${(ev.stream ?? ev.status ?? '').trim()}`);
  const loaded = await load;
  status(`${col('load')}${loaded.names.join(', ')}`, true);
  const back = await docker.images.inspect(REPO);
  console.log(`${col('same id')}${back.Id === built.id ? 'yes' : `NO: ${back.Id} vs ${built.id}`} (${back.Id})`);
  if (back.Id !== built.id) process.exitCode = 1;
  return base !== undefined;
}

/** `untagged 2 names, deleted the image and 8 untagged parents` from the entries DELETE /images/{name} answered. */
function describeRemoval(items: ImageDeleteItem[]): string {
  const untagged = items.filter((i) => i.Untagged).length;
  const deleted = items.filter((i) => i.Deleted).length;
  const parts = [`untagged ${untagged} name${untagged === 1 ? '' : 's'}`];
  // The classic builder leaves one untagged parent image per build step; deleting the image deletes them too.
  if (deleted === 1) parts.push('deleted the image');
  if (deleted > 1) parts.push(`deleted the image and ${deleted - 1} untagged parent${deleted > 2 ? 's' : ''} from its build steps`);
  return parts.join(', ');
}

// ---- transfers with a live progress bar ------------------------------------------------------------------------

interface DemoRegistry {
  address: string;
  auth: RegistryAuth;
}

/** DEC_DEMO_REGISTRY (host:port) with DEC_DEMO_REGISTRY_USER / _PASSWORD; scripts/demo.sh sets them for its private engine. */
function registryFromEnv(): DemoRegistry | undefined {
  const address = process.env.DEC_DEMO_REGISTRY;
  if (!address) return undefined;
  const username = process.env.DEC_DEMO_REGISTRY_USER;
  const password = process.env.DEC_DEMO_REGISTRY_PASSWORD;
  return { address, auth: username ? { username, password, serveraddress: address } : {} };
}

/** A FROM-scratch image with one 64 MB layer of random bytes (incompressible, so every byte really moves). */
async function buildBigImage(docker: DockerClient, tmp: string): Promise<string> {
  const ctx = join(tmp, 'big-context');
  mkdirSync(ctx);
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY blob /blob\n');
  writeFileSync(join(ctx, 'blob'), randomBytes(BIG_BYTES));
  created.add(BIG);
  status(`${col('build')}${BIG} (${formatBytes(BIG_BYTES)} of random bytes)…`);
  const { id } = await docker.images.build(ctx, { t: BIG, networkmode: 'none', labels: { 'dec.demo.run': String(process.pid) } });
  status(`${col('build')}${BIG} ${id.slice(0, 19)}… (${formatBytes(BIG_BYTES)} of random bytes)`, true);
  rmSync(ctx, { recursive: true, force: true });
  return id;
}

async function transfers(docker: DockerClient, tmp: string): Promise<void> {
  console.log();
  const id = await buildBigImage(docker, tmp);
  const registry = registryFromEnv();
  if (registry) await pushAndPull(docker, registry, id);
  else await saveAndLoad(docker, tmp, id);
}

/** Push to the registry, delete the image locally, pull it back: the bar shows each direction. */
async function pushAndPull(docker: DockerClient, registry: DemoRegistry, id: string): Promise<void> {
  const remote = `${registry.address}/${BIG}`;
  created.add(remote);
  await docker.images.tag(BIG, { repo: `${registry.address}/${REPO}-big`, tag: '1' });

  const push = docker.images.push(remote, { auth: registry.auth });
  const up = new TransferProgress('push');
  for await (const ev of push) up.update(ev);
  const pushed = await push;
  up.done(`${remote} ${pushed.digest} (${formatBytes(pushed.size)} manifest)`);

  await docker.images.remove(remote);
  await docker.images.remove(BIG);

  const pull = docker.images.pull(remote, { auth: registry.auth });
  const down = new TransferProgress('pull');
  for await (const ev of pull) down.update(ev);
  const pulled = await pull;
  down.done(pulled.status);
  const back = await docker.images.inspect(remote);
  console.log(`${col('same id')}${back.Id === id ? 'yes' : `NO: ${back.Id} vs ${id}`}`);
  if (back.Id !== id) process.exitCode = 1;
}

/** Without a registry: save to a tar (bytes counted) and load it back (per-layer bar from the engine's events). */
async function saveAndLoad(docker: DockerClient, tmp: string, id: string): Promise<void> {
  console.log(`${col('')}(no registry configured — set DEC_DEMO_REGISTRY=host:port to see a push and a pull)`);
  const tarPath = join(tmp, 'big.tar');
  const counter = byteCounter('save');
  await pipeline(await docker.images.save(BIG), counter.stream, createWriteStream(tarPath, { highWaterMark: 1 << 20 }));
  status(`${col('save')}${formatBytes(counter.bytes())} to ${tarPath}`, true);
  await docker.images.remove(BIG);

  // quiet: false — dockerd's default is quiet, i.e. no per-layer progress.
  const load = docker.images.load(tarPath, { quiet: false });
  const bar = new TransferProgress('load');
  for await (const ev of load) bar.update(ev);
  const loaded = await load;
  bar.done(loaded.names.join(', '));
  const back = await docker.images.inspect(BIG);
  console.log(`${col('same id')}${back.Id === id ? 'yes' : `NO: ${back.Id} vs ${id}`}`);
  if (back.Id !== id) process.exitCode = 1;
}

// ---- run ----------------------------------------------------------------------------------------------------------

async function cleanup(docker: DockerClient, tmp: string): Promise<void> {
  for (const ref of created) await docker.images.remove(ref, { force: true }).catch(() => undefined);
  rmSync(tmp, { recursive: true, force: true });
  console.log(`${col('cleanup')}demo images and temp files removed`);
}

async function main(): Promise<void> {
  const docker = DockerClient.fromEnv();
  const tmp = mkdtempSync(join(tmpdir(), 'dec-demo-'));
  let reached = false;
  try {
    await engine(docker);
    reached = true;
    if (await imageLife(docker, tmp)) await containerTour(docker, `${REPO}:1`);
    await buildkitDemo(docker);
    await transfers(docker, tmp);
  } finally {
    if (reached) await cleanup(docker, tmp);
    else rmSync(tmp, { recursive: true, force: true });
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
  console.error(err instanceof DockerError ? `demo: ${err.message}` : err);
  process.exit(1);
});
