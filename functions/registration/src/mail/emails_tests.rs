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

fn english<'a>(name: &'a str, urls: &'a ActionUrls) -> Participant<'a> {
    Participant {
        name,
        language: Language::En,
        urls,
    }
}

fn urls(base: &str, token: &str) -> ActionUrls {
    ActionUrls::new(base, token, Language::En)
}

#[test]
fn the_confirmation_email_carries_the_link_and_escapes_the_name() {
    let urls = urls("https://x.example/", "abc");
    let email = confirmation_email(&event(), to(), english("<b>Ali</b> & \"Co\"", &urls));
    assert_eq!(
        email.subject,
        "Please confirm your registration: Powering Belt and Road Lithium-ion batteries"
    );
    assert!(
        email
            .text
            .contains("https://x.example/registrations/confirm?token=abc&lang=en\n")
    );
    assert!(email.text.contains("<b>Ali</b> & \"Co\""));
    assert!(
        email
            .text
            .contains("Wednesday, 28 September 2022 at 10:00 Pakistan Standard Time")
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
            .contains("https://x.example/registrations/confirm?token=abc&#38;lang=en")
    );
    for part in [&email.text, &email.html] {
        assert!(part.contains("https://x.example/registrations/cancel?token=abc"));
    }
    assert!(
        email
            .html
            .starts_with("<!doctype html>\n<html lang=\"en\" dir=\"ltr\">")
    );
}

