/** Facts about other processes on this machine, for the plugin's engine watch and the `pending` command. */

/** Whether a process exists: a signal 0 probes without sending anything (EPERM: it exists, someone else's). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
