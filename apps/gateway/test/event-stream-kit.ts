// What the event stream specs share: a sink recording what a stream writes, timing, waits.
import { EventEmitter } from 'node:events';
import type { EventSink } from '../src/http/sse';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A stream's timing in a spec: nothing but what the test does (a notification, a page) makes it read. */
export const pushOnly = { recheckMs: 3_600_000, heartbeatMs: 3_600_000 };

/** Waits, up to 2 s, for `condition` to hold. */
export async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await sleep(5);
}

export interface SentEvent {
  id?: string;
  event: string;
  data: any;
}

/** A response that records what a stream writes, and can be closed as a leaving client would. */
export class FakeSink extends EventEmitter implements EventSink {
  readonly chunks: string[] = [];
  ended = false;
  write(chunk: string) {
    this.chunks.push(chunk);
    return true;
  }
  end() {
    this.ended = true;
    this.emit('close');
  }
  /** The events written, comment lines left out. */
  events(): SentEvent[] {
    return this.chunks
      .filter((c) => !c.startsWith(':'))
      .map((c) => {
        const [, id, event, data] = /^(?:id: (.*)\n)?event: (.*)\ndata: (.*)\n\n$/.exec(c)!;
        return { ...(id ? { id } : {}), event: event!, data: JSON.parse(data!) };
      });
  }
  /** What each event said: its type, then its task's id and status. */
  news(): string[] {
    return this.events().map((e) => `${e.event} ${e.data.data?.id} ${e.data.data?.status}`);
  }
}
