/**
 * The Pulumi package schema of the provider plugin: what `pulumi package get-schema` prints and what SDKs are
 * generated from. The types mirror `RegistryTokenArgs` and `RegistryToken` (types.ts, registryToken.ts), and
 * the look-up functions (functions.ts, lookup.ts).
 *
 * The descriptions are the TSDoc of those TypeScript declarations, so that a program reads the same words in
 * every language. They are written out here rather than generated at build time: the schema stays a plain
 * module that `tsc` alone builds, and a reviewer sees the text the SDKs get. tests/unit/schemaDocs.test.ts
 * reads the TSDoc with the TypeScript compiler and fails on any difference, naming the text to paste; it also
 * holds the schema's properties, required lists, enums and secret flags to the declarations. So edit the
 * TSDoc first, in words that read well outside TypeScript too (no `{@link}`; TypeScript-only notes go under
 * `@remarks`), then copy it here.
 */
import { PACKAGE_VERSION } from "../lifecycle/version";

/** The package name, also the plugin's name (`pulumi-resource-<name>`). */
export const PACKAGE_NAME = "ionos-registry-token";

/** The resource type served by the plugin. */
export const PLUGIN_TOKEN_TYPE = `${PACKAGE_NAME}:index:RegistryToken`;

/** The look-up functions served as invokes. */
export const FUNCTIONS = {
  getRegistryToken: `${PACKAGE_NAME}:index:getRegistryToken`,
  getRegistryTokens: `${PACKAGE_NAME}:index:getRegistryTokens`,
} as const;

const enumOf = (description: string, values: string[]) => ({
  type: "string",
  description,
  enum: values.map((value) => ({ value })),
});

const str = (description: string) => ({ type: "string", description });

/** The provider's configuration: the same settings the dynamic provider reads from `ionoscloud:*`. */
const CONFIG = {
  token: { ...str("IONOS API token (or IONOS_TOKEN). Wins over username and password."), secret: true },
  username: str("IONOS user name, with password (or IONOS_USERNAME)."),
  password: { ...str("IONOS password (or IONOS_PASSWORD)."), secret: true },
  endpoint: str("API base URL (or IONOS_API_URL); default https://api.ionos.com/containerregistries."),
  requestTimeoutMs: {
    type: "integer",
    description: "Timeout of one request in milliseconds; default 30000.",
  },
  retryBudgetMs: { type: "integer", description: "Time budget for the retries of one call; default 60000." },
};

/**
 * The resource's inputs, described by the TSDoc of `RegistryTokenArgs` (types.ts): summary, then its
 * `@default` as "Default: …." (its `@remarks` are for TypeScript only).
 */
const INPUTS = {
  registryId: str("The registry (UUID) that owns the token. Changing it replaces the token."),
  name: str(
    "The token name, which is also the `docker login` username: 2–63 characters, letters, digits and hyphens, " +
      "starting with a letter and ending with a letter or digit; unique per registry. Changing it replaces the " +
      "token. When omitted, a name is generated once from `namePrefix` plus a random suffix and kept.",
  ),
  namePrefix: str(
    "Prefix of a generated name: letters, digits and hyphens, starting with a letter, at most 54 characters. " +
      "Unused when `name` is given. Default: the resource name, with the characters a name cannot hold " +
      "turned into hyphens.",
  ),
  expiryDate: str(
    "When the token expires: an RFC 3339 date-time such as `2030-01-31T12:00:00Z`, at least one hour ahead. " +
      "Absent or null: never.",
  ),
  expiresIn: str(
    'Lifetime of the token instead of a fixed `expiryDate`, e.g. `"90d"`, `"12h"`, `"1d12h"` (≥ 1 hour). The ' +
      "expiry is set once, when the token is created, and kept until the token is replaced.",
  ),
  rotateBefore: str(
    'With `expiresIn`: once the token is this close to its expiry (e.g. `"14d"`), the next `pulumi up` ' +
      "replaces it — a generated name gets a new token before the old one is deleted. Without it, IONOS " +
      "deletes the token when it expires.",
  ),
  rotationTriggers: {
    type: "object",
    additionalProperties: { $ref: "pulumi.json#/Any" },
    description:
      "Any values; changing one of them replaces the token (like `keepers` of Pulumi's random provider).",
  },
  status: {
    $ref: "#/types/ionos-registry-token:index:TokenStatus",
    description: 'Whether the token can be used: `enabled` or `disabled`. Default: "enabled".',
  },
  scopes: {
    type: "array",
    items: { $ref: "#/types/ionos-registry-token:index:Scope" },
    description:
      "What the token may do: permission grants on the registry's repositories. Default: [] (no permissions).",
  },
};

