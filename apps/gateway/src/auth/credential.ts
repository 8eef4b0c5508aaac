import type { AuthenticatedRequest } from './principal';

/**
 * What a request was authenticated with, as what it holds open (an event
 * stream) sees it: revoking it ends them. An API key today; the dashboard's
 * cookie sessions will be another kind.
 */
export interface Credential {
  kind: 'api_key';
  id: string;
}

/** The credential the guard authenticated `request` with; none on a @Public() route. */
export function credentialOf(request: AuthenticatedRequest): Credential | undefined {
  const principal = request.principal;
  return principal ? { kind: 'api_key', id: principal.keyId } : undefined;
}

/** One string per credential, kinds apart: a key of maps and sets. */
export function credentialKey(credential: Credential): string {
  return `${credential.kind}:${credential.id}`;
}

/** The last word of a stream whose credential was revoked (code `unauthorized`). */
export const REVOKED_MESSAGES: Record<Credential['kind'], string> = {
  api_key: 'The API key of this stream was revoked',
};
