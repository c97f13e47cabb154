/**
 * The look-up functions' arguments, checked with the resource's own rules and messages before any API call:
 * `getRegistryToken` ({@link checkTokenLookup}) and `getRegistryTokens` ({@link checkTokensLookup}).
 */
import { show } from "./failures";
import { checkRegistryId, checkTokenName, UUID_PATTERN, type CheckFailure } from "./validate";

/** Arguments of `lookUpToken`: the registry, and the token's id or its name (exactly one). */
export interface GetRegistryTokenArgs {
  registryId: string;
  tokenId?: string;
  name?: string;
}

/** Arguments of `lookUpTokens`: the registry, and optionally a name prefix the tokens must have. */
export interface GetRegistryTokensArgs {
  registryId: string;
  namePrefix?: string;
}

type Props = Record<string, unknown>;

/** Collects failures, and throws them as one message naming each argument, prefixed by the function. */
function judge<T>(
  fn: string,
  args: unknown,
  allowed: readonly string[],
  rules: (a: Props, fail: (p: string, r: string) => void) => T,
): T {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const given = (typeof args === "object" && args !== null ? args : {}) as Props;
  for (const key of Object.keys(given).filter((k) => !allowed.includes(k)))
    fail(key, `"${key}" is not an argument of ${fn}; expected one of ${allowed.join(", ")}`);
  const checked = rules(given, fail);
  if (failures.length > 0) {
    throw new Error(`${fn}: ${failures.map((f) => f.reason).join("; ")}`);
  }
  return checked;
}

/** `getRegistryToken`'s arguments, normalized: `registryId` and `tokenId` lower case; exactly one of `tokenId`, `name`. */
export function checkTokenLookup(args: unknown): GetRegistryTokenArgs {
  return judge("getRegistryToken", args, ["registryId", "tokenId", "name"], (given, fail) => {
    const registryId = checkRegistryId(given.registryId, fail) as string;
    const { tokenId, name } = given;
    if ((tokenId == null) === (name == null)) {
      fail("tokenId", "give exactly one of tokenId and name");
      return { registryId };
    }
    if (tokenId != null) {
      if (typeof tokenId !== "string" || !UUID_PATTERN.test(tokenId)) {
        fail(
          "tokenId",
          `tokenId must be a token UUID such as 5f2b1c7e-0d4a-4e8b-9c3f-7a6e1d2b4c80, got ${show(tokenId)}`,
        );
        return { registryId };
      }
      return { registryId, tokenId: tokenId.toLowerCase() };
    }
    checkTokenName(name, fail);
    return { registryId, name: name as string };
  });
}

/** `getRegistryTokens`' arguments, normalized: `registryId` lower case; `namePrefix`, when given, a string. */
export function checkTokensLookup(args: unknown): GetRegistryTokensArgs {
  return judge("getRegistryTokens", args, ["registryId", "namePrefix"], (given, fail) => {
    const registryId = checkRegistryId(given.registryId, fail) as string;
    const { namePrefix } = given;
    if (namePrefix == null) return { registryId };
    if (typeof namePrefix !== "string" || namePrefix === "") {
      fail(
        "namePrefix",
        `namePrefix must be a non-empty string (omit it for every token), got ${show(namePrefix)}`,
      );
    }
    return { registryId, namePrefix: namePrefix as string };
  });
}
