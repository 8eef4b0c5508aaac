import type { AudioChunk } from './audio-chunks';
import { roundTime } from './transcript-segments';
import type { TranscriptWord } from './transcript';

/** The acoustic model, language model and dictionary pocketsphinx decodes with. */
export interface SphinxModel {
  /** Directory of the acoustic model (mdef, means, …). */
  hmm: string;
  /** The n-gram language model (`.lm.bin` or ARPA). */
  lm: string;
  /** The pronunciation dictionary. */
  dict: string;
}

/** Debian's `pocketsphinx-en-us` (apt): US English, the model the local provider uses by default. */
export const DEBIAN_EN_US_MODEL: SphinxModel = {
  hmm: '/usr/share/pocketsphinx/model/en-us/en-us',
  lm: '/usr/share/pocketsphinx/model/en-us/en-us.lm.bin',
  dict: '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict',
};

export interface SphinxBatchFiles {
  /** The directory holding the audio as `<audioName>.wav`. */
  dir: string;
  /** Bytes before the first sample of the WAV. */
  headerBytes: number;
  /** The control file listing the utterances. */
  controlFile: string;
  /** Where the words with their times are written (CTM). */
  ctmFile: string;
}

/**
 * The arguments of one `pocketsphinx_batch` run over the chunks a control
 * file lists. Its own voice-activity detection is off (`-remove_silence
 * no`): in this version it shifts word times by seconds whenever speech does
 * not start the file (measured: +2.9 s after 0.5 s of silence), and the
 * chunks it is given are already cut at pauses. The log goes to stderr, where
 * the progress lines are read.
 */
export function sphinxBatchArgs(model: SphinxModel, files: SphinxBatchFiles): string[] {
  return [
    '-hmm',
    model.hmm,
    '-lm',
    model.lm,
    '-dict',
    model.dict,
    '-adcin',
    'yes',
    '-adchdr',
    String(files.headerBytes),
    '-samprate',
    '16000',
    '-cepdir',
    files.dir,
    '-cepext',
    '.wav',
    '-ctl',
    files.controlFile,
    '-ctm',
    files.ctmFile,
    '-remove_silence',
    'no',
  ];
}

/** The utterance id of the n-th chunk in the control file and the CTM. */
export function utteranceId(index: number): string {
  return `u${index}`;
}

/**
 * A pocketsphinx control file: one line per chunk, `file startframe endframe
 * uttid`, frames of 10 ms. Silent chunks are left out.
 */
export function sphinxControlFile(audioName: string, chunks: readonly AudioChunk[]): string {
  return chunks
    .flatMap((chunk, index) =>
      chunk.silent ? [] : [`${audioName} ${chunk.start} ${chunk.end} ${utteranceId(index)}\n`],
    )
    .join('');
}

/** Non-words of the en-us dictionary and decoder: sentence marks, silence, noise (`<sil>`, `[NOISE]`, `++…++`). */
const FILLER = /^(<.*>|\[.*\]|\+\+.*\+\+)$/;

/** Is this token a filler rather than a word? */
export function isFiller(token: string): boolean {
  return FILLER.test(token);
}

/**
 * The words of pocketsphinx's CTM output (`uttid channel start duration word
 * [confidence]` per line, times from the utterance's start), in time order
 * from the start of the audio. `offsets` gives each utterance's start in
 * seconds; lines of other utterances, fillers and malformed lines are
 * dropped, and alternate-pronunciation marks (`read(2)`) removed. Pure.
 */
export function parseSphinxCtm(
  ctm: string,
  offsets: ReadonlyMap<string, number>,
): TranscriptWord[] {
  const words: TranscriptWord[] = [];
  for (const line of ctm.split('\n')) {
    const [uttid, , start, duration, token, confidence] = line.trim().split(/\s+/);
    if (uttid === undefined || token === undefined) continue;
    const offset = offsets.get(uttid);
    const begin = Number(start);
    const length = Number(duration);
    if (offset === undefined || !Number.isFinite(begin) || !Number.isFinite(length)) continue;
    const word = token.replace(/\(\d+\)$/, '');
    if (word === '' || isFiller(word)) continue;
    const entry: TranscriptWord = {
      word,
      start: roundTime(offset + begin),
      end: roundTime(offset + begin + Math.max(0, length)),
    };
    const score = Number(confidence);
    if (confidence !== undefined && Number.isFinite(score)) {
      entry.confidence = Math.min(1, Math.max(0, score));
    }
    words.push(entry);
  }
  return words.sort((a, b) => a.start - b.start);
}

/** The utterance a log line says pocketsphinx_batch has started on (`INFO: batch.c(729): Decoding 'u3'`), if it is one. */
export function decodingUtterance(logLine: string): string | null {
  return /^INFO: batch\.c\(\d+\): Decoding '([^']+)'/.exec(logLine)?.[1] ?? null;
}
