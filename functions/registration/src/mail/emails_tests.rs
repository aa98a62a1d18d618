//! Tests of `emails.rs`.
use super::*;
use std::collections::HashMap;

fn event() -> EventConfig {
    let env: HashMap<String, String> = [
        ("TABLE_NAME", "t"),
        ("EVENT_ID", "bnr-li-ion-2022"),
        (
            "EVENT_TITLE",
            "Powering Belt and Road Lithium-ion batteries",
        ),
        ("EVENT_STARTS_AT", "2022-09-28T10:00:00+05:00"),
        ("EVENT_TIMEZONE", "Asia/Karachi"),
    ]
    .into_iter()
    .map(|(k, v)| (k.into(), v.into()))
    .collect();
    EventConfig::from_source(&env).unwrap()
}

fn zoom() -> ZoomJoinUrl {
    ZoomJoinUrl::parse("https://zoom.example/j/987?pwd=abc".to_owned()).unwrap()
}

fn to() -> EmailAddress {
    EmailAddress::parse("p@example.org").unwrap()
}

#[test]
fn the_confirmation_email_carries_the_link_and_escapes_the_name() {
    let urls = ActionUrls::new("https://x.example/", "abc");
    let email = confirmation_email(&event(), to(), "<b>Ali</b> & \"Co\"", &urls);
    assert_eq!(
        email.subject,
        "Please confirm your registration: Powering Belt and Road Lithium-ion batteries"
    );
    assert!(
        email
            .text
            .contains("https://x.example/registrations/confirm?token=abc")
    );
    assert!(email.text.contains("<b>Ali</b> & \"Co\""));
    assert!(
        email
            .text
            .contains("Wednesday, 28 September 2022, 10:00 PKT")
    );
    assert!(
        email
            .html
            .contains("&#60;b&#62;Ali&#60;/b&#62; &#38; &#34;Co&#34;")
    );
    assert!(!email.html.contains("<b>Ali"));
    assert!(
        email
            .html
            .contains("https://x.example/registrations/confirm?token=abc")
    );
    for part in [&email.text, &email.html] {
        assert!(part.contains("https://x.example/registrations/cancel?token=abc"));
    }
}

#[test]
fn a_promotion_says_the_seat_is_theirs_with_the_cancel_link_and_no_zoom_link() {
    let urls = ActionUrls::new("https://x.example", "tok");
    let email = promotion_email(&event(), to(), "Ayşe <b>", &urls);
    assert_eq!(
        email.subject,
        "A seat is yours: Powering Belt and Road Lithium-ion batteries"
    );
    assert!(email.text.contains("Ayşe <b>") && email.html.contains("Ayşe &#60;b&#62;"));
    assert!(email.text.contains("no longer on the waiting list"));
    for part in [&email.text, &email.html] {
        assert!(part.contains("https://x.example/registrations/cancel?token=tok"));
        assert!(!part.contains("zoom.example"));
    }
    assert!(email.attachments.is_empty());
}

#[test]
fn the_link_email_holds_zoom_link_name_and_both_times_with_an_invitation() {
    let now: Timestamp = "2022-09-27T08:00:00Z".parse().unwrap();
    let urls = ActionUrls::new("https://x.example", "tok");
    let participant = LinkEmailFor {
        name: "Çağrı <i>",
        registration_id: "reg-1",
        kind: LinkEmailKind::Confirmed,
        urls: &urls,
    };
    let email = link_email(&event(), to(), participant, &zoom(), now);
    assert_eq!(
        email.subject,
        "Your Zoom link: Powering Belt and Road Lithium-ion batteries"
    );
    assert!(
        email
            .text
            .contains("https://x.example/registrations/cancel?token=tok")
    );
    assert!(
        email
            .html
            .contains("https://x.example/registrations/cancel?token=tok")
    );
    assert!(!email.text.contains("waiting list"));
    let promoted = link_email(
        &event(),
        to(),
        LinkEmailFor {
            kind: LinkEmailKind::Promoted,
            ..participant
        },
        &zoom(),
        now,
    );
    assert!(
        promoted
            .subject
            .starts_with("A seat is yours, with your Zoom link")
    );
    assert!(promoted.text.contains("no longer on the waiting list"));
    assert!(promoted.text.contains("https://zoom.example/j/987?pwd=abc"));
    assert!(
        email
            .subject
            .contains("Powering Belt and Road Lithium-ion batteries")
    );
    assert!(email.text.contains("https://zoom.example/j/987?pwd=abc"));
    assert!(email.text.contains("Çağrı <i>"));
    assert!(email.text.contains("10:00 PKT"));
    assert!(email.text.contains("05:00 UTC"));
    assert!(email.html.contains("Çağrı &#60;i&#62;"));
    assert_eq!(email.attachments.len(), 1);
    let ics = String::from_utf8(email.attachments[0].content.clone()).unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(ics.contains("DTSTART:20220928T050000Z\r\n"));
    assert!(ics.contains("DTEND:20220928T070000Z\r\n"));
    assert!(ics.contains("UID:reg-1@bnr-li-ion-2022\r\n"));
    assert!(ics.lines().all(|l| l.len() <= 75));
}

