/**
 * The reference tables of the docs against what the code holds, so that no fact is typed twice unchecked:
 * the resource's inputs and outputs against the plugin's schema (and what secret means there), each input's
 * "Change means" against the diff rules, and the settings table against the code's config keys, environment
 * variables and the schema's secret flags.
 */
import { expect } from "chai";
import { pluginSchema, PLUGIN_TOKEN_TYPE } from "../../provider/plugin/schema";
import { PLUGIN_CONFIG_KEYS, SETTING_SOURCES, type SettingName } from "../../provider/lifecycle/settings";
import { diffToken } from "../../provider/rules/diff";
import { CLI_FLAGS } from "../../emulator/cliArgs";
import { tableAfter } from "./markdown";

interface SchemaProperty {
  secret?: boolean;
}
interface Schema {
  config: { variables: Record<string, SchemaProperty> };
  resources: Record<
    string,
    { inputProperties: Record<string, SchemaProperty>; properties: Record<string, SchemaProperty> }
  >;
}

/** The identifier in a cell such as "`registryId`" (the first code span). */
const codeIn = (cell: string) => /`([^`]+)`/.exec(cell)?.[1] ?? "";

describe("docs: the reference tables hold what the code holds", () => {
  const schema = JSON.parse(pluginSchema()) as Schema;
  const resource = schema.resources[PLUGIN_TOKEN_TYPE] as Schema["resources"][string];

  describe("docs/resource.md", () => {
    const inputs = tableAfter("docs/resource.md", "## Inputs");
    const outputs = tableAfter("docs/resource.md", "## Outputs");

    it("Inputs lists exactly the schema's input properties", () => {
      expect(inputs.map((row) => codeIn(row[0] as string)).sort()).to.deep.equal(
        Object.keys(resource.inputProperties).sort(),
      );
    });

    it("Outputs lists exactly the outputs that are not inputs, and calls secret exactly the schema's secret ones", () => {
      const names = outputs.map((row) => codeIn(row[0] as string));
      const outputOnly = Object.keys(resource.properties).filter(
        (name) => !(name in resource.inputProperties),
      );
      expect(names.sort()).to.deep.equal(outputOnly.sort());
      const saidSecret = outputs
        .filter((row) => /\*\*secret\*\*/.test(row[1] as string))
        .map((row) => codeIn(row[0] as string));
      const secret = Object.entries(resource.properties)
        .filter(([, property]) => property.secret)
        .map(([name]) => name);
      expect(saidSecret).to.deep.equal(secret);
    });

    it('"Change means" says replace exactly where the diff replaces, and update in place where it updates', () => {
      const stored = {
        registryId: "0b6a3e1c-4f2d-4a8b-9c1e-2d3f4a5b6c7d",
        name: "ci-pull",
        tokenId: "4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8",
        status: "enabled",
        scopes: [{ name: "app", type: "repository", actions: ["pull"] }],
        expiryDate: null,
        rotationTriggers: { seed: "a" },
      };
      const changed: Record<string, unknown> = {
        registryId: "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f",
        name: "ci-pull-2",
        rotationTriggers: { seed: "b" },
        status: "disabled",
        scopes: [{ name: "app", type: "repository", actions: ["pull", "push"] }],
        expiryDate: "2040-01-01T00:00:00Z",
      };
      const checked = inputs.filter((row) => codeIn(row[0] as string) in changed);
      expect(checked.length, "rows with a plain replace or update").to.equal(Object.keys(changed).length);
      for (const row of checked) {
        const key = codeIn(row[0] as string);
        const { registryId, name, status, scopes, expiryDate, rotationTriggers } = stored;
        const news = { registryId, name, status, scopes, expiryDate, rotationTriggers, [key]: changed[key] };
        const diff = diffToken(stored, news, Date.parse("2030-01-01T00:00:00Z"));
        const says = (row.at(-1) as string).split(" (")[0];
        expect({ key, says }).to.deep.equal({
          key,
          says: diff.replaces.length > 0 ? "replace" : "update in place",
        });
      }
    });
  });

  describe("docs/installation-configuration.md", () => {
    const settings = tableAfter("docs/installation-configuration.md", "## Configuration");

    it("the settings: each setting's dynamic-provider key, plugin key and variable, and which are secret", () => {
      const names = Object.keys(SETTING_SOURCES) as SettingName[];
      const documented = settings.map((row) => ({
        dynamic: codeIn(row[1] as string),
        plugin: codeIn(row[2] as string),
        environment: codeIn(row[3] as string),
        secret: row[4] === "yes",
      }));
      expect(documented).to.deep.equal(
        names.map((name) => ({
          dynamic: SETTING_SOURCES[name][0],
          plugin: PLUGIN_CONFIG_KEYS[name],
          environment: SETTING_SOURCES[name][1],
          secret: schema.config.variables[name]?.secret === true,
        })),
      );
    });
  });
});

describe("docs: the emulator's flag table", () => {
  it("lists every flag of the command line, and no other", () => {
    const documented = [
      ...new Set(
        tableAfter("docs/emulator.md", "# The emulator").flatMap((row) =>
          [...(row[0] ?? "").matchAll(/--([a-z-]+)/g)].map((m) => m[1] as string),
        ),
      ),
    ].sort();
    const flags = Object.keys(CLI_FLAGS)
      .filter((flag) => flag !== "help")
      .sort();
    expect(documented).to.deep.equal(flags);
  });
});
