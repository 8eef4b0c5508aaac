import sharp from 'sharp';
import { renderImage } from './image-pipeline';
import type { RenderProcessJob, RenderProcessOutcome } from './render-process';

// A render process (render-process.ts): one job from the worker over IPC,
// rendered with the worker's own pipeline, the outcome sent back, and out.

function answer(outcome: RenderProcessOutcome): void {
  process.send!(outcome, () => process.exit(0));
}

process.once('message', (job: RenderProcessJob) => {
  sharp.concurrency(job.threads);
  sharp.cache(false);
  renderImage(job).then(
    () => answer({ ok: true }),
    (error: unknown) => answer({ ok: false, message: (error as Error)?.message ?? String(error) }),
  );
});
// The worker is gone (killed, crashed): so is the point of this render.
process.once('disconnect', () => process.exit(1));
