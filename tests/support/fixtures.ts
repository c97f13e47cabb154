/** Small shared test data. */
import type { TokenInputs } from "../../provider/rules/types";

/** Checked inputs of a pull-only token with a user-chosen name and no expiry or rotation. */
export function pullTokenInputs(registryId: string, name: string): TokenInputs {
  return {
    registryId,
    name,
    namePrefix: null,
    expiresIn: null,
    rotateBefore: null,
    rotationTriggers: null,
    expiryDate: null,
    status: "enabled",
    scopes: [{ name: "*", type: "repository", actions: ["pull"] }],
  };
}
