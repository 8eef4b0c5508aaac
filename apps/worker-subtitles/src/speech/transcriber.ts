import { MediaflowError, type FileKind } from '@mediaflow/contracts';
import type { MediaTranscriber } from '@mediaflow/speech';

/** The transcript of a media file's speech, and which provider made it. */
export type Transcriber = MediaTranscriber;

/** What the speech-based kinds need of their input. */
export interface SpeechInput {
  path: string;
  kind: FileKind;
  hasAudio: boolean;
  /** Seconds, when probed. */
  duration: number | null;
}

/**
 * Refuses, before any work, what has no speech to hear: a kind other than
 * video or audio (`unsupported_input`), media without sound (`no_audio_stream`).
 */
export function assertHasSpeech(input: SpeechInput, what: string): void {
  if (input.kind !== 'video' && input.kind !== 'audio') {
    throw new MediaflowError(
      'unsupported_input',
      `${what} are made from the speech of a video or an audio file, not a${input.kind === 'image' ? 'n' : ''} ${input.kind} file`,
    );
  }
  if (!input.hasAudio) {
    throw new MediaflowError(
      'no_audio_stream',
      `The ${input.kind} has no audio stream to transcribe`,
    );
  }
}
