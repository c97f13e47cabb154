/**
 * Mocha's spec reporter plus one plain closing line, `N passed, N failed, N skipped`, which tools that do not
 * know mocha's own summary can read. Every run it reports is also watched by the leak guard, so a run that
 * leaves something open fails within seconds instead of hanging (./leakGuard.ts).
 */
import Mocha from "mocha";
import { guardAgainstLeaks } from "./leakGuard";

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    guardAgainstLeaks(runner);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const stats = runner.stats;
      if (stats)
        process.stdout.write(
          `\n${stats.passes} passed, ${stats.failures} failed, ${stats.pending} skipped\n`,
        );
    });
  }
}

export = SummaryReporter;
