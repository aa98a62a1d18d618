//! The organizer's command as a user runs it: the built binary against
//! DynamoDB Local, on an event seeded in every status beside a second event in
//! the same table. Run with `bash infra/local/emulators.sh run -- cargo test -p organizer`.

mod common;

use aws_sdk_dynamodb::types::AttributeValue;
use common::{CHINESE_ORG, on, organizer, scan_all, seed};
use registration::store::{Registrations, Requeued};
use serde_json::json;
use system_tests::spawn_app;

#[tokio::test]
async fn stats_json_gives_the_exact_counts_of_this_event_and_never_the_others() {
    let app = spawn_app().await;
    seed(&app).await;
    let run = on(&app, &["--capacity", "2", "stats", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let stats: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(
        stats,
        json!({
            "event_id": app.event_id,
            "capacity": 2,
            "total": 8,
            "by_status": {"pending": 3, "confirmed": 2, "waitlisted": 2, "cancelled": 1},
            "unreachable": 1,
            "links": {"sent": 1, "delivered": 0, "bounced": 0, "complained": 0, "owed": 1},
            "confirmations": {"sent": 7, "delivered": 0, "bounced": 0, "complained": 0, "owed": 1},
            "by_country": {"AF": 1, "CN": 1, "KZ": 1, "PK": 3, "TR": 1, "US": 1},
            "by_day": {"2022-09-18": 2, "2022-09-19": 3, "2022-09-20": 3}
        })
    );
}

#[tokio::test]
async fn stats_for_people_mark_eco_members_and_name_countries() {
    let app = spawn_app().await;
    seed(&app).await;
    let run = on(&app, &["stats"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("* PK  Pakistan"), "{}", run.stdout);
    assert!(run.stdout.contains("  CN  China"), "{}", run.stdout);
    assert!(run.stdout.contains("capacity no limit"), "{}", run.stdout);
}

const HEADER: &str = "registration_id,full_name,email,country,organization,designation,phone,status,waitlist_position,unreachable,registered_at,confirmed_at,cancelled_at,confirmation_delivery,link_sent_at,link_delivery,reminder_sent_at,language";

#[tokio::test]
async fn csv_export_has_a_bom_a_header_and_exactly_this_events_rows_that_round_trip() {
    let app = spawn_app().await;
    let seeded = seed(&app).await;
    let run = on(&app, &["export"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.bytes.starts_with("\u{feff}".as_bytes()),
        "a byte-order mark"
    );
    let text = &run.stdout["\u{feff}".len()..];
    assert_eq!(text.lines().next(), Some(HEADER));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut emails: Vec<&str> = rows.iter().map(|r| &r[col("email")]).collect();
    emails.sort_unstable();
    let mut expected = seeded.emails.clone();
    expected.sort_unstable();
    assert_eq!(emails, expected, "exactly this event's registrations");
    let by_email = |email: &str| rows.iter().find(|r| &r[col("email")] == email).unwrap();
    let c2 = by_email("c2@example.org");
    assert_eq!(&c2[col("organization")], CHINESE_ORG);
    assert_eq!(&c2[col("full_name")], "李小龙");
    assert_eq!(&c2[col("designation")], "'=HYPERLINK(\"http://x\")");
    assert_eq!(&c2[col("phone")], "'+86 27 1234");
    assert_eq!(&c2[col("country")], "CN");
    assert_eq!(&c2[col("link_delivery")], "owed");
    let w2 = by_email("w2@example.org");
    assert_eq!(&w2[col("organization")], "'@evil -1");
    assert_eq!(&w2[col("waitlist_position")], "2");
    assert_eq!(&w2[col("status")], "waitlisted");
    let c1 = by_email("c1@example.org");
    assert_eq!(&c1[col("link_delivery")], "sent");
    assert_eq!(&c1[col("registered_at")], "2022-09-19T04:00:00Z");
    assert_eq!(&c1[col("confirmation_delivery")], "sent");
    assert_eq!(&c1[col("language")], "en");
    assert_eq!(
        &by_email("p2@example.org")[col("confirmation_delivery")],
        "owed"
    );
    assert_eq!(&by_email("u1@example.org")[col("unreachable")], "true");
    assert_eq!(&by_email("x1@example.org")[col("link_delivery")], "");
    // A minus sign that starts a cell is defused too.
    let defused = ["=", "+", "-", "@"];
    for row in &rows {
        for cell in row.iter() {
            assert!(!defused.iter().any(|c| cell.starts_with(c)), "{cell}");
        }
    }
}

#[tokio::test]
async fn json_export_to_a_file_has_the_columns_in_order_with_typed_values() {
    let app = spawn_app().await;
    seed(&app).await;
    let dir = std::env::temp_dir().join(system_tests::unique("export"));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("export.json");
    let run = on(
        &app,
        &[
            "export",
            "--format",
            "json",
            "--output",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(&file).unwrap();
    let records: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_str(&text).expect("one JSON array");
    assert_eq!(records.len(), 8);
    let first_record = text.split("},").next().unwrap();
    let mut at = 0;
    for column in HEADER.split(',') {
        at += first_record[at..]
            .find(&format!("\"{column}\":"))
            .expect(column);
    }
    let w1 = records
        .iter()
        .find(|r| r["email"] == "w1@example.org")
        .unwrap();
    assert_eq!(w1["waitlist_position"], 1);
    assert_eq!(w1["unreachable"], false);
    assert_eq!(w1["designation"], serde_json::Value::Null);
    let c2 = records
        .iter()
        .find(|r| r["email"] == "c2@example.org")
        .unwrap();
    // JSON carries values as typed: no spreadsheet prefix.
    assert_eq!(c2["phone"], "+86 27 1234");
    assert_eq!(c2["waitlist_position"], serde_json::Value::Null);
    let u1 = records
        .iter()
        .find(|r| r["email"] == "u1@example.org")
        .unwrap();
    assert_eq!(u1["unreachable"], true);
}

#[tokio::test]
async fn show_prints_the_history_and_never_a_token() {
    let app = spawn_app().await;
    seed(&app).await;
    // Registered from the Turkish form.
    let key = system_tests::key_for(&app.event_id, "c1@example.org");
    app.dynamodb
        .update_item()
        .table_name(&app.table)
        .key("pk", AttributeValue::S(system_tests::pk_of(&key)))
        .update_expression("SET #language = :tr")
        .expression_attribute_names("#language", "language")
        .expression_attribute_values(":tr", AttributeValue::S("tr".into()))
        .send()
        .await
        .expect("the language set");
    let run = on(&app, &["show", "C1@Example.org"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Confirmed Sent"), "{}", run.stdout);
    assert!(run.stdout.contains("status         confirmed"));
    assert!(run.stdout.contains("language       tr"), "{}", run.stdout);
    assert!(run.stdout.contains("link-msg"), "the link's message id");
    assert!(run.stdout.contains("Pakistan (PK, ECO member)"));
    let item = scan_all(&app)
        .await
        .into_iter()
        .find(|i| {
            i.get("email")
                .and_then(|v| v.as_s().ok())
                .map(String::as_str)
                == Some("c1@example.org")
                && i["event_id"].as_s().unwrap() == &app.event_id
        })
        .unwrap();
    let mut secrets: Vec<String> = item["token_hashes"]
        .as_l()
        .unwrap()
        .iter()
        .map(|h| h.as_s().unwrap().clone())
        .collect();
    secrets.extend(item["cancel_token_hashes"].as_ss().unwrap().iter().cloned());
    for secret in secrets {
        assert!(!run.stdout.contains(&secret), "a token hash printed");
    }
    assert!(!run.stdout.to_lowercase().contains("token"));
}

#[tokio::test]
async fn an_unknown_address_fails_with_one_line() {
    let app = spawn_app().await;
    seed(&app).await;
    for command in [&["show"][..], &["resend"], &["cancel"], &["erase", "--yes"]] {
        let mut args = command.to_vec();
        args.insert(1, "nobody@example.org");
        on(&app, &args).assert_failed_with("no such registration: nobody@example.org");
    }
}

#[tokio::test]
async fn a_missing_table_fails_with_one_line() {
    let _app = spawn_app().await;
    organizer(&[], &["--table", "no-such-table", "--event", "e", "stats"])
        .assert_failed_with("no such table: no-such-table");
}

#[tokio::test]
async fn a_bad_flag_is_a_usage_error() {
    let run = organizer(&[], &["stats", "--no-such-flag"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = organizer(&[], &["export", "--format", "xml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = organizer(&[], &["--stack", "s", "--table", "t", "stats"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[tokio::test]
async fn without_a_table_the_command_says_what_to_give() {
    organizer(&[], &["stats"]).assert_failed_with("no table given");
}

#[tokio::test]
async fn every_command_has_help() {
    for command in [
        "stats", "export", "show", "resend", "cancel", "erase", "report",
    ] {
        let run = organizer(&[], &[command, "--help"]);
        assert_eq!(run.code, 0, "{command}");
        assert!(run.stdout.contains("Usage: organizer"), "{}", run.stdout);
    }
}

#[tokio::test]
async fn resend_puts_a_pending_registration_back_in_the_confirmation_outbox() {
    let app = spawn_app().await;
    seed(&app).await;
    let run = on(&app, &["resend", "p1@example.org"]);
    run.assert_failed_with("use --confirmation");
    let run = on(&app, &["resend", "p1@example.org", "--confirmation"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let key = system_tests::key_for(&app.event_id, "p1@example.org");
    let stored = app.store.get(&key).await.unwrap().unwrap();
    assert_eq!(
        stored.owes(),
        Some(registration::store::Outbox::Confirmation)
    );
    // Twice: already queued, not twice queued.
    let again = registration::store::EventRegistrations::requeue(
        &app.store,
        &key,
        registration::store::Outbox::Confirmation,
    )
    .await
    .unwrap();
    assert!(matches!(again, Requeued::AlreadyQueued(_)));
    on(&app, &["resend", "u1@example.org", "--confirmation"]).assert_failed_with("unreachable");
    on(&app, &["resend", "w1@example.org"]).assert_failed_with("waitlisted");
}
