import { MediaflowError } from '@mediaflow/contracts';

/** The one audio format the recognisers are given: 16 kHz, mono, signed 16-bit little-endian PCM. */
export const SPEECH_SAMPLE_RATE = 16_000;
export const BYTES_PER_SAMPLE = 2;

/** Where the samples of a PCM WAV file are, and what they are. */
export interface WavLayout {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Byte offset of the first sample. */
  dataOffset: number;
  /** Bytes of samples. */
  dataBytes: number;
}

/** Bytes of the header {@link wavHeader} writes. */
export const WAV_HEADER_BYTES = 44;

/**
 * Reads the RIFF chunks at the start of a WAV file (`head`: its first bytes,
 * enough to reach the `data` chunk) and says where the samples are. Chunks
 * other than `fmt ` and `data` (LIST, fact, …) are skipped, so the offset is
 * right whoever wrote the file. `fileSize` bounds a data size that a
 * streaming writer left as 0 or 0xFFFFFFFF.
 */
export function parseWavHeader(head: Buffer, fileSize: number): WavLayout {
  if (
    head.length < 12 ||
    head.toString('ascii', 0, 4) !== 'RIFF' ||
    head.toString('ascii', 8, 12) !== 'WAVE'
  ) {
    throw new MediaflowError('internal', 'The speech audio is not a WAV file');
  }
  let format: Omit<WavLayout, 'dataOffset' | 'dataBytes'> | null = null;
  let offset = 12;
  while (offset + 8 <= head.length) {
    const id = head.toString('ascii', offset, offset + 4);
    const size = head.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (body + 16 > head.length) break;
      const audioFormat = head.readUInt16LE(body);
      // 1: PCM; 0xFFFE: WAVE_FORMAT_EXTENSIBLE, which ffmpeg writes for some layouts.
      if (audioFormat !== 1 && audioFormat !== 0xfffe) {
        throw new MediaflowError(
          'internal',
          `The speech audio is not PCM (WAV format ${audioFormat})`,
        );
      }
      format = {
        channels: head.readUInt16LE(body + 2),
        sampleRate: head.readUInt32LE(body + 4),
        bitsPerSample: head.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!format) break;
      const available = Math.max(0, fileSize - body);
      const dataBytes = size === 0 || size === 0xffffffff ? available : Math.min(size, available);
      return { ...format, dataOffset: body, dataBytes };
    }
    // Chunks are padded to an even size.
    offset = body + size + (size % 2);
  }
  throw new MediaflowError('internal', 'The speech audio has no fmt and data chunks in its header');
}

/** Throws unless the layout is the recognisers' format (16 kHz mono 16-bit). */
export function assertSpeechFormat(layout: WavLayout): void {
  if (
    layout.sampleRate !== SPEECH_SAMPLE_RATE ||
    layout.channels !== 1 ||
    layout.bitsPerSample !== 16
  ) {
    throw new MediaflowError(
      'internal',
      `The speech audio must be 16 kHz mono 16-bit PCM, not ${layout.sampleRate} Hz, ${layout.channels} channel(s), ${layout.bitsPerSample}-bit`,
    );
  }
}

/** A 44-byte header for `sampleCount` samples of 16 kHz mono 16-bit PCM: a slice of a file sent on its own. */
export function wavHeader(sampleCount: number, sampleRate = SPEECH_SAMPLE_RATE): Buffer {
  const dataBytes = sampleCount * BYTES_PER_SAMPLE;
  const header = Buffer.alloc(WAV_HEADER_BYTES);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * BYTES_PER_SAMPLE, 28); // byte rate
  header.writeUInt16LE(BYTES_PER_SAMPLE, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}
