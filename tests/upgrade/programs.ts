/**
 * The programs a baseline is recorded with, one per mode, covering every input form a user can write: a
 * generated name, a chosen name, `expiresIn` + `rotateBefore`, a fixed expiry (a `Date` in TypeScript), a
 * disabled token, scopes of both types with several actions, `rotationTriggers` holding a secret config
 * value, a token adopted from another actor, and a token replaced once (its chosen name changed).
 *
 * A recording runs three steps: `initial`, then `replaced` (the name change), then `adopted` (after
 * `pulumi import`, the program declares the adopted token too). The last one is saved with the baseline.
 */
import type { BaselineMode } from "./baseline";

/** A step of the recording. */
export type RecordingStep = "initial" | "replaced" | "adopted";

/** The token another actor makes before the recording, which the stack adopts. */
export const ADOPTED_TOKEN = {
  name: "console-made",
  status: "enabled",
  expiryDate: "2036-06-30T00:00:00Z",
  scopes: [{ name: "team-b/*", type: "repository", actions: ["pull"] }],
} as const;

/**
 * Far-off expiries: a replay years later must not find a token due for rotation (`expiresIn` 3650 days with a
 * 30-day window rotates after about 9.9 years) or expired.
 */
const FIXED_EXPIRY = "2036-12-31T00:00:00Z";

/** Every resource the final program declares, in declaration order. */
export const TOKEN_RESOURCES = ["generated", "chosen", "rotating", "dated", "replaced", "adopted"] as const;

/** The recorded program of `mode` at `step`. */
export function baselineProgram(mode: BaselineMode, step: RecordingStep): string {
  const replacedName = step === "initial" ? "upgrade-replaced-1" : "upgrade-replaced-2";
  return mode === "dynamic"
    ? typescriptProgram(replacedName, step === "adopted")
    : yamlProgram(replacedName, step === "adopted");
}

function typescriptProgram(replacedName: string, adopted: boolean): string {
  const adoptedDeclaration = adopted
    ? `
// Made in the console by another actor, adopted with \`npx ionos-registry-token import-file\` and
// \`pulumi import --file\`, then declared with its live values.
const adopted = new RegistryToken("adopted", {
  registryId,
  name: "${ADOPTED_TOKEN.name}",
  status: "${ADOPTED_TOKEN.status}",
  expiryDate: "${ADOPTED_TOKEN.expiryDate}",
  scopes: [{ name: "${ADOPTED_TOKEN.scopes[0].name}", type: "repository", actions: ["pull"] }],
});
`
    : "";
  const tokens = ["generated", "chosen", "rotating", "dated", "replaced", ...(adopted ? ["adopted"] : [])];
  return `import * as pulumi from "@pulumi/pulumi";
import { dockerConfigJson, RegistryToken } from "ionos-registry-token";

const config = new pulumi.Config();
const registryId = config.require("registryId");

// A generated name (the resource name and a random suffix), the default status.
const generated = new RegistryToken("generated", {
  registryId,
  scopes: [{ name: "*", type: "repository", actions: ["pull"] }],
});

// A chosen name; scopes of both types, with several actions.
const chosen = new RegistryToken("chosen", {
  registryId,
  name: "upgrade-chosen",
  scopes: [
    { name: "app", type: "repository", actions: ["pull", "push", "delete"] },
    { name: "tools/*", type: "repository", actions: ["push", "pull"] },
    { name: "catalog", type: "registry", actions: ["pull"] },
  ],
});

// A planned lifetime with a rotation window, and rotation triggers holding a secret config value.
const rotating = new RegistryToken("rotating", {
  registryId,
  namePrefix: "upgrade-rotating",
  expiresIn: "3650d",
  rotateBefore: "30d",
  rotationTriggers: { seed: config.requireSecret("seed"), schedule: "yearly" },
  scopes: [{ name: "*", type: "repository", actions: ["pull", "push"] }],
});

// A fixed expiry given as a Date, and a disabled token.
const dated = new RegistryToken("dated", {
  registryId,
  name: "upgrade-dated",
  expiryDate: new Date("${FIXED_EXPIRY}"),
  status: "disabled",
  scopes: [{ name: "releases/*", type: "repository", actions: ["pull"] }],
});

// Replaced once: its name was upgrade-replaced-1 before.
const replaced = new RegistryToken("replaced", {
  registryId,
  name: "${replacedName}",
  scopes: [{ name: "*", type: "repository", actions: ["pull"] }],
});
${adoptedDeclaration}
const all = { ${tokens.join(", ")} };
const each = <T>(pick: (token: RegistryToken) => T) =>
  Object.fromEntries(Object.entries(all).map(([key, token]) => [key, pick(token)]));

export const tokens = each((t) => ({
  name: t.name,
  namePrefix: t.namePrefix,
  tokenId: t.tokenId,
  username: t.username,
  status: t.status,
  expiryDate: t.expiryDate,
  expiresIn: t.expiresIn,
  rotateBefore: t.rotateBefore,
  scopes: t.scopes,
  createdDate: t.createdDate,
}));
export const passwords = each((t) => t.password);
export const rotationTriggers = rotating.rotationTriggers;
export const pullSecret = dockerConfigJson({
  server: "upgrade.cr.de-fra.ionos.com",
  username: generated.username,
  password: generated.password,
});
`;
}

