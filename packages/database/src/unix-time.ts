/** API timestamps are Unix seconds (docs/http-api.md); the database keeps timestamptz. */
export function toUnixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

export function toUnixSecondsOrNull(date: Date | null | undefined): number | null {
  return date ? toUnixSeconds(date) : null;
}
