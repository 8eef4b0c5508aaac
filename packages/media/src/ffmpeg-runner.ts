import { spawn } from 'node:child_process';
import { MediaflowError } from '@mediaflow/contracts';
import { refusedFormatError } from './file-input-args';
import { FfmpegProgressParser } from './ffmpeg-progress';
import { redactPaths, StderrTail } from './stderr-tail';
import { toolPaths } from './tool-paths';

export interface RunFfmpegOptions {
  /** Aborting stops ffmpeg and rejects with `cancelled`. */
  signal: AbortSignal;
  /** Seconds of output written so far, from ffmpeg's own `-progress` output. */
  onProgress?: (seconds: number) => void;
  /**
   * Each chunk ffmpeg writes to stderr, for a filter that reports there
   * (loudnorm's measurement needs `-loglevel info` among the arguments).
   */
  onStderr?: (chunk: string) => void;
  /** Past this, ffmpeg is stopped and the run rejects with `timeout`. */
  timeoutMs: number;
  /** How long ffmpeg may take to exit after SIGTERM before it gets SIGKILL. */
  killGraceMs?: number;
}

/** Lines of stderr quoted in an `input_unreadable` message. */
const QUOTED_STDERR_LINES = 5;

/**
 * Runs ffmpeg with an argument array (no shell, so no quoting or injection)
 * and settles only once the process has exited: a rejected run never leaves
 * an ffmpeg behind.
 *
 * It spawns ffmpeg itself rather than through fluent-ffmpeg: our argument
 * builders are pure functions tested on their exact output, which fluent's
 * command builder would re-order; fluent reads progress by scraping stderr
 * and needs the input's duration first; and its kill is one signal with no
 * escalation to SIGKILL. fluent-ffmpeg is used where it fits, for ffprobe.
 */
export function runFfmpeg(args: readonly string[], options: RunFfmpegOptions): Promise<void> {
  const { signal, onProgress, onStderr, timeoutMs, killGraceMs = 3000 } = options;
  if (signal.aborted)
    return Promise.reject(
      new MediaflowError('cancelled', 'ffmpeg was cancelled before it started'),
    );

  return new Promise<void>((resolve, reject) => {
    const child = spawn(
      toolPaths().ffmpeg,
      // Ours first: the caller's arguments may still override the log level.
      [
        '-hide_banner',
        '-nostdin',
        '-nostats',
        '-loglevel',
        'error',
        '-progress',
        'pipe:1',
        ...args,
      ],
      // Its own process group: a Ctrl-C in the terminal of `pnpm start` stops
      // the worker, which drains, instead of killing ffmpeg under a running task.
      // If the worker dies, ffmpeg dies too, on its next write to the pipe.
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    const progress = new FfmpegProgressParser();
    const stderr = new StderrTail();
    let stopReason: MediaflowError | Error | null = null;
    let killTimer: NodeJS.Timeout | undefined;
    let settled = false;

    const stop = (reason: MediaflowError | Error) => {
      if (stopReason) return;
      stopReason = reason;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), killGraceMs);
    };
    const onAbort = () => stop(new MediaflowError('cancelled', 'ffmpeg was cancelled'));
    const timeoutTimer = setTimeout(
      () =>
        stop(
          new MediaflowError(
            'timeout',
            `ffmpeg did not finish within ${Math.round(timeoutMs / 1000)} s`,
          ),
        ),
      timeoutMs,
    );
    signal.addEventListener('abort', onAbort, { once: true });

    const settle = (error: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timeoutTimer);
      clearTimeout(killTimer);
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      for (const seconds of progress.push(chunk)) {
        try {
          onProgress?.(seconds);
        } catch (error) {
          stop(error as Error);
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr.push(chunk);
      try {
        onStderr?.(chunk);
      } catch (error) {
        stop(error as Error);
      }
    });

    child.on('error', (error: NodeJS.ErrnoException) => {
      // Spawning failed (no 'close' follows): the tool is missing or not executable.
      if (child.pid === undefined) {
        settle(
          new MediaflowError(
            'internal',
            `Cannot run ffmpeg (${toolPaths().ffmpeg}): ${error.code ?? error.message}`,
          ),
        );
      }
    });
    child.on('close', (code, exitSignal) => {
      if (stopReason) return settle(stopReason);
      if (code === 0) return settle(null);
      if (exitSignal)
        return settle(new MediaflowError('internal', `ffmpeg was killed by ${exitSignal}`));
      const tail = stderr.last(QUOTED_STDERR_LINES).join('\n');
      const refused = refusedFormatError(tail);
      if (refused) return settle(refused);
      const why = redactPaths(tail, args);
      settle(
        new MediaflowError(
          'input_unreadable',
          `ffmpeg failed (exit code ${code})${why ? `: ${why}` : ''}`,
        ),
      );
    });
  });
}
