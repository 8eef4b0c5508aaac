import { describeContainer, describeTrack, READABLE_FORMAT_NAMES } from './media-formats';

describe('READABLE_FORMAT_NAMES', () => {
  // The demuxer list ffmpeg gets and the formats the prober accepts are one fact:
  // a name only in the list would be opened and then refused, one only in the
  // switch could never be opened.
  it.each(READABLE_FORMAT_NAMES)('%s is a container or track the prober describes', (name) => {
    const facts = { formatName: name, majorBrand: null, videoCodecs: [], audioCodecs: [] };
    const described =
      describeContainer({ ...facts, kind: 'video' }) ??
      describeContainer({ ...facts, kind: 'audio' }) ??
      describeTrack(name);
    expect(described).not.toBeNull();
  });

  it.each(['hls', 'concat', 'dash', 'imf', 'image2', 'mpjpeg', 'tee', 'png_pipe', 'gif', 'lavfi'])(
    'leaves out %s',
    (name) => {
      const names = READABLE_FORMAT_NAMES.flatMap((formats) => formats.split(','));
      expect(names).not.toContain(name);
      const facts = { formatName: name, majorBrand: null, videoCodecs: [], audioCodecs: [] };
      expect(describeContainer({ ...facts, kind: 'video' })).toBeNull();
      expect(describeContainer({ ...facts, kind: 'audio' })).toBeNull();
      expect(describeTrack(name)).toBeNull();
    },
  );
});
