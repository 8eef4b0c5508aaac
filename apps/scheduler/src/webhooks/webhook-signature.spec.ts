import { webhookSignature } from './webhook-signature';

// Expected values computed independently with `printf '%s' '<t>.<body>' | openssl dgst -sha256 -hmac <secret>`.
describe('webhookSignature', () => {
  it.each([
    [
      'whsec_test',
      '{"id":"task_abc","status":"completed"}',
      1735689825,
      't=1735689825,v1=fa29939641e446de4d322074f834353d6b9c27f7a2ce370ea04fe02681052848',
    ],
    ['k', '', 0, 't=0,v1=6b4a4b8b3c40f1e8f53a3d36682e5f99f7ad2ac1df1c93dfe336f329167641e7'],
    [
      'secret with spaces',
      '{"a":"ü"}',
      1700000000,
      't=1700000000,v1=8311fad79f835e856d8383b6a973ca0baf055c422a9822203cc51a7f51910187',
    ],
  ])('signs with key %p the body %p at %i', (secret, body, t, header) => {
    expect(webhookSignature(secret, body, t)).toBe(header);
  });

  it('changes with the secret, the body and the time', () => {
    const base = webhookSignature('a', '{}', 1);
    expect(webhookSignature('b', '{}', 1)).not.toBe(base);
    expect(webhookSignature('a', '{ }', 1)).not.toBe(base);
    expect(webhookSignature('a', '{}', 2)).not.toBe(base);
  });

  it.each([[-1], [1.5]])('refuses the timestamp %p', (t) => {
    expect(() => webhookSignature('a', '{}', t)).toThrow(/bad timestamp/);
  });
});
