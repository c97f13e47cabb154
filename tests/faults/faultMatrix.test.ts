import { expect } from "chai";
import { randomBytes } from "crypto";
import type { TokenView } from "../../emulator";
import type { HostResource, Props } from "../support/hostSession";
import { describeLeaks, LeakScanner } from "../support/leakScanner";
import { MODE_TITLE, MODES, type Mode } from "../support/modes";
import { judge, type Judgement, type Settled } from "./consistency";
import { inBatches, startFaultBench, warmUp, type FaultBench } from "./faultBench";
import {
  FAULT_KINDS,
  OPERATIONS,
  registryPath,
  retriedWhenIdempotent,
  rulesFor,
  SLOW_MS,
  slowRulesFor,
  TARGET_OPERATION,
  type FaultKind,
  type Operation,
} from "./faultKinds";

const API_TOKEN = `fault-api-${randomBytes(12).toString("hex")}`;
const NAME = "matrix-token";
const PULL = [{ name: "*", type: "repository" as const, actions: ["pull" as const] }];
const WANTED = {
  status: "disabled" as const,
  scopes: [{ name: "app/*", type: "repository" as const, actions: ["pull" as const, "push" as const] }],
};

/**
 * Faults the provider promises to ride out (README, Reliability):
 * - a create with a generated name, and the PUT that recreates a vanished token at its own id, recover from
 *   any single lost answer: whatever the lost request may have made is provably the resource's own, so it is
 *   deleted and the request repeated;
 * - a create with a chosen name, only when the lost POST made nothing (a token it finds may be another's);
 * - read, update and delete: the retries of idempotent requests (timeouts, resets, 429, 502–504), not a 500;
 * - a delete whose DELETE was carried out, however often its answer is lost: a retry answers 404, or a GET
 *   proves the token gone ("a delete of a token that is already gone succeeds").
 */
function mustSurvive(operation: Operation, kind: FaultKind): boolean {
  if (operation === "delete" && kind.applied) return true;
  if (kind.repeated) return false;
  switch (operation) {
    case "create":
    case "recreate":
      return true;
    case "create-chosen":
      return !kind.applied;
    default:
      return retriedWhenIdempotent(kind);
  }
}

interface MatrixCase {
  operation: Operation;
  kind: FaultKind;
  registryId: string;
  before?: HostResource;
  settled?: Settled;
  live?: TokenView[];
  judgement?: Judgement;
  injected?: number;
}

for (const mode of MODES) describeMatrix(mode);

