import { TASK_KIND_NAMES, type TaskKind } from '@mediaflow/contracts';
import {
  doctorReport,
  formatDoctorReport,
  versionAtLeast,
  type DoctorProbes,
  type DoctorReport,
  type KindVerdict,
} from './doctor-report';
import { healthy, ok } from '../test/healthy-probes';

const gone = (problem: string) => ({ ok: false as const, problem });

type Change = (p: DoctorProbes) => void;
const withChange = (change: Change): DoctorProbes => {
  const probes = healthy();
  change(probes);
  return probes;
};
const withoutEncoders =
  (...names: string[]): Change =>
  (p) => {
    p.encoders = p.encoders.filter((e) => !names.includes(e));
  };

const verdict = (report: DoctorReport, kind: TaskKind): KindVerdict =>
  report.kinds.find((k) => k.kind === kind)!;
const runnable = (report: DoctorReport) => report.kinds.filter((k) => k.canRun).map((k) => k.kind);
const others = (...kinds: TaskKind[]) => TASK_KIND_NAMES.filter((k) => !kinds.includes(k));

const MEDIA_KINDS: TaskKind[] = ['ingest', 'video', 'audio', 'thumbnails', 'speech', 'subtitles'];

describe('doctorReport', () => {
  it('lets every kind run, in full, when everything is there', () => {
    const report = doctorReport(healthy());
    expect(report.kinds.map((k) => k.kind)).toEqual(TASK_KIND_NAMES);
    expect(report.kinds.every((k) => k.canRun && k.without.length === 0)).toBe(true);
    expect(report.dependencies.every((d) => d.status === 'ok')).toBe(true);
    expect(report.exitCode).toBe(0);
  });

  it('stops every kind that runs ffmpeg when it is missing, with how to install it', () => {
    const report = doctorReport(
      withChange((p) => {
        p.ffmpeg = gone('ffmpeg at ffmpeg: not found');
        p.encoders = [];
      }),
    );
    expect(runnable(report)).toEqual(others(...MEDIA_KINDS));
    for (const kind of MEDIA_KINDS) {
      expect(verdict(report, kind).blockers).toEqual([
        {
          dependency: 'ffmpeg',
          problem: 'ffmpeg at ffmpeg: not found',
          hint: expect.stringContaining('sudo apt-get install ffmpeg'),
        },
      ]);
    }
    expect(verdict(report, 'image').without).toEqual(['frames from videos (needs ffmpeg)']);
    expect(verdict(report, 'nsfw').without).toEqual(['video inputs (needs ffmpeg)']);
    expect(verdict(report, 'summary').without).toEqual(['video and audio inputs (needs ffmpeg)']);
    // No encoder row without an ffmpeg to ask.
    expect(report.dependencies.map((d) => d.name)).not.toContain('ffmpeg encoders');
    expect(report.missingRequired).toEqual(['ffmpeg']);
    expect(report.exitCode).toBe(1);
  });

  it('stops the same kinds when only ffprobe is missing', () => {
    const report = doctorReport(
      withChange((p) => (p.ffprobe = gone('ffprobe at ffprobe: not found'))),
    );
    expect(runnable(report)).toEqual(others(...MEDIA_KINDS));
    expect(verdict(report, 'video').blockers[0]!.hint).toContain('FFPROBE_PATH');
  });

  it.each<[string, string[], TaskKind, string[]]>([
    ['libx265', ['libx265'], 'video', ['h265 (no libx265)']],
    [
      'libvpx-vp9 and libsvtav1',
      ['libvpx-vp9', 'libsvtav1'],
      'video',
      ['vp9 (no libvpx-vp9)', 'av1 (no libsvtav1)'],
    ],
    ['libopus', ['libopus'], 'video', ['audio in webm (no libopus)']],
    ['libmp3lame', ['libmp3lame'], 'audio', ['mp3 (no libmp3lame)']],
    ['aac', ['aac'], 'audio', ['aac (no aac)', 'm4a (no aac)']],
    ['libwebp', ['libwebp'], 'thumbnails', ['webp sheets (no libwebp)']],
  ])('runs %s-less kinds with what is left', (_, missing, kind, without) => {
    const report = doctorReport(withChange(withoutEncoders(...missing)));
    expect(verdict(report, kind)).toMatchObject({ canRun: true, without });
    expect(runnable(report)).toEqual(TASK_KIND_NAMES);
    expect(report.dependencies.find((d) => d.name === 'ffmpeg encoders')).toMatchObject({
      status: 'partial',
      required: false,
      detail: expect.stringContaining(`no ${missing.join(', ')}`),
    });
    // A narrower codec list is not a missing dependency.
    expect(report.exitCode).toBe(0);
  });

  it('says video cannot run when ffmpeg has no video encoder at all', () => {
    const report = doctorReport(
      withChange(withoutEncoders('libx264', 'libx265', 'libvpx-vp9', 'libsvtav1')),
    );
    expect(runnable(report)).toEqual(others('video'));
    expect(verdict(report, 'video').blockers).toEqual([
      expect.objectContaining({
        dependency: 'ffmpeg encoders',
        problem: 'none of libx264, libx265, libvpx-vp9, libsvtav1',
      }),
    ]);
  });

  it('stops speech and subtitles without pocketsphinx under the local provider', () => {
    const report = doctorReport(
      withChange((p) => (p.speech.pocketsphinx = gone('pocketsphinx_batch is not on PATH'))),
    );
    expect(runnable(report)).toEqual(others('speech', 'subtitles'));
    expect(verdict(report, 'speech').blockers).toEqual([
      expect.objectContaining({
        dependency: 'pocketsphinx_batch',
        hint: expect.stringContaining('apt-get install pocketsphinx'),
      }),
    ]);
    expect(verdict(report, 'summary').without).toEqual([
      'video and audio inputs (needs pocketsphinx_batch)',
    ]);
    expect(report.missingRequired).toEqual(['pocketsphinx_batch']);
    expect(report.exitCode).toBe(1);
  });

  it('stops speech and subtitles without the en-us model under the local provider', () => {
    const report = doctorReport(
      withChange(
        (p) => (p.speech.model = gone('missing /usr/share/pocketsphinx/model/en-us/en-us.lm.bin')),
      ),
    );
    expect(runnable(report)).toEqual(others('speech', 'subtitles'));
    expect(verdict(report, 'subtitles').blockers[0]!.hint).toContain('pocketsphinx-en-us');
  });

  it('runs speech without pocketsphinx when the openai provider is configured', () => {
    const report = doctorReport(
      withChange((p) => {
        p.speech = {
          provider: 'openai',
          pocketsphinx: gone('pocketsphinx_batch is not on PATH'),
          model: gone('missing /usr/share/pocketsphinx/model/en-us (acoustic model directory)'),
          service: ok('127.0.0.1:8000 (answering)'),
        };
      }),
    );
    expect(runnable(report)).toEqual(TASK_KIND_NAMES);
    expect(report.dependencies.find((d) => d.name === 'pocketsphinx_batch')).toMatchObject({
      status: 'missing',
      required: false,
      detail: 'pocketsphinx_batch is not on PATH (not used: MEDIAFLOW_SPEECH_PROVIDER is openai)',
    });
    expect(report.exitCode).toBe(0);
  });

  it('stops speech when the openai service does not answer', () => {
    const report = doctorReport(
      withChange((p) => {
        p.speech = {
          provider: 'openai',
          pocketsphinx: ok('/usr/bin/pocketsphinx_batch'),
          model: ok('/usr/share/pocketsphinx/model/en-us (language en)'),
          service: gone('not answering at 127.0.0.1:8000 (ECONNREFUSED)'),
        };
      }),
    );
    expect(runnable(report)).toEqual(others('speech', 'subtitles'));
    expect(report.missingRequired).toEqual(['speech service (openai)']);
  });

  it('stops speech on a speech setting the workers would refuse', () => {
    const report = doctorReport(
      withChange((p) => {
        p.speech = {
          provider: 'openai',
          settingsProblem:
            'MEDIAFLOW_SPEECH_BASE_URL must be set when MEDIAFLOW_SPEECH_PROVIDER is openai',
          pocketsphinx: ok('/usr/bin/pocketsphinx_batch'),
          model: ok('/usr/share/pocketsphinx/model/en-us (language en)'),
        };
      }),
    );
    expect(runnable(report)).toEqual(others('speech', 'subtitles'));
    expect(report.missingRequired).toEqual(['speech settings']);
  });

  it('stops image and nsfw without sharp, and summary of pictures', () => {
    const report = doctorReport(
      withChange(
        (p) => (p.sharp = gone('Could not load the "sharp" module using the linux-x64 runtime')),
      ),
    );
    expect(runnable(report)).toEqual(others('image', 'nsfw'));
    expect(verdict(report, 'summary').without).toEqual(['image inputs (needs sharp)']);
  });

  it.each<[string, Change]>([
    [
      'model files',
      (p) => (p.nsfwModel = gone('/x/models/mobilenet_v2_mid/model.min.js is missing')),
    ],
    [
      'backend',
      (p) =>
        (p.nsfwBackend = {
          backend: 'wasm',
          ...gone('the TensorFlow.js wasm backend did not initialise'),
        }),
    ],
  ])('stops only nsfw without its %s', (_, change) => {
    const report = doctorReport(withChange(change));
    expect(runnable(report)).toEqual(others('nsfw'));
    expect(report.exitCode).toBe(1);
  });

  it.each<[string, Change, string]>([
    [
      'a PostgreSQL at DATABASE_URL that does not answer',
      (p) =>
        (p.database = {
          mode: 'server',
          ...gone('not answering at 127.0.0.1:5432 (ECONNREFUSED)'),
        }),
      'PostgreSQL (server)',
    ],
    [
      'no embedded PostgreSQL binaries',
      (p) =>
        (p.database = {
          mode: 'embedded',
          ...gone('Embedded PostgreSQL binaries are not installed'),
        }),
      'PostgreSQL (embedded)',
    ],
    [
      'a NATS at NATS_URL that does not answer',
      (p) =>
        (p.messaging = { mode: 'nats', ...gone('not answering at 127.0.0.1:4222 (ECONNREFUSED)') }),
      'messaging (nats)',
    ],
    [
      'an unwritable data dir',
      (p) => (p.dataDir = gone('cannot write in /srv (EACCES)')),
      'data dir',
    ],
    [
      'no S3 bucket',
      (p) => (p.storage = { driver: 's3', ...gone('MEDIAFLOW_S3_BUCKET is not set') }),
      'storage (s3)',
    ],
    ['an old Node.js', (p) => (p.node = { version: '20.18.1' }), 'Node.js'],
  ])('runs nothing with %s', (_, change, dependency) => {
    const report = doctorReport(withChange(change));
    expect(runnable(report)).toEqual([]);
    expect(
      report.kinds.every((k) => k.blockers.map((b) => b.dependency).includes(dependency)),
    ).toBe(true);
    expect(report.missingRequired).toEqual([dependency]);
    expect(report.exitCode).toBe(1);
  });

  it('needs the summary service only when the openai summary provider is configured', () => {
    const report = doctorReport(
      withChange(
        (p) =>
          (p.summary = {
            provider: 'openai',
            ...gone('not answering at 127.0.0.1:11434 (ECONNREFUSED)'),
          }),
      ),
    );
    expect(runnable(report)).toEqual(others('summary'));
  });
});

