import { kindOf, show, type Fail } from "./failures";
import { generateName, NAME_PREFIX_PATTERN, NAME_SUFFIX_LENGTH, TOKEN_NAME_PATTERN } from "./naming";
import { normalizeActions, normalizeTriggers, SCOPE_ACTIONS, SCOPE_TYPES } from "./normalize";
import { UNKNOWN, containsUnknown } from "./unknown";
import { checkExpiry } from "./validateExpiry";

/** One rejected property, as Pulumi's `check` reports it. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** Result of {@link checkTokenInputs}: inputs with defaults and canonical forms, plus any failures. */
export interface CheckOutcome {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
}

export { MIN_EXPIRY_LEAD_MS } from "./rotation";

/** A UUID, the form of the API's registry and token ids (either case; stored lower case). */
export const UUID_PATTERN = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
const INPUT_KEYS = [
  "registryId",
  "name",
  "namePrefix",
  "expiryDate",
  "expiresIn",
  "rotateBefore",
  "rotationTriggers",
  "status",
  "scopes",
];
/**
 * Inputs that `check` consumes and never stores. `defaultNamePrefix` is the resource name's prefix, sent apart
 * from an explicit `namePrefix` so that renaming the resource (with `aliases`) keeps a generated name.
 * `rotationDue` was stored among the inputs by versions up to 0.1.0; the engine copies stored inputs back for
 * `ignoreChanges`, so an old state may still send it.
 */
const CONSUMED_KEYS = ["defaultNamePrefix", "rotationDue"];
const SCOPE_KEYS = ["name", "type", "actions"];
/** Longest repository name or pattern a scope may carry (Docker's limit on repository names). */
const MAX_SCOPE_NAME_LENGTH = 255;

type Props = Record<string, unknown>;

/**
 * Validates and normalizes a token's inputs without any API call. Every bad property yields one failure with
 * a reason a person can act on. Values still unknown at preview pass through untouched. `olds` are the
 * previous checked inputs (empty on create and on replacement); `nowMs` is the clock for the expiry rule;
 * `randomSeed`, when the engine sends one, is where a generated name's suffix comes from (see `generateName`).
 */
export function checkTokenInputs(
  olds: Props,
  news: Props,
  nowMs: number,
  engineKeys: readonly string[] = [],
  randomSeed?: Uint8Array,
): CheckOutcome {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const inputs: Props = { ...news };

  for (const key of Object.keys(news)) {
    if (!engineKeys.includes(key) && !INPUT_KEYS.includes(key) && !CONSUMED_KEYS.includes(key)) {
      fail(key, `"${key}" is not a RegistryToken input; expected one of ${INPUT_KEYS.join(", ")}`);
    }
  }
  for (const key of CONSUMED_KEYS) delete inputs[key];
  inputs.registryId = checkRegistryId(news.registryId, fail);
  const prefix = checkNamePrefix("namePrefix", news.namePrefix, fail);
  const defaultPrefix = checkNamePrefix("defaultNamePrefix", news.defaultNamePrefix, fail);
  Object.assign(inputs, checkName(olds, news.name, prefix, defaultPrefix, fail, randomSeed));
  Object.assign(inputs, checkExpiry(olds, news, nowMs, fail));
  inputs.status = checkStatus(news.status, fail);
  inputs.scopes = checkScopes(news.scopes, fail);
  inputs.rotationTriggers = checkRotationTriggers(news.rotationTriggers, fail);
  return { inputs: withoutUnset(inputs), failures };
}

/** Optional inputs whose `null` means "not set"; such keys are left out of the stored inputs. */
const NULL_MEANS_UNSET = ["namePrefix", "expiresIn", "rotateBefore", "rotationTriggers", "expiryDate"];

/**
 * The inputs go back to the engine as a protobuf Struct, which cannot hold `undefined`: a missing required
 * input (e.g. `config.get("typo")!`) would turn its named failure into an engine error. Nested values come
 * from the engine as they are (it never sends `undefined`); only the keys set here can be undefined. An
 * optional input that is not set is left out rather than stored as null, so previews do not list every
 * unset input as `<null>` (the provider reads an absent key as null: see `withUnsetAsNull`).
 */