#[test]
fn folding_keeps_multibyte_characters_whole() {
    let folded = fold(&format!("SUMMARY:{}", "ж".repeat(60)));
    for line in folded.split("\r\n") {
        assert!(line.len() <= 75);
    }
    assert_eq!(
        folded.replace("\r\n ", "").trim_end(),
        format!("SUMMARY:{}", "ж".repeat(60))
    );
}

/// Every kind of email to a participant, with this name.
fn every_email_to(name: &str) -> Vec<OutgoingEmail> {
    let now: Timestamp = "2022-09-27T08:00:00Z".parse().unwrap();
    let urls = ActionUrls::new("https://x.example", "tok");
    let participant = LinkEmailFor {
        name,
        registration_id: "reg-1",
        kind: LinkEmailKind::Confirmed,
        urls: &urls,
    };
    vec![
        confirmation_email(&event(), to(), name, &urls),
        link_email(&event(), to(), participant, &zoom(), now),
        promotion_email(&event(), to(), name, &urls),
        reminder_email(&event(), to(), name, &urls, &zoom()),
    ]
}

#[test]
fn a_right_to_left_name_is_isolated_in_both_parts_of_every_email() {
    let name = "علی\u{200C}رضا محمدی";
    for email in every_email_to(name) {
        assert!(
            email
                .html
                .contains(&format!("<p>Dear <bdi>{name}</bdi>,</p>")),
            "{}",
            email.html
        );
        assert!(
            email
                .text
                .starts_with(&format!("Dear \u{2068}{name}\u{2069},\n")),
            "{}",
            email.text
        );
    }
}

#[test]
fn a_left_to_right_name_is_written_as_typed_in_the_text_part() {
    for email in every_email_to("Çağrı <i>") {
        assert!(
            email.text.starts_with("Dear Çağrı <i>,\n"),
            "{}",
            email.text
        );
        assert!(!email.text.contains(['\u{2068}', '\u{2069}']));
        assert!(
            email
                .html
                .contains("<p>Dear <bdi>Çağrı &#60;i&#62;</bdi>,</p>")
        );
    }
}

/// Every email names the program's host, and the invitation lasts the
/// program's length: nothing of the sixth program is left in the mail.
#[test]
fn every_email_names_the_programs_host_and_the_invitation_lasts_its_duration() {
    let mut program = event();
    program.host = "ECOSF Academy".to_owned();
    program.duration = jiff::SignedDuration::from_mins(90);
    let urls = ActionUrls::new("https://x.example", "abc");
    let participant = LinkEmailFor {
        name: "Ali",
        registration_id: "r-1",
        kind: LinkEmailKind::Confirmed,
        urls: &urls,
    };
    let now = "2022-09-20T00:00:00Z".parse().unwrap();
    let link = link_email(&program, to(), participant, &zoom(), now);
    let emails = [
        confirmation_email(&program, to(), "Ali", &urls),
        promotion_email(&program, to(), "Ali", &urls),
        reminder_email(&program, to(), "Ali", &urls, &zoom()),
        link.clone(),
    ];
    for email in &emails {
        for part in [&email.text, &email.html] {
            assert!(part.contains("ECOSF Academy"), "{part}");
            assert!(!part.contains("BTBU"), "{part}");
        }
    }
    let ics = String::from_utf8(link.attachments[0].content.clone()).unwrap();
    assert!(ics.contains("DTSTART:20220928T050000Z\r\n"), "{ics}");
    assert!(ics.contains("DTEND:20220928T063000Z\r\n"), "{ics}");
    assert!(
        ics.contains("PRODID:-//ECOSF Academy//Registration//EN\r\n"),
        "{ics}"
    );
    assert!(!ics.contains("BTBU"), "{ics}");
}
