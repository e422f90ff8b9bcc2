# titrepro — every developer and CI entry point. `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

# Code generation and buf run as Go tools pinned in tools/go.mod, outside the
# workspace so that their dependencies never leak into the services' builds.
TOOL := GOWORK=off go tool -modfile=$(CURDIR)/tools/go.mod
MODULE_DIRS := $(shell go list -m -f '{{.Dir}}')
PACKAGES := $(addsuffix /...,$(MODULE_DIRS))
TEST_FLAGS ?= -race -count=1 -timeout 20m

help: ## Show this help
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

run: ## Run everything in one process: embedded NATS, SQLite files under ./var, gateway on :8080
	go build -o bin/titrepro ./cmd/titrepro
	bin/titrepro serve

run-cluster: ## Run the distributed topology on this machine: PostgreSQL schemas, 3-node NATS JetStream, issuer, every service (assessment ×2), gateway on :8080 (deploy/README.md)
	go build -o bin/titrepro ./cmd/titrepro
	bin/titrepro cluster $(CLUSTER_FLAGS)

test-cluster: ## Fault suite on the distributed topology (NATS node killed, replica SIGKILLed, PostgreSQL restarted, NATS cut off 60 s)
	go test -tags cluster -count=1 -timeout 15m -run '^TestClusterFaults$$' -v ./cmd/titrepro

test: web/node_modules tools/asyncapi/node_modules examples/ministry-consumer-node/node_modules tools/vc-verifier/node_modules ## All tests: unit, storage contracts on SQLite and PostgreSQL, JetStream, end to end, browser
	@source scripts/postgres-env.sh && go test $(TEST_FLAGS) $(PACKAGES)
	cd deploy && GOWORK=off go test $(TEST_FLAGS) ./...

# The browser tests load axe-core from web/node_modules; a fresh clone gets
# it (and the design system's sources) from the versions pinned in
# web/package-lock.json. Install scripts stay off (web/.npmrc).
web/node_modules: web/package.json web/package-lock.json
	npm ci --prefix web --no-audit --no-fund
	@touch web/node_modules

# docs/asyncapi_test.go validates docs/asyncapi.yaml with the official AsyncAPI
# parser, pinned in tools/asyncapi/package-lock.json (install scripts off).
tools/asyncapi/node_modules: tools/asyncapi/package.json tools/asyncapi/package-lock.json
	npm ci --prefix tools/asyncapi --no-audit --no-fund
	@touch tools/asyncapi/node_modules

# cmd/titrepro's TestMinistryConsumerInNode runs the Node.js example of a
# ministry consumer (docs/consumers.md) with its pinned packages.
examples/ministry-consumer-node/node_modules: examples/ministry-consumer-node/package.json examples/ministry-consumer-node/package-lock.json
	npm ci --prefix examples/ministry-consumer-node --no-audit --no-fund
	@touch examples/ministry-consumer-node/node_modules

# cmd/titrepro's TestCredentialsVerifiedInNode verifies the verifiable
# credentials with an independent verifier (docs/credentials.md): jose, ajv
# and ajv-formats pinned in tools/vc-verifier/package-lock.json (install
# scripts off).
tools/vc-verifier/node_modules: tools/vc-verifier/package.json tools/vc-verifier/package-lock.json
	npm ci --prefix tools/vc-verifier --no-audit --no-fund
	@touch tools/vc-verifier/node_modules

web-vendor: web/node_modules ## Copy the design system files the web application uses into gateway/web/static/vendor (WEB_MARIANNE=1 adds the Marianne font)
	scripts/web-vendor.sh

bench: ## Benchmarks (figures printed, never asserted)
	@source scripts/postgres-env.sh && go test -run '^$$' -bench . -benchmem -count=1 $(PACKAGES)

bench-cluster: ## Benchmarks of make bench on the distributed topology (ports +21000): server CPU REST÷gRPC over mutual TLS, validation→TitleAwarded p50/p99, relay ÷ raw publish on 3-replica streams (docs/performance.md)
	go test -tags cluster -count=1 -timeout 30m -run '^$$' -bench '^BenchmarkCluster$$' -benchtime 3s ./cmd/titrepro

# Fuzz targets of the decoders of untrusted input: package folder and target.
FUZZ_TARGETS := \
	services/portfolio/internal/domain/filetype:FuzzInspect \
	services/certification/internal/domain/catalogue:FuzzParse \
	services/certification/internal/domain/certificate:FuzzParseNumber \
	internal/paging:FuzzDecode \
	internal/auth:FuzzVerify
FUZZTIME ?= 10s

fuzz: ## Fuzz every decoder of untrusted input for FUZZTIME each (seed corpora in testdata/fuzz/; make test replays them)
	@for t in $(FUZZ_TARGETS); do dir=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$name ($$dir, $(FUZZTIME))"; \
		go test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) ./$$dir || exit 1; done

generate: ## Regenerate gen/go, the OpenAPI document and the events' descriptor set from proto/ (offline, pinned tools)
	find gen/go -name '*.pb.go' -o -name '*.pb.gw.go' | xargs -r rm -f
	rm -f gateway/internal/openapi/spec/titrepro.swagger.json
	$(TOOL) buf generate
	$(TOOL) buf build --as-file-descriptor-set --exclude-source-info $(addprefix --path ,$(EVENT_PROTOS)) -o gen/go/descriptors/titrepro-events.binpb

# The descriptor set served to event consumers (docs/consumers.md): the
# events of every context with their imports.
EVENT_PROTOS := $(wildcard proto/titrepro/*/v1/events.proto)

check-generated: generate ## Fail when the committed generated code differs from proto/
	@git diff --exit-code -- gen gateway/internal/openapi/spec || { echo "generated code is stale: run make generate and commit"; exit 1; }
	@test -z "$$(git status --porcelain -- gen gateway/internal/openapi/spec)" || { echo "untracked generated files:"; git status --porcelain -- gen gateway/internal/openapi/spec; exit 1; }

lint: ## buf lint and format, gofmt, go vet, layering rules
	$(TOOL) buf lint
	$(TOOL) buf format --diff --exit-code
	@out=$$(gofmt -l $$(git ls-files --cached --others --exclude-standard '*.go' | grep -v '^gen/')); test -z "$$out" || { echo "gofmt needed:"; echo "$$out"; exit 1; }
	go vet $(PACKAGES)
	cd deploy && GOWORK=off go vet ./...
	scripts/check-layering.sh

build: ## Build the binaries into bin/
	go build -o bin/ ./cmd/titrepro ./gateway/cmd/gateway ./services/candidate/cmd/candidate ./services/certification/cmd/certification ./services/assessment/cmd/assessment ./services/portfolio/cmd/portfolio

# The S3 server of the tests (internal/s3test builds it on its own) and of
# the distributed topology: versitygw, Apache-2.0, pinned in tools/go.mod
# (ADR 0019). Serve a folder with bin/versitygw --access K --secret S
# --port :7070 posix DIR (every subfolder of DIR is a bucket).
versitygw: ## Build the S3-compatible server (versitygw, pinned in tools/go.mod) into bin/
	cd tools && GOWORK=off go build -o $(CURDIR)/bin/versitygw github.com/versity/versitygw/cmd/versitygw

tidy: ## go mod tidy in every module
	@for m in $(MODULE_DIRS) tools tools/promtool deploy; do (cd $$m && GOWORK=off go mod tidy) || exit 1; done

clean: ## Remove binaries and the local data folder (./var)
	rm -rf bin var

.PHONY: help run run-cluster test-cluster test web-vendor bench bench-cluster fuzz generate check-generated lint build versitygw tidy clean
