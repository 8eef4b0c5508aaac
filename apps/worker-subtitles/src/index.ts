export {
  SUBTITLES_WORKER_SERVICE,
  startSubtitlesWorker,
  type StartSubtitlesWorkerOptions,
} from './bootstrap';
export { subtitlesWorkerConfigSchema, type SubtitlesWorkerConfig } from './config';
export { subtitlesHandlers, type SubtitlesHandlersOptions } from './handlers';
export { assertHasSpeech, type SpeechInput, type Transcriber } from './speech/transcriber';
export { captionWords, type CaptionWord } from './subtitles/caption-words';
export { DEFAULT_CUE_RULES, layoutCues, type Cue, type CueRules } from './subtitles/cue-layout';
export { cueTimestamp } from './subtitles/cue-time';
export { writeSrt } from './subtitles/srt-writer';
export { writeVtt } from './subtitles/vtt-writer';
