import { addressRefusal, isIpLiteral } from './address-guard';
import { parseAllowList } from './allow-list';

describe('addressRefusal', () => {
  const list = parseAllowList('127.0.0.1, media.internal');

  it('lets public and allowed addresses through', () => {
    expect(addressRefusal('example.com', '93.184.216.34', [])).toBeNull();
    expect(addressRefusal('example.com', '2001:4860:4860::8888', [])).toBeNull();
    expect(addressRefusal('127.0.0.1', '127.0.0.1', list)).toBeNull();
    expect(addressRefusal('media.internal', '10.0.0.5', list)).toBeNull();
  });

  it('refuses the rest with input_forbidden, saying why and how to allow it', () => {
    const named = addressRefusal('files.example', '10.0.0.5', list);
    expect(named).toMatchObject({
      code: 'input_forbidden',
      message:
        'files.example resolves to 10.0.0.5, a private address; allow it with MEDIAFLOW_ALLOWED_HOSTS',
    });
    expect(addressRefusal('127.0.0.2', '127.0.0.2', list)?.message).toBe(
      '127.0.0.2 is a loopback address; allow it with MEDIAFLOW_ALLOWED_HOSTS',
    );
    expect(addressRefusal('[::1]', '::1', list)?.message).toBe(
      '::1 is a loopback address; allow it with MEDIAFLOW_ALLOWED_HOSTS',
    );
    expect(addressRefusal('meta', '169.254.169.254', [])?.message).toContain(
      'a link-local address',
    );
    expect(addressRefusal('zero', '0.0.0.0', [])?.message).toContain('an unspecified address');
    expect(addressRefusal('ula', 'fd00::5', [])?.message).toContain(
      'fd00::5, a unique-local address',
    );
  });
});

describe('isIpLiteral', () => {
  it.each([
    ['127.0.0.2', true],
    ['[::1]', true],
    ['[::ffff:10.0.0.1]', true],
    ['example.com', false],
    ['localhost', false],
  ])('%s: %s', (host, expected) => {
    expect(isIpLiteral(host)).toBe(expected);
  });
});
