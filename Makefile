# pinhash: the targets the README names. `make run` and `make test` do all set-up on a fresh Debian
# machine: they install the Debian packages pinhash builds and tests with when missing (as root), or
# say exactly what to install.

SWIFT ?= swift
PREFIX ?= /usr/local
RELEASE_FLAGS := -c release --static-swift-stdlib
BIN := .build/release/pinhash
BUILD_PACKAGES := libssl-dev pkg-config
TEST_PACKAGES := $(BUILD_PACKAGES) openssl gnutls-bin ca-certificates
SWIFT_FILES = $(shell git ls-files '*.swift')

.PHONY: build run test bench lint format fixtures install clean build-deps test-deps

build: build-deps
	$(SWIFT) build $(RELEASE_FLAGS) --product pinhash

run: build
	$(BIN) --cert Fixtures/certs/chain.pem --all

test: test-deps
	$(SWIFT) build --product pinhash
	$(SWIFT) test

bench: build test-deps
	PINHASH=$(BIN) bash Tests/Bench/bench.sh

lint:
	$(SWIFT) format lint --strict --parallel $(SWIFT_FILES)

format:
	$(SWIFT) format --in-place --parallel $(SWIFT_FILES)

fixtures:
	bash Fixtures/make-fixtures.sh

install: build
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/pinhash

clean:
	rm -rf .build

build-deps:
	@sh .ci/install-packages $(BUILD_PACKAGES)

test-deps:
	@sh .ci/install-packages $(TEST_PACKAGES)
