/**
 * `expiryDate` given as a JavaScript `Date`, through the real path: a `RegistryToken` declared under
 * `pulumi.runtime.setMocks` turns the program's value into the inputs the engine sends `check`, which must
 * accept any valid future instant (stored as `YYYY-MM-DDTHH:MM:SSZ`) and refuse anything else naming
 * `expiryDate` alone.
 */
import { expect } from "chai";
import fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { diffToken } from "../../provider/rules/diff";
import { checkTokenInputs } from "../../provider/rules/validate";
import { registerToken } from "../support/serializedProvider";
import { NOW } from "./arbitraries";
import { HOUR, storedOutputs } from "./programs";

// Each run declares a resource under mocks: fewer runs than the pure properties. A registration that never
// settles (a conversion throwing inside an Output) fails its run after 10 s instead of hanging the suite.
const RUNS = { seed: 20307, endOnFailure: true, timeout: 10_000 } as const;
const REGISTRY = "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17";
/** The last instant RFC 3339 can write: its years have four digits. */
const LAST_RFC3339 = Date.parse("9999-12-31T23:59:59.999Z");

/** The ways a program passes a `Date`: as is, behind a Promise, or as an Output computed from another one. */
const wrapping = fc.constantFrom("Date", "Promise", "Output");
function wrap(how: string, date: Date): pulumi.Input<Date> {
  if (how === "Promise") return Promise.resolve(date);
  if (how === "Output") return pulumi.output("upstream").apply(() => date);
  return date;
}

/** What `check` receives for a program whose `expiryDate` is `date`, passed the `how` way. */
async function programInputs(how: string, date: Date): Promise<Record<string, unknown>> {
  const { inputs } = await registerToken("dated", { registryId: REGISTRY, expiryDate: wrap(how, date) });
  return inputs;
}

describe("expiryDate as a Date, through RegistryToken (under mocks) and check", function () {
  this.timeout(60_000);

  it("a valid Date at least an hour ahead is accepted, stored as YYYY-MM-DDTHH:MM:SSZ of that instant, and kept", async () => {
    const valid = fc.date({ min: new Date(NOW + HOUR), max: new Date(LAST_RFC3339), noInvalidDate: true });
    await fc.assert(
      fc.asyncProperty(
        valid,
        wrapping,
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        async (date, how, when) => {
          const news = await programInputs(how, date);
          const { inputs, failures } = checkTokenInputs({}, news, NOW);
          expect(failures, JSON.stringify(failures)).to.deep.equal([]);
          // The instant to the second (the API's precision), written independently of the provider's formatter.
          const canonical = `${date.toISOString().slice(0, 19)}Z`;
          expect(inputs.expiryDate).to.equal(canonical);
          expect(inputs.expiryDate).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

          // The same Date on a later `pulumi up`, before it is reached: no failure and no change.
          const expiry = Date.parse(canonical);
          const later = NOW + Math.max(0, Math.min(expiry - NOW - 1, Math.floor(when * (expiry - NOW))));
          const again = checkTokenInputs(inputs, news, later);
          expect(again.failures, JSON.stringify(again.failures)).to.deep.equal([]);
          expect(diffToken(storedOutputs(inputs), again.inputs, later)).to.deep.include({ changes: false });
        },
      ),
      { ...RUNS, numRuns: 50 },
    );
  });

  it("an invalid Date, one less than an hour ahead, or one RFC 3339 cannot write is one failure naming expiryDate", async () => {
    const refused = fc.oneof(
      fc.constant(new Date(NaN)),
      fc.date({ max: new Date(NOW + HOUR - 1), noInvalidDate: true }),
      fc.date({ min: new Date(LAST_RFC3339 + 1), noInvalidDate: true }),
    );
    await fc.assert(
      fc.asyncProperty(refused, wrapping, async (date, how) => {
        const news = await programInputs(how, date);
        const { failures } = checkTokenInputs({}, news, NOW);
        expect(
          failures.map((f) => f.property),
          JSON.stringify(failures),
        ).to.deep.equal(["expiryDate"]);
        expect(failures[0].reason).to.include("expiryDate");
      }),
      { ...RUNS, numRuns: 30 },
    );
  });
});
