/** A duration such as `90d`, `12h`, `1d12h` or `30m`: days, hours and minutes, in that order, each optional. */
const DURATION_PATTERN = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/;

/**
 * Parses a duration like `90d` or `1d12h30m` to milliseconds; undefined when malformed or zero. A well-formed
 * but absurd duration parses (possibly to `Infinity`), so that the caller can say it is too long rather than
 * malformed.
 */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_PATTERN.exec(text);
  if (!m || text === "") return undefined;
  const [days, hours, minutes] = m.slice(1).map((part) => Number(part ?? 0));
  const ms = ((days * 24 + hours) * 60 + minutes) * 60_000;
  return ms > 0 ? ms : undefined;
}
