/**
 * Why a `refresh` or a `destroy` can fail with settings the user has already fixed, said in the error itself.
 *
 * The engine runs `pulumi refresh` and `pulumi destroy` (without `--run-program`) with the provider settings
 * stored in the stack at the last `pulumi up`: the provider resource's inputs, which hold the stack config's
 * credentials (encrypted) and endpoint. It does not read the current stack config, so a rotated API token fixed
 * with `pulumi config set` keeps failing until the next `up`. The environment, by contrast, is read by the
 * provider each time a command runs and never stored. API tokens expire, so every long-lived stack meets this.
 */
import { isIonosApiError, withHint, type IonosApiError } from "../client/errors";
import { pulumiCommandLine, runsProgram } from "./runProgram";
import { SETTING_SOURCES, type ProviderSettings } from "./settings";

/** The first Pulumi CLI whose `refresh` and `destroy` take `--run-program` (checked in its sources). */
export const RUN_PROGRAM_SINCE_CLI = "3.160.0";

/**
 * The first Pulumi CLI whose `up --refresh` and `preview --refresh` take `--run-program`, and that reads
 * `PULUMI_RUN_PROGRAM` (checked in its sources).
 */
export const RUN_PROGRAM_ON_UP_SINCE_CLI = "3.169.0";

/**
 * `error` with a sentence saying where the failing settings came from and how to use the current ones, when it
 * is a refusal of credentials read from the stack config (401, 403), or no answer (or a 404 that is not the
 * API's) from an endpoint read from it; anything else unchanged. For the failures of reads and deletes, which
 * `refresh`, `destroy` and `--refresh` make; the sentence is conditional because `up` reads and deletes too,
 * with the current config. Nothing is added when the command runs the program (`--run-program`): the settings were
 * then the current config's, and the advice would send the user in a circle.
 */
export function explainStoredSettings(
  error: unknown,
  used: ProviderSettings["configKeysUsed"] | undefined,
  programRuns: () => boolean | undefined = () => runsProgram(process.env, pulumiCommandLine()),
): unknown {
  if (!isIonosApiError(error) || used === undefined) return error;
  if (programRuns() === true) return error;
  const sentence = storedSettingsSentence(error, used);
  return sentence === undefined ? error : withHint(error, sentence);
}

/** The sentence for {@link explainStoredSettings}, or undefined when stored settings cannot be the cause. */
export function storedSettingsSentence(
  error: IonosApiError,
  used: ProviderSettings["configKeysUsed"],
): string | undefined {
  const refused = error.status === 401 || error.status === 403;
  // No answer, or a 404 that is not the API's: something else (or nothing) answers at the stored endpoint.
  const elsewhere = error.status === 0 || (error.status === 404 && error.fromApi === false);
  const endpoint = used.endpoint === undefined ? [] : [used.endpoint];
  let keys: string[];
  let environment: string;
  if (refused && used.credentials.length > 0) {
    // The credentials, and the endpoint when it too came from the config: a stale one may be another server.
    keys = [...used.credentials, ...endpoint];
    environment = `${SETTING_SOURCES.token[1]} (or ${SETTING_SOURCES.username[1]} and ${SETTING_SOURCES.password[1]})`;
  } else if (elsewhere && endpoint.length > 0) {
    keys = endpoint;
    environment = SETTING_SOURCES.endpoint[1];
  } else {
    return undefined;
  }
  const named = keys.join(" and ");
  return (
    "If this is `pulumi refresh`, `pulumi destroy`, or `pulumi up` or `preview` with `--refresh`: they read " +
    `with the provider settings stored in the stack by the last \`pulumi up\`, ${named} included, not with the ` +
    `current config. After changing ${named}, run \`pulumi up\` (without \`--refresh\`) first, or add ` +
    "`--run-program` so that the program runs and the provider gets the current config (Pulumi CLI " +
    `${RUN_PROGRAM_SINCE_CLI} or later for refresh and destroy, ${RUN_PROGRAM_ON_UP_SINCE_CLI} for up and ` +
    `preview; \`PULUMI_RUN_PROGRAM=true\` does the same from ${RUN_PROGRAM_ON_UP_SINCE_CLI}). ${environment} ` +
    "in the environment is read each time a command runs and never stored; it is used while the stored " +
    "settings hold none (remove the key from the stack config, then run `pulumi up` once)."
  );
}
