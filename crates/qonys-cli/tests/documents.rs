//! `qonys check` and `qonys checklist` as a user runs them: the planted-defect case yields
//! exactly the expected findings (codes and documents) with exit code 1, clean examples
//! check clean, checklists print for every route in text, JSON and HTML, and bad input
//! names the field.

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

const PLANTED: &str = "examples/documents-planted-defects.toml";

fn findings(json: &str) -> Vec<(String, String, Vec<u64>)> {
    let v: serde_json::Value = serde_json::from_str(json).expect("JSON report");
    let mut out: Vec<_> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or("").to_string(),
                f["severity"].as_str().unwrap_or("").to_string(),
                f["documents"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|d| d["n"].as_u64().unwrap_or(0))
                    .collect(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn planted_defects_yield_exactly_the_expected_findings() {
    let (code, out, err) = qonys(&[
        "check",
        PLANTED,
        "--filing-date",
        "2026-07-01",
        "--route",
        "permanent_residence",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "errors give exit code 1: {err}");
    let s = |a: &str, b: &str, d: &[u64]| (a.to_string(), b.to_string(), d.to_vec());
    let mut want = vec![
        s("mrz.check_digit", "error", &[1]),
        s("date.stale", "error", &[2]),
        s("date.dob_swap", "error", &[1, 3]),
        s("name.transliteration", "warning", &[1, 4]),
        s("name.mixed_script", "warning", &[1, 5]),
        s("formality.apostille_missing", "error", &[6]),
    ];
    want.sort();
    assert_eq!(findings(&out), want);
}

#[test]
fn the_text_report_names_documents_and_fields_in_each_language() {
    for (lang, needle) in [
        (
            "en",
            "the check digit of the composite is 5, it should be 0",
        ),
        (
            "ru",
            "контрольная цифра поля «общая контрольная сумма» — 5, а должна быть 0",
        ),
        (
            "kk",
            "«жалпы бақылау саны» өрісінің бақылау саны 5, ал 0 болуы керек",
        ),
    ] {
        let (code, out, _) = qonys(&[
            "check",
            PLANTED,
            "--filing-date",
            "2026-07-01",
            "--lang",
            lang,
        ]);
        assert_eq!(code, 1);
        assert!(out.contains(needle), "{lang}: {out}");
        assert!(out.contains("document[6].apostille"), "{out}");
    }
}

#[test]
fn clean_examples_have_no_errors() {
    for (file, route, date) in [
        (
            "examples/documents-permanent-residence.toml",
            "permanent_residence",
            "2026-07-01",
        ),
        (
            "examples/documents-family-spouse.toml",
            "family_reunification",
            "2026-03-02",
        ),
    ] {
        let (code, out, err) = qonys(&[
            "check",
            file,
            "--filing-date",
            date,
            "--route",
            route,
            "--format",
            "json",
        ]);
        assert_eq!(code, 0, "{file}: {out}{err}");
        assert!(
            findings(&out).iter().all(|(_, sev, _)| sev != "error"),
            "{file}: {out}"
        );
    }
}

#[test]
fn checklists_for_every_route_in_every_format() {
    let (_, list, _) = qonys(&["rules", "list", "--format", "json"]);
    let routes: Vec<String> = serde_json::from_str::<serde_json::Value>(&list)
        .expect("routes")
        .as_array()
        .expect("array")
        .iter()
        .map(|r| r["id"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(routes.len(), 11);
    for route in &routes {
        for lang in ["en", "ru", "kk"] {
            let (code, text, err) = qonys(&[
                "checklist",
                PLANTED,
                "--route",
                route,
                "--filing-date",
                "2026-07-01",
                "--lang",
                lang,
            ]);
            assert_eq!(code, 0, "{route} {lang}: {err}");
            assert!(text.contains("[ ] 1. "), "{route} {lang}: {text}");
            let (_, html, _) = qonys(&[
                "checklist",
                PLANTED,
                "--route",
                route,
                "--filing-date",
                "2026-07-01",
                "--lang",
                lang,
                "--format",
                "html",
            ]);
            assert!(html.contains(&format!("<html lang=\"{lang}\">")));
            assert!(!html.contains("<script"));
            let (_, json, _) = qonys(&[
                "checklist",
                PLANTED,
                "--route",
                route,
                "--filing-date",
                "2026-07-01",
                "--lang",
                lang,
                "--format",
                "json",
            ]);
            let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
            assert_eq!(v["route"], route.as_str());
            assert!(v["items"].as_array().is_some_and(|a| !a.is_empty()));
        }
    }
}

#[test]
fn the_pr_checklist_gives_windows_formalities_and_conditions() {
    let (_, json, _) = qonys(&[
        "checklist",
        "examples/documents-family-spouse.toml",
        "--route",
        "family_reunification",
        "--filing-date",
        "2026-03-02",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let items = v["items"].as_array().expect("items");
    let marriage = items
        .iter()
        .find(|i| i["document"] == "marriage_certificate")
        .expect("a spouse needs the marriage certificate");
    assert_eq!(marriage["formality"]["kind"], "apostille");
    assert_eq!(marriage["formality"]["country"], "CN");
    assert_eq!(marriage["in_file"][0], 2);
    assert!(items.iter().all(|i| i["document"] != "birth_certificate"));
    let (_, json, _) = qonys(&[
        "checklist",
        PLANTED,
        "--route",
        "permanent_residence",
        "--filing-date",
        "2026-07-01",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let cr = v["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["document"] == "criminal_record_certificate")
        .expect("listed");
    assert_eq!(cr["earliest_issue"], "2026-01-02");
    assert_eq!(cr["formality"]["kind"], "none");
}

#[test]
fn bad_documents_name_the_field() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "[[document]]\nkind = \"passport\"\n\n[[document]]\nkind = \"marriage_certificate\"\nissue_date = \"2020-13-45\"\n",
    )
    .expect("write");
    let (code, _, err) = qonys(&["check", path.to_str().expect("utf-8")]);
    assert_eq!(code, 2);
    assert!(
        err.contains("document[2].issue_date: expected a date"),
        "{err}"
    );
    let (code, _, err) = qonys(&[
        "checklist",
        PLANTED,
        "--route",
        "nowhere",
        "--filing-date",
        "2026-07-01",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--route: no route `nowhere`"), "{err}");
}
