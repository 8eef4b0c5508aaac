import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MediaflowError, type MediaProperties } from '@mediaflow/contracts';
import type { HandlerFile } from '@mediaflow/worker-kit';
import { assertHasSpeech, type SpeechInput, type Transcriber } from '../speech/transcriber';
import { DEFAULT_LANGUAGE } from '../speech/speech.service';
import { captionWords } from './caption-words';
import { DEFAULT_CUE_RULES, layoutCues } from './cue-layout';
import { writeSrt } from './srt-writer';
import { writeVtt } from './vtt-writer';

export type CaptionFormat = 'vtt' | 'srt';

const FORMATS: Record<CaptionFormat, { mimetype: string; write: typeof writeVtt }> = {
  vtt: { mimetype: 'text/vtt', write: writeVtt },
  srt: { mimetype: 'application/x-subrip', write: writeSrt },
};

export interface SubtitlesJob {
  input: SpeechInput & { filename: string };
  options: {
    language?: string;
    format?: CaptionFormat;
    max_line_length?: number;
    max_lines?: number;
    filename?: string;
  };
  ref: string | null;
  workDir: string;
  signal: AbortSignal;
  progress?: (percent: number) => void;
}

/** Laying out and writing the captions is instant next to recognising the speech. */
const TRANSCRIBE_SHARE = 95;

/**
 * The `subtitles` kind (docs/task-kinds.md): captions of a video's or audio's speech.
 *
 * It runs speech recognition itself, inside the task, rather than as an
 * automatic `speech` step before it: a workflow step passes files, and a
 * transcript is data that no one asked to keep; a hidden step would need
 * the scheduler to insert tasks and hand data between them, and would cost
 * another dispatch and another download of the input. Inside the task,
 * progress, cancellation, the timeout and retries cover the whole job. The
 * price: a workflow with both `speech` and `subtitles` on one input
 * transcribes it twice.
 *
 * No speech found gives a valid file with no cues, not an error.
 */
export class SubtitlesService {
  constructor(private readonly transcribe: Transcriber) {}

  async make({
    input,
    options,
    ref,
    workDir,
    signal,
    progress,
  }: SubtitlesJob): Promise<HandlerFile> {
    assertHasSpeech(input, 'Subtitles');
    const format = options.format ?? 'vtt';
    const transcript = await this.transcribe(input.path, workDir, {
      language: options.language ?? DEFAULT_LANGUAGE,
      signal,
      duration: input.duration,
      ...(progress
        ? { onProgress: (percent: number) => progress((percent * TRANSCRIBE_SHARE) / 100) }
        : {}),
    });
    throwIfAborted(signal);

    const cues = layoutCues(
      captionWords(transcript),
      {
        ...DEFAULT_CUE_RULES,
        maxLineLength: options.max_line_length ?? DEFAULT_CUE_RULES.maxLineLength,
        maxLines: options.max_lines ?? DEFAULT_CUE_RULES.maxLines,
      },
      input.duration,
    );
    // A fixed name on disk; the user's name is only the stored one.
    const output = path.join(workDir, `captions.${format}`);
    await writeFile(output, FORMATS[format].write(cues), 'utf8');
    progress?.(100);
    return {
      path: output,
      filename: options.filename ?? `${ref ?? stem(input.filename)}.${format}`,
      properties: await trackProperties(output, format, transcript.language, input.duration),
    };
  }
}

/**
 * A caption file's properties, as probing would give them, made here
 * because ffprobe reads no duration from a track (it spans the media's) and
 * knows nothing of its language.
 */
async function trackProperties(
  file: string,
  format: CaptionFormat,
  language: string,
  duration: number | null,
): Promise<MediaProperties> {
  return {
    kind: 'track',
    mimetype: FORMATS[format].mimetype,
    format,
    width: null,
    height: null,
    duration,
    fps: null,
    filesize: (await stat(file)).size,
    has_audio: false,
    has_video: false,
    language,
  };
}

/** `interview.mp4` → `interview`: the input's name, given the track's extension. */
function stem(filename: string): string {
  return path.parse(filename).name || 'subtitles';
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted)
    throw signal.reason instanceof Error
      ? signal.reason
      : new MediaflowError('cancelled', 'The task was cancelled');
}
