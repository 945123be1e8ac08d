#!/usr/bin/env bash
# Runs the JMH benchmarks of tailwatch, building benchmarks/target/benchmarks.jar first if it is missing.
#
#   benchmarks/run-jmh.sh                                  # every benchmark, with -prof gc
#   benchmarks/run-jmh.sh -prof gc RequestRecordingBenchmark
#   benchmarks/run-jmh.sh -prof gc -t 2 'RequestRecordingBenchmark.requestPath'
#   benchmarks/run-jmh.sh -h                               # JMH's options
#
# Arguments go to JMH as they are; with none, the default is "-prof gc". Works from any directory
# (it runs from the repository root, so relative paths such as -rff land there).
#
# JMH runs from a private copy of the jar: a build that rewrites benchmarks/target/benchmarks.jar
# during a run (mvn package in another shell) would otherwise break the running JVM and its forks
# with NoClassDefFoundError.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

jar="benchmarks/target/benchmarks.jar"
if [[ ! -f "$jar" ]]; then
    echo "run-jmh: $jar is missing; building it (mvn -B -q -DskipTests package)" >&2
    mvn -B -q -DskipTests package
fi

if [[ $# -eq 0 ]]; then
    set -- -prof gc
fi
tmp="$(mktemp -d "${TMPDIR:-/tmp}/tailwatch-jmh.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
cp "$jar" "$tmp/benchmarks.jar"
java -jar "$tmp/benchmarks.jar" "$@"
