/**
 * The Pulumi package schema of the provider plugin: what `pulumi package get-schema` prints and what SDKs are
 * generated from. The types mirror `RegistryTokenArgs` and `RegistryToken` (types.ts, registryToken.ts).
 */
import { PACKAGE_VERSION } from "../version";

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

const INPUTS = {
  registryId: str("The registry (UUID) that owns the token. Changing it replaces the token."),
  name: str(
    "The token name, also the docker login username: 2-63 letters, digits and hyphens, starting with a letter. " +
      "Changing it replaces the token. When omitted, a name is generated once from namePrefix and kept.",
  ),
  namePrefix: str("Prefix of a generated name (at most 54 characters); default: the resource name, cleaned."),
  expiryDate: str("When the token expires (RFC 3339, at least one hour ahead); absent: never."),
  expiresIn: str('Lifetime instead of expiryDate, e.g. "90d", "12h", "1d12h" (at least 1h).'),
  rotateBefore: str('With expiresIn: replace the token once this close to its expiry, e.g. "14d".'),
  rotationTriggers: {
    type: "object",
    additionalProperties: { $ref: "pulumi.json#/Any" },
    description: "Any values; changing one replaces the token.",
  },
  status: { $ref: "#/types/ionos-registry-token:index:TokenStatus", description: 'Default "enabled".' },
  scopes: {
    type: "array",
    items: { $ref: "#/types/ionos-registry-token:index:Scope" },
    description: "What the token may do; default none.",
  },
};

/** What a look-up returns: a token without its password. */
const TOKEN_INFO = {
  properties: {
    registryId: str("The owning registry's UUID."),
    tokenId: str("The token's id."),
    name: str("The token's name."),
    expiryDate: str("When the token expires; absent: never."),
    status: { $ref: "#/types/ionos-registry-token:index:TokenStatus" },
    scopes: { type: "array", items: { $ref: "#/types/ionos-registry-token:index:Scope" } },
    createdDate: str("When the token was created."),
  },
  required: ["registryId", "tokenId", "name", "status", "scopes"],
};

/** The npm name of the Node.js SDK generated from the schema. */
export const NODEJS_SDK_PACKAGE = "ionos-registry-token-sdk";
/** The Python package (import name) of the Python SDK generated from the schema. */
export const PYTHON_SDK_PACKAGE = "pulumi_ionos_registry_token";

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
    },
    config: { variables: CONFIG },
    provider: { description: "The provider for IONOS Container Registry tokens.", inputProperties: CONFIG },
    types: {
      "ionos-registry-token:index:TokenStatus": enumOf("Whether a token can be used.", [
        "enabled",
        "disabled",
      ]),
      "ionos-registry-token:index:ScopeType": enumOf("What a scope grants on.", ["repository", "registry"]),
      "ionos-registry-token:index:ScopeAction": enumOf("An action a scope allows.", [
        "pull",
        "push",
        "delete",
      ]),
      "ionos-registry-token:index:TokenInfo": {
        ...TOKEN_INFO,
        type: "object",
        description: "A token, without a password.",
      },
      "ionos-registry-token:index:Scope": {
        type: "object",
        description: "A permission grant: actions on the repositories matching name (* matches all).",
        properties: {
          name: str("Repository name or pattern; * means every repository."),
          type: { $ref: "#/types/ionos-registry-token:index:ScopeType" },
          actions: { type: "array", items: { $ref: "#/types/ionos-registry-token:index:ScopeAction" } },
        },
        required: ["name", "type", "actions"],
      },
    },
    functions: {
      [FUNCTIONS.getRegistryToken]: {
        description: "Looks up one token by tokenId or name (exactly one). Never returns a password.",
        inputs: {
          properties: {
            registryId: INPUTS.registryId,
            tokenId: str("The token's id."),
            name: str("The token's name."),
          },
          required: ["registryId"],
        },
        outputs: TOKEN_INFO,
      },
      [FUNCTIONS.getRegistryTokens]: {
        description:
          "Lists a registry's tokens (every page), optionally those whose name starts with namePrefix.",
        inputs: {
          properties: {
            registryId: INPUTS.registryId,
            namePrefix: str("Only tokens whose name starts with it."),
          },
          required: ["registryId"],
        },
        outputs: {
          properties: {
            tokens: { type: "array", items: { $ref: "#/types/ionos-registry-token:index:TokenInfo" } },
          },
          required: ["tokens"],
        },
      },
    },
    resources: {
      [PLUGIN_TOKEN_TYPE]: {
        description:
          "An IONOS Cloud Container Registry token. The API shows its password once, at creation; it is kept " +
          "as a secret output for the token's whole life.",
        inputProperties: INPUTS,
        requiredInputs: ["registryId"],
        properties: {
          ...INPUTS,
          tokenId: str("The API's id of the token."),
          username: str("The docker login username (equal to the name)."),
          password: { ...str("The docker login password; empty for an imported token."), secret: true },
          createdDate: str("When the token was created."),
        },
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
