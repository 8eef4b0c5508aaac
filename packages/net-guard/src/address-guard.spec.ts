import type { LookupAddress } from 'node:dns';
import {
  AddressRefusedError,
  addressRefusal,
  guardedLookup,
  isIpLiteral,
  literalHostRefusal,
} from './address-guard';
import { parseAllowList } from './allow-list';

describe('addressRefusal', () => {
  const list = parseAllowList('127.0.0.1, media.internal');

  it('lets public and allowed addresses through', () => {
    expect(addressRefusal('example.com', '93.184.216.34', [])).toBeNull();
    expect(addressRefusal('example.com', '2001:4860:4860::8888', [])).toBeNull();
    expect(addressRefusal('127.0.0.1', '127.0.0.1', list)).toBeNull();
    expect(addressRefusal('media.internal', '10.0.0.5', list)).toBeNull();
  });

  it('refuses the rest with an AddressRefusedError, saying why and how to allow it', () => {
    const named = addressRefusal('files.example', '10.0.0.5', list);
    expect(named).toBeInstanceOf(AddressRefusedError);
    expect(named).toMatchObject({
      host: 'files.example',
      address: '10.0.0.5',
      addressClass: 'private',
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

describe('literalHostRefusal', () => {
  const list = parseAllowList('127.0.0.1');

  it('refuses an IP-literal host that is not allowed, and leaves names to the lookup', () => {
    expect(literalHostRefusal(new URL('http://127.0.0.2:8080/x'), list)?.message).toBe(
      '127.0.0.2 is a loopback address; allow it with MEDIAFLOW_ALLOWED_HOSTS',
    );
    expect(literalHostRefusal(new URL('http://[::ffff:10.0.0.1]/'), list)?.addressClass).toBe(
      'private',
    );
    expect(literalHostRefusal(new URL('http://127.0.0.1:8080/x'), list)).toBeNull();
    expect(literalHostRefusal(new URL('http://localhost/'), [])).toBeNull();
  });
});

describe('guardedLookup', () => {
  // `localhost` resolves from the hosts file to loopback only: no network involved.
  function lookup(
    allow: string,
    all: boolean,
  ): Promise<{ error: Error | null; address: string | LookupAddress[] }> {
    return new Promise((resolve) => {
      guardedLookup(parseAllowList(allow))('localhost', { all }, (error, address) =>
        resolve({ error, address }),
      );
    });
  }

  it('hands the socket only checked addresses', async () => {
    const one = await lookup('localhost', false);
    expect(one.error).toBeNull();
    expect(['127.0.0.1', '::1']).toContain(one.address);
    const all = await lookup('127.0.0.0/8', true);
    expect(all.error).toBeNull();
    expect(all.address).toEqual([{ address: '127.0.0.1', family: 4 }]);
  });

  it('fails with the refusal when no address is allowed', async () => {
    const { error } = await lookup('', false);
    expect(error).toBeInstanceOf(AddressRefusedError);
    expect(error?.message).toMatch(
      /^localhost resolves to (127\.0\.0\.1|::1), a loopback address; allow it with MEDIAFLOW_ALLOWED_HOSTS$/,
    );
  });
});
