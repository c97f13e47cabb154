/**
 * The plugin's package schema against the TypeScript declarations that dynamic-provider users see: the same
 * properties, required lists, enums and secret flags, and descriptions equal to the TSDoc (rendered by
 * `schemaText`). schema.ts holds the texts; this test is what keeps them from drifting apart.
 */
import { expect } from "chai";
import { FUNCTIONS, PLUGIN_TOKEN_TYPE, pluginSchema } from "../../provider/plugin/schema";
import { readDeclarations, type Declarations, type DeclaredProperty } from "../support/tsdoc";

const TYPES = "provider/rules/types.ts";
const RESOURCE = "provider/dynamic/registryToken.ts";
const LOOKUP = "provider/lifecycle/lookup.ts";
const LOOKUP_ARGS = "provider/rules/validateLookup.ts";
const FUNCTIONS_FILE = "provider/dynamic/functions.ts";

/** A schema property or type: only what this test reads. */
interface SchemaProperty {
  description?: string;
  secret?: boolean;
  enum?: Array<{ value: string }>;
  properties?: Record<string, SchemaProperty>;
  required?: string[];
}

interface Schema {
  types: Record<string, SchemaProperty>;
  resources: Record<
    string,
    {
      description: string;
      inputProperties: Record<string, SchemaProperty>;
      requiredInputs: string[];
      properties: Record<string, SchemaProperty>;
      required: string[];
    }
  >;
  functions: Record<
    string,
    {
      description: string;
      inputs: { properties: Record<string, SchemaProperty>; required: string[] };
      outputs: { properties: Record<string, SchemaProperty>; required: string[] };
    }
  >;
}

const typeToken = (name: string) => `ionos-registry-token:index:${name}`;
const names = (properties: DeclaredProperty[]) => properties.map((p) => p.name);
const sorted = (values: Iterable<string>) => [...values].sort();

/**
 * Every schema description in `properties` equals the TSDoc of the declared property of the same name. The
 * failure message is the text to paste into schema.ts.
 */
function expectDescriptions(
  where: string,
  properties: Record<string, SchemaProperty>,
  declared: DeclaredProperty[],
): void {
  for (const property of declared) {
    expect(property.doc, `${where}.${property.name} has no TSDoc`).to.not.equal("");
    expect(properties[property.name]?.description, `${where}.${property.name}: the TSDoc reads`).to.equal(
      property.doc,
    );
  }
}

