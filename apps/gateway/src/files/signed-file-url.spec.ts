import { verifyFileSignature } from '@mediaflow/storage';
import { FileUrls } from './file-urls';
import { signedFileUrl } from './signed-file-url';

const secret = 'x'.repeat(40);
const file = { id: 'file_aaaaaaaaaaaaaaaa', project_id: 'prj_bbbbbbbbbbbbbbbb' };

describe('signedFileUrl', () => {
  it('is the content path on the base, signed for the file until the time given, naming its project', () => {
    const url = new URL(
      signedFileUrl({
        base: 'https://media.test',
        file,
        expiresAt: new Date(2_000_000_000_000),
        secret,
      }),
    );
    expect(url.origin).toBe('https://media.test');
    expect(url.pathname).toBe('/files/file_aaaaaaaaaaaaaaaa/content');
    expect([...url.searchParams.keys()]).toEqual(['expires', 'signature', 'project_id']);
    expect(url.searchParams.get('expires')).toBe('2000000000');
    expect(url.searchParams.get('project_id')).toBe(file.project_id);
    const check = (fileId: string, now: number) =>
      verifyFileSignature({
        fileId,
        expires: url.searchParams.get('expires')!,
        signature: url.searchParams.get('signature')!,
        secret,
        now: new Date(now),
      });
    expect(check(file.id, 1_999_999_999_000)).toBe(true);
    expect(check(file.id, 2_000_000_000_000)).toBe(false);
    expect(check('file_cccccccccccccccc', 1_999_999_999_000)).toBe(false);
  });
});

describe('FileUrls', () => {
  const at = new Date(1_800_000_000_000);

  it('signs on the origin called, for the configured time, and verifies its own URLs only', () => {
    const urls = new FileUrls(secret, { MEDIAFLOW_SIGNED_URL_TTL_S: 60 });
    const url = new URL(urls.forOrigin('http://127.0.0.1:3000', at)({ ...file } as never));
    expect(url.origin).toBe('http://127.0.0.1:3000');
    expect(url.searchParams.get('expires')).toBe(String(1_800_000_060));
    const [expires, signature] = [
      url.searchParams.get('expires'),
      url.searchParams.get('signature'),
    ];
    expect(urls.verify(file.id, expires, signature, at)).toBe(true);
    expect(urls.verify(file.id, expires, signature, new Date(1_800_000_060_000))).toBe(false);
    expect(urls.verify(file.id, String(Number(expires) + 1), signature, at)).toBe(false);
    expect(urls.verify(file.id, undefined, signature, at)).toBe(false);
    expect(urls.verify(file.id, ['1', '2'], signature, at)).toBe(false);
    expect(
      new FileUrls('y'.repeat(40), { MEDIAFLOW_SIGNED_URL_TTL_S: 60 }).verify(
        file.id,
        expires,
        signature,
        at,
      ),
    ).toBe(false);
  });

  it('signs on MEDIAFLOW_PUBLIC_URL when it is set', () => {
    const urls = new FileUrls(secret, {
      MEDIAFLOW_SIGNED_URL_TTL_S: 3600,
      MEDIAFLOW_PUBLIC_URL: 'https://media.example.com/api',
    });
    expect(urls.forOrigin('http://10.0.0.5:3000', at)({ ...file } as never)).toMatch(
      /^https:\/\/media\.example\.com\/api\/files\/file_aaaaaaaaaaaaaaaa\/content\?expires=1800003600&signature=[0-9a-f]{64}&project_id=prj_bbbbbbbbbbbbbbbb$/,
    );
  });
});
