#!/usr/bin/env bash
# Builds Adjoint, then runs the unmodified demo application under the agent with report=,
# and prints the reported gradients beside finite differences of the same quantities.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p target
echo "== building (mvn -B -DskipTests package; log in target/demo-build.log)"
mvn -B -DskipTests package > target/demo-build.log 2>&1 || { tail -40 target/demo-build.log; exit 1; }
AGENT=agent/target/adjoint-agent.jar
APP=demo/target/demo-app.jar
REPORT=target/demo-report.jsonl
mkdir -p target && rm -f "$REPORT"
echo "== the application, run as usual with the agent attached =="
java -javaagent:$AGENT=report='demo.Pricer#price;demo.Book#value',out=$REPORT -jar $APP
echo
echo "== what Adjoint reported ($REPORT), beside finite differences =="
java -cp $AGENT:$APP io.adjoint.agent.tools.ReportCheck $REPORT
