#!/usr/bin/env bash
# Compiles every requirements.in of the project's Python environments into the constraints.txt next to
# it: every package pinned, for every Python the project supports (3.10 and newer, with markers where a
# version differs). Tests and the containers install constraints.txt, never requirements.in.
#   scripts/lock-python.sh            all environments
#   scripts/lock-python.sh DIR ...    only these (directories holding a requirements.in)
# Needs uv (https://docs.astral.sh/uv/, `pip install uv`); nothing else in the project does.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v uv >/dev/null || { echo "lock-python: uv is not installed (pip install uv)" >&2; exit 2; }

if [ "$#" -gt 0 ]; then
  dirs=("$@")
else
  mapfile -t dirs < <(git ls-files -- '*requirements.in' | xargs -r -n1 dirname | sort -u)
fi
for dir in "${dirs[@]}"; do
  [ -f "$dir/requirements.in" ] || { echo "lock-python: $dir has no requirements.in" >&2; exit 2; }
  echo "locking $dir"
  (cd "$dir" && uv pip compile --quiet --universal --python-version 3.10 --no-header --annotation-style line \
    requirements.in -o constraints.txt)
  # A header that says where the file comes from, without uv's absolute paths.
  { echo "# Every package of this environment, pinned. Generated from requirements.in by scripts/lock-python.sh;"
    echo "# do not edit by hand."
    cat "$dir/constraints.txt"; } > "$dir/constraints.txt.tmp" && mv "$dir/constraints.txt.tmp" "$dir/constraints.txt"
done
