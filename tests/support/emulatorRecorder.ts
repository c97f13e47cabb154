/**
 * Every API response the emulator tests receive, kept in memory so the conformance test can check them
 * all against the official spec at the end of the run (see `tests/emulator/conformance.test.ts`).
 */

/** One recorded response. */
export interface RecordedResponse {
  method: string;
  /** URL path without the query, e.g. `/containerregistries/registries/…/tokens`. */
  path: string;
  status: number;
  /** Response headers that the spec describes (lower-case names). */
  headers: { location?: string; contentType?: string };
  /** The raw body text ("" when there is none). */
  text: string;
  /** Which test received it, for failure messages. */
  test: string;
}

const recorded: RecordedResponse[] = [];
let currentTest = "(outside a test)";

/** Names the test that is running, so recorded responses can be traced back to it. */
export function setCurrentTest(title: string): void {
  currentTest = title;
}

/** Records one response. */
export function recordResponse(response: Omit<RecordedResponse, "test">): void {
  recorded.push({ ...response, test: currentTest });
}

/** A copy of everything recorded so far. */
export function recordedResponses(): RecordedResponse[] {
  return recorded.map((r) => ({ ...r, headers: { ...r.headers } }));
}