/** The matrix in one mode: the same cases, judge and must-survive rules in both. */
function describeMatrix(mode: Mode): void {
  describe(`fault matrix (${mode}): every provider operation through the ${MODE_TITLE[mode]} under every API fault`, function () {
    this.timeout(120_000);
    let bench: FaultBench;
    const cases: MatrixCase[] = OPERATIONS.flatMap((operation) =>
      FAULT_KINDS.map((kind) => ({ operation, kind, registryId: "" })),
    );

    /** Runs one case's operation as the engine would, through the provider under test. */
    async function run(c: MatrixCase): Promise<unknown> {
      const { driver } = bench;
      const before = c.before as HostResource;
      switch (c.operation) {
        case "create":
        case "create-chosen": {
          const naming = c.operation === "create" ? { namePrefix: "matrix" } : { name: NAME };
          const { inputs } = await driver.check(
            {},
            await driver.program({ registryId: c.registryId, ...naming, scopes: PULL }),
          );
          return driver.create(inputs);
        }
        case "read":
          return driver.read(before);
        case "update":
        case "recreate": {
          const news = await driver.program({ registryId: c.registryId, name: NAME, ...WANTED });
          const { inputs } = await driver.check(before.inputs, news);
          return driver.update(before, inputs);
        }
        case "delete":
          return driver.delete(before);
      }
    }

    /** Gives every case its registry and, but for creates, its token (set up by the steady provider). */
    async function setUp(): Promise<void> {
      const { admin } = bench.emulator;
      cases.forEach((c, i) => (c.registryId = admin.createRegistry(`matrix-${i}`).id));
      const existing = cases.filter((c) => c.operation !== "create" && c.operation !== "create-chosen");
      await inBatches(existing, 8, async (c) => {
        c.before = await bench.upSteady({ registryId: c.registryId, name: NAME, scopes: PULL });
      });
      // The token vanishes behind the stack's back, so the update's PATCH answers 404 and it recreates it.
      for (const c of cases.filter((x) => x.operation === "recreate")) {
        admin.deleteToken(c.registryId, String(c.before?.outs.tokenId));
      }
    }

    before(async function () {
      bench = await startFaultBench(API_TOKEN, mode);
      const { emulator } = bench;
      await setUp();
      await warmUp(bench);
      emulator.clearRequests();
      emulator.setFaults({ rules: cases.flatMap((c) => rulesFor(c.kind, c.operation, c.registryId)) });
      bench.proxy.setRules(cases.flatMap((c) => slowRulesFor(c.kind, c.operation, c.registryId)));
      await Promise.all(
        cases.map(async (c) => {
          c.settled = await run(c).then(
            (value): Settled => ({ ok: true, value }),
            (error: Error): Settled => ({ ok: false, error }),
          );
        }),
      );
      emulator.setFaults({});
      // Let every answer still held back by the proxy go out before judging.
      await new Promise((resolve) => setTimeout(resolve, SLOW_MS + 100));
      const log = emulator.requests();
      for (const c of cases) {
        c.live = emulator.admin.listTokens(c.registryId);
        c.judgement = judge({
          operation: c.operation,
          before: c.before,
          wanted: WANTED,
          settled: c.settled!,
          live: c.live,
          issued: bench.witness.issued,
        });
        const path = registryPath(c.registryId);
        c.injected =
          bench.proxy.fired(path) +
          log.filter(
            (r) =>
              r.path.startsWith(path) &&
              r.operation === TARGET_OPERATION[c.operation] &&
              r.fault !== undefined,
          ).length;
      }
      printSummary(mode, cases);
    });

    after(async () => {
      await bench?.close();
    });

    it(`runs ${OPERATIONS.length} operations × ${FAULT_KINDS.length} faults, each fault actually injected`, () => {
      expect(cases).to.have.length(OPERATIONS.length * FAULT_KINDS.length);
      const missed = cases.filter((c) => !c.injected).map(label);
      expect(missed, "cases whose fault never fired").to.deep.equal([]);
      const repeatedOnce = cases.filter((c) => !c.kind.repeated && (c.injected ?? 0) > 1).map(label);
      expect(repeatedOnce, "single faults that fired more than once").to.deep.equal([]);
    });

    it("leaves no case inconsistent: no orphan, no live token whose password the state lacks, no duplicate, no create without its password", () => {
      const bad = cases
        .filter((c) => c.judgement?.verdict === "inconsistent")
        .map((c) => `${label(c)}: ${c.judgement?.problems.join("; ")}`);
      expect(bad, bad.join("\n")).to.deep.equal([]);
    });

    it("survives every fault the provider promises to ride out", () => {
      const lost = cases
        .filter((c) => mustSurvive(c.operation, c.kind) && c.judgement?.verdict !== "survived")
        .map(
          (c) =>
            `${label(c)}: ${c.settled?.ok ? c.judgement?.problems.join("; ") : c.settled?.error.message}`,
        );
      expect(lost, lost.join("\n")).to.deep.equal([]);
    });

    it("leaves a chosen name's token made by a lost POST alone, and names it in the error", () => {
      const made = cases.filter((c) => c.operation === "create-chosen" && c.kind.applied);
      const unnamed = made
        .filter((c) => c.settled?.ok !== false || c.judgement?.named === undefined)
        .map((c) => `${label(c)}: ${c.settled?.ok ? "succeeded" : c.settled?.error.message}`);
      expect(unnamed, unnamed.join("\n")).to.deep.equal([]);
      for (const c of made) expect(c.live?.map((t) => t.id)).to.deep.equal([c.judgement?.named]);
    });

    it("recovers a generated name's lost POST by deleting the orphan: one token in the end, never a named leftover", () => {
      const created = cases.filter((c) => c.operation === "create" && c.kind.applied && !c.kind.repeated);
      for (const c of created) {
        expect(c.judgement?.named, label(c)).to.equal(undefined);
        expect(c.live, label(c)).to.have.length(1);
        expect(deletes(c), `${label(c)}: DELETEs of the orphan`).to.be.at.least(1);
      }
    });

    it(`keeps the API token and every password out of ${mode === "plugin" ? "gRPC errors and the plugin's stderr" : "errors and host output"}`, () => {
      const scanner = new LeakScanner().addSecret("API token", API_TOKEN);
      bench.witness
        .passwords()
        .forEach((password, i) => scanner.addSecret(`issued password #${i}`, password));
      for (const c of cases) {
        const password = stateOf(c)?.password;
        if (typeof password === "string" && password !== "")
          scanner.addSecret(`password (${label(c)})`, password);
        if (c.settled && !c.settled.ok) scanner.addArtifact(`error (${label(c)})`, c.settled.error.message);
      }
      for (const t of bench.transcripts()) scanner.addArtifact(t.source, t.text);
      const leaks = scanner.scan();
      expect(leaks, describeLeaks(leaks)).to.deep.equal([]);
      expect(scanner.size.secrets).to.be.greaterThan(cases.length / 2);
    });

    // The dynamic host answers plain values (the engine makes the password secret from the registration, which
    // registryToken.host.test.ts covers); the plugin itself must mark it, in every answer, faults or not.
    if (mode === "plugin") {
      it("returns the password wrapped as a secret in every output, of both providers", () => {
        const { checked, plain } = bench.driver.secretOutputs();
        const steady = bench.steady.secretOutputs();
        expect([...plain, ...steady.plain], "outputs whose password was not a secret").to.deep.equal([]);
        const answered = cases.filter((c) => c.settled?.ok && c.operation !== "delete").length;
        expect(checked, "outputs checked").to.be.at.least(answered);
        expect(steady.checked, "setups checked").to.be.at.least(cases.length - 2 * FAULT_KINDS.length);
      });
    }

    /** How many DELETEs the provider sent in the case's registry while the faults were on. */
    function deletes(c: MatrixCase): number {
      const path = registryPath(c.registryId);
      return bench.emulator
        .requests()
        .filter((r) => r.path.startsWith(path) && r.operation === "registriesTokensDelete").length;
    }
  });
}

