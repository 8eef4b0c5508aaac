import { RouteMethods } from './route-methods';

describe('RouteMethods', () => {
  const routes = new RouteMethods();
  routes.add('/automations', 'GET');
  routes.add('/automations', ['POST']);
  routes.add('/automations/:id', ['GET', 'PATCH', 'DELETE']);
  routes.add('/automations/:id/run', 'POST');
  routes.add('/docs/*', 'GET');
  routes.add('/openapi.json', 'GET');

  it.each([
    ['/automations', ['GET', 'HEAD', 'POST']],
    ['/automations/auto_abcdefgh12345678', ['DELETE', 'GET', 'HEAD', 'PATCH']],
    ['/automations/auto_abcdefgh12345678/run', ['POST']],
    ['/docs/swagger-ui.css', ['GET', 'HEAD']],
    ['/openapi.json', ['GET', 'HEAD']],
    // `.` is not a wildcard, a trailing slash is another path, and so are unknown ones.
    ['/openapiXjson', []],
    ['/automations/', []],
    ['/automations/a/b', []],
    ['/nope', []],
  ])('%s takes %j', (path, methods) => {
    expect(routes.allowedAt(path)).toEqual(methods);
  });
});
