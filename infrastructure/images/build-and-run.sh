#!/usr/bin/env bash
# Builds every workload's image and runs it, offline and without a Docker engine: Debian's
# buildah and podman as root, runc, `--isolation chroot`, container storage in a folder of this
# run (removed at the end), the base image from base.sh (cached outside the clone). Then, on a
# fresh database of the system PostgreSQL migrated by `node scripts/db.ts migrate`: the
# migrations image runs to completion, and every other image starts, answers its health and
# readiness paths, passes its own HEALTHCHECK, and exits 0 within its grace period on SIGTERM.
# Prints a row per image (build seconds, size) and `N passed, N failed`.
#   IMAGES_DATABASE_URL  admin URL of the PostgreSQL to use (default the system one on 127.0.0.1:5432)
#   IMAGES_ONLY          space-separated workload names to limit the run to
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
node="$root/node_modules/.bin/node" # Node 24 from the devDependency; the system node may be older
started=$SECONDS

need=()
for tool in buildah podman runc debootstrap; do command -v "$tool" >/dev/null || need+=("$tool"); done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian's ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends buildah podman runc debootstrap >/dev/null
fi

run_dir=$(mktemp -d "${TMPDIR:-/var/tmp}/eduspry-images.XXXXXX")
S=(--root "$run_dir/storage" --runroot "$run_dir/runroot" --storage-driver overlay)
P=(podman "${S[@]}" --runtime "$(command -v runc)" --cgroup-manager cgroupfs --events-backend file)
admin_url=${IMAGES_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
database="eduspry_images_$(date +%s)_$$"
db_url="${admin_url%/*}/$database"
cleanup() {
  "${P[@]}" rm -af -t 5 >/dev/null 2>&1 || true
  "${P[@]}" system reset -f >/dev/null 2>&1 || true
  rm -rf "$run_dir"
  psql "$admin_url" -qc "drop database if exists \"$database\" with (force)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# Within the host's hard limits (crun/runc refuse more than the host allows).
hard_nofile=$(ulimit -Hn); hard_nproc=$(ulimit -Hu)
[ "$hard_nofile" = unlimited ] && hard_nofile=65536
[ "$hard_nproc" = unlimited ] && hard_nproc=8192
nofile=$((hard_nofile < 65536 ? hard_nofile : 65536))
nproc=$((hard_nproc < 8192 ? hard_nproc : 8192))
limits=(--ulimit "nofile=$nofile:$nofile" --ulimit "nproc=$nproc:$nproc")

base_tar=$(bash infrastructure/images/base.sh 2>"$run_dir/base.log") || { cat "$run_dir/base.log"; exit 1; }
base=localhost/eduspry-base:node24
"${P[@]}" import -q "$base_tar" "$base" >/dev/null
echo "base image $base from $(basename "$base_tar") ($((SECONDS - started)) s)"

# The registry may sit behind a TLS-inspecting proxy: hand the host's CA bundle to the install
# steps as a build-time volume (it is not copied into any image).
ca_args=()
if [ -s /etc/ssl/certs/ca-certificates.crt ]; then
  ca_args=(-v /etc/ssl/certs/ca-certificates.crt:/run/host-ca.crt:ro --build-arg NODE_EXTRA_CA_CERTS=/run/host-ca.crt)
fi

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }

mapfile -t rows < <("$node" scripts/deploy/workloads.ts)
selected=()
for row in "${rows[@]}"; do
  name=${row%% *}
  if [ -n "${IMAGES_ONLY:-}" ] && [[ " $IMAGES_ONLY " != *" $name "* ]]; then continue; fi
  selected+=("$row")
done

report=()
for row in "${selected[@]}"; do
  read -r name dir kind port ready health db <<<"$row"
  t0=$SECONDS
  if buildah "${S[@]}" bud --isolation chroot --format docker --layers "${limits[@]}" "${ca_args[@]}" \
    --build-arg "BASE_IMAGE=$base" -f "$dir/Dockerfile" -t "localhost/eduspry/$name:ci" . >"$run_dir/build-$name.log" 2>&1; then
    size=$("${P[@]}" image inspect "localhost/eduspry/$name:ci" --format '{{.Size}}')
    mb=$((size / 1000000))
    ok "$name image built in $((SECONDS - t0)) s, $mb MB"
    report+=("| $name | $((SECONDS - t0)) s | $mb MB | $([ "$mb" -lt 300 ] && echo 'under 300 MB' || echo 'over the 300 MB goal') |")
  else
    not_ok "$name image build failed"
    tail -n 30 "$run_dir/build-$name.log" | sed 's/^/    /'
  fi
done

# The database the images run against: the project's own migration command, on the host.
psql "$admin_url" -qc "create database \"$database\""
DATABASE_URL=$db_url "$node" scripts/db.ts migrate >/dev/null
db_services=()
for row in "${selected[@]}"; do
  read -r name _ _ _ _ _ db <<<"$row"
  [ "$db" = db ] && db_services+=("$name")
done
declare -A service_db
while IFS='=' read -r key value; do service_db[$key]=$value; done < <(DATABASE_URL=$db_url "$node" scripts/deploy/service-roles.ts "${db_services[@]}")

# Host networking (the database is on the host's loopback); ports are shifted by 20000 so the
# containers never meet a developer's `npm start`.
declare -A url_env
for row in "${rows[@]}"; do
  read -r name _ kind port _ _ _ <<<"$row"
  [ "$port" = - ] && continue
  [ "$kind" = edge ] && continue
  key=$(echo "$name" | tr 'a-z-' 'A-Z_')_URL
  url_env[$key]="http://127.0.0.1:$((port + 20000))"
done
common_env=(-e NODE_ENV=production -e HOST=127.0.0.1 -e EDUSPRY_ENVIRONMENT=ci -e MAIL_OUTBOX_DIR=/tmp/mail)
# The root filesystem is read-only: content-service keeps files and partial uploads under /tmp.
common_env+=(-e STORAGE_LOCAL_ROOT=/tmp/storage -e CONTENT_UPLOAD_DIR=/tmp/uploads)
for key in "${!url_env[@]}"; do common_env+=(-e "$key=${url_env[$key]}"); done
common_env+=(-e AUTH_ISSUER="${url_env[AUTH_SERVICE_URL]:-http://127.0.0.1:24001}")
secret=$(head -c 32 /dev/urandom | base64 | tr -d '\n')
mapfile -t secret_names < <("$node" --input-type=module -e \
  "const { PLATFORM } = await import('$root/scripts/lib/platform.ts'); for (const n of new Set(PLATFORM.flatMap((e) => e.secrets ?? []))) console.log(n);")
run_flags=(--network host --read-only --tmpfs /tmp:rw,size=64m,mode=1777 --cap-drop ALL
  --security-opt no-new-privileges "${limits[@]}")

migrations_row=$(printf '%s\n' "${selected[@]}" | grep '^migrations ' || true)
if [ -n "$migrations_row" ] && "${P[@]}" image exists localhost/eduspry/migrations:ci; then
  if out=$("${P[@]}" run --rm "${run_flags[@]}" -e DATABASE_URL="$db_url" localhost/eduspry/migrations:ci 2>&1) &&
    [[ "$out" == *"migrations up to date"* ]]; then
    ok "migrations image: $out"
  else
    not_ok "migrations image: $out"
  fi
fi

started_names=()
for row in "${selected[@]}"; do
  read -r name dir kind port ready health db <<<"$row"
  [ "$kind" = migrations ] && continue
  "${P[@]}" image exists "localhost/eduspry/$name:ci" || continue
  env=("${common_env[@]}")
  host_port=$((port + 20000))
  env+=(-e "PORT=$host_port")
  # The edge runtime's own Secret (the chart's edge-runtime block): no tenant's webhooks yet.
  [ "$kind" = edge ] && env+=(-e 'INCOMING_WEBHOOK_SECRETS={}' -e 'INCOMING_WEBHOOK_TOKENS={}')
  [ "$db" = db ] && env+=(-e "DATABASE_URL=${service_db[$(echo "$name" | tr 'a-z-' 'A-Z_')_DATABASE_URL]}")
  # Every secret of the process list, as production's secret store hands them over.
  for secret_name in "${secret_names[@]}"; do env+=(-e "$secret_name=$secret"); done
  extra=()
  [ "$kind" = app ] && extra+=(--tmpfs "/app/$dir/.next/cache:rw,size=256m,mode=1777")
  if "${P[@]}" run -d --name "$name" "${run_flags[@]}" "${extra[@]}" "${env[@]}" "localhost/eduspry/$name:ci" >/dev/null 2>"$run_dir/run-$name.log"; then
    started_names+=("$name|$kind|$host_port|$ready|$health")
  else
    not_ok "$name did not start: $(tail -n 3 "$run_dir/run-$name.log")"
  fi
done

probe() { # kind port path
  curl -sf -o /dev/null --max-time 5 "http://127.0.0.1:$2$3"
}
# The edge runtime serves every function folder at Supabase's /functions/v1/<name>, as `npm start`
# does: its /ready lists them all, CORS preflights pass, verify_jwt (notification) and the
# functions' own token check (analytics) refuse a call without a token, an unknown name is a 404.
expect() { # label method url status [content-type] [body fragment]
  local out status type
  out=$(curl -s --max-time 5 -X "$2" -o "$run_dir/answer" -w '%{http_code} %{content_type}' "$3" || echo '000 -')
  status=${out%% *}; type=${out#* }
  if [ "$status" = "$4" ] && [[ "$type" == "${5:-}"* ]] && { [ -z "${6:-}" ] || grep -q -- "$6" "$run_dir/answer"; }; then
    ok "$1: $2 ${3#http://127.0.0.1:*/} answers $status${5:+ $5}"
  else
    not_ok "$1: $2 ${3#http://127.0.0.1:*/} answers $status $type, not $4${5:+ $5}${6:+ with $6}: $(head -c 200 "$run_dir/answer")"
  fi
}
edge_functions_answer() { # name port
  local base="http://127.0.0.1:$2" fn
  for fn in $(find supabase/functions -mindepth 2 -maxdepth 2 -name index.ts -path 'supabase/functions/[!_]*' | cut -d/ -f3 | sort); do
    expect "$1 lists $fn in /ready" GET "$base/ready" 200 application/json "\"$fn\""
  done
  expect "$1" OPTIONS "$base/functions/v1/analytics" 204
  expect "$1" OPTIONS "$base/functions/v1/log-events" 204
  expect "$1" POST "$base/functions/v1/analytics" 401 application/problem+json
  expect "$1" POST "$base/functions/v1/notification/notifications" 401 application/problem+json verify_jwt
  expect "$1" GET "$base/functions/v1/no-such-function" 404 application/problem+json function-not-found
}
for entry in "${started_names[@]}"; do
  IFS='|' read -r name kind port ready health <<<"$entry"
  deadline=$((SECONDS + 120))
  until probe "$kind" "$port" "$ready"; do
    if [ $SECONDS -ge $deadline ] || [ "$("${P[@]}" inspect "$name" --format '{{.State.Running}}')" != true ]; then break; fi
    sleep 1
  done
  if probe "$kind" "$port" "$ready" && probe "$kind" "$port" "$health"; then
    ok "$name answers $health and $ready (200)"
  else
    not_ok "$name never became ready on port $port"
    "${P[@]}" logs --tail 15 "$name" 2>&1 | sed 's/^/    /'
    continue
  fi
  [ "$kind" = edge ] && edge_functions_answer "$name" "$port"
  if "${P[@]}" healthcheck run "$name" >/dev/null 2>&1; then ok "$name passes its image's HEALTHCHECK"; else not_ok "$name fails its image's HEALTHCHECK"; fi
  user=$("${P[@]}" exec "$name" id -u 2>/dev/null || echo '?')
  if [ "$user" != 0 ]; then ok "$name runs as uid $user on a read-only root"; else not_ok "$name runs as root"; fi
done

# Clean: the process exits by itself well before the grace period ends (never killed: 137).
# Next.js exits 143 (128 + SIGTERM) by design once its own graceful shutdown has finished.
for entry in "${started_names[@]}"; do
  IFS='|' read -r name kind _ _ _ <<<"$entry"
  t0=$SECONDS
  "${P[@]}" stop -t 25 "$name" >/dev/null 2>&1 || true
  code=$("${P[@]}" inspect "$name" --format '{{.State.ExitCode}}')
  clean=0
  [ "$kind" = app ] && clean=143
  if { [ "$code" = 0 ] || [ "$code" = "$clean" ]; } && [ $((SECONDS - t0)) -lt 25 ]; then
    ok "$name exits $code on SIGTERM after $((SECONDS - t0)) s"
  else
    not_ok "$name exit code $code after SIGTERM ($((SECONDS - t0)) s)"
    "${P[@]}" logs --tail 10 "$name" 2>&1 | sed 's/^/    /'
  fi
done

echo
echo "| image | build | size | goal |"
echo "| --- | --- | --- | --- |"
printf '%s\n' "${report[@]}"
echo "images built and run in $((SECONDS - started)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
