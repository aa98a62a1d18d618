#!/usr/bin/env bash
# Check SES feedback end to end on a DEPLOYED stack, with the SES mailbox simulator.
#
# Registers three simulator addresses through the stack's API (POST /registrations,
# JSON), waits for SES's events to reach email-events, then shows what each
# registration recorded (`organizer --stack NAME show ADDRESS`):
#
#   success+TAG@simulator.amazonses.com    confirmation delivered
#   bounce+TAG@simulator.amazonses.com     bounced Permanent/General, unreachable
#   complaint+TAG@simulator.amazonses.com  delivered, then complained, unreachable
#
# TAG is this run's (a simulator address keeps its behaviour with a +label), so
# the script can run again without 409s. Needs AWS credentials and region for the
# stack (the AWS CLI's and the SDK's standard chain), curl, and cargo (the
# workspace's organizer) or ORGANIZER pointing at a built organizer binary.
# Registration must still be open (RegistrationClosesAt in the future). Sending to
# the simulator counts towards the SES quota but not the account's bounce or
# complaint rates; the stack's alarm metrics do count them.
# Not run by the tests.
#
# Usage: infra/ses-feedback-check.sh [STACK] [WAIT_SECONDS]
#   STACK         default btbu-ecosf-registration
#   WAIT_SECONDS  how long to wait for SES's events, default 120
# Environment: API_URL (skip the stack lookup), ORGANIZER (a binary, default
# `cargo run -q -p organizer --`). The test registrations stay pending and
# expire after PendingExpiresAfterHours; `organizer erase ADDRESS --yes` removes
# one at once.

set -euo pipefail

stack="${1:-btbu-ecosf-registration}"
wait_seconds="${2:-120}"
tag="check$(date -u +%Y%m%d%H%M%S)"

if [[ ! "$wait_seconds" =~ ^[0-9]+$ ]]; then
  echo "WAIT_SECONDS must be a whole number of seconds: $wait_seconds" >&2
  exit 2
fi

api_url="${API_URL:-}"
if [[ -z "$api_url" ]]; then
  api_url="$(aws cloudformation describe-stacks --stack-name "$stack" \
    --query "Stacks[0].Outputs[?OutputKey=='ApiUrl'].OutputValue" --output text)"
fi
if [[ -z "$api_url" || "$api_url" == "None" ]]; then
  echo "no ApiUrl output on stack $stack" >&2
  exit 1
fi
api_url="${api_url%/}"

organizer() {
  if [[ -n "${ORGANIZER:-}" ]]; then
    "$ORGANIZER" --stack "$stack" "$@"
  else
    cargo run -q -p organizer -- --stack "$stack" "$@"
  fi
}

addresses=(
  "success+${tag}@simulator.amazonses.com"
  "bounce+${tag}@simulator.amazonses.com"
  "complaint+${tag}@simulator.amazonses.com"
)

echo "Registering through ${api_url}/registrations (run ${tag})"
for address in "${addresses[@]}"; do
  body="$(printf '{"full_name":"SES feedback check","email":"%s","country":"PK","organization":"BTBU-ECOSF operations check","consent":true}' "$address")"
  status="$(curl --silent --show-error --output /dev/null --write-out '%{http_code}' \
    --request POST "${api_url}/registrations" \
    --header 'content-type: application/json' \
    --header 'accept: application/json' \
    --data "$body")"
  echo "  ${address}: HTTP ${status}"
  if [[ "$status" != "201" ]]; then
    echo "expected 201 (403: registration closed; 429: this address's hourly limit)" >&2
    exit 1
  fi
done

echo "Waiting ${wait_seconds} s for SES's events (delivery, bounce, complaint)"
sleep "$wait_seconds"

failed=0
for address in "${addresses[@]}"; do
  echo
  echo "== ${address}"
  if ! organizer show "$address"; then
    failed=1
  fi
done

cat <<'EXPECTED'

Expected: success+ shows its confirmation delivered and "unreachable no";
bounce+ shows it bounced and "unreachable yes"; complaint+ shows it complained
and "unreachable yes". Still "sent": wait longer and run `organizer show` again;
nothing after several minutes: see the EmailEventsDeadLetterQueue and the
email-events log group.
EXPECTED
exit "$failed"
