#!/usr/bin/env bash
# `make bench`: load (once) and measure the small (--scale 0.1) and full (default) datasets,
# each in its own PostgreSQL database, then write bench/results.json and bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
# The bench app (seed_bench, run_bench, bench_report) is installed only when asked for.
export ACCORD_BENCH=1
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
REQUESTS=${BENCH_REQUESTS:-50}

seeded() {  # a database holds a complete dataset of that scale
  DATABASE_URL=$1 $PY manage.py bench_status --scale "$2" >/dev/null 2>&1
}

prepare() {  # label scale
  local url="$PG/accord_bench_$1"
  if ! seeded "$url" "$2" && DATABASE_URL=$url $PY manage.py bench_status --scale "$2" --loaded >/dev/null 2>&1; then
    echo "== completing the $1 dataset: this code's indexes, health scores"
    DATABASE_URL=$url $PY manage.py migrate --noinput -v0
    DATABASE_URL=$url $PY manage.py seed_bench --score
  fi
  if seeded "$url" "$2"; then
    DATABASE_URL=$url $PY manage.py migrate --noinput -v0  # new indexes on a loaded dataset
  else
    echo "== loading the $1 dataset (scale $2) into accord_bench_$1"
    psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS accord_bench_$1" -c "CREATE DATABASE accord_bench_$1"
    DATABASE_URL=$url $PY manage.py migrate --noinput -v0
    DATABASE_URL=$url /usr/bin/time -f "   loaded in %e s" $PY manage.py seed_bench --scale "$2"
  fi
}

prepare small 0.1
prepare full 1.0
echo "== measuring the small dataset"
DATABASE_URL=$PG/accord_bench_small $PY manage.py run_bench --label small --requests "$REQUESTS"
echo "== measuring the full dataset (pages, middleware, load with and without PgBouncer, summary and brief build rates)"
DATABASE_URL=$PG/accord_bench_full $PY manage.py run_bench --label full --requests "$REQUESTS" --load --load-pgbouncer --summaries --briefs --middleware
$PY manage.py bench_report
