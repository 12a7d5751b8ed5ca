#!/usr/bin/env bash
# Runs the JMH suite and turns its JSON into BENCHMARKS.md (+ SVG plots under docs/bench/).
#
#   benchmarks/run.sh quick   # ~3-4 minutes: 1 fork, short iterations, Rosenbrock n in {100, 10^4}
#   benchmarks/run.sh full    # long: 2 forks, 5x1s iterations, every parameter (Rosenbrock up to 10^6)
#   benchmarks/run.sh report  # only regenerate BENCHMARKS.md from the last results
#
# Extra arguments after the mode go to JMH (e.g. a benchmark regex: `run.sh quick Rosenbrock`).
# Env: SKIP_BUILD=1 to reuse benchmarks/target/benchmarks.jar; NO_STACK=1 to skip the -prof stack run;
#      FORKS=1 for a full run in half the time (about half an hour on 2 cores).
set -euo pipefail

MODE="${1:-quick}"
shift || true
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
JAR="$HERE/target/benchmarks.jar"
OUT="$HERE/results"
mkdir -p "$OUT"

case "$MODE" in
  quick)
    # Sizes are trimmed. Warmup: Hipparchus's deep call graphs need ~2 s of C2 time on this loaded
    # 2-core machine before their time per call settles (Adjoint's twins settle within 0.5 s).
    JMH_OPTS=(-f 1 -wi 3 -w 800ms -i 3 -r 500ms
              -p fn=sinOverT -p n=100,10000 -p nDense=100,10000
              -p dk=2x5,20x25 -p dkDense=2x5)
    ;;
  full)
    JMH_OPTS=(-f "${FORKS:-2}" -wi 5 -w 1s -i 5 -r 1s)
    ;;
  report)
    ;;
  *)
    echo "usage: $0 quick|full|report [JMH args...]" >&2
    exit 2
    ;;
esac

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
if [[ "$MODE" != report ]]; then
  if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    (cd "$ROOT" && mvn -o -q -B package -pl benchmarks -am -DskipTests) \
      || (cd "$ROOT" && mvn -q -B package -pl benchmarks -am -DskipTests)
  fi
  # The uber-jar is its own agent (Premain-Class in its manifest): one copy of Adjoint on the class
  # path, and the attach happens at JVM start, not inside a measurement.
  AGENT="-javaagent:$JAR"

  echo "== correctness cross-check and tape sizes (Inspect)"
  java -Xmx4g "$AGENT" -cp "$JAR" io.adjoint.benchmarks.Inspect "$OUT/inspect-$MODE.json" 2> "$OUT/inspect-$MODE.log" \
    || { cat "$OUT/inspect-$MODE.log" >&2; exit 1; }

  echo "== JMH ($MODE)"
  java -jar "$JAR" "${JMH_OPTS[@]}" -jvmArgsAppend "$AGENT" -prof gc \
       -rf json -rff "$OUT/jmh-$MODE.json" "$@" | tee "$OUT/jmh-$MODE.log"

  if [[ "${NO_STACK:-0}" != 1 ]]; then
    echo "== where the time goes: -prof stack on Adjoint reverse, Rosenbrock n = 10^4"
    java -jar "$JAR" 'RosenbrockBench.adjointReverse' -p n=10000 -f 1 -wi 1 -w 1s -i 2 -r 1s \
         -jvmArgsAppend "$AGENT" -prof 'stack:lines=3;top=12;detailLine=false' -o "$OUT/stack-$MODE.txt" >/dev/null
  fi
fi

{
  echo "nproc=$(nproc)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), \
$(grep -m1 'cpu MHz' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//; s/\..*//') MHz, \
cache $(grep -m1 'cache size' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), \
$(grep -o -m1 -w -E 'avx512f|avx2' /proc/cpuinfo | sort -u | tr '\n' ' ' | sed 's/ $//')"
  echo "load=$LOAD_BEFORE at start, $(cut -d' ' -f1-3 /proc/loadavg) at end (1, 5, 15 min)"
  echo "jdk=$(java -version 2>&1 | sed -n 2p)"
  echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
  echo "mode=$MODE"
} > "$OUT/machine-$MODE.txt.new"
if [[ "$MODE" == report ]]; then
  rm "$OUT/machine-$MODE.txt.new"
  MODE="$(ls -t "$OUT"/jmh-*.json | head -1 | sed 's/.*jmh-\(.*\)\.json/\1/')"
else
  mv "$OUT/machine-$MODE.txt.new" "$OUT/machine-$MODE.txt"
fi

python3 "$HERE/report.py" --mode "$MODE" --results "$OUT" --out "$ROOT/BENCHMARKS.md" --svg "$ROOT/docs/bench"
echo "== wrote $ROOT/BENCHMARKS.md"