describe('formatDoctorReport', () => {
  it('prints aligned columns, a verdict per kind, the fixes and the exit status', () => {
    const text = formatDoctorReport(
      doctorReport(
        withChange((p) => {
          p.speech.pocketsphinx = gone('pocketsphinx_batch is not on PATH');
          withoutEncoders('libx265')(p);
        }),
      ),
    );
    const lines = text.split('\n');
    const header = lines.indexOf(lines.find((l) => l.startsWith('DEPENDENCY'))!);
    const rows = lines.slice(header, lines.indexOf('', header));
    const statusColumn = rows[0]!.indexOf('STATUS');
    const detailColumn = rows[0]!.indexOf('VERSION / DETAIL');
    for (const line of rows) {
      expect(line[statusColumn - 1]).toBe(' ');
      expect(line[statusColumn]).not.toBe(' ');
      expect(line[detailColumn - 1]).toBe(' ');
    }
    expect(rows).toContainEqual(
      expect.stringMatching(/^pocketsphinx_batch +MISSING +pocketsphinx_batch is not on PATH$/),
    );
    expect(rows).toContainEqual(
      expect.stringMatching(/^ffmpeg encoders +partial +no libx265; has /),
    );

    for (const kind of TASK_KIND_NAMES)
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${kind} +\\S`)));
    expect(lines).toContainEqual(
      expect.stringMatching(/^video +can run, without h265 \(no libx265\)$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^speech +cannot run: needs pocketsphinx_batch$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^ {2}pocketsphinx_batch: on Debian\/Ubuntu: sudo apt-get install pocketsphinx/,
      ),
    );
    expect(lines).toContain(
      '7 of 9 task kinds can run; this configuration needs what is missing: pocketsphinx_batch (exit status 1).',
    );
  });

  it('ends with exit status 0 when the configuration has what it needs', () => {
    const text = formatDoctorReport(doctorReport(healthy()));
    expect(text).not.toContain('To fix:');
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      '9 of 9 task kinds can run; this configuration has everything it needs (exit status 0).',
    );
  });
});

describe('versionAtLeast', () => {
  it.each([
    ['20.19.0', '20.19.0', true],
    ['20.20.2', '20.19.0', true],
    ['22.1.0', '20.19.0', true],
    ['20.18.3', '20.19.0', false],
    ['v18.20.0', '20.19.0', false],
    ['20.19', '20.19.0', true],
  ])('%s ≥ %s: %s', (version, min, expected) => {
    expect(versionAtLeast(version, min)).toBe(expected);
  });
});
