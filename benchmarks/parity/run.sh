#!/usr/bin/env bash
# Runs both engines on the same rules, the same persons and the same machine, one after the
# other, and prints the ratios:
#   1. a Python venv with OpenFisca under target/openfisca-venv (pip, from requirements.txt);
#   2. the anchor exports its persons with its own outputs (bench.py --export N persons.csv);
#   3. the anchor's benchmark (bench.py): batch build/compute, single situations;
#   4. the qonys harness (release build) on the exported persons: every output checked against
#      OpenFisca's, then timed;
#   5. the ratios.
# Environment: N (persons exported, default 1000000), OPENFISCA_BENCH (the anchor's folder,
# default ../shared/bench/openfisca beside the repository), OPENFISCA_ARGS (extra bench.py
# flags, e.g. "--sizes 1000 100000 --single-reps 500" for a shorter run).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OF=${OPENFISCA_BENCH:-$ROOT/../shared/bench/openfisca}
if [ ! -f "$OF/bench.py" ] || [ ! -f "$OF/requirements.txt" ]; then
    echo "run.sh: the OpenFisca anchor (bench.py, requirements.txt) is not in $OF;" >&2
    echo "        ../shared must be beside the repository, or set OPENFISCA_BENCH=/path/to/it" >&2
    exit 2
fi
N=${N:-1000000}
VENV=$ROOT/target/openfisca-venv
OUT=$ROOT/target/parity
mkdir -p "$OUT"

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$OF/requirements.txt"

echo "== machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "== exporting $N persons"
(cd "$OF" && "$VENV/bin/python" bench.py --export "$N" "$OUT/persons.csv")

echo "== OpenFisca (bench.py ${OPENFISCA_ARGS:-})"
# shellcheck disable=SC2086
(cd "$OF" && "$VENV/bin/python" bench.py ${OPENFISCA_ARGS:-}) | tee "$OUT/openfisca.txt"

echo "== qonys (release build)"
(cd "$ROOT" && cargo build --release --quiet -p qonys-bench)
"$ROOT/target/release/qonys-parity" --csv "$OUT/persons.csv" \
    --pack "$ROOT/benchmarks/parity/pack" --as-of 2026-09-01 | tee "$OUT/qonys.txt"

echo "== ratios (OpenFisca time / qonys time, same run, same persons)"
python3 - "$OUT/openfisca.txt" "$OUT/qonys.txt" <<'PY'
import json, sys
def last_json(path):
    for line in reversed(open(path).read().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    sys.exit(f"no JSON summary in {path}")
of, q = last_json(sys.argv[1]), last_json(sys.argv[2])
s, qs = of["single"], q["single"]
print(f"single situation: OpenFisca median {s['median_us']:.1f} us, qonys {qs['median_us']:.2f} us "
      f"-> {s['median_us'] / qs['median_us']:.0f}x (p90 {s['p90_us'] / qs['p90_us']:.0f}x, p99 {s['p99_us'] / qs['p99_us']:.0f}x)")
rows = [b for b in of["batch"] if b["n"] == q["n"]] or [max(of["batch"], key=lambda b: b["n"])]
b = rows[0]
n = q["n"]
if b["n"] != n:
    print(f"(OpenFisca's largest batch is {b['n']} persons; qonys ran {n})")
of_total = b["total_s"] * 1e3
of_compute = b["compute_s"] * 1e3
q_total = q["build_ms_n"] + q["compute_ms_n"]
print(f"batch of {b['n']:,}: OpenFisca build {b['build_s']*1e3:.1f} ms + compute {of_compute:.1f} ms = {of_total:.1f} ms "
      f"({b['persons_per_s_total']/1e6:.1f}M persons/s; compute alone {b['persons_per_s_compute']/1e6:.1f}M/s)")
print(f"               qonys build {q['build_ms_n']:.1f} ms (CSV text -> typed columns, {q['threads']} threads) + compute {q['compute_ms_n']:.1f} ms = {q_total:.1f} ms "
      f"({n / q_total / 1e3:.1f}M persons/s; compute alone {n / q['compute_ms_n'] / 1e3:.1f}M/s on {q['threads']} threads, {n / q['compute_ms_1'] / 1e3:.1f}M/s on 1)")
q_typed = q["build_typed_ms_n"] + q["compute_ms_n"]
print(f"               qonys build {q['build_typed_ms_n']:.1f} ms (typed arrays in memory -> typed columns, {q['threads']} threads: the step OpenFisca's build times) + compute {q['compute_ms_n']:.1f} ms = {q_typed:.1f} ms "
      f"({n / q_typed / 1e3:.1f}M persons/s)")
print(f"ratios: build+compute {of_total / q_typed:.1f}x from typed arrays as OpenFisca ({of_total / q_total:.2f}x with qonys also parsing the CSV text), "
      f"compute {of_compute / q['compute_ms_n']:.2f}x ({q['threads']} threads) / {of_compute / q['compute_ms_1']:.2f}x (1 thread vs OpenFisca's 1 thread)")
PY
