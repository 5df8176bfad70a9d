#!/usr/bin/env bash
# Single-node Apache Kafka (KRaft: broker + controller in one JVM) for local tests and CI.
# Jars come from Maven Central via pom.xml; no Docker, no tarball download.
#
#   kafka.sh provision        fetch the broker jars into .work/libs (idempotent)
#   kafka.sh start            provision if needed, format fresh storage, start, wait until a topic can be created
#   kafka.sh stop             stop the broker started by `start` (no-op if not running)
#   kafka.sh status           say whether it runs (exit 0) or not (exit 1)
#   kafka.sh perf ARGS...     org.apache.kafka.tools.ProducerPerformance ARGS...
#   kafka.sh run-class MAIN ARGS...   any main class on the Kafka classpath (TopicCommand, ConsoleProducer, ...)
#
# See README.md for the environment variables.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK_DIR="$SCRIPT_DIR/.work"
LIBS_DIR="$WORK_DIR/libs"
DATA_DIR="$WORK_DIR/data"
PID_FILE="$WORK_DIR/kafka.pid"
PORT_FILE="$WORK_DIR/kafka.port"
LOG_FILE="$WORK_DIR/kafka.log"
LOCK_FILE="$WORK_DIR/kafka.lock"
SERVER_PROPS="$WORK_DIR/server.properties"
ADMIN_PROPS="$WORK_DIR/admin.properties"
BROKER_LOG4J="$WORK_DIR/log4j2-broker.properties"
TOOLS_LOG4J="$WORK_DIR/log4j2-tools.properties"
STAMP_FILE="$LIBS_DIR/.provisioned"
SASL_PASSWORD_FILE="$WORK_DIR/sasl.password"

KAFKA_HOST="127.0.0.1"
KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
# A second listener that wants SASL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512), as managed Kafkas do;
# its user's password is made at each start (never in the repo) and printed with the brokers.
KAFKA_SASL_PORT="${KAFKA_SASL_PORT:-19094}"
KAFKA_SASL_USER="eduspry"
KAFKA_NUM_PARTITIONS="${KAFKA_NUM_PARTITIONS:-3}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-20}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m}"
KAFKA_JVM_OPTS="${KAFKA_JVM_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent}"
# Short-lived admin JVMs (storage format, readiness check, run-class): start fast, never run hot.
KAFKA_TOOL_JVM_OPTS="${KAFKA_TOOL_JVM_OPTS:--Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss1m}"
# ProducerPerformance is the load generator of a benchmark, so it gets the full JIT.
KAFKA_PERF_JVM_OPTS="${KAFKA_PERF_JVM_OPTS:--Xmx512m -XX:+UseG1GC}"
KAFKA_KEEP_DATA="${KAFKA_KEEP_DATA:-0}"
KAFKA_EXTRA_PROPERTIES="${KAFKA_EXTRA_PROPERTIES:-}"
KAFKA_MVN_ARGS="${KAFKA_MVN_ARGS:-}"
# Class-data sharing archives (faster JVM starts on a reused work tree). Off under CI=true, where every
# run starts from a fresh clone and would only pay for writing the archives.
if [[ "${CI:-}" == "true" ]]; then KAFKA_CDS="${KAFKA_CDS:-0}"; else KAFKA_CDS="${KAFKA_CDS:-1}"; fi

BROKERS="$KAFKA_HOST:$KAFKA_PORT"
SASL_BROKERS="$KAFKA_HOST:$KAFKA_SASL_PORT"
READY_TOPIC="_kafka_sh_readiness"

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  JAVA="$JAVA_HOME/bin/java"
else
  JAVA="java"
fi

now_ms() { local us="${EPOCHREALTIME//[!0-9]/}"; echo $((us / 1000)); }
secs_between() { local d=$(($2 - $1)); printf '%d.%ds' $((d / 1000)) $((d % 1000 / 100)); }
secs_since() { secs_between "$1" "$(now_ms)"; }

