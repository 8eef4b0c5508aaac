import { SseParser, type SseMessage } from './sse-parser';

function parse(pieces: string[], lastEventId?: string): SseMessage[] {
  const parser = new SseParser(lastEventId);
  return pieces.flatMap((piece) => parser.push(piece));
}

/** What the gateway writes: `id:` (not for progress), `event:`, one `data:` line. */
const GATEWAY_STREAM =
  ': open\n\n' +
  'id: evt_aaaaaaaaaaaaaaaa\nevent: task.started\ndata: {"id":"evt_aaaaaaaaaaaaaaaa","n":1}\n\n' +
  ': heartbeat\n\n' +
  'event: task.progress\ndata: {"id":"evt_pppppppppppppppp","n":2}\n\n' +
  'id: evt_bbbbbbbbbbbbbbbb\nevent: task.completed\ndata: {"id":"evt_bbbbbbbbbbbbbbbb","n":3}\n\n';

const EXPECTED: SseMessage[] = [
  {
    event: 'task.started',
    data: '{"id":"evt_aaaaaaaaaaaaaaaa","n":1}',
    id: 'evt_aaaaaaaaaaaaaaaa',
    lastEventId: 'evt_aaaaaaaaaaaaaaaa',
  },
  {
    event: 'task.progress',
    data: '{"id":"evt_pppppppppppppppp","n":2}',
    lastEventId: 'evt_aaaaaaaaaaaaaaaa',
  },
  {
    event: 'task.completed',
    data: '{"id":"evt_bbbbbbbbbbbbbbbb","n":3}',
    id: 'evt_bbbbbbbbbbbbbbbb',
    lastEventId: 'evt_bbbbbbbbbbbbbbbb',
  },
];

describe('SseParser', () => {
  it("reads the gateway's stream: comments skipped, progress without an id", () => {
    expect(parse([GATEWAY_STREAM])).toEqual(EXPECTED);
  });

  it('gives the same events however the stream is cut into pieces', () => {
    for (let i = 1; i < GATEWAY_STREAM.length; i++) {
      expect(parse([GATEWAY_STREAM.slice(0, i), GATEWAY_STREAM.slice(i)])).toEqual(EXPECTED);
    }
    expect(parse([...GATEWAY_STREAM])).toEqual(EXPECTED);
  });

  it('takes CRLF and CR line ends, a CRLF split between pieces included', () => {
    const crlf = GATEWAY_STREAM.replace(/\n/g, '\r\n');
    const cr = GATEWAY_STREAM.replace(/\n/g, '\r');
    expect(parse([crlf])).toEqual(EXPECTED);
    expect(parse([cr])).toEqual(EXPECTED);
    for (let i = 1; i < crlf.length; i++)
      expect(parse([crlf.slice(0, i), crlf.slice(i)])).toEqual(EXPECTED);
  });

  it('joins data lines with LF, defaults the type to message, strips one space after the colon', () => {
    expect(parse(['data:a\ndata:  b\ndata\n\n'])).toEqual([
      { event: 'message', data: 'a\n b\n', lastEventId: '' },
    ]);
  });

  it('drops an event with no data, and one left unfinished at the end', () => {
    expect(parse(['event: x\n\nid: 1\ndata: half'])).toEqual([]);
  });

  it('moves the last event id when an event is dispatched, not at its id line', () => {
    const parser = new SseParser('evt_before');
    parser.push('id: evt_next\nevent: task.started\n');
    // Cut here: the event never came whole, so a reconnect must ask from before it.
    expect(parser.lastEventId).toBe('evt_before');
    parser.push('data: {}\n\n');
    expect(parser.lastEventId).toBe('evt_next');
  });

  it('keeps the id it resumes from, ignores an id holding NUL, reads retry digits only', () => {
    const parser = new SseParser('evt_resume');
    expect(parser.push('id: a\0b\ndata: x\n\n')).toEqual([
      { event: 'message', data: 'x', lastEventId: 'evt_resume' },
    ]);
    parser.push('retry: 1x\n\nretry: 2500\n\n');
    expect(parser.reconnectMs).toBe(2500);
  });

  it('strips a byte order mark at the start only', () => {
    expect(parse(['\uFEFFdata: a\n\n', '\uFEFFdata: b\n\n'])).toEqual([
      { event: 'message', data: 'a', lastEventId: '' },
    ]);
  });
});
