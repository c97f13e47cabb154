/**
 * Checks a fault plan given as untyped JSON (CLI `--faults`, `PUT /_emulator/faults`) or from code
 * (`setFaults`), so a typo in a plan fails loudly instead of silently injecting nothing.
 */
import { invalidField } from "../errors";
import {
  member,
  rejectUnknownKeys,
  requireArray,
  requireEnum,
  requireObject,
  requireString,
  type JsonObject,
} from "../validate/fields";
import type { FaultAction, FaultMatch, FaultOptions, FaultRule } from "./types";

const MAX_DELAY_MS = 600_000;

/**
 * The plan as typed {@link FaultOptions} (a fresh copy).
 * @throws ApiProblem (400) naming the first bad field, e.g. `faults.rules[0].action.status`
 */
export function parseFaultOptions(value: unknown): FaultOptions {
  const root = requireObject(value ?? {}, "faults");
  rejectUnknownKeys(root, ["latency", "rateLimit", "rules", "seed"], "faults");
  const plan: FaultOptions = {};
  const seed = member(root, "seed");
  if (seed !== undefined) plan.seed = number(seed, "faults.seed", 0, 2 ** 32 - 1, true);
  const latency = member(root, "latency");
  if (latency !== undefined) {
    const l = object(latency, "faults.latency", ["fixedMs", "jitterMs", "match"]);
    plan.latency = {
      fixedMs: optionalNumber(l, "fixedMs", "faults.latency", 0, MAX_DELAY_MS, false) ?? 0,
      jitterMs: optionalNumber(l, "jitterMs", "faults.latency", 0, MAX_DELAY_MS, false) ?? 0,
      ...matchOf(l, "faults.latency"),
    };
  }
  const rateLimit = member(root, "rateLimit");
  if (rateLimit !== undefined) {
    const r = object(rateLimit, "faults.rateLimit", [
      "requestsPerSecond",
      "burst",
      "retryAfterSeconds",
      "match",
    ]);
    const rps = number(
      member(r, "requestsPerSecond"),
      "faults.rateLimit.requestsPerSecond",
      0.001,
      1e6,
      false,
    );
    const burst = optionalNumber(r, "burst", "faults.rateLimit", 1, 1e6, true);
    const retryAfter = optionalNumber(r, "retryAfterSeconds", "faults.rateLimit", 0, 86_400, true);
    plan.rateLimit = {
      requestsPerSecond: rps,
      ...(burst === undefined ? {} : { burst }),
      ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
      ...matchOf(r, "faults.rateLimit"),
    };
  }
  const rules = member(root, "rules");
  if (rules !== undefined) {
    plan.rules = requireArray(rules, "faults.rules", 1000).map((rule, i) =>
      parseRule(rule, `faults.rules[${i}]`),
    );
  }
  return plan;
}

function parseRule(value: unknown, field: string): FaultRule {
  const r = object(value, field, ["match", "action", "skip", "times", "rate"]);
  const rule: FaultRule = {
    action: parseAction(member(r, "action"), `${field}.action`),
    ...matchOf(r, field),
  };
  const skip = optionalNumber(r, "skip", field, 0, Number.MAX_SAFE_INTEGER, true);
  if (skip !== undefined) rule.skip = skip;
  const times = optionalNumber(r, "times", field, 0, Number.MAX_SAFE_INTEGER, true);
  if (times !== undefined) rule.times = times;
  const rate = optionalNumber(r, "rate", field, 0, 1, false);
  if (rate !== undefined) rule.rate = rate;
  return rule;
}

function parseAction(value: unknown, field: string): FaultAction {
  const a = requireObject(value, field);
  const type = requireEnum(member(a, "type"), `${field}.type`, [
    "status",
    "reset",
    "commitThenStatus",
    "commitThenReset",
    "delay",
  ] as const);
  switch (type) {
    case "status": {
      rejectUnknownKeys(a, ["type", "status", "retryAfter"], field);
      const status = number(member(a, "status"), `${field}.status`, 400, 599, true);
      const raw = member(a, "retryAfter");
      if (raw === undefined) return { type, status };
      const retryAfter = raw === null ? null : number(raw, `${field}.retryAfter`, 0, 86_400, true);
      return { type, status, retryAfter };
    }
    case "commitThenStatus": {
      rejectUnknownKeys(a, ["type", "status"], field);
      return { type, status: optionalNumber(a, "status", field, 400, 599, true) ?? 500 };
    }
    case "delay":
      rejectUnknownKeys(a, ["type", "ms"], field);
      return { type, ms: number(member(a, "ms"), `${field}.ms`, 0, MAX_DELAY_MS, false) };
    default:
      rejectUnknownKeys(a, ["type"], field);
      return { type };
  }
}

function matchOf(parent: JsonObject, field: string): { match?: FaultMatch } {
  const value = member(parent, "match");
  if (value === undefined) return {};
  const m = object(value, `${field}.match`, ["methods", "operation", "path"]);
  const match: FaultMatch = {};
  const methods = member(m, "methods");
  if (methods !== undefined) {
    match.methods = requireArray(methods, `${field}.match.methods`, 20).map((x, i) =>
      requireString(x, `${field}.match.methods[${i}]`).toUpperCase(),
    );
  }
  const operation = member(m, "operation");
  if (operation !== undefined) {
    match.operation = Array.isArray(operation)
      ? operation.map((x, i) => requireString(x, `${field}.match.operation[${i}]`))
      : requireString(operation, `${field}.match.operation`);
  }
  const path = member(m, "path");
  if (path !== undefined) match.path = requireString(path, `${field}.match.path`);
  return { match };
}

function object(value: unknown, field: string, allowed: readonly string[]): JsonObject {
  const o = requireObject(value, field);
  rejectUnknownKeys(o, allowed, field);
  return o;
}

function optionalNumber(
  parent: JsonObject,
  key: string,
  prefix: string,
  min: number,
  max: number,
  integer: boolean,
): number | undefined {
  const value = member(parent, key);
  return value === undefined ? undefined : number(value, `${prefix}.${key}`, min, max, integer);
}

function number(value: unknown, field: string, min: number, max: number, integer: boolean): number {
  if (typeof value !== "number" || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw invalidField(field, `must be ${integer ? "an integer" : "a number"}`);
  }
  if (value < min || value > max) throw invalidField(field, `must be between ${min} and ${max}`);
  return value;
}
