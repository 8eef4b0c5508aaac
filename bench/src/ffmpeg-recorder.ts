import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A wrapper around the real ffmpeg that appends one line per call to `log`:
 * the unix ms, then each argument followed by a unit separator (0x1f), which
 * no argument of ours contains. Only `date` and `printf` run before the exec,
 * so the wrapper adds about a millisecond.
 */
export function ffmpegRecorder(dir: string, realFfmpeg: string): { bin: string; log: string } {
  const bin = path.join(dir, 'ffmpeg-recorder.sh');
  const log = path.join(dir, 'ffmpeg-calls.log');
  writeFileSync(
    bin,
    [
      '#!/bin/sh',
      `{ printf '%s ' "$(date +%s%3N)"; printf '%s\\037' "$@"; printf '\\n'; } >> '${log}'`,
      `exec '${realFfmpeg}' "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(bin, 0o755);
  writeFileSync(log, '');
  return { bin, log };
}

export interface FfmpegCall {
  at: number;
  args: string[];
}

export function readCalls(log: string): FfmpegCall[] {
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const space = line.indexOf(' ');
      return {
        at: Number(line.slice(0, space)),
        args: line
          .slice(space + 1)
          .split('\x1f')
          .slice(0, -1),
      };
    });
}

/** The transcode among the calls since `since`: the one that maps the first video stream (videoTranscodeArgs). */
export function transcodeCall(calls: FfmpegCall[], since: number): FfmpegCall {
  const found = calls.filter((c) => c.at >= since && c.args.includes('0:V:0'));
  if (found.length !== 1)
    throw new Error(`expected one transcode since ${since}, found ${found.length}`);
  return found[0]!;
}

/** The same command line with its output moved to `output`. */
export function redirectOutput(args: string[], output: string): string[] {
  return [...args.slice(0, -1), output];
}
