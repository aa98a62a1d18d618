//! `report`: the page the command writes is headed by the event's title and
//! start, from the stack or from the functions' variables; it opens in headless
//! Chromium without any network request and shows its three charts; a
//! screenshot at desktop width goes to target/screenshots/organizer-report.png.

mod common;

use common::cloudformation::{STACK_EVENT_TITLE, fake_cloudformation};
use common::{Run, organizer, seed};
use std::path::{Path, PathBuf};
use std::process::Command;
use system_tests::spawn_app;

const CHROMIUM: &str = "/usr/bin/chromium";

/// Chromium, installed with apt-get when missing; the test fails (never
/// passes silently) when it cannot be had.
fn chromium() -> &'static str {
    if !Path::new(CHROMIUM).exists() {
        let installed = Command::new("bash")
            .args([
                "-c",
                "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium",
            ])
            .status();
        assert!(
            installed.is_ok_and(|s| s.success()) && Path::new(CHROMIUM).exists(),
            "{CHROMIUM} is missing and could not be installed: apt-get install chromium"
        );
    }
    CHROMIUM
}

fn headless(profile: &Path) -> Command {
    let mut command = Command::new(chromium());
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--hide-scrollbars",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command
}

/// Chromium's own background calls (clock, component updates, accounts), made
/// whatever page it opens: not the page's requests.
fn is_browser_service(url: &str) -> bool {
    let host = url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', ':', '?']).next())
        .unwrap_or_default();
    host.ends_with(".google.com") || host.ends_with(".googleapis.com")
}

fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
    std::fs::create_dir_all(&dir).expect("the screenshots folder");
    dir
}

const SEED_TITLE: &str = "Powering Belt and Road Lithium-ion batteries";

/// `report` on this app's table and event, run as `make dev` sets a terminal
/// up: the functions' variables, with this title.
fn report_on(app: &system_tests::TestApp, title: &str, page: &Path, flags: &[&str]) -> Run {
    let mut args = flags.to_vec();
    args.extend(["report", "--output", page.to_str().unwrap()]);
    organizer(
        &[
            ("TABLE_NAME", &app.table),
            ("EVENT_ID", &app.event_id),
            ("EVENT_TITLE", title),
            ("EVENT_STARTS_AT", "2022-09-28T10:00:00+05:00"),
            ("EVENT_TIMEZONE", "Asia/Karachi"),
        ],
        &args,
    )
}

fn report_file() -> PathBuf {
    let dir = std::env::temp_dir().join(system_tests::unique("report"));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("report.html")
}

/// The page's `<header>`.
fn header(html: &str) -> &str {
    let start = html.find("<header>").expect("a header");
    let end = html.find("</header>").expect("a header's end");
    &html[start..end]
}

#[tokio::test]
async fn the_report_is_headed_by_the_title_and_start_in_the_event_zone() {
    let app = spawn_app().await;
    seed(&app).await;
    let page = report_file();
    let run = report_on(&app, "Powering <Belt> & Road: باتری", &page, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(&page).unwrap();
    let header = header(&html);
    assert!(
        header.contains(r#"<h1 dir="auto">Powering &#60;Belt&#62; &#38; Road: باتری</h1>"#),
        "{header}"
    );
    assert!(
        header.contains(
            r#"<time datetime="2022-09-28T05:00:00Z">Wednesday, 28 September 2022, 10:00 PKT (UTC+05:00)</time>"#
        ),
        "{header}"
    );
    assert!(
        html.contains("<title>Powering &#60;Belt&#62; &#38; Road: باتری: registrations</title>")
    );
}

#[tokio::test]
async fn with_a_stack_the_report_is_headed_by_its_title_and_start() {
    let app = spawn_app().await;
    seed(&app).await;
    let endpoint = fake_cloudformation(app.table.clone(), app.event_id.clone());
    let page = report_file();
    let run = organizer(
        &[("AWS_ENDPOINT_URL_CLOUDFORMATION", &endpoint)],
        &[
            "--stack",
            "deployed",
            "report",
            "--output",
            page.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(&page).unwrap();
    let header = header(&html);
    assert!(
        header.contains(&format!("<h1 dir=\"auto\">{STACK_EVENT_TITLE}</h1>")),
        "{header}"
    );
    // The stack's zone is UTC.
    assert!(
        header.contains("Wednesday, 28 September 2022, 05:00 UTC (UTC+00:00)"),
        "{header}"
    );
}

#[tokio::test]
async fn without_the_title_the_report_fails_naming_what_to_set_and_writes_nothing() {
    let app = spawn_app().await;
    let page = report_file();
    let run = organizer(
        &[
            ("TABLE_NAME", &app.table),
            ("EVENT_ID", &app.event_id),
            ("EVENT_STARTS_AT", "2022-09-28T10:00:00+05:00"),
        ],
        &["report", "--output", page.to_str().unwrap()],
    );
    run.assert_failed_with(
        "the report is headed by the event's title and start: EVENT_TITLE is not set",
    );
    let run = organizer(
        &[
            ("TABLE_NAME", &app.table),
            ("EVENT_ID", &app.event_id),
            ("EVENT_TITLE", SEED_TITLE),
            ("EVENT_STARTS_AT", "28 September"),
        ],
        &["report", "--output", page.to_str().unwrap()],
    );
    run.assert_failed_with("EVENT_STARTS_AT is not an RFC 3339 instant with offset: 28 September");
    assert!(!page.exists());
}

#[tokio::test]
async fn the_report_opens_offline_in_chromium_with_its_three_charts() {
    let app = spawn_app().await;
    seed(&app).await;
    let page = report_file();
    let dir = page.parent().unwrap().to_path_buf();
    let run = report_on(&app, SEED_TITLE, &page, &["--capacity", "2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(&page).unwrap();
    for external in [
        "http:", "https:", "<script", "<link", "src=", "url(", "@import",
    ] {
        assert!(!html.contains(external), "{external} in the report");
    }
    assert_eq!(html.matches("<svg").count(), 3, "three charts");
    assert!(html.contains("★ Pakistan"), "ECO members marked");
    assert!(html.contains("China") && !html.contains("★ China"));

    // What Chromium requested while it rendered the page, from its network log.
    let net_log = dir.join("net-log.json");
    let screenshot = screenshots().join("organizer-report.png");
    let _ = std::fs::remove_file(&screenshot);
    let output = headless(&dir.join("profile"))
        .arg(format!("--log-net-log={}", net_log.display()))
        .arg(format!("--screenshot={}", screenshot.display()))
        .arg("--window-size=1280,1800")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let png = std::fs::read(&screenshot).expect("a screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "{} bytes",
        png.len()
    );
    let log = std::fs::read_to_string(&net_log).expect("a network log");
    let requested: Vec<&str> = log
        .match_indices("\"url\":\"")
        .map(|(i, m)| {
            let rest = &log[i + m.len()..];
            &rest[..rest.find('"').unwrap_or(rest.len())]
        })
        .filter(|url| !url.starts_with("file:") && !url.starts_with("data:"))
        .filter(|url| !is_browser_service(url))
        .collect();
    assert!(requested.is_empty(), "network requests: {requested:?}");

    // The DOM as rendered holds the three charts with their bars.
    let dom = headless(&dir.join("profile-dom"))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&dom.stdout);
    for chart in ["id=\"per-day\"", "id=\"countries\"", "id=\"funnel\""] {
        let figure = dom.split(chart).nth(1).expect(chart);
        let figure = figure.split("</figure>").next().unwrap();
        assert!(figure.matches("<rect").count() >= 3, "{chart} has bars");
    }
}
