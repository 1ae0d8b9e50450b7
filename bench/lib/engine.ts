/**
 * Talking to the engine for set-up and clean-up (not measured): plain undici on the same socket, so the set-up
 * does not depend on which client methods have landed.
 */
import { Pool } from 'undici';
import { pack } from 'tar-stream';

export class EngineAdmin {
  private readonly pool: Pool;
  constructor(readonly socketPath: string, readonly apiVersion: string) {
    this.pool = new Pool('http://localhost', { connect: { socketPath } });
  }

  async json<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: Buffer, headers?: Record<string, string>): Promise<{ status: number; data: T }> {
    const res = await this.pool.request({ method, path: `/v${this.apiVersion}${path}`, body, headers });
    const text = await res.body.text();
    let data: unknown = text;
    try {
      data = JSON.parse(text);
    } catch {
      // progress streams are several JSON lines; callers that need them read `data` as text
    }
    return { status: res.statusCode, data: data as T };
  }

  async imageId(ref: string): Promise<string | undefined> {
    const { status, data } = await this.json<{ Id: string }>('GET', `/images/${encodeURIComponent(ref)}/json`);
    return status === 200 ? data.Id : undefined;
  }

  /** Import a tiny one-file image from bytes made here (distinct content → a distinct image). */
  async importTiny(repo: string, tag: string, content: string): Promise<string> {
    const tar = pack();
    tar.entry({ name: `bench-${tag}.txt`, mtime: new Date(0) }, content);
    tar.finalize();
    const chunks: Buffer[] = [];
    for await (const c of tar as AsyncIterable<Buffer>) chunks.push(c);
    const q = new URLSearchParams({ fromSrc: '-', repo, tag });
    const { status, data } = await this.json<string>('POST', `/images/create?${q}`, Buffer.concat(chunks), { 'content-type': 'application/x-tar' });
    if (status !== 200 || String(data).includes('"error"')) throw new Error(`import ${repo}:${tag}: HTTP ${status} ${String(data).slice(0, 300)}`);
    const id = await this.imageId(`${repo}:${tag}`);
    if (!id) throw new Error(`import ${repo}:${tag}: image missing afterwards`);
    return id;
  }

  /** Remove images by reference; missing ones are fine (clean-up). */
  async removeImages(refs: string[]): Promise<void> {
    for (const ref of refs) await this.json('DELETE', `/images/${encodeURIComponent(ref)}?force=1`);
  }

  /** References of every tag in a repository. */
  async tagsOf(repo: string): Promise<string[]> {
    const filters = JSON.stringify({ reference: [repo] });
    const { data } = await this.json<{ RepoTags?: string[] | null }[]>('GET', `/images/json?filters=${encodeURIComponent(filters)}`);
    return (Array.isArray(data) ? data : []).flatMap((i) => i.RepoTags ?? []).filter((t) => t.startsWith(`${repo}:`));
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** The engine's own API version (`GET /_ping` header), without any client involved. */
export async function pingVersion(socketPath: string): Promise<string> {
  const pool = new Pool('http://localhost', { connect: { socketPath } });
  try {
    const res = await pool.request({ method: 'GET', path: '/_ping' });
    await res.body.text();
    const v = res.headers['api-version'];
    if (typeof v !== 'string') throw new Error('the engine sent no Api-Version header');
    return v;
  } finally {
    await pool.close();
  }
}
