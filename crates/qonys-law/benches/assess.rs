//! Benchmarks of the route engine on the bundled Kazakhstan pack: one full assessment of
//! every route (with the clause-level explanation tree), the allocation-free verdicts-only
//! path used for batches, and loading + validating the pack.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use qonys_law::engine::{Evaluator, Verdict};
use qonys_law::{Date, bundled};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let pack = bundled::load().expect("bundled pack loads");
    let files = bundled::files();
    // A realistic, mostly answered case: the scenario with the most answered facts.
    let s = pack
        .scenarios
        .iter()
        .max_by_key(|s| s.raw_facts.len())
        .expect("the pack has scenarios");
    let as_of = Date::from_ymd(2026, 9, 1).expect("date");
    let mut ev = Evaluator::new();
    c.bench_function("assess_all_routes_with_explanation_tree", |b| {
        b.iter(|| black_box(ev.assess(&pack, black_box(&s.facts), as_of)))
    });
    let mut out = vec![Verdict::DoesNotFit; pack.routes.len()];
    c.bench_function("verdicts_only_all_routes", |b| {
        b.iter(|| {
            ev.verdicts(&pack, black_box(s.facts.values()), as_of, &mut out);
            black_box(&out);
        })
    });
    c.bench_function("pack_load_and_validate", |b| {
        b.iter(|| black_box(qonys_law::load(black_box(&files)).is_ok()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