log() { printf '[kafka.sh] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

usage() {
  sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
}

# ---------------------------------------------------------------- provisioning

pom_hash() { sha256sum "$SCRIPT_DIR/pom.xml" | cut -d' ' -f1; }

is_provisioned() {
  [[ -f "$STAMP_FILE" ]] || return 1
  [[ "$(head -n1 "$STAMP_FILE")" == "$(pom_hash)" ]] || return 1
  # Every jar listed at provisioning time must still be there.
  local jar
  while IFS= read -r jar; do
    [[ -s "$LIBS_DIR/$jar" ]] || return 1
  done < <(tail -n +2 "$STAMP_FILE")
  return 0
}

provision() {
  if is_provisioned; then
    log "jars already provisioned in .work/libs ($(kafka_version))"
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found; it is needed once to fetch the Kafka jars from Maven Central"
  mkdir -p "$WORK_DIR"
  local tmp="$WORK_DIR/libs.tmp.$$"
  rm -rf "$tmp"
  log "fetching Kafka jars from Maven Central (pom.xml) ..."
  local t0
  t0="$(now_ms)"
  # shellcheck disable=SC2086  # KAFKA_MVN_ARGS is a list of extra arguments
  # (sed strips the colour codes that mvn -q prints even in batch mode; pipefail keeps mvn's status)
  if ! mvn -B -q -Dstyle.color=never -f "$SCRIPT_DIR/pom.xml" $KAFKA_MVN_ARGS \
      dependency:copy-dependencies -DoutputDirectory="$tmp" -DincludeScope=runtime 2>&1 \
      | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d' >&2; then
    rm -rf "$tmp"
    die "mvn dependency:copy-dependencies failed"
  fi
  ls "$tmp"/kafka_2.13-*.jar >/dev/null 2>&1 || { rm -rf "$tmp"; die "kafka_2.13 jar missing after mvn run"; }
  # shellcheck disable=SC2012  # jar names are plain
  { pom_hash; (cd "$tmp" && ls -1 ./*.jar | sed 's|^\./||'); } > "$tmp/.provisioned"
  rm -rf "$LIBS_DIR"
  mv "$tmp" "$LIBS_DIR"
  log "provisioned $(($(wc -l < "$STAMP_FILE") - 1)) jars ($(kafka_version)) in $(secs_since "$t0")"
}

kafka_version() {
  local jar
  # shellcheck disable=SC2012
  jar="$(ls "$LIBS_DIR"/kafka_2.13-*.jar 2>/dev/null | head -n1 || true)"
  [[ -n "$jar" ]] || { echo "unknown"; return; }
  jar="${jar##*/kafka_2.13-}"
  echo "Kafka ${jar%.jar}"
}

# ---------------------------------------------------------------- helpers

write_log4j_configs() {
  cat > "$BROKER_LOG4J" <<'EOF'
# Broker logging: everything to stdout, which kafka.sh redirects to .work/kafka.log.
status = warn
name = kafka-broker
# Kafka logs its own shutdown from a JVM shutdown hook; log4j must not close first.
shutdownHook = disable
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
logger.authorizer.name = kafka.authorizer.logger
logger.authorizer.level = WARN
EOF
  cat > "$TOOLS_LOG4J" <<'EOF'
# Command-line tools: warnings and errors only, on stderr.
status = warn
name = kafka-tools
shutdownHook = disable
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = STDERR
EOF
}

# Where the class-data sharing archives of this jar set + this java binary live (wiped with .work/libs).
cds_dir() {
  local bin key
  bin="$(command -v "$JAVA")" || return 1
  bin="$(readlink -f "$bin")"
  key="$( { echo "$bin"; stat -c %Y "$bin"; head -n1 "$STAMP_FILE"; } | sha256sum | cut -c1-16)"
  echo "$LIBS_DIR/.cds/$key"
}

# Sets CDS_OPTS (and CDS_TMP when this run writes a new archive) for archive name $1.
# The JVM ignores an archive that does not match (other JDK, changed jars) and runs without it.
cds_setup() {
  CDS_OPTS=() CDS_TMP=""
  [[ "$KAFKA_CDS" == "1" && -n "$1" ]] || return 0
  local dir jsa
  dir="$(cds_dir)" || return 0
  jsa="$dir/$1.jsa"
  if [[ -s "$jsa" ]]; then
    CDS_OPTS=('-Xlog:cds*=off' "-XX:SharedArchiveFile=$jsa")
  else
    mkdir -p "$dir"
    local old
    for old in "$jsa".tmp.*; do   # left by runs that were interrupted
      if [[ -e "$old" ]] && ! kill -0 "${old##*.tmp.}" 2>/dev/null; then rm -f "$old"; fi
    done
    CDS_TMP="$jsa.tmp.$$"
    CDS_OPTS=('-Xlog:cds*=off' "-XX:ArchiveClassesAtExit=$CDS_TMP")
  fi
}

# Keep an archive written by a successful run; drop it otherwise.
cds_finish() { # $1 = archive name, $2 = exit code of the run
  [[ -n "$CDS_TMP" ]] || return 0
  if [[ "$2" == "0" && -s "$CDS_TMP" ]]; then
    mv -f "$CDS_TMP" "${CDS_TMP%.tmp.*}"
  else
    rm -f "$CDS_TMP"
  fi
}

# java with the Kafka classpath: run_java JVM_OPTS CDS_NAME MAIN_CLASS ARGS...  (CDS_NAME "" = no archive)
run_java() {
  local jvm_opts="$1" cds_name="$2" rc=0; shift 2
  [[ -f "$TOOLS_LOG4J" ]] || { mkdir -p "$WORK_DIR"; write_log4j_configs; }
  cds_setup "$cds_name"
  # shellcheck disable=SC2086
  "$JAVA" $jvm_opts "${CDS_OPTS[@]}" -Djava.awt.headless=true -Dlog4j2.configurationFile="$TOOLS_LOG4J" \
    -cp "$LIBS_DIR/*" "$@" || rc=$?
  cds_finish "$cds_name" "$rc"
  return "$rc"
}

port_open() { # $1 = port
  timeout 2 bash -c "exec 3<>/dev/tcp/$KAFKA_HOST/$1" 2>/dev/null
}

read_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(tr -dc '0-9' < "$PID_FILE")"
  [[ -n "$pid" ]] || return 1
  echo "$pid"
}

# Exists and is not a zombie waiting to be reaped.
pid_alive() { # $1 = pid
  kill -0 "$1" 2>/dev/null || return 1
  if [[ -r "/proc/$1/stat" ]]; then
    local stat
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
    stat="${stat##*) }"
    [[ "${stat%% *}" != "Z" ]] || return 1
  fi
  return 0
}

# Alive AND really our broker (guards against a recycled pid).
pid_is_broker() { # $1 = pid
  pid_alive "$1" || return 1
  [[ -r "/proc/$1/cmdline" ]] || return 0   # no procfs: trust kill -0
  tr '\0' ' ' < "/proc/$1/cmdline" | grep -qF "kafka.Kafka $SERVER_PROPS"
}

running_pid() {
  local pid
  pid="$(read_pid)" || return 1
  pid_is_broker "$pid" || return 1
  echo "$pid"
}

# Serialises provision/start/stop of concurrent kafka.sh calls (e.g. parallel test workers).
with_lock() {
  mkdir -p "$WORK_DIR"
  command -v flock >/dev/null 2>&1 || { "$@"; return; }
  exec 9>"$LOCK_FILE"
  flock -w 120 9 || die "could not get $LOCK_FILE within 120s (another kafka.sh start/stop running?)"
  "$@"        # (a failure exits the script under set -e, which releases the lock too)
  exec 9>&-   # release: a long `perf` or `run-class` after provisioning must not hold the lock
}

random_cluster_id() {
  # Kafka's Uuid: 16 random bytes, URL-safe base64 without padding, must not start with '-'.
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "$id" == -* || "$id" == "AAAAAAAAAAAAAAAAAAAAAA" || "$id" == "AAAAAAAAAAAAAAAAAAAAAQ" ]] || break
  done
  echo "$id"
}

