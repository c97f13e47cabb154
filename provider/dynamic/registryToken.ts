import * as pulumi from "@pulumi/pulumi";
import { registryTokenProvider } from "./glue";
import { skipLeakReportStacks } from "./promiseStacks";
import { namePrefixFrom } from "../rules/naming";
import { outputsDerivedFrom } from "../rules/secretness";
import type { RegistryTokenArgs, RegistryTokenScope, RegistryTokenStatus } from "../rules/types";

/**
 * Every property a `RegistryToken` declares. The Node SDK creates an output property only for keys present in
 * the props a resource registers, so each one is seeded (with `undefined` when the program gives no value):
 * otherwise a generated `name`, a defaulted `status`, or any property of {@link RegistryToken.get} would read
 * as `undefined` at run time although the state holds it.
 */
const DECLARED_KEYS = [
  "registryId",
  "name",
  "namePrefix",
  "expiresIn",
  "rotateBefore",
  "rotationTriggers",
  "expiryDate",
  "status",
  "scopes",
  "tokenId",
  "username",
  "password",
  "createdDate",
] as const satisfies readonly (keyof RegistryToken)[];

/**
 * An IONOS Cloud Container Registry token. The API shows a token's password once, at creation; this resource
 * keeps it as a secret output for the token's whole life.
 *
 * Changing `registryId` or `name` replaces the token; `expiryDate`, `status` and `scopes` change in place.
 * The resource ID is `<registryId>/<tokenId>`.
 */
export class RegistryToken extends pulumi.dynamic.Resource {
  // The output properties' descriptions are also the plugin schema's (tests/unit/schemaDocs.test.ts): they
  // speak of a token "adopted by its ID" (`RegistryToken.get` here, `get` or `pulumi import` elsewhere).
  /** The UUID of the registry that owns the token. */
  declare readonly registryId: pulumi.Output<string>;
  /** The token name (given or generated), also the `docker login` username. */
  declare readonly name: pulumi.Output<string>;
  /** The prefix of a generated name; null when the name was given, and for a token adopted by its ID. */
  declare readonly namePrefix: pulumi.Output<string | null>;
  /** The lifetime the expiry was planned from; null when not set, and for a token adopted by its ID. */
  declare readonly expiresIn: pulumi.Output<string | null>;
  /** The rotation window; null when not set, and for a token adopted by its ID. */
  declare readonly rotateBefore: pulumi.Output<string | null>;
  /** The values whose change replaces the token; null when not set, and for a token adopted by its ID. */
  declare readonly rotationTriggers: pulumi.Output<Record<string, unknown> | null>;
  /** When the token expires, as `YYYY-MM-DDTHH:MM:SSZ`; null: never. */
  declare readonly expiryDate: pulumi.Output<string | null>;
  /** Whether the token can be used: `enabled` or `disabled`. */
  declare readonly status: pulumi.Output<RegistryTokenStatus>;
  /** The granted scopes, their actions in canonical order. */
  declare readonly scopes: pulumi.Output<RegistryTokenScope[]>;
  /** The API's id of the token. */
  declare readonly tokenId: pulumi.Output<string>;
  /** The `docker login` username (equal to the name). */
  declare readonly username: pulumi.Output<string>;
  /**
   * The `docker login` password, a secret. Empty for a token adopted by its ID: the API shows a password only
   * when it creates the token.
   */
  declare readonly password: pulumi.Output<string>;
  /** When the token was created, as `YYYY-MM-DDTHH:MM:SSZ`. */
  declare readonly createdDate: pulumi.Output<string>;

