import { asksForAuthentication } from './auth-failure.guard';

describe('asksForAuthentication', () => {
  it.each([
    ['a key route, with a key', false, { authorization: 'Bearer mf_x' }, {}, true],
    ['a key route, without one', false, {}, {}, true],
    ['a probe', true, {}, {}, false],
    ['a probe sent a key anyway', true, { authorization: 'Bearer mf_x' }, {}, true],
    ['a signed download', true, {}, { expires: '1', signature: 'abc' }, true],
    ['a download with neither', true, {}, {}, false],
  ])('%s: %s', (_name, publicRoute, headers, query, asks) => {
    expect(asksForAuthentication(publicRoute, { headers, query })).toBe(asks);
  });
});
