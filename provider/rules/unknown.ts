/**
 * Pulumi's marker for a value not yet known during preview. It equals `pulumi.runtime.unknownValue`; it is
 * repeated here so the serialized provider does not have to capture `@pulumi/pulumi` (a unit test keeps the
 * two in step).
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when `value` is, or contains at any depth, the unknown marker. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}
