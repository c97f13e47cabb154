/**
 * State bytes per token in both modes, counted the same way: the JSON of the inputs and outputs the engine
 * stores for the resource (as `providerSize.ts` counts them for the dynamic mode), with every secret in the form
 * the engine writes it — `{"<sig key>": "<secret sig>", "ciphertext": "v1:<nonce>:<sealed>"}` — instead of the
 * plaintext or the `value` wrapper that crosses gRPC.
 *
 * Computed, not read from a `pulumi stack export`: an export needs the real CLI, a Pulumi YAML language host
 * for the plugin and a Node.js program for the dynamic mode (tens of seconds and a built toolchain per run),
 * while the part that differs between the modes is exactly these two property bags. What both leave out —
 * URN, type, parent, the provider reference — is the same in both modes, give or take the type name's length.
 */
import { createCipheriv, randomBytes } from "crypto";
import type { PluginResource } from "../tests/support/pluginSession";
import { SECRET_KEY, SECRET_SIG } from "../tests/support/pluginSession";
import type { RegisteredToken } from "../tests/support/serializedProvider";
import type { LiveToken, Props } from "./harness";
import { bytes, type SectionResult } from "./report";

/** One mode's state figures. */
export interface StateBytes {
  /** Inputs and outputs as the engine stores them, JSON, UTF-8 bytes. */
  bytes: number;
  /** The same without `__provider` (dynamic mode stores it in both bags; the plugin has none). */
  withoutProvider: number;
}

/** Raw figures of the section. */
export interface StateSizeData {
  dynamic: StateBytes;
  plugin: StateBytes;
}

/**
 * The sealed form of one secret as the passphrase secrets manager (the one the e2e tests and the demo use)
 * writes it: the value's JSON sealed with AES-256-GCM under a fresh 12-byte nonce, both base64-encoded. A
 * random key is as good as the passphrase-derived one: only the length counts here.
 */
function sealed(value: unknown, key: Buffer): Props {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  const body = Buffer.concat([
    cipher.update(JSON.stringify(value), "utf8"),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  return {
    [SECRET_KEY]: SECRET_SIG,
    ciphertext: `v1:${nonce.toString("base64")}:${body.toString("base64")}`,
  };
}

function isSecret(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as Props)[SECRET_KEY] === SECRET_SIG;
}

/** `value` with every secret wrapper (`{sig, value}`) replaced by its sealed form. */
function storedForm(value: unknown, key: Buffer): unknown {
  if (Array.isArray(value)) return value.map((v) => storedForm(v, key));
  if (value === null || typeof value !== "object") return value;
  if (isSecret(value)) return sealed((value as Props).value, key);
  return Object.fromEntries(Object.entries(value as Props).map(([k, v]) => [k, storedForm(v, key)]));
}

/**
 * Bytes of `{inputs, outputs}` as JSON with secrets sealed. `secretOutputs` are outputs that arrive in plaintext
 * and that the engine seals on its own (the dynamic mode's `additionalSecretOutputs`).
 */
export function engineStateBytes(
  inputs: Props,
  outputs: Props,
  secretOutputs: readonly string[] = [],
): number {
  const key = randomBytes(32);
  const marked = Object.fromEntries(
    Object.entries(outputs).map(([k, v]) => [
      k,
      secretOutputs.includes(k) && !isSecret(v) ? { [SECRET_KEY]: SECRET_SIG, value: v } : v,
    ]),
  );
  return Buffer.byteLength(
    JSON.stringify({ inputs: storedForm(inputs, key), outputs: storedForm(marked, key) }),
  );
}

function withoutProvider(props: Props): Props {
  const { __provider: _provider, ...rest } = props;
  return rest;
}

/**
 * Computes both modes' state bytes per token from one token created in each.
 * @param registered - for the dynamic mode's `additionalSecretOutputs`
 * @param dynamic - a token created through the dynamic-provider host (outputs in plaintext)
 * @param plugin - a token created through the plugin (the password wrapped as a secret)
 */
export function measureStateSizes(
  registered: RegisteredToken,
  dynamic: LiveToken,
  plugin: PluginResource,
): SectionResult<StateSizeData> {
  const secrets = registered.additionalSecretOutputs;
  const of = (token: { inputs: Props; outs: Props }): StateBytes => ({
    bytes: engineStateBytes(token.inputs, token.outs, secrets),
    withoutProvider: engineStateBytes(withoutProvider(token.inputs), withoutProvider(token.outs), secrets),
  });
  const data: StateSizeData = { dynamic: of(dynamic), plugin: of(plugin) };
  return {
    rows: (["dynamic", "plugin"] as const).map((mode) => ({
      section: "size",
      metric: `state per token, ${mode} (secrets sealed)`,
      measured: bytes(data[mode].bytes),
      reference: `${bytes(data[mode].withoutProvider)} without __provider`,
    })),
    budgets: [],
    data,
  };
}
