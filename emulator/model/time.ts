/**
 * Date-time parsing and formatting. Input is RFC 3339 (with `Z` or an offset, with or without fractional
 * seconds); output is always `YYYY-MM-DDTHH:MM:SSZ`, because the bundle Go SDK cannot parse `+00:00` in
 * metadata dates.
 */

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses an RFC 3339 date-time into epoch milliseconds, or returns `undefined` when the text is not one.
 * Rejects impossible calendar values (month 13, 31 February, hour 24), a missing zone and leap second 60:
 * `Date.UTC` would silently roll those over into another instant.
 */
export function parseRfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  // Date.UTC maps years 0–99 to 1900–1999; setting the year afterwards avoids that.
  date.setUTCFullYear(year);
  const fraction = m[7] === undefined ? 0 : Math.floor(Number(m[7]) * 1000);
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  return date.getTime() + fraction - offsetMinutes * 60_000;
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
}

/**
 * Formats an instant as `YYYY-MM-DDTHH:MM:SSZ` (UTC, whole seconds; any fraction is dropped).
 * Only years 0000–9999 occur, because {@link parseRfc3339} accepts four-digit years only.
 */
export function formatTimestamp(epochMs: number): string {
  return new Date(truncateToSeconds(epochMs)).toISOString().slice(0, 19) + "Z";
}

/** Drops the sub-second part, rounding towards the past. */
export function truncateToSeconds(epochMs: number): number {
  return Math.floor(epochMs / 1000) * 1000;
}
