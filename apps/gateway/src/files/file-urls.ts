import { verifyFileSignature } from '@mediaflow/storage';
import { Inject, Injectable } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import type { FileUrlOf } from './present-file';
import { signedFileUrl } from './signed-file-url';
import { SIGNING_SECRET } from './signing-secret';

/** Signs download URLs for answers, and checks them on download. */
@Injectable()
export class FileUrls {
  private readonly ttlMs: number;
  private readonly publicUrl?: string;

  constructor(
    @Inject(SIGNING_SECRET) private readonly secret: string,
    @Inject(GATEWAY_CONFIG)
    config: Pick<GatewayConfig, 'MEDIAFLOW_SIGNED_URL_TTL_S' | 'MEDIAFLOW_PUBLIC_URL'>,
  ) {
    this.ttlMs = config.MEDIAFLOW_SIGNED_URL_TTL_S * 1000;
    this.publicUrl = config.MEDIAFLOW_PUBLIC_URL;
  }

  /**
   * URLs for one answer: on MEDIAFLOW_PUBLIC_URL when set, else on the
   * origin the client called, valid for MEDIAFLOW_SIGNED_URL_TTL_S.
   */
  forOrigin(origin: string, now = new Date()): FileUrlOf {
    const base = this.publicUrl ?? origin;
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    return (file) => signedFileUrl({ base, file, expiresAt, secret: this.secret });
  }

  verify(fileId: string, expires: unknown, signature: unknown, now = new Date()): boolean {
    return verifyFileSignature({
      fileId,
      expires: typeof expires === 'string' || typeof expires === 'number' ? expires : undefined,
      signature: typeof signature === 'string' ? signature : undefined,
      secret: this.secret,
      now,
    });
  }
}
