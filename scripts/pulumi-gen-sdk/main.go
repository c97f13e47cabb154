// pulumi-gen-sdk writes a Node.js, Python or Go SDK for a Pulumi package schema:
//
//	pulumi-gen-sdk --schema schema.json --language nodejs|python|go --out DIR [--local]
//
// It does what `pulumi package gen-sdk` does, but calls Pulumi's code generators
// (github.com/pulumi/pulumi/pkg/v3/codegen/{nodejs,python,go}) directly: the CLI hands code generation to the
// language hosts (pulumi-language-nodejs/-python/-go), whose modules the Go module proxy reachable here refuses
// (403), so they cannot be built. Built by scripts/ensure-sdk-gen.sh. (.NET and Java have no generator in
// pkg/v3: theirs live in the pulumi-dotnet and pulumi-java repositories, whose modules the proxy refuses too.)
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-gen-sdk"

// noLoader refuses every package reference: our schema refers to no other package, and failing loudly beats
// the plugin loader, which would start or download plugins.
type noLoader struct{}

var errNoLoader = errors.New("pulumi-gen-sdk: schemas referring to other packages are not supported")

func (noLoader) LoadPackage(string, *semver.Version) (*schema.Package, error) {
	return nil, errNoLoader
}
func (noLoader) LoadPackageV2(context.Context, *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, errNoLoader
}
func (noLoader) LoadPackageReference(string, *semver.Version) (schema.PackageReference, error) {
	return nil, errNoLoader
}
func (noLoader) LoadPackageReferenceV2(context.Context, *schema.PackageDescriptor) (schema.PackageReference, error) {
	return nil, errNoLoader
}

// defaultGoImportBasePath is the Go SDK's import path when the schema sets no language.go.importBasePath: a
// path under the package's name on a domain reserved for examples (RFC 2606), so that nobody can publish a
// module there and a program gets the SDK only through a `replace` directive pointing at the generated folder.
// The generator's own default, example.com/pulumi-<name>/sdk/go/<name>, would be a path under a name that
// poses as one of Pulumi's packages.
func defaultGoImportBasePath(name string) string {
	return "example.com/" + name + "/sdk/go/" + strings.ReplaceAll(name, "-", "")
}

// languageDefaults sets the schema's options for language that this tool needs and the schema may lack, keeping
// any option the schema sets:
//   - respectSchemaVersion: true. Without it the generators write the placeholder versions ${VERSION}
//     (package.json), 0.0.0 (setup.py) or none (Go) that a release pipeline would replace; the SDK then asks the
//     engine for a plugin of that version instead of the schema's, which is the plugin's own version.
//   - go: importBasePath ([defaultGoImportBasePath]).
func languageDefaults(spec *schema.PackageSpec, language string) error {
	options := map[string]any{}
	if raw, ok := spec.Language[language]; ok {
		if err := json.Unmarshal(raw, &options); err != nil {
			return fmt.Errorf("language.%s of the schema: %w", language, err)
		}
	}
	if _, set := options["respectSchemaVersion"]; !set {
		options["respectSchemaVersion"] = true
	}
	if _, set := options["importBasePath"]; language == "go" && !set {
		options["importBasePath"] = defaultGoImportBasePath(spec.Name)
	}
	raw, err := json.Marshal(options)
	if err != nil {
		return err
	}
	if spec.Language == nil {
		spec.Language = map[string]schema.RawMessage{}
	}
	spec.Language[language] = raw
	return nil
}

func run(schemaPath, language, out string, local bool) error {
	if language != "nodejs" && language != "python" && language != "go" {
		return fmt.Errorf("unsupported --language %q (nodejs, python or go)", language)
	}
	text, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(text, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	if err := languageDefaults(&spec, language); err != nil {
		return err
	}
	// BindSpec validates against the metaschema too, so a broken schema fails here rather than as odd code.
	pkg, diags, err := schema.BindSpec(spec, noLoader{}, schema.ValidationOptions{})
	if err == nil && diags.HasErrors() {
		err = errors.Join(diags.Errs()...) // every problem, not the first and a count
	}
	if err != nil {
		return fmt.Errorf("binding %s: %w", schemaPath, err)
	}
	var files map[string][]byte
	switch language {
	case "nodejs":
		// local: what `pulumi package add` makes, an SDK a project installs from its folder (`file:` dependency)
		// whose postinstall compiles it; without, a package to build with `tsc` and publish (no `main`).
		files, err = nodejs.GeneratePackage(tool, pkg, nil, nil, local, noLoader{})
	case "go":
		// local: what `pulumi package add` makes, which sets SupportPack: a module of its own, with a go.mod whose
		// module path is the import base path's parent, that a program requires through a `replace` directive.
		// Without, the packages alone (no go.mod), as `pulumi package gen-sdk` writes them for a repository's
		// own module.
		pkg.SupportPack = pkg.SupportPack || local
		files, err = gogen.GeneratePackage(tool, pkg, nil)
	default:
		files, err = python.GeneratePackage(tool, pkg, nil, noLoader{})
	}
	if err != nil {
		return fmt.Errorf("generating the %s SDK: %w", language, err)
	}
	for name, content := range files {
		target := filepath.Join(out, name)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, content, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "%s: wrote %d files of the %s SDK for %s %s to %s\n",
		tool, len(files), language, pkg.Name, pkg.Version, out)
	return nil
}

func main() {
	// A flag set of our own: the default one also carries glog's flags, which pkg's dependencies register.
	flags := flag.NewFlagSet(tool, flag.ExitOnError)
	schemaPath := flags.String("schema", "", "the package schema (JSON), e.g. from 'pulumi package get-schema'")
	language := flags.String("language", "", "nodejs, python or go")
	out := flags.String("out", "", "the folder to write the SDK into (created if missing)")
	local := flags.Bool("local", false,
		"an SDK as 'pulumi package add' makes it: nodejs: compiled when installed (like gen-sdk --local); "+
			"go: a module of its own (go.mod) to require through a replace directive")
	_ = flags.Parse(os.Args[1:])
	if *schemaPath == "" || *language == "" || *out == "" || flags.NArg() != 0 {
		flags.Usage()
		os.Exit(2)
	}
	if err := run(*schemaPath, *language, *out, *local); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", tool, err)
		os.Exit(1)
	}
}