describe("plugin schema ↔ TypeScript declarations (TSDoc read with the TypeScript compiler)", function () {
  // Reading the sources pulls in @pulumi/pulumi's declarations: a few seconds.
  this.timeout(60_000);
  let declarations: Declarations;
  const schema = JSON.parse(pluginSchema()) as Schema;
  const resource = schema.resources[PLUGIN_TOKEN_TYPE];

  before(() => {
    declarations = readDeclarations([TYPES, RESOURCE, LOOKUP, LOOKUP_ARGS, FUNCTIONS_FILE]);
  });

  describe("the resource's inputs are RegistryTokenArgs", () => {
    let args: DeclaredProperty[];
    before(() => (args = declarations.interfaceProperties(TYPES, "RegistryTokenArgs")));

    it("the same keys: every declared argument is an input property, and nothing else is", () => {
      expect(sorted(Object.keys(resource.inputProperties))).to.deep.equal(sorted(names(args)));
    });

    it("requiredInputs are exactly the arguments declared without `?`", () => {
      expect(sorted(resource.requiredInputs)).to.deep.equal(sorted(names(args.filter((a) => !a.optional))));
    });

    it("each description is the argument's TSDoc", () => {
      expectDescriptions("RegistryTokenArgs", resource.inputProperties, args);
    });

    it("no input is secret: none is declared so", () => {
      const secret = Object.entries(resource.inputProperties).filter(([, p]) => p.secret === true);
      expect(secret.map(([key]) => key)).to.deep.equal([]);
    });
  });

  describe("the resource's outputs are the RegistryToken class's properties", () => {
    let outputs: DeclaredProperty[];
    before(() => (outputs = declarations.classProperties(RESOURCE, "RegistryToken")));

    it("the same keys: every declared output is a schema property, and nothing else is", () => {
      expect(sorted(Object.keys(resource.properties))).to.deep.equal(sorted(names(outputs)));
    });

    it("`required` are exactly the outputs whose type cannot be null", () => {
      expect(sorted(resource.required)).to.deep.equal(sorted(names(outputs.filter((o) => !o.nullable))));
    });

    it("each description is the property's TSDoc", () => {
      expectDescriptions("RegistryToken", resource.properties, outputs);
    });

    it("secret: exactly the class's additionalSecretOutputs, which are password alone", () => {
      const declaredSecret = declarations.arrayLiteralsAt(RESOURCE, "additionalSecretOutputs");
      expect(declaredSecret).to.deep.equal(["password"]);
      const secret = Object.entries(resource.properties).filter(([, p]) => p.secret === true);
      expect(secret.map(([key]) => key)).to.deep.equal(declaredSecret);
    });

    it("the resource's description is the class's TSDoc", () => {
      expect(resource.description).to.equal(declarations.docOf(RESOURCE, "RegistryToken"));
    });
  });

  describe("the types", () => {
    const enums: Array<[string, string]> = [
      ["TokenStatus", "RegistryTokenStatus"],
      ["ScopeType", "RegistryTokenScopeType"],
      ["ScopeAction", "RegistryTokenScopeAction"],
    ];
    for (const [schemaName, tsName] of enums) {
      it(`${schemaName}: the values and the TSDoc of ${tsName}`, () => {
        const type = schema.types[typeToken(schemaName)];
        expect(type.enum?.map((e) => e.value)).to.deep.equal(declarations.stringUnion(TYPES, tsName));
        expect(type.description).to.equal(declarations.docOf(TYPES, tsName));
      });
    }

    it("Scope: the properties, required fields and TSDoc of RegistryTokenScope", () => {
      const type = schema.types[typeToken("Scope")];
      const fields = declarations.interfaceProperties(TYPES, "RegistryTokenScope");
      expect(sorted(Object.keys(type.properties ?? {}))).to.deep.equal(sorted(names(fields)));
      expect(sorted(type.required ?? [])).to.deep.equal(sorted(names(fields.filter((f) => !f.optional))));
      expect(type.description).to.equal(declarations.docOf(TYPES, "RegistryTokenScope"));
      expectDescriptions("RegistryTokenScope", type.properties ?? {}, fields);
    });

    it("TokenInfo: the fields of RegistryTokenInfo, described as the resource's outputs of the same names", () => {
      const type = schema.types[typeToken("TokenInfo")];
      const fields = declarations.interfaceProperties(LOOKUP, "RegistryTokenInfo");
      const outputs = declarations.classProperties(RESOURCE, "RegistryToken");
      expect(sorted(Object.keys(type.properties ?? {}))).to.deep.equal(sorted(names(fields)));
      expect(sorted(type.required ?? [])).to.deep.equal(
        sorted(names(fields.filter((f) => !f.optional && !f.nullable))),
      );
      expect(type.description).to.equal(declarations.docOf(LOOKUP, "RegistryTokenInfo"));
      // A field's own TSDoc wins; lookup.ts documents none, as each one is the resource output of its name.
      const described = fields.map((f) => ({
        ...f,
        doc: f.doc !== "" ? f.doc : (outputs.find((o) => o.name === f.name)?.doc ?? ""),
      }));
      expectDescriptions("RegistryTokenInfo", type.properties ?? {}, described);
    });
  });

  describe("the look-up functions", () => {
    const functions: Array<[keyof typeof FUNCTIONS, string]> = [
      ["getRegistryToken", "GetRegistryTokenArgs"],
      ["getRegistryTokens", "GetRegistryTokensArgs"],
    ];
    for (const [name, argsName] of functions) {
      it(`${name}: the TSDoc of the TypeScript function, and the arguments of ${argsName}`, () => {
        const fn = schema.functions[FUNCTIONS[name]];
        expect(fn.description).to.equal(declarations.docOf(FUNCTIONS_FILE, name));
        const args = declarations.interfaceProperties(LOOKUP_ARGS, argsName);
        expect(sorted(Object.keys(fn.inputs.properties))).to.deep.equal(sorted(names(args)));
        expect(sorted(fn.inputs.required)).to.deep.equal(sorted(names(args.filter((a) => !a.optional))));
        // Look-up parameters are no resource properties; lookup.ts gives them no TSDoc, so the schema's own
        // texts stand (an argument's TSDoc, once written, must be the same).
        for (const arg of args) {
          const description = fn.inputs.properties[arg.name].description;
          expect(description, `${name}(${arg.name})`).to.be.a("string").that.is.not.empty;
          if (arg.doc !== "") expect(description, `${name}(${arg.name}): the TSDoc reads`).to.equal(arg.doc);
        }
      });
    }

    it("getRegistryToken answers a TokenInfo; getRegistryTokens a list of them", () => {
      const one = schema.functions[FUNCTIONS.getRegistryToken].outputs;
      expect(one).to.deep.equal({
        properties: schema.types[typeToken("TokenInfo")].properties,
        required: schema.types[typeToken("TokenInfo")].required,
      });
      const many = schema.functions[FUNCTIONS.getRegistryTokens].outputs;
      expect(many.required).to.deep.equal(["tokens"]);
    });
  });

  it("no description anywhere is empty or carries TSDoc markup that other languages cannot render", () => {
    const seen: string[] = [];
    const visit = (value: unknown, at: string): void => {
      if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${at}[${i}]`));
      else if (value !== null && typeof value === "object") {
        for (const [key, v] of Object.entries(value)) {
          if (key === "description") {
            seen.push(at);
            expect(v, at).to.be.a("string").that.is.not.empty;
            expect(v as string, at).to.not.match(/\{@|@default|@remarks/);
          } else visit(v, `${at}.${key}`);
        }
      }
    };
    visit(schema, "schema");
    expect(seen.length).to.be.greaterThan(40);
  });
});
