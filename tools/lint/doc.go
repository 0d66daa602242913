// Package lint pins golangci-lint, which `make lint` builds once into
// bin/golangci-lint and runs over every module of go.work. It is a module of
// its own, outside go.work, so that the linter's dependency tree never
// reaches Arca's modules; the version lives in this go.mod's tool directive.
package lint
