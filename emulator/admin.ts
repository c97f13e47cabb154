/**
 * The out-of-band {@link EmulatorAdmin}: what another API user, the DCD, or expiry would do to the state
 * behind a client's back. It uses the same models and validation as the API, minus auth, faults, the
 * request log and the rule that a written expiry lies at least an hour ahead.
 */
import { isApiProblem } from "./errors";
import { actorFor, ADMIN_EMAIL } from "./model/actor";
import type { RegistryModel } from "./model/registries";
import type { TokenModel } from "./model/tokens";
import type { RegistryAddresses } from "./registry/hosting";
import { registryView, tokenView, type RegistryView, type TokenView } from "./model/views";
import type { AdminTokenPatch, EmulatorAdmin } from "./options";
import { DEFAULT_LOCATION } from "./options";
import { parseId } from "./validate/params";
import { parseRegistryBody } from "./validate/registries";
import { parseTokenPatch } from "./validate/tokens";

const ADMIN = actorFor(ADMIN_EMAIL);

/**
 * Builds the {@link EmulatorAdmin} over the emulator's models. Its methods are synchronous, so a registry
 * server (`--serve-registry`) starts and stops in the background: `onWarning` hears about a failure.
 */
export function createAdmin(
  models: { tokens: TokenModel; registries: RegistryModel; addresses: RegistryAddresses },
  onWarning: (message: string) => void,
): EmulatorAdmin {
  const warn = (err: unknown): void => onWarning(err instanceof Error ? err.message : String(err));
  const { tokens, registries, addresses } = models;
  return {
    createRegistry(name: string, location: string = DEFAULT_LOCATION): { id: string; name: string } {
      const record = registries.create(parseRegistryBody({ properties: { name, location } }), ADMIN);
      addresses.of(record).catch(warn);
      return { id: record.id, name: record.name };
    },
    listRegistries(): RegistryView[] {
      // A registry whose server is still starting shows an empty hostname.
      return registries.list().map((r) => registryView(r, addresses.known(r) ?? ""));
    },
    deleteRegistry(registryId: string): boolean {
      const id = parseId(registryId, "registryId");
      const existed = notFoundAsFalse(() => registries.delete(id));
      if (existed) addresses.release(id).catch(warn);
      return existed;
    },
    listTokens(registryId: string): TokenView[] {
      return tokens
        .list(parseId(registryId, "registryId"), 0, Number.MAX_SAFE_INTEGER)
        .items.map((t) => tokenView(t));
    },
    getToken(registryId: string, tokenId: string): TokenView | undefined {
      try {
        return tokenView(tokens.get(parseId(registryId, "registryId"), parseId(tokenId, "tokenId")));
      } catch (err) {
        if (isApiProblem(err) && err.status === 404) return undefined;
        throw err;
      }
    },
    patchToken(registryId: string, tokenId: string, patch: AdminTokenPatch): TokenView {
      const checked = parseTokenPatch(patch, undefined);
      return tokenView(
        tokens.patch(parseId(registryId, "registryId"), parseId(tokenId, "tokenId"), checked, ADMIN),
      );
    },
    deleteToken(registryId: string, tokenId: string): boolean {
      return notFoundAsFalse(() =>
        tokens.delete(parseId(registryId, "registryId"), parseId(tokenId, "tokenId")),
      );
    },
  };
}

function notFoundAsFalse(action: () => void): boolean {
  try {
    action();
    return true;
  } catch (err) {
    if (isApiProblem(err) && err.status === 404) return false;
    throw err;
  }
}
