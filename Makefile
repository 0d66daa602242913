# Arca: run `make help` for the targets.
SHELL := /bin/bash
GO    ?= go
# Every module of the workspace, as package patterns (github.com/.../pkg/x/...).
MODULES  = $(shell $(GO) list -m -f '{{.Path}}/...')
MODDIRS  = $(shell $(GO) list -m -f '{{.Dir}}')
BINARIES = arca
TESTFLAGS ?= -count=1 -timeout 12m

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -hE '^[a-z][a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

build: ## Build every binary into ./bin/
	@mkdir -p bin
	$(GO) build -o bin/arca ./cmd/arca

test: services ## Run every test of every module against the real services
	$(GO) test $(TESTFLAGS) $(MODULES)

# golangci-lint, pinned by tools/lint/go.mod, built once into bin/ and rebuilt
# only when that pin changes. Its patterns are the modules' directories
# (./pkg/...): from the workspace root, ./... matches no module.
GOLANGCI     = bin/golangci-lint
LINTPATTERNS = $(shell $(GO) list -m -f '{{.Dir}}' | sed 's|^$(CURDIR)|.|; s|$$|/...|')

$(GOLANGCI): tools/lint/go.mod tools/lint/go.sum
	@mkdir -p bin
	cd tools/lint && GOWORK=off $(GO) build -o $(CURDIR)/$(GOLANGCI) github.com/golangci/golangci-lint/v2/cmd/golangci-lint

# --allow-parallel-runners: several checkouts (worktrees, a CI run beside development) may lint at once;
# without it the second run fails with "parallel golangci-lint is running".
lint: $(GOLANGCI) ## gofmt, go vet and golangci-lint (.golangci.yml: depguard layering, errcheck, unused, revive, dupl) on every module
	@out=$$(gofmt -l $(MODDIRS)); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(MODULES)
	$(GOLANGCI) run --allow-parallel-runners $(LINTPATTERNS)

lint-selftest: $(GOLANGCI) ## Show that the linter fails a deliberate layering violation (pgx imported by pkg/messages)
	@scripts/lint-selftest.sh

tidy: ## go mod tidy in every module
	@for d in $(MODDIRS); do (cd $$d && $(GO) mod tidy) || exit 1; done

grants: ## Regenerate deploy/compose/nats/accounts.conf and deploy/grants/ from cmd/arca/internal/grants
	cd cmd/arca && go generate ./internal/grants

compose-check: ## Validate deploy/compose: docker-compose config (no engine needed), NATS files (nats-server -t), TLS/healthchecks/limits
	docker-compose -f deploy/compose/docker-compose.yml --env-file deploy/compose/.env.example config -q
	deploy/compose/nats/check.sh
	cd deploy/kubernetes/check && GOWORK=off $(GO) test -count=1 -run Compose .

k8s-check: ## Validate deploy/kubernetes: strict decoding into k8s.io/api types, and what the deployment promises
	cd deploy/kubernetes/check && GOWORK=off $(GO) test -count=1 -run 'Manifest|Deployments|Config|NATS' .

services: ## Start what the tests need and is not running (PostgreSQL; install versitygw)
	@scripts/services.sh

services-demo: ## Start only what the demo needs (PostgreSQL)
	@scripts/services.sh --demo

cluster: build ## Run deploy/compose's topology as processes on loopback: 3 NATS nodes, versitygw, every service x2
	@scripts/cluster.sh start

cluster-stop: ## Stop what make cluster started
	@scripts/cluster.sh stop

chaos: build ## Fault-injection suite on make cluster: 50 tenants, one of 300 MB, each fault of issue #14, then the checks (~5 min)
	@scripts/chaos.sh full

chaos-short: build ## The chaos suite's short profile (CI): 20 tenants, one of 200 MB, the same faults and checks
	@scripts/chaos.sh short

bench: ## Run the benchmarks recorded in docs/benchmarks.md
	$(GO) test -run '^$$' -bench . -benchtime 1x $(MODULES)

bench-compare: build ## The plan's chain, pgBackRest and Arca on one care-home database, interleaved; the table into docs/benchmarks.md (BENCH_SIZE=951 for the issue's size)
	@scripts/bench-compare.sh

gameday: services ## Run the plan's disaster scenarios end to end (docs/gameday.md) and print RTO and RPO for each
	cd cmd/arca && ARCA_GAMEDAY_REPORT=$(CURDIR)/.arca-gameday.md $(GO) test -count=1 -timeout 30m -run '^TestGameDay$$' -v ./internal/gameday

demo: build services-demo ## Back up a sample care-home database end to end and restore one tenant
	@scripts/demo.sh

clean: ## Remove binaries and local state
	rm -rf bin .arca .arca-cluster .arca-gameday.md

clean-demo: ## Remove what make demo made (.arca-demo, the databases arca_demo and arca_demo_catalog)
	rm -rf .arca-demo
	psql -qX -h $${PGHOST:-127.0.0.1} -U $${PGUSER:-postgres} -d postgres -c 'DROP DATABASE IF EXISTS arca_demo WITH (FORCE)' -c 'DROP DATABASE IF EXISTS arca_demo_catalog WITH (FORCE)'

.PHONY: bench-compare lint-selftest chaos chaos-short gameday grants compose-check k8s-check cluster cluster-stop help build test lint tidy services services-demo bench demo clean clean-demo
