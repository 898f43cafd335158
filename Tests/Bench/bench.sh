#!/usr/bin/env bash
# pinhash benchmark — run from anywhere as `bash Tests/Bench/bench.sh` (that is what `make bench` calls).
#
# What it measures (each figure is a RATIO against a baseline measured in this same run):
#   0. start   `pinhash --version` against a static Swift "hello" (Tests/Bench/hello.swift, built with the
#              same toolchain and --static-stdlib): no target; the binary's size is printed with it.
#   1. bulk    `pinhash --cert bundle100.pem --all` (the system CA bundle concatenated 100 times, ~13,900
#              certificates, ~21 MB) against the C yardstick ../shared/bench/cwalk.c (PEM_read_bio + a DER
#              walk to the SPKI + EVP_Digest). Target: ratio <= 0.25 (four times as fast). For scale only, also
#              `cwalk FILE d2i` (the straightforward d2i_X509 path) and Python `cryptography` if importable.
#              Correctness: pinhash's pins (first column) must equal cwalk's output line for line.
#   2. one     `pinhash --cert cert.pem` against the openssl x509|rsa|dgst|enc pipeline (target <= 0.15), and
#              `pinhash key.pem` (RSA-2048) against Tests/Bench/minimal-key.c, the least a C program on
#              OpenSSL does for a key pin (target <= 1.20), with the openssl rsa|dgst|enc pipeline beside it.
#              Correctness: pinhash prints exactly what the pipelines print.
#   3. stream  the CA bundle repeated 1,000 times (~139,000 certificates, ~213 MB) piped into
#              `pinhash --cert - --all`: every pin printed (line count and a checksum of the first column
#              equal cwalk's on the same bundle) with peak RSS (GNU time %M, pinhash only) under 64 MiB.
#   5. check   `pinhash check` over 200 loopback TLS servers (one python3 asyncio process listening on 200
#              ports, Tests/Bench/tls-ports-server.py, leaf.pem + intermediate.pem) against sslyze --certinfo
#              (PyPI, installed into .build/sslyze-venv) scanning the same 200 servers for their chains, both
#              trusting Fixtures/certs/root.pem. Target: ratio <= 0.25 and pinhash's peak RSS < 64 MiB.
#              Correctness: pinhash reports 200 addresses, all ok; sslyze completes 200 scans.
#   6. reports pinhash-reports serve on loopback, wrk (Debian) POSTing one fixed TrustKit report
#              (Tests/Bench/post-report.lua, the fixture chain) over 64 connections for 10 s: reports
#              acknowledged (2xx) per second and wrk's p99 latency. Target: >= 5,000 a second, p99 < 20 ms.
#              Correctness: after a SIGTERM, the database (read by the sqlite3 CLI) counts at least every
#              report acknowledged (the same report from one client is one row with a count).
#   4. begins  17 MiB of `-----BEGIN CERTIFICATE-----` lines (one block that never ends, refused at the
#              16 MiB block limit) read from a file and through a pipe: pinhash's CPU time (user + system,
#              GNU time, median of 5 runs each) through the pipe against from the file. Target: ratio
#              <= 2.00 (the scan is linear whatever the read size; it was 12 times slower through a pipe).
#
# Instructions: beside each timed row, callgrind's count of the instructions each side runs (a pipeline's
# processes summed; pinhash from a copy without debug information, which valgrind reads slowly), which
# does not drift with the machine's load as times do. Skipped (shown as -) without valgrind.
#
# Why medians and ratios: the machine is shared and noisy (other builds run alongside). Absolute times
# say little from one run to the next, so every figure is a ratio to a baseline timed in the same run,
# seconds apart; each comparison is timed in several alternating hyperfine rounds (so a burst of load
# hits both sides), without a shell (-N; the openssl pipelines are run through `sh -c` and so include
# that shell), and the median of all runs is used, not the mean. Nothing asserts an absolute time.
#
# Exit status: 0 all targets met and all outputs agree; 1 a target missed or outputs disagree (or pinhash
# failed); 2 the set-up failed (missing tool that could not be installed, no pinhash binary, build error).
#
# Environment:
#   PINHASH        binary under test (default .build/release/pinhash, relative to the project root)
#   BENCH_RUNS     multiplier for the number of timed runs (default 1; e.g. 0.3 for a quick look, 3 for more)
#   BENCH_ROUNDS   interleaved hyperfine rounds per comparison (default 3)
#   BENCH_DIR      work directory (default .build/bench; git-ignored). Bundles are cached there.
#   BENCH_KEEP_BIG 1 (default) keeps the 213 MB bundle1000.pem cached in BENCH_DIR; 0 deletes it after use
#   BENCH_SKIP_SCALE 1 skips the for-scale measurements (cwalk d2i, Python)
#   PINHASH_REPORTS the collector under test (default .build/release/pinhash-reports)
#   BENCH_ONLY     run only these rows (space-separated: start bulk one connect stream begins check
#                  reports); default all
#   BENCH_COUNT    0 skips the callgrind instruction counts (default 1)

set -Eeuo pipefail
export LC_ALL=C

readonly CALLER_PWD=$PWD
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly ROOT
cd "$ROOT"

readonly CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
readonly CWALK_SRC=$ROOT/../shared/bench/cwalk.c
readonly MINIMAL_SRC=$ROOT/Tests/Bench/minimal-key.c
readonly RSS_LIMIT_MIB=64
readonly HELLO_SRC=$ROOT/Tests/Bench/hello.swift
readonly TARGET_BULK=0.25 TARGET_CERT=0.15 TARGET_KEY=1.20 TARGET_CHECK=0.25 CHECK_SERVERS=200
readonly TARGET_REPORTS_PER_SECOND=5000 TARGET_REPORTS_P99_MS=20

BENCH_DIR=${BENCH_DIR:-$ROOT/.build/bench}
BENCH_RUNS=${BENCH_RUNS:-1}
BENCH_ROUNDS=${BENCH_ROUNDS:-3}
BENCH_KEEP_BIG=${BENCH_KEEP_BIG:-1}
BENCH_SKIP_SCALE=${BENCH_SKIP_SCALE:-0}
BENCH_COUNT=${BENCH_COUNT:-1}
LOG=$BENCH_DIR/bench.log

