//! The `qonys` command as a user runs it: assessments of every example in every language and
//! format (the JSON validated against the published schema), rule-pack commands, the
//! committed JSON Schemas kept in step with the code, and clear errors for bad input.

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

fn examples() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join("examples"))
        .expect("examples/ exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            format!(
                "examples/{}",
                p.file_name().unwrap_or_default().to_string_lossy()
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn there_are_at_least_six_examples() {
    assert!(examples().len() >= 6, "examples/: {:?}", examples());
}

#[test]
fn every_example_assesses_in_every_language_as_text() {
    for ex in examples() {
        for lang in ["en", "ru", "kk"] {
            let (code, out, err) = qonys(&["assess", &ex, "--as-of", "2026-09-01", "--lang", lang]);
            assert_eq!(code, 0, "{ex} {lang}: {err}");
            assert!(out.contains("1."), "{ex} {lang}: no ranked table:\n{out}");
            let verdict_word = match lang {
                "en" => "fit",
                "ru" => "подходит",
                _ => "сәйкес",
            };
            assert!(out.contains(verdict_word), "{ex} {lang}:\n{out}");
        }
    }
}

#[test]
fn every_example_json_validates_against_the_published_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schemas/assessment.schema.json"))
            .expect("schema file"),
    )
    .expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for ex in examples() {
        for lang in ["en", "ru", "kk"] {
            let (code, out, err) = qonys(&[
                "assess",
                &ex,
                "--as-of",
                "2026-09-01",
                "--lang",
                lang,
                "--format",
                "json",
            ]);
            assert_eq!(code, 0, "{ex}: {err}");
            let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
            let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{ex} {lang}: {errors:?}");
            assert_eq!(v["language"], lang);
            assert!(v["routes"].as_array().is_some_and(|r| r.len() >= 10));
        }
    }
}

#[test]
fn committed_schemas_match_the_code() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().to_string_lossy().to_string();
    let (code, _, err) = qonys(&["rules", "schema", "--out", &out]);
    assert_eq!(code, 0, "{err}");
    for e in std::fs::read_dir(dir.path()).expect("written").flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let fresh = std::fs::read_to_string(e.path()).expect("read");
        let committed =
            std::fs::read_to_string(root().join("schemas").join(&name)).unwrap_or_else(|_| {
                panic!("schemas/{name} is not committed; run `qonys rules schema`")
            });
        assert_eq!(
            fresh, committed,
            "schemas/{name} is stale; run `cargo run -p qonys-cli -- rules schema`"
        );
    }
}

#[test]
fn rules_check_list_and_test_pass_on_the_bundled_pack() {
    let (code, out, err) = qonys(&["rules", "check"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("is valid"));
    let (code, out, err) = qonys(&["rules", "test"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(" 0 failed"), "{out}");
    let (code, out, _) = qonys(&["rules", "list", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    for route in v.as_array().expect("routes") {
        for clause in route["clauses"].as_array().expect("clauses") {
            assert!(
                clause["citations"]
                    .as_array()
                    .is_some_and(|c| !c.is_empty()),
                "clause {} has no citation",
                clause["id"]
            );
        }
    }
}

#[test]
fn rules_check_reports_a_located_error_for_a_broken_pack() {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = root().join("rulepacks/kz");
    copy_dir(&src, dir.path());
    let facts = dir.path().join("facts.toml");
    let text = std::fs::read_to_string(&facts).expect("facts");
    std::fs::write(
        &facts,
        text.replacen("type = \"bool\"", "type = \"boolean\"", 1),
    )
    .expect("write");
    let (code, _, err) = qonys(&["rules", "check", "--pack", &dir.path().to_string_lossy()]);
    assert_ne!(code, 0);
    assert!(err.contains("facts.toml:"), "{err}");
    assert!(err.contains("unknown variant `boolean`"), "{err}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read").flatten() {
        let p = e.path();
        let t = to.join(e.file_name());
        if p.is_dir() {
            copy_dir(&p, &t);
        } else {
            std::fs::copy(&p, &t).expect("copy");
        }
    }
}

#[test]
fn bad_case_files_name_the_field_and_what_was_expected() {
    let dir = tempfile::tempdir().expect("temp dir");
    let case = dir.path().join("case.toml");
    std::fs::write(
        &case,
        "[facts]\ncitizenship = \"Atlantis\"\nsavings_kzt = \"3000 USD\"\nstay_goal = \"forever\"\nsavngs = 1\n",
    )
    .expect("write");
    let (code, _, err) = qonys(&["assess", &case.to_string_lossy()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("facts.citizenship: expected a country"),
        "{err}"
    );
    assert!(
        err.contains("facts.savings_kzt: this amount must be in KZT"),
        "{err}"
    );
    assert!(
        err.contains("facts.stay_goal: expected one of: temporary, permanent, not_sure"),
        "{err}"
    );
    assert!(err.contains("facts.savngs: no such fact"), "{err}");
    let (code, _, err) = qonys(&["assess", &case.to_string_lossy(), "--as-of", "2026-02-30"]);
    assert_eq!(code, 2);
    assert!(!err.is_empty());
    let (code, _, err) = qonys(&["assess", "no/such/file.toml"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read the case file"), "{err}");
}