# What a client needs, on one line (`eval "export $(kafka.sh start | tail -n1)"`): the plain
# listener, and the SASL one with its user and this start's password.
env_line() {
  local password=""
  [[ -r "$SASL_PASSWORD_FILE" ]] && password="$(cat "$SASL_PASSWORD_FILE")"
  echo "KAFKA_BROKERS=$BROKERS KAFKA_SASL_TEST_BROKERS=$SASL_BROKERS KAFKA_SASL_TEST_USERNAME=$KAFKA_SASL_USER KAFKA_SASL_TEST_PASSWORD=$password"
}

write_server_properties() {
  local password
  password="$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')"
  (umask 077 && printf '%s' "$password" > "$SASL_PASSWORD_FILE")
  cat > "$SERVER_PROPS" <<EOF
# Generated by kafka.sh start; edits are overwritten. Use KAFKA_EXTRA_PROPERTIES instead.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,SASL_PLAINTEXT://$KAFKA_HOST:$KAFKA_SASL_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,SASL_PLAINTEXT://$KAFKA_HOST:$KAFKA_SASL_PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT
log.dirs=$DATA_DIR

# The SASL listener: PLAIN users in its JAAS line, SCRAM credentials written at format time.
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$KAFKA_SASL_USER="$password";
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;

# Single node: every replication factor / ISR is 1.
num.partitions=$KAFKA_NUM_PARTITIONS
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Internal topics with one partition: first consumer group / transaction is ready at once.
offsets.topic.num.partitions=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.num.partitions=1

auto.create.topics.enable=true
delete.topic.enable=true
group.initial.rebalance.delay.ms=0
EOF
  if [[ -n "$KAFKA_EXTRA_PROPERTIES" ]]; then
    printf '\n# KAFKA_EXTRA_PROPERTIES\n%s\n' "$KAFKA_EXTRA_PROPERTIES" >> "$SERVER_PROPS"
  fi
  cat > "$ADMIN_PROPS" <<'EOF'
request.timeout.ms=5000
default.api.timeout.ms=15000
EOF
}

