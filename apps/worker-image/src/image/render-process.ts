import { fork } from 'node:child_process';
import path from 'node:path';
import { MediaflowError } from '@mediaflow/contracts';
import { sharpRenderError } from '@mediaflow/media';
import type { RenderJob } from './image-pipeline';
import { abortError } from './render-slots';

/** What the worker sends a render process: the job, and how many threads libvips may use on it. */
export interface RenderProcessJob extends RenderJob {
  threads: number;
}

/** What a render process answers: done, or sharp's message for the worker to classify. */
export type RenderProcessOutcome = { ok: true } | { ok: false; message: string };

/** The render process's entry, compiled beside this file. */
export const RENDER_PROCESS_MAIN = path.join(__dirname, 'render-process-main.js');

/**
 * Renders in a Node process of its own, killed the moment `signal` aborts:
 * a libvips pipeline cannot be stopped once it runs (sharp has no abort), so
 * a cancelled 100-megapixel AVIF would otherwise keep a core and gigabytes
 * for a minute more, after its slot was given to the next task. Settles
 * once the process has exited. Starting one costs about 90 ms of a core
 * (Node and sharp loading), which is why only long renders come here.
 */
export function renderInChildProcess(
  job: RenderProcessJob,
  signal: AbortSignal,
  main = RENDER_PROCESS_MAIN,
): Promise<void> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<void>((resolve, reject) => {
    // Its own process group, as ffmpeg's: a Ctrl-C in the terminal of `pnpm start` stops the
    // worker, which drains, rather than this render. It ends when the worker does (main's
    // `disconnect`). No inspector or profiler flags of the worker's: they would clash.
    const child = fork(main, [], {
      execArgv: [],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      detached: true,
      serialization: 'json',
    });
    let outcome: RenderProcessOutcome | undefined;
    let aborted = false;
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onAbort = () => {
      aborted = true;
      child.kill('SIGKILL');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.on('message', (message: RenderProcessOutcome) => (outcome = message));
    // Only when it could not be started: otherwise `exit` follows.
    child.on('error', (error) => {
      if (child.pid === undefined)
        settle(
          new MediaflowError('internal', `The render process did not start: ${error.message}`),
        );
    });
    child.on('exit', (code, killedBy) => {
      if (aborted) settle(abortError(signal));
      else if (outcome?.ok) settle();
      else if (outcome) settle(sharpRenderError(new Error(outcome.message)));
      else
        settle(
          new MediaflowError(
            'internal',
            `The render process ended without an answer (${killedBy ?? `exit code ${code}`})`,
          ),
        );
    });
    child.send(job);
  });
}
