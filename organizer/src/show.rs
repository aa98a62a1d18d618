//! `show EMAIL`: one registration for people: who, where it stands, when each
//! thing happened (UTC and the event's zone), and each email's history. The
//! item's tokens and token hashes are never read out.

use crate::tally::{country_name, is_eco_member};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use registration::export::delivery::{self, Delivery};
use registration::i18n::Language;
use registration::store::Registration;

/// `program_language` is the program's first: the language of a registration
/// stored without one.
pub fn render(
    r: &Registration,
    position: Option<u32>,
    timezone: &TimeZone,
    program_language: Language,
) -> String {
    let time = |at: Option<Timestamp>| match at {
        Some(at) => format!(
            "{}  ({})",
            at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            at.to_zoned_datetime(timezone.clone())
                .strftime("%Y-%m-%d %H:%M %Z")
        ),
        None => "-".to_owned(),
    };
    let mut lines = fields(r, position);
    let language = r.language().unwrap_or(program_language);
    lines.push(format!("language       {}", language.code()));
    lines.push(format!("registered     {}", time(Some(r.registered_at))));
    lines.push(format!("confirmed      {}", time(r.confirmed_at)));
    lines.push(format!("promoted       {}", time(r.promoted_at)));
    lines.push(format!("cancelled      {}", time(r.cancelled_at)));
    lines.extend(emails(r, &time));
    lines.push(format!("data expires   {}", time(Some(r.expires_at))));
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// The participant's fields, status, place in line and reachability.
fn fields(r: &Registration, position: Option<u32>) -> Vec<String> {
    let eco = if is_eco_member(&r.country) {
        ", ECO member"
    } else {
        ""
    };
    let mut lines = vec![
        format!("registration   {}", r.registration_id),
        format!("event          {}", r.event_id),
        format!("name           {}", r.full_name),
        format!("email          {}", r.email),
        format!(
            "country        {} ({}{eco})",
            country_name(&r.country),
            r.country
        ),
        format!("organization   {}", r.organization),
        format!("designation    {}", r.designation.as_deref().unwrap_or("-")),
        format!("phone          {}", r.phone.as_deref().unwrap_or("-")),
        format!("status         {}", r.status.as_str()),
    ];
    if let Some(position) = position {
        lines.push(format!("waiting list   place {position}"));
    }
    let unreachable = if r.unreachable {
        "yes (a permanent bounce or a complaint: no email goes to it)"
    } else {
        "no"
    };
    lines.push(format!("unreachable    {unreachable}"));
    lines
}

/// Each email's state, times, message id and failed attempts.
fn emails(r: &Registration, time: &dyn Fn(Option<Timestamp>) -> String) -> Vec<String> {
    let mut lines = vec!["emails".to_owned()];
    let state = |d: Option<Delivery>| d.map_or("not due", Delivery::as_str);
    lines.push(format!(
        "  confirmation {}; last {}; message {}; failed attempts {}",
        state(delivery::confirmation(r)),
        time(r.confirmation_email_at),
        r.confirmation_message_id.as_deref().unwrap_or("-"),
        r.confirmation_attempts
    ));
    lines.push(format!(
        "  link         {}; sent {}; message {}; failed attempts {}",
        state(delivery::link(r)),
        time(r.link_sent_at),
        r.link_message_id.as_deref().unwrap_or("-"),
        r.link_attempts
    ));
    if r.promoted_at.is_some() || r.promotion_attempts > 0 {
        lines.push(format!(
            "  promotion    sent {}; message {}; failed attempts {}",
            time(r.promotion_sent_at),
            r.promotion_message_id.as_deref().unwrap_or("-"),
            r.promotion_attempts
        ));
    }
    if let Some(outbox) = r.owes() {
        lines.push(format!("  waiting      in the {} outbox", outbox.as_str()));
    }
    if let Some(error) = &r.last_email_error {
        lines.push(format!("  last error   {error}"));
    }
    lines
}
