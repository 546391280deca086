#!/bin/sh
# The ACI scorer: downloads a registered MLflow model and serves it with the MLflow its MLmodel names,
# on 127.0.0.1 only (the Caddy container of the same group is the only way in). It runs as the command of
# the `python:3.12-slim-bookworm` container (src/lab/endpoints/aci.ts), and as it is in the tests, against
# a local MLflow tracking server (test/integration/aci/scorer-recipe.test.ts).
#
# Environment:
#   MODEL_URI              models:/<name>/<version>
#   MLFLOW_TRACKING_URI    the Azure ML workspace's azureml:// URI (the azureml-mlflow plugin signs in
#                          with the group's managed identity), or any MLflow tracking server
#   SCORER_FILES           folder with this script's companions (default: this script's folder):
#                          scorer_plan.py and constraints-{tools,fetch,mlflow-2,mlflow-3}.txt
#   SCORER_ROOT            where environments and the model go (default /opt/scorer). An environment is
#                          kept under a name that hashes what it was built from, with a .ready marker, so
#                          a second start with the same root (a test machine) reuses it.
#   SCORER_MODEL_DIR       where the model is downloaded (default $SCORER_ROOT/model)
#   SCORER_PORT            default 8080
#   SCORER_DOWNLOAD_TRIES  default 120, 10 s apart: role assignments of a new identity take minutes to
#                          apply, and every second of waiting counts against the start
#
# Every Python package comes from a constraints file of this folder, compiled by scripts/lock-python.sh.
# The phase lines ("scorer: phase <name> <seconds> s") are what bench/aci-cold-start.ts reads.
set -eu

FILES="${SCORER_FILES:-$(cd "$(dirname "$0")" && pwd)}"
ROOT="${SCORER_ROOT:-/opt/scorer}"
PORT="${SCORER_PORT:-8080}"
TRIES="${SCORER_DOWNLOAD_TRIES:-120}"
: "${MODEL_URI:?MODEL_URI is not set (models:/<name>/<version>)}"
: "${MLFLOW_TRACKING_URI:?MLFLOW_TRACKING_URI is not set}"
mkdir -p "$ROOT"

log() { printf '%s scorer: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
now() { date +%s; }
STARTED=$(now)
phase() { log "phase $1 $(( $(now) - $2 )) s"; }

# A directory per content hash; built under a lock (mkdir is atomic), published by a .ready marker.
env_dir() { printf '%s/%s-%s' "$ROOT" "$1" "$(printf '%s\n%s\n' "$2" "$(python3 -c 'import sys; print(sys.version.split()[0])')" | sha256sum | cut -c1-16)"; }
with_lock() {
  dir=$1; shift
  [ -f "$dir/.ready" ] && return 0
  until mkdir "$dir.lock" 2>/dev/null; do
    [ -f "$dir/.ready" ] && return 0
    sleep 2
  done
  if [ ! -f "$dir/.ready" ]; then
    rm -rf "$dir"
    if ! "$@"; then rmdir "$dir.lock"; return 1; fi
    touch "$dir/.ready"
  fi
  rmdir "$dir.lock"
}

# 1. uv, pinned, installed by pip from its constraints file.
t=$(now)
TOOLS=$(env_dir tools "$(cat "$FILES/constraints-tools.txt")")
build_tools() {
  python3 -m venv "$TOOLS" &&
    "$TOOLS/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$FILES/constraints-tools.txt"
}
with_lock "$TOOLS" build_tools
UV="$TOOLS/bin/uv"
phase tools "$t"

# uv builds environments from the image's own Python (never downloads one) and links from its cache.
uv_env() {
  target=$1
  shift
  "$UV" venv --quiet --python "$(command -v python3)" "$target" &&
    "$UV" pip install --quiet --python "$target/bin/python" "$@"
}

# 2. The download environment: mlflow-skinny with the azureml-mlflow plugin.
t=$(now)
FETCH=$(env_dir fetch "$(cat "$FILES/constraints-fetch.txt")")
with_lock "$FETCH" uv_env "$FETCH" -r "$FILES/constraints-fetch.txt"
phase fetch-env "$t"

# 3. The model.
t=$(now)
MODEL_DIR="${SCORER_MODEL_DIR:-$ROOT/model}"
rm -rf "$MODEL_DIR"
try=1
until "$FETCH/bin/python" -c 'import mlflow, os, sys; mlflow.artifacts.download_artifacts(artifact_uri=os.environ["MODEL_URI"], dst_path=sys.argv[1])' "$MODEL_DIR"; do
  if [ "$try" -ge "$TRIES" ]; then
    log "could not download $MODEL_URI after $try tries; giving up"
    exit 1
  fi
  log "downloading $MODEL_URI failed (try $try of $TRIES; a new identity's role assignments take minutes to apply); retrying in 10 s"
  try=$((try + 1))
  sleep 10
done
[ -f "$MODEL_DIR/MLmodel" ] || { log "$MODEL_URI has no MLmodel at its root"; exit 1; }
phase download "$t"

# 4. What the model needs: its MLflow line, Java, its packages (scorer_plan.py says why).
eval "$("$FETCH/bin/python" "$FILES/scorer_plan.py" "$MODEL_DIR" "$FILES")"
CONSTRAINTS="$FILES/constraints-$SCORER_LINE.txt"
log "plan: $SCORER_LINE line; Java $([ "$SCORER_JAVA" = 1 ] && echo needed || echo not needed); packages: $SCORER_PACKAGES"

# 5. Java for Spark models, installed while the Python packages install.
t=$(now)
JAVA_PID=""
if [ "$SCORER_JAVA" = 1 ] && ! command -v java >/dev/null 2>&1; then
  log "installing a Java runtime for the spark flavor"
  ( apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null ) &
  JAVA_PID=$!
fi

# 6. The serving environment: the line's pins for exactly these packages.
SERVE=$(env_dir "$SCORER_LINE" "$(cat "$CONSTRAINTS")
$SCORER_PACKAGES")
# shellcheck disable=SC2086 # SCORER_PACKAGES is a list of package names
with_lock "$SERVE" uv_env "$SERVE" -c "$CONSTRAINTS" $SCORER_PACKAGES
phase serve-env "$t"
if [ -n "$JAVA_PID" ]; then
  wait "$JAVA_PID" || { log "installing Java failed"; exit 1; }
  phase java "$t"
fi

# 7. Serve. One worker: a lab endpoint needs no more, and a Spark model loads a JVM per worker.
log "serving $MODEL_URI on 127.0.0.1:$PORT; ready $(( $(now) - STARTED )) s after start, once the model has loaded"
# `mlflow models serve` starts uvicorn from PATH (MLflow 2.22 and 3.x both), which logs every request.
export PATH="$SERVE/bin:$PATH"
exec "$SERVE/bin/mlflow" models serve -m "$MODEL_DIR" --env-manager local --host 127.0.0.1 --port "$PORT" --workers 1
