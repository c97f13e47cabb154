/**
 * Checks for the `POST /registries` body (`PostRegistryInput`, wrapped in `properties`). Besides the
 * v1.0 fields it accepts the newer `features` and `apiSubnetAllowList`, so current clients are not refused.
 */
import { isIP } from "node:net";
import { invalidField } from "../errors";
import { LIMITS } from "../limits";
import type { WeeklySchedule } from "../model/records";
import type { RegistryInput } from "../model/registries";
import {
  member,
  rejectUnknownKeys,
  requireArray,
  requireBoolean,
  requireEnum,
  requireObject,
  requirePattern,
} from "./fields";

/** The registry name pattern (lower case only, 3 to 63 characters). */
export const REGISTRY_NAME_PATTERN = /^[a-z][-a-z0-9]{1,61}[a-z0-9]$/;

/** A location id such as `de/fra` or `de/txl` (the list of real locations is not enforced). */
export const LOCATION_PATTERN = /^[a-z]{2}\/[a-z0-9]{2,16}$/;

const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;
const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?$/;

/** Checks a `POST /registries` body. @throws 400 naming the first bad field */
export function parseRegistryBody(body: unknown): RegistryInput {
  const root = requireObject(body, "");
  rejectUnknownKeys(root, ["properties"], "");
  if (member(root, "properties") === undefined) throw invalidField("properties", "is required");
  const props = requireObject(member(root, "properties"), "properties");
  rejectUnknownKeys(
    props,
    ["name", "location", "garbageCollectionSchedule", "features", "apiSubnetAllowList"],
    "properties",
  );
  for (const key of ["name", "location"]) {
    if (member(props, key) === undefined) throw invalidField(`properties.${key}`, "is required");
  }
  const input: RegistryInput = {
    name: requirePattern(member(props, "name"), "properties.name", REGISTRY_NAME_PATTERN),
    location: requirePattern(member(props, "location"), "properties.location", LOCATION_PATTERN),
  };
  const schedule = member(props, "garbageCollectionSchedule");
  if (schedule !== undefined) input.garbageCollectionSchedule = parseSchedule(schedule);
  const features = member(props, "features");
  if (features !== undefined) input.features = parseFeatures(features);
  const subnets = member(props, "apiSubnetAllowList");
  if (subnets !== undefined) input.apiSubnetAllowList = parseSubnets(subnets);
  return input;
}

function parseSchedule(value: unknown): WeeklySchedule | null {
  const field = "properties.garbageCollectionSchedule";
  if (value === null) return null;
  const schedule = requireObject(value, field);
  rejectUnknownKeys(schedule, ["days", "time"], field);
  const days = requireArray(member(schedule, "days"), `${field}.days`, DAYS.length).map((d, i) =>
    requireEnum(d, `${field}.days[${i}]`, DAYS),
  );
  if (new Set(days).size !== days.length) throw invalidField(`${field}.days`, "must not repeat a day");
  const time = requirePattern(member(schedule, "time"), `${field}.time`, TIME_OF_DAY);
  // The time is UTC; a zone-less value gets the explicit +00:00 that the spec's examples show.
  return { days, time: /(Z|[+-]\d\d:\d\d)$/.test(time) ? time : `${time}+00:00` };
}

function parseFeatures(value: unknown): { vulnerabilityScanning?: { enabled: boolean } } {
  const field = "properties.features";
  const features = requireObject(value, field);
  rejectUnknownKeys(features, ["vulnerabilityScanning"], field);
  const scanning = member(features, "vulnerabilityScanning");
  if (scanning === undefined) return {};
  const scanningObject = requireObject(scanning, `${field}.vulnerabilityScanning`);
  rejectUnknownKeys(scanningObject, ["enabled"], `${field}.vulnerabilityScanning`);
  return {
    vulnerabilityScanning: {
      enabled: requireBoolean(member(scanningObject, "enabled"), `${field}.vulnerabilityScanning.enabled`),
    },
  };
}

function parseSubnets(value: unknown): string[] {
  const field = "properties.apiSubnetAllowList";
  return requireArray(value, field, LIMITS.maxSubnets).map((entry, i) => {
    if (typeof entry !== "string" || !isCidrOrIp(entry)) {
      throw invalidField(`${field}[${i}]`, "must be an IP address or CIDR");
    }
    return entry;
  });
}

function isCidrOrIp(text: string): boolean {
  const [address = "", prefix, extra] = text.split("/");
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}