format_storage() {
  if [[ "$KAFKA_KEEP_DATA" == "1" && -f "$DATA_DIR/meta.properties" ]]; then
    log "KAFKA_KEEP_DATA=1: reusing existing data in .work/data"
    return 0
  fi
  rm -rf "$DATA_DIR"
  local cluster_id
  cluster_id="$(random_cluster_id)"
  local password
  password="$(cat "$SASL_PASSWORD_FILE")"
  if ! run_java "$KAFKA_TOOL_JVM_OPTS" storage-tool kafka.tools.StorageTool \
        format --cluster-id "$cluster_id" --config "$SERVER_PROPS" \
        --add-scram "SCRAM-SHA-256=[name=$KAFKA_SASL_USER,password=$password]" \
        --add-scram "SCRAM-SHA-512=[name=$KAFKA_SASL_USER,password=$password]" \
        > "$WORK_DIR/format.log" 2>&1; then
    cat "$WORK_DIR/format.log" >&2
    die "formatting storage failed"
  fi
}

fail_start() {
  log "ERROR: $*"
  log "---- last 60 lines of .work/kafka.log ----"
  tail -n 60 "$LOG_FILE" >&2 2>/dev/null || true
  log "----"
  local pid
  if pid="$(read_pid)" && pid_alive "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE" "$PORT_FILE"
  log "ERROR: $* (full log: $LOG_FILE)"
  exit 1
}

# ---------------------------------------------------------------- commands

