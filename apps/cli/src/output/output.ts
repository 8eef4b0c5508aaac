import { styleText } from 'node:util';
import { PLAIN, type DiffStyle } from '../automations/apply-diff';

export interface Streams {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
}

/**
 * Where a command writes. With `--json`, stdout holds the resulting object
 * (or list) and nothing else, so `| jq` always works; what is said for
 * people then goes to stderr. Progress always goes to stderr: as bars on a
 * terminal, as plain lines in a CI log.
 */
export class Output {
  constructor(
    private readonly streams: Streams,
    readonly json: boolean,
    private readonly env: Record<string, string | undefined>,
  ) {}

  /** The command's result: its JSON under `--json`, else the text for people. */
  result(value: unknown, human: string | (() => string)): void {
    if (this.json) {
      this.streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    } else {
      this.streams.stdout.write(typeof human === 'string' ? human : human());
    }
  }

  /** A line for people beside the result (what was done, what to do next). */
  note(text: string): void {
    (this.json ? this.streams.stderr : this.streams.stdout).write(ensureNewline(text));
  }

  /** Progress and warnings: never on stdout. */
  get progress(): NodeJS.WriteStream {
    return this.streams.stderr;
  }

  /** Bars and prompts need a terminal; in CI (no TTY) progress is plain lines. */
  get interactive(): boolean {
    return this.streams.stderr.isTTY === true && this.env.TERM !== 'dumb';
  }

  get canAsk(): boolean {
    return this.streams.stdin.isTTY === true && this.interactive;
  }

  /** Colours for the diff when stdout is a terminal and NO_COLOR is not set (no-color.org). */
  get diffStyle(): DiffStyle {
    const stream = this.json ? this.streams.stderr : this.streams.stdout;
    if (stream.isTTY !== true || this.env.NO_COLOR) return PLAIN;
    return {
      added: (line) => styleText('green', line),
      removed: (line) => styleText('red', line),
      header: (line) => styleText('bold', line),
    };
  }

  /** The text of a diff or plan: on stdout, or on stderr under `--json`. */
  write(text: string): void {
    (this.json ? this.streams.stderr : this.streams.stdout).write(text);
  }
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
