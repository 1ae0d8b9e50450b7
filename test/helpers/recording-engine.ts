/**
 * A recording fake engine on loopback HTTP, claiming any API version: only for the wire format of parameters the
 * real engines of the rig (API 1.41) cannot be sent. It answers `/_ping` with the claimed version and every
 * other request with the body `answer` gives (JSON `{}` by default), recording what was sent.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DockerClient } from '../../src/index';

export interface Sent {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RecordingEngine {
  /** Run `fn` with a client of an engine claiming `version`; resolves with the requests it sent. */
  withVersion(version: string, fn: (client: DockerClient) => Promise<unknown>): Promise<Sent[]>;
  close(): Promise<void>;
}

export async function recordingEngine(answer: (req: IncomingMessage, url: URL) => { type?: string; body: string } = () => ({ body: '{}' })): Promise<RecordingEngine> {
  let version = '1.41';
  let sent: Sent[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://engine');
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.setHeader('Api-Version', version);
      if (url.pathname === '/_ping') return res.end('OK');
      sent.push({ method: req.method ?? '', url, headers: req.headers, body });
      const out = answer(req, url);
      res.setHeader('content-type', out.type ?? 'application/json');
      res.end(out.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    async withVersion(v, fn) {
      version = v;
      sent = [];
      const client = new DockerClient({ host });
      try {
        await fn(client);
      } finally {
        await client.close();
      }
      return sent;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
