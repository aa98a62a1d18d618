//! Every registration of the event, a page at a time from the event index: a
//! page is handed on and dropped before the next is read, so memory does not
//! grow with the event. Progress shows on stderr when it is a terminal.

use crate::failure::Failure;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use jiff::Timestamp;
use registration::store::{EventRegistrations, Registration};
use std::io::IsTerminal;

/// Hand each registration of `event_id` to `each`, oldest first. A
/// registration whose personal data has expired (DynamoDB's TTL sweep has not
/// removed it yet) counts as absent.
pub async fn each_registration<S: EventRegistrations>(
    store: &S,
    event_id: &str,
    mut each: impl FnMut(&Registration) -> Result<(), Failure>,
) -> Result<u64, Failure> {
    let progress = progress();
    let now = Timestamp::now();
    let mut cursor = None;
    let mut seen = 0u64;
    loop {
        let page = store.event_page(event_id, cursor, None).await?;
        for registration in page.registrations.iter().filter(|r| r.expires_at > now) {
            each(registration)?;
            seen += 1;
        }
        progress.set_position(seen);
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    progress.finish_and_clear();
    Ok(seen)
}

fn progress() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} registrations read ({per_sec})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}
