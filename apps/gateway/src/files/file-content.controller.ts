import { Public } from '@mediaflow/observability';
import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestOrigin } from '../http/request-origin';
import { FileContentService } from './file-content.service';
import { SIGNED_URL_PROJECT_PARAM } from './signed-file-url';

function header(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * A file's bytes. Public to the guard because a signed URL works without a
 * key (docs/http-api.md, Files); the service checks the key or the signature itself.
 */
@Controller('files')
export class FileContentController {
  constructor(private readonly content: FileContentService) {}

  @Public()
  @Get(':id/content')
  async download(
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @RequestOrigin() origin: string,
  ): Promise<FastifyReply> {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const reader = await this.content.readerOf(id, {
      authorization: request.headers.authorization,
      expires: query.expires,
      signature: query.signature,
      projectId: query[SIGNED_URL_PROJECT_PARAM],
    });
    const answer = await this.content.open(
      reader,
      id,
      {
        range: header(request.headers.range),
        ifRange: header(request.headers['if-range']),
        ifNoneMatch: header(request.headers['if-none-match']),
      },
      origin,
      // A presigned URL is signed for GET: a HEAD to it would be refused.
      request.method === 'GET',
    );
    if ('redirect' in answer) {
      // Not cached: the target expires with the signature that led to it.
      return reply
        .status(302)
        .headers({ Location: answer.redirect, 'Cache-Control': 'no-store' })
        .send();
    }
    const { plan, body } = answer;
    reply.status(plan.status).headers(plan.headers);
    if (plan.status === 416) return reply.send({ error: plan.error });
    return reply.send(body);
  }
}
