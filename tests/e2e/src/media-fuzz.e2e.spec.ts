import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { ERROR_STATUS, type ErrorCode } from '@mediaflow/contracts';
import { probeMedia } from '@mediaflow/media';
import {
  ALL_APPS,
  client,
  createSpeechMedia,
  createTestVideo,
  Fixtures,
  FixtureServer,
  System,
  waitForTask,
} from '@mediaflow/testing';
import sharp from 'sharp';
import { WebVTTParser } from 'webvtt-parser';
import { applyDamage, damage, describeDamage, type Damage } from './support/hostile-media';

// Hostile media, made on the fly from real files (truncations, bit flips,
// zeroed headers, random bytes over them, wrong names and types), through
// an upload, an ingest by URL and a task of each kind that takes that
// media. Every task must end within its bound, failing with a stable code
// that says the media is at fault (not `internal`), or completing with an
// output whose properties make sense; and afterwards the service is
// healthy and a clean file still works.
//
// The damage is drawn by fast-check with a fixed seed (MEDIAFLOW_FUZZ_SEED
// overrides it), before the files exist: each case names its damage, and
// the same seed damages the same places of the same files.

const SEED = Number(process.env.MEDIAFLOW_FUZZ_SEED ?? 20261207);

type Media = 'jpeg' | 'png' | 'mp4' | 'wav';
type Kind = 'image' | 'video' | 'audio' | 'thumbnails' | 'speech' | 'subtitles' | 'summary';

const MEDIA: Record<Media, { file: string; type: string; kinds: Kind[]; cases: number }> = {
  jpeg: { file: 'photo.jpg', type: 'image/jpeg', kinds: ['image'], cases: 8 },
  png: { file: 'alpha.png', type: 'image/png', kinds: ['image'], cases: 6 },
  mp4: { file: 'clip.mp4', type: 'video/mp4', kinds: ['video', 'audio', 'thumbnails'], cases: 12 },
  // Speech recognition is the slow part: fewer of these.
  wav: { file: 'talk.wav', type: 'audio/wav', kinds: ['speech', 'subtitles', 'summary'], cases: 5 },
};

const OPTIONS: Record<Kind, Record<string, unknown>> = {
  image: { width: 64 },
  video: { width: 64 },
  audio: { format: 'mp3' },
  thumbnails: { count: 4, width: 64 },
  speech: {},
  subtitles: {},
  summary: { max_words: 30 },
};

/** How long a task of each kind may take on these few-second files, whatever was done to them. */
const BOUND_MS: Record<Kind, number> = {
  image: 30_000,
  video: 60_000,
  audio: 60_000,
  thumbnails: 60_000,
  speech: 90_000,
  subtitles: 90_000,
  summary: 90_000,
};

/** Failure codes that put the blame on the media: a 422 (docs/http-api.md, Errors). */
const MEDIA_CODES = (Object.keys(ERROR_STATUS) as ErrorCode[]).filter(
  (code) => ERROR_STATUS[code] === 422,
);

interface Case {
  title: string;
  /** Whose bytes. */
  media: Media;
  /** What it claims to be: its name, its Content-Type and the kinds run on it. */
  claims: Media;
  damage?: Damage;
}

const damaged: Case[] = (Object.keys(MEDIA) as Media[]).flatMap((media, i) =>
  fc
    .sample(damage, { seed: SEED + i, numRuns: MEDIA[media].cases })
    .map((d) => ({ title: `${media} ${describeDamage(d)}`, media, claims: media, damage: d })),
);

/** Whole files under another name and type. */
const disguised: Case[] = (
  [
    ['jpeg', 'mp4'],
    ['mp4', 'jpeg'],
    ['wav', 'png'],
    ['png', 'wav'],
    ['mp4', 'wav'],
  ] as [Media, Media][]
).map(([media, claims]) => ({ title: `${media} named and typed as ${claims}`, media, claims }));

const empty: Case = { title: 'mp4 empty', media: 'mp4', claims: 'mp4', damage: { kind: 'empty' } };

/** 37 cases: about 40 s on the 2-core machine, 2 min while other builds load it. */
const CASES = [...damaged, ...disguised, empty];