FAILED=0          # set to 1 when a target is missed or an output disagrees
REPORT=()         # lines of the final report
APT_UPDATED=0

# ---------------------------------------------------------------------------------------------- helpers

log() { printf 'bench: %s\n' "$*" >&2; }

setup_fail() {
  log "SET-UP FAILED: $*"
  exit 2
}
trap 'setup_fail "unexpected error at line $LINENO: $BASH_COMMAND"' ERR

# report FORMAT ARGS... — appends one printf-formatted line to the final report
# shellcheck disable=SC2059
report() { REPORT+=("$(printf "$@")"); }

fail() { FAILED=1; log "FAIL: $*"; }

# awk-based float helpers (bash has integers only)
calc() { awk "BEGIN { printf \"%.6f\", $* }"; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
thousands() { printf '%s' "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'; }
verdict() { if le "$1" "$2"; then echo PASS; else echo FAIL; fi; }

# seconds -> "42.1 ms" or "2.71 s"
fmt_time() { awk -v s="$1" 'BEGIN { if (s < 1) printf "%.1f ms", s * 1000; else printf "%.2f s", s }'; }

# number of timed runs for a nominal count, scaled by BENCH_RUNS and split over rounds (>= 2 each)
runs_per_round() {
  local total=$1 rounds=$2
  awk -v n="$total" -v m="$BENCH_RUNS" -v r="$rounds" \
    'BEGIN { x = n * m / r; x = (x == int(x)) ? x : int(x) + 1; if (x < 2) x = 2; print x }'
}

# cmdline WORD... — one command line for hyperfine -N (which splits it with shell-words rules); words
# with characters other than [A-Za-z0-9_./=:+-] are single-quoted
cmdline() {
  local w words=()
  for w in "$@"; do
    if [[ $w =~ ^[A-Za-z0-9_./=:+-]+$ ]]; then words+=("$w"); else words+=("'${w//\'/\'\\\'\'}'"); fi
  done
  printf '%s' "${words[*]}"
}

# instructions CMD... — callgrind's instruction count for the command, every process it starts summed
# (a pipeline run through sh -c); "-" without valgrind or with BENCH_COUNT=0
instructions() {
  if [[ $BENCH_COUNT == 0 ]] || ! command -v valgrind >/dev/null; then
    echo -
    return 0
  fi
  local dir
  dir=$(mktemp -d "$BENCH_DIR/callgrind.XXXXXX")
  valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$dir/out.%p" "$@" >/dev/null 2>"$dir/err" ||
    true
  awk '/^summary:/ { total += $2 } END { print total + 0 }' "$dir"/out.*
  rm -rf "$dir"
}

# fmt_count N — "13.8M instr" (or "-" as it came)
fmt_count() {
  if [[ $1 == - ]]; then echo -; else awk -v n="$1" 'BEGIN { printf "%.1fM instr", n / 1e6 }'; fi
}

# counted LABEL CMD... — "LABEL 13.8M instr" for a row's instruction line
counted() {
  local label=$1
  shift
  printf '%s %s' "$label" "$(fmt_count "$(instructions "$@")")"
}

# ------------------------------------------------------------------------------------------------ set-up

apt_install() {
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    return 1
  fi
  if ((APT_UPDATED == 0)); then
    log "apt-get update"
    apt-get update -qq >>"$LOG" 2>&1 || return 1
    APT_UPDATED=1
  fi
  log "apt-get install -y $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >>"$LOG" 2>&1
}

ensure_tools() {
  local missing=()
  command -v hyperfine >/dev/null || missing+=(hyperfine)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v gcc >/dev/null || missing+=(gcc)
  [[ -r /usr/include/openssl/evp.h ]] || missing+=(libssl-dev)
  [[ -x /usr/bin/time ]] || missing+=(time)
  [[ -s $CA_BUNDLE ]] || missing+=(ca-certificates)
  command -v python3 >/dev/null || command -v jq >/dev/null || missing+=(jq)
  if ((${#missing[@]})); then
    apt_install "${missing[@]}" ||
      setup_fail "missing ${missing[*]}; install with: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  fi
  hyperfine -N --version >/dev/null 2>&1 || setup_fail "hyperfine $(hyperfine --version) lacks -N; need >= 1.13"
  if [[ $BENCH_COUNT != 0 ]] && ! command -v valgrind >/dev/null; then
    apt_install valgrind || log "no valgrind: instruction counts are shown as -"
  fi
}

# PINHASH_COUNTED: the binary under test without its debug information, for callgrind (which reads the
# debug information of an 80 MB binary slowly); the same code, so the same instructions.
prepare_counting() {
  PINHASH_COUNTED=$BENCH_DIR/pinhash-callgrind
  if ! { cp "$PINHASH" "$PINHASH_COUNTED" && objcopy --strip-debug "$PINHASH_COUNTED"; } 2>>"$LOG"; then
    PINHASH_COUNTED=$PINHASH
  fi
}

# binary_size FILE — "86.6 MB"
binary_size() { awk -v b="$(stat -L -c %s "$1")" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }

# PY: a Python interpreter (resolved past pyenv shims, whose start-up would be timed) that imports
# cryptography, or empty. Debian's python3-cryptography is installed when missing and installable.
find_python() {
  PY=""
  local cand exe
  for cand in python3 /usr/bin/python3; do
    command -v "$cand" >/dev/null || continue
    exe=$("$cand" -c 'import sys, cryptography; print(sys.executable)' 2>/dev/null) || continue
    PY=$exe
    return 0
  done
  if apt-cache policy python3-cryptography 2>/dev/null | grep -q 'Candidate: [0-9]' &&
    apt_install python3-cryptography; then
    PY=$(/usr/bin/python3 -c 'import sys, cryptography; print(sys.executable)' 2>/dev/null) || PY=""
  fi
}

resolve_pinhash() {
  if [[ -n ${PINHASH:-} ]]; then
    # a user-given relative path is taken from where the script was called, if it exists there
    [[ $PINHASH == /* || ! -e $CALLER_PWD/$PINHASH ]] || PINHASH=$CALLER_PWD/$PINHASH
  else
    PINHASH=.build/release/pinhash
  fi
  [[ $PINHASH == /* ]] || PINHASH=$ROOT/$PINHASH
  [[ -x $PINHASH ]] ||
    setup_fail "no pinhash binary at $PINHASH (build it: swift build -c release --product pinhash, or set PINHASH)"
  PINHASH_STAMP=$(stat -L -c '%Y %s' "$PINHASH")
}

build_c() { # build_c SRC OUT
  local src=$1 out=$2
  [[ -r $src ]] || setup_fail "missing $src"
  if [[ ! -x $out || $src -nt $out ]]; then
    log "gcc -O2 $(basename "$src")"
    gcc -O2 "$src" -o "$out" -lcrypto >>"$LOG" 2>&1 || setup_fail "cannot build $src (see $LOG)"
  fi
}

make_bundle() { # make_bundle COPIES OUT — the CA bundle concatenated COPIES times, cached when up to date
  local copies=$1 out=$2 want
  want=$(($(stat -c %s "$CA_BUNDLE") * copies))
  if [[ -f $out && $(stat -c %s "$out") -eq $want && $out -nt $CA_BUNDLE ]]; then
    return 0
  fi
  log "writing $(basename "$out") ($((want / 1048576)) MiB)"
  local i
  for ((i = 0; i < copies; i++)); do cat "$CA_BUNDLE"; done >"$out.tmp"
  mv "$out.tmp" "$out"
}

# the openssl pipelines below use `openssl rsa`, so fixtures are used only when they hold RSA keys
is_rsa_cert() { openssl x509 -in "$1" -pubkey -noout 2>/dev/null | openssl rsa -pubin -noout >/dev/null 2>&1; }
is_rsa_key() { openssl rsa -in "$1" -noout >/dev/null 2>&1; }

# CERT, KEY: RSA-2048 inputs for the one-file figures (fixtures when present, else generated once)
choose_inputs() {
  if [[ -f Fixtures/certs/leaf.pem ]] && is_rsa_cert Fixtures/certs/leaf.pem; then
    CERT=$ROOT/Fixtures/certs/leaf.pem
  else
    CERT=$BENCH_DIR/cert.pem
  fi
  if [[ -f Fixtures/keys/rsa2048.pkcs8.pem ]] && is_rsa_key Fixtures/keys/rsa2048.pkcs8.pem; then
    KEY=$ROOT/Fixtures/keys/rsa2048.pkcs8.pem
  else
    KEY=$BENCH_DIR/key.pem
  fi
  if [[ ( $CERT == "$BENCH_DIR/cert.pem" || $KEY == "$BENCH_DIR/key.pem" ) &&
    ! ( -s $BENCH_DIR/cert.pem && -s $BENCH_DIR/key.pem ) ]]; then
    log "generating RSA-2048 self-signed cert.pem/key.pem"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=pinhash-bench \
      -keyout "$BENCH_DIR/key.pem" -out "$BENCH_DIR/cert.pem" >>"$LOG" 2>&1 ||
      setup_fail "openssl req failed (see $LOG)"
  fi
}

# --------------------------------------------------------------------------------------------- measuring

# medians FILE... — pooled median (seconds) of each command's runs over several hyperfine JSON exports,
# one line per command in command order
medians() {
  if command -v python3 >/dev/null; then
    python3 - "$@" <<'EOF'
import json, statistics, sys
pooled = None
for path in sys.argv[1:]:
    results = json.load(open(path))["results"]
    pooled = pooled or [[] for _ in results]
    for i, r in enumerate(results):
        pooled[i].extend(r["times"])
for times in pooled:
    print(f"{statistics.median(times):.6f} {len(times)}")
EOF
  else
    local n i
    n=$(jq '.results | length' "$1")
    for ((i = 0; i < n; i++)); do
      jq -rs --argjson i "$i" '[.[].results[$i].times[]] | sort | length as $n
        | (if $n % 2 == 1 then .[($n - 1) / 2] else (.[$n / 2 - 1] + .[$n / 2]) / 2 end) as $m
        | "\($m) \($n)"' "$@"
    done
  fi
}

# measure TAG WARMUP TOTAL_RUNS ROUNDS CMD... — times the commands with hyperfine -N in ROUNDS interleaved
# rounds; sets MED (array of medians in seconds, in command order) and NRUNS (runs per command).
# Returns 1 when hyperfine fails (a command exited non-zero).
measure() {
  local tag=$1 warmup=$2 total=$3 rounds=$4
  shift 4
  local per r files=()
  per=$(runs_per_round "$total" "$rounds")
  log "timing $tag: $# command(s), $rounds x $per runs"
  for ((r = 1; r <= rounds; r++)); do
    local json=$BENCH_DIR/$tag.$r.json
    echo "=== $tag round $r" >>"$LOG"
    if ! hyperfine -N --style basic --warmup "$warmup" --runs "$per" --export-json "$json" "$@" >>"$LOG" 2>&1; then
      log "hyperfine failed for $tag (see $LOG)"
      return 1
    fi
    files+=("$json")
  done
  MED=()
  local m n
  while read -r m n; do
    MED+=("$m")
    NRUNS=$n
  done < <(medians "${files[@]}")
  if ((${#MED[@]} != $#)); then
    log "could not read medians for $tag from ${files[*]}"
    return 1
  fi
}

# run_pinhash OUT ARGS... — runs pinhash once for a correctness check; on failure records it and returns 1
run_pinhash() {
  local out=$1 rc=0
  shift
  "$PINHASH" "$@" >"$out" 2>"$out.err" || rc=$?
  if ((rc != 0)); then
    fail "pinhash $* exited $rc: $(head -c 300 "$out.err")"
    return 1
  fi
}

# ------------------------------------------------------------------------------------------------ figures

# bench_start — no target: what pinhash runs before it reads anything (`--version`: the dynamic loader,
# the Swift runtime, argument parsing) against a static Swift "hello" from the same toolchain.
bench_start() {
  local hello=$BENCH_DIR/hello
  if [[ ! -x $hello || $HELLO_SRC -nt $hello ]]; then
    log "swiftc -O -static-stdlib $(basename "$HELLO_SRC")"
    swiftc -O -static-stdlib "$HELLO_SRC" -o "$hello" >>"$LOG" 2>&1 || setup_fail "cannot build $HELLO_SRC (see $LOG)"
  fi
  if measure start 3 45 "$BENCH_ROUNDS" "$(cmdline "$PINHASH" --version)" "$(cmdline "$hello")"; then
    report 'start   pinhash --version                   %9s   static Swift hello %9s   ratio %.2f (no target)' \
      "$(fmt_time "${MED[0]}")" "$(fmt_time "${MED[1]}")" "$(calc "${MED[0]} / ${MED[1]}")"
    report '        %s, %s; binary %s (hello %s)' "$(counted pinhash "$PINHASH_COUNTED" --version)" \
      "$(counted hello "$hello")" "$(binary_size "$PINHASH")" "$(binary_size "$hello")"
  else
    FAILED=1
    report 'start   pinhash --version FAIL (it failed; see %s)' "${LOG#"$ROOT/"}"
  fi
}

bench_bulk() {
  local bundle=$BENCH_DIR/bundle100.pem certs ok=1
  make_bundle 100 "$bundle"
  certs=$(grep -c -- '-----BEGIN CERTIFICATE-----' "$bundle")

  "$CWALK" "$bundle" >"$BENCH_DIR/bulk.cwalk" || setup_fail "cwalk failed on $bundle"
  [[ $(wc -l <"$BENCH_DIR/bulk.cwalk") -eq $certs ]] || setup_fail "cwalk printed the wrong number of pins"

  local check=""
  if run_pinhash "$BENCH_DIR/bulk.out" --cert "$bundle" --all; then
    awk '{ print $1 }' "$BENCH_DIR/bulk.out" >"$BENCH_DIR/bulk.pins"
    if ! cmp -s "$BENCH_DIR/bulk.pins" "$BENCH_DIR/bulk.cwalk"; then
      fail "bulk: pinhash pins differ from cwalk's ($(wc -l <"$BENCH_DIR/bulk.pins") vs $certs lines); first differences:"
      diff "$BENCH_DIR/bulk.cwalk" "$BENCH_DIR/bulk.pins" | head -n 6 >&2 || true
      check="  pins DIFFER from cwalk"
    fi
  else
    ok=0
  fi

  if ((ok)) && measure bulk 1 15 "$BENCH_ROUNDS" \
    "$(cmdline "$PINHASH" --cert "$bundle" --all)" "$(cmdline "$CWALK" "$bundle")"; then
    local ph=${MED[0]} cw=${MED[1]} ratio v
    ratio=$(calc "$ph / $cw")
    v=$(verdict "$ratio" "$TARGET_BULK")
    [[ $v == PASS && -z $check ]] || FAILED=1
    [[ -z $check ]] || v=FAIL
    report 'bulk    pinhash --cert bundle100.pem --all  %9s   cwalk %9s   ratio %.2f (target <= %.2f)  %s%s' \
      "$(fmt_time "$ph")" "$(fmt_time "$cw")" "$ratio" "$TARGET_BULK" "$v" "$check"
    report '        (%s certificates, %s runs each); %s, %s' "$(thousands "$certs")" "$NRUNS" \
      "$(counted pinhash "$PINHASH_COUNTED" --cert "$bundle" --all)" "$(counted cwalk "$CWALK" "$bundle")"
  else
    FAILED=1
    report 'bulk    pinhash --cert bundle100.pem --all  FAIL (pinhash failed; see above)'
  fi

  ((BENCH_SKIP_SCALE == 0)) || return 0
  bench_bulk_scale "$bundle"
}

# for scale only: the d2i_X509 path and Python cryptography (never affects the exit status)
bench_bulk_scale() {
  local bundle=$1 cmds=() names=() note=""
  cmds+=("$(cmdline "$CWALK" "$bundle" d2i)")
  names+=("cwalk d2i")
  if [[ -n $PY ]]; then
    cat >"$BENCH_DIR/pypins.py" <<'EOF'
# pins of every certificate in a PEM bundle with Python cryptography (re-encoded SPKI, as an app would)
import base64, hashlib, sys, warnings
warnings.simplefilter("ignore")   # e.g. a CA with a non-positive serial number
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
data = open(sys.argv[1], "rb").read()
if hasattr(x509, "load_pem_x509_certificates"):          # cryptography >= 39
    certs = x509.load_pem_x509_certificates(data)
else:                                                     # older (e.g. Debian 12's 38): one at a time
    end = b"-----END CERTIFICATE-----"
    certs = [x509.load_pem_x509_certificate(block + end) for block in data.split(end) if b"-----BEGIN" in block]
out = sys.stdout
for c in certs:
    spki = c.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    out.write(base64.b64encode(hashlib.sha256(spki).digest()).decode() + "\n")
EOF
    if "$PY" "$BENCH_DIR/pypins.py" "$bundle" >"$BENCH_DIR/bulk.py" 2>"$BENCH_DIR/bulk.py.err"; then
      cmds+=("$(cmdline "$PY" "$BENCH_DIR/pypins.py" "$bundle")")
      names+=("python cryptography $("$PY" -c 'import cryptography; print(cryptography.__version__)')")
      cmp -s "$BENCH_DIR/bulk.py" "$BENCH_DIR/bulk.cwalk" || note+=", python pins differ from cwalk's"
    else
      note+=", python cryptography failed: $(tail -n 1 "$BENCH_DIR/bulk.py.err")"
    fi
  else
    note+=", python cryptography not importable (skipped)"
  fi
  if measure scale 0 3 1 "${cmds[@]}"; then
    local i parts=()
    for i in "${!names[@]}"; do parts+=("${names[$i]} $(fmt_time "${MED[$i]}")"); done
    local joined
    joined=$(printf '%s, ' "${parts[@]}")
    report '        for scale: %s%s' "${joined%, }" "$note"
  else
    report '        for scale: measurement failed (see %s)%s' "$LOG" "$note"
  fi
}

bench_one() {
  local cert_pipe key_pipe want got ok_cert=1 ok_key=1 check_cert="" check_key=""
  cert_pipe="openssl x509 -in $(printf %q "$CERT") -pubkey -noout | openssl rsa -pubin -outform der | openssl dgst -sha256 -binary | openssl enc -base64"
  key_pipe="openssl rsa -in $(printf %q "$KEY") -outform der -pubout | openssl dgst -sha256 -binary | openssl enc -base64"

  # correctness first (also proves the baselines run)
  want=$(sh -c "$cert_pipe" 2>/dev/null) || setup_fail "certificate pipeline failed on $CERT"
  if run_pinhash "$BENCH_DIR/one-cert.out" --cert "$CERT"; then
    got=$(<"$BENCH_DIR/one-cert.out")
    [[ $got == "$want" ]] || { fail "pinhash --cert printed '$got', pipeline '$want'"; check_cert="  output DIFFERS"; }
  else
    ok_cert=0
  fi
  want=$(sh -c "$key_pipe" 2>/dev/null) || setup_fail "key pipeline failed on $KEY"
  got=$("$MINIMAL" "$KEY") || setup_fail "minimal-key failed on $KEY"
  [[ $got == "$want" ]] || setup_fail "minimal-key printed '$got', pipeline '$want'"
  if run_pinhash "$BENCH_DIR/one-key.out" "$KEY"; then
    got=$(<"$BENCH_DIR/one-key.out")
    [[ $got == "$want" ]] || { fail "pinhash KEY printed '$got', pipeline '$want'"; check_key="  output DIFFERS"; }
  else
    ok_key=0
  fi

  local ratio v
  if ((ok_cert)) && measure one-cert 3 45 "$BENCH_ROUNDS" \
    "$(cmdline "$PINHASH" --cert "$CERT")" "$(cmdline sh -c "$cert_pipe")"; then
    ratio=$(calc "${MED[0]} / ${MED[1]}")
    v=$(verdict "$ratio" "$TARGET_CERT")
    [[ $v == PASS && -z $check_cert ]] || { FAILED=1; v=FAIL; }
    report 'one     pinhash --cert cert.pem             %9s   pipeline %9s   ratio %.2f (target <= %.2f)  %s%s' \
      "$(fmt_time "${MED[0]}")" "$(fmt_time "${MED[1]}")" "$ratio" "$TARGET_CERT" "$v" "$check_cert"
    report '        %s, %s' "$(counted pinhash "$PINHASH_COUNTED" --cert "$CERT")" \
      "$(counted pipeline sh -c "$cert_pipe")"
  else
    FAILED=1
    report 'one     pinhash --cert cert.pem             FAIL (pinhash failed; see above)'
  fi

  if ((ok_key)) && measure one-key 3 45 "$BENCH_ROUNDS" \
    "$(cmdline "$PINHASH" "$KEY")" "$(cmdline sh -c "$key_pipe")" "$(cmdline "$MINIMAL" "$KEY")"; then
    ratio=$(calc "${MED[0]} / ${MED[2]}")
    v=$(verdict "$ratio" "$TARGET_KEY")
    [[ $v == PASS && -z $check_key ]] || { FAILED=1; v=FAIL; }
    report 'one     pinhash key.pem (RSA-2048)          %9s   minimal C %9s   ratio %.2f (target <= %.2f)  %s%s' \
      "$(fmt_time "${MED[0]}")" "$(fmt_time "${MED[2]}")" "$ratio" "$TARGET_KEY" "$v" "$check_key"
    report '        key pipeline %s (pinhash/pipeline %.2f); %s runs each' \
      "$(fmt_time "${MED[1]}")" "$(calc "${MED[0]} / ${MED[1]}")" "$NRUNS"
    report '        %s, %s, %s' "$(counted pinhash "$PINHASH_COUNTED" "$KEY")" \
      "$(counted 'minimal C' "$MINIMAL" "$KEY")" "$(counted pipeline sh -c "$key_pipe")"
  else
    FAILED=1
    report 'one     pinhash key.pem (RSA-2048)          FAIL (pinhash failed; see above)'
  fi
  report '        inputs: %s, %s' "${CERT#"$ROOT/"}" "${KEY#"$ROOT/"}"
}

# bench_connect — no target: pinhash --connect against the s_client pipeline admins are told to use, both
# against one openssl s_server on loopback serving the fixture chain (the pipeline reads only the leaf).
bench_connect() {
  local log=$BENCH_DIR/s_server.log port pid pipe want got
  (cd "$ROOT/Fixtures" && exec openssl s_server -accept 127.0.0.1:0 -cert certs/leaf.pem -key certs/leaf.key \
    -cert_chain certs/intermediate.pem -www) >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 50); do grep -q '^ACCEPT' "$log" && break; sleep 0.1; done
  port=$(sed -n 's/^ACCEPT 127.0.0.1:\([0-9]*\)$/\1/p' "$log")
  if [[ -z $port ]]; then
    kill "$pid" 2>/dev/null
    report 'connect (skipped: openssl s_server did not start)'
    return
  fi
  pipe="openssl s_client -connect 127.0.0.1:$port -servername www.example.com </dev/null 2>/dev/null | openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | openssl enc -base64"
  want=$(sh -c "$pipe")
  if run_pinhash "$BENCH_DIR/connect.out" --connect "127.0.0.1:$port" --servername www.example.com \
    && got=$(head -n1 "$BENCH_DIR/connect.out") && [[ ${got%%  *} == "$want" ]] \
    && measure connect 3 30 "$BENCH_ROUNDS" \
      "$(cmdline "$PINHASH" --connect "127.0.0.1:$port" --servername www.example.com)" "$(cmdline sh -c "$pipe")"; then
    report 'connect pinhash --connect (leaf + CA)       %9s   s_client pipeline (leaf only) %9s   ratio %.2f (no target)' \
      "$(fmt_time "${MED[0]}")" "$(fmt_time "${MED[1]}")" "$(calc "${MED[0]} / ${MED[1]}")"
    # Both read SSL_CERT_FILE whole when it is set; without it pinhash searches the hashed CA directory.
    report '        loopback openssl s_server, RSA-2048 leaf; SSL_CERT_FILE %s' "${SSL_CERT_FILE:-unset}"
  else
    FAILED=1
    report 'connect pinhash --connect FAIL (it failed, or its leaf pin is not the pipeline'"'"'s %s)' "$want"
  fi
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}

# sslyze in a venv of its own under .build (as make corpus installs its PyPI packages); empty when it
# cannot be installed (no network, no venv module)
find_sslyze() {
  SSLYZE=$ROOT/.build/sslyze-venv/bin/sslyze
  [[ -x $SSLYZE ]] && return 0
  log "installing sslyze (PyPI) into .build/sslyze-venv"
  if ! { python3 -m venv "$ROOT/.build/sslyze-venv" && "$ROOT/.build/sslyze-venv/bin/pip" install -q sslyze; } >>"$LOG" 2>&1
  then
    SSLYZE=""
  fi
}

bench_check() {
  local dir=$BENCH_DIR/check server_pid ports p rc=0 out rss ok completed
  find_sslyze
  if [[ -z $SSLYZE ]]; then
    report 'check   (skipped: sslyze could not be installed into .build/sslyze-venv; see %s)' "${LOG#"$ROOT/"}"
    return
  fi
  mkdir -p "$dir"
  cat Fixtures/certs/leaf.pem Fixtures/certs/intermediate.pem >"$dir/chain.pem"
  # An old log would be read before the new server's redirection truncates it.
  rm -f "$dir/server.log" "$dir/sslyze.json"
  python3 -u Tests/Bench/tls-ports-server.py "$CHECK_SERVERS" "$dir/chain.pem" Fixtures/certs/leaf.key \
    >"$dir/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do grep -q '^listening' "$dir/server.log" && break; sleep 0.1; done
  ports=$(sed -n 's/^listening //p' "$dir/server.log")
  if [[ -z $ports ]]; then
    kill "$server_pid" 2>/dev/null
    report 'check   (skipped: tls-ports-server.py did not start: %s)' "$(head -c 200 "$dir/server.log")"
    return
  fi
  local resolve=() targets=$dir/sslyze-targets.txt hosts=$dir/hosts.txt
  : >"$targets"
  : >"$hosts"
  for p in $ports; do
    resolve+=(--resolve "www.example.com:$p:127.0.0.1")
    printf 'www.example.com:%s{127.0.0.1}\n' "$p" >>"$targets"
    printf 'www.example.com:%s\n' "$p" >>"$hosts"
  done
  local leaf backup
  leaf=$(awk -F'\t' '$1 == "certs/leaf.pem" { print $6 }' Fixtures/manifest.tsv)
  backup=$(awk -F'\t' '$1 == "keys/ec-p256.pkcs8.pem" { print $6 }' Fixtures/manifest.tsv)
  local check=("$PINHASH" check --pins "$leaf" --pins "$backup" --cafile Fixtures/certs/root.pem
    --hosts "$hosts" "${resolve[@]}" --format jsonl)
  local scan=("$SSLYZE" --certinfo --certinfo_ca_file Fixtures/certs/root.pem --quiet --targets_in "$targets"
    --json_out "$dir/sslyze.json")
  out=$dir/check.jsonl
  /usr/bin/time -f '%M' -o "$dir/check.rss" "${check[@]}" >"$out" 2>"$out.err" || rc=$?
  rss=$(tail -n 1 "$dir/check.rss")
  ok=$(grep -c '"status": "ok"' "$out" || true)
  "${scan[@]}" >>"$LOG" 2>&1 || true
  completed=$(python3 -c 'import json, sys
print(sum(r["scan_status"] == "COMPLETED" for r in json.load(open(sys.argv[1]))["server_scan_results"]))' \
    "$dir/sslyze.json" 2>/dev/null || echo 0)
  if ((rc != 0 || ok != CHECK_SERVERS || completed != CHECK_SERVERS)); then
    FAILED=1
    report 'check   FAIL: pinhash exit %s, %s of %s addresses ok; sslyze completed %s scans' \
      "$rc" "$ok" "$CHECK_SERVERS" "$completed"
  elif measure check 1 3 "$BENCH_ROUNDS" "$(cmdline "${check[@]}")" "$(cmdline "${scan[@]}")"; then
    local ratio mib v
    ratio=$(calc "${MED[0]} / ${MED[1]}")
    mib=$(calc "$rss / 1024")
    v=PASS
    le "$ratio" "$TARGET_CHECK" && lt "$mib" "$RSS_LIMIT_MIB" || { v=FAIL; fail "check: ratio $ratio, peak RSS $mib MiB"; }
    report 'check   pinhash check, %d servers %9s   sslyze --certinfo %9s   ratio %.2f (target %.2f), peak RSS %.1f MiB (limit %d)  %s' \
      "$CHECK_SERVERS" "$(fmt_time "${MED[0]}")" "$(fmt_time "${MED[1]}")" "$ratio" "$TARGET_CHECK" "$mib" \
      "$RSS_LIMIT_MIB" "$v"
  else
    FAILED=1
    report 'check   FAIL: hyperfine could not time the two (see %s)' "${LOG#"$ROOT/"}"
  fi
  kill "$server_pid" 2>/dev/null
  wait "$server_pid" 2>/dev/null || true
}

# bench_stream_format BUNDLE CERTS ENDS — the same stream with --format hex, a document written as the
# pins come (every --format but base64 used to hold every certificate until the end): same memory limit;
# the line count and the first and last pins (ENDS, from cwalk, in base64) must agree.
bench_stream_format() {
  local bundle=$1 certs=$2 ends=$3 out=$BENCH_DIR/stream-hex.out rss=$BENCH_DIR/stream-hex.rss rc=0
  # shellcheck disable=SC2002
  cat "$bundle" | /usr/bin/time -f '%M %e' -o "$rss" "$PINHASH" --cert - --all --format hex >"$out" 2>"$out.err" || rc=$?
  local kib secs lines want got mib v=PASS problems=""
  read -r kib secs < <(tail -n 1 "$rss")
  lines=$(wc -l <"$out")
  want=$(while read -r pin; do printf '%s' "$pin" | base64 -d | od -An -tx1 -v | tr -d ' \n'; echo; done <"$ends")
  got=$({ head -n 1 "$out"; tail -n 1 "$out"; })
  rm -f "$out"
  ((rc == 0)) || problems+="  pinhash exited $rc: $(head -c 200 "$out.err")"
  [[ $lines -eq $certs ]] || problems+="  printed $lines lines for $certs certificates"
  [[ $got == "$want" ]] || problems+="  first and last pins DIFFER from cwalk's"
  mib=$(calc "$kib / 1024")
  lt "$mib" "$RSS_LIMIT_MIB" || v=FAIL
  [[ -z $problems ]] || { v=FAIL; fail "stream --format hex:$problems"; }
  [[ $v == PASS ]] || FAILED=1
  report 'stream  the same with --format hex: peak RSS %.1f MiB (limit %d MiB, ratio %.2f), %s s wall  %s%s' \
    "$mib" "$RSS_LIMIT_MIB" "$(calc "$mib / $RSS_LIMIT_MIB")" "$secs" "$v" "$problems"
}

bench_stream() {
  local bundle=$BENCH_DIR/bundle1000.pem certs ref_sum ref_lines
  make_bundle 1000 "$bundle"
  certs=$(($(grep -c -- '-----BEGIN CERTIFICATE-----' "$CA_BUNDLE") * 1000))

  # reference: cwalk on the same bundle, reduced to a line count and a checksum
  "$CWALK" "$bundle" >"$BENCH_DIR/stream.cwalk" || setup_fail "cwalk failed on $bundle"
  ref_lines=$(wc -l <"$BENCH_DIR/stream.cwalk")
  ref_sum=$(sha256sum <"$BENCH_DIR/stream.cwalk" | cut -d' ' -f1)
  { head -n 1 "$BENCH_DIR/stream.cwalk"; tail -n 1 "$BENCH_DIR/stream.cwalk"; } | awk '{ print $1 }' \
    >"$BENCH_DIR/stream.cwalk.ends"
  rm -f "$BENCH_DIR/stream.cwalk"
  [[ $ref_lines -eq $certs ]] || setup_fail "cwalk printed $ref_lines pins for $certs certificates"

  log "streaming $(thousands "$certs") certificates through pinhash --cert - --all"
  local rc=0 out=$BENCH_DIR/stream.out rss_file=$BENCH_DIR/stream.rss
  # pinhash reads a real pipe (not a seekable file, hence cat); GNU time measures pinhash only
  # shellcheck disable=SC2002
  cat "$bundle" | /usr/bin/time -f '%M %e' -o "$rss_file" "$PINHASH" --cert - --all >"$out" 2>"$out.err" || rc=$?

  local kib secs lines sum
  read -r kib secs < <(tail -n 1 "$rss_file")
  lines=$(wc -l <"$out")
  sum=$(awk '{ print $1 }' "$out" | sha256sum | cut -d' ' -f1)
  rm -f "$out"

  local mib ratio v problems=""
  mib=$(calc "$kib / 1024")
  ratio=$(calc "$mib / $RSS_LIMIT_MIB")
  if ((rc != 0)); then
    problems+="  pinhash exited $rc: $(head -c 200 "$out.err")"
  fi
  [[ $lines -eq $certs ]] || problems+="  printed $lines lines for $certs certificates"
  [[ $sum == "$ref_sum" ]] || problems+="  pins DIFFER from cwalk's (checksum)"
  if [[ -n $problems ]]; then
    fail "stream:$problems"
  fi
  v=PASS
  lt "$mib" "$RSS_LIMIT_MIB" || v=FAIL
  [[ -z $problems ]] || v=FAIL
  [[ $v == PASS ]] || FAILED=1
  report 'stream  %s certs via stdin: peak RSS %.1f MiB (limit %d MiB, ratio %.2f), %s s wall  %s%s' \
    "$(thousands "$certs")" "$mib" "$RSS_LIMIT_MIB" "$ratio" "$secs" "$v" "$problems"
  bench_stream_format "$bundle" "$certs" "$BENCH_DIR/stream.cwalk.ends"
  ((BENCH_KEEP_BIG == 1)) || rm -f "$bundle"
}

# cpu_seconds SCRIPT — median of 5 runs of `sh -c SCRIPT`, where SCRIPT runs pinhash under
# GNU time (writing pinhash's own user + system seconds to begins.time), so that `cat` is not counted.
cpu_seconds() {
  local script=$1 runs=() i
  for i in 1 2 3 4 5; do
    sh -c "$script" >/dev/null 2>&1 || true
    runs+=("$(tail -n 1 "$BENCH_DIR/begins.time" | awk '{ printf "%.2f", $1 + $2 }')")
  done
  printf '%s\n' "${runs[@]}" | sort -n | sed -n 3p
}

# bench_begin_lines — PEM scanning must be linear through a pipe too: a pipe delivers 64 KiB a read, and a
# block still open after a read used to be searched again from its start (quadratic in its size).
bench_begin_lines() {
  local input=$BENCH_DIR/begins.pem timed file pipe ratio v=PASS target=2.00
  yes -- '-----BEGIN CERTIFICATE-----' | head -c $((17 << 20)) >"$input" || true
  timed="/usr/bin/time -f '%U %S' -o $(cmdline "$BENCH_DIR/begins.time") $(cmdline "$PINHASH")"
  file=$(cpu_seconds "$timed $(cmdline "$input")")
  pipe=$(cpu_seconds "cat $(cmdline "$input") | $timed -")
  rm -f "$input" "$BENCH_DIR/begins.time"
  # A floor of a centisecond (GNU time's resolution) under the file's figure keeps the ratio finite.
  ratio=$(calc "$pipe / ($file > 0.01 ? $file : 0.01)")
  le "$ratio" "$target" || { v=FAIL; FAILED=1; }
  report 'begins  17 MiB of BEGIN lines, CPU: pipe %.2f s, file %.2f s, ratio %.2f (target <= %.2f)  %s' \
    "$pipe" "$file" "$ratio" "$target" "$v"
}

# bench_reports — the collector under wrk: acknowledged reports per second and p99 latency, then every
# acknowledged report counted in the database.
bench_reports() {
  local collector=${PINHASH_REPORTS:-.build/release/pinhash-reports} dir=$BENCH_DIR/reports
  [[ $collector == /* ]] || collector=$ROOT/$collector
  if [[ ! -x $collector ]]; then
    FAILED=1
    report 'reports FAIL: no pinhash-reports at %s (make build builds it)' "${collector#"$ROOT/"}"
    return
  fi
  command -v wrk >/dev/null && command -v sqlite3 >/dev/null || apt_install wrk sqlite3 ||
    setup_fail "missing wrk or sqlite3; install with: sudo apt-get install -y wrk sqlite3"
  rm -rf "$dir"
  mkdir -p "$dir"
  python3 - Fixtures/certs/chain.pem >"$dir/report.json" <<'PY'
import json, re, sys
pems = re.findall(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n", open(sys.argv[1]).read(), re.S)
print(json.dumps({
    "app-bundle-id": "com.example.bench", "app-version": "4.2", "app-vendor-id": "599F9C00-92DC-4B5C-9464-7971F01F8370",
    "app-platform": "IOS", "app-platform-version": "17.4", "trustkit-version": "3.0.3",
    "date-time": "2026-05-01T12:00:00Z", "hostname": "www.example.com", "port": 443,
    "noted-hostname": "example.com", "include-subdomains": True, "enforce-pinning": True,
    "validated-certificate-chain": pems,
    "known-pins": ['pin-sha256="bdrBhpj38ffhxpubzkINl0rG+UyossdhcBYj+Zx2fcc="'], "validation-result": 1}))
PY
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$collector" serve --listen "127.0.0.1:$port" --db "$dir/reports.db" 2>"$dir/server.log" &
  local server_pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
  REPORT_BODY=$dir/report.json wrk -t 2 -c 64 -d 10s --latency -s Tests/Bench/post-report.lua \
    "http://127.0.0.1:$port/report" >"$dir/wrk.txt" 2>&1 || true
  kill -TERM "$server_pid" 2>/dev/null
  wait "$server_pid" 2>/dev/null || true
  cat "$dir/wrk.txt" >>"$LOG"
  local total non2xx seconds p99 acknowledged stored rate p99ms v=PASS
  read -r total seconds < <(sed -n 's/^ *\([0-9]*\) requests in \([0-9.]*\)s.*/\1 \2/p' "$dir/wrk.txt")
  non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$dir/wrk.txt")
  p99=$(awk '$1 == "99%" { print $2 }' "$dir/wrk.txt")
  stored=$(sqlite3 "$dir/reports.db" 'SELECT COALESCE(SUM(count), 0) FROM report_counts' 2>/dev/null || echo 0)
  if [[ -z $total || -z $p99 ]]; then
    FAILED=1
    report 'reports FAIL: wrk printed no figures (see %s)' "${LOG#"$ROOT/"}"
    return
  fi
  acknowledged=$((total - ${non2xx:-0}))
  rate=$(calc "$acknowledged / $seconds")
  # wrk prints latencies as 1.23ms, 850.00us or 1.02s.
  p99ms=$(awk -v t="$p99" 'BEGIN { v = t + 0; if (t ~ /us$/) v /= 1000; else if (t ~ /[0-9]s$/ && t !~ /ms$/) v *= 1000; printf "%.2f", v }')
  ge "$rate" "$TARGET_REPORTS_PER_SECOND" && lt "$p99ms" "$TARGET_REPORTS_P99_MS" || v=FAIL
  ((stored >= acknowledged && ${non2xx:-0} == 0)) || v=FAIL
  [[ $v == PASS ]] || { FAILED=1; fail "reports: $rate/s, p99 $p99ms ms, $acknowledged acknowledged, $stored in the db"; }
  report 'reports pinhash-reports serve under wrk, 64 connections, 10 s: %s reports/s acknowledged (target >= %s), p99 %s ms (target < %s); %s acknowledged, %s in the database, %s refused  %s' \
    "$(thousands "${rate%.*}")" "$(thousands "$TARGET_REPORTS_PER_SECOND")" "$p99ms" "$TARGET_REPORTS_P99_MS" \
    "$(thousands "$acknowledged")" "$(thousands "$stored")" "${non2xx:-0}" "$v"
}

# ---------------------------------------------------------------------------------------------------- main

main() {
  mkdir -p "$BENCH_DIR" || setup_fail "cannot create $BENCH_DIR"
  : >"$LOG"
  ensure_tools
  resolve_pinhash
  find_python
  CWALK=$BENCH_DIR/cwalk
  MINIMAL=$BENCH_DIR/minimal-key
  want() { [[ -z ${BENCH_ONLY:-} || " $BENCH_ONLY " == *" $1 "* ]]; }
  if want bulk || want one || want stream; then
    build_c "$CWALK_SRC" "$CWALK"
    build_c "$MINIMAL_SRC" "$MINIMAL"
    choose_inputs
  fi

  prepare_counting
  if want start; then bench_start; fi
  if want bulk; then bench_bulk; fi
  if want one; then bench_one; fi
  if want connect; then bench_connect; fi
  if want stream; then bench_stream; fi
  if want begins; then bench_begin_lines; fi
  if want check; then bench_check; fi
  if want reports; then bench_reports; fi

  printf '\npinhash bench: medians of interleaved hyperfine rounds; ratios against baselines timed in this run\n'
  printf 'machine: %s cores, load %s, %s; pinhash: %s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" \
    "$(openssl version | cut -d' ' -f1-2)" "${PINHASH#"$ROOT/"}"
  printf '%s\n' "${REPORT[@]}"
  if [[ $(stat -L -c '%Y %s' "$PINHASH" 2>/dev/null) != "$PINHASH_STAMP" ]]; then
    printf 'WARNING: %s changed during the run (rebuilt?); the figures may mix two builds\n' "${PINHASH#"$ROOT/"}"
  fi
  if ((FAILED)); then
    printf 'RESULT: FAIL (a target was missed or outputs disagree; log: %s)\n' "${LOG#"$ROOT/"}"
    exit 1
  fi
  printf 'RESULT: PASS\n'
}

main "$@"
