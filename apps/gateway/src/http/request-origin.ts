import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

interface OriginRequest {
  protocol: string;
  host?: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * `<proto>://<host>` as the client called the gateway: the base of the
 * signed URLs in an answer when MEDIAFLOW_PUBLIC_URL is not set. Forwarded
 * headers count only from a proxy MEDIAFLOW_TRUST_PROXY names (Fastify reads
 * them into `protocol` and `host`); else set MEDIAFLOW_PUBLIC_URL.
 */
export function requestOrigin(request: OriginRequest): string {
  const host = request.host ?? request.headers.host;
  // A host name, an IPv4 or a bracketed IPv6 address, and a port: nothing that could bend the URL.
  const valid =
    typeof host === 'string' && /^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$/.test(host);
  const protocol = request.protocol === 'https' ? 'https' : 'http';
  return `${protocol}://${valid ? host : 'localhost'}`;
}

export const RequestOrigin = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string =>
    requestOrigin(context.switchToHttp().getRequest<OriginRequest>()),
);
