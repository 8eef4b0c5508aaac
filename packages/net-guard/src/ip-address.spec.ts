import { formatIp, inCidr, parseCidr, parseIp, unmapIpv4 } from './ip-address';

describe('parseIp', () => {
  it.each([
    ['192.168.1.20', '192.168.1.20'],
    ['::1', '0:0:0:0:0:0:0:1'],
    ['::', '0:0:0:0:0:0:0:0'],
    ['2001:db8::8a2e:370:7334', '2001:db8:0:0:0:8a2e:370:7334'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
    ['::ffff:10.0.0.1', '0:0:0:0:0:ffff:a00:1'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
    ['FE80::AbCd%en0', 'fe80:0:0:0:0:0:0:abcd'],
  ])('reads %s', (text, expected) => {
    expect(formatIp(parseIp(text)!)).toBe(expected);
  });

  it.each([
    '1.2.3',
    '1.2.3.4.5',
    '1.2.3.256',
    '01.2.3.4',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    ':::1',
    '1::2::3',
    '12345::1',
    '1:2:3:4:5:6:7:1.2.3.4',
    'x::1',
    'host',
  ])('refuses %j', (text) => {
    expect(parseIp(text)).toBeNull();
  });
});

describe('CIDR blocks', () => {
  it('matches addresses inside the block only, by family', () => {
    const block = parseCidr('172.16.0.0/12')!;
    expect(inCidr(parseIp('172.31.1.1')!, block)).toBe(true);
    expect(inCidr(parseIp('172.32.0.0')!, block)).toBe(false);
    expect(inCidr(parseIp('::ffff:172.16.0.1')!, block)).toBe(false);
    expect(inCidr(unmapIpv4(parseIp('::ffff:172.16.0.1')!), block)).toBe(true);
    expect(inCidr(parseIp('fd00::1')!, parseCidr('fc00::/7')!)).toBe(true);
    expect(inCidr(parseIp('fe00::1')!, parseCidr('fc00::/7')!)).toBe(false);
    expect(inCidr(parseIp('8.8.8.8')!, parseCidr('0.0.0.0/0')!)).toBe(true);
  });

  it('takes a bare address as its own block and refuses bad prefixes', () => {
    expect(parseCidr('10.0.0.1')).toMatchObject({ family: 4, prefix: 32 });
    expect(parseCidr('::1')).toMatchObject({ family: 6, prefix: 128 });
    expect(parseCidr('10.0.0.0/33')).toBeNull();
    expect(parseCidr('::/129')).toBeNull();
    expect(parseCidr('10.0.0.0/x')).toBeNull();
    expect(parseCidr('10.0.0.0/8/8')).toBeNull();
  });
});
