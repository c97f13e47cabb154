import { expect } from "chai";
import { describeLeaks, encodings, LeakScanner } from "../support/leakScanner";

const SECRET = "s3cr3t-Pa55/word+=";

describe("leak scanner (tests/support/leakScanner.ts)", () => {
  const find = (artifact: unknown) =>
    new LeakScanner().addSecret("pw", SECRET).addArtifact("a", artifact).scan();

  it("finds a secret verbatim, JSON-escaped, URL-encoded and in hex", () => {
    expect(find(`x ${SECRET} y`).map((l) => l.form)).to.deep.equal(["raw"]);
    expect(find(JSON.stringify({ v: `"${SECRET}"` })).length).to.be.greaterThan(0);
    expect(find(`?p=${encodeURIComponent(SECRET)}`).map((l) => l.form)).to.include("url");
    expect(find(Buffer.from(SECRET).toString("hex")).map((l) => l.form)).to.include("hex");
  });

  it("finds a secret inside longer base64 at every alignment (a Basic header holds user:password)", () => {
    for (const user of ["u", "us", "use", "user"]) {
      const header = `Basic ${Buffer.from(`${user}:${SECRET}`).toString("base64")}`;
      expect(
        find(header).map((l) => l.form),
        user,
      ).to.include("base64");
    }
  });

  it("renders objects, Buffers and Errors before scanning", () => {
    expect(find({ nested: [{ deep: SECRET }] })).to.have.length(1);
    expect(find(Buffer.from(`..${SECRET}..`))).to.have.length(1);
    expect(find(new Error(`failed: ${SECRET}`)).length).to.be.greaterThan(0);
  });

  it("reports nothing for clean text, and never the secret itself", () => {
    expect(find("s3cr3t-Pa55 word, partial")).to.deep.equal([]);
    const leaks = find(SECRET);
    expect(describeLeaks(leaks)).to.include("pw in a (raw").and.not.include(SECRET);
  });

  it("refuses secrets too short to prove anything", () => {
    expect(() => new LeakScanner().addSecret("short", "abc")).to.throw(/too short/);
    expect(encodings("abcdefgh").map(([form]) => form)).to.include.members(["raw", "hex", "base64"]);
  });
});
