#!/usr/bin/env bash
# Builds every fuzz target and runs each for N seconds (first argument, default 20).
# Stable toolchain: no sanitizer. Seeds in fuzz/seeds/<target> start each run; new inputs
# go to fuzz/corpus/<target> and crashes to fuzz/artifacts/<target> (both git-ignored).
# Exits non-zero as soon as a target finds a crash.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-20}"
targets=(mrz names document_dates rulepack_loader case_file api_assess)

cargo fuzz build --sanitizer none
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target"
    echo "== $target: ${seconds}s"
    cargo fuzz run "$target" --sanitizer none "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -print_final_stats=1
done
