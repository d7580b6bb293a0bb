# ketenpoort — the two commands a new user needs are `make demo` and `make test`.
# Both install what this machine lacks first (see `deps`).

GO        ?= go
PKG       := ./...
BIN       := bin/ketenpoort
GOFLAGS   ?=
export CGO_ENABLED := 1

# System packages the build and the tests need: cgo + libxml2 for XSD validation, PostgreSQL server binaries for a
# private throwaway cluster when no server answers, kcat to prove the embedded broker speaks real Kafka.
APT_PKGS  := libxml2-dev pkg-config postgresql kcat libxml2-utils

.PHONY: all deps build test test-short demo bench fuzz vet generate clean

all: build

deps:
	@./deploy/install-deps.sh $(APT_PKGS)

build: deps
	$(GO) build -o $(BIN) ./cmd/ketenpoort

vet: deps
	$(GO) vet $(PKG)

# The Kafka conformance suite runs on its own: its reads have fixed timeouts that a machine busy with the other
# packages' tests can exceed.
test: deps vet
	$(GO) test -count=1 -timeout 30m $$($(GO) list $(PKG) | grep -v '/pipelines/kafka$$')
	$(GO) test -count=1 -timeout 30m ./pipelines/kafka

test-short: deps
	$(GO) test -count=1 -short $(PKG)

demo: build
	./deploy/demo.sh $(BIN)

bench: deps
	$(GO) test -run '^$$' -bench . -benchmem -count 5 $(PKG) | tee bench.out

# Fuzz every target for FUZZTIME (default 60s); crashers land in testdata/fuzz and become regression cases.
FUZZTIME ?= 60s
fuzz: deps
	@./deploy/fuzz-all.sh $(FUZZTIME)

generate:
	$(GO) generate $(PKG)

clean:
	rm -rf bin bench.out
