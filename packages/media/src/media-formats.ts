/** Container and image formats mediaflow accepts, and how files of each are described. */

export interface FormatDescription {
  /** Short name, as the API's `format` (`mp4`, `jpeg`, `vtt`). */
  format: string;
  mimetype: string;
}

const WEBM_VIDEO_CODECS = new Set(['vp8', 'vp9', 'av1']);
const WEBM_AUDIO_CODECS = new Set(['opus', 'vorbis']);

export interface ContainerFacts {
  /** ffprobe's `format_name`, e.g. `mov,mp4,m4a,3gp,3g2,mj2`. */
  formatName: string;
  /** The ISO-BMFF `major_brand` tag, which tells mp4 from mov and m4a. */
  majorBrand: string | null;
  kind: 'video' | 'audio';
  videoCodecs: string[];
  audioCodecs: string[];
}

/**
 * ffprobe's `format_name` of every container and text track that
 * describeContainer and describeTrack accept (media-formats.spec checks
 * that they agree): the only demuxers ffmpeg and ffprobe may use on a
 * user's file (MEDIA_INPUT_OPTIONS). Images are sharp's, not ffmpeg's.
 */
export const READABLE_FORMAT_NAMES: readonly string[] = [
  'mov,mp4,m4a,3gp,3g2,mj2',
  'matroska,webm',
  'ogg',
  'mp3',
  'wav',
  'flac',
  'aac',
  'aiff',
  'avi',
  'flv',
  'mpegts',
  'mpeg',
  'asf',
  'webvtt',
  'srt',
];

/**
 * The format and mimetype of an audio or video file from what ffprobe saw,
 * or null for a container we do not accept (playlists, text demuxers,
 * anything exotic): an allow-list, so that probing a playlist never opens
 * the files or URLs it names in a later step.
 */
export function describeContainer(facts: ContainerFacts): FormatDescription | null {
  const { formatName, kind, videoCodecs, audioCodecs } = facts;
  const video = kind === 'video';
  switch (formatName) {
    case 'mov,mp4,m4a,3gp,3g2,mj2': {
      const brand = (facts.majorBrand ?? '').trim().toLowerCase();
      if (brand.startsWith('3g2')) return video ? d('3g2', 'video/3gpp2') : d('3g2', 'audio/3gpp2');
      if (brand.startsWith('3gp')) return video ? d('3gp', 'video/3gpp') : d('3gp', 'audio/3gpp');
      if (!video) return d('m4a', 'audio/mp4');
      return brand === 'qt' ? d('mov', 'video/quicktime') : d('mp4', 'video/mp4');
    }
    case 'matroska,webm': {
      const webm =
        videoCodecs.every((codec) => WEBM_VIDEO_CODECS.has(codec)) &&
        audioCodecs.every((codec) => WEBM_AUDIO_CODECS.has(codec));
      if (webm) return video ? d('webm', 'video/webm') : d('webm', 'audio/webm');
      return video ? d('mkv', 'video/x-matroska') : d('mka', 'audio/x-matroska');
    }
    case 'ogg':
      if (video) return d('ogv', 'video/ogg');
      return audioCodecs.length > 0 && audioCodecs.every((codec) => codec === 'opus')
        ? d('opus', 'audio/ogg')
        : d('ogg', 'audio/ogg');
    case 'mp3':
      return d('mp3', 'audio/mpeg');
    case 'wav':
      return d('wav', 'audio/wav');
    case 'flac':
      return d('flac', 'audio/flac');
    case 'aac':
      return d('aac', 'audio/aac');
    case 'aiff':
      return d('aiff', 'audio/aiff');
    case 'avi':
      return d('avi', 'video/x-msvideo');
    case 'flv':
      return d('flv', 'video/x-flv');
    case 'mpegts':
      return d('ts', 'video/mp2t');
    case 'mpeg':
      return video ? d('mpeg', 'video/mpeg') : d('mpeg', 'audio/mpeg');
    case 'asf':
      return video ? d('wmv', 'video/x-ms-wmv') : d('wma', 'audio/x-ms-wma');
    default:
      return null;
  }
}

/** Text tracks, by ffprobe's `format_name`. */
export function describeTrack(formatName: string): FormatDescription | null {
  if (formatName === 'webvtt') return d('vtt', 'text/vtt');
  if (formatName === 'srt') return d('srt', 'application/x-subrip');
  return null;
}

/** Images, by sharp's `format` (and `compression`, which tells AVIF from other HEIF). */
export function describeImage(sharpFormat: string, compression?: string): FormatDescription {
  switch (sharpFormat) {
    case 'jpeg':
      return d('jpeg', 'image/jpeg');
    case 'heif':
      return compression === 'av1' ? d('avif', 'image/avif') : d('heif', 'image/heif');
    case 'svg':
      return d('svg', 'image/svg+xml');
    case 'jp2k':
      return d('jp2', 'image/jp2');
    default:
      // png, webp, gif, tiff: the name is the subtype.
      return d(sharpFormat, `image/${sharpFormat}`);
  }
}

function d(format: string, mimetype: string): FormatDescription {
  return { format, mimetype };
}