describe(`hostile media through ingest and every kind (MEDIAFLOW_FUZZ_SEED=${SEED})`, () => {
  const fixtures = new Fixtures();
  let files: FixtureServer;
  let system: System;
  let api: ReturnType<typeof client>;
  const clean = {} as Record<Media, Buffer>;

  beforeAll(async () => {
    await fixtures.jpeg('photo.jpg', 320, 240);
    await fixtures.pngWithAlpha('alpha.png', 200, 150);
    await createTestVideo(fixtures.path('clip.mp4'), {
      seconds: 2,
      width: 160,
      height: 120,
      outputArgs: ['-preset', 'ultrafast', '-movflags', '+faststart'],
    });
    await createSpeechMedia(fixtures.path('talk.wav'), 'The rain in the north stops tomorrow.', {
      video: false,
      leadSeconds: 0.5,
      tailSeconds: 0.5,
    });
    for (const media of Object.keys(MEDIA) as Media[])
      clean[media] = fixtures.bytes(MEDIA[media].file);
    files = await FixtureServer.start(fixtures.dir);
    system = await System.start(ALL_APPS, { MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1' });
    api = client(system.baseUrl, system.adminKey);
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
    await files?.close();
    fixtures.remove();
  });

  /** Problems with a failure: its code must be a stable one that blames the media. */
  function failureProblems(what: string, error: { code?: string; message?: string } | null) {
    const code = error?.code as ErrorCode | undefined;
    if (code === 'internal') return [`${what}: internal (${error?.message})`];
    if (!code || !MEDIA_CODES.includes(code))
      return [
        `${what}: failed with ${JSON.stringify(error)}, not one of ${MEDIA_CODES.join(', ')}`,
      ];
    return [];
  }

  /** Problems with a stored file's properties, as the API gives them and as its bytes are. */
  async function fileProblems(what: string, file: any, expectedSize?: number): Promise<string[]> {
    const problems: string[] = [];
    const read = await api('GET', `/files/${file.id}`);
    if (read.status !== 200) return [`${what}: GET /files/${file.id} answered ${read.status}`];
    // The task's output of a thumbnails step also lists its sprites (`files`).
    // A stored file also lists the runs its upload triggered; a task's output file does not.
    const { url: _url, triggered_runs: _runs, ...properties } = read.body;
    const { url: _given, files: _sprites, triggered_runs: _givenRuns, ...given } = file;
    if (JSON.stringify(properties) !== JSON.stringify(given))
      problems.push(
        `${what}: GET /files says ${JSON.stringify(properties)}, the task said ${JSON.stringify(given)}`,
      );
    if (expectedSize !== undefined && file.filesize !== expectedSize)
      problems.push(`${what}: filesize ${file.filesize}, ${expectedSize} bytes sent`);
    if (!(file.filesize > 0)) problems.push(`${what}: filesize ${file.filesize}`);
    for (const field of ['width', 'height'] as const)
      if (
        file[field] !== null &&
        !(Number.isInteger(file[field]) && file[field] > 0 && file[field] <= 100_000)
      )
        problems.push(`${what}: ${field} ${file[field]}`);
    for (const field of ['duration', 'fps'] as const)
      if (file[field] !== null && !(Number.isFinite(file[field]) && file[field] >= 0))
        problems.push(`${what}: ${field} ${file[field]}`);
    return problems;
  }

  /** The bytes of a file, through its signed URL, probed as the workers probe media. */
  async function probeOutput(file: any, name: string) {
    const res = await fetch(file.url);
    const bytes = Buffer.from(await res.arrayBuffer());
    writeFileSync(fixtures.path(name), bytes);
    return {
      status: res.status,
      bytes,
      probed: await probeMedia(fixtures.path(name), { maxInputPixels: 100_000_000 }),
    };
  }

  /** Problems with a completed task's output: what each kind makes, of a sane size. */
  async function outputProblems(kind: Kind, task: any, tag: string): Promise<string[]> {
    const what = `${kind} completed`;
    const output = task.output;
    const inputDuration: number = task.input?.duration ?? 0;
    const problems: string[] = [];
    const check = (ok: boolean, message: string) => {
      if (!ok) problems.push(`${what}: ${message} (${JSON.stringify(output)?.slice(0, 400)})`);
    };
    switch (kind) {
      case 'image': {
        check(
          output?.kind === 'image' && output.width === 64 && output.height > 0,
          'not a 64-wide image',
        );
        problems.push(...(await fileProblems(what, output)));
        const res = await fetch(output.url);
        const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
        check(
          meta.width === output.width &&
            meta.height === output.height &&
            meta.format === output.format,
          `its bytes are ${meta.format} ${meta.width}×${meta.height}`,
        );
        break;
      }
      case 'video':
      case 'audio': {
        if (kind === 'video')
          // At most 64 wide: never wider than its input, whose size damage may have changed.
          check(
            output?.kind === 'video' &&
              output.has_video &&
              output.width > 0 &&
              output.width <= 64 &&
              output.width % 2 === 0 &&
              output.height > 0,
            'not a video at most 64 wide',
          );
        else check(output?.kind === 'audio' && output.has_audio && !output.has_video, 'not audio');
        check(
          output?.duration > 0 && output.duration <= inputDuration + 1,
          `duration ${output?.duration} for an input of ${inputDuration} s`,
        );
        problems.push(...(await fileProblems(what, output)));
        const { status, probed } = await probeOutput(output, `${tag}-${kind}.${output.format}`);
        check(status === 200 && probed.kind === kind, `its bytes probe as ${probed.kind}`);
        check(
          Math.abs((probed.duration ?? 0) - output.duration) < 0.5,
          `its bytes last ${probed.duration} s`,
        );
        break;
      }
      case 'thumbnails': {
        check(
          output?.kind === 'track' && output.format === 'vtt' && output.files?.length >= 1,
          'not a track with a sprite',
        );
        problems.push(...(await fileProblems(what, output)));
        for (const [i, sprite] of (output?.files ?? []).entries()) {
          check(
            sprite.kind === 'image' && sprite.width > 0 && sprite.width <= 5 * 64,
            `sprite ${i} is ${sprite.kind} ${sprite.width} wide`,
          );
          problems.push(...(await fileProblems(`${what}, sprite ${i}`, sprite)));
        }
        problems.push(...(await vttProblems(what, output, inputDuration, 4)));
        break;
      }
      case 'subtitles':
        check(output?.kind === 'track' && output.format === 'vtt', 'not a vtt track');
        problems.push(...(await fileProblems(what, output)));
        problems.push(...(await vttProblems(what, output, inputDuration)));
        break;
      case 'speech':
        check(
          typeof output?.text === 'string' && Array.isArray(output.segments),
          'not a transcript',
        );
        for (const segment of output?.segments ?? [])
          check(
            segment.start >= 0 &&
              segment.start <= segment.end &&
              segment.end <= inputDuration + 0.5,
            `a segment ${segment.start}–${segment.end} s`,
          );
        break;
      case 'summary':
        check(
          typeof output?.summary === 'string' && typeof output.source === 'string',
          'not a summary',
        );
        check(
          (output?.summary ?? '').split(/\s+/).filter((w: string) => /[\p{L}\p{N}]/u.test(w))
            .length <= 30,
          'over max_words',
        );
        break;
    }
    return problems;
  }

  async function vttProblems(
    what: string,
    track: any,
    duration: number,
    maxCues?: number,
  ): Promise<string[]> {
    const text = await (await fetch(track.url)).text();
    const parsed = new WebVTTParser().parse(text, 'metadata');
    const problems = parsed.errors.map((e: any) => `${what}: VTT line ${e.line}: ${e.message}`);
    if (maxCues !== undefined && parsed.cues.length > maxCues)
      problems.push(`${what}: ${parsed.cues.length} cues`);
    for (const cue of parsed.cues)
      if (!(cue.startTime >= 0 && cue.endTime >= cue.startTime && cue.endTime <= duration + 0.5))
        problems.push(`${what}: a cue ${cue.startTime}–${cue.endTime} s in ${duration} s`);
    return problems;
  }

  it.each(CASES.map((c, i) => [c.title, c, i] as const))(
    '%s',
    async (_title, testCase, index) => {
      const { media, claims } = testCase;
      const bytes = testCase.damage ? applyDamage(clean[media], testCase.damage) : clean[media];
      const name = `case-${index}-${MEDIA[claims].file}`;
      fixtures.write(name, bytes);
      const problems: string[] = [];

      // The upload, and the same bytes ingested from a URL: the same answer.
      const upload = await api('POST', `/files?filename=${encodeURIComponent(name)}`, {
        data: bytes,
        headers: { 'content-type': MEDIA[claims].type },
      });
      const byUrl = await api('POST', '/files', { body: { url: files.url(name) } });
      for (const [what, answer] of [
        ['upload', upload],
        ['ingest by URL', byUrl],
      ] as const) {
        if (answer.status === 201)
          problems.push(...(await fileProblems(what, answer.body, bytes.length)));
        else if (answer.status === 422) problems.push(...failureProblems(what, answer.body.error));
        else problems.push(`${what}: answered ${answer.status} ${JSON.stringify(answer.body)}`);
      }
      const outcome = (a: typeof upload) =>
        a.status === 201 ? `a ${a.body.kind} file` : `${a.status} ${a.body?.error?.code}`;
      if (outcome(upload) !== outcome(byUrl))
        problems.push(
          `the upload answered ${outcome(upload)}, the ingest by URL ${outcome(byUrl)}`,
        );

      // Each kind the claimed media takes, on the stored file; on the URL when
      // nothing could be stored, where the run's ingest must fail as the upload did.
      const source = upload.status === 201 ? { file_id: upload.body.id } : { url: files.url(name) };
      const takes = MEDIA[claims].kinds;
      const kinds = upload.status === 201 ? takes : takes.slice(0, 1);
      const started = await Promise.all(
        kinds.map(async (kind) => ({
          kind,
          answer: await api('POST', '/tasks', {
            body: { kind, ...source, options: OPTIONS[kind] },
          }),
        })),
      );
      const ended = await Promise.all(
        started.map(async ({ kind, answer }) => {
          if (answer.status !== 201) {
            problems.push(
              `${kind}: submission answered ${answer.status} ${JSON.stringify(answer.body)}`,
            );
            return undefined;
          }
          try {
            return {
              kind,
              task: await waitForTask(api, answer.body.id, undefined, BOUND_MS[kind]),
            };
          } catch {
            problems.push(`${kind}: not ended within ${BOUND_MS[kind] / 1000} s`);
            await api('POST', `/tasks/${answer.body.id}/cancel`);
            return undefined;
          }
        }),
      );
      for (const done of ended) {
        if (!done) continue;
        const { kind, task } = done;
        if (task.status === 'failed') {
          problems.push(...failureProblems(kind, task.error));
          if (!('file_id' in source) && task.error?.code !== upload.body?.error?.code)
            problems.push(
              `${kind} on the URL failed ${task.error?.code}, the upload ${upload.body?.error?.code}`,
            );
        } else if (task.status === 'completed') {
          problems.push(...(await outputProblems(kind, task, `case-${index}`)));
        } else problems.push(`${kind}: ended ${task.status}`);
      }
      expect(problems).toEqual([]);
    },
    180_000,
  );

  it('stays healthy: /health and /ready answer 200, every process runs, and clean files still work', async () => {
    for (const path of ['/health', '/ready'])
      expect((await fetch(`${system.baseUrl}${path}`)).status).toBe(200);
    for (const app of system.apps.values())
      expect({ app: app.name, exit: app.child.exitCode }).toEqual({ app: app.name, exit: null });
    const [picture, video] = await Promise.all(
      [
        { kind: 'image', url: files.url('photo.jpg'), options: { width: 64 } },
        { kind: 'video', url: files.url('clip.mp4'), options: { width: 64 } },
      ].map(async (body) => {
        const made = await api('POST', '/tasks', { body });
        expect(made.status).toBe(201);
        return waitForTask(api, made.body.id, undefined, 60_000);
      }),
    );
    expect(picture).toMatchObject({
      status: 'completed',
      output: { kind: 'image', width: 64, height: 48 },
    });
    expect(video).toMatchObject({
      status: 'completed',
      output: { kind: 'video', width: 64, height: 48 },
    });
  }, 120_000);
});
