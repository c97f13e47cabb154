// Command pulumi-language-nodejs is a minimal Node.js language host for the Pulumi engine.
//
// Why it exists: the official host lives in the Go module
// github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3, which has no version tags and which the
// Go module proxy reachable from our machines does not serve at all (403 "This module version is not
// available" for its version list and for every pseudo-version tried). scripts/ensure-pulumi.sh builds this
// file instead, in the same throwaway main module as the CLI, against github.com/pulumi/pulumi/sdk/v3 at the
// pinned version.
//
// What it does: the same thing the official host does for `pulumi preview/up/refresh/destroy` of a
// `runtime: nodejs` project. The engine starts it with the engine address as the last argument; it serves
// the LanguageRuntime gRPC service on a free loopback port and prints that port on stdout. On Run it
// resolves @pulumi/pulumi/cmd/run from the program directory and starts `node <cmd/run> --monitor … <entry>`
// with PULUMI_CONFIG / PULUMI_CONFIG_SECRET_KEYS in the environment, so TypeScript (ts-node), tsconfig and
// nodeargs runtime options behave as with the official host.
//
// What it leaves out (returns Unimplemented or nothing): GetRequiredPackages returns no packages (providers
// are then loaded on demand when the program registers a resource, which is all a dynamic provider needs),
// InstallDependencies (`pulumi install`), About, GetProgramDependencies, RunPlugin (Node.js policy packs and
// component plugins), code generation, `pulumi new` prompts, debugger attach, bun, and the synchronous
// invoke pipes (--sync; only the deprecated synchronous invokes use them).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Exit code with which @pulumi/pulumi/cmd/run says "the user already saw an actionable message".
const exitAfterUserMessage = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	engineAddress string
	tracing       string
	cancelCtx     context.Context
	cancel        context.CancelFunc
}

func main() {
	tracing := flag.String("tracing", "", "tracing endpoint, passed on to the Node.js program")
	runtimeName := flag.String("runtime", "nodejs", "only nodejs is supported")
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println(version.Version)
		return
	}
	if *runtimeName != "nodejs" {
		fail(fmt.Errorf("unsupported runtime %q: this minimal host only runs nodejs", *runtimeName))
	}
	engineAddress := ""
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[0]
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	serverCancel := make(chan bool)
	go func() {
		<-ctx.Done()
		close(serverCancel)
	}()
	if engineAddress != "" {
		// Exit when the engine goes away, like every plugin does.
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, stop); err != nil {
			fail(fmt.Errorf("could not start health check: %w", err))
		}
	}

	cancelCtx, cancel := context.WithCancel(context.Background())
	h := &host{engineAddress: engineAddress, tracing: *tracing, cancelCtx: cancelCtx, cancel: cancel}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: serverCancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		fail(fmt.Errorf("could not start language host RPC server: %w", err))
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fail(fmt.Errorf("language host RPC stopped serving: %w", err))
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
	os.Exit(1)
}

func (h *host) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	if a := req.GetEngineAddress(); a != "" {
		h.engineAddress = a
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *host) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *host) GetRequiredPlugins(
	context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancel()
	return &emptypb.Empty{}, nil
}

// resolveFrom prints require.resolve(mod) as seen from dir, the way Node would load it from the program.
func resolveFrom(nodeBin, dir, mod string) (string, error) {
	script := fmt.Sprintf(`try { console.log(require.resolve(%q)); } catch (e) {`+
		` console.error(e.code === "MODULE_NOT_FOUND" ?`+
		` "It looks like the Pulumi SDK has not been installed. Have you run npm install?" : e.message);`+
		` process.exit(1); }`, mod)
	cmd := exec.Command(nodeBin, "-e", script)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", errors.New(strings.TrimSpace(string(ee.Stderr)))
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	if info == nil {
		return &pulumirpc.RunResponse{Error: "run request carries no program info"}, nil
	}
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the $PATH: " + err.Error()}, nil
	}
	runPath := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if runPath == "" {
		runPath = "@pulumi/pulumi/cmd/run"
	}
	runPath, err = resolveFrom(nodeBin, info.GetProgramDirectory(), runPath)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	// Runtime options from Pulumi.yaml (`runtime: {name: nodejs, options: {...}}`).
	typescript := true
	var tsconfig, nodeargs string
	if opts := info.GetOptions(); opts != nil {
		m := opts.AsMap()
		if v, ok := m["typescript"]; ok {
			b, ok := v.(bool)
			if !ok {
				return &pulumirpc.RunResponse{Error: "typescript option must be a boolean"}, nil
			}
			typescript = b
		}
		if v, ok := m["tsconfig"]; ok {
			if tsconfig, ok = v.(string); !ok {
				return &pulumirpc.RunResponse{Error: "tsconfig option must be a string"}, nil
			}
		}
		if v, ok := m["nodeargs"]; ok {
			if nodeargs, ok = v.(string); !ok {
				return &pulumirpc.RunResponse{Error: "nodeargs option must be a string"}, nil
			}
		}
	}

	// Config keys go to the Node.js SDK as "<namespace>:config:<name>", as the official host passes them.
	cfg := map[string]string{}
	for k, v := range req.GetConfig() {
		key, err := config.ParseKey(k)
		if err != nil {
			return &pulumirpc.RunResponse{Error: err.Error()}, nil
		}
		cfg[key.Namespace()+":config:"+key.Name()] = v
	}
	cfgJSON, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}

	args := strings.Fields(nodeargs)
	args = append(args, runPath)
	flagArg := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flagArg("monitor", req.GetMonitorAddress())
	flagArg("engine", h.engineAddress)
	flagArg("organization", req.GetOrganization())
	flagArg("project", req.GetProject())
	flagArg("root-directory", info.GetRootDirectory())
	flagArg("stack", req.GetStack())
	flagArg("pwd", info.GetProgramDirectory())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flagArg("parallel", strconv.Itoa(int(req.GetParallel())))
	flagArg("tracing", h.tracing)
	entry := info.GetEntryPoint()
	if entry == "" {
		entry = "."
	}
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	env := append(os.Environ(), "PULUMI_CONFIG="+string(cfgJSON), "PULUMI_CONFIG_SECRET_KEYS="+string(secretJSON))
	if typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+tsconfig)
	}

	cmdCtx, cmdCancel := context.WithCancel(h.cancelCtx)
	defer cmdCancel()
	context.AfterFunc(ctx, cmdCancel)
	cmd := exec.CommandContext(cmdCtx, nodeBin, args...)
	cmd.Cancel = func() error {
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
	cmd.WaitDelay = 5 * time.Second
	cmd.Dir = info.GetProgramDirectory()
	cmd.Env = env
	// Wrapped so that exec copies through a pipe: Node may switch its stdio to non-blocking mode.
	cmd.Stdout = struct{ *os.File }{os.Stdout}
	cmd.Stderr = struct{ *os.File }{os.Stderr}

	err = cmd.Run()
	if err == nil {
		return &pulumirpc.RunResponse{}, nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ee.ExitCode() == exitAfterUserMessage {
			return &pulumirpc.RunResponse{Bail: true}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", ee.ExitCode())}, nil
	}
	return &pulumirpc.RunResponse{
		Error: fmt.Sprintf("Problem executing program (could not run language executor): %v", err),
	}, nil
}
