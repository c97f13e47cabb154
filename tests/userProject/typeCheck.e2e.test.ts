/**
 * The package's published declarations in a user's project as `pulumi new typescript` lays it out: the
 * template's tsconfig has no `skipLibCheck`, so a CI type-check or an IDE reads every declaration the package
 * ships. Only what the package depends on may appear in them: a type of a development dependency (node-fetch's
 * once did) fails the user's `tsc` although `pulumi up` works.
 */
import { expect } from "chai";
import { readFileSync } from "fs";
import * as path from "path";
import { createUserProject, TEMPLATE_TSCONFIG, type UserProject } from "../support/userProject";

/** A program that imports every entry of the package's `exports` and uses their types. */
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import * as ionos from "ionos-registry-token";
import type * as runtime from "ionos-registry-token/provider-runtime";
import { startEmulator, type RunningEmulator } from "ionos-registry-token/emulator";

const config = new pulumi.Config();
const token = new ionos.RegistryToken("typed", {
  registryId: config.require("registryId"),
  scopes: [{ name: "app", type: "repository", actions: ["pull"] }],
});
const found = token.registryId.apply((registryId) => ionos.getRegistryTokens({ registryId }));

export const password: pulumi.Output<string> = token.password;
export const count = found.apply((list) => list.tokens.length);
export const read: typeof runtime.read = async (_provider, id) => { throw new Error(id); };
export const emulator: () => Promise<RunningEmulator> = () => startEmulator({ registries: [{ name: "r" }] });
`;

describe("the published declarations type-check in a user's project (tsc, the template's tsconfig)", function () {
  this.timeout(300_000);
  let project: UserProject;

  before(async () => {
    project = await createUserProject("typecheck", { name: "typecheck", files: { "index.ts": PROGRAM } });
  });
  after(() => project?.dispose());

  it("uses the template's tsconfig, without skipLibCheck", () => {
    const tsconfig = JSON.parse(readFileSync(path.join(project.projectDir, "tsconfig.json"), "utf8")) as {
      compilerOptions: Record<string, unknown>;
    };
    expect(tsconfig).to.deep.equal(TEMPLATE_TSCONFIG);
    expect(tsconfig.compilerOptions).to.not.have.property("skipLibCheck");
  });

  it("tsc --noEmit passes on a program importing every entry of the package", async () => {
    // Rejects, printing tsc's errors, when any declaration fails (node-fetch's types once did: TS7016).
    const { stdout, stderr } = await project.npx(["tsc", "--noEmit"]);
    expect(`${stdout}${stderr}`.trim()).to.equal("");
  });
});
