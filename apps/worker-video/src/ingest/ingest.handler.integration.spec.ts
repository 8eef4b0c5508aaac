import {
  TASK_MESSAGE_VERSION,
  newId,
  type MediaflowError,
  type TaskDispatch,
} from '@mediaflow/contracts';
import {
  createTruncatedCopy,
  FixtureServer,
  Fixtures,
  writeConcatList,
  writeHlsPlaylist,
} from '@mediaflow/testing';
import type { TaskContext } from '@mediaflow/worker-kit';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllowList } from '@mediaflow/net-guard';
import { ingestHandler } from './ingest.handler';

// Sources served from 127.0.0.1 (allowed) and 127.0.0.2 (loopback, not allowed);
// nothing else is connected to.
describe('ingest handler (real download and probe)', () => {
  const fixtures = new Fixtures();
  let files: FixtureServer;
  let workDir: string;
  const handler = ingestHandler({
    limits: {
      maxBytes: 50_000_000,
      timeoutMs: 10_000,
      headersTimeoutMs: 5_000,
      maxRedirects: 5,
      allowList: parseAllowList('127.0.0.1'),
      firstByteTimeoutMs: 5_000,
      minBytesPerSecond: 1024,
    },
    maxInputPixels: 100_000_000,
  });

  beforeAll(async () => {
    await fixtures.video('clip.mp4', 640, 360, 3);
    fixtures.write('download', fixtures.bytes('clip.mp4'));
    fixtures.write('notes.txt', 'this is not media\n'.repeat(100));
    fixtures.write('empty.mp4', '');
    // Faststart (as Fixtures makes videos): cut to 40 %, it still declares 4 s.
    await fixtures.video('four.mp4', 320, 180, 4);
    await createTruncatedCopy(fixtures.path('four.mp4'), fixtures.path('four-cut.mp4'), 0.4);
    // Playlists naming a file that exists and one that does not.
    await writeHlsPlaylist(fixtures.path('hls-existing.m3u8'), fixtures.path('clip.mp4'));
    await writeHlsPlaylist(fixtures.path('hls-missing.m3u8'), fixtures.path('missing.mp4'));
    await writeConcatList(fixtures.path('concat-existing.ffconcat'), 'clip.mp4');
    await writeConcatList(fixtures.path('concat-missing.ffconcat'), 'missing.mp4');
    files = await FixtureServer.start(fixtures.dir);
  });
  afterAll(async () => {
    await files.close();
    fixtures.remove();
  });
  beforeEach(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'ingest-'));
  });
  afterEach(() => rmSync(workDir, { recursive: true, force: true }));

  function context(
    url: string,
    progress: number[] = [],
    overrides: Partial<TaskDispatch> = {},
  ): TaskContext {
    const task: TaskDispatch = {
      v: TASK_MESSAGE_VERSION,
      task_id: newId('task'),
      attempt: 1,
      project_id: newId('prj'),
      kind: 'ingest',
      options: {},
      input: null,
      source_url: url,
      ref: 'source',
      ...overrides,
    };
    return {
      task,
      inputPath: null,
      workDir,
      signal: new AbortController().signal,
      progress: (p) => progress.push(p),
    };
  }

  /** An ingest of an upload: the runner has fetched the staged bytes to `inputPath`. */
  function uploadContext(fixture: string, sourceFilename: string | null): TaskContext {
    return {
      ...context('', [], {
        source_url: null,
        source_key: `projects/prj_aaaaaaaaaaaaaaaa/files/file_aaaaaaaaaaaaaaaa/upload`,
        source_filename: sourceFilename,
        ref: null,
      }),
      inputPath: fixtures.path(fixture),
    };
  }

  it('downloads and probes a video, keeping its name', async () => {
    const progress: number[] = [];
    const { file } = await handler(context(files.url('clip.mp4'), progress));
    expect(file).toMatchObject({
      path: path.join(workDir, 'source'),
      filename: 'clip.mp4',
      properties: {
        kind: 'video',
        width: 640,
        height: 360,
        has_video: true,
        has_audio: true,
        filesize: statSync(fixtures.path('clip.mp4')).size,
      },
    });
    expect(file!.properties.duration).toBeCloseTo(3, 0);
    expect(progress.at(-1)).toBe(95);
  });

  it('stores a download under the name the client gave, made safe', async () => {
    const given = context(files.url('clip.mp4'), [], { source_filename: '../../My Holiday' });
    const { file } = await handler(given);
    expect(file!.filename).toBe(`My Holiday.${file!.properties.format}`);
  });

  it('names a download without an extension by its probed format', async () => {
    const { file } = await handler(context(files.url('download')));
    expect(file!.filename).toBe(`download.${file!.properties.format}`);
    expect(file!.properties.kind).toBe('video');
  });

  it('fails input_unreadable on a file no prober reads, and on zero bytes', async () => {
    await expect(handler(context(files.url('notes.txt')))).rejects.toMatchObject({
      code: 'input_unreadable',
    });
    await expect(handler(context(files.url('empty.mp4')))).rejects.toMatchObject({
      code: 'input_unreadable',
      message: `${files.url('empty.mp4')} is empty (0 bytes)`,
    });
  });

  it('fails input_unreachable on a 404 and input_forbidden on an address off the allow list', async () => {
    await expect(handler(context(files.url('missing.mp4')))).rejects.toMatchObject({
      code: 'input_unreachable',
    });
    const other = files.url('clip.mp4').replace('127.0.0.1', '127.0.0.2');
    await expect(handler(context(other))).rejects.toMatchObject({ code: 'input_forbidden' });
  });

  describe('of an upload', () => {
    it('probes the staged bytes and keeps the name the client gave', async () => {
      const { file } = await handler(uploadContext('clip.mp4', 'Holiday Clip.mp4'));
      expect(file).toMatchObject({
        path: fixtures.path('clip.mp4'),
        filename: 'Holiday Clip.mp4',
        properties: {
          kind: 'video',
          width: 640,
          height: 360,
          has_audio: true,
          filesize: statSync(fixtures.path('clip.mp4')).size,
        },
      });
      expect(file!.properties.duration).toBeCloseTo(3, 0);
    });

    it('names an upload without a usable name "upload", with its probed format', async () => {
      const { file } = await handler(uploadContext('clip.mp4', null));
      expect(file!.filename).toBe(`upload.${file!.properties.format}`);
      expect((await handler(uploadContext('clip.mp4', '..')))!.file!.filename).toBe(
        `upload.${file!.properties.format}`,
      );
    });

    it('fails input_unreadable on a faststart MP4 cut to 40 per cent, without decoding it', async () => {
      await expect(handler(uploadContext('four-cut.mp4', 'four.mp4'))).rejects.toMatchObject({
        code: 'input_unreadable',
        message: expect.stringMatching(
          /^Read (1\.\d|less than \d\.\d) s of the 4\.0 s the file declares: it is cut short$/,
        ),
      });
      const { file } = await handler(uploadContext('four.mp4', 'four.mp4'));
      expect(file!.properties.duration).toBeCloseTo(4, 0);
    });

    it('refuses HLS and ffconcat playlists with one error, whether the file they name exists or not', async () => {
      const errors = await Promise.all(
        [
          'hls-existing.m3u8',
          'hls-missing.m3u8',
          'concat-existing.ffconcat',
          'concat-missing.ffconcat',
        ].map((name) =>
          handler(uploadContext(name, name)).then(
            () => null,
            (error: MediaflowError) => error.toBody(),
          ),
        ),
      );
      expect(errors).toEqual(
        Array(4).fill({
          code: 'input_unreadable',
          message:
            'The file cannot be read as media: it is not in an audio, video or subtitle format mediaflow reads',
        }),
      );
    });

    it('fails input_unreadable on bytes no prober reads, and on zero bytes', async () => {
      await expect(handler(uploadContext('notes.txt', 'notes.txt'))).rejects.toMatchObject({
        code: 'input_unreadable',
      });
      await expect(handler(uploadContext('empty.mp4', 'empty.mp4'))).rejects.toMatchObject({
        code: 'input_unreadable',
      });
    });
  });
});
