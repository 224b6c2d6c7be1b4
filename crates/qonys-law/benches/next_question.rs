//! Benchmarks of the guided interview on the bundled Kazakhstan pack: choosing the next
//! question on an empty case and half-way through the richest scenario (the issue asks for
//! at most 50 µs), "why are you asking this?", and a whole simulated interview.

use criterion::{Criterion, criterion_main};
use qonys_law::case::RawValue;
use qonys_law::interview::session::raw_of;
use qonys_law::interview::{Interview, Selector};
use qonys_law::{Date, Facts, bundled};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let pack = bundled::load().expect("bundled pack loads");
    let as_of = Date::from_ymd(2026, 9, 1).expect("date");
    let empty = Facts::empty(&pack);
    let mut sel = Selector::new();
    c.bench_function("next_question_empty_case", |b| {
        b.iter(|| black_box(sel.next(&pack, black_box(&empty), as_of)))
    });
    let s = pack
        .scenarios
        .iter()
        .max_by_key(|s| s.raw_facts.len())
        .expect("the pack has scenarios");
    let reply = |f| {
        if s.facts.is_answered(f) {
            raw_of(&pack, f, s.facts.get(f))
        } else {
            RawValue::Str("unknown".into())
        }
    };
    let mut iv = Interview::start(&pack, s.as_of);
    let mut total = 0;
    while let Some(q) = iv.next_question() {
        iv.answer(q.fact, reply(q.fact)).expect("valid");
        total += 1;
    }
    let mut half = Interview::start(&pack, s.as_of);
    for _ in 0..total / 2 {
        if let Some(q) = half.next_question() {
            half.answer(q.fact, reply(q.fact)).expect("valid");
        }
    }
    let mid = half.facts().clone();
    c.bench_function("next_question_half_way", |b| {
        b.iter(|| black_box(sel.next(&pack, black_box(&mid), s.as_of)))
    });
    if let Some(p) = sel.next(&pack, &mid, s.as_of) {
        c.bench_function("why_half_way", |b| {
            b.iter(|| black_box(sel.why(&pack, black_box(&mid), s.as_of, p.fact)))
        });
    }
    c.bench_function("whole_simulated_interview", |b| {
        b.iter(|| {
            let mut iv = Interview::start(&pack, s.as_of);
            while let Some(q) = iv.next_question() {
                let _ = iv.answer(q.fact, reply(q.fact));
            }
            black_box(iv.answers().len())
        })
    });
}

mod group {
    //! The benchmark group (`criterion_group!` generates an undocumented function).
    #![allow(missing_docs)]
    criterion::criterion_group!(benches, super::bench);
}
criterion_main!(group::benches);
