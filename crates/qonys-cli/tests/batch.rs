//! `qonys batch` as an analyst runs it: generate synthetic profiles, evaluate them in chunks
//! smaller than the file (memory bounded by the chunk, not the file), check that the counts
//! add up, compare two dates (the 2026 MCI raises the permanent-residence solvency amount, so
//! the solvency clause flips for some profiles), read CSV, and report bad lines by number
//! without panicking — stopping or skipping as asked.

use std::path::{Path, PathBuf};
use std::process::Command;

fn qonys(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_qonys"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("qonys runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

fn generate(dir: &Path, n: usize) -> PathBuf {
    let file = dir.join("profiles.jsonl");
    let (code, _, err) = qonys(&[
        "batch",
        "--generate",
        &n.to_string(),
        "--out",
        s(&file),
        "--as-of",
        "2026-09-01",
    ]);
    assert_eq!(code, 0, "{err}");
    file
}

#[test]
fn generated_profiles_are_deterministic_and_counts_add_up_over_many_chunks() {
    let dir = tempfile::tempdir().expect("temp dir");
    let n = 3_000;
    let file = generate(dir.path(), n);
    let text = std::fs::read_to_string(&file).expect("generated file");
    assert_eq!(text.lines().count(), n);
    // The same seed gives the same file.
    let again = dir.path().join("again.jsonl");
    let (code, _, err) = qonys(&[
        "batch",
        "--generate",
        "3000",
        "--out",
        s(&again),
        "--as-of",
        "2026-09-01",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&again).expect("file"), text);

    // A chunk of 256 profiles: the file is read in 12 chunks, never whole.
    let verdicts = dir.path().join("verdicts.jsonl");
    let (code, out, err) = qonys(&[
        "batch",
        s(&file),
        "--as-of",
        "2026-09-01",
        "--chunk",
        "256",
        "--format",
        "json",
        "--out",
        s(&verdicts),
    ]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert_eq!(v["profiles"], n);
    assert_eq!(v["skipped"], 0);
    let routes = v["routes"].as_object().expect("routes");
    assert!(routes.contains_key("permanent_residence") && routes.contains_key("work"));
    let mut fits_somewhere = 0;
    for (id, c) in routes {
        let total: u64 = [
            "fits",
            "fits_with_conditions",
            "needs_information",
            "does_not_fit",
        ]
        .iter()
        .map(|k| c[k].as_u64().expect("count"))
        .sum();
        assert_eq!(total, n as u64, "route {id}: {c}");
        fits_somewhere += c["fits"].as_u64().unwrap_or(0);
    }
    assert!(fits_somewhere > 0, "realistic profiles fit some route: {v}");
    // --out without a comparison: one line of verdicts per profile, in file order.
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&verdicts)
        .expect("out")
        .lines()
        .map(json)
        .collect();
    assert_eq!(lines.len(), n);
    assert_eq!(lines[0]["line"], 1);
    assert_eq!(lines[n - 1]["line"], n);
    assert_eq!(lines[0]["id"], "p0001");

    // The text report names every route.
    let (code, out, err) = qonys(&["batch", s(&file), "--as-of", "2026-09-01"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("3000 profiles evaluated"), "{out}");
    assert!(out.contains("permanent_residence"), "{out}");
}

#[test]
fn compare_as_of_shows_the_solvency_clause_flipping() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = generate(dir.path(), 2_000);
    let changed = dir.path().join("changed.jsonl");
    let (code, out, err) = qonys(&[
        "batch",
        s(&file),
        "--as-of",
        "2024-09-01",
        "--compare-as-of",
        "2026-09-01",
        "--format",
        "json",
        "--chunk",
        "300",
        "--out",
        s(&changed),
    ]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    let cmp = &v["compare"];
    assert_eq!(cmp["as_of"], "2026-09-01");
    // MCI 3,692 (2024) → 4,325 (2026): 1,320 MCI rises from 4,873,440 to 5,709,000 KZT, so
    // savings in between no longer meet the solvency clause.
    let solvency = &cmp["flipped_clauses"]["permanent_residence.solvency"];
    assert_eq!(solvency["route"], "permanent_residence", "{cmp}");
    assert!(
        solvency["changes"]["met -> not_met"].as_u64().unwrap_or(0) > 0,
        "{solvency}"
    );
    let n_changed = cmp["changed_profiles"].as_u64().expect("count");
    assert!(n_changed > 0);
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&changed)
        .expect("out")
        .lines()
        .map(json)
        .collect();
    assert_eq!(lines.len() as u64, n_changed);
    let first = &lines[0];
    assert!(first["changed"].as_object().is_some_and(|m| !m.is_empty()));
    assert!(first["facts"].is_object());
    assert!(first["flipped_clauses"].is_array());
    assert!(lines.iter().any(|l| {
        l["flipped_clauses"].as_array().is_some_and(|a| {
            a.iter()
                .any(|c| c["clause"] == "permanent_residence.solvency")
        })
    }));
    // Text form of the same comparison.
    let (code, out, err) = qonys(&[
        "batch",
        s(&file),
        "--as-of",
        "2024-09-01",
        "--compare-as-of",
        "2026-09-01",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("change verdict"), "{out}");
    assert!(out.contains("permanent_residence.solvency"), "{out}");
}

#[test]
fn csv_profiles_and_bad_lines() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("profiles.csv");
    std::fs::write(
        &csv,
        "id,stay_goal,purposes,citizenship,savings_kzt,is_ethnic_kazakh\n\
         a,permanent,none_specific,DE,6000000,false\n\
         b,temporary,work;study,RU,,unknown\n\
         c,permanent,none_specific,ZZZ,1,false\n\
         d,permanent,none_specific,US,5000000,no\n",
    )
    .expect("write");
    // Stop (the default): the bad line is named, exit code 2.
    let (code, _, err) = qonys(&["batch", s(&csv), "--as-of", "2026-09-01"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("profiles.csv:4:"), "{err}");
    assert!(err.contains("citizenship"), "{err}");
    // Skip: reported, counted, the run goes on.
    let (code, out, err) = qonys(&[
        "batch",
        s(&csv),
        "--as-of",
        "2026-09-01",
        "--on-error",
        "skip",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("profiles.csv:4: skipped"), "{err}");
    let v = json(&out);
    assert_eq!(v["profiles"], 3);
    assert_eq!(v["skipped"], 1);

    let jsonl = dir.path().join("profiles.jsonl");
    std::fs::write(
        &jsonl,
        "{\"id\": 1, \"facts\": {\"stay_goal\": \"permanent\"}}\n\
         \n\
         {\"stay_goal\": \"temporary\", \"purposes\": [\"work\"]}\n\
         not json\n\
         {\"facts\": {\"savings_kzt\": -5}}\n\
         {\"facts\": {\"no_such_fact\": true}}\n",
    )
    .expect("write");
    let (code, _, err) = qonys(&["batch", s(&jsonl), "--as-of", "2026-09-01"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("profiles.jsonl:4:"), "{err}");
    let (code, out, err) = qonys(&[
        "batch",
        s(&jsonl),
        "--as-of",
        "2026-09-01",
        "--on-error",
        "skip",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(":5: skipped") && err.contains(":6: skipped"),
        "{err}"
    );
    assert_eq!(json(&out)["profiles"], 2);
    assert_eq!(json(&out)["skipped"], 3);

    // A missing file and a missing argument are errors, not panics.
    let (code, _, err) = qonys(&["batch", "no/such/file.jsonl"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, _) = qonys(&["batch"]);
    assert_ne!(code, 0);
}

#[test]
fn compare_pack_against_the_parity_pack_reports_missing_facts_per_line() {
    // Profiles of the parity pack compared with itself: nothing changes.
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("p.jsonl");
    std::fs::write(
        &file,
        "{\"facts\": {\"age\": 40, \"citizenship\": \"US\", \"savings_kzt\": 6000000, \"is_ethnic_kazakh\": false, \"is_former_citizen\": false, \"in_demand_profession\": false}}\n",
    )
    .expect("write");
    let (code, out, err) = qonys(&[
        "batch",
        s(&file),
        "--pack",
        "benchmarks/parity/pack",
        "--compare-pack",
        "benchmarks/parity/pack",
        "--as-of",
        "2026-09-01",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert_eq!(v["routes"]["pr"]["fits"], 1);
    assert_eq!(v["compare"]["changed_profiles"], 0);
}
