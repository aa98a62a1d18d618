#!/usr/bin/env bash
# `make dev`: the whole system on this machine, without Docker or AWS.
#   - DynamoDB Local and the SES v2 emulator (infra/local/emulators.sh)
#   - the table `registrations-local`, created from template.yaml
#   - the functions behind `cargo lambda watch` (cargo-lambda's emulator of the Lambda
#     runtime API) on one port, with the template's HTTP routes (the router in
#     [workspace.metadata.lambda.watch.router] of Cargo.toml) and hot reload
#   - an event 14 days ahead whose registration is open for 12 more days, with
#     DEV_CAPACITY seats (default: no limit) and this server's own origin allowed
#     to post the confirm and cancel buttons
# It prints the form URL, the email viewer URL and the command that runs send-links
# now. Ctrl-C (or SIGTERM) stops everything it started.
#
# Environment: DEV_PORT (functions, default 9000), DYNAMODB_PORT (default 8000),
#              SES_PORT (default 8005), LOCAL_STATE_DIR (default <repo>/.local/dev),
#              DEV_TABLE (default registrations-local), DEV_CAPACITY (CAPACITY,
#              default empty: no limit),
#              DEV_NO_RELOAD=1 (do not rebuild the functions when code changes),
#              DEV_ORGANIZER_EMAIL (ORGANIZER_EMAILS, default organizer@example.org).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
cd "$REPO_ROOT"

DEV_PORT=${DEV_PORT:-9000}
export DYNAMODB_PORT=${DYNAMODB_PORT:-8000}
export SES_PORT=${SES_PORT:-8005}
# Not the state dir of `make test`: neither run stops the other's emulators.
export LOCAL_STATE_DIR=${LOCAL_STATE_DIR:-$REPO_ROOT/.local/dev}
TABLE=${DEV_TABLE:-registrations-local}
EMULATORS=$SCRIPT_DIR/emulators.sh
WATCH_PID_FILE=$LOCAL_STATE_DIR/watch.pid
FUNCTIONS_ENV=$LOCAL_STATE_DIR/functions.env
HTTP_FUNCTIONS=(register confirm cancel console)

