import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerProtocolError } from '../../src/core/errors';
import { decodeEvents, parseEventLine, type EventMessage } from '../../src/streams/events';

const recorded = (name: string): string => readFileSync(join(__dirname, 'streams', name), 'utf8');

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<EventMessage[]> {
  const out: EventMessage[] = [];
  for await (const event of decodeEvents(body)) out.push(event);
  return out;
}

describe.each(['dockerd-events.jsonl', 'podman-events.jsonl'])('%s', (file) => {
  const body = recorded(file);
  const lines = body.trim().split('\n');

  test('every timeNano is the exact digits the engine sent, consistent with time', async () => {
    const events = await collect(chunks(body));
    expect(events).toHaveLength(lines.length);
    events.forEach((event, i) => {
      const digits = /"timeNano":(\d+)/.exec(lines[i])![1];
      expect(event.timeNano).toBe(digits);
      expect(BigInt(event.timeNano!) / 1_000_000_000n).toBe(BigInt(event.time!));
    });
    // The point of it: JSON.parse rounds these (they exceed 2^53).
    const lossy = (JSON.parse(lines[0]) as { timeNano: number }).timeNano;
    expect(BigInt(lossy)).not.toBe(BigInt(events[0].timeNano!));
  });

  test('everything else is what JSON.parse gives', async () => {
    const events = await collect(chunks(body));
    events.forEach((event, i) => {
      const plain = JSON.parse(lines[i]) as Record<string, unknown>;
      expect({ ...event, timeNano: undefined }).toEqual({ ...plain, timeNano: undefined });
      expect(event.Type).toBe('container');
      expect(event.Actor?.ID).toMatch(/^[0-9a-f]{64}$/);
    });
  });

  test('an event survives JSON.stringify and reads back equal', async () => {
    const [event] = await collect(chunks(body));
    expect(JSON.parse(JSON.stringify(event))).toEqual(event);
  });
});

describe('parseEventLine', () => {
  test('quotes only a member named timeNano with a numeric value, at any spacing', () => {
    expect(parseEventLine('{"time":1,"timeNano":1796199282242381787}')).toEqual({ time: 1, timeNano: '1796199282242381787' });
    expect(parseEventLine('{ "timeNano" : 1796199282242381787 }')).toEqual({ timeNano: '1796199282242381787' });
    // Text that merely looks like the member, inside a string (quotes escaped), is left alone.
    const label = '{"Actor":{"Attributes":{"note":"x\\",\\"timeNano\\":5"}},"timeNano":12}';
    expect(parseEventLine(label)).toEqual({ Actor: { Attributes: { note: 'x","timeNano":5' } }, timeNano: '12' });
    // A member whose name ends in `"timeNano` after an escaped quote is not the field.
    expect(parseEventLine('{"a\\"timeNano":5}')).toEqual({ 'a"timeNano': 5 });
    // A timeNano that is already a string (or null) is kept as it is.
    expect(parseEventLine('{"timeNano":"7"}')).toEqual({ timeNano: '7' });
    expect(parseEventLine('{"timeNano":null}')).toEqual({ timeNano: null });
  });
});

describe('decodeEvents', () => {
  test('yields each event as its line arrives, without waiting for the (endless) body to end', async () => {
    let release!: () => void;
    const never = new Promise<void>((r) => (release = r));
    let returned = false;
    async function* endless(): AsyncGenerator<Uint8Array> {
      try {
        yield Buffer.from('{"Action":"start","timeNano":1796199282242381787}\n{"Action":');
        await never;
      } finally {
        returned = true;
      }
    }
    for await (const event of decodeEvents(endless())) {
      expect(event).toEqual({ Action: 'start', timeNano: '1796199282242381787' });
      break;
    }
    expect(returned).toBe(true);
    release();
  });

  test('a line split inside the digits of timeNano still decodes exactly', async () => {
    const line = '{"Action":"die","timeNano":1796199282242381787}\n';
    for (let cut = 0; cut <= line.length; cut++) {
      expect(await collect(chunks(line.slice(0, cut), line.slice(cut)))).toEqual([{ Action: 'die', timeNano: '1796199282242381787' }]);
    }
  });

  test('a line that is not JSON is a protocol error', async () => {
    await expect(collect(chunks('{"timeNano":1}\nnot json\n'))).rejects.toBeInstanceOf(DockerProtocolError);
  });
});
