/**
 * One program, written for each mode: a TypeScript program using the dynamic provider (the packed tarball)
 * and a Pulumi YAML program using the plugin, from the same description. The differential suite runs the two
 * side by side and compares what their users see.
 */
import type { BaselineMode } from "../upgrade/baseline";

/** Inputs a token may take from a secret stack config value, and the config key of each. */
export const SECRET_CONFIG = {
  registryId: "secretRegistryId",
  name: "secretName",
  scopeName: "secretScope",
  seed: "seed",
} as const;

/** A token as the program declares it. String values are literals; `secret` picks inputs read from secrets. */
export interface TokenSpec {
  name?: string;
  namePrefix?: string;
  status?: "enabled" | "disabled";
  scopes?: Array<{ name: string; type: string; actions: string[] }>;
  expiryDate?: string;
  expiresIn?: string;
  rotateBefore?: string;
  rotationTriggers?: Record<string, string>;
  /** Inputs whose value comes from a secret config value (`scopeName`: the first scope's name). */
  secret?: Array<keyof typeof SECRET_CONFIG>;
  ignoreChanges?: string[];
  deleteBeforeReplace?: boolean;
}

/** The outputs each token exports (as `<resource>_<output>`). */
export const EXPORTED = [
  "name",
  "username",
  "status",
  "scopes",
  "expiryDate",
  "rotationTriggers",
  "password",
];

/** The program of `mode` declaring `tokens` (resource name → spec). */
export function modeProgram(mode: BaselineMode, tokens: Record<string, TokenSpec>): string {
  return mode === "dynamic" ? typescript(tokens) : yaml(tokens);
}

function typescript(tokens: Record<string, TokenSpec>): string {
  const ref = (key: keyof typeof SECRET_CONFIG) =>
    `config.requireSecret(${JSON.stringify(SECRET_CONFIG[key])})`;
  const declarations = Object.entries(tokens).map(([resource, spec]) => {
    const secret = new Set(spec.secret ?? []);
    const args: string[] = [
      `registryId: ${secret.has("registryId") ? ref("registryId") : 'config.require("registryId")'}`,
    ];
    if (secret.has("name")) args.push(`name: ${ref("name")}`);
    else if (spec.name !== undefined) args.push(`name: ${JSON.stringify(spec.name)}`);
    for (const key of ["namePrefix", "status", "expiryDate", "expiresIn", "rotateBefore"] as const)
      if (spec[key] !== undefined) args.push(`${key}: ${JSON.stringify(spec[key])}`);
    if (spec.scopes !== undefined) {
      const scopes = spec.scopes.map((scope, i) => {
        const name = i === 0 && secret.has("scopeName") ? ref("scopeName") : JSON.stringify(scope.name);
        return `{ name: ${name}, type: ${JSON.stringify(scope.type)}, actions: ${JSON.stringify(scope.actions)} }`;
      });
      args.push(`scopes: [${scopes.join(", ")}]`);
    }
    const triggers = Object.entries(spec.rotationTriggers ?? {}).map(
      ([k, v]) => `${k}: ${JSON.stringify(v)}`,
    );
    if (secret.has("seed")) triggers.push(`seed: ${ref("seed")}`);
    if (triggers.length > 0) args.push(`rotationTriggers: { ${triggers.join(", ")} }`);
    const options: string[] = [];
    if (spec.ignoreChanges !== undefined)
      options.push(`ignoreChanges: ${JSON.stringify(spec.ignoreChanges)}`);
    if (spec.deleteBeforeReplace !== undefined)
      options.push(`deleteBeforeReplace: ${spec.deleteBeforeReplace}`);
    const exportLines = EXPORTED.map(
      (output) => `export const ${resource}_${output} = ${resource}.${output};`,
    );
    return [
      `const ${resource} = new RegistryToken(${JSON.stringify(resource)}, {`,
      ...args.map((a) => `  ${a},`),
      `}${options.length > 0 ? `, { ${options.join(", ")} }` : ""});`,
      ...exportLines,
    ].join("\n");
  });
  return [
    'import * as pulumi from "@pulumi/pulumi";',
    'import { RegistryToken } from "ionos-registry-token";',
    "",
    "const config = new pulumi.Config();",
    ...declarations,
    "",
  ].join("\n");
}

function yaml(tokens: Record<string, TokenSpec>): string {
  const ref = (key: keyof typeof SECRET_CONFIG) => `\${${SECRET_CONFIG[key]}}`;
  const q = (value: string) => JSON.stringify(value);
  const resources = Object.entries(tokens).map(([resource, spec]) => {
    const secret = new Set(spec.secret ?? []);
    const lines = [`  ${resource}:`, "    type: ionos-registry-token:index:RegistryToken", "    properties:"];
    lines.push(`      registryId: ${secret.has("registryId") ? ref("registryId") : "${registryId}"}`);
    if (secret.has("name")) lines.push(`      name: ${ref("name")}`);
    else if (spec.name !== undefined) lines.push(`      name: ${q(spec.name)}`);
    for (const key of ["namePrefix", "status", "expiryDate", "expiresIn", "rotateBefore"] as const)
      if (spec[key] !== undefined) lines.push(`      ${key}: ${q(spec[key] as string)}`);
    if (spec.scopes !== undefined) {
      if (spec.scopes.length === 0) lines.push("      scopes: []");
      else lines.push("      scopes:");
      spec.scopes.forEach((scope, i) => {
        const name = i === 0 && secret.has("scopeName") ? ref("scopeName") : q(scope.name);
        lines.push(
          `        - name: ${name}`,
          `          type: ${scope.type}`,
          `          actions: [${scope.actions.join(", ")}]`,
        );
      });
    }
    const triggers = Object.entries(spec.rotationTriggers ?? {}).map(([k, v]) => `        ${k}: ${q(v)}`);
    if (secret.has("seed")) triggers.push(`        seed: ${ref("seed")}`);
    if (triggers.length > 0) lines.push("      rotationTriggers:", ...triggers);
    const options: string[] = [];
    if (spec.ignoreChanges !== undefined)
      options.push(`      ignoreChanges: ${JSON.stringify(spec.ignoreChanges)}`);
    if (spec.deleteBeforeReplace !== undefined)
      options.push(`      deleteBeforeReplace: ${spec.deleteBeforeReplace}`);
    if (options.length > 0) lines.push("    options:", ...options);
    return lines.join("\n");
  });
  const outputs = Object.keys(tokens).flatMap((resource) =>
    EXPORTED.map((output) => `  ${resource}_${output}: \${${resource}.${output}}`),
  );
  const config = ["registryId", ...Object.values(SECRET_CONFIG)].map((key) => `  ${key}:\n    type: string`);
  return ["config:", ...config, "resources:", ...resources, "outputs:", ...outputs, ""].join("\n");
}
