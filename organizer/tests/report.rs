//! `report`: the page the command writes opens in headless Chromium without any
//! network request and shows its three charts; a screenshot at desktop width
//! goes to target/screenshots/organizer-report.png.

mod common;

use common::{on, seed};
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

#[tokio::test]
async fn the_report_opens_offline_in_chromium_with_its_three_charts() {
    let app = spawn_app().await;
    seed(&app).await;
    let dir = std::env::temp_dir().join(system_tests::unique("report"));
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join("report.html");
    let run = on(
        &app,
        &[
            "--capacity",
            "2",
            "report",
            "--output",
            page.to_str().unwrap(),
        ],
    );
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
