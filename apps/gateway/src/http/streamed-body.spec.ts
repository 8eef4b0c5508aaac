import { requestFingerprint } from '../idempotency/idempotency-rules';
import { StreamedBody, describeStreamedBody } from './streamed-body';

function describe_(
  headers: Record<string, string>,
  query: Record<string, unknown> = {},
): StreamedBody {
  return describeStreamedBody({ headers, query });
}

describe('describeStreamedBody', () => {
  it('describes an upload by its media type, length and name, never its bytes', () => {
    expect(
      describe_({ 'content-type': 'Image/JPEG', 'content-length': '1234' }, { filename: 'a.jpg' }),
    ).toEqual(new StreamedBody('image/jpeg', 1234, 'a.jpg'));
    expect(describe_({ 'content-type': 'multipart/form-data; boundary=xyz' }).isMultipart).toBe(
      true,
    );
    expect(describe_({ 'content-type': 'video/mp4' }).isMultipart).toBe(false);
  });

  it('knows no length without a Content-Length (chunked) and no type without a Content-Type', () => {
    expect(describe_({})).toEqual(new StreamedBody(null, null, null));
    expect(describe_({ 'content-length': 'lots' }).length).toBeNull();
  });

  it('gives Idempotency-Key one fingerprint per upload: boundaries aside, length and name count', () => {
    const fingerprint = (headers: Record<string, string>, query: Record<string, unknown> = {}) =>
      requestFingerprint('POST', '/files', describe_(headers, query)).bodyHash;
    const upload = {
      'content-type': 'multipart/form-data; boundary=----a1',
      'content-length': '5000',
    };
    const retried = {
      'content-type': 'multipart/form-data; boundary=----b2',
      'content-length': '5000',
    };
    expect(fingerprint(retried)).toBe(fingerprint(upload));
    expect(fingerprint({ ...upload, 'content-length': '5001' })).not.toBe(fingerprint(upload));
    expect(fingerprint(upload, { filename: 'a.mp4' })).not.toBe(fingerprint(upload));
    expect(fingerprint({ 'content-type': 'video/mp4', 'content-length': '5000' })).not.toBe(
      fingerprint(upload),
    );
  });
});
