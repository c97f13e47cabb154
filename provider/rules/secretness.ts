/**
 * Which outputs repeat an input's value under another name. Pulumi keeps an input's secretness on the output
 * of the same name only; these must be marked secret too when their source is, in both modes.
 */

/** Output → the inputs whose value it carries: a generated `name` (its prefix), `username` (the name), a
 * planned `expiryDate` (from `expiresIn`). */
export const DERIVED_OUTPUTS: Readonly<Record<string, readonly string[]>> = {
  name: ["namePrefix"],
  username: ["name", "namePrefix"],
  expiryDate: ["expiresIn"],
};

/** The outputs that carry the value of any of `inputs`. */
export function outputsDerivedFrom(inputs: Iterable<string>): string[] {
  const sources = new Set(inputs);
  return Object.entries(DERIVED_OUTPUTS)
    .filter(([, from]) => from.some((input) => sources.has(input)))
    .map(([output]) => output);
}
