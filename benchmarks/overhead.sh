#!/usr/bin/env bash
# What -javaagent costs an application that asks for no gradient: throughput of a numeric workload of small
# methods with and without the agent (forked JVMs, alternating), JVM start-up, first instrumentation of a
# library's classes, and self-attach. See io.adjoint.bench.overhead.OverheadHarness.
# Usage: benchmarks/overhead.sh [-Dforks=4 -Drounds=8 ...]   (about 2 minutes with the defaults)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -o -q -B -DskipTests package -pl agent,benchmarks -am
LIB=$(ls ~/.m2/repository/org/hipparchus/hipparchus-core/*/hipparchus-core-*.jar 2>/dev/null | grep -v sources | head -1 || true)
java "$@" -cp benchmarks/target/classes io.adjoint.bench.overhead.OverheadHarness agent/target/adjoint-agent.jar $LIB
