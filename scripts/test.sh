#!/bin/sh
# The whole test suite: installs the pinned test tools and servers into .tools/ (idempotent), then runs the unit
# tests (surefire) and the integration tests against real readers and real backend servers (failsafe).
# Needs root for the systemd box. Extra arguments go to Maven (e.g. -Dit.test=SomeIT).
set -eu
cd "$(dirname "$0")/.."
scripts/install-test-tools.sh
exec mvn -B -Dstyle.color=never verify "$@"
