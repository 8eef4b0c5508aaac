import { requestOrigin } from './request-origin';

describe('requestOrigin', () => {
  it.each([
    ['http', '127.0.0.1:3000', 'http://127.0.0.1:3000'],
    ['https', 'media.example.com', 'https://media.example.com'],
    ['http', '[::1]:3000', 'http://[::1]:3000'],
    ['http', undefined, 'http://localhost'],
    ['http', 'evil.test/x?', 'http://localhost'],
    ['http', 'a@b.test', 'http://localhost'],
    ['gopher', 'media.test', 'http://media.test'],
  ])('%s with Host %j is %s', (protocol, host, origin) => {
    expect(requestOrigin({ protocol, host, headers: {} })).toBe(origin);
  });
});
