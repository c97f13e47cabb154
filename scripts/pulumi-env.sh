# shellcheck shell=bash
# Source me: `source scripts/pulumi-env.sh` (bash). Puts a working Pulumi CLI first on PATH (built by
# scripts/ensure-pulumi.sh when none is installed) and switches off everything that would reach Pulumi's
# services. Returns non-zero, leaving PATH alone, when no CLI can be had.
#
# Exported here:
#   PATH                                              + the bin dir printed by ensure-pulumi.sh
#   PULUMI_SKIP_UPDATE_CHECK=true                     no "new version available" request
#   PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true  a missing plugin is an immediate, clear error instead of
#                                                     a download attempt
# Each test run must set for itself (a fresh temp dir per run; the CLI needs nothing else):
#   PULUMI_BACKEND_URL=file://<tmp>/state             local file backend (or projectSettings.backend.url in
#                                                     the Automation API); without it pulumi wants a login
#   PULUMI_CONFIG_PASSPHRASE=<any string>             passphrase secrets provider without a prompt (or
#                                                     PULUMI_CONFIG_PASSPHRASE_FILE)
#   PULUMI_HOME=<tmp>/home                            optional but recommended: it may be an empty dir (pulumi
#                                                     creates workspaces/ and logs/ in it), and it keeps the
#                                                     user's ~/.pulumi (logins, plugins) out of the tests
# Not needed: PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK (the build carries a real version string).
#
# Gotchas for tests (all seen with CLI 3.276.0 and @pulumi/pulumi 3.270.0):
# - The engine starts pulumi-resource-pulumi-nodejs in the program directory, and it must resolve
#   @pulumi/pulumi from there. In the Automation API that is the project's `main`: the SDK's default
#   project uses process.cwd(), but projectSettings without `main` make it the temporary workDir, where the
#   launcher fails ("cannot resolve @pulumi/pulumi/cmd/dynamic-provider from /tmp/automation-…"). Give
#   projectSettings `main: <a dir whose node_modules has @pulumi/pulumi>` (or set NODE_PATH).
# - Stack.exportStack() runs `pulumi stack export --show-secrets`: secrets come back as
#   {"4dabf18193072939515e22adb298388d": "1b47…", "plaintext": "\"…\""}. To see the stored ciphertext, run
#   `pulumi stack export --stack <name>` yourself (cwd = workspace.workDir, env = workspace.envVars): then
#   {"4dabf18193072939515e22adb298388d": "1b47…", "ciphertext": "v1:…"}.
# - A literal in a dynamic provider's source ends up in the state (the provider is serialized into the
#   __provider input): test for "no plaintext" with a value the provider computes, not one written in it.

if ! (return 0 2>/dev/null); then
    echo "pulumi-env.sh must be sourced: source scripts/pulumi-env.sh" >&2
    exit 2
fi

export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true

if _pulumi_env_bin=$("$(dirname "${BASH_SOURCE[0]}")/ensure-pulumi.sh" | tail -n 1) && [[ -n $_pulumi_env_bin ]]; then
    export PATH="$_pulumi_env_bin:$PATH"
    unset _pulumi_env_bin
else
    unset _pulumi_env_bin
    echo "pulumi-env.sh: no Pulumi CLI available (see the messages of scripts/ensure-pulumi.sh above)" >&2
    return 1
fi
