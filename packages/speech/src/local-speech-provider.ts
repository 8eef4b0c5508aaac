import { access, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MediaflowError } from '@mediaflow/contracts';
import { planChunks, frameTime, type AudioChunk } from './audio-chunks';
import { readSpeechAudio } from './audio-levels';
import {
  DEBIAN_EN_US_MODEL,
  decodingUtterance,
  parseSphinxCtm,
  sphinxBatchArgs,
  sphinxControlFile,
  utteranceId,
  type SphinxModel,
} from './pocketsphinx-batch';
import { runSphinx } from './sphinx-process';
import { segmentWords, transcriptOf } from './transcript-segments';
import type { SpeechProvider, TranscribeOptions, Transcript } from './transcript';

export interface LocalSpeechSettings {
  /** The pocketsphinx_batch executable; default: the one on PATH. */
  binary?: string;
  /** Default: Debian's pocketsphinx-en-us. */
  model?: SphinxModel;
  /** The ISO 639-1 language of the model; default `en`. */
  language?: string;
}

/**
 * Chunks of 15..30 s, cut at the quietest moment: each is one utterance to
 * pocketsphinx, whose memory and search grow with the utterance (a whole
 * 5-minute file as one took 204 MB), and whose cepstral mean is then
 * estimated per chunk, following a recording whose level changes.
 */
const CHUNKS = { minSeconds: 15, maxSeconds: 30, silenceDb: -55 };

/** The audio file's name inside the recogniser's directory: no space for the control file to split on. */
const AUDIO_NAME = 'audio';

/**
 * The `local` provider: pocketsphinx, offline, with no key and no network.
 *
 * Measured against the alternatives Debian has (see local-speech-provider.spec.ts
 * for the word error rate): ffmpeg's `asr` filter runs the same engine but
 * gives only each utterance's text (no word times) and only once a pause
 * follows; `pocketsphinx_continuous -time yes` gives word times, but with
 * its voice-activity detection on they are shifted by seconds when speech
 * does not start the file, and with it off the whole file is one utterance.
 * So the audio is cut into chunks here and decoded by one
 * `pocketsphinx_batch` run (the model loads once), whose CTM output has each
 * word's time and confidence.
 */
export class LocalSpeechProvider implements SpeechProvider {
  readonly name: string;
  private readonly binary: string;
  private readonly model: SphinxModel;
  private readonly language: string;

  constructor(settings: LocalSpeechSettings = {}) {
    this.binary = settings.binary ?? 'pocketsphinx_batch';
    this.model = settings.model ?? DEBIAN_EN_US_MODEL;
    this.language = settings.language ?? 'en';
    this.name = `local (pocketsphinx ${path.basename(this.model.hmm)})`;
  }

  async transcribe(wavPath: string, options: TranscribeOptions): Promise<Transcript> {
    const { language, signal, onProgress } = options;
    if (language !== this.language) {
      throw new MediaflowError(
        'unsupported_input',
        `The local speech provider (pocketsphinx) recognises only "${this.language}" with its model, not "${language}"; ` +
          'an openai provider (MEDIAFLOW_SPEECH_PROVIDER=openai) recognises other languages',
      );
    }
    await this.checkModel();
    const audio = await readSpeechAudio(wavPath);
    const chunks = planChunks(audio.levels, CHUNKS);
    const spoken = chunks.filter((chunk) => !chunk.silent);
    if (spoken.length === 0) {
      onProgress?.(100);
      return transcriptOf(language, []);
    }

    const dir = await mkdtemp(path.join(tmpdir(), 'mediaflow-sphinx-'));
    try {
      await symlink(path.resolve(wavPath), path.join(dir, `${AUDIO_NAME}.wav`));
      const files = {
        dir,
        headerBytes: audio.layout.dataOffset,
        controlFile: path.join(dir, 'chunks.ctl'),
        ctmFile: path.join(dir, 'words.ctm'),
      };
      await writeFile(files.controlFile, sphinxControlFile(AUDIO_NAME, chunks));
      const progress = progressByUtterance(chunks);
      await runSphinx(this.binary, sphinxBatchArgs(this.model, files), {
        signal,
        onLogLine: (line) => {
          const uttid = decodingUtterance(line);
          const percent = uttid === null ? undefined : progress.get(uttid);
          if (percent !== undefined) onProgress?.(percent);
        },
      });
      const offsets = new Map(chunks.map((chunk, i) => [utteranceId(i), frameTime(chunk.start)]));
      const words = parseSphinxCtm(await readFile(files.ctmFile, 'utf8'), offsets);
      onProgress?.(100);
      return transcriptOf(language, segmentWords(words));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async checkModel(): Promise<void> {
    for (const [what, file] of Object.entries(this.model)) {
      try {
        await access(file);
      } catch {
        throw new MediaflowError(
          'provider_unavailable',
          `The local speech provider's ${what} model (${file}) is missing: install pocketsphinx-en-us or set MEDIAFLOW_SPEECH_LOCAL_${what.toUpperCase()}`,
        );
      }
    }
  }
}

/** The percent done when each utterance starts decoding: the share of the speech before it. */
function progressByUtterance(chunks: readonly AudioChunk[]): Map<string, number> {
  const total = chunks.reduce((sum, c) => sum + (c.silent ? 0 : c.end - c.start), 0);
  const progress = new Map<string, number>();
  let done = 0;
  chunks.forEach((chunk, i) => {
    if (chunk.silent) return;
    progress.set(utteranceId(i), Math.floor((done * 100) / total));
    done += chunk.end - chunk.start;
  });
  return progress;
}
