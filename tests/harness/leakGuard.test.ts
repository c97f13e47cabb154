/**
 * The leak guard (tests/support/leakGuard.ts), as a person running `npm test` meets it: a child mocha, with
 * this project's reporter, runs a small fixture suite; what it prints and how it exits are asserted.
 */
import { expect } from "chai";
import * as path from "path";
import { GRACE_ENV } from "../support/leakGuard";
import { isRunning, waitUntil } from "../support/processTable";
import { runProcess, type ProcessRun } from "../support/runProcess";

const FIXTURES = path.join(__dirname, "fixtures");
const MOCHA = require.resolve("mocha/bin/mocha.js");
const REPORTER = path.join(__dirname, "../support/summaryReporter.js");
/** Well past the guard's 5 s grace: a child still alive then is killed and the test fails on its exit. */
const HANG_LIMIT_MS = 20_000;

/** This process's environment without a grace override, so the child uses the guard's default. */
function environmentWithDefaultGrace(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env[GRACE_ENV];
  return env;
}

/** Runs one fixture suite in a child mocha with the project's reporter and no project config. */
function runFixture(fixture: string): Promise<ProcessRun> {
  return runProcess(
    process.execPath,
    [MOCHA, "--no-config", "--reporter", REPORTER, path.join(FIXTURES, fixture)],
    { env: environmentWithDefaultGrace(), killAfterMs: HANG_LIMIT_MS },
  );
}

describe("the leak guard: a run that leaves something open fails instead of hanging", function () {
  this.timeout(HANG_LIMIT_MS + 10_000);

  it("a failing test that left a server listening: exits within 10 s, non-zero, naming the server and the test", async () => {
    const run = await runFixture("serverLeftOpen.fixture.js");
    const port = /fixture server port=(\d+)/.exec(run.stdout)?.[1];
    expect(port, run.stdout).to.be.a("string");
    expect(run.signal, run.stderr).to.equal(null);
    expect(run.elapsedMs).to.be.below(10_000);
    // One failing test plus the leak.
    expect(run.status).to.equal(2);
    expect(run.stdout).to.match(/^0 passed, 1 failed, 0 skipped$/m);
    expect(run.stderr).to.include(
      "leak guard: 1 thing(s) still held the process open 5 s after the run ended:",
    );
    expect(run.stderr).to.include(`  - server listening on 127.0.0.1:${port}\n`);
    expect(run.stderr).to.include(
      "      acquired in: a suite that leaks opens a server and fails before closing it\n",
    );
    expect(run.stderr).to.include("the run fails (exit status 2)");
  });

  it("a passing suite that left a child process and a timer: fails, names both, and kills the child", async () => {
    const run = await runFixture("childLeftRunning.fixture.js");
    const pid = Number(/fixture child pid=(\d+)/.exec(run.stdout)?.[1]);
    expect(pid, run.stdout).to.be.above(0);
    expect(run.signal, run.stderr).to.equal(null);
    expect(run.elapsedMs).to.be.below(10_000);
    expect(run.stdout).to.match(/^1 passed, 0 failed, 0 skipped$/m);
    expect(run.status).to.equal(1);
    expect(run.stderr).to.include("leak guard: 2 thing(s) still held the process open");
    expect(run.stderr).to.include(
      `  - child process ${pid}: sleep 300\n` +
        '      acquired in: a passing suite that leaks "before all" hook for "passes"\n' +
        "      (killed by the leak guard)\n",
    );
    expect(run.stderr).to.include("  - 1 pending timer(s) (setTimeout/setInterval)\n");
    // A SIGKILL is delivered asynchronously; the guard sent it just before exiting.
    await waitUntil(() => !isRunning(pid), 2_000, `the leaked child ${pid} stopped`);
  });

  it("a child that exited but left a grandchild holding its pipe: names the pipe by the child it belonged to", async () => {
    const run = await runFixture("grandchildHoldsPipe.fixture.js");
    const [, shell, grandchild] = /fixture shell pid=(\d+) grandchild pid=(\d+)/.exec(run.stdout) ?? [];
    try {
      expect(shell, run.stdout).to.be.a("string");
      expect(run.signal, run.stderr).to.equal(null);
      expect(run.status).to.equal(1);
      expect(run.stderr).to.include(
        `  - stdio pipe of child process ${shell}: sh -c sleep 300 & echo $!, which exited; a process it ` +
          "started still holds the pipe\n" +
          "      acquired in: a suite whose child leaves a grandchild starts a shell that backgrounds a sleep and exits\n",
      );
    } finally {
      // The guard cannot know the grandchild (it belongs to init now); the fixture said which it is.
      if (grandchild !== undefined && isRunning(Number(grandchild)))
        process.kill(Number(grandchild), "SIGKILL");
    }
  });

  it("a failing suite that released everything: exits with the failure count and no leak report", async () => {
    const run = await runFixture("cleanFailure.fixture.js");
    expect(run.signal, run.stderr).to.equal(null);
    expect(run.status).to.equal(1);
    expect(run.stdout).to.match(/^0 passed, 1 failed, 0 skipped$/m);
    // Had anything held the process, the guard would have fired and said so.
    expect(run.stderr).to.not.include("leak guard");
  });
});
