//! `organizer program publish | list | show | close` as a user runs them,
//! against DynamoDB Local: every broken rule refused with nothing written,
//! settings replaced by a new publish, a capacity below the seats taken
//! refused, and the Zoom link stored but never printed. Run with
//! `bash infra/local/emulators.sh run -- cargo test -p organizer --test programs`.

mod common;

use common::{Run, at, confirm, person, register, scan_all};
use registration::program::ProgramId;
use registration::store::SeatOutcome;
use std::io::Write;
use std::process::{Command, Stdio};
use system_tests::{TestApp, spawn_app, unique};

const ZOOM: &str = "https://zoom.us/j/5550001111?pwd=secret";

/// A valid program file, open now and for years.
fn file(id: &str, title: &str, capacity: u32) -> String {
    format!(
        r#"id = "{id}"
title = "{title}"
host = "BTBU-ECOSF Joint Training Center"
starts_at = "2031-09-28T10:00:00+05:00"
timezone = "Asia/Karachi"
registration_opens_at = "2026-01-01T00:00:00+05:00"
registration_closes_at = "2031-09-27T00:00:00+05:00"
capacity = {capacity}
languages = ["en", "ru"]
zoom_join_url = "{ZOOM}"

[text.en]
summary = """What the program is about."""
[text.ru]
title = "Литий-ионные батареи"
summary = """О программе."""
"#
    )
}

/// The organizer on the app's table, with `stdin` piped in when given.
fn run(app: &TestApp, envs: &[(&str, &str)], args: &[&str], stdin: Option<&str>) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_organizer"));
    command.env_clear().envs(system_tests::aws_env());
    command.env("PATH", std::env::var("PATH").unwrap_or_default());
    command
        .env("TABLE_NAME", &app.table)
        .envs(envs.iter().copied());
    command.args(args).stdin(Stdio::piped());
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().expect("the organizer runs");
    let mut input = child.stdin.take().expect("stdin");
    input
        .write_all(stdin.unwrap_or("").as_bytes())
        .expect("written");
    drop(input);
    let output = child.wait_with_output().expect("the organizer ends");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        bytes: output.stdout,
    }
}

fn write_file(text: &str) -> String {
    let path = std::env::temp_dir().join(format!("{}.toml", unique("program")));
    std::fs::write(&path, text).expect("written");
    path.to_string_lossy().into_owned()
}

fn publish(app: &TestApp, text: &str) -> Run {
    run(app, &[], &["program", "publish", &write_file(text)], None)
}

/// The program items in the table (by a test's scan).
async fn program_items(app: &TestApp) -> usize {
    scan_all(app)
        .await
        .iter()
        .filter(|item| item["pk"].as_s().is_ok_and(|pk| pk.starts_with("PROGRAM#")))
        .count()
}

fn json(run: &Run) -> serde_json::Value {
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("JSON")
}

#[tokio::test]
async fn publish_refuses_each_broken_rule_with_one_line_and_nothing_written() {
    let app = spawn_app().await;
    let good = file("li-ion-2031", "Batteries", 50);
    let cases: Vec<(String, &str)> = vec![
        (
            good.replace("title = \"Batteries\"\n", ""),
            "title: is missing",
        ),
        (
            good.replace("li-ion-2031", "Li_Ion"),
            "id: must be 3–40 of a–z",
        ),
        (
            good.replace("2031-09-27T00:00:00+05:00", "2031-09-29T00:00:00+05:00"),
            "registration_closes_at: must not be after starts_at",
        ),
        (
            good.replace("2026-01-01T00:00:00+05:00", "2031-09-27T00:00:00+05:00"),
            "registration_opens_at: must be before registration_closes_at",
        ),
        (
            good.replace(
                "capacity = 50",
                "links_send_at = \"2031-09-28T10:00:00+05:00\"",
            ),
            "links_send_at: must be before starts_at",
        ),
        (
            good.replace("[\"en\", \"ru\"]", "[\"en\", \"ru\", \"de\"]"),
            "languages: \"de\" is not one of the system's languages",
        ),
        (
            good.replace("[\"en\", \"ru\"]", "[\"en\", \"ru\", \"tr\"]"),
            "text.tr.summary: is missing",
        ),
        (
            good.replace("capacity = 50", "capacity = 0"),
            "capacity: must be at least 1",
        ),
        (
            good.replace("https://zoom.us", "http://zoom.us"),
            "zoom_join_url: must be an absolute https URL",
        ),
        (
            good.replace("capacity = 50", "capacty = 50"),
            "capacty: is not a key of a program file",
        ),
        (
            good.replace(
                "starts_at = \"2031-09-28T10:00:00+05:00\"",
                "starts_at = \"2031-09-28 10:00\"",
            ),
            "starts_at: must be an RFC 3339 instant",
        ),
        (
            good.replace("timezone = \"Asia/Karachi\"", "timezone = \"Karachi\""),
            "timezone: must be an IANA time zone",
        ),
        ("id = \n".to_owned(), "file: is not TOML at line 1"),
    ];
    for (text, cause) in cases {
        let run = publish(&app, &text);
        run.assert_failed_with(cause);
        assert!(!run.stderr.contains("5550001111"), "{}", run.stderr);
    }
    assert_eq!(program_items(&app).await, 0, "nothing written");
    let run = publish(&app, &good);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(program_items(&app).await, 1);
}