/** The resource's outputs, described by the TSDoc of the `RegistryToken` class's properties (registryToken.ts). */
const OUTPUTS = {
  registryId: str("The UUID of the registry that owns the token."),
  name: str("The token name (given or generated), also the `docker login` username."),
  namePrefix: str(
    "The prefix of a generated name; null when the name was given, and for a token adopted by its ID.",
  ),
  expiresIn: str(
    "The lifetime the expiry was planned from; null when not set, and for a token adopted by its ID.",
  ),
  rotateBefore: str("The rotation window; null when not set, and for a token adopted by its ID."),
  rotationTriggers: {
    ...INPUTS.rotationTriggers,
    description:
      "The values whose change replaces the token; null when not set, and for a token adopted by its ID.",
  },
  expiryDate: str("When the token expires, as `YYYY-MM-DDTHH:MM:SSZ`; null: never."),
  status: { ...INPUTS.status, description: "Whether the token can be used: `enabled` or `disabled`." },
  scopes: { ...INPUTS.scopes, description: "The granted scopes, their actions in canonical order." },
  tokenId: str("The API's id of the token."),
  username: str("The `docker login` username (equal to the name)."),
  password: {
    ...str(
      "The `docker login` password, a secret. Empty for a token adopted by its ID: the API shows a password " +
        "only when it creates the token.",
    ),
    secret: true,
  },
  createdDate: str("When the token was created, as `YYYY-MM-DDTHH:MM:SSZ`."),
};

/**
 * What a look-up returns (`RegistryTokenInfo`, lookup.ts): a token without its password. Its properties are the
 * resource's outputs of the same names, so they share their descriptions.
 */
const TOKEN_INFO = {
  properties: {
    registryId: OUTPUTS.registryId,
    tokenId: OUTPUTS.tokenId,
    name: OUTPUTS.name,
    expiryDate: OUTPUTS.expiryDate,
    status: OUTPUTS.status,
    scopes: OUTPUTS.scopes,
    createdDate: OUTPUTS.createdDate,
  },
  required: ["registryId", "tokenId", "name", "status", "scopes"],
};

/** The npm name of the Node.js SDK generated from the schema. */
export const NODEJS_SDK_PACKAGE = "ionos-registry-token-sdk";
/** The Python package (import name) of the Python SDK generated from the schema. */
export const PYTHON_SDK_PACKAGE = "pulumi_ionos_registry_token";

/** The Go import path of the Go SDK generated from the schema. */
export const GO_SDK_IMPORT_PATH = "example.com/ionos-registry-token/sdk/go/ionosregistrytoken";

