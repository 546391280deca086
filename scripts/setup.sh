#!/usr/bin/env bash
# Azure Cloud Shell setup for the MLflow lab: makes sure Node.js >= 22, the npm packages and the Pulumi
# CLI are there, then hands off to `mlflow-lab deploy`, which picks the subscription and a region with
# quota, deploys with failover, waits for the workspace and prints its URL, expiry and teardown command.
# The logic lives in TypeScript; this script only prepares the tools.
#
#   ./scripts/setup.sh                      # interactive: asks which subscription when there are several
#   ./scripts/setup.sh eastus               # start in eastus when it is eligible (like setup.ps1 eastus)
#   ./scripts/setup.sh --subscription ID --region westeurope --stack lab --yes   # hosted labs
#   ./scripts/setup.sh --geography Europe   # choose among regions in Europe first
# In Cloud Shell the region it runs in (ACC_LOCATION) is passed on as --near, so the lab is placed in
# the learner's geography unless --region or --geography says otherwise.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: setup.sh [REGION] [--region REGION] [--subscription ID] [--geography GEO] [--stack STACK] [--owner UPN] [--yes]
  REGION, --region    start in this region when it is eligible (otherwise the best one is chosen)
  --geography GEO     prefer regions in this geography (Europe, US, Asia Pacific, ...; default: where you are)
  --subscription ID   subscription to deploy into (default: ask when several are usable)
  --stack STACK       preset stack: lab (default), course, full, serverless (no VM quota needed), or a Pulumi.<stack>.yaml path
  --owner UPN         lab owner when the stack has none (default: the signed-in user)
  --yes               do not ask for confirmation
USAGE
}

fail_usage() {
  echo "setup.sh: $1 (see --help)" >&2
  exit 2
}

region="" geography="" subscription="" stack="lab" owner="" yes=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --yes | -y) yes=1; shift ;;
    --region | --geography | --subscription | --stack | --owner)
      [ $# -ge 2 ] && [ -n "$2" ] && [ "${2#--}" = "$2" ] || fail_usage "$1 needs a value"
      case "$1" in
        --region) region="$2" ;; --geography) geography="$2" ;; --subscription) subscription="$2" ;; --stack) stack="$2" ;; --owner) owner="$2" ;;
      esac
      shift 2 ;;
    --region=* | --geography=* | --subscription=* | --stack=* | --owner=*)
      value="${1#*=}"
      [ -n "$value" ] || fail_usage "${1%%=*} needs a value"
      case "$1" in
        --region=*) region="$value" ;; --geography=*) geography="$value" ;; --subscription=*) subscription="$value" ;; --stack=*) stack="$value" ;; --owner=*) owner="$value" ;;
      esac
      shift ;;
    -*) fail_usage "unknown option '$1'" ;;
    *)
      [ -z "$region" ] || fail_usage "unexpected argument '$1' (the region is already '$region')"
      region="$1"; shift ;;
  esac
done

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { printf 'setup: %s\n' "$*" >&2; }

# Node.js >= 22 (Cloud Shell may ship an older one): the npm registry's `node` package, as .ci/run does.
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 22 ]; then
  node22_dir="${MLFLOW_LAB_NODE22_DIR:-$HOME/.cache/azure-mlflow-lab/node22}"
  if [ ! -x "$node22_dir/node_modules/.bin/node" ]; then
    log "installing Node.js 22 into $node22_dir"
    mkdir -p "$node22_dir"
    npm install --prefix "$node22_dir" --no-save --no-package-lock --no-audit --no-fund node@22 >&2
  fi
  export PATH="$node22_dir/node_modules/.bin:$PATH"
fi
log "node $(node --version)"

# npm packages, only when missing or older than the lock file.
if [ ! -f "$repo/node_modules/.package-lock.json" ] || [ "$repo/package-lock.json" -nt "$repo/node_modules/.package-lock.json" ]; then
  log "installing npm packages (npm ci)"
  (cd "$repo" && npm ci --no-audit --no-fund >&2)
fi

# The Pulumi CLI, from its official installer, only when missing.
[ -d "$HOME/.pulumi/bin" ] && export PATH="$HOME/.pulumi/bin:$PATH"
if [ -n "${MLFLOW_LAB_DEPLOYER_MODULE:-}" ]; then
  log "engine: $MLFLOW_LAB_DEPLOYER_MODULE (the Pulumi CLI is not needed)"
elif ! command -v pulumi >/dev/null 2>&1; then
  log "installing the Pulumi CLI from https://get.pulumi.com"
  curl -fsSL https://get.pulumi.com | sh >&2
  export PATH="$HOME/.pulumi/bin:$PATH"
fi

args=(deploy --stack "$stack")
[ -n "$region" ] && args+=(--region "$region")
[ -n "$geography" ] && args+=(--geography "$geography")
# Cloud Shell sets ACC_LOCATION to the region the shell runs in, i.e. where the learner is
# (https://github.com/MicrosoftDocs/azure-docs/blob/main/includes/cloud-shell-persisting-shell-storage-introblock.md).
[ -n "${ACC_LOCATION:-}" ] && args+=(--near "$ACC_LOCATION")
[ -n "$subscription" ] && args+=(--subscription "$subscription")
[ -n "$owner" ] && args+=(--owner "$owner")
[ -n "$yes" ] && args+=(--yes)
exec node "$repo/scripts/mlflow-lab" "${args[@]}"