function withoutUnset(inputs: Props): Props {
  return Object.fromEntries(
    Object.entries(inputs).filter(
      ([key, value]) => value !== undefined && !(value === null && NULL_MEANS_UNSET.includes(key)),
    ),
  );
}

/** The `registryId` rule: a registry UUID, returned lower case; a failure names `registryId` otherwise. */
export function checkRegistryId(value: unknown, fail: Fail): unknown {
  if (value === UNKNOWN) return value;
  if (value == null || value === "") {
    fail("registryId", "registryId is required: the UUID of the container registry that owns the token");
  } else if (typeof value !== "string" || !UUID_PATTERN.test(value)) {
    fail(
      "registryId",
      `registryId must be a registry UUID such as 1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17, got ${show(value)}`,
    );
  } else {
    return value.toLowerCase();
  }
  return value;
}

function checkNamePrefix(property: string, value: unknown, fail: Fail): unknown {
  if (value == null) return null;
  if (value === UNKNOWN) return value;
  if (typeof value !== "string" || !NAME_PREFIX_PATTERN.test(value)) {
    fail(
      property,
      `${property} must start with a letter and contain only letters, digits and hyphens, at most 54 characters, got ${show(value)}`,
    );
  }
  return value;
}

/**
 * The token name and `namePrefix` to store. `namePrefix` is kept only for a generated name: null marks a name
 * the user chose (which decides how a replacement is ordered). A generated name is kept for the token's whole
 * life — across resource renames (the default prefix changes) and `ignoreChanges` (the engine copies the stored
 * name back) — and only a different explicit `namePrefix` generates a new one.
 */
function checkName(
  olds: Props,
  value: unknown,
  prefix: unknown,
  defaultPrefix: unknown,
  fail: Fail,
  randomSeed?: Uint8Array,
): { name: unknown; namePrefix: unknown } {
  const generatedBefore = wasGenerated(olds);
  if (value === UNKNOWN) return { name: value, namePrefix: null };
  if (value == null) {
    if (generatedBefore && (prefix == null || prefix === olds.namePrefix)) {
      return { name: olds.name, namePrefix: olds.namePrefix };
    }
    const wanted = prefix ?? defaultPrefix;
    if (wanted === UNKNOWN) return { name: UNKNOWN, namePrefix: UNKNOWN };
    const usable = typeof wanted === "string" && NAME_PREFIX_PATTERN.test(wanted) ? wanted : "token";
    return { name: generateName(usable, randomSeed), namePrefix: usable };
  }
  // The stored generated name, given back (`ignoreChanges`, or written into the program): still generated.
  const keepsGenerated = checkTokenName(value, fail) && generatedBefore && value === olds.name;
  return { name: value, namePrefix: keepsGenerated ? olds.namePrefix : null };
}

/**
 * Whether the previous inputs hold a generated name: `prefix-` plus the random suffix. The shape is checked
 * too, because the first release stored the default prefix beside chosen names as well.
 */
function wasGenerated(olds: Props): boolean {
  const { name, namePrefix } = olds;
  return (
    typeof name === "string" &&
    typeof namePrefix === "string" &&
    name.length === namePrefix.length + 1 + NAME_SUFFIX_LENGTH &&
    name.startsWith(`${namePrefix}-`) &&
    /^[a-z0-9]+$/.test(name.slice(namePrefix.length + 1))
  );
}

/** The token `name` rule (the API's pattern); false, with a failure naming `name`, when it is broken. */
export function checkTokenName(value: unknown, fail: Fail): value is string {
  if (typeof value !== "string") {
    fail("name", `name must be a string, got ${show(value)}`);
    return false;
  }
  if (!TOKEN_NAME_PATTERN.test(value)) {
    fail("name", `name ${show(value)} is invalid: ${explainName(value)}`);
    return false;
  }
  return true;
}

