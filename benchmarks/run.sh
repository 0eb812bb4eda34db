#!/usr/bin/env bash
# Builds the project, measures, and writes docs/benchmarks.md. Needs wrk (Debian: apt-get install wrk).
#   benchmarks/run.sh                                   the embedded store at 1M and 10M results (~25 min, ~25 GB disk)
#   benchmarks/run.sh 1000000 --mode side-by-side       the same, plus an OpenSearch node side by side (its own section)
# Usage: benchmarks/run.sh [sizes, default 1000000,10000000] [extra Benchmark arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
sizes="${1:-1000000,10000000}"
shift || true
mvn -B -ntp -q -DskipTests -pl benchmarks,opensearch-node -am package
exec java -Xmx4g -XX:+UseParallelGC -Danomalykit.opensearch.classpath=opensearch-node/target/classpath.txt -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.anomalykit.benchmarks.Benchmark --sizes "$sizes" --out docs/benchmarks.md "$@"
