import { MediaflowError } from '@mediaflow/contracts';
import { Controller, Get, Header, Param, StreamableFile } from '@nestjs/common';
import { Public } from '@mediaflow/observability';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi-document';
import { DOCS_HTML, openDocsAsset } from './swagger-ui';

@Public()
@Controller()
export class OpenApiController {
  private document?: OpenApiDocument;

  @Get('openapi.json')
  openApi(): OpenApiDocument {
    // The contracts do not change while the process runs: build once.
    this.document ??= buildOpenApiDocument();
    return this.document;
  }

  @Get('docs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  docs(): string {
    return DOCS_HTML;
  }

  @Get('docs/:file')
  @Header('Cache-Control', 'public, max-age=3600')
  asset(@Param('file') file: string): StreamableFile {
    const asset = openDocsAsset(file);
    if (!asset) throw new MediaflowError('not_found', `No such file: /docs/${file}`);
    const options = { type: asset.contentType };
    return Buffer.isBuffer(asset.content)
      ? new StreamableFile(asset.content, options)
      : new StreamableFile(asset.content, options);
  }
}
