/**
 * Server-Sent Events, parsed as the HTML standard's "interpret an event
 * stream" says: lines end in CRLF, LF or CR (even split across chunks);
 * `:` starts a comment (the gateway's heartbeat); `data:` lines join with
 * LF; a blank line dispatches; `id:` sets the last event id (not when it
 * holds NUL); `retry:` takes digits only; an unfinished event at the end
 * is dropped. Pure: fed text, it answers the events it completed.
 */
export interface SseMessage {
  /** `event:`, default `message`. */
  event: string;
  data: string;
  /** This event's own `id:` line, if it had one. */
  id?: string;
  /** The last event id after this event: what `Last-Event-ID` sends on a reconnect. */
  lastEventId: string;
}

export class SseParser {
  /**
   * The last event id so far, from this stream or the one it resumes. Set
   * when an event is dispatched, not at its `id:` line: a stream cut in the
   * middle of an event resumes before it.
   */
  lastEventId: string;
  /** The reconnection time the server asked for (`retry:`), in ms. */
  reconnectMs: number | undefined;
  private idBuffer: string;
  private line = '';
  private afterCr = false;
  private started = false;
  private data: string[] = [];
  private event = '';
  private id: string | undefined;

  constructor(lastEventId = '') {
    this.lastEventId = lastEventId;
    this.idBuffer = lastEventId;
  }

  /** Feeds decoded text; answers the events it completed. */
  push(text: string): SseMessage[] {
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.startsWith('\uFEFF')) text = text.slice(1);
    }
    const messages: SseMessage[] = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      // The LF of a CRLF whose CR ended the previous piece.
      if (c === 10 && this.afterCr && i === start && this.line === '') {
        this.afterCr = false;
        start = i + 1;
        continue;
      }
      this.line += text.slice(start, i);
      this.processLine(this.line, messages);
      this.line = '';
      this.afterCr = c === 13;
      // CRLF inside this piece: skip the LF.
      if (c === 13 && text.charCodeAt(i + 1) === 10) {
        i++;
        this.afterCr = false;
      }
      start = i + 1;
    }
    if (start < text.length) {
      this.line += text.slice(start);
      this.afterCr = false;
    }
    return messages;
  }

  private processLine(line: string, messages: SseMessage[]): void {
    if (line === '') {
      this.dispatch(messages);
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.event = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) {
          this.id = value;
          this.idBuffer = value;
        }
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.reconnectMs = Number(value);
        break;
      default:
        break; // unknown fields are ignored
    }
  }

  private dispatch(messages: SseMessage[]): void {
    this.lastEventId = this.idBuffer;
    if (this.data.length > 0) {
      const message: SseMessage = {
        event: this.event || 'message',
        data: this.data.join('\n'),
        lastEventId: this.lastEventId,
      };
      if (this.id !== undefined) message.id = this.id;
      messages.push(message);
    }
    this.data = [];
    this.event = '';
    this.id = undefined;
  }
}