#[test]
fn a_promotion_says_the_seat_is_theirs_with_the_cancel_link_and_no_zoom_link() {
    let urls = urls("https://x.example", "tok");
    let email = promotion_email(&event(), to(), english("Ayşe <b>", &urls));
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
    let urls = urls("https://x.example", "tok");
    let participant = LinkEmailFor {
        participant: english("Çağrı <i>", &urls),
        registration_id: "reg-1",
        kind: LinkEmailKind::Confirmed,
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
    assert!(email.text.contains("10:00 Pakistan Standard Time"));
    assert!(email.text.contains("28 September 2022 at 05:00 UTC"));
    assert!(email.html.contains("Çağrı &#60;i&#62;"));
    assert_eq!(email.attachments.len(), 1);
    let ics = String::from_utf8(email.attachments[0].content.clone()).unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(ics.contains("DTSTART:20220928T050000Z\r\n"));
    assert!(ics.contains("DTEND:20220928T070000Z\r\n"));
    assert!(ics.contains("UID:reg-1@bnr-li-ion-2022\r\n"));
    assert!(ics.contains("SUMMARY;LANGUAGE=en:Powering Belt and Road Lithium-ion batteries\r\n"));
    let unfolded = ics.replace("\r\n ", "");
    assert!(unfolded.contains(
        "DESCRIPTION;LANGUAGE=en:Join the webinar: https://zoom.example/j/987?pwd=abc\r\n"
    ));
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
    every_email_in(
        &event(),
        english(name, &urls("https://x.example", "tok")),
        now,
    )
}

/// Every kind of email to `participant`.
fn every_email_in(
    event: &EventConfig,
    participant: Participant<'_>,
    now: Timestamp,
) -> Vec<OutgoingEmail> {
    let link = LinkEmailFor {
        participant,
        registration_id: "reg-1",
        kind: LinkEmailKind::Confirmed,
    };
    vec![
        confirmation_email(event, to(), participant),
        link_email(event, to(), link, &zoom(), now),
        promotion_email(event, to(), participant),
        reminder_email(event, to(), participant, &zoom()),
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
    let urls = urls("https://x.example", "abc");
    let participant = LinkEmailFor {
        participant: english("Ali", &urls),
        registration_id: "r-1",
        kind: LinkEmailKind::Confirmed,
    };
    let now = "2022-09-20T00:00:00Z".parse().unwrap();
    let link = link_email(&program, to(), participant, &zoom(), now);
    let emails = [
        confirmation_email(&program, to(), english("Ali", &urls)),
        promotion_email(&program, to(), english("Ali", &urls)),
        reminder_email(&program, to(), english("Ali", &urls), &zoom()),
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

/// A program with a Turkish and a Persian title of its own, offering en, tr, fa.
fn multilingual() -> EventConfig {
    let mut program = event();
    program.languages = vec![Language::En, Language::Tr, Language::Fa];
    program.titles = [
        (Language::Tr, "Lityum iyon piller".to_owned()),
        (Language::Fa, "باتری‌های لیتیوم-یون".to_owned()),
    ]
    .into();
    program
}

#[test]
fn a_turkish_participant_gets_every_email_in_turkish_with_the_turkish_title_and_date() {
    let now: Timestamp = "2022-09-27T08:00:00Z".parse().unwrap();
    let urls = ActionUrls::new("https://x.example", "tok", Language::Tr);
    let participant = Participant {
        name: "Ayşe Yılmaz",
        language: Language::Tr,
        urls: &urls,
    };
    let emails = every_email_in(&multilingual(), participant, now);
    let subjects: Vec<&str> = emails.iter().map(|e| e.subject.as_str()).collect();
    assert_eq!(
        subjects,
        [
            "Lütfen kaydınızı onaylayın: Lityum iyon piller",
            "Zoom bağlantınız: Lityum iyon piller",
            "Yer sizin: Lityum iyon piller",
            "Hatırlatma: Lityum iyon piller yakında başlıyor",
        ]
    );
    for email in &emails {
        assert!(
            email.text.starts_with("Sayın Ayşe Yılmaz,\n"),
            "{}",
            email.text
        );
        assert!(
            email.text.contains("28 Eylül 2022 Çarşamba 10:00"),
            "{}",
            email.text
        );
        assert!(
            email
                .text
                .contains("/registrations/cancel?token=tok&lang=tr\n")
        );
        assert!(email.html.contains("<html lang=\"tr\" dir=\"ltr\">"));
        assert!(email.html.contains("<p>Sayın <bdi>Ayşe Yılmaz</bdi>,</p>"));
        assert!(!email.text.contains("Dear") && !email.html.contains("Dear"));
    }
    assert!(emails[0].html.contains(">Kaydımı onayla</a>"));
    assert!(
        emails[1]
            .text
            .contains("(28 Eylül 2022 Çarşamba 05:00 UTC)")
    );
    let ics = String::from_utf8(emails[1].attachments[0].content.clone()).unwrap();
    let ics = ics.replace("\r\n ", "");
    assert!(
        ics.contains("SUMMARY;LANGUAGE=tr:Lityum iyon piller\r\n"),
        "{ics}"
    );
    assert!(
        ics.contains(
            "DESCRIPTION;LANGUAGE=tr:Webinara katılın: https://zoom.example/j/987?pwd=abc\r\n"
        ),
        "{ics}"
    );
}

#[test]
fn a_persian_email_runs_right_to_left_with_every_value_isolated() {
    let now: Timestamp = "2022-09-27T08:00:00Z".parse().unwrap();
    let urls = ActionUrls::new("https://x.example", "tok", Language::Fa);
    let name = "علی\u{200C}رضا رضایی";
    let participant = Participant {
        name,
        language: Language::Fa,
        urls: &urls,
    };
    let emails = every_email_in(&multilingual(), participant, now);
    assert_eq!(
        emails[0].subject,
        "لطفاً ثبت‌نام خود را تأیید کنید: \u{2068}باتری‌های لیتیوم-یون\u{2069}"
    );
    for email in &emails {
        assert!(email.html.contains("<html lang=\"fa\" dir=\"rtl\">"));
        assert!(
            email
                .html
                .contains(&format!("<p><bdi>{name}</bdi> گرامی،</p>"))
        );
        assert!(
            email
                .text
                .starts_with(&format!("\u{2068}{name}\u{2069} گرامی،\n"))
        );
        assert!(email.text.contains("&lang=fa\n"));
    }
    // The program's English host, unnamed in Persian, is the centre's Persian name.
    assert!(
        emails[0]
            .text
            .ends_with("\u{2068}مرکز آموزش مشترک BTBU-ECOSF\u{2069}\n")
    );
}

#[test]
fn a_language_the_program_does_not_offer_or_none_gives_the_programs_first() {
    let program = multilingual();
    assert_eq!(program.language_for(Some(Language::Tr)), Language::Tr);
    assert_eq!(program.language_for(Some(Language::Ru)), Language::En);
    assert_eq!(program.language_for(None), Language::En);
    assert_eq!(
        program.title_in(Language::Ru),
        "Powering Belt and Road Lithium-ion batteries"
    );
}