start_locked() {
  local t0 pid
  t0="$(now_ms)"
  if pid="$(running_pid)"; then
    local running_port
    running_port="$(cat "$PORT_FILE" 2>/dev/null || echo "$KAFKA_PORT")"
    if [[ "$running_port" != "$KAFKA_PORT" ]]; then
      die "a broker already runs (pid $pid) on $KAFKA_HOST:$running_port, not on KAFKA_PORT=$KAFKA_PORT; run 'kafka.sh stop' first"
    fi
    if port_open "$KAFKA_PORT"; then
      log "already running (pid $pid) on $BROKERS"
      env_line
      return 0
    fi
    log "pid $pid is alive but $BROKERS does not answer: restarting it"
    stop_locked
  fi
  rm -f "$PID_FILE" "$PORT_FILE"

  provision
  local port
  for port in "$KAFKA_PORT" "$KAFKA_SASL_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_open "$port"; then
      die "port $KAFKA_HOST:$port is already in use by another process (set KAFKA_PORT / KAFKA_SASL_PORT / KAFKA_CONTROLLER_PORT)"
    fi
  done

  write_log4j_configs
  write_server_properties
  format_storage
  local t_format
  t_format="$(now_ms)"

  # The broker's class-data archive is written when it exits (kafka.sh stop) and used from the next start on.
  rm -f "$LIBS_DIR"/.cds/*/broker.jsa.tmp.*   # left by a broker that never got a clean stop
  cds_setup broker
  : > "$LOG_FILE"
  # setsid: the broker outlives the shell/npm that started it and ignores its Ctrl-C.
  # The inner bash writes its own pid and execs java, so the pid file holds the JVM's pid.
  # 9>&- : the broker must not inherit (and so hold forever) the kafka.sh lock.
  # shellcheck disable=SC2016,SC2086  # $1 is for the inner bash; the *_OPTS are lists of flags
  setsid bash -c 'echo $$ > "$1"; shift; exec "$@"' _ "$PID_FILE" \
    "$JAVA" $KAFKA_HEAP_OPTS $KAFKA_JVM_OPTS "${CDS_OPTS[@]}" -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$BROKER_LOG4J" \
    -cp "$LIBS_DIR/*" kafka.Kafka "$SERVER_PROPS" \
    >> "$LOG_FILE" 2>&1 < /dev/null 9>&- &
  local _
  for _ in $(seq 1 50); do [[ -s "$PID_FILE" ]] && break; sleep 0.1; done
  pid="$(read_pid)" || fail_start "broker process did not start"
  echo "$KAFKA_PORT" > "$PORT_FILE"
  [[ -z "$CDS_TMP" ]] || log "first start with this jar set: the broker writes its class-data archive at stop"
  log "started broker pid $pid, waiting for it to accept topic creation (timeout ${KAFKA_START_TIMEOUT}s) ..."

  local deadline=$((SECONDS + KAFKA_START_TIMEOUT)) out t_port=""
  while :; do
    pid_alive "$pid" || fail_start "broker process $pid exited during startup"
    if port_open "$KAFKA_PORT"; then
      t_port="${t_port:-$(now_ms)}"
      if out="$(run_java "$KAFKA_TOOL_JVM_OPTS" topic-command org.apache.kafka.tools.TopicCommand \
            --bootstrap-server "$BROKERS" --command-config "$ADMIN_PROPS" \
            --create --if-not-exists --topic "$READY_TOPIC" --partitions 1 --replication-factor 1 2>&1)"; then
        break
      fi
    fi
    (( SECONDS < deadline )) || { printf '%s\n' "${out:-}" >&2; fail_start "broker not ready after ${KAFKA_START_TIMEOUT}s"; }
    sleep 0.2
  done
  # Leave no trace of the check: tests that list topics see only their own.
  run_java "$KAFKA_TOOL_JVM_OPTS" topic-command org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$BROKERS" --command-config "$ADMIN_PROPS" \
    --delete --if-exists --topic "$READY_TOPIC" >/dev/null 2>&1 || log "warning: could not delete $READY_TOPIC"

  log "$(kafka_version) ready on $BROKERS (pid $pid, data .work/data, log .work/kafka.log) in $(secs_since "$t0")" \
    "(format $(secs_between "$t0" "$t_format"), port open after $(secs_between "$t_format" "$t_port"), topic check $(secs_since "$t_port"))"
  env_line
}

stop_locked() {
  local pid
  if ! pid="$(read_pid)"; then
    log "not running (no pid file)"
    return 0
  fi
  if ! pid_is_broker "$pid"; then
    log "not running (stale pid file for pid $pid removed)"
    rm -f "$PID_FILE" "$PORT_FILE"
    return 0
  fi
  log "stopping broker pid $pid ..."
  kill -TERM "$pid" 2>/dev/null || true
  local waited=0 killed=0 tmp
  while pid_alive "$pid" && (( waited < KAFKA_STOP_TIMEOUT * 10 )); do
    sleep 0.1
    waited=$((waited + 1))
  done
  if pid_alive "$pid"; then
    log "still alive after ${KAFKA_STOP_TIMEOUT}s: sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    killed=1
    while pid_alive "$pid"; do sleep 0.1; done
  fi
  rm -f "$PID_FILE" "$PORT_FILE"
  # A broker started without a class-data archive has just written one at exit: keep it unless it was killed.
  for tmp in "$LIBS_DIR"/.cds/*/broker.jsa.tmp.*; do
    [[ -e "$tmp" ]] || continue
    if [[ "$killed" == "0" && -s "$tmp" ]]; then mv -f "$tmp" "${tmp%.tmp.*}"; else rm -f "$tmp"; fi
  done
  log "stopped in $((waited / 10))s"
}

status() {
  local pid port
  if pid="$(running_pid)"; then
    port="$(cat "$PORT_FILE" 2>/dev/null || echo "$KAFKA_PORT")"
    if port_open "$port"; then
      log "running (pid $pid) on $KAFKA_HOST:$port"
      echo "KAFKA_BROKERS=$KAFKA_HOST:$port"
      return 0
    fi
    log "pid $pid is alive but $KAFKA_HOST:$port does not answer"
    return 1
  fi
  log "not running"
  return 1
}

cmd="${1:-}"
[[ $# -gt 0 ]] && shift
case "$cmd" in
  provision) with_lock provision ;;
  start)     with_lock start_locked ;;
  stop)      with_lock stop_locked ;;
  status)    status ;;
  perf)
    is_provisioned || with_lock provision
    run_java "$KAFKA_PERF_JVM_OPTS" "" org.apache.kafka.tools.ProducerPerformance "$@"
    ;;
  run-class)
    [[ $# -ge 1 ]] || die "usage: kafka.sh run-class MAIN_CLASS [ARGS...]"
    is_provisioned || with_lock provision
    run_java "$KAFKA_TOOL_JVM_OPTS" "class-$1" "$@"
    ;;
  -h|--help|help) usage ;;
  *) usage; exit 2 ;;
esac
