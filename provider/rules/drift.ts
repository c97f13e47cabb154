/**
 * Drift found by a refresh, reported where Pulumi looks for it: in the inputs a read returns. The engine shows
 * `preview --diff` as stored inputs against the program's, and applies `ignoreChanges` by copying stored inputs
 * into the program's; so a drifted declared property must be stored as it now is, in the program's own form:
 * the diff then reads `status: "disabled" => "enabled"`, and an ignored drift stays. A refresh that finds no
 * drift reports no inputs, and the stored ones stay exactly as they were.
 */
import { normalizeActions, sameInstant, sameScopes } from "./normalize";
import type { RegistryTokenScope, TokenInputs, TokenOutputs } from "./types";

type Props = Record<string, unknown>;

/**
 * The stored inputs (`base`, the program's form) with each drifted property (`before` → `live` outputs) as it
 * now is, or undefined when nothing drifted. An expiry planned from `expiresIn` is the provider's, not the
 * program's: its drift is left to the diff of the outputs, which restores the planned expiry at the next up.
 */
export function driftedInputs(
  base: Partial<TokenInputs>,
  before: Partial<TokenOutputs>,
  live: TokenOutputs,
): TokenInputs | undefined {
  const drifted: Props = {};
  if ((before.status ?? "enabled") !== live.status) drifted.status = live.status;
  if (!sameScopes(before.scopes, live.scopes))
    drifted.scopes = scopesInProgramForm(base.scopes ?? [], live.scopes);
  if (base.expiresIn == null && !sameInstant(before.expiryDate, live.expiryDate))
    drifted.expiryDate = live.expiryDate;
  return Object.keys(drifted).length === 0 ? undefined : ({ ...base, ...drifted } as TokenInputs);
}

/**
 * The live scopes written as close to the declared ones as they are: a declared scope still live keeps its
 * place and its actions' order (actions it lost dropped, actions it gained after them), scopes no longer live
 * are dropped, and live scopes the program does not declare follow at the end. The diff then lists only what
 * was added or removed.
 */
export function scopesInProgramForm(
  declared: readonly RegistryTokenScope[],
  live: readonly RegistryTokenScope[],
): RegistryTokenScope[] {
  const key = (s: RegistryTokenScope) => JSON.stringify([s.type, s.name]);
  const liveByKey = new Map(live.map((s) => [key(s), s]));
  const placed = new Set<string>();
  const result: RegistryTokenScope[] = [];
  for (const scope of declared) {
    const now = liveByKey.get(key(scope));
    if (now === undefined || placed.has(key(scope))) continue;
    placed.add(key(scope));
    const kept: string[] = [...new Set(scope.actions)].filter((a) => now.actions.includes(a));
    const gained = normalizeActions(now.actions).filter((a) => !kept.includes(a));
    result.push({ ...scope, actions: [...kept, ...gained] } as RegistryTokenScope);
  }
  for (const scope of live) if (!placed.has(key(scope))) result.push(scope);
  return result;
}
