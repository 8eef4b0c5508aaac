import { spawn } from 'node:child_process';
import { MediaflowError } from '@mediaflow/contracts';
import { abortReason } from './abort-reason';

export interface SphinxRunOptions {
  /** Aborting stops the recogniser (SIGTERM, then SIGKILL) and rejects with the signal's reason. */
  signal: AbortSignal;
  /** Each line the recogniser logs to stderr. */
  onLogLine?: (line: string) => void;
  /** How long it may take to exit after SIGTERM. */
  killGraceMs?: number;
}

/** Lines of the log kept to say why a run failed. */
const KEPT_ERROR_LINES = 3;

/**
 * Runs a pocketsphinx tool with an argument array (no shell) and settles
 * only once it has exited, so a cancelled task never leaves a recogniser
 * behind. A tool that cannot be started is `provider_unavailable`: the local
 * provider is configured but not installed.
 */
export function runSphinx(
  binary: string,
  args: readonly string[],
  options: SphinxRunOptions,
): Promise<void> {
  const { signal, onLogLine, killGraceMs = 3000 } = options;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    // Its own process group, as ffmpeg's (runFfmpeg): a terminal's Ctrl-C reaches the worker, which drains, not the recogniser.
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    const errors: string[] = [];
    let partial = '';
    let killTimer: NodeJS.Timeout | undefined;
    let settled = false;

    const onAbort = () => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), killGraceMs);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = (error: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(killTimer);
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const line = (text: string) => {
      if (/^(ERROR|FATAL)/.test(text)) {
        // Messages reach API clients: no source locations, and file names without their directories.
        errors.push(
          text
            .replace(/^(ERROR|FATAL): "[^"]*", line \d+: /, '')
            .replace(/\/[^\s'"]*\/([^\s/'"]+)/g, '$1'),
        );
        if (errors.length > KEPT_ERROR_LINES) errors.shift();
      }
      onLogLine?.(text);
    };

    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = (lines.pop() ?? '').slice(-4096);
      for (const text of lines) line(text);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return;
      settle(
        new MediaflowError(
          'provider_unavailable',
          `The local speech recogniser cannot be run (${binary}): ${error.code ?? error.message}`,
        ),
      );
    });
    child.on('close', (code, exitSignal) => {
      if (partial) line(partial);
      if (signal.aborted) return settle(abortReason(signal));
      // It exits 0 after an utterance it could not read, having logged an ERROR.
      if (code === 0 && errors.length === 0) return settle(null);
      const why =
        errors.length > 0
          ? errors.join('; ')
          : exitSignal
            ? `killed by ${exitSignal}`
            : `exit code ${code}`;
      settle(new MediaflowError('internal', `The local speech recogniser failed: ${why}`));
    });
  });
}