#[tokio::test]
async fn publish_refuses_the_deployments_own_program_id() {
    let app = spawn_app().await;
    let path = write_file(&file("li-ion-2031", "Batteries", 50));
    let envs = [("EVENT_ID", "li-ion-2031")];
    let run = run(&app, &envs, &["program", "publish", &path], None);
    run.assert_failed_with("id: li-ion-2031 is the deployment's own program");
    assert_eq!(program_items(&app).await, 0);
}

#[tokio::test]
async fn published_programs_are_listed_shown_without_the_zoom_link_and_closed() {
    let app = spawn_app().await;
    for (id, title) in [("zinc-2031", "Zinc"), ("li-ion-2031", "Batteries")] {
        let run = publish(&app, &file(id, title, 50));
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(run.stdout, format!("published {id}: {title}\n"));
    }
    let list = json(&run(&app, &[], &["program", "list", "--json"], None));
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["li-ion-2031", "zinc-2031"]);
    let text = run(&app, &[], &["program", "list"], None);
    assert!(
        text.stdout
            .contains("li-ion-2031  Batteries  starts 2031-09-28 10:00 PKT"),
        "{}",
        text.stdout
    );
    let shown = json(&run(
        &app,
        &[],
        &["program", "show", "li-ion-2031", "--json"],
        None,
    ));
    assert_eq!(shown["title"], "Batteries");
    assert_eq!(shown["starts_at"], "2031-09-28T05:00:00Z");
    assert_eq!(shown["duration"], "PT2H");
    assert_eq!(shown["capacity"], 50);
    assert_eq!(shown["languages"], serde_json::json!(["en", "ru"]));
    assert_eq!(shown["text"]["ru"]["title"], "Литий-ионные батареи");
    assert_eq!(shown["status"], "open");
    assert!(shown.get("zoom_join_url").is_none());
    for args in [
        &["program", "show", "li-ion-2031", "--json"][..],
        &["program", "show", "li-ion-2031"],
        &["program", "list", "--json"],
        &["program", "list"],
    ] {
        let out = run(&app, &[], args, None);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            !out.stdout.contains("5550001111") && !out.stderr.contains("5550001111"),
            "{args:?}"
        );
    }
    let before = jiff::Timestamp::now();
    let closed = run(&app, &[], &["program", "close", "li-ion-2031"], None);
    assert_eq!(closed.code, 0, "{}", closed.stderr);
    let shown = json(&run(
        &app,
        &[],
        &["program", "show", "li-ion-2031", "--json"],
        None,
    ));
    assert_eq!(shown["status"], "closed");
    let closes: jiff::Timestamp = shown["registration_closes_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        closes >= before && closes <= jiff::Timestamp::now(),
        "{closes}"
    );
    let other = json(&run(
        &app,
        &[],
        &["program", "show", "zinc-2031", "--json"],
        None,
    ));
    assert_eq!(other["status"], "open", "the other program stays open");
}

