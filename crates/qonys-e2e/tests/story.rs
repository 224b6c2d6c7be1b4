//! The whole story of the site in real headless Chromium, once on SQLite and once on
//! PostgreSQL (a fresh schema, dropped afterwards):
//!
//! 1. a visitor completes the route finder and requests a consultation;
//! 2. the first administrator is created from the setup link `qonys serve` prints, invites an
//!    adviser from the admin page; the adviser accepts, finds the new case at the top of the
//!    case list, opens it, changes a fact and sees verdicts change (with the diff), re-runs the
//!    assessment, requests a document and rejects it with a reason, and makes the applicant's
//!    invitation link;
//! 3. the applicant accepts the invitation in a separate browser, lands on their case in the
//!    portal, uploads a PDF for the rejected document and sees it listed as received; the
//!    adviser then sees it, downloads it and verifies it;
//! 4. a second applicant (case made through the JSON API, invited the same way) gets 403 for
//!    the first applicant's workbench page, portal page and document download.
//!
//! Screenshots of the login page, case list, case page and portal in English, Russian and
//! Kazakh go to `/tmp/qonys-e2e/story/<backend>/` (or `$QONYS_SCREENSHOTS/story/…`); every
//! one of those pages is checked for message ids shown raw. Needs the `qonys` binary
//! (`cargo build -p qonys-cli`), Chromium and chromedriver (`QONYS_REQUIRE_BROWSER=1` makes
//! their absence a failure) and, for the PostgreSQL run, a reachable server
//! (`QONYS_TEST_POSTGRES_URL`; `QONYS_REQUIRE_POSTGRES=1` makes its absence a failure).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use qonys_e2e::pages::{
    body_text, click_and_wait, current_path, fetch_status, full_page_shot, raw_message_ids,
    shots_dir, switch_language, text_of, type_into, wait_for, wait_for_path, walk_finder,
};
use qonys_e2e::{
    Browser, CHROMIUM_FLAGS, browser_or_skip, drop_pg_schema, postgres_or_skip, qonys_binary,
    start_chromedriver, start_serve,
};
use thirtyfour::prelude::*;

const AS_OF: &str = "2026-06-01";
const PASSWORD: &str = "correct horse battery staple";
const LANGS: [&str; 3] = ["en", "ru", "kk"];
/// The document the adviser requests, rejects and the applicant then uploads.
const DOC: &str = "passport";
const REJECT_REASON: &str = "The scan is cut off at the bottom";

/// A small valid one-page PDF.
const PDF: &[u8] = b"%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj
xref
0 4
0000000000 65535 f 
0000000009 00000 n 
0000000058 00000 n 
0000000115 00000 n 
trailer << /Size 4 /Root 1 0 R >>
startxref
186
%%EOF
";

/// A fresh Chromium session with its own profile folder.
async fn session(browser: &Browser, driver_url: &str, profile: &Path) -> WebDriver {
    let _ = std::fs::remove_dir_all(profile);
    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary(&browser.chromium.to_string_lossy())
        .expect("binary");
    for flag in CHROMIUM_FLAGS {
        caps.add_arg(flag).expect("flag");
    }
    caps.add_arg(&format!("--user-data-dir={}", profile.display()))
        .expect("profile");
    caps.add_arg("--window-size=1024,900").expect("size");
    WebDriver::new(driver_url, caps)
        .await
        .expect("a Chromium session")
}

/// Screenshot of the page at `path` (identified by `css`) in `lang`, switched with the page's
/// own switch, after checking that the switch stayed on that page and that no message id
/// shows raw. Returns a complaint when the switch left the page (the page is then opened
/// again in the new language).
async fn shot_in(
    driver: &WebDriver,
    base: &str,
    path: &str,
    css: &str,
    lang: &str,
    dir: &Path,
    name: &str,
) -> Option<String> {
    switch_language(driver, lang).await;
    let mut complaint = None;
    if driver.find(By::Css(css)).await.is_err() {
        let now = current_path(driver).await;
        complaint = Some(format!(
            "switching to {lang} on {path} left the page (landed on {now})"
        ));
        eprintln!("NOTICE: {}", complaint.as_deref().unwrap_or_default());
        driver.goto(format!("{base}{path}")).await.expect("reopen");
        wait_for(driver, css, name).await;
        wait_for(
            driver,
            &format!("html[lang='{lang}']"),
            "the chosen language",
        )
        .await;
    }
    let raw = raw_message_ids(driver).await;
    assert!(
        raw.is_empty(),
        "{name} in {lang} shows message ids instead of text: {raw:?}"
    );
    full_page_shot(driver, 1024, &dir.join(format!("{name}-{lang}.png"))).await;
    complaint
}

