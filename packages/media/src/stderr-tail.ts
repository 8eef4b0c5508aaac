import { basename } from 'node:path';

/** Keeps the last lines a tool wrote to stderr: the part that says why it failed. */
export class StderrTail {
  private lines: string[] = [];
  private partial = '';

  constructor(private readonly maxLines = 20) {}

  push(chunk: string): void {
    const lines = (this.partial + chunk).split(/\r?\n|\r/);
    // A line that never ends must not grow without bound.
    this.partial = (lines.pop() ?? '').slice(-4096);
    this.lines.push(...lines.filter((line) => line.trim() !== ''));
    if (this.lines.length > this.maxLines) this.lines = this.lines.slice(-this.maxLines);
  }

  /** The last `count` (at most `maxLines`) non-empty lines, including an unterminated last one. */
  last(count: number): string[] {
    const all = this.partial.trim() === '' ? this.lines : [...this.lines, this.partial];
    return all.slice(-Math.min(count, this.maxLines));
  }
}

/**
 * Replaces the file paths among a command's arguments with their base
 * names: error messages reach API clients, server directories must not.
 */
export function redactPaths(text: string, args: readonly string[]): string {
  const paths = args
    .filter((arg) => arg.startsWith('/') || arg.startsWith('file:'))
    .sort((a, b) => b.length - a.length);
  let out = text;
  for (const path of paths) out = out.split(path).join(basename(path.replace(/^file:/, '')));
  return out;
}
