import { isAllowedByList, parseAllowList } from './allow-list';

describe('parseAllowList', () => {
  it('reads host names, addresses and CIDR blocks, ignoring spaces and empty entries', () => {
    expect(
      parseAllowList(' media.internal , 127.0.0.1,,10.1.0.0/16, [::1], fd00::/8 ,MinIO.local.'),
    ).toEqual([
      { type: 'host', name: 'media.internal' },
      { type: 'cidr', cidr: expect.objectContaining({ family: 4, prefix: 32 }), text: '127.0.0.1' },
      {
        type: 'cidr',
        cidr: expect.objectContaining({ family: 4, prefix: 16 }),
        text: '10.1.0.0/16',
      },
      { type: 'cidr', cidr: expect.objectContaining({ family: 6, prefix: 128 }), text: '::1' },
      { type: 'cidr', cidr: expect.objectContaining({ family: 6, prefix: 8 }), text: 'fd00::/8' },
      { type: 'host', name: 'minio.local' },
    ]);
    expect(parseAllowList(undefined)).toEqual([]);
    expect(parseAllowList('')).toEqual([]);
  });

  it.each(['10.0.0.0/40', 'http://host', 'a b', '10.0.0', 'fe80::x', 'host/path'])(
    'refuses %j',
    (entry) => {
      expect(() => parseAllowList(`ok.example, ${entry}`)).toThrow(
        `"${entry}" is not a host name, an IP address or a CIDR block`,
      );
    },
  );
});

describe('isAllowedByList', () => {
  const list = parseAllowList('media.internal, 127.0.0.1, 10.1.0.0/16, fd00::/8');

  it.each([
    ['media.internal', '10.9.9.9', true],
    ['MEDIA.internal.', '192.168.0.1', true],
    ['other.internal', '10.9.9.9', false],
    ['127.0.0.1', '127.0.0.1', true],
    ['localhost', '127.0.0.1', true],
    ['127.0.0.2', '127.0.0.2', false],
    ['files', '10.1.200.3', true],
    ['files', '10.2.0.1', false],
    ['files', '::ffff:10.1.0.9', true],
    ['files', 'fd12::1', true],
    ['files', 'fe80::1', false],
    ['[::1]', '::1', false],
  ])('%s at %s: %s', (host, ip, allowed) => {
    expect(isAllowedByList(host, ip, list)).toBe(allowed);
  });

  it('allows nothing with an empty list', () => {
    expect(isAllowedByList('127.0.0.1', '127.0.0.1', [])).toBe(false);
  });
});