log() { echo "dev: $*" >&2; }
die() { log "error: $*"; exit 1; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

CARGO_LAMBDA=$REPO_ROOT/.venv/bin/cargo-lambda
if [[ ! -x $CARGO_LAMBDA ]]; then
  CARGO_LAMBDA=$(command -v cargo-lambda) || die "cargo-lambda not found: run \`make tools\`"
fi
command -v cargo >/dev/null || die "cargo not found (install Rust: https://rustup.rs)"
command -v python3 >/dev/null || die "python3 not found"

# --- cleanup ---------------------------------------------------------------------

# Every live descendant of a pid (the function processes run in sessions of their own).
descendants() {
  ps -e -o pid=,ppid= | awk -v root="$1" '
    { parent[$1] = $2 }
    END {
      n = 1; queue[1] = root
      for (i = 1; i <= n; i++)
        for (p in parent)
          if (parent[p] == queue[i]) { print p; queue[++n] = p }
    }'
}

alive() { local s; s=$(ps -o stat= -p "$1" 2>/dev/null) && [[ -n $s && $s != Z* ]]; }

# The pid of a running `cargo lambda watch` recorded in the state dir, if any.
running_watch() {
  local pid
  [[ -s $WATCH_PID_FILE ]] && pid=$(cat "$WATCH_PID_FILE") && alive "$pid" &&
    grep -qa -- "lambda" "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

stop_watch() {
  [[ -s $WATCH_PID_FILE ]] || return 0
  local pid children
  pid=$(cat "$WATCH_PID_FILE")
  if alive "$pid" && grep -qa -- "lambda" "/proc/$pid/cmdline" 2>/dev/null; then
    children=$(descendants "$pid")
    # watch leads its own session: TERM it; it stops the function processes itself.
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 75); do alive "$pid" || break; sleep 0.2; done
    if alive "$pid"; then
      log "cargo lambda watch did not stop on TERM, killing it"
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    # Anything left of the functions (each leads a process group of its own).
    for _ in $(seq 25); do
      local left=""
      for c in $children; do alive "$c" && left+=" $c"; done
      [[ -z $left ]] && break
      sleep 0.2
    done
    for c in $children; do
      if alive "$c"; then kill -KILL -- "-$c" 2>/dev/null || kill -KILL "$c" 2>/dev/null || true; fi
    done
    log "stopped cargo lambda watch"
  fi
  rm -f "$WATCH_PID_FILE"
}

# Only what this run started is stopped.
OWN_WATCH=0
OWN_EMULATORS=0
cleanup() {
  local rc=$?
  trap - EXIT
  # Not interrupted by a second signal: `make` forwards its own SIGTERM to this
  # script, and an impatient second Ctrl-C must not leave processes behind.
  trap '' INT TERM HUP
  ((OWN_WATCH)) && stop_watch
  ((OWN_EMULATORS)) && { bash "$EMULATORS" stop || true; }
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# --- emulators and table ---------------------------------------------------------

mkdir -p "$LOCAL_STATE_DIR"
if pid=$(running_watch); then
  die "make dev is already running here (cargo lambda watch, pid $pid; state: $LOCAL_STATE_DIR)"
fi
port_in_use "$DEV_PORT" && die "port $DEV_PORT (DEV_PORT) is already in use"
if bash "$EMULATORS" env >/dev/null 2>&1; then
  log "reusing the emulators already running (state: $LOCAL_STATE_DIR); they are left running"
else
  OWN_EMULATORS=1
  bash "$EMULATORS" start
fi
set -a
# shellcheck disable=SC1091
. "$LOCAL_STATE_DIR/env"
set +a

# Bin targets in the workspace (send-links may not exist yet on every branch).
mapfile -t BINS < <(cargo metadata --locked --no-deps --format-version 1 | python3 -c '
import json, sys
for p in json.load(sys.stdin)["packages"]:
    for t in p["targets"]:
        if "bin" in t["kind"]:
            print(t["name"])')
has_bin() { local b; for b in "${BINS[@]}"; do [[ $b == "$1" ]] && return 0; done; return 1; }
for f in "${HTTP_FUNCTIONS[@]}"; do has_bin "$f" || die "no binary named $f in the workspace"; done

# Built selected as `cargo lambda watch` selects (`--bin`, no `-p`: workspace-wide
# features), so that watch finds them up to date and no request waits for a compile.
log "building ${HTTP_FUNCTIONS[*]} and create-table (debug)"
build_args=(build --locked --bin create-table)
for f in "${HTTP_FUNCTIONS[@]}"; do build_args+=(--bin "$f"); done
cargo "${build_args[@]}"
# send-links is optional here: without it (or while it does not build) the form and
# the confirmation links still work.
SEND_LINKS_NOTE=""
if ! has_bin send-links; then
  SEND_LINKS_NOTE="(no send-links binary in this workspace yet)"
elif ! cargo build --locked --bin send-links; then
  SEND_LINKS_NOTE="(send-links does not build; see the errors above)"
fi
cargo run --locked --quiet --bin create-table -- "$TABLE"

# --- the functions' configuration ------------------------------------------------

# Karachi keeps +05:00 all year. Starts in 14 days (on the hour), closes 2 days before.
read -r STARTS_AT CLOSES_AT < <(python3 -c '
import datetime as d
tz = d.timezone(d.timedelta(hours=5))
now = d.datetime.now(tz).replace(minute=0, second=0, microsecond=0) + d.timedelta(hours=1)
print((now + d.timedelta(days=14)).isoformat(), (now + d.timedelta(days=12)).isoformat())')

PUBLIC_BASE_URL=http://127.0.0.1:$DEV_PORT
# The local organizer: its sign-in links land in the email viewer.
ORGANIZER_EMAIL=${DEV_ORGANIZER_EMAIL:-organizer@example.org}
{
  for kv in \
    "TABLE_NAME=$TABLE" \
    "EVENT_ID=local-dev" \
    "EVENT_TITLE=Powering Belt and Road Lithium-ion batteries" \
    "EVENT_STARTS_AT=$STARTS_AT" \
    "EVENT_TIMEZONE=Asia/Karachi" \
    "REGISTRATION_CLOSES_AT=$CLOSES_AT" \
    "SENDER_EMAIL=BTBU-ECOSF Training <training@example.org>" \
    "PUBLIC_BASE_URL=$PUBLIC_BASE_URL" \
    "ALLOWED_ORIGINS=$PUBLIC_BASE_URL" \
    "ORGANIZER_EMAILS=$ORGANIZER_EMAIL" \
    "CAPACITY=${DEV_CAPACITY:-}" \
    "ZOOM_JOIN_URL=https://zoom.example/j/0000000000?pwd=local" \
    "AWS_ENDPOINT_URL_DYNAMODB=$AWS_ENDPOINT_URL_DYNAMODB" \
    "AWS_ENDPOINT_URL_SESV2=$AWS_ENDPOINT_URL_SESV2" \
    "AWS_REGION=$AWS_REGION" \
    "AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID" \
    "AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY"; do
    # cargo-lambda's env-file format: KEY="value" (values here hold no quotes).
    printf '%s="%s"\n' "${kv%%=*}" "${kv#*=}"
  done
} >"$FUNCTIONS_ENV"

# --- cargo lambda watch ----------------------------------------------------------

log "starting cargo lambda watch on 127.0.0.1:$DEV_PORT"
rm -f "$WATCH_PID_FILE"
OWN_WATCH=1
# Its own session: Ctrl-C reaches this script, which stops watch, then the emulators.
RELOAD_FLAGS=()
# DEV_NO_RELOAD=1 (the browser test): ignore code changes, so edits elsewhere in the
# tree never restart the functions under a running test.
[[ ${DEV_NO_RELOAD:-} == 1 ]] && RELOAD_FLAGS=(--ignore-changes)
setsid bash -c 'echo $$ >"$0"; exec "$@"' "$WATCH_PID_FILE" \
  "$CARGO_LAMBDA" lambda watch "${RELOAD_FLAGS[@]}" \
  --invoke-address 127.0.0.1 --invoke-port "$DEV_PORT" \
  --env-file "$FUNCTIONS_ENV" </dev/null &
WATCH_JOB=$!

for _ in $(seq 50); do [[ -s $WATCH_PID_FILE ]] && break; sleep 0.1; done
[[ -s $WATCH_PID_FILE ]] || die "cargo lambda watch did not start"
deadline=$((SECONDS + 60))
until port_in_use "$DEV_PORT"; do
  alive "$(cat "$WATCH_PID_FILE")" || die "cargo lambda watch exited"
  ((SECONDS < deadline)) || die "cargo lambda watch did not listen on port $DEV_PORT within 60s"
  sleep 0.2
done

# Warm up register (its first start also checks the configuration).
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 600 "$PUBLIC_BASE_URL/") || true
[[ $code == 200 ]] || log "warning: GET $PUBLIC_BASE_URL/ answered ${code:-nothing} (see the log above)"

if [[ -z $SEND_LINKS_NOTE ]]; then
  SEND_LINKS="$CARGO_LAMBDA lambda invoke send-links --data-ascii '{}' --invoke-address 127.0.0.1 --invoke-port $DEV_PORT"
else
  SEND_LINKS=$SEND_LINKS_NOTE
fi

cat >&2 <<EOF

  Registration form:   $PUBLIC_BASE_URL/
  Email viewer (SES):  http://127.0.0.1:$SES_PORT/
  Organizer console:   $PUBLIC_BASE_URL/organizer/ (sign in as $ORGANIZER_EMAIL; the link shows in the email viewer)
  Run send-links now:  $SEND_LINKS
  Organizer command:   AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:$DYNAMODB_PORT AWS_REGION=$AWS_REGION AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY cargo run -q -p organizer -- --table $TABLE --event local-dev stats

  Event starts $STARTS_AT; registration closes $CLOSES_AT; seats: ${DEV_CAPACITY:-no limit}.
  The emails' links open the confirm and cancel pages here.
  DynamoDB Local on :$DYNAMODB_PORT (table $TABLE). Code changes rebuild the functions.
  Ctrl-C stops everything.

EOF

# Until watch ends or a signal arrives (the traps then clean up).
rc=0
wait "$WATCH_JOB" || rc=$?
log "cargo lambda watch exited ($rc)"
exit "$rc"
