//! The route finder in real headless Chromium: for each language, open the start page,
//! switch the language with the switch, start the finder, answer every question with the
//! page's own controls (radio buttons, check boxes, the country list, date and number
//! boxes) until the result, and check the result page. Screenshots of the start page, the
//! second question and the result go to `/tmp/qonys-e2e/` (or `QONYS_SCREENSHOTS`).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use qonys_e2e::pages::{self, answer_question as answer, shots_dir, wait_for};
use qonys_e2e::{CHROMIUM_FLAGS, browser_or_skip, start_chromedriver, start_server};
use thirtyfour::prelude::*;

const AS_OF: &str = "2026-06-01";

/// A full-page screenshot named `name` in the screenshot folder; returns its path.
async fn full_page_shot(driver: &WebDriver, width: u32, name: &str) -> PathBuf {
    let path = shots_dir("").join(name);
    pages::full_page_shot(driver, width, &path).await;
    path
}

async fn walk_in(driver: &WebDriver, base: &str, lang: &str, result_title: &str) {
    driver
        .goto(format!("{base}/"))
        .await
        .expect("open start page");
    wait_for(driver, "a#start", "the start page").await;
    // Switch the language with the switch (a POST that sets the cookie).
    let button = wait_for(
        driver,
        &format!(".langs button[value='{lang}']"),
        "the language switch",
    )
    .await;
    button.click().await.expect("switch language");
    wait_for(
        driver,
        &format!("html[lang='{lang}'] .langs button.current[value='{lang}']"),
        "the page in the chosen language",
    )
    .await;
    let shot = full_page_shot(driver, 1024, &format!("start-{lang}.png")).await;
    eprintln!("screenshot {}", shot.display());

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
                break None;
            }
            if let Ok(f) = driver
                .find(By::Css(format!("form#finder[data-step='{step}']")))
                .await
            {
                break Some(f);
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "{lang}: step {step} did not appear"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let Some(_) = found else { break };
        let html_lang = driver
            .find(By::Css("html"))
            .await
            .expect("html")
            .attr("lang")
            .await
            .ok()
            .flatten();
        assert_eq!(html_lang.as_deref(), Some(lang), "step {step}");
        // No error is shown: every answer given is accepted.
        assert!(
            driver.find(By::Css("#error")).await.is_err(),
            "{lang}: step {step} shows an error"
        );
        if step == 2 {
            let shot = full_page_shot(driver, 1024, &format!("question-{lang}.png")).await;
            eprintln!("screenshot {}", shot.display());
            // And on a phone-sized screen.
            let shot = full_page_shot(driver, 390, &format!("question-phone-{lang}.png")).await;
            eprintln!("screenshot {}", shot.display());
        }
        answer(driver).await;
        driver
            .find(By::Css("button#next"))
            .await
            .expect("next button")
            .click()
            .await
            .expect("next");
        step += 1;
        assert!(step < 80, "{lang}: the finder did not end");
    }
    let title = driver
        .find(By::Css("#result h1"))
        .await
        .expect("result heading")
        .text()
        .await
        .expect("text");
    assert_eq!(title, result_title);
    let pack = qonys_law::bundled::load().expect("pack");
    let routes = driver
        .find_all(By::Css("article.route"))
        .await
        .expect("routes");
    assert_eq!(routes.len(), pack.routes.len(), "{lang}: every route shown");
    let rows = driver
        .find_all(By::Css(".glance-table tbody tr"))
        .await
        .expect("rows");
    assert_eq!(rows.len(), pack.routes.len());
    assert!(driver.find(By::Css("svg.bar rect")).await.is_ok());
    // The top of the result (the verdicts and the routes side by side) as a reader sees it.
    driver
        .set_window_rect(0, 0, 1024, 1400)
        .await
        .expect("resize");
    let top = shots_dir("").join(format!("result-top-{lang}.png"));
    driver.screenshot(&top).await.expect("screenshot");
    eprintln!("screenshot {}", top.display());
    let shot = full_page_shot(driver, 1024, &format!("result-{lang}.png")).await;
    eprintln!("screenshot {}", shot.display());
    let shot = full_page_shot(driver, 390, &format!("result-phone-{lang}.png")).await;
    eprintln!("screenshot {}", shot.display());
    eprintln!("{lang}: {} questions to the result", step - 1);

    // Request a consultation: the answers go with it, and a double click creates one case.
    if driver.find(By::Css("form#consult")).await.is_ok() {
        let send = driver.find(By::Css("#consult-send")).await.expect("send");
        send.click().await.expect("send empty");
        wait_for(driver, "#c-name-error", "the error next to the name").await;
        driver
            .find(By::Css("#c-name"))
            .await
            .expect("name")
            .send_keys(format!("E2E visitor {lang}"))
            .await
            .expect("type name");
        driver
            .find(By::Css("#c-contact"))
            .await
            .expect("contact")
            .send_keys("visitor@example.kz")
            .await
            .expect("type contact");
        driver
            .find(By::Css("#c-message"))
            .await
            .expect("message")
            .send_keys("Please call me.")
            .await
            .expect("type message");
        driver
            .find(By::Css("#consult-send"))
            .await
            .expect("send")
            .click()
            .await
            .expect("send");
        let reference = wait_for(driver, "#consult-done #reference", "the confirmation").await;
        assert_eq!(reference.text().await.expect("text").len(), 8);
        let shot = full_page_shot(driver, 1024, &format!("consult-done-{lang}.png")).await;
        eprintln!("screenshot {}", shot.display());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finder_walk_in_every_language_in_chromium() {
    let Some(browser) = browser_or_skip("finder_walk_in_every_language_in_chromium") else {
        return;
    };
    let data = std::env::temp_dir().join(format!("qonys-e2e-data-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let server = start_server(AS_OF, &data).expect("server starts");
    let (_driver_process, driver_url) =
        start_chromedriver(&browser.chromedriver).expect("chromedriver starts");
    let profile = std::env::temp_dir().join(format!("qonys-e2e-profile-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&profile);
    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary(&browser.chromium.to_string_lossy())
        .expect("binary");
    for flag in CHROMIUM_FLAGS {
        caps.add_arg(flag).expect("flag");
    }
    caps.add_arg(&format!("--user-data-dir={}", profile.display()))
        .expect("profile");
    caps.add_arg("--window-size=1024,900").expect("size");
    let driver = WebDriver::new(&driver_url, caps)
        .await
        .expect("a Chromium session");
    let mut failure = None;
    for (lang, title) in [
        ("en", "Your residence routes"),
        ("ru", "Ваши основания для проживания"),
        ("kk", "Тұруға арналған негіздеріңіз"),
    ] {
        let run = tokio::time::timeout(
            Duration::from_secs(240),
            walk_in(&driver, &server.base, lang, title),
        )
        .await;
        if run.is_err() {
            failure = Some(format!("{lang}: the walk took over 4 minutes"));
            break;
        }
    }
    let _ = driver.quit().await;
    let _ = std::fs::remove_dir_all(&profile);
    drop(server);
    let _ = std::fs::remove_dir_all(&data);
    if let Some(f) = failure {
        panic!("{f}");
    }
}
