import { MediaflowError } from '@mediaflow/contracts';
import { trimmedInputArgs, type Trim } from './trim-args';

/**
 * EBU R128 loudness normalisation in two passes, as ffmpeg's loudnorm
 * filter is meant to be used for files: the first pass measures the whole
 * programme, the second applies one gain from that measurement (linear
 * mode), so the dynamics are left alone wherever the true-peak ceiling
 * allows. In one pass loudnorm can only guess, and compresses as it goes.
 *
 * Targets: -16 LUFS integrated (the level streaming services and podcast
 * guidelines settle on; EBU R128 broadcast is -23), true peak at most
 * -1.5 dBTP so lossy encoding does not clip, loudness range 11 LU.
 */
export const LOUDNESS_TARGET = { integrated: -16, truePeak: -1.5, range: 11 } as const;

const TARGET = `I=${LOUDNESS_TARGET.integrated}:TP=${LOUDNESS_TARGET.truePeak}:LRA=${LOUDNESS_TARGET.range}`;

/** What the measuring pass found, in loudnorm's own terms. */
export interface LoudnessMeasurement {
  /** Integrated loudness, LUFS; -Infinity for silence. */
  inputI: number;
  /** True peak, dBTP. */
  inputTp: number;
  /** Loudness range, LU. */
  inputLra: number;
  /** The gating threshold, LUFS. */
  inputThresh: number;
  /** The offset gain loudnorm proposes for the second pass, LU. */
  targetOffset: number;
}

/**
 * The measuring pass: the input's first audio stream through loudnorm,
 * decoded to nowhere. loudnorm prints its JSON at `-loglevel info`, which
 * this pass alone raises to (runFfmpeg's own level is `error`).
 */
export function loudnessMeasureArgs(inputPath: string, trim: Trim): string[] {
  return [
    '-loglevel',
    'info',
    ...trimmedInputArgs(inputPath, trim),
    '-map',
    '0:a:0',
    '-vn',
    '-af',
    `loudnorm=${TARGET}:print_format=json`,
    '-f',
    'null',
    '-',
  ];
}

/**
 * The measurement from the measuring pass's stderr: the JSON block loudnorm
 * prints after its `[Parsed_loudnorm_N @ 0x…]` line, at the end of the run.
 */
export function parseLoudnessMeasurement(stderr: string): LoudnessMeasurement {
  const marker = stderr.lastIndexOf('[Parsed_loudnorm_');
  const open = marker < 0 ? -1 : stderr.indexOf('{', marker);
  const close = open < 0 ? -1 : stderr.indexOf('}', open);
  if (close < 0) throw noMeasurement('ffmpeg printed none');
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(stderr.slice(open, close + 1)) as Record<string, unknown>;
  } catch {
    throw noMeasurement('its report is not JSON');
  }
  const value = (key: string): number => {
    const text = json[key];
    if (typeof text !== 'string') throw noMeasurement(`"${key}" is missing`);
    // C's printf spells the infinities of silence `inf` / `-inf`.
    const n = text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(text);
    if (text.trim() === '' || Number.isNaN(n)) throw noMeasurement(`"${key}" is "${text}"`);
    return n;
  };
  return {
    inputI: value('input_i'),
    inputTp: value('input_tp'),
    inputLra: value('input_lra'),
    inputThresh: value('input_thresh'),
    targetOffset: value('target_offset'),
  };
}

/** Silence (or nothing decodable) measures as -inf: there is no gain that brings it to the target. */
export function isNormalizable(m: LoudnessMeasurement): boolean {
  return [m.inputI, m.inputTp, m.inputLra, m.inputThresh, m.targetOffset].every(Number.isFinite);
}

/**
 * The second pass's filter. loudnorm uses the one linear gain when the
 * measured peak and range allow it, and falls back to its dynamic mode
 * otherwise. The measured values are clamped to the ranges loudnorm
 * accepts (a near-silent input can measure below -99 LUFS).
 */
export function loudnormFilter(m: LoudnessMeasurement): string {
  return [
    `loudnorm=${TARGET}`,
    `measured_I=${fixed(m.inputI, -99, 0)}`,
    `measured_TP=${fixed(m.inputTp, -99, 99)}`,
    `measured_LRA=${fixed(m.inputLra, 0, 99)}`,
    `measured_thresh=${fixed(m.inputThresh, -99, 0)}`,
    `offset=${fixed(m.targetOffset, -99, 99)}`,
    'linear=true',
  ].join(':');
}

function fixed(value: number, min: number, max: number): string {
  return String(Math.round(Math.min(max, Math.max(min, value)) * 100) / 100);
}

function noMeasurement(why: string): MediaflowError {
  return new MediaflowError('internal', `The loudness measurement failed: ${why}`);
}