/// Fills the account form (setup or invitation) and submits it.
async fn create_account(driver: &WebDriver, name: &str, email: &str) {
    wait_for(driver, "form#account", "the account form").await;
    type_into(driver, "#a-name", name).await;
    type_into(driver, "#a-email", email).await;
    type_into(driver, "#a-password", PASSWORD).await;
    type_into(driver, "#a-confirm", PASSWORD).await;
    click_and_wait(driver, "#account-send", "creating the account").await;
    assert!(
        driver.find(By::Css("#account-error")).await.is_err(),
        "the account form refused: {}",
        body_text(driver).await
    );
}

/// The verdict labels of the assessment table, in order.
async fn verdicts(driver: &WebDriver) -> Vec<String> {
    wait_for(driver, "#assessment-routes", "the assessment table").await;
    let mut out = Vec::new();
    for b in driver
        .find_all(By::Css("#assessment-routes span.badge[data-verdict]"))
        .await
        .expect("verdicts")
    {
        out.push(b.text().await.expect("verdict text"));
    }
    out
}

/// An absolute URL for a link shown on a page (absolute already, or a path).
fn absolute(base: &str, link: &str) -> String {
    let link = link.trim();
    if link.starts_with("http://") || link.starts_with("https://") {
        link.to_string()
    } else {
        format!("{base}{link}")
    }
}

/// The CSS of the document line for [`DOC`].
fn doc_line(rest: &str) -> String {
    format!("li.doc[data-kind='{DOC}'] {rest}")
}

