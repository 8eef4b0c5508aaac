import { createReadStream, type ReadStream } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Swagger UI's files, served by the gateway itself from the `swagger-ui-dist`
 * package (no CDN: the docs work offline and behind strict egress).
 * Only these names are served, so a request can never walk the disk.
 */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-16x16.png': 'image/png',
  'favicon-32x32.png': 'image/png',
};

let assetDirectory: string | undefined;

function swaggerUiDirectory(): string {
  assetDirectory ??= dirname(require.resolve('swagger-ui-dist'));
  return assetDirectory;
}

export const INITIALIZER_NAME = 'swagger-initializer.js';

/** Points Swagger UI at our document; keeps the pasted key across reloads. */
export const SWAGGER_INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
};
`;

export interface DocsAsset {
  contentType: string;
  content: Buffer | ReadStream;
}

/** A file of the docs page by name, or undefined for any other name. */
export function openDocsAsset(name: string): DocsAsset | undefined {
  if (name === INITIALIZER_NAME) {
    return {
      contentType: 'text/javascript; charset=utf-8',
      content: Buffer.from(SWAGGER_INITIALIZER),
    };
  }
  if (!Object.prototype.hasOwnProperty.call(ASSETS, name)) return undefined;
  return {
    contentType: ASSETS[name]!,
    content: createReadStream(join(swaggerUiDirectory(), name)),
  };
}

export const DOCS_HTML = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>Mediaflow API</title>
    <link rel="stylesheet" type="text/css" href="/docs/swagger-ui.css" />
    <link rel="stylesheet" type="text/css" href="/docs/index.css" />
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32" />
    <link rel="icon" type="image/png" href="/docs/favicon-16x16.png" sizes="16x16" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="/docs/swagger-ui-standalone-preset.js" charset="UTF-8"></script>
    <script src="/docs/${INITIALIZER_NAME}" charset="UTF-8"></script>
  </body>
</html>
`;
