import { connectNats } from './nats-connection';

describe('connectNats', () => {
  it('names the server it could not reach without the password its URL holds', async () => {
    // Port 1 on loopback: refused at once, no server involved.
    const failure = connectNats({ url: 'nats://app:pw_0123456789@127.0.0.1:1', name: 'test' });
    await expect(failure).rejects.toThrow(
      /^Cannot reach NATS at nats:\/\/\[REDACTED\]@127\.0\.0\.1:1: /,
    );
    await expect(failure).rejects.not.toThrow(/pw_0123456789/);
  });
});
