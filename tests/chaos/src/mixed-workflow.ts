import { Fixtures, FixtureServer } from '@mediaflow/testing';
import type { ChaosRequest } from './chaos-load';

/**
 * The workflow every chaos run runs, so that each process has work to be
 * killed in: a `conditions` step on the source's kind; for a video,
 * thumbnails (worker-video) and subtitles (worker-subtitles); for a
 * picture, a `next` chain of two image steps; and for both an image step
 * (a frame grab of a video: worker-image) followed by a summary
 * (worker-summary). Every task is cheap: the inputs are tiny.
 */
export const MIXED_WORKFLOW = [
  {
    kind: 'conditions',
    conditions: [{ prop: 'kind', value: 'video' }],
    next: [{ kind: 'thumbnails', options: { count: 2, width: 32 } }, { kind: 'subtitles' }],
    else: [
      {
        kind: 'image',
        options: { width: 64, format: 'webp' },
        next: [{ kind: 'image', options: { width: 32, format: 'png' } }],
      },
    ],
  },
  { kind: 'image', options: { width: 48, format: 'png' }, next: [{ kind: 'summary' }] },
];

/** The tasks of one run besides its root: its ingest and the seven steps, the branch not taken included (skipped). */
export const TASKS_PER_RUN = 8;

/** The files a completed task of each kind records: thumbnails make a track and its sprite sheet. */
export const OUTPUTS_PER_KIND: Readonly<Record<string, number>> = {
  ingest: 1,
  image: 1,
  thumbnails: 2,
  subtitles: 1,
  conditions: 0,
  summary: 0,
};

/** One pair of requests in this many is on the video (pocketsphinx and ffmpeg cost more than sharp). */
const VIDEO_EVERY = 4;

/** A picture and a one-second video with sound, served on loopback. */
export class ChaosMedia {
  private constructor(
    private readonly fixtures: Fixtures,
    readonly files: FixtureServer,
  ) {}

  static async make(): Promise<ChaosMedia> {
    const fixtures = new Fixtures();
    await fixtures.jpeg('photo.jpg', 320, 240);
    await fixtures.video('clip.mp4', 160, 120, 1, { fps: 10 });
    return new ChaosMedia(fixtures, await FixtureServer.start(fixtures.dir));
  }

  /**
   * The `index`-th request of a load. Requests go in pairs on one source:
   * the first runs the saved automation, the second sends the same
   * workflow to `POST /tasks`. The source URL carries the key, so the runs
   * made for a request can be counted without trusting the idempotency table.
   */
  request(mode: string, index: number, automationId: string): ChaosRequest {
    const key = `chaos-${mode}-${index}`;
    const pair = Math.floor(index / 2);
    const source = pair % VIDEO_EVERY === VIDEO_EVERY - 1 ? 'clip.mp4' : 'photo.jpg';
    const url = `${this.files.url(source)}?chaos=${key}`;
    return index % 2 === 0
      ? { key, sourceUrl: url, path: `/automations/${automationId}/run`, body: { url } }
      : {
          key,
          sourceUrl: url,
          path: '/tasks',
          body: { kind: 'workflow', url, workflow: MIXED_WORKFLOW },
        };
  }

  /** A URL of the picture that no chaos request uses, for the closing health check. */
  get canaryUrl(): string {
    return `${this.files.url('photo.jpg')}?canary=1`;
  }

  async close(): Promise<void> {
    await this.files.close();
    this.fixtures.remove();
  }
}

/** Source URLs of chaos requests, as SQL LIKE pattern. */
export const CHAOS_SOURCE_PATTERN = '%?chaos=%';
