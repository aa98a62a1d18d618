#!/usr/bin/env bash
# The browser test (`make test` runs it last): headless Chromium, driven by
# playwright-core, against the whole system as `make dev` serves it.
#   1. installs what it needs if missing: Debian's `chromium` and fonts for
#      Chinese and Persian (apt-get), the pinned
#      playwright-core (npm ci in tests/browser), cargo-lambda (`make tools`)
#   2. starts infra/local/dev.sh in the background, in a session (and so a process
#      group) of its own, on free ports with a state dir of its own and one seat
#      (DEV_CAPACITY=1, so the test reaches the waiting list), output to
#      target/browser/dev.log
#   3. waits for its banner (the first run compiles the functions: the timeout is
#      generous) and for the form to answer
#   4. runs `node --test tests/browser/form.test.mjs` with FORM_URL, SES_STORE_URL and
#      SEND_LINKS_CMD (the banner's "Run send-links now" command) and ORGANIZER_CMD
#      (its organizer command, to publish a program)
#   5. stops dev.sh with SIGINT to its process group (always: EXIT trap), which stops
#      the emulators and `cargo lambda watch` it started, and exits with the test's
#      status; on failure it prints the tail of dev.sh's log.
# Screenshots go to target/screenshots/.
#
# Environment: BROWSER_TEST_START_TIMEOUT (seconds to wait for dev.sh, default 1800),
#              CHROMIUM (default /usr/bin/chromium).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
cd "$REPO_ROOT"

START_TIMEOUT=${BROWSER_TEST_START_TIMEOUT:-1800}
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
OUT_DIR=$REPO_ROOT/target/browser
DEV_LOG=$OUT_DIR/dev.log

log() { echo "browser-test: $*" >&2; }
die() { log "error: $*"; exit 1; }

# --- what the test needs -----------------------------------------------------------

apt_install() {
  local sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || die "$1 is missing; install it: apt-get install $*"
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q "$@"
}

if [[ ! -x $CHROMIUM ]]; then
  [[ $CHROMIUM == /usr/bin/chromium ]] || die "CHROMIUM=$CHROMIUM is not executable"
  log "installing chromium (apt-get)"
  apt_install chromium
fi
# The pages load no font: Chinese and Persian need installed fonts that have them
# (the test checks each is drawn with one).
command -v fc-list >/dev/null || apt_install fontconfig
for lang_font in zh:fonts-wqy-microhei fa:fonts-dejavu-core; do
  if [[ -z $(fc-list ":lang=${lang_font%%:*}" family 2>/dev/null) ]]; then
    log "installing a font for ${lang_font%%:*} (apt-get install ${lang_font#*:})"
    apt_install "${lang_font#*:}"
  fi
done

command -v node >/dev/null || die "node not found (Node.js 20+)"
# playwright-core, pinned by tests/browser/package-lock.json.
STAMP=$SCRIPT_DIR/node_modules/.installed
if [[ ! -f $STAMP || $SCRIPT_DIR/package-lock.json -nt $STAMP ]]; then
  log "installing playwright-core (npm ci)"
  (cd "$SCRIPT_DIR" && npm ci --no-audit --no-fund)
  touch "$STAMP"
fi

# dev.sh needs cargo-lambda (the project venv) and the emulators' npm packages.
if [[ ! -x $REPO_ROOT/.venv/bin/cargo-lambda ]] && ! command -v cargo-lambda >/dev/null; then
  log "installing the project tools (make tools)"
  make -s tools
fi

# --- the system, as `make dev` runs it ---------------------------------------------

read -r DEV_PORT DYNAMODB_PORT SES_PORT < <(python3 -c '
import socket
s = [socket.socket() for _ in range(3)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))
for x in s: x.close()')
STATE_DIR=$(mktemp -d /tmp/browser-test.XXXXXX)
mkdir -p "$OUT_DIR"
: >"$DEV_LOG"

