//! `organizer audit`: the deployment's audit log, newest first, whatever
//! program is selected, as lines or one JSON array.

mod common;

use common::{confirm, link_sent, on, organizer, person, register};
use registration::store::AuditEntry;
use registration::store::Registrations;
use system_tests::spawn_app;

fn entry(at: &str, action: &str, program: Option<&str>, id: Option<&str>) -> AuditEntry {
    AuditEntry {
        at: at.parse().unwrap(),
        organizer: "ana@example.org".into(),
        action: action.into(),
        program: program.map(str::to_owned),
        registration_id: id.map(str::to_owned),
    }
}

#[tokio::test]
async fn audit_prints_every_entry_newest_first_as_lines_or_json() {
    let app = spawn_app().await;
    let empty = on(&app, &["audit", "--json"]);
    assert_eq!(
        (empty.code, empty.stdout.as_str()),
        (0, "[]\n"),
        "{}",
        empty.stderr
    );
    for e in [
        entry("2022-09-20T04:00:00Z", "sign-in", None, None),
        entry(
            "2022-09-20T04:05:00Z",
            "cancel",
            Some("other-program"),
            Some("r-1"),
        ),
        entry("2022-09-20T04:10:00Z", "sign-out", None, None),
    ] {
        app.store.append_audit(&e).await.unwrap();
    }
    let json = on(&app, &["audit", "--json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let entries: Vec<serde_json::Value> = serde_json::from_str(&json.stdout).unwrap();
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["sign-out", "cancel", "sign-in"]);
    assert_eq!(entries[1]["program"], "other-program");
    assert_eq!(entries[1]["registration_id"], "r-1");
    assert_eq!(entries[1]["at"], "2022-09-20T04:05:00Z");
    let text = on(&app, &["audit"]);
    assert_eq!(
        text.stdout.lines().nth(1),
        Some("2022-09-20T04:05:00Z  ana@example.org  cancel  other-program  r-1")
    );
}

#[tokio::test]
async fn each_action_of_the_command_leaves_one_entry_with_the_organizer_and_never_the_address() {
    let app = spawn_app().await;
    let (s, e) = (&app.store, app.event_id.as_str());
    let now = jiff::Timestamp::now();
    let emails: Vec<String> = (0..3).map(|_| system_tests::unique_email()).collect();
    let mut ids = Vec::new();
    for email in &emails {
        let key = register(s, e, &person("Somebody", email, "PK"), now, false).await;
        confirm(s, &key, 10, now).await;
        // Its link sent, so that a resend has something to queue again.
        link_sent(s, &key, now).await;
        ids.push(s.get(&key).await.unwrap().unwrap().registration_id);
    }
    let as_lead = |args: &[&str]| {
        organizer(
            &[
                ("TABLE_NAME", &app.table),
                ("EVENT_ID", e),
                ("ORGANIZER_ADDRESS", "lead@example.org"),
            ],
            args,
        )
    };
    let export = std::env::temp_dir().join(format!("{}.csv", system_tests::unique("export")));
    let export = export.to_string_lossy().into_owned();
    for args in [
        vec!["resend", emails[0].as_str()],
        vec!["cancel", emails[1].as_str()],
        vec!["erase", emails[2].as_str(), "--yes"],
        vec!["export", "--output", export.as_str()],
        // Reads, and an action that finds nothing to do, write no entry.
        vec!["stats"],
        vec!["show", emails[0].as_str()],
        vec!["cancel", emails[1].as_str()],
    ] {
        let run = as_lead(&args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    }
    // The flag names the organizer too, before the variable.
    let flagged = on(
        &app,
        &["--organizer", "Ana@Example.org", "cancel", &emails[0]],
    );
    assert_eq!(flagged.code, 0, "{}", flagged.stderr);
    let json = on(&app, &["audit", "--json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    for email in &emails {
        assert!(!json.stdout.contains(email.as_str()), "{}", json.stdout);
    }
    let entries: Vec<serde_json::Value> = serde_json::from_str(&json.stdout).unwrap();
    let got: Vec<(&str, &str, Option<&str>)> = entries
        .iter()
        .map(|x| {
            assert_eq!(x["program"], e, "{x}");
            (
                x["action"].as_str().unwrap(),
                x["organizer"].as_str().unwrap(),
                x["registration_id"].as_str(),
            )
        })
        .collect();
    let lead = "lead@example.org";
    assert_eq!(
        got,
        [
            ("cancel", "ana@example.org", Some(ids[0].as_str())),
            ("export", lead, None),
            ("erase", lead, Some(ids[2].as_str())),
            ("cancel", lead, Some(ids[1].as_str())),
            ("resend", lead, Some(ids[0].as_str())),
        ]
    );
}
