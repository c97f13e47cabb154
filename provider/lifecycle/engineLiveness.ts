/**
 * Whether the engine that asked for the current operation is still there. The engine starts the provider's
 * process itself (the plugin, or Pulumi's dynamic-provider host), so when a `pulumi` is killed that process
 * is re-parented. Pulumi's host then serves on for minutes and would carry on with a create's retries and
 * recovery, making tokens nobody will ever record: the lifecycle asks this before each such extra write.
 */

/** The parent when this module was loaded: the engine, in a process the engine started. */
const parentAtLoad = process.ppid;

/** True once the process that started this one is gone (this process was re-parented). */
export function engineGone(): boolean {
  return process.ppid !== parentAtLoad;
}