function yamlProgram(replacedName: string, adopted: boolean): string {
  const type = "ionos-registry-token:index:RegistryToken";
  const tokens = ["generated", "chosen", "rotating", "dated", "replaced", ...(adopted ? ["adopted"] : [])];
  const adoptedDeclaration = adopted
    ? `  # Made in the console by another actor, adopted with \`pulumi import\`, then declared with its live values.
  adopted:
    type: ${type}
    properties:
      registryId: \${registryId}
      name: ${ADOPTED_TOKEN.name}
      status: ${ADOPTED_TOKEN.status}
      expiryDate: "${ADOPTED_TOKEN.expiryDate}"
      scopes:
        - name: "${ADOPTED_TOKEN.scopes[0].name}"
          type: repository
          actions: [pull]
`
    : "";
  const map = (pick: string) => tokens.map((t) => `    ${t}: \${${t}.${pick}}`).join("\n");
  const fields = [
    "name",
    "namePrefix",
    "tokenId",
    "username",
    "status",
    "expiryDate",
    "expiresIn",
    "rotateBefore",
    "createdDate",
  ];
  const tokenOutputs = tokens
    .map((t) =>
      [`    ${t}:`, ...fields.map((f) => `      ${f}: \${${t}.${f}}`), `      scopes: \${${t}.scopes}`].join(
        "\n",
      ),
    )
    .join("\n");
  return `config:
  registryId:
    type: string
  seed:
    type: string
resources:
  # A generated name (the resource name and a random suffix), the default status.
  generated:
    type: ${type}
    properties:
      registryId: \${registryId}
      scopes:
        - name: "*"
          type: repository
          actions: [pull]
  # A chosen name; scopes of both types, with several actions.
  chosen:
    type: ${type}
    properties:
      registryId: \${registryId}
      name: upgrade-chosen
      scopes:
        - name: app
          type: repository
          actions: [pull, push, delete]
        - name: tools/*
          type: repository
          actions: [push, pull]
        - name: catalog
          type: registry
          actions: [pull]
  # A planned lifetime with a rotation window, and rotation triggers holding a secret config value.
  rotating:
    type: ${type}
    properties:
      registryId: \${registryId}
      namePrefix: upgrade-rotating
      expiresIn: 3650d
      rotateBefore: 30d
      rotationTriggers:
        seed: \${seed}
        schedule: yearly
      scopes:
        - name: "*"
          type: repository
          actions: [pull, push]
  # A fixed expiry, and a disabled token.
  dated:
    type: ${type}
    properties:
      registryId: \${registryId}
      name: upgrade-dated
      expiryDate: "${FIXED_EXPIRY}"
      status: disabled
      scopes:
        - name: releases/*
          type: repository
          actions: [pull]
  # Replaced once: its name was upgrade-replaced-1 before.
  replaced:
    type: ${type}
    properties:
      registryId: \${registryId}
      name: ${replacedName}
      scopes:
        - name: "*"
          type: repository
          actions: [pull]
${adoptedDeclaration}outputs:
  tokens:
${tokenOutputs}
  passwords:
${map("password")}
  rotationTriggers: \${rotating.rotationTriggers}
`;
}
