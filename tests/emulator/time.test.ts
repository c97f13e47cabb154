import { expect } from "chai";
import fc from "fast-check";
import { formatTimestamp, parseRfc3339 } from "../../emulator/model/time";

describe("emulator: RFC 3339 parsing and timestamp formatting", () => {
  it("parses zones, offsets and fractions to the right instant", () => {
    expect(parseRfc3339("2022-10-08T15:56:04Z")).to.equal(Date.UTC(2022, 9, 8, 15, 56, 4));
    expect(parseRfc3339("2022-10-08T17:56:04.250+02:00")).to.equal(Date.UTC(2022, 9, 8, 15, 56, 4, 250));
    expect(parseRfc3339("2022-10-08T10:26:04-05:30")).to.equal(Date.UTC(2022, 9, 8, 15, 56, 4));
    expect(parseRfc3339("0001-01-01T00:00:00Z")).to.equal(Date.parse("0001-01-01T00:00:00Z"));
  });

  it("rejects what is not RFC 3339 or not a real date", () => {
    for (const text of [
      "2022-10-08",
      "2022-10-08T15:56:04",
      "2022-02-29T00:00:00Z",
      "2022-04-31T00:00:00Z",
      "2022-10-08T15:56Z",
      " 2022-10-08T15:56:04Z",
      "2022-10-08T15:56:04+0200",
    ]) {
      expect(parseRfc3339(text), text).to.equal(undefined);
    }
  });

  it("formats as YYYY-MM-DDTHH:MM:SSZ, dropping sub-seconds", () => {
    expect(formatTimestamp(Date.UTC(2030, 0, 2, 3, 4, 5, 999))).to.equal("2030-01-02T03:04:05Z");
  });

  it("round-trips any instant at second precision (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(9999, 11, 31) }), (ms) => {
        const text = formatTimestamp(ms);
        expect(text).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        expect(parseRfc3339(text)).to.equal(Math.floor(ms / 1000) * 1000);
      }),
      { numRuns: 200 },
    );
  });
});