  /**
   * Declares a token. When `args.name` is omitted, a name is generated once from `namePrefix` (default: this
   * resource's name) and a random suffix, and kept across updates. The provider orders every replacement: the
   * new token is created first unless it keeps the old one's name in the same registry (names are unique per
   * registry), as in plugin mode. `pulumi up --replace` consults no provider about the order, so a token that
   * keeps its chosen name needs `deleteBeforeReplace: true` in `opts` for that command.
   */
  constructor(name: string, args: RegistryTokenArgs, opts?: pulumi.CustomResourceOptions) {
    if (opts?.import !== undefined) throw importRefused(name, opts.import);
    const isRead = opts?.id !== undefined;
    const props: Record<string, unknown> = isRead ? { ...args } : toInputs(name, args);
    for (const key of DECLARED_KEYS) if (!(key in props)) props[key] = undefined;
    // The SDK formats a stack per promise of each property for a report nobody asked for (promiseStacks.ts);
    // every other stack taken meanwhile is formatted as before, now or when it is read.
    const restoreStackFormatter = skipLeakReportStacks();
    try {
      super(
        registryTokenProvider,
        name,
        props,
        {
          ...opts,
          additionalSecretOutputs: [
            "password",
            ...mayBeSecret(args),
            ...(opts?.additionalSecretOutputs ?? []),
          ],
        },
        "ionos",
        "RegistryToken",
      );
    } finally {
      restoreStackFormatter();
    }
  }

  /**
   * Looks up an existing token by its ID `<registryId>/<tokenId>`. Its password cannot be recovered: the API
   * returns it only at creation, so `password` is empty.
   */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): RegistryToken {
    return new RegistryToken(name, {} as RegistryTokenArgs, { ...opts, id });
  }
}

/**
 * Pulumi's import reads a dynamic resource without its provider code (pulumi/pulumi#3550), so the `import`
 * option can only fail later with a gRPC error; it is refused here, naming what works instead.
 */
function importRefused(name: string, id: pulumi.Input<pulumi.ID>): Error {
  const shown = typeof id === "string" ? id : "<registryId>/<tokenId>";
  return new Error(
    `RegistryToken "${name}": the \`import\` resource option cannot adopt a token (Pulumi imports a dynamic ` +
      `resource without its provider code). Run \`npx ionos-registry-token import-file ${shown} --name ${name} ` +
      "--out import.json`, then `pulumi import --file import.json --generate-code=false`, and declare the token " +
      "without `import`.",
  );
}

/**
 * Outputs that repeat an input given as an `Output` (`username` repeats `name`): the engine keeps a secret input
 * secret only on the output of the same name, and whether an `Output` is secret is known only later, so these
 * are marked secret whenever their source is an `Output` (the plugin marks them exactly; README, two modes).
 */
function mayBeSecret(args: RegistryTokenArgs): string[] {
  const outputs = Object.entries(args ?? {})
    .filter(([, value]) => pulumi.Output.isInstance(value))
    .map(([key]) => key);
  return outputsDerivedFrom(outputs);
}

/**
 * The inputs sent to the provider. The resource name's prefix travels apart from an explicit `namePrefix`:
 * renaming the resource (with `aliases`) must keep a generated name, while a new explicit prefix asks for a
 * new one. `check` consumes `defaultNamePrefix`; it is never stored.
 */
function toInputs(resourceName: string, args: RegistryTokenArgs): Record<string, unknown> {
  const { expiryDate, ...rest } = args;
  return {
    ...rest,
    defaultNamePrefix: namePrefixFrom(resourceName),
    expiryDate: expiryDateInput(expiryDate),
  };
}

/**
 * A `Date` becomes RFC 3339 here, in the program, so the provider only ever sees strings. This must happen
 * before the value reaches the SDK: `pulumi.output()` and input serialization flatten a `Date` (plain or
 * behind a Promise) to `{}`. Only an `Output` keeps a `Date` intact, so it is converted in `apply`. An invalid
 * `Date` becomes its text ("Invalid Date"), which `check` refuses naming `expiryDate`.
 */
function expiryDateInput(value: RegistryTokenArgs["expiryDate"]): RegistryTokenArgs["expiryDate"] {
  const text = (d: string | Date | null | undefined) =>
    d instanceof Date ? (Number.isNaN(d.getTime()) ? String(d) : d.toISOString()) : d;
  if (value === undefined || value === null || typeof value === "string") return value;
  if (value instanceof Date) return text(value);
  if (pulumi.Output.isInstance(value)) return value.apply(text);
  return Promise.resolve(value).then(text);
}
