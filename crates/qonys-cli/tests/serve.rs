//! `qonys serve` as a user runs it: it starts on a free loopback port with a data folder,
//! answers pages and the API over real HTTP, and `POST /api/v1/assess` returns exactly the
//! JSON that `qonys assess --format json` prints for the same case, for every example case
//! in every language.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const AS_OF: &str = "2026-06-01";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Served {
    child: Child,
    addr: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(data_dir: &Path) -> Served {
    serve_logging_to(data_dir, Stdio::null())
}

fn serve_logging_to(data_dir: &Path, stderr: Stdio) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qonys"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--as-of",
            AS_OF,
            "--data-dir",
        ])
        .arg(data_dir)
        .env("RUST_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("qonys serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the address line");
    let addr = line
        .trim()
        .strip_prefix("qonys listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    Served { child, addr }
}

/// One HTTP/1.1 request over loopback; returns (status, body).
fn http(addr: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    http_typed(addr, method, path, "application/json", body)
}

fn http_typed(
    addr: &str,
    method: &str,
    path: &str,
    content_type: &str,
    body: &str,
) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).expect("send");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a response");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("status");
    (status, body.to_string())
}

/// A TOML example as a JSON case file (the `[case]` and `[facts]` sections).
fn as_json_case(toml_text: &str) -> String {
    let case = qonys_law::CaseFile::parse_toml(toml_text).expect("example parses");
    let facts: serde_json::Map<String, serde_json::Value> = case
        .facts
        .iter()
        .map(|(k, v)| (k.clone(), v.to_json()))
        .collect();
    let mut out = serde_json::json!({ "facts": facts });
    if let Some(l) = case.meta.language {
        out["case"] = serde_json::json!({ "language": l.code() });
    }
    out.to_string()
}

#[test]
fn api_assess_equals_the_cli_json_for_every_example() {
    let data = tempfile::tempdir().expect("temp dir");
    let served = serve(data.path());
    assert!(
        data.path().join("qonys.db").is_file(),
        "SQLite database created"
    );
    let (status, page) = http(&served.addr, "GET", "/", "");
    assert_eq!(status, 200);
    assert!(page.contains("/finder"));

    let mut examples: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    examples.sort();
    assert!(examples.len() >= 3);
    let tmp = tempfile::tempdir().expect("temp dir");
    for example in &examples {
        let json_case = as_json_case(&std::fs::read_to_string(example).expect("read"));
        let case_path = tmp.path().join("case.json");
        std::fs::write(&case_path, &json_case).expect("write");
        for lang in ["en", "ru", "kk"] {
            let cli = Command::new(env!("CARGO_BIN_EXE_qonys"))
                .arg("assess")
                .arg(&case_path)
                .args(["--format", "json", "--lang", lang, "--as-of", AS_OF])
                .output()
                .expect("qonys assess runs");
            assert!(
                cli.status.success(),
                "{}",
                String::from_utf8_lossy(&cli.stderr)
            );
            let from_cli: serde_json::Value =
                serde_json::from_slice(&cli.stdout).expect("CLI JSON");
            let (status, body) = http(
                &served.addr,
                "POST",
                &format!("/api/v1/assess?lang={lang}&as_of={AS_OF}"),
                &json_case,
            );
            assert_eq!(status, 200, "{}: {body}", example.display());
            let from_api: serde_json::Value = serde_json::from_str(&body).expect("API JSON");
            assert_eq!(
                from_api,
                from_cli,
                "{} in {lang}: the API and the CLI differ",
                example.display()
            );
        }
    }
}

#[test]
fn serve_refuses_a_bad_pack_before_listening() {
    let data = tempfile::tempdir().expect("temp dir");
    let out = Command::new(env!("CARGO_BIN_EXE_qonys"))
        .args(["serve", "--addr", "127.0.0.1:0", "--pack"])
        .arg(data.path())
        .arg("--data-dir")
        .arg(data.path())
        .output()
        .expect("qonys serve runs");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).is_empty(),
        "never listened"
    );
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let enc: String = v
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            format!("{k}={enc}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Marker values planted in answers and in a consultation request never appear in what the
/// server writes to its log, and answers never appear in a URL the pages link to.
#[test]
fn personal_data_stays_out_of_the_log() {
    let data = tempfile::tempdir().expect("temp dir");
    let log_path = data.path().join("server.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let served = serve_logging_to(data.path(), Stdio::from(log));
    let name = "Zyxmarker Qwvname";
    let contact = "zyxmarker@example.kz";
    let answers = r#"[["stay_goal","temporary"],["purposes",["work"]],["citizenship","DE"]]"#;
    let (status, page) = http_typed(
        &served.addr,
        "POST",
        "/finder",
        "application/x-www-form-urlencoded",
        &form(&[("answers", answers), ("action", "result")]),
    );
    assert_eq!(status, 200);
    let key_at = page
        .find("name=\"key\" value=\"")
        .expect("consultation form")
        + 18;
    let key = &page[key_at..key_at + 32];
    let (status, done) = http_typed(
        &served.addr,
        "POST",
        "/consultation",
        "application/x-www-form-urlencoded",
        &form(&[
            ("answers", answers),
            ("key", key),
            ("name", name),
            ("contact", contact),
            ("language", "en"),
            ("message", "zyxmarker message"),
        ]),
    );
    assert_eq!(status, 200, "{done}");
    assert!(done.contains("id=\"reference\""));
    drop(served);
    let logged = std::fs::read_to_string(&log_path).expect("log");
    assert!(logged.contains("cases stored in SQLite"), "{logged}");
    for marker in ["zyxmarker", "Zyxmarker", "Qwvname"] {
        assert!(!logged.contains(marker), "{marker} logged: {logged}");
    }
}
