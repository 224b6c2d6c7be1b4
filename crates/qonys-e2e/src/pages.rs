//! Page helpers shared by the browser tests: waiting for an element (bounded: 20 s), waiting
//! for a submitted page to be replaced, full-page screenshots, switching the language with
//! the page's own switch, answering a route-finder question with the page's own controls,
//! walking the whole finder, HTTP status of a same-origin GET made by the browser (so with
//! its session cookie), and spotting message ids shown raw instead of translated text.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;

/// The longest any single wait may take.
pub const WAIT: Duration = Duration::from_secs(20);

/// The screenshot folder `sub` under `/tmp/qonys-e2e` (or `QONYS_SCREENSHOTS`), created.
pub fn shots_dir(sub: &str) -> PathBuf {
    let mut d = std::env::var_os("QONYS_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/qonys-e2e"));
    if !sub.is_empty() {
        d = d.join(sub);
    }
    let _ = std::fs::create_dir_all(&d);
    d
}

/// Waits (at most [`WAIT`]) until `css` matches an element.
///
/// # Panics
/// On timeout, naming `what`, the selector and the page's address.
pub async fn wait_for(driver: &WebDriver, css: &str, what: &str) -> WebElement {
    let start = Instant::now();
    loop {
        if let Ok(e) = driver.find(By::Css(css)).await {
            return e;
        }
        if start.elapsed() > WAIT {
            let url = driver
                .current_url()
                .await
                .map(|u| u.to_string())
                .unwrap_or_default();
            let text = body_text(driver).await;
            let text: String = text.chars().take(600).collect();
            panic!("timed out waiting for {what} ({css}) on {url}; the page says: {text}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits (at most [`WAIT`]) until `old` — an element of the page before a submit — is gone,
/// i.e. the browser has moved on to the next page.
///
/// # Panics
/// On timeout.
pub async fn wait_gone(old: &WebElement, what: &str) {
    let start = Instant::now();
    while old.tag_name().await.is_ok() {
        assert!(
            start.elapsed() < WAIT,
            "timed out waiting for the page to change after {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Clicks `css` and waits until the page it was on has been replaced (the clicked element
/// is no longer in the document).
pub async fn click_and_wait(driver: &WebDriver, css: &str, what: &str) {
    let button = wait_for(driver, css, what).await;
    button
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {what}: {e}"));
    // A full page load or an htmx swap of the page's content: either way the button goes.
    wait_gone(&button, what).await;
}

/// The visible text of the page body.
pub async fn body_text(driver: &WebDriver) -> String {
    match driver.find(By::Css("body")).await {
        Ok(b) => b.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// The visible text of the element `css` (after waiting for it).
pub async fn text_of(driver: &WebDriver, css: &str, what: &str) -> String {
    wait_for(driver, css, what)
        .await
        .text()
        .await
        .unwrap_or_else(|e| panic!("text of {what}: {e}"))
}

/// Types `text` into the field `css`.
pub async fn type_into(driver: &WebDriver, css: &str, text: &str) {
    wait_for(driver, css, css)
        .await
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("type into {css}: {e}"));
}

/// The path (and query) of the page the browser is on.
pub async fn current_path(driver: &WebDriver) -> String {
    let url = driver.current_url().await.expect("current url");
    let mut p = url.path().to_string();
    if let Some(q) = url.query() {
        p.push('?');
        p.push_str(q);
    }
    p
}

/// Waits (at most [`WAIT`]) until the browser's path starts with `prefix`; returns the path.
pub async fn wait_for_path(driver: &WebDriver, prefix: &str) -> String {
    let start = Instant::now();
    loop {
        let p = current_path(driver).await;
        if p.starts_with(prefix) {
            return p;
        }
        if start.elapsed() > WAIT {
            let text: String = body_text(driver).await.chars().take(600).collect();
            panic!("timed out waiting for {prefix}: still on {p}; the page says: {text}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A full-page screenshot to `path`: the window is made as tall as the page first.
pub async fn full_page_shot(driver: &WebDriver, width: u32, path: &Path) {
    driver
        .set_window_rect(0, 0, width, 900)
        .await
        .expect("resize");
    let height = driver
        .execute("return document.documentElement.scrollHeight;", Vec::new())
        .await
        .ok()
        .and_then(|r| r.json().as_u64())
        .unwrap_or(900)
        .clamp(600, 16_000) as u32;
    driver
        .set_window_rect(0, 0, width, height + 120)
        .await
        .expect("resize");
    driver.screenshot(path).await.expect("screenshot");
    driver
        .set_window_rect(0, 0, width, 900)
        .await
        .expect("resize back");
    eprintln!("screenshot {}", path.display());
}

/// Switches the language with the page's own switch and waits for the page in it.
pub async fn switch_language(driver: &WebDriver, lang: &str) {
    let css = format!(".langs button[value='{lang}']");
    let current = format!("html[lang='{lang}'] .langs button.current[value='{lang}']");
    if driver.find(By::Css(&current)).await.is_ok() {
        return;
    }
    wait_for(driver, &css, "the language switch")
        .await
        .click()
        .await
        .expect("switch language");
    wait_for(driver, &current, "the page in the chosen language").await;
}

/// The status of a GET of `path` made by the page itself (same origin, with its cookies),
/// without following redirects (a redirect answers 0, `opaqueredirect`).
pub async fn fetch_status(driver: &WebDriver, path: &str) -> u16 {
    let script = format!(
        "return fetch({}, {{credentials: 'same-origin', redirect: 'manual'}}).then(r => r.status);",
        js_string(path)
    );
    let ret = driver
        .execute(script, Vec::new())
        .await
        .unwrap_or_else(|e| panic!("fetch {path}: {e}"));
    ret.json()
        .as_u64()
        .unwrap_or_else(|| panic!("fetch {path}: no status in {:?}", ret.json()))
        .try_into()
        .unwrap_or(0)
}

/// `s` as a JavaScript string literal.
pub fn js_string(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\\' | '\'' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Words of the page that look like message ids shown raw (`web-…`, `wb-…`, `doc-…`,
/// `portal-…`, `interview-…`, `auth-…`, `mail-…`) instead of translated text.
pub async fn raw_message_ids(driver: &WebDriver) -> Vec<String> {
    let text = body_text(driver).await;
    let mut found: Vec<String> = text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '(' | ')' | '"'))
        .filter(|w| {
            [
                "web-",
                "wb-",
                "doc-",
                "portal-",
                "interview-",
                "auth-",
                "mail-",
            ]
            .iter()
            .any(|p| w.starts_with(p))
                && w.len() > 5
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
        .map(str::to_string)
        .collect();
    found.dedup();
    found
}

/// Answers the finder question on the page with its own controls (the first choice, the
/// country Germany, a date of 1 May 1990, a number at the field's minimum or 5,000,000 for
/// money).
pub async fn answer_question(driver: &WebDriver) {
    if let Ok(radio) = driver
        .find(By::Css("form#finder input[type='radio'][name='value']"))
        .await
    {
        radio.click().await.expect("click radio");
    } else if let Ok(check) = driver
        .find(By::Css("form#finder input[type='checkbox'][name='value']"))
        .await
    {
        check.click().await.expect("click checkbox");
    } else if let Ok(option) = driver
        .find(By::Css("form#finder select#value option[value='DE']"))
        .await
    {
        option.click().await.expect("choose country");
    } else if driver
        .find(By::Css("form#finder input[type='date']"))
        .await
        .is_ok()
    {
        // Typing into a date box depends on the browser's locale; set the value directly.
        driver
            .execute(
                "document.getElementById('value').value = '1990-05-01';",
                Vec::new(),
            )
            .await
            .expect("set date");
    } else if let Ok(input) = driver.find(By::Css("form#finder input#value")).await {
        let text = match input.attr("inputmode").await.ok().flatten().as_deref() {
            Some("decimal") => "5000000".to_string(),
            _ => input
                .attr("min")
                .await
                .ok()
                .flatten()
                .unwrap_or_else(|| "1".into()),
        };
        input.send_keys(text).await.expect("type number");
    } else {
        panic!("no input on the question page");
    }
}

/// From the start page, starts the finder and answers every question with
/// [`answer_question`] until the result page (`#result`); returns the number of questions.
///
/// # Panics
/// When a step does not appear within [`WAIT`], a step shows an error, or the finder asks
/// 80 questions without a result.
pub async fn walk_finder(driver: &WebDriver, base: &str) -> usize {
    driver
        .goto(format!("{base}/"))
        .await
        .expect("open start page");
    wait_for(driver, "a#start", "the start button")
        .await
        .click()
        .await
        .expect("start");
    let mut step = 1;
    loop {
        let start = Instant::now();
        let found = loop {
            if driver.find(By::Css("#result")).await.is_ok() {
                break false;
            }
            if driver
                .find(By::Css(format!("form#finder[data-step='{step}']")))
                .await
                .is_ok()
            {
                break true;
            }
            assert!(start.elapsed() < WAIT, "finder step {step} did not appear");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        if !found {
            return step - 1;
        }
        assert!(
            driver.find(By::Css("#error")).await.is_err(),
            "finder step {step} shows an error"
        );
        answer_question(driver).await;
        driver
            .find(By::Css("button#next"))
            .await
            .expect("next button")
            .click()
            .await
            .expect("next");
        step += 1;
        assert!(step < 80, "the finder did not end");
    }
}