/** The outputs the operation returned, when it returned any. */
function stateOf(c: MatrixCase): Props | undefined {
  if (!c.settled?.ok) return undefined;
  const value = c.settled.value as Props | undefined;
  return c.operation === "update" || c.operation === "recreate" ? value : (value?.properties as Props);
}

function label(c: MatrixCase): string {
  return `${c.operation} × ${c.kind.label}`;
}

function printSummary(mode: Mode, cases: readonly MatrixCase[]): void {
  const count = (verdict: string) => cases.filter((c) => c.judgement?.verdict === verdict).length;
  const injected = cases.reduce((n, c) => n + (c.injected ?? 0), 0);
  const drift = cases.filter((c) => c.judgement?.drift).length;
  const named = cases.filter((c) => c.judgement?.named).length;
  const cell = (c: MatrixCase | undefined) => {
    const j = c?.judgement;
    if (!j) return "?";
    if (j.verdict === "inconsistent") return "INCONSISTENT";
    if (j.verdict === "survived") return "ok";
    return j.named ? "fail, named" : "fail";
  };
  const rows = FAULT_KINDS.map((kind) => {
    const cells = OPERATIONS.map((op) =>
      cell(cases.find((x) => x.operation === op && x.kind === kind)).padEnd(15),
    );
    return `      ${kind.label.padEnd(32)}${cells.join("")}`;
  });
  console.log(
    [
      `      ${"".padEnd(32)}${OPERATIONS.map((op) => op.padEnd(15)).join("")}`,
      ...rows,
      `    fault matrix (${mode}): ${cases.length} faults injected (${injected} faulty answers) / ${count("survived")} survived / ` +
        `${count("failed cleanly")} failed cleanly (${named} leaving a chosen name's token alone, named) / ` +
        `${count("inconsistent")} inconsistent (${drift} failed updates applied anyway, re-applied by the next up)`,
    ].join("\n"),
  );
}
