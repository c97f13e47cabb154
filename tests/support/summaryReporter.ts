/**
 * Mocha's spec reporter plus one plain closing line, `N passed, N failed, N skipped`, which tools that do not
 * know mocha's own summary can read.
 */
import Mocha from "mocha";

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
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
