import { expect } from "chai";
import { resolveSettings } from "../../provider/lifecycle/settings";

const resolve = (variable: string, value: string) =>
  resolveSettings(() => undefined, { IONOS_TOKEN: "t", [variable]: value });

describe("settings.ts: timeouts a timer can hold", () => {
  for (const [variable, name] of [
    ["IONOS_REGISTRY_TOKEN_TIMEOUT_MS", "requestTimeoutMs"],
    ["IONOS_REGISTRY_TOKEN_RETRY_BUDGET_MS", "retryBudgetMs"],
  ] as const) {
    it(`refuses a ${name} beyond 2^31-1 ms, which Node's timers would turn into 1 ms`, () => {
      for (const value of ["2147483648", "99999999999", "1e12"]) {
        expect(() => resolve(variable, value), value).to.throw(new RegExp(`${name} .*at most 2147483647`));
      }
      expect(resolve(variable, "2147483647")[name]).to.equal(2147483647);
    });

    it(`still refuses a ${name} that is not a positive whole number`, () => {
      for (const value of ["0", "-5", "1.5", "Infinity", "NaN", "fast"]) {
        expect(() => resolve(variable, value), value).to.throw(new RegExp(name));
      }
    });
  }
});