function explainName(name: string): string {
  if (name.length < 2 || name.length > 63)
    return `it must be 2 to 63 characters long (it has ${name.length})`;
  if (!/^[A-Za-z]/.test(name)) return "it must start with a letter";
  if (!/[A-Za-z0-9]$/.test(name)) return "it must end with a letter or a digit";
  return "only letters, digits and hyphens are allowed";
}

function checkRotationTriggers(value: unknown, fail: Fail): unknown {
  if (value === UNKNOWN) return value;
  if (value != null && (typeof value !== "object" || Array.isArray(value))) {
    // Its values are arbitrary (often derived from secrets, which check receives in plain text): never echoed.
    fail(
      "rotationTriggers",
      `rotationTriggers must be a map of values (any change replaces the token), got ${kindOf(value)}`,
    );
    return value;
  }
  return normalizeTriggers(value);
}

function checkStatus(value: unknown, fail: Fail): unknown {
  if (value === UNKNOWN) return value;
  if (value == null) return "enabled";
  if (value !== "enabled" && value !== "disabled") {
    fail("status", `status must be "enabled" or "disabled" (lower case), got ${show(value)}`);
  }
  return value;
}

function checkScopes(value: unknown, fail: Fail): unknown {
  if (value === UNKNOWN) return value;
  if (value == null) return [];
  if (!Array.isArray(value)) {
    fail("scopes", `scopes must be a list of { name, type, actions }, got ${show(value)}`);
    return value;
  }
  const seen = new Map<string, number>();
  return value.map((scope, i) => {
    if (containsUnknown(scope)) return scope;
    const checked = checkScope(scope, `scopes[${i}]`, fail);
    if (checked) {
      const key = JSON.stringify([checked.type, checked.name]);
      const first = seen.get(key);
      if (first !== undefined) {
        fail(
          `scopes[${i}]`,
          `scopes[${i}] repeats scopes[${first}] (type ${checked.type}, name "${checked.name}"): merge their actions`,
        );
      } else {
        seen.set(key, i);
      }
    }
    return checked ?? scope;
  });
}

function checkScope(
  scope: unknown,
  path: string,
  fail: Fail,
): { name: string; type: string; actions: string[] } | undefined {
  if (scope === null || typeof scope !== "object" || Array.isArray(scope)) {
    fail(path, `${path} must be an object { name, type, actions }, got ${show(scope)}`);
    return undefined;
  }
  const s = scope as Props;
  let ok = true;
  const bad = (field: string, reason: string) => {
    ok = false;
    fail(`${path}.${field}`, `${path}.${field} ${reason}`);
  };
  for (const key of Object.keys(s)) {
    if (!SCOPE_KEYS.includes(key)) bad(key, `is not a scope field; a scope has only name, type and actions`);
  }
  if (typeof s.name !== "string" || s.name.trim() === "") {
    bad("name", `must be a non-empty repository name or pattern ("*" for all), got ${show(s.name)}`);
  } else if (/\s/.test(s.name)) {
    // Repository names never contain whitespace; the registry would refuse the scope at apply time.
    bad("name", `must not contain whitespace, got ${show(s.name)}`);
  } else if (s.name.length > MAX_SCOPE_NAME_LENGTH) {
    bad(
      "name",
      `must be at most ${MAX_SCOPE_NAME_LENGTH} characters (a repository name's limit), got ${s.name.length}`,
    );
  }
  if (!(SCOPE_TYPES as readonly unknown[]).includes(s.type)) {
    bad("type", `must be "repository" or "registry", got ${show(s.type)}`);
  }
  if (!Array.isArray(s.actions) || s.actions.length === 0) {
    bad("actions", `must be a non-empty list drawn from ${SCOPE_ACTIONS.join(", ")}, got ${show(s.actions)}`);
  } else {
    s.actions.forEach((action, j) => {
      if (!(SCOPE_ACTIONS as readonly unknown[]).includes(action)) {
        bad(`actions[${j}]`, `must be one of ${SCOPE_ACTIONS.join(", ")}, got ${show(action)}`);
      }
    });
  }
  return ok
    ? { name: s.name as string, type: s.type as string, actions: normalizeActions(s.actions as string[]) }
    : undefined;
}
