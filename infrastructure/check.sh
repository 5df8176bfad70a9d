#!/usr/bin/env bash
# Every deployment artefact, checked by real tools (CI runs this; so can anyone, as root):
#   1. the Dockerfiles and infrastructure/kubernetes/ are what `npm run deploy:render` makes
#   2. docker-compose config (Debian's docker-compose) and compose coverage of every workload
#   3. the Helm chart: helm lint --strict, helm template per values file, schemas, policy
#   4. Terraform: parsed by hcl2json, one interface across the four clouds, no literal secrets
#   5. the GitHub workflows, validated by action-validator
#   6. every image built with buildah and run with podman (skipped with --static)
# Installs the Debian packages it needs by name when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH" # Node 24 from the devDependency first
started=$SECONDS
static=false
[ "${1:-}" = --static ] && static=true

need=()
command -v docker-compose >/dev/null || need+=(docker-compose)
command -v unzip >/dev/null || need+=(unzip)
command -v psql >/dev/null || need+=(postgresql-client)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian's ${need[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

failed_parts=()
part() {
  local name=$1
  shift
  printf '\n--- %s (%ss)\n' "$name" "$((SECONDS - started))"
  if ! "$@"; then failed_parts+=("$name"); fi
}

part "rendered Dockerfiles and manifests are current" node scripts/deploy/render.ts --check
part "docker-compose" node scripts/deploy/check-compose.ts
part "Helm chart and Kubernetes objects" node scripts/deploy/check-kubernetes.ts
part "Terraform" node scripts/deploy/check-terraform.ts
validate_workflows() {
  local ok=0 bad=0
  for file in .github/workflows/*.yml; do
    if out=$(action-validator "$file" 2>&1); then ok=$((ok + 1)); echo "ok - $file"; else bad=$((bad + 1)); echo "not ok - $file"; echo "$out" | sed 's/^/    /'; fi
  done
  echo "$ok passed, $bad failed"
  [ "$bad" -eq 0 ] && [ "$ok" -gt 0 ]
}
part "GitHub workflows (action-validator)" validate_workflows
if [ "$static" = false ]; then
  part "images built with buildah and run with podman" bash infrastructure/images/build-and-run.sh
fi

printf '\ndeployment checks done in %s s\n' "$((SECONDS - started))"
if [ ${#failed_parts[@]} -gt 0 ]; then
  printf 'failed: %s\n' "${failed_parts[@]}"
  exit 1
fi
