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

/** The key that marks a special value in Pulumi's wire and state forms (Pulumi's `sig` key). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** The signature of a secret under {@link SIG_KEY}: `pulumi stack export` writes a secret's ciphertext with it. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Whether a value is a secret in Pulumi's wire or state form (`{ [SIG_KEY]: SECRET_SIG, … }`). */
export function isSecretForm(value: unknown): boolean {
  return (
    typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG
  );
}