async fn story(browser: &Browser, backend: &str, extra: &[String], data: &Path, profiles: &Path) {
    let started = Instant::now();
    let bin = qonys_binary().expect(
        "the story test needs the qonys binary: run `cargo build -p qonys-cli` first \
         (or set QONYS_BIN)",
    );
    let server = start_serve(&bin, AS_OF, data, extra).expect("qonys serve starts");
    let base = server.base.clone();
    let setup_link = server
        .setup_link
        .clone()
        .expect("a fresh database: qonys serve prints the first-admin setup link");
    assert!(
        setup_link.starts_with(&format!("{base}/setup/")),
        "{setup_link}"
    );
    let (_chromedriver, driver_url) =
        start_chromedriver(&browser.chromedriver).expect("chromedriver starts");
    let shots = shots_dir(&format!("story/{backend}"));
    // What a person would notice but the story does not fail on (listed at the end).
    let mut complaints: Vec<String> = Vec::new();

    // The staff browser: first the visitor, then the administrator, then the adviser.
    let staff = session(browser, &driver_url, &profiles.join("staff")).await;

    // The sign-in page in each language.
    staff
        .goto(format!("{base}/login"))
        .await
        .expect("open login");
    wait_for(&staff, "form#login #l-email", "the login form").await;
    for lang in LANGS {
        complaints
            .extend(shot_in(&staff, &base, "/login", "form#login", lang, &shots, "login").await);
    }
    switch_language(&staff, "en").await;

    // 1. The visitor completes the finder and requests a consultation.
    let t = Instant::now();
    let questions = walk_finder(&staff, &base).await;
    eprintln!(
        "[{backend}] finder: {questions} questions in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    assert!(questions > 0);
    let visitor = format!("Aigerim Story {backend}");
    wait_for(&staff, "form#consult", "the consultation form").await;
    type_into(&staff, "#c-name", &visitor).await;
    type_into(&staff, "#c-contact", "aigerim@example.kz").await;
    wait_for(
        &staff,
        "#c-language option[value='ru']",
        "Russian as the language",
    )
    .await
    .click()
    .await
    .expect("choose Russian");
    type_into(&staff, "#c-message", "I have a job offer in Almaty.").await;
    click_and_wait(&staff, "#consult-send", "sending the consultation request").await;
    let reference = text_of(&staff, "#consult-done #reference", "the reference").await;
    assert_eq!(reference.len(), 8, "reference {reference:?}");
    // (The reference is the end of the case's id, shown in capitals.)

    // 2. The first administrator, from the setup link.
    staff.goto(&setup_link).await.expect("open setup link");
    create_account(&staff, "Dana Admin", "admin@example.kz").await;
    wait_for_path(&staff, "/cases").await;
    // The administrator invites an adviser.
    staff
        .goto(format!("{base}/admin/users"))
        .await
        .expect("open users");
    click_and_wait(&staff, "#invite-adviser", "inviting an adviser").await;
    let adviser_link = absolute(
        &base,
        &text_of(
            &staff,
            "#adviser-invite-link",
            "the adviser's invitation link",
        )
        .await,
    );
    assert!(adviser_link.contains("/invite/"), "{adviser_link}");
    click_and_wait(&staff, "#logout", "signing out").await;

    // The adviser accepts the invitation and lands on the case list.
    staff.goto(&adviser_link).await.expect("open adviser link");
    create_account(&staff, "Marat Adviser", "adviser@example.kz").await;
    wait_for_path(&staff, "/cases").await;
    // The consultation is the first case of the list.
    let first = wait_for(
        &staff,
        "#case-list li.wb-card:first-child a.wb-card-title",
        "the first case of the list",
    )
    .await;
    assert_eq!(
        first.text().await.expect("title"),
        visitor,
        "the new case is at the top"
    );
    let href = first.attr("href").await.expect("href").expect("a link");
    assert!(
        href.to_ascii_lowercase()
            .ends_with(&reference.to_ascii_lowercase()),
        "the top case {href} is the consultation {reference}"
    );
    let case1 = href.rsplit('/').next().expect("case id").to_string();
    click_and_wait(
        &staff,
        "#case-list li.wb-card:first-child a.wb-card-title",
        "opening the case",
    )
    .await;
    assert_eq!(
        text_of(&staff, "#case-title", "the case title").await,
        visitor
    );

    // The assessment is there (or made on demand).
    if staff.find(By::Css("#assessment-none")).await.is_ok() {
        click_and_wait(&staff, "#rerun", "running the assessment").await;
    }
    let before = verdicts(&staff).await;
    assert!(!before.is_empty());
    // The finder answered "a temporary stay"; the adviser changes it to "settle permanently".
    let selected = wait_for(
        &staff,
        "select#f-stay_goal option[selected]",
        "the goal of the stay in the facts",
    )
    .await;
    assert_eq!(
        selected.value().await.expect("value").as_deref(),
        Some("temporary")
    );
    wait_for(
        &staff,
        "select#f-stay_goal option[value='permanent']",
        "the option 'settle permanently'",
    )
    .await
    .click()
    .await
    .expect("choose permanent");
    click_and_wait(&staff, "#facts-save", "saving the facts").await;
    wait_for(
        &staff,
        "select#f-stay_goal option[value='permanent'][selected]",
        "the saved fact",
    )
    .await;
    let mut saw_diff = staff
        .find(By::Css("#assessment-diff li.wb-diff-route.changed del"))
        .await
        .is_ok();
    click_and_wait(&staff, "#rerun", "re-running the assessment").await;
    let after = verdicts(&staff).await;
    saw_diff |= staff
        .find(By::Css("#assessment-diff li.wb-diff-route.changed del"))
        .await
        .is_ok();
    assert_eq!(before.len(), after.len());
    assert_ne!(
        before, after,
        "changing the goal of the stay changes a verdict"
    );
    assert!(
        saw_diff,
        "the diff names a route whose verdict changed (before → after)"
    );
    // The history of the facts shows the change.
    let changes = staff
        .find_all(By::Css("#facts-history li ins"))
        .await
        .expect("history");
    assert!(
        !changes.is_empty(),
        "the facts' history lists the change (before → after)"
    );

    // Documents: request one, then reject it with a reason.
    wait_for(
        &staff,
        &format!("#request-kind option[value='{DOC}']"),
        "the passport among the documents to request",
    )
    .await
    .click()
    .await
    .expect("choose passport");
    click_and_wait(
        &staff,
        "form.request-other button",
        "requesting the passport",
    )
    .await;
    wait_for(
        &staff,
        &doc_line(".badge[data-status='requested']"),
        "the passport marked requested",
    )
    .await;
    type_into(
        &staff,
        &doc_line("form.reject input[name='reason']"),
        REJECT_REASON,
    )
    .await;
    click_and_wait(
        &staff,
        &doc_line("form.reject button"),
        "rejecting the passport",
    )
    .await;
    wait_for(
        &staff,
        &doc_line(".badge[data-status='rejected']"),
        "the passport marked rejected",
    )
    .await;
    let reason = text_of(&staff, &doc_line(".doc-reason"), "the reason").await;
    assert!(reason.contains(REJECT_REASON), "{reason}");

    // The applicant's invitation link.
    click_and_wait(&staff, "#invite-make", "making the invitation").await;
    let invite1 = absolute(
        &base,
        &text_of(&staff, "#invite-link", "the applicant's invitation link").await,
    );
    assert!(invite1.contains("/invite/"), "{invite1}");

    // 3. The applicant, in a browser of their own.
    let applicant = session(browser, &driver_url, &profiles.join("applicant")).await;
    applicant.goto(&invite1).await.expect("open invitation");
    create_account(&applicant, "Aigerim Applicant", "aigerim@example.kz").await;
    let portal1 = wait_for_path(&applicant, &format!("/my/{case1}")).await;
    assert_eq!(portal1, format!("/my/{case1}"));
    // The passport is there, rejected, with the adviser's reason.
    wait_for(
        &applicant,
        &doc_line(".doc-head"),
        "the passport in the portal's checklist",
    )
    .await;
    wait_for(
        &applicant,
        &doc_line(".badge[data-status='rejected']"),
        "the rejected passport in the portal",
    )
    .await;
    let reason = text_of(
        &applicant,
        &doc_line(".doc-reason"),
        "the reason in the portal",
    )
    .await;
    assert!(reason.contains(REJECT_REASON), "{reason}");

    // Upload a PDF for it.
    let pdf = data.join("passport-scan.pdf");
    std::fs::write(&pdf, PDF).expect("write the PDF");
    wait_for(
        &applicant,
        &format!("#file-{DOC}"),
        "the passport's file box",
    )
    .await
    .send_keys(pdf.to_string_lossy().to_string())
    .await
    .expect("choose the file");
    click_and_wait(&applicant, &doc_line("form.upload button"), "uploading").await;
    wait_for_path(&applicant, &format!("/my/{case1}")).await;
    wait_for(
        &applicant,
        &doc_line(".badge[data-status='received']"),
        "the passport listed as received",
    )
    .await;
    let download = wait_for(
        &applicant,
        &doc_line("a.download"),
        "the uploaded file's link",
    )
    .await
    .attr("href")
    .await
    .expect("href")
    .expect("a download link");
    assert!(
        download.starts_with(&format!("/cases/{case1}/documents/")),
        "{download}"
    );
    assert_eq!(fetch_status(&applicant, &download).await, 200, "own file");
    for lang in LANGS {
        complaints.extend(
            shot_in(
                &applicant,
                &base,
                &portal1,
                "#documents",
                lang,
                &shots,
                "portal",
            )
            .await,
        );
    }
    switch_language(&applicant, "en").await;

    // The adviser can download the file, sees it on the case page, and verifies it.
    assert_eq!(
        fetch_status(&staff, &download).await,
        200,
        "adviser download"
    );
    staff
        .goto(format!("{base}/cases/{case1}"))
        .await
        .expect("open case");
    wait_for(
        &staff,
        &doc_line(".badge[data-status='received']"),
        "the passport received, on the adviser's page",
    )
    .await;
    click_and_wait(
        &staff,
        &doc_line("form[action$='/verify'] button"),
        "verifying the passport",
    )
    .await;
    wait_for(
        &staff,
        &doc_line(".badge[data-status='verified']"),
        "the passport marked verified",
    )
    .await;
    // … and the applicant sees it verified (no more upload box for it).
    applicant
        .goto(format!("{base}{portal1}"))
        .await
        .expect("reopen the portal");
    wait_for(
        &applicant,
        &doc_line(".badge[data-status='verified']"),
        "the passport verified, in the portal",
    )
    .await;
    assert!(
        applicant
            .find(By::Css(format!("#file-{DOC}")))
            .await
            .is_err(),
        "a verified document offers no upload"
    );

    // 4. A second case (through the JSON API, as the adviser) and its applicant.
    let script = "const csrf = document.querySelector(\"input[name='csrf']\").value; \
         return fetch('/api/v1/cases', {method: 'POST', credentials: 'same-origin', \
           headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf}, \
           body: JSON.stringify({title: 'Second applicant', language: 'en'})}) \
         .then(r => r.status === 201 ? r.json().then(j => j.id) : 'status ' + r.status);";
    let ret = staff
        .execute(script, Vec::new())
        .await
        .expect("create case 2");
    let case2 = ret.json().as_str().expect("the new case's id").to_string();
    assert!(!case2.starts_with("status"), "creating case 2: {case2}");
    staff
        .goto(format!("{base}/cases/{case2}"))
        .await
        .expect("open case 2");
    click_and_wait(&staff, "#invite-make", "inviting the second applicant").await;
    let invite2 = absolute(
        &base,
        &text_of(&staff, "#invite-link", "the second invitation link").await,
    );

    // The staff pages in each language.
    staff.goto(format!("{base}/cases")).await.expect("list");
    wait_for(&staff, "#case-list", "the case list").await;
    for lang in LANGS {
        complaints
            .extend(shot_in(&staff, &base, "/cases", "#case-list", lang, &shots, "cases").await);
    }
    staff
        .goto(format!("{base}/cases/{case1}"))
        .await
        .expect("case");
    for lang in LANGS {
        complaints.extend(
            shot_in(
                &staff,
                &base,
                &format!("/cases/{case1}"),
                "#case-title",
                lang,
                &shots,
                "case",
            )
            .await,
        );
    }
    switch_language(&staff, "en").await;

    click_and_wait(&applicant, "#logout", "the applicant signing out").await;
    applicant.goto(&invite2).await.expect("open invitation 2");
    create_account(&applicant, "Second Applicant", "second@example.kz").await;
    wait_for_path(&applicant, &format!("/my/{case2}")).await;
    // The first applicant's case is closed to them: workbench page, portal page, file.
    for path in [
        format!("/cases/{case1}"),
        format!("/my/{case1}"),
        download.clone(),
    ] {
        assert_eq!(
            fetch_status(&applicant, &path).await,
            403,
            "the second applicant opening {path}"
        );
    }
    applicant
        .goto(format!("{base}/my/{case1}"))
        .await
        .expect("open the other portal page");
    let text = body_text(&applicant).await;
    assert!(
        !text.contains(&visitor) && !text.contains(REJECT_REASON),
        "the other applicant's case shows: {text}"
    );
    full_page_shot(&applicant, 1024, &shots.join("forbidden-en.png")).await;
    // Their own portal lists only their case.
    applicant.goto(format!("{base}/my")).await.expect("my");
    assert_eq!(
        wait_for_path(&applicant, &format!("/my/{case2}")).await,
        format!("/my/{case2}")
    );
    eprintln!(
        "[{backend}] story done in {:.1} s (at {})",
        started.elapsed().as_secs_f64(),
        current_path(&applicant).await
    );
    for c in &complaints {
        eprintln!("NOTICE [{backend}]: {c}");
    }
    let _ = applicant.quit().await;
    let _ = staff.quit().await;
    drop(server);
}

/// One story at a time: two Chromiums and two servers at once only slow both down.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Runs [`story`] with a time limit and cleans up the data and profile folders.
async fn run(test: &str, backend: &str, extra: Vec<String>) {
    let Some(browser) = browser_or_skip(test) else {
        return;
    };
    let _turn = ONE_AT_A_TIME.lock().await;
    let tmp =
        std::env::temp_dir().join(format!("qonys-e2e-story-{backend}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let data: PathBuf = tmp.join("data");
    let profiles = tmp.join("profiles");
    std::fs::create_dir_all(&data).expect("data folder");
    let outcome = tokio::time::timeout(
        Duration::from_secs(240),
        story(&browser, backend, &extra, &data, &profiles),
    )
    .await;
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(outcome.is_ok(), "{backend}: the story took over 4 minutes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn story_on_sqlite_in_chromium() {
    run("story_on_sqlite_in_chromium", "sqlite", Vec::new()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn story_on_postgres_in_chromium() {
    let test = "story_on_postgres_in_chromium";
    if browser_or_skip(test).is_none() {
        return;
    }
    let Some(url) = postgres_or_skip(test) else {
        return;
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let schema = format!("qonys_e2e_{}_{nanos}", std::process::id());
    struct Drop_(String, String);
    impl Drop for Drop_ {
        fn drop(&mut self) {
            drop_pg_schema(&self.0, &self.1);
        }
    }
    let _guard = Drop_(url.clone(), schema.clone());
    run(
        test,
        "postgres",
        vec!["--database".into(), url, "--database-schema".into(), schema],
    )
    .await;
}
