import type { StoredFile } from '@mediaflow/contracts';
import { contentPath, signFileUrl } from '@mediaflow/storage';
import { z } from 'zod';

/** The query parameter that names the file's project in a signed download URL. */
export const SIGNED_URL_PROJECT_PARAM = 'project_id';

/**
 * The absolute signed URL of a file's bytes (docs/runs.md, Storage):
 * `<base>/files/<id>/content?expires=…&signature=…&project_id=…`.
 *
 * The signature covers `<id>.<expires>` as documented. `project_id` is not
 * signed and need not be: it only tells the gateway which project to look
 * the file up in (the scheduler scopes every lookup to a project), so a
 * changed value finds nothing and answers 404.
 */
export function signedFileUrl(input: {
  base: string;
  file: Pick<StoredFile, 'id' | 'project_id'>;
  expiresAt: Date;
  secret: string;
}): string {
  const { file } = input;
  const { expires, signature } = signFileUrl({
    fileId: file.id,
    expiresAt: input.expiresAt,
    secret: input.secret,
  });
  const project = `${SIGNED_URL_PROJECT_PARAM}=${encodeURIComponent(file.project_id)}`;
  return `${input.base}${contentPath(file.id, expires, signature)}&${project}`;
}

/** The query of a signed download URL, for the docs: the service reads the raw values. */
export const SignedContentQuerySchema = z.object({
  expires: z.string().optional().describe('Signed URLs only: Unix seconds the URL works until'),
  signature: z.string().optional().describe("Signed URLs only: the URL's signature"),
  [SIGNED_URL_PROJECT_PARAM]: z
    .string()
    .optional()
    .describe("Signed URLs only: the file's project"),
});