#[tokio::test]
async fn an_unknown_program_is_a_failure_and_a_missing_command_a_usage_error() {
    let app = spawn_app().await;
    run(&app, &[], &["program", "show", "nope-2031"], None)
        .assert_failed_with("no such program: nope-2031");
    run(&app, &[], &["program", "close", "nope-2031"], None)
        .assert_failed_with("no such program: nope-2031");
    assert_eq!(run(&app, &[], &["program"], None).code, 2);
    assert_eq!(run(&app, &[], &["program", "publish"], None).code, 2);
    assert_eq!(program_items(&app).await, 0);
}

#[tokio::test]
async fn republishing_replaces_the_settings_and_keeps_one_program() {
    let app = spawn_app().await;
    assert_eq!(
        publish(&app, &file("li-ion-2031", "First title", 5)).code,
        0
    );
    let again = file("li-ion-2031", "Second title", 8).replace("[\"en\", \"ru\"]", "[\"ru\"]");
    let again = again.replace(
        "[text.en]\nsummary = \"\"\"What the program is about.\"\"\"\n",
        "",
    );
    let run_again = publish(&app, &again);
    assert_eq!(run_again.code, 0, "{}", run_again.stderr);
    let list = json(&run(&app, &[], &["program", "list", "--json"], None));
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["title"], "Second title");
    assert_eq!(list[0]["capacity"], 8);
    assert_eq!(list[0]["languages"], serde_json::json!(["ru"]));
    assert!(list[0]["text"].get("en").is_none());
    assert_eq!(program_items(&app).await, 1);
}

#[tokio::test]
async fn a_capacity_below_the_seats_taken_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let id = "li-ion-2031";
    assert_eq!(publish(&app, &file(id, "Batteries", 10)).code, 0);
    let now = at("2030-01-01T00:00:00Z");
    for n in 0..3 {
        let email = format!("seat{n}@example.org");
        let key = register(&app.store, id, &person("Seated", &email, "PK"), now, false).await;
        assert!(matches!(
            confirm(&app.store, &key, 10, now).await,
            SeatOutcome::Confirmed(_)
        ));
    }
    let run_below = publish(&app, &file(id, "Renamed", 2));
    run_below.assert_failed_with("capacity: 2 is below the 3 seats already taken");
    let shown = json(&run(&app, &[], &["program", "show", id, "--json"], None));
    assert_eq!(
        (shown["title"].as_str(), shown["capacity"].as_u64()),
        (Some("Batteries"), Some(10))
    );
    let run_at = publish(&app, &file(id, "Renamed", 3));
    assert_eq!(run_at.code, 0, "{}", run_at.stderr);
    let stored = app
        .store
        .published_program(&ProgramId::parse(id).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.settings.title.as_str(), stored.settings.capacity),
        ("Renamed", Some(3))
    );
}

#[tokio::test]
async fn the_zoom_link_is_read_from_standard_input_stored_and_never_printed() {
    let app = spawn_app().await;
    let text =
        file("li-ion-2031", "Batteries", 50).replace(&format!("zoom_join_url = \"{ZOOM}\"\n"), "");
    let path = write_file(&text);
    let args = ["program", "publish", &path, "--zoom-join-url-stdin"];
    let published = run(&app, &[], &args, Some(&format!("{ZOOM}\n")));
    assert_eq!(published.code, 0, "{}", published.stderr);
    assert!(!published.stdout.contains("5550001111"));
    let id = ProgramId::parse("li-ion-2031").unwrap();
    let stored = app.store.published_program(&id).await.unwrap().unwrap();
    assert_eq!(
        stored.settings.zoom_join_url.as_ref().unwrap().expose(),
        ZOOM
    );
    // Without the flag the file lacks it; with it, the file may not hold one too.
    run(&app, &[], &["program", "publish", &path], None)
        .assert_failed_with("zoom_join_url: is missing");
    let both = write_file(&file("li-ion-2031", "Batteries", 50));
    run(
        &app,
        &[],
        &["program", "publish", &both, "--zoom-join-url-stdin"],
        Some(ZOOM),
    )
    .assert_failed_with("zoom_join_url: is in the file and was given on standard input");
    run(&app, &[], &args, Some("http://zoom.us/j/5550001111"))
        .assert_failed_with("zoom_join_url: must be an absolute https URL");
}

