/** Helpers for `check` failure messages, shared by the validation modules. */

/** Reports one failure of `property`. */
export type Fail = (property: string, reason: string) => void;

/** What kind of value it is, without the value itself. */
export function kindOf(value: unknown): string {
  return Array.isArray(value) ? "a list" : value === null ? "null" : `a ${typeof value}`;
}

/**
 * A short rendering of a user value for a message, cut when long. `check` receives secret inputs in plain text,
 * so properties whose values may well be secret (`rotationTriggers`) are described with {@link kindOf} instead.
 */
export function show(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? "undefined" : JSON.stringify(value);
  } catch {
    // JSON cannot render a BigInt or a cycle, and String() throws for an object without a prototype: a
    // message about a bad input must never become an exception of its own.
    text =
      typeof value === "object" && value !== null ? Object.prototype.toString.call(value) : String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
