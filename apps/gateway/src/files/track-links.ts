/**
 * A thumbnails track names its sprite sheets relative to itself
 * (`sprite.jpg#xywh=0,0,160,90`), which resolves where the two are stored
 * side by side, but not against a signed `/files/:id/content?…` link: there
 * the name would resolve to a route that does not exist, without the
 * signature. So the gateway serves such a track with each sheet's name
 * replaced by the sheet's own signed URL, which players fetch as is.
 */

/** A linked file as the track names it, and where to fetch it now. */
export interface TrackLink {
  filename: string;
  url: string;
}

/**
 * The track with every cue payload `<linked file's name>#xywh=…` (the name
 * percent-encoded, as the worker writes it) pointing at the file's URL
 * instead. Other lines are left alone, byte for byte.
 */
export function linkTrackImages(track: string, links: readonly TrackLink[]): string {
  if (links.length === 0) return track;
  const urlByReference = new Map(
    links.map((link) => [encodeURIComponent(link.filename), link.url]),
  );
  return track
    .split('\n')
    .map((line) => {
      const hash = line.indexOf('#xywh=');
      if (hash <= 0) return line;
      const url = urlByReference.get(line.slice(0, hash));
      return url === undefined ? line : `${url}${line.slice(hash)}`;
    })
    .join('\n');
}
