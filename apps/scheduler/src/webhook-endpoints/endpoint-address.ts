import {
  guardedLookup,
  isAddressRefusedError,
  isIpLiteral,
  literalHostRefusal,
  type AllowEntry,
} from '@mediaflow/net-guard';

/**
 * Why deliveries to `url` (an http(s) URL, checked already) could never go
 * out, or null: an IP literal off the allow list, or a name every address of
 * which is (the sender's own rule, `guardedLookup`, which each delivery
 * applies again). A name that does not resolve now is let through: DNS may
 * not know it yet, and each delivery resolves it again.
 */
export function endpointAddressRefusal(
  url: string,
  allowList: readonly AllowEntry[],
): Promise<string | null> {
  const parsed = new URL(url);
  if (isIpLiteral(parsed.hostname))
    return Promise.resolve(literalHostRefusal(parsed, allowList)?.message ?? null);
  return new Promise((resolve) => {
    guardedLookup(allowList)(parsed.hostname, { all: true }, (error) =>
      resolve(isAddressRefusedError(error) ? error.message : null),
    );
  });
}
