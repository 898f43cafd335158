# pinhash: the targets the README names. `make run` and `make test` do all set-up on a fresh Debian
# machine: they install the Debian packages pinhash builds and tests with when missing (as root), or
# say exactly what to install.

SWIFT ?= swift
PREFIX ?= /usr/local
# Without SwiftPM's $$ORIGIN library search path: the programs load only the system's libraries, and
# each run is spared a dozen failed opens of libraries beside the binary (.ci/deb-check holds it).
RELEASE_FLAGS := -c release --static-swift-stdlib --disable-local-rpath
BIN := .build/release/pinhash
# The programs `make install` and `make deb` ship: Package.swift's executable products. Each gets its man
# pages (generate-manual's PRODUCT.1 and PRODUCT.SUBCOMMAND.1) and its bash, zsh and fish completions.
PRODUCTS := pinhash pinhash-reports
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man/man1
BASH_COMPLETION_DIR ?= $(PREFIX)/share/bash-completion/completions
ZSH_COMPLETION_DIR ?= $(PREFIX)/share/zsh/site-functions
FISH_COMPLETION_DIR ?= $(PREFIX)/share/fish/vendor_completions.d
# The pages' date: the last commit's, so that the same tree gives the same pages.
MAN_DATE := $(shell git log -1 --format=%cs 2>/dev/null || date -u +%F)
BUILD_PACKAGES := libssl-dev libyaml-dev libexpat1-dev libplist-dev libsqlite3-dev pkg-config
# The programs the tests compare pinhash with, serve the fixtures with, or feed its --format output to:
# chromium (--ignore-certificate-errors-spki-list) and OkHttp with a JDK to compile a client of it;
# publicsuffix (the list pinhash audit reads at run time) and libpsl's psl, which the tests compare it with;
# the sqlite3 CLI reads the report collector's database in its tests and bench, wrk loads it in the bench;
# binutils' readelf names the sonames linking would record, which the libraries loaded on first use must have.
TEST_PACKAGES := $(BUILD_PACKAGES) openssl gnutls-bin ca-certificates curl python3 python3-yaml nginx apache2 \
	chromium default-jdk-headless libokhttp-java publicsuffix psl sqlite3 wrk binutils
REPORTS_BIN := .build/release/pinhash-reports
SWIFT_FILES = $(shell git ls-files '*.swift')
# make fuzz SECONDS=N: how long libFuzzer runs each target (FUZZ_TARGETS="pem der ..." picks some).
SECONDS ?= 60
ASAN_BUILD ?= .build/asan
TSAN_BUILD ?= .build/tsan

.PHONY: build run test bench lint format fixtures catalogue install uninstall man completions deb deb-check clean \
	build-deps test-deps sanitize fuzz leakcheck corpus

build: build-deps
	for product in $(PRODUCTS); do $(SWIFT) build $(RELEASE_FLAGS) --product $$product || exit 1; done

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
# pinhash's only C code is the delay-load forwarders, one call each (Swift traps on overflow and
# out-of-bounds access in every build); ThreadSanitizer checks the two threads that decode bulk
# certificates instead.
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

# Man pages from the command definitions: swift-argument-parser's generate-manual plugin (a debug build,
# which leaves the release binary alone) writes one page per command, then Packaging/finish-manual.awk
# turns each command's "Exit status:" and "Examples:" paragraphs into EXIT STATUS and EXAMPLES sections.
man: build-deps
	rm -rf .build/man && mkdir -p .build/man
	$(SWIFT) package plugin generate-manual --configuration debug --multi-page --date $(MAN_DATE)
	for page in .build/plugins/GenerateManual/outputs/*/*.1; do \
		case $$page in *.help.1) continue ;; esac; \
		awk -f Packaging/finish-manual.awk $$page > .build/man/$${page##*/} || exit 1; \
	done

# bash, zsh and fish completion scripts, from the release binaries.
completions: build
	mkdir -p .build/completions
	for product in $(PRODUCTS); do \
		.build/release/$$product --generate-completion-script bash > .build/completions/$$product.bash && \
		.build/release/$$product --generate-completion-script zsh > .build/completions/_$$product && \
		.build/release/$$product --generate-completion-script fish > .build/completions/$$product.fish || exit 1; \
	done

# The man pages first: the plugin's build must not come after the release build it shares .build with.
install: man completions
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(BASH_COMPLETION_DIR) \
		$(DESTDIR)$(ZSH_COMPLETION_DIR) $(DESTDIR)$(FISH_COMPLETION_DIR)
	for product in $(PRODUCTS); do \
		install -m 0755 .build/release/$$product $(DESTDIR)$(BINDIR)/$$product && \
		install -m 0644 .build/completions/$$product.bash $(DESTDIR)$(BASH_COMPLETION_DIR)/$$product && \
		install -m 0644 .build/completions/_$$product $(DESTDIR)$(ZSH_COMPLETION_DIR)/_$$product && \
		install -m 0644 .build/completions/$$product.fish $(DESTDIR)$(FISH_COMPLETION_DIR)/$$product.fish || exit 1; \
	done
	install -m 0644 .build/man/*.1 $(DESTDIR)$(MANDIR)/

uninstall:
	for product in $(PRODUCTS); do \
		rm -f $(DESTDIR)$(BINDIR)/$$product $(DESTDIR)$(MANDIR)/$$product.1 $(DESTDIR)$(MANDIR)/$$product.*.1 \
			$(DESTDIR)$(BASH_COMPLETION_DIR)/$$product $(DESTDIR)$(ZSH_COMPLETION_DIR)/_$$product \
			$(DESTDIR)$(FISH_COMPLETION_DIR)/$$product.fish; \
	done

# A Debian package of what `make install` lays out under /usr (zsh's Debian directory, man pages
# gzipped as Debian policy asks), built by dpkg-deb from Packaging/control.in; Depends names the packages
# of the shared libraries the binaries load (libssl3 among them). deb-check installs it with dpkg --root
# into a fresh directory and runs it there (.ci/deb-check).
deb: man completions
	bash Packaging/make-deb $(PRODUCTS)

deb-check: deb
	@sh .ci/install-packages man-db
	bash .ci/deb-check

clean:
	rm -rf .build

build-deps:
	@sh .ci/install-packages $(BUILD_PACKAGES)

test-deps:
	@sh .ci/install-packages $(TEST_PACKAGES)
