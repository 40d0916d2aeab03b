#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs the calling client library's unit tests with node's built-in test runner.
# Usage: run-node-tests.sh [porta.require]   (run from porta-web/)
# Without node the tests are skipped loudly, unless porta.require is "all" or names "node": then it fails.
require="${1:-}"
case ",$(echo "$require" | tr -d ' ')," in
  *,all,*|*,node,*) must=1 ;;
  *) must=0 ;;
esac
if ! command -v node >/dev/null 2>&1; then
  if [ "$must" = 1 ]; then
    echo "[porta-web] FAILED: node is not installed but porta.require=$require asks for it." >&2
    exit 1
  fi
  echo "************************************************************************"
  echo "[porta-web] SKIPPED the JavaScript tests: node (>= 20) is not on PATH."
  echo "[porta-web] Install node, or set -Dporta.require=node to make this fail."
  echo "************************************************************************"
  exit 0
fi
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 20 ]; then
  if [ "$must" = 1 ]; then
    echo "[porta-web] FAILED: node $major is too old (need >= 20)." >&2
    exit 1
  fi
  echo "[porta-web] SKIPPED the JavaScript tests: node $major is too old (need >= 20)."
  exit 0
fi
exec node --test --test-reporter=spec src/test/js/
