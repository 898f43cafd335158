# pinhash: the targets the README names. `make run` and `make test` do all set-up on a fresh Debian
# machine: they install the Debian packages pinhash builds and tests with when missing (as root), or
# say exactly what to install.

SWIFT ?= swift
PREFIX ?= /usr/local
RELEASE_FLAGS := -c release --static-swift-stdlib
BIN := .build/release/pinhash
REPORTS_BIN := .build/release/pinhash-reports
BUILD_PACKAGES := libssl-dev libsqlite3-dev pkg-config
# The programs the tests compare pinhash with, serve the fixtures with, or feed its --format output to:
# chromium (--ignore-certificate-errors-spki-list) and OkHttp with a JDK to compile a client of it; the
# sqlite3 CLI reads the report collector's database in its tests and bench, wrk loads it in the bench.
TEST_PACKAGES := $(BUILD_PACKAGES) openssl gnutls-bin ca-certificates curl python3 python3-yaml nginx apache2 \
	chromium default-jdk-headless libokhttp-java sqlite3 wrk
SWIFT_FILES = $(shell git ls-files '*.swift')
# make fuzz SECONDS=N: how long libFuzzer runs each target (FUZZ_TARGETS="pem der ..." picks some).
SECONDS ?= 60
ASAN_BUILD ?= .build/asan
TSAN_BUILD ?= .build/tsan

.PHONY: build run test bench lint format fixtures catalogue install clean build-deps test-deps sanitize fuzz leakcheck corpus

build: build-deps
	$(SWIFT) build $(RELEASE_FLAGS) --product pinhash
	$(SWIFT) build $(RELEASE_FLAGS) --product pinhash-reports

run: build
	$(BIN) --cert Fixtures/certs/chain.pem --all

test: test-deps
	$(SWIFT) build --product pinhash
	$(SWIFT) build --product pinhash-reports
	$(SWIFT) test

# The test suites again under AddressSanitizer (with LeakSanitizer) and ThreadSanitizer, each in its own
# scratch path so the normal build stays as it is; the command-line tests run a pinhash built with the
# same sanitizer. .ci/lsan.supp names leaks that are not pinhash's (XCTest, Foundation, ArgumentParser) and
# print_suppressions=0 keeps their statistics out of the one-line errors the tests read. Not
# UndefinedBehaviorSanitizer: Swift 6.3 refuses -sanitize=undefined on Linux ("unsupported option"), and
# pinhash has no C code of its own for it to check (Swift traps on overflow and out-of-bounds access in
# every build); ThreadSanitizer checks the two threads that decode bulk certificates instead.
sanitize: test-deps
	$(SWIFT) build --product pinhash --sanitize=address --scratch-path $(ASAN_BUILD)
	$(SWIFT) build --product pinhash-reports --sanitize=address --scratch-path $(ASAN_BUILD)
	PINHASH_BINARY=$(abspath $(ASAN_BUILD))/debug/pinhash LSAN_OPTIONS=suppressions=$(CURDIR)/.ci/lsan.supp:print_suppressions=0 \
		$(SWIFT) test --sanitize=address --scratch-path $(ASAN_BUILD)
	$(SWIFT) build --product pinhash --sanitize=thread --scratch-path $(TSAN_BUILD)
	$(SWIFT) build --product pinhash-reports --sanitize=thread --scratch-path $(TSAN_BUILD)
	PINHASH_BINARY=$(abspath $(TSAN_BUILD))/debug/pinhash \
		$(SWIFT) test --sanitize=thread --scratch-path $(TSAN_BUILD)

# libFuzzer over each parser (.ci/fuzz lists the targets) for SECONDS seconds each, two at a time;
# crashes land in Fixtures/fuzz-regressions.
fuzz: build-deps
	SWIFT=$(SWIFT) bash .ci/fuzz $(SECONDS)

# The release pinhash under valgrind over every fixture: fails on any definitely or indirectly lost block.
leakcheck: build test-deps
	@sh .ci/install-packages valgrind
	bash .ci/leakcheck $(BIN)

# pinhash over pyca's cryptography_vectors (PyPI, downloaded once into .build/corpus): every pin checked
# against asn1crypto's cut of the stored SPKI (or openssl's for private keys), every refusal one line.
corpus: test-deps
	@sh .ci/install-packages python3-pip
	$(SWIFT) build --product pinhash
	python3 Tests/Corpus/cryptography-vectors.py .build/debug/pinhash

bench: build test-deps
	PINHASH=$(BIN) PINHASH_REPORTS=$(REPORTS_BIN) bash Tests/Bench/bench.sh

# swift format, then the library's boundaries: only OpenSSL/ folders import the C modules, and the
# library names no command-line option (.ci/check-boundaries).
lint:
	@$(SWIFT) format lint --strict --parallel $(SWIFT_FILES)
	bash .ci/check-boundaries

format:
	$(SWIFT) format --in-place --parallel $(SWIFT_FILES)

fixtures:
	bash Fixtures/make-fixtures.sh

# The CA catalogue (README "CA catalogue") from the system trust store and Catalogue/intermediates.
catalogue:
	python3 Catalogue/make-catalogue.py

install: build
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/pinhash
	install -m 0755 $(REPORTS_BIN) $(DESTDIR)$(PREFIX)/bin/pinhash-reports

clean:
	rm -rf .build

build-deps:
	@sh .ci/install-packages $(BUILD_PACKAGES)

test-deps:
	@sh .ci/install-packages $(TEST_PACKAGES)
