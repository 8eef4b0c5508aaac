import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import {
  assertSpeechFormat,
  parseWavHeader,
  SPEECH_SAMPLE_RATE,
  type WavLayout,
} from './wav-format';

/** 10 ms, the frame pocketsphinx decodes in: chunk boundaries in frames are exact in both. */
export const FRAME_SAMPLES = SPEECH_SAMPLE_RATE / 100;
export const FRAME_SECONDS = FRAME_SAMPLES / SPEECH_SAMPLE_RATE;

/** Below this a frame counts as digital silence (and log10 of 0 is avoided). */
export const FLOOR_DB = -100;

/**
 * The loudness of 16-bit mono PCM in 10 ms frames, in dBFS (RMS), fed in
 * chunks of any size, as a file stream delivers them.
 */
export class LevelMeter {
  private readonly levels: number[] = [];
  private sumSquares = 0;
  private samples = 0;
  private odd: number | null = null;

  push(bytes: Buffer): void {
    let i = 0;
    if (this.odd !== null && bytes.length > 0) {
      this.add(Buffer.from([this.odd, bytes[0]!]).readInt16LE(0));
      this.odd = null;
      i = 1;
    }
    for (; i + 1 < bytes.length; i += 2) this.add(bytes.readInt16LE(i));
    if (i < bytes.length) this.odd = bytes[i]!;
  }

  /** The levels of every frame, the last one partial. */
  finish(): Float32Array {
    if (this.samples > 0) this.close();
    return Float32Array.from(this.levels);
  }

  private add(sample: number): void {
    this.sumSquares += sample * sample;
    if (++this.samples === FRAME_SAMPLES) this.close();
  }

  private close(): void {
    const rms = Math.sqrt(this.sumSquares / this.samples) / 32768;
    this.levels.push(rms > 0 ? Math.max(FLOOR_DB, 20 * Math.log10(rms)) : FLOOR_DB);
    this.sumSquares = 0;
    this.samples = 0;
  }
}

/** Where a speech WAV's samples are, and their level per 10 ms frame. */
export interface SpeechAudio {
  layout: WavLayout;
  /** dBFS per frame of {@link FRAME_SAMPLES} samples. */
  levels: Float32Array;
  /** Samples in the file. */
  sampleCount: number;
}

/** Reads a 16 kHz mono WAV once, streaming: its layout and its frame levels. */
export async function readSpeechAudio(wavPath: string): Promise<SpeechAudio> {
  const file = await open(wavPath, 'r');
  let layout: WavLayout;
  try {
    const { size } = await file.stat();
    const head = Buffer.alloc(Math.min(size, 64 * 1024));
    await file.read(head, 0, head.length, 0);
    layout = parseWavHeader(head, size);
  } finally {
    await file.close();
  }
  assertSpeechFormat(layout);
  const meter = new LevelMeter();
  const sampleCount = Math.floor(layout.dataBytes / 2);
  if (sampleCount > 0) {
    const stream = createReadStream(wavPath, {
      start: layout.dataOffset,
      end: layout.dataOffset + sampleCount * 2 - 1,
      highWaterMark: 1 << 20,
    });
    for await (const chunk of stream) meter.push(chunk as Buffer);
  }
  return { layout, levels: meter.finish(), sampleCount };
}
