#!/bin/sh
# Git pre-commit hook: validate the staged Kubernetes manifests that contain NetworkPolicies.
# Install: cp examples/ci/pre-commit-hook.sh .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit
# (or list it as a local hook in .pre-commit-config.yaml with `entry: examples/ci/pre-commit-hook.sh`).
set -eu
files=$(git diff --cached --name-only --diff-filter=ACM | grep -E '\.(ya?ml|json)$' || true)
[ -n "$files" ] || exit 0
# Only files that declare a NetworkPolicy; netguard ignores other kinds anyway.
policies=$(grep -l 'kind: *NetworkPolicy\|"kind": *"NetworkPolicy"' $files 2>/dev/null || true)
[ -n "$policies" ] || exit 0
exec npx --no-install netguard validate --strict $policies
