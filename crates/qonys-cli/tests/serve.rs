//! `qonys serve` as a user runs it: it starts on a free loopback port with a data folder,
//! answers pages and the API over real HTTP, and `POST /api/v1/assess` returns exactly the
//! JSON that `qonys assess --format json` prints for the same case, for every example case
//! in every language.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

mod support;

use support::form;

const AS_OF: &str = "2026-06-01";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Served {
    child: Child,
    addr: String,
    stdout: BufReader<std::process::ChildStdout>,
}

impl Served {
    /// The first-start setup link printed after the address line.
    fn setup_path(&mut self) -> String {
        let mut line = String::new();
        for _ in 0..10 {
            line.clear();
            if self.stdout.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            if let Some(at) = line.find("/setup/") {
                return line[at..].trim().to_string();
            }
        }
        panic!("no setup link printed");
    }
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
        .env("QONYS_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("qonys serve starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("the address line");
    let addr = line
        .trim()
        .strip_prefix("qonys listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    Served {
        child,
        addr,
        stdout,
    }
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
    let (status, _head, body) = http_full(addr, method, path, content_type, body, None);
    (status, body)
}

/// One HTTP/1.1 request with an optional session (cookie, CSRF token); returns (status,
/// head, body).
fn http_full(
    addr: &str,
    method: &str,
    path: &str,
    content_type: &str,
    body: &str,
    session: Option<(&str, &str)>,
) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    let extra = session.map_or_else(String::new, |(cookie, csrf)| {
        format!("Cookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n")
    });
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n{body}",
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
    (status, head.to_string(), body.to_string())
}

/// The CSRF token of a session token (as the server derives it).
fn csrf_of(session_token: &str) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(b"qonys-csrf\0");
    h.update(session_token.as_bytes());
    hex::encode(h.finalize())
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

    // Accounts: the first administrator with marker name and address, a failed sign-in
    // with a marker address and password, a successful one, and a case made through the
    // API with a marker title.
    let mut served = served;
    let setup = served.setup_path();
    let password = "zyxmarker-password-123";
    let (status, _, _) = http_full(
        &served.addr,
        "POST",
        &setup,
        "application/x-www-form-urlencoded",
        &form(&[
            ("name", name),
            ("email", contact),
            ("password", password),
            ("confirm", password),
        ]),
        None,
    );
    assert_eq!(status, 303);
    let (status, _, _) = http_full(
        &served.addr,
        "POST",
        "/login",
        "application/x-www-form-urlencoded",
        &form(&[
            ("email", "zyxmarker-nobody@example.kz"),
            ("password", "zyxmarker-wrong"),
        ]),
        None,
    );
    assert_eq!(status, 401);
    let (status, head, _) = http_full(
        &served.addr,
        "POST",
        "/login",
        "application/x-www-form-urlencoded",
        &form(&[("email", contact), ("password", password)]),
        None,
    );
    assert_eq!(status, 303);
    let token = head
        .lines()
        .find(|l| {
            l.to_ascii_lowercase()
                .starts_with("set-cookie: qonys_session=")
        })
        .and_then(|l| l.split_once('=').map(|(_, v)| v))
        .and_then(|v| v.split(';').next())
        .expect("session cookie")
        .to_string();
    let cookie = format!("qonys_session={token}");
    let csrf = csrf_of(&token);
    let (status, _, body) = http_full(
        &served.addr,
        "POST",
        "/api/v1/cases",
        "application/json",
        r#"{"title": "Zyxmarker Qwvname case", "facts": {"citizenship": "DE"}}"#,
        Some((&cookie, &csrf)),
    );
    assert_eq!(status, 201, "{body}");
    let created: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let id = created["id"].as_str().expect("case id").to_string();
    let (status, _, body) = http_full(
        &served.addr,
        "GET",
        &format!("/api/v1/cases/{id}"),
        "application/json",
        "",
        Some((&cookie, &csrf)),
    );
    assert_eq!(status, 200);
    assert!(body.contains("Zyxmarker Qwvname case"));
    drop(served);
    let logged = std::fs::read_to_string(&log_path).expect("log");
    assert!(logged.contains("cases stored in SQLite"), "{logged}");
    assert!(
        logged.contains("route=/api/v1/cases/{id}"),
        "requests are logged: {logged}"
    );
    for marker in ["zyxmarker", "Zyxmarker", "Qwvname", &token, &csrf] {
        assert!(!logged.contains(marker), "{marker} logged: {logged}");
    }
}
