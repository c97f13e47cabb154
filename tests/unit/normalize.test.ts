import { expect } from "chai";
import { readFileSync } from "fs";
import * as path from "path";
import { namePrefixFrom, generateName, TOKEN_NAME_PATTERN } from "../../provider/rules/naming";
import {
  formatUtc,
  normalizeActions,
  normalizeDate,
  parseRfc3339,
  sameInstant,
  sameScopes,
} from "../../provider/rules/normalize";
import { PACKAGE_VERSION, USER_AGENT } from "../../provider/lifecycle/version";

describe("normalize.ts and naming.ts", () => {
  it("parses RFC 3339 with Z, offsets and fractions", () => {
    expect(parseRfc3339("2030-01-01T00:00:00Z")).to.equal(Date.UTC(2030, 0, 1));
    expect(parseRfc3339("2030-01-01T02:00:00+02:00")).to.equal(Date.UTC(2030, 0, 1));
    expect(parseRfc3339("2030-01-01t00:00:00.5z")).to.equal(Date.UTC(2030, 0, 1) + 500);
  });
  it("refuses impossible calendar dates and missing zones", () => {
    for (const bad of [
      "2030-02-29T00:00:00Z",
      "2030-13-01T00:00:00Z",
      "2030-01-01T24:00:00Z",
      "2030-01-01T00:00:00",
      "x",
    ]) {
      expect(parseRfc3339(bad), bad).to.equal(undefined);
    }
    expect(parseRfc3339("2028-02-29T00:00:00Z")).to.be.a("number");
  });
  it("formats as YYYY-MM-DDTHH:MM:SSZ", () => {
    expect(formatUtc(Date.UTC(2030, 5, 1, 12, 30, 15, 999))).to.equal("2030-06-01T12:30:15Z");
    expect(normalizeDate(null)).to.equal(null);
    expect(sameInstant("2030-01-01T00:00:00Z", "2030-01-01T01:00:00+01:00")).to.equal(true);
    expect(sameInstant(null, "2030-01-01T00:00:00Z")).to.equal(false);
  });
  it("orders actions canonically and keeps unknown ones last", () => {
    expect(normalizeActions(["delete", "push", "pull", "push"])).to.deep.equal(["pull", "push", "delete"]);
    expect(normalizeActions(["zap", "pull"])).to.deep.equal(["pull", "zap"]);
  });
  it("compares scope lists as sets", () => {
    const a = [{ name: "*", type: "repository" as const, actions: ["pull" as const] }];
    expect(sameScopes(a, [...a, ...a])).to.equal(true);
    expect(sameScopes(a, [])).to.equal(false);
    expect(sameScopes(null, [])).to.equal(true);
    expect(sameScopes(a, [{ ...a[0], type: "registry" }])).to.equal(false);
  });
  it("derives a valid name prefix from any resource name", () => {
    for (const resourceName of ["ci", "CI Pipeline #1", "123", "__", "a".repeat(200), "déjà-vu", "-x-"]) {
      const prefix = namePrefixFrom(resourceName);
      expect(generateName(prefix), resourceName).to.match(TOKEN_NAME_PATTERN);
      expect(generateName(prefix).length).to.be.at.most(63);
    }
    expect(namePrefixFrom("CI Pipeline #1")).to.equal("CI-Pipeline-1");
    expect(namePrefixFrom("123")).to.equal("token-123");
  });
  it("sends a User-Agent with this package's version", () => {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, "../../../package.json"), "utf8")) as {
      version: string;
    };
    expect(PACKAGE_VERSION).to.equal(pkg.version);
    expect(USER_AGENT).to.equal(`ionos-registry-token/${pkg.version}`);
  });
});
