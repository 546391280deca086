#!/usr/bin/env bash
# The arguments every `mlflow-lab class` step of .github/workflows/class.yml shares, built from the
# workflow's inputs, which reach this script only as environment variables: an input is never spliced
# into a shell script, so a roster name such as `x; curl …` stays one argument
# (https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#understanding-the-risk-of-script-injections).
# Prints them NUL-terminated, for `mapfile -d '' -t args`.
#   CLASS_ROSTER, CLASS_STACK (required), CLASS_ID, CLASS_SUBSCRIPTIONS (comma-separated), CLASS_LAYOUT
#   (per-learner, or shared:K)
set -euo pipefail

: "${CLASS_ROSTER:?the workflow input roster is empty: give the path of the roster CSV in the repository}"
: "${CLASS_STACK:?the workflow input stack is empty: give a lab preset such as lab}"
args=(--roster "$CLASS_ROSTER" --stack "$CLASS_STACK")
if [ -n "${CLASS_ID:-}" ]; then args+=(--class "$CLASS_ID"); fi
IFS=',' read -ra subscriptions <<< "${CLASS_SUBSCRIPTIONS:-}"
for subscription in "${subscriptions[@]}"; do
  subscription="${subscription//[[:space:]]/}"
  if [ -n "$subscription" ]; then args+=(--subscription "$subscription"); fi
done
layout="${CLASS_LAYOUT:-per-learner}"
case "$layout" in
  per-learner) ;;
  shared:*) args+=(--layout shared --per-workspace "${layout#shared:}") ;;
  *) echo "workflow input layout '$layout': use per-learner or shared:K (K learners per workspace)" >&2; exit 2 ;;
esac
printf '%s\0' "${args[@]}"
