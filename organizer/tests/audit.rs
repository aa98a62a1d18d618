//! `organizer audit`: the deployment's audit log, newest first, whatever
//! program is selected, as lines or one JSON array.

mod common;

use common::on;
use registration::store::AuditEntry;
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
