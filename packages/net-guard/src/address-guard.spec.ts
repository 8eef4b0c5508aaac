import diagnosticsChannel from 'node:diagnostics_channel';
import type { LookupAddress } from 'node:dns';
import {
  ADDRESS_REFUSED_CHANNEL,
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

  it('refuses the rest with an AddressRefusedError, saying it is not allowed and how to allow it', () => {
    const named = addressRefusal('files.example', '10.0.0.5', list);
    expect(named).toBeInstanceOf(AddressRefusedError);
    expect(named).toMatchObject({
      host: 'files.example',
      address: '10.0.0.5',
      addressClass: 'private',
      message:
        'files.example resolves to an address that is not allowed; allow it with MEDIAFLOW_ALLOWED_HOSTS',
      detail: 'files.example resolves to 10.0.0.5, a private address',
    });
    expect(addressRefusal('127.0.0.2', '127.0.0.2', list)?.message).toBe(
      '127.0.0.2 is a loopback address, which is not allowed; allow it with MEDIAFLOW_ALLOWED_HOSTS',
    );
    expect(addressRefusal('[::1]', '::1', list)?.message).toBe(
      '::1 is a loopback address, which is not allowed; allow it with MEDIAFLOW_ALLOWED_HOSTS',
    );
  });

  // "vm resolves to 127.0.0.1" told whoever submitted the URL what the internal DNS holds.
  it.each([
    ['vm', '127.0.0.1', 'loopback'],
    ['meta', '169.254.169.254', 'link-local'],
    ['zero', '0.0.0.0', 'unspecified'],
    ['ula', 'fd00::5', 'unique-local'],
    ['db.internal', '10.0.0.5', 'private'],
  ])(
    'names only the host %s in the message, never what it resolved to; the detail has both',
    (host, ip, kind) => {
      const refusal = addressRefusal(host, ip, [])!;
      expect(refusal.message).toBe(
        `${host} resolves to an address that is not allowed; allow it with MEDIAFLOW_ALLOWED_HOSTS`,
      );
      expect(refusal.message).not.toContain(ip);
      expect(refusal.message).not.toContain(kind);
      expect(refusal.detail).toMatch(
        new RegExp(`^${host} resolves to ${ip}, an? ${kind} address$`),
      );
      expect(refusal.address).toBe(ip);
    },
  );

  it('says "an" before a class that starts with a vowel sound', () => {
    expect(addressRefusal('0.0.0.0', '0.0.0.0', [])?.message).toContain(
      '0.0.0.0 is an unspecified address',
    );
    expect(addressRefusal('fd00::5', 'fd00::5', [])?.message).toContain(
      'fd00::5 is a unique-local address',
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
      '127.0.0.2 is a loopback address, which is not allowed; allow it with MEDIAFLOW_ALLOWED_HOSTS',
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

  it('fails with the refusal when no address is allowed, the address published for the operator only', async () => {
    const published: unknown[] = [];
    const listen = (message: unknown) => published.push(message);
    diagnosticsChannel.subscribe(ADDRESS_REFUSED_CHANNEL, listen);
    try {
      const { error } = await lookup('', false);
      expect(error).toBeInstanceOf(AddressRefusedError);
      expect(error?.message).toBe(
        'localhost resolves to an address that is not allowed; allow it with MEDIAFLOW_ALLOWED_HOSTS',
      );
      expect(published).toEqual([error]);
      expect((error as AddressRefusedError).detail).toMatch(
        /^localhost resolves to (127\.0\.0\.1|::1), a loopback address$/,
      );
    } finally {
      diagnosticsChannel.unsubscribe(ADDRESS_REFUSED_CHANNEL, listen);
    }
  });

  it('publishes nothing when an address is allowed', async () => {
    const published: unknown[] = [];
    const listen = (message: unknown) => published.push(message);
    diagnosticsChannel.subscribe(ADDRESS_REFUSED_CHANNEL, listen);
    try {
      expect((await lookup('localhost', false)).error).toBeNull();
      expect(published).toEqual([]);
    } finally {
      diagnosticsChannel.unsubscribe(ADDRESS_REFUSED_CHANNEL, listen);
    }
  });
});