DEV_PID=""
TEST_RC=""
cleanup() {
  local rc=$?
  trap - EXIT
  trap '' INT TERM HUP
  [[ -n $TEST_RC ]] && rc=$TEST_RC
  if [[ -n $DEV_PID ]] && kill -0 "$DEV_PID" 2>/dev/null; then
    log "stopping dev.sh (SIGINT to process group $DEV_PID)"
    kill -INT -- "-$DEV_PID" 2>/dev/null || true
    # dev.sh stops cargo lambda watch (up to ~20 s) and then the emulators.
    for _ in $(seq 600); do kill -0 "$DEV_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$DEV_PID" 2>/dev/null; then
      log "dev.sh did not stop within 60 s; sending SIGTERM"
      kill -TERM -- "-$DEV_PID" 2>/dev/null || true
      sleep 5
      kill -KILL -- "-$DEV_PID" 2>/dev/null || true
    fi
    wait "$DEV_PID" 2>/dev/null || true
    log "dev.sh stopped"
  fi
  if ((rc != 0)); then
    log "failed ($rc); the tail of dev.sh's log ($DEV_LOG):"
    tail -n 60 "$DEV_LOG" >&2 || true
    log "emulator logs kept in $STATE_DIR"
  else
    rm -rf "$STATE_DIR"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

log "starting infra/local/dev.sh (DEV_PORT=$DEV_PORT DYNAMODB_PORT=$DYNAMODB_PORT SES_PORT=$SES_PORT, state $STATE_DIR, log $DEV_LOG)"
# A session of its own (so its pid is its process group id), with SIGINT at its
# default disposition: a background job of a non-interactive shell ignores SIGINT,
# and bash cannot trap a signal that was ignored when it started.
DEV_NO_RELOAD=1 DEV_CAPACITY=1 DEV_PORT=$DEV_PORT DYNAMODB_PORT=$DYNAMODB_PORT SES_PORT=$SES_PORT LOCAL_STATE_DIR=$STATE_DIR \
  python3 -c '
import os, signal, sys
for s in (signal.SIGINT, signal.SIGQUIT):
    signal.signal(s, signal.SIG_DFL)
os.setsid()
os.execvp(sys.argv[1], sys.argv[1:])' bash infra/local/dev.sh >"$DEV_LOG" 2>&1 </dev/null &
DEV_PID=$!

STARTED=$SECONDS
deadline=$((SECONDS + START_TIMEOUT))
until grep -q '^  Run send-links now:' "$DEV_LOG"; do
  kill -0 "$DEV_PID" 2>/dev/null || die "dev.sh exited before it was ready"
  ((SECONDS < deadline)) || die "dev.sh not ready within ${START_TIMEOUT}s (BROWSER_TEST_START_TIMEOUT)"
  sleep 1
done

FORM_URL=$(sed -n 's/^  Registration form: *//p' "$DEV_LOG" | head -n 1)
SES_URL=$(sed -n 's/^  Email viewer (SES): *//p' "$DEV_LOG" | head -n 1)
SEND_LINKS_CMD=$(sed -n 's/^  Run send-links now: *//p' "$DEV_LOG" | head -n 1)
# The banner's organizer command, without its `stats`: the test adds its own.
ORGANIZER_CMD=$(sed -n 's/^  Organizer command: *\(.*\) stats$/\1/p' "$DEV_LOG" | head -n 1)
# The functions' configuration as dev.sh wrote it (cargo-lambda env file: KEY="value").
fn_env() { sed -n "s/^$1=\"\(.*\)\"\$/\1/p" "$STATE_DIR/functions.env" | head -n 1; }
EVENT_STARTS_AT=$(fn_env EVENT_STARTS_AT)
REGISTRATION_CLOSES_AT=$(fn_env REGISTRATION_CLOSES_AT)
EVENT_TIMEZONE=$(fn_env EVENT_TIMEZONE)
ZOOM_JOIN_URL=$(fn_env ZOOM_JOIN_URL)
[[ -n $FORM_URL && -n $SES_URL ]] || die "could not read the URLs from dev.sh's banner"
[[ $SEND_LINKS_CMD == *"lambda invoke send-links"* ]] ||
  die "dev.sh cannot run send-links: $SEND_LINKS_CMD"

code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 300 "$FORM_URL") || true
[[ $code == 200 ]] || die "GET $FORM_URL answered ${code:-nothing}"
log "dev.sh ready after $((SECONDS - STARTED))s: form $FORM_URL, emails $SES_URL"

# --- the test ----------------------------------------------------------------------

TEST_STARTED=$SECONDS
set +e
FORM_URL=$FORM_URL SES_STORE_URL=${SES_URL%/}/store SEND_LINKS_CMD=$SEND_LINKS_CMD \
  ORGANIZER_CMD=$ORGANIZER_CMD \
  EVENT_STARTS_AT=$EVENT_STARTS_AT REGISTRATION_CLOSES_AT=$REGISTRATION_CLOSES_AT \
  EVENT_TIMEZONE=$EVENT_TIMEZONE ZOOM_JOIN_URL=$ZOOM_JOIN_URL \
  SCREENSHOT_DIR=$REPO_ROOT/target/screenshots \
  node --test --test-reporter=spec "$SCRIPT_DIR/form.test.mjs"
TEST_RC=$?
set -e
log "node --test exited $TEST_RC after $((SECONDS - TEST_STARTED))s"
exit "$TEST_RC"
