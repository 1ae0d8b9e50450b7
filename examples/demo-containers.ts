/**
 * The container half of `npm run demo`: run a container from the demo image, exec into it with stdin, copy a
 * file in and out, show its logs and the events it produced, and clean up. Network `none` throughout.
 *
 * The demo image is built FROM a base that has a shell: the engine's `dec-busybox:latest` (the test rig's) when
 * present, else a one-binary image imported on the spot from the host's static busybox (no network needed).
 */
import { existsSync, readFileSync } from 'node:fs';
import { pack } from 'tar-stream';
import type { DockerClient } from '../src/index.js';

/** A tar in memory: `{ path: content }` (a `null` content is a directory). */
async function tarOf(files: Record<string, Buffer | string | null>, modes: Record<string, number> = {}): Promise<Buffer> {
  const p = pack();
  for (const [name, content] of Object.entries(files)) {
    if (content === null) p.entry({ name, type: 'directory', mode: 0o1777 });
    else p.entry({ name, mode: modes[name] ?? 0o644 }, content);
  }
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * An image with a shell to build the demo on: the rig's busybox image if the engine has it, else one imported from
 * /bin/busybox (statically linked on Debian's busybox-static). Returns its name and whether the demo made it.
 */
export async function shellBase(docker: DockerClient, tag: string): Promise<{ image: string; imported: boolean } | undefined> {
  const known = process.env.DEC_TEST_BASE_IMAGE ?? 'dec-busybox:latest';
  if (await docker.images.inspect(known).then(() => true, () => false)) return { image: known, imported: false };
  if (!existsSync('/bin/busybox')) return undefined;
  const rootfs = await tarOf({ 'bin/busybox': readFileSync('/bin/busybox'), 'tmp/': null }, { 'bin/busybox': 0o755 });
  const [repo, version] = tag.split(':');
  await docker.images.import(rootfs, { repo, tag: version });
  return { image: tag, imported: true };
}

/** Every command goes through /bin/busybox itself: an image imported from the bare binary has no applet links. */
const bb = (...args: string[]): string[] => ['/bin/busybox', ...args];

export async function containerTour(docker: DockerClient, image: string): Promise<void> {
  const since = Math.floor(Date.now() / 1000) - 1;
  const { Id: id } = await docker.containers.create({
    Image: image,
    Entrypoint: bb('sh', '-c'),
    Cmd: ['echo "greeting: $GREETING"; echo "to stderr" >&2; exec /bin/busybox sleep 300'],
    Labels: { 'dec.demo.run': String(process.pid) },
    HostConfig: { NetworkMode: 'none' },
  });
  console.log(`\nrun       container ${id.slice(0, 12)} from ${image}`);
  try {
    await docker.containers.start(id);

    // exec with stdin: the process reads it, the output comes back demultiplexed, with the exit code.
    const shout = await docker.containers.exec(id, bb('tr', 'a-z', 'A-Z'), { stdin: 'hello through stdin\n' });
    console.log(`exec      tr a-z A-Z <<< "hello through stdin" → ${JSON.stringify(shout.stdout.toString())} (exit ${shout.exitCode})`);
    const failing = await docker.containers.exec(id, bb('sh', '-c', 'echo out; echo err >&2; exit 3'));
    console.log(`exec      stdout ${JSON.stringify(failing.stdout.toString())}, stderr ${JSON.stringify(failing.stderr.toString())}, exit ${failing.exitCode}`);

    // Copy a file in (a tar made in memory) and read it back out, with its stat.
    await docker.containers.putArchive(id, '/tmp', await tarOf({ 'notes.txt': 'copied in by the demo\n' }));
    const stat = await docker.containers.statPath(id, '/tmp/notes.txt');
    console.log(`copy in   /tmp/notes.txt: ${stat.size} bytes, mode ${stat.permissions.toString(8)}`);
    const { tar } = await docker.containers.getArchive(id, '/greeting.txt');
    let bytes = 0;
    for await (const chunk of tar) bytes += (chunk as Buffer).length;
    console.log(`copy out  /greeting.txt as a ${bytes}-byte tar`);

    // Logs: awaited, they come back as two Buffers; iterated, as frames.
    const logs = await docker.containers.logs(id);
    console.log(`logs      stdout ${JSON.stringify(logs.stdout.toString())}, stderr ${JSON.stringify(logs.stderr.toString())}`);

    await docker.containers.stop(id, { t: 0 });
    const { StatusCode } = await docker.containers.wait(id);
    console.log(`stop      exit code ${StatusCode}`);
  } finally {
    await docker.containers.remove(id, { force: true }).catch(() => undefined);
  }

  // The events the container produced, from the engine's event log (since → until makes the stream end).
  const actions: string[] = [];
  for await (const event of docker.system.events({ since, until: Date.now() / 1000 + 1, filters: { container: id } })) actions.push(event.Action ?? '?');
  console.log(`events    ${actions.join(' → ')}`);
}
