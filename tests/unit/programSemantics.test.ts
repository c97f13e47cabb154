/**
 * Pulumi program semantics that reach `check` and `diff` in forms a program never writes itself: stored inputs
 * copied back by `ignoreChanges`, a resource renamed with `aliases`, values unknown at preview, and a rename
 * that changes only the case of a name.
 */
import { expect } from "chai";
import { diffToken } from "../../provider/rules/diff";
import { withUnsetAsNull } from "../../provider/rules/mapping";
import { UNKNOWN } from "../../provider/rules/unknown";
import { checkTokenInputs } from "../../provider/rules/validate";

const T0 = Date.parse("2030-01-01T00:00:00Z");
const DAY = 24 * 3600_000;
const REGISTRY = "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17";
const SCOPES = [{ name: "app", type: "repository", actions: ["pull"] }];

type Props = Record<string, unknown>;

/** Checks `news` against `olds` and fails the test on any check failure. */
function checked(olds: Props, news: Props, nowMs = T0): Props {
  const { inputs, failures } = checkTokenInputs(olds, news, nowMs);
  expect(failures, JSON.stringify(failures)).to.deep.equal([]);
  return inputs;
}

/** The outputs stored after creating a token from checked inputs: unset inputs are explicit nulls there. */
function stored(inputs: Props): Props {
  return {
    ...withUnsetAsNull(inputs),
    tokenId: "t-1",
    username: inputs.name,
    password: "p",
    createdDate: "2030-01-01T00:00:00Z",
  };
}

/**
 * What the engine sends `check` for `ignoreChanges`: each ignored top-level key takes its value from the stored
 * inputs (or disappears when they lack it); `*` ignores every key.
 */
function withIgnoreChanges(program: Props, storedInputs: Props, ignored: string[]): Props {
  const keys = ignored.includes("*")
    ? [...new Set([...Object.keys(program), ...Object.keys(storedInputs)])]
    : ignored;
  const news = { ...program };
  for (const key of keys) {
    if (key in storedInputs) news[key] = storedInputs[key];
    else delete news[key];
  }
  return news;
}