/** The complete schema, as JSON text. */
export function pluginSchema(): string {
  return JSON.stringify({
    name: PACKAGE_NAME,
    displayName: "IONOS Container Registry tokens",
    version: PACKAGE_VERSION,
    description:
      "IONOS Cloud Container Registry tokens as code: the password kept as a secret for the token's life, " +
      "rotation without downtime, safe creates and drift detection.",
    keywords: ["ionos", "container registry", "category/cloud"],
    license: "Apache-2.0",
    // SDK names that do not pose as Pulumi's own (`@pulumi/…` is the generator's default), and versions taken
    // from the schema, so that `pulumi package gen-sdk` (or scripts/pulumi-gen-sdk) writes SDKs of this version
    // that ask the engine for this very plugin.
    language: {
      nodejs: { packageName: NODEJS_SDK_PACKAGE, respectSchemaVersion: true },
      python: { packageName: PYTHON_SDK_PACKAGE, respectSchemaVersion: true },
      // A module path for a local SDK (a go.mod `replace` points it at the generated folder); never fetched.
      go: { importBasePath: GO_SDK_IMPORT_PATH, respectSchemaVersion: true },
      csharp: { rootNamespace: "Ionos", respectSchemaVersion: true },
    },
    config: { variables: CONFIG },
    provider: { description: "The provider for IONOS Container Registry tokens.", inputProperties: CONFIG },
    types: {
      "ionos-registry-token:index:TokenStatus": enumOf("Whether a token can be used.", [
        "enabled",
        "disabled",
      ]),
      "ionos-registry-token:index:ScopeType": enumOf(
        "What a scope grants on: `repository` (repository contents) or `registry` (listing its repositories).",
        ["repository", "registry"],
      ),
      "ionos-registry-token:index:ScopeAction": enumOf("An action a scope allows.", [
        "pull",
        "push",
        "delete",
      ]),
      "ionos-registry-token:index:TokenInfo": {
        ...TOKEN_INFO,
        type: "object",
        description:
          "What a look-up tells about a token: everything but a password (the API shows that only at creation).",
      },
      "ionos-registry-token:index:Scope": {
        type: "object",
        description: "A permission grant: `actions` on the repositories matching `name` (`*` matches all).",
        properties: {
          name: str("Repository name or pattern; `*` means every repository."),
          type: {
            $ref: "#/types/ionos-registry-token:index:ScopeType",
            description: "What the scope grants on: `repository` or `registry`.",
          },
          actions: {
            type: "array",
            items: { $ref: "#/types/ionos-registry-token:index:ScopeAction" },
            description:
              "What the scope allows: one or more of `pull`, `push` and `delete`; duplicates are removed.",
          },
        },
        required: ["name", "type", "actions"],
      },
    },
    functions: {
      [FUNCTIONS.getRegistryToken]: {
        description: "Looks up one token by `tokenId` or `name`; never returns a password.",
        inputs: {
          properties: {
            // Look-up parameters, unlike the results, are no resource properties: their texts are their own.
            registryId: str("The UUID of the registry to look in."),
            tokenId: str("The API's id of the token; give it or `name`."),
            name: str(
              "The token name; give it or `tokenId`. A token whose name differs only in case is found too (the " +
                "registry treats such names as one).",
            ),
          },
          required: ["registryId"],
        },
        outputs: TOKEN_INFO,
      },
      [FUNCTIONS.getRegistryTokens]: {
        description:
          "Lists a registry's tokens (every page), optionally those whose name starts with `namePrefix`.",
        inputs: {
          properties: {
            registryId: str("The UUID of the registry whose tokens are listed."),
            namePrefix: str("Only the tokens whose name starts with it (case-sensitive)."),
          },
          required: ["registryId"],
        },
        outputs: {
          properties: {
            tokens: {
              type: "array",
              items: { $ref: "#/types/ionos-registry-token:index:TokenInfo" },
              description:
                "The registry's tokens; only those whose name starts with `namePrefix`, when it is given.",
            },
          },
          required: ["tokens"],
        },
      },
    },
    resources: {
      [PLUGIN_TOKEN_TYPE]: {
        description:
          "An IONOS Cloud Container Registry token. The API shows a token's password once, at creation; this " +
          "resource keeps it as a secret output for the token's whole life.\n\n" +
          "Changing `registryId` or `name` replaces the token; `expiryDate`, `status` and `scopes` change in " +
          "place. The resource ID is `<registryId>/<tokenId>`.",
        inputProperties: INPUTS,
        requiredInputs: ["registryId"],
        properties: OUTPUTS,
        required: [
          "registryId",
          "name",
          "status",
          "scopes",
          "tokenId",
          "username",
          "password",
          "createdDate",
        ],
      },
    },
  });
}
