#!/usr/bin/env bash
# Checks the monitoring configuration with the real tools from Debian's prometheus packages:
# promtool check rules, promtool test rules, amtool check-config, and where alerts are routed.
# Installs the packages when promtool/amtool are missing (CI runs on a clean machine).
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v promtool >/dev/null || ! command -v amtool >/dev/null; then
  echo "installing Debian's prometheus and prometheus-alertmanager (promtool, amtool)"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
    prometheus prometheus-alertmanager >/dev/null
fi

passed=0
failed=0
check() {
  local name=$1
  shift
  if output=$("$@" 2>&1); then
    passed=$((passed + 1))
    echo "ok - $name"
  else
    failed=$((failed + 1))
    echo "not ok - $name"
    echo "$output" | sed 's/^/    /'
  fi
}

# amtool prints the receivers an alert with these labels reaches; compare with what we promise.
route_is() {
  local expected=$1
  shift
  local got
  got=$(amtool config routes test --config.file=alertmanager.yml "$@" 2>/dev/null | tail -n 1)
  [ "$got" = "$expected" ] || { echo "labels $* reach '$got', expected '$expected'"; return 1; }
}

check "promtool check config prometheus.yml" promtool check config prometheus.yml
check "promtool check rules alert-rules.yml" promtool check rules alert-rules.yml
check "promtool test rules tests/alert-rules.test.yml" promtool test rules tests/alert-rules.test.yml
check "amtool check-config alertmanager.yml" amtool check-config alertmanager.yml
check "critical in production pages, texts and tells Slack" \
  route_is "oncall-sms,pagerduty,team-slack" severity=critical environment=production team=platform
check "critical elsewhere pages and tells Slack, no SMS" \
  route_is "pagerduty,team-slack" severity=critical environment=staging team=platform
check "security alerts go to the security channel" route_is "security-slack" severity=warning team=security
check "warnings go to the team's Slack" route_is "team-slack" severity=warning team=platform
check "non-urgent alerts go by email" route_is "email" severity=info team=platform

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
