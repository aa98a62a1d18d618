//! The outboxes share a send-links run: links go out whatever else is queued.
//! Against DynamoDB Local and the SES emulator, in a file of its own: its 5,000
//! registrations load the emulators, which the other suites' timings feel.

use registration::domain::RegistrationStatus;
use registration::store::{Outbox, Outboxes};
use std::time::Duration;
use system_tests::send_links::{
    KindsMailer, counts, seed, seed_owed_confirmations, sender_over, ses_mailer,
    spawn_send_links_app,
};

/// Confirmation emails queued ahead of the links must not use up the run: the
/// outboxes share it, links first in each round. At 200 sends a second the
/// run's first 3 s hold the 600 sends its first minute holds at the default
/// 10 a second.
#[tokio::test]
async fn links_go_out_in_a_run_s_first_minute_whatever_confirmations_are_queued() {
    let app = spawn_send_links_app(|env| {
        env.insert("MAX_CONFIRMATION_EMAILS_PER_HOUR".into(), "100000".into());
    })
    .await;
    const QUEUED: usize = 5_000;
    const LINKS: usize = 50;
    seed_owed_confirmations(&app, QUEUED).await;
    let confirmed = seed(&app, RegistrationStatus::Confirmed, LINKS).await;
    // The run lists each outbox once it reaches it; the links must be listed as
    // owed (the outbox index) before it starts, as they are long before a real run.
    let listed = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let page = app
            .store
            .due(&app.event_id, Outbox::Link, None, 100)
            .await
            .expect("the link outbox");
        if page.keys.len() == LINKS {
            break;
        }
        assert!(
            tokio::time::Instant::now() < listed,
            "{} links listed",
            page.keys.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mailer = KindsMailer {
        mailer: ses_mailer(&app, app.ses_paced.clone()),
        kinds: std::sync::Mutex::default(),
    };
    let sender = sender_over(&app, app.store.clone(), mailer);
    // Less the 2 s safety margin, 18 s of sending: at 200 a second the pacer
    // holds it to 3,600 sends, short of the 5,050 owed, so the confirmations are
    // still queued at its end, however fast the machine. The links' 50 need a
    // fraction of it on an idle machine; the rest is for a loaded one.
    let report = sender
        .run(tokio::time::Instant::now() + Duration::from_secs(20))
        .await;
    assert_eq!(
        (report.sent, report.remaining),
        (LINKS as u64, 0),
        "{report:?}"
    );
    assert_eq!(report.stopped, Some("deadline"), "{report:?}");
    assert!(
        report.confirmations_sent > 0 && report.confirmations_remaining > 0,
        "the confirmations had their share: {report:?}"
    );
    let kinds = sender.mailer.kinds.lock().unwrap().clone();
    let first_minute = &kinds[..kinds.len().min(600)];
    assert_eq!(
        first_minute.iter().filter(|k| **k == Outbox::Link).count(),
        LINKS,
        "every link among the first 600 sends of {}",
        kinds.len()
    );
    assert!(counts(&app, &confirmed).await.values().all(|n| *n == 1));
}