describe("program semantics (check and diff)", () => {
  describe("ignoreChanges: stored inputs come back as new ones", () => {
    const programs: Record<string, Props> = {
      "a chosen name with a fixed expiry": {
        registryId: REGISTRY,
        name: "ci-push",
        expiryDate: "2031-01-01T00:00:00Z",
        scopes: SCOPES,
        defaultNamePrefix: "ci",
      },
      "a generated name with a lifetime and a rotation window": {
        registryId: REGISTRY,
        expiresIn: "30d",
        rotateBefore: "7d",
        rotationTriggers: { image: "v1" },
        status: "disabled",
        defaultNamePrefix: "ci",
      },
      "an explicit prefix and a lifetime": { registryId: REGISTRY, namePrefix: "team", expiresIn: "90d" },
    };
    for (const [what, program] of Object.entries(programs)) {
      for (const ignored of [["*"], ["expiryDate"], ["name"], ["namePrefix"], ["expiryDate", "name"]]) {
        it(`${what}, ignoreChanges ${JSON.stringify(ignored)}: no failure, no change, days later`, () => {
          const first = checked({}, program);
          const news = withIgnoreChanges(program, first, ignored);
          const again = checked(first, news, T0 + 3 * DAY);
          expect(again.name).to.equal(first.name);
          expect(again.namePrefix).to.equal(first.namePrefix);
          expect(again.expiryDate).to.equal(first.expiryDate);
          expect(diffToken(stored(first), again, T0 + 3 * DAY)).to.deep.include({ changes: false });
        });
      }
    }

    it("a rotationDue stored by version 0.1.0 is accepted and dropped", () => {
      const program = { registryId: REGISTRY, expiresIn: "30d", rotateBefore: "7d" };
      const first = checked({}, program);
      const legacy = { ...first, rotationDue: null };
      const again = checked(legacy, withIgnoreChanges(program, legacy, ["*"]), T0 + DAY);
      expect(again).to.not.have.property("rotationDue");
      expect(diffToken(stored(first), again, T0 + DAY).changes).to.equal(false);
    });

    it("a state of the first release (the default prefix stored beside a chosen name) stays a chosen name", () => {
      const firstRelease = {
        registryId: REGISTRY,
        name: "ci-push",
        namePrefix: "ci",
        status: "enabled",
        scopes: [],
      };
      const again = checked(firstRelease, { registryId: REGISTRY, name: "ci-push", defaultNamePrefix: "ci" });
      expect(again).to.not.have.property("namePrefix");
      expect(diffToken(stored(firstRelease), again)).to.deep.include({
        changes: false,
        deleteBeforeReplace: true,
      });
      // A generated name of the same release is still recognized as generated.
      const generated = { ...firstRelease, name: "ci-k2x9q4mz" };
      expect(checked(generated, { registryId: REGISTRY, defaultNamePrefix: "ci" }).name).to.equal(
        "ci-k2x9q4mz",
      );
    });

    it("a different explicit expiryDate beside expiresIn is still refused", () => {
      const first = checked({}, { registryId: REGISTRY, expiresIn: "30d" });
      const { failures } = checkTokenInputs(
        first,
        { registryId: REGISTRY, expiresIn: "30d", expiryDate: "2031-06-01T00:00:00Z" },
        T0,
      );
      expect(failures.map((f) => f.property)).to.deep.equal(["expiresIn"]);
    });

    it("neither the derived rotationDue nor the default prefix is ever stored", () => {
      const inputs = checked({}, { registryId: REGISTRY, expiresIn: "30d", defaultNamePrefix: "web" });
      expect(inputs).to.not.have.property("rotationDue");
      expect(inputs).to.not.have.property("defaultNamePrefix");
      expect(inputs.namePrefix).to.equal("web");
      expect(inputs.name).to.match(/^web-[a-z0-9]{8}$/);
    });
  });

  describe("aliases: renaming the resource keeps a generated name", () => {
    const first = checked({}, { registryId: REGISTRY, defaultNamePrefix: "web" });

    it("a new resource name (a new default prefix) keeps the name: no change", () => {
      const renamed = checked(first, { registryId: REGISTRY, defaultNamePrefix: "frontend" });
      expect(renamed.name).to.equal(first.name);
      expect(renamed.namePrefix).to.equal("web");
      expect(diffToken(stored(first), renamed).changes).to.equal(false);
    });

    it("the same explicit prefix keeps the name; a different one generates a new name (replace, create first)", () => {
      expect(checked(first, { registryId: REGISTRY, namePrefix: "web" }).name).to.equal(first.name);
      const other = checked(first, { registryId: REGISTRY, namePrefix: "api", defaultNamePrefix: "web" });
      expect(other.name).to.match(/^api-[a-z0-9]{8}$/);
      expect(diffToken(stored(first), other)).to.deep.include({
        changes: true,
        replaces: ["name"],
        deleteBeforeReplace: false,
      });
    });

    it("an unknown explicit prefix may change the name: unknown, so the preview says replace", () => {
      const pending = checked(first, { registryId: REGISTRY, namePrefix: UNKNOWN, defaultNamePrefix: "web" });
      expect(pending.name).to.equal(UNKNOWN);
      expect(diffToken(stored(first), pending).replaces).to.deep.equal(["name"]);
    });

    it("a bad default prefix (a JavaScript caller) is named, not used", () => {
      const { failures } = checkTokenInputs({}, { registryId: REGISTRY, defaultNamePrefix: "9lives" }, T0);
      expect(failures.map((f) => f.property)).to.deep.equal(["defaultNamePrefix"]);
    });
  });

  describe("unknown values at preview: rules relating two inputs wait for both", () => {
    const cases: [string, Props][] = [
      [
        "an unknown expiresIn beside an expiryDate",
        { expiresIn: UNKNOWN, expiryDate: "2031-01-01T00:00:00Z" },
      ],
      ["an unknown expiryDate beside an expiresIn", { expiresIn: "30d", expiryDate: UNKNOWN }],
      ["an unknown rotateBefore alone", { rotateBefore: UNKNOWN }],
      ["an unknown expiresIn beside a rotateBefore", { expiresIn: UNKNOWN, rotateBefore: "7d" }],
      ["an unknown rotateBefore beside an expiresIn", { expiresIn: "30d", rotateBefore: UNKNOWN }],
    ];
    for (const [what, props] of cases) {
      it(`${what}: no failure at preview`, () => {
        checked({}, { registryId: REGISTRY, ...props });
      });
    }

    it("the same rules still refuse known values", () => {
      const failing = (props: Props) =>
        checkTokenInputs({}, { registryId: REGISTRY, ...props }, T0).failures.map((f) => f.property);
      expect(failing({ expiresIn: "30d", expiryDate: "2031-01-01T00:00:00Z" })).to.deep.equal(["expiresIn"]);
      expect(failing({ rotateBefore: "7d" })).to.deep.equal(["rotateBefore"]);
      expect(failing({ expiresIn: "7d", rotateBefore: "7d" })).to.deep.equal(["rotateBefore"]);
    });
  });

  describe("a rename that changes only the case of a name", () => {
    it("replaces deleting first: the registry sees the two names as one", () => {
      const first = checked({}, { registryId: REGISTRY, name: "CI-Push" });
      const renamed = checked(first, { registryId: REGISTRY, name: "ci-push" });
      expect(diffToken(stored(first), renamed)).to.deep.include({
        changes: true,
        replaces: ["name"],
        deleteBeforeReplace: true,
      });
    });
  });
});
