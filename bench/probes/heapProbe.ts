/**
 * Preloaded (`node --expose-gc --require …/heapProbe.js`) into the processes whose memory the bench measures —
 * the dynamic-provider host or a plugin, ours and the floor's alike: on SIGUSR2 it runs a full garbage
 * collection and writes the heap that survived it to {@link heapReportPath}. What survives a full collection is
 * what the process retains; peak RSS is V8's sizing of the heap, which the provider does not decide.
 */
import { writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";

/** Where the probe in process `pid` writes its report. */
export function heapReportPath(pid: number): string {
  return path.join(tmpdir(), `ionos-bench-heap-${pid}.json`);
}

/** What the probe writes: the heap in use after a full collection, bytes. */
export interface HeapReport {
  heapUsedBytes: number;
}

const collect = (globalThis as { gc?: () => void }).gc;
if (require.main !== module && collect) {
  process.on("SIGUSR2", () => {
    // Twice: a collection may free objects whose finalizers free more.
    collect();
    collect();
    const report: HeapReport = { heapUsedBytes: process.memoryUsage().heapUsed };
    writeFileSync(heapReportPath(process.pid), JSON.stringify(report));
  });
}
