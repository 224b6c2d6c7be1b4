//! Benchmark of the continuity plan on the bundled pack: a work-permit holder with a five-year
//! history (yearly visas and permits, about twenty trips abroad, address changes, a job change
//! and certificates) — every deadline rule applied to every trigger, the ground check with its
//! engine re-run, and the path planner.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use qonys_law::{CaseFile, Date, bundled};
use std::hint::black_box;

fn five_year_case() -> String {
    let mut s = String::from(
        "[facts]\nstay_goal = \"permanent\"\npurposes = [\"work\"]\ncitizenship = \"DE\"\nhas_employment_offer = true\nwork_permit_status = \"issued\"\n",
    );
    for y in 2021..2026 {
        s.push_str(&format!(
            "\n[[status]]\nkind = \"temporary_residence_permit\"\nground = \"work\"\nvalid_from = {y}-03-01\nvalid_to = {}-02-28\n",
            y + 1
        ));
        s.push_str(&format!(
            "\n[[event]]\nkind = \"extension_filed\"\ndate = {}-02-01\n",
            y + 1
        ));
        for (out, back) in [
            ("04-10", "04-20"),
            ("07-01", "07-25"),
            ("09-05", "09-12"),
            ("12-20", "12-30"),
        ] {
            s.push_str(&format!(
                "\n[[event]]\nkind = \"departure\"\ndate = {y}-{out}\n"
            ));
            s.push_str(&format!(
                "\n[[event]]\nkind = \"arrival\"\ndate = {y}-{back}\n"
            ));
        }
        s.push_str(&format!(
            "\n[[event]]\nkind = \"address_change\"\ndate = {y}-10-01\n"
        ));
        s.push_str(&format!(
            "\n[[event]]\nkind = \"registered\"\ndate = {y}-10-03\n"
        ));
    }
    s.push_str("\n[[event]]\nkind = \"employment_end\"\ndate = 2024-05-31\n");
    s.push_str("\n[[event]]\nkind = \"employment_start\"\ndate = 2024-06-03\n");
    s.push_str(
        "\n[[event]]\nkind = \"certificate_issued\"\ndate = 2026-01-15\nnote = \"solvency\"\n",
    );
    s
}

fn bench(c: &mut Criterion) {
    let pack = bundled::load().expect("bundled pack loads");
    let case = CaseFile::parse(&five_year_case()).expect("case parses");
    let facts = case.bind(&pack).expect("case binds");
    let as_of = Date::from_ymd(2026, 2, 10).expect("date");
    let plan = qonys_law::continuity::plan(&pack, &facts, &case.history, as_of);
    assert!(plan.items.len() >= 3, "the case yields deadlines");
    c.bench_function("plan_five_year_history", |b| {
        b.iter(|| {
            black_box(qonys_law::continuity::plan(
                &pack,
                black_box(&facts),
                black_box(&case.history),
                as_of,
            ))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