#[tokio::test]
async fn the_program_is_named_or_the_only_one_and_several_unnamed_are_a_usage_error() {
    let app = spawn_app().await;
    let (a, b) = ("prog-a".to_owned(), "prog-b".to_owned());
    let published = publish(&app, &file(&a, "Program A", 5));
    assert_eq!(published.code, 0, "{}", published.stderr);

    // One program in the table, none named: that one, with its seats.
    let stats = run(&app, &[], &["stats", "--json"], None);
    assert_eq!(stats.code, 0, "{}", stats.stderr);
    let json: serde_json::Value = serde_json::from_str(&stats.stdout).expect("JSON");
    assert_eq!(json["event_id"], a.as_str());
    assert_eq!(json["capacity"], 5);

    let published = publish(&app, &file(&b, "Program B", 12));
    assert_eq!(published.code, 0, "{}", published.stderr);
    // Several and none named: exit 2, naming them.
    let unnamed = run(&app, &[], &["stats"], None);
    assert_eq!(unnamed.code, 2, "{}", unnamed.stderr);
    assert!(
        unnamed.stderr.contains(&a) && unnamed.stderr.contains(&b),
        "{}",
        unnamed.stderr
    );
    assert_eq!(unnamed.stderr.lines().count(), 1, "{}", unnamed.stderr);
    // --program (or its other name --event) picks one, with its own settings.
    for flag in ["--program", "--event"] {
        let stats = run(&app, &[], &[flag, &b, "stats", "--json"], None);
        assert_eq!(stats.code, 0, "{}", stats.stderr);
        let json: serde_json::Value = serde_json::from_str(&stats.stdout).expect("JSON");
        assert_eq!(json["event_id"], b.as_str());
        assert_eq!(json["capacity"], 12);
    }
    // EVENT_ID names the deployment's own program, which comes first.
    let own = run(&app, &[("EVENT_ID", &a)], &["stats", "--json"], None);
    assert_eq!(own.code, 0, "{}", own.stderr);
    let json: serde_json::Value = serde_json::from_str(&own.stdout).expect("JSON");
    assert_eq!(json["event_id"], a.as_str());
}

#[tokio::test]
async fn the_documented_program_file_publishes_with_its_zoom_link_on_stdin() {
    let app = spawn_app().await;
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/programs/li-ion-2022.toml"
    );
    let published = run(
        &app,
        &[],
        &["program", "publish", path, "--zoom-join-url-stdin"],
        Some(ZOOM),
    );
    assert_eq!(published.code, 0, "{}", published.stderr);
    let show = run(
        &app,
        &[],
        &["program", "show", "li-ion-2022", "--json"],
        None,
    );
    assert_eq!(show.code, 0, "{}", show.stderr);
    let json: serde_json::Value = serde_json::from_str(&show.stdout).expect("JSON");
    assert_eq!(
        json["title"],
        "Powering Belt and Road Lithium-ion batteries"
    );
    assert_eq!(json["languages"].as_array().map(Vec::len), Some(6));
    assert!(!show.stdout.contains("zoom.us"), "{}", show.stdout);
}

#[tokio::test]
async fn publish_and_close_each_leave_one_audit_entry_naming_the_organizer() {
    let app = spawn_app().await;
    let who = [("ORGANIZER_ADDRESS", "lead@example.org")];
    let path = write_file(&file("cobalt-2031", "Cobalt", 20));
    let published = run(&app, &who, &["program", "publish", &path], None);
    assert_eq!(published.code, 0, "{}", published.stderr);
    // Reading changes nothing and writes no entry.
    assert_eq!(run(&app, &who, &["program", "list"], None).code, 0);
    let closed = run(
        &app,
        &[("USER", "dana")],
        &["program", "close", "cobalt-2031"],
        None,
    );
    assert_eq!(closed.code, 0, "{}", closed.stderr);
    // A refused publish did nothing and writes no entry.
    let broken = file("cobalt-2031", "Cobalt", 20).replace("timezone = \"Asia/Karachi\"", "");
    assert_eq!(publish(&app, &broken).code, 1);
    let entries = json(&run(&app, &[], &["audit", "--json"], None));
    let entries: Vec<(&str, &str, &str)> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert!(e["registration_id"].is_null(), "{e}");
            (
                e["action"].as_str().unwrap(),
                e["organizer"].as_str().unwrap(),
                e["program"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            ("program-close", "command:dana", "cobalt-2031"),
            ("program-publish", "lead@example.org", "cobalt-2031"),
        ]
    );
}
