//! Each rule of the program file: the sample passes, and each broken rule is
//! refused naming its key.

use super::*;
use jiff::SignedDuration;

const SAMPLE: &str = r#"
id = "li-ion-2022"
title = "Powering Belt and Road Lithium-ion batteries"
host = "BTBU-ECOSF Joint Training Center"
starts_at = "2022-09-28T10:00:00+05:00"
duration = "PT2H"
timezone = "Asia/Karachi"
registration_opens_at = "2022-08-01T00:00:00+05:00"
registration_closes_at = "2022-09-27T00:00:00+05:00"
links_send_at = "2022-09-27T10:00:00+05:00"
reminder_before = "PT1H"
capacity = 500
contact_email = "training@example.org"
languages = ["en", "ru"]
zoom_join_url = "https://zoom.us/j/123"

[text.en]
summary = """What the program is about.

And for whom."""
[text.ru]
title = "Литий-ионные батареи"
summary = """О программе."""
"#;

/// The sample with `line` (a whole `key = value` line) replaced, or removed
/// when `with` is empty.
fn with_line(key: &str, with: &str) -> String {
    let prefix = format!("{key} = ");
    SAMPLE
        .lines()
        .map(|l| if l.starts_with(&prefix) { with } else { l })
        .collect::<Vec<_>>()
        .join("\n")
}

fn refused(text: &str) -> ProgramFileError {
    parse_program_file(text, None).expect_err("refused")
}

fn assert_refused(text: &str, key: &str, rule: &str) {
    let err = refused(text);
    assert_eq!(err.key, key, "{err}");
    assert!(err.rule.contains(rule), "{rule:?} in {err}");
    assert_eq!(err.to_string().lines().count(), 1);
}

#[test]
fn the_contracts_sample_is_read_whole() {
    let p = parse_program_file(SAMPLE, None).expect("valid");
    assert_eq!(p.id.as_ref(), "li-ion-2022");
    assert_eq!(p.title, "Powering Belt and Road Lithium-ion batteries");
    assert_eq!(p.host, "BTBU-ECOSF Joint Training Center");
    assert_eq!(p.starts_at, "2022-09-28T05:00:00Z".parse().unwrap());
    assert_eq!(p.duration, SignedDuration::from_hours(2));
    assert_eq!(p.timezone, "Asia/Karachi");
    assert_eq!(
        p.registration_opens_at,
        Some("2022-07-31T19:00:00Z".parse().unwrap())
    );
    assert_eq!(
        p.registration_closes_at,
        "2022-09-26T19:00:00Z".parse().unwrap()
    );
    assert_eq!(
        p.links_send_at,
        Some("2022-09-27T05:00:00Z".parse().unwrap())
    );
    assert_eq!(p.reminder_before, Some(SignedDuration::from_hours(1)));
    assert_eq!(p.capacity, Some(500));
    assert_eq!(p.contact_email.as_deref(), Some("training@example.org"));
    assert_eq!(p.languages, vec![Language::En, Language::Ru]);
    assert_eq!(p.default_language(), Language::En);
    assert_eq!(
        p.text[&Language::En].summary,
        "What the program is about.\n\nAnd for whom."
    );
    assert_eq!(p.text[&Language::En].title, None);
    assert_eq!(
        p.text[&Language::Ru].title.as_deref(),
        Some("Литий-ионные батареи")
    );
    assert_eq!(
        p.zoom_join_url.as_ref().unwrap().expose(),
        "https://zoom.us/j/123"
    );
}

#[test]
fn duration_defaults_to_two_hours_and_opening_to_publication() {
    let text = with_line("duration", "");
    let text = text.replace("registration_opens_at = \"2022-08-01T00:00:00+05:00\"", "");
    let p = parse_program_file(&text, None).expect("valid");
    assert_eq!(p.duration, SignedDuration::from_hours(2));
    assert_eq!(p.registration_opens_at, None);
    // Open from publication: any instant before the closing.
    assert!(p.is_open("2000-01-01T00:00:00Z".parse().unwrap()));
    assert!(!p.is_open(p.registration_closes_at));
}

#[test]
fn optional_keys_may_be_left_out() {
    let mut text = SAMPLE.to_owned();
    for key in [
        "links_send_at",
        "reminder_before",
        "capacity",
        "contact_email",
    ] {
        text = text
            .lines()
            .filter(|l| !l.starts_with(&format!("{key} = ")))
            .collect::<Vec<_>>()
            .join("\n");
    }
    let p = parse_program_file(&text, None).expect("valid");
    assert_eq!(
        (p.links_send_at, p.reminder_before, p.capacity),
        (None, None, None)
    );
    assert_eq!(p.contact_email, None);
}

#[test]
fn toml_date_times_with_offset_are_instants_too() {
    let text = with_line("starts_at", "starts_at = 2022-09-28T10:00:00+05:00");
    let p = parse_program_file(&text, None).expect("valid");
    assert_eq!(p.starts_at, "2022-09-28T05:00:00Z".parse().unwrap());
}

#[test]
fn each_required_key_missing_is_refused_by_name() {
    for key in [
        "id",
        "title",
        "host",
        "starts_at",
        "timezone",
        "registration_closes_at",
        "languages",
    ] {
        assert_refused(&with_line(key, ""), key, "is missing");
    }
}

#[test]
fn a_key_of_the_wrong_type_is_malformed() {
    assert_refused(
        &with_line("title", "title = 5"),
        "title",
        "must be a string",
    );
    assert_refused(
        &with_line("capacity", "capacity = \"500\""),
        "capacity",
        "whole number",
    );
    assert_refused(
        &with_line("languages", "languages = \"en\""),
        "languages",
        "a list",
    );
    assert_refused(
        &with_line("title", "title = \"  \""),
        "title",
        "must not be empty",
    );
}

#[test]
fn unknown_keys_are_refused() {
    let text = format!("capcity = 5\n{SAMPLE}");
    assert_refused(&text, "capcity", "is not a key of a program file");
    let text = SAMPLE.replace("[text.ru]\n", "[text.ru]\nsumary = \"x\"\n");
    assert_refused(&text, "text.ru.sumary", "is not a key of a program's text");
}

#[test]
fn text_that_is_not_toml_is_refused_with_its_line() {
    let err = refused("id = \"abc\"\ntitle = \n");
    assert_eq!(err.key, "file");
    assert!(err.rule.contains("line 2"), "{err}");
    assert_eq!(err.to_string().lines().count(), 1, "{err}");
}

#[test]
fn the_id_must_be_a_slug() {
    for bad in [
        "ab",
        "Li-Ion",
        "li_ion",
        "li ion",
        "ли-ион",
        &"a".repeat(41),
    ] {
        let text = with_line("id", &format!("id = {bad:?}"));
        assert_refused(&text, "id", "3–40 of a–z, 0–9 and '-'");
    }
    for good in ["abc", "2022-li-ion", &"a".repeat(40)] {
        let text = with_line("id", &format!("id = {good:?}"));
        assert!(parse_program_file(&text, None).is_ok(), "{good}");
    }
}

#[test]
fn instants_must_be_rfc3339_with_offset() {
    for bad in [
        "2022-09-28T10:00:00",
        "2022-09-28",
        "tomorrow",
        "2022-09-28T10:00:00+05:00[Asia/Karachi]",
    ] {
        let text = with_line("starts_at", &format!("starts_at = {bad:?}"));
        assert_refused(&text, "starts_at", "RFC 3339 instant with offset");
    }
    let text = with_line("starts_at", "starts_at = 2022-09-28T10:00:00");
    assert_refused(&text, "starts_at", "RFC 3339 instant with offset");
}

#[test]
fn registration_must_open_before_it_closes() {
    let same = with_line(
        "registration_opens_at",
        "registration_opens_at = \"2022-09-27T00:00:00+05:00\"",
    );
    assert_refused(
        &same,
        "registration_opens_at",
        "before registration_closes_at",
    );
}

#[test]
fn registration_may_close_at_the_start_but_not_after() {
    let at_start = with_line(
        "registration_closes_at",
        "registration_closes_at = \"2022-09-28T10:00:00+05:00\"",
    );
    let at_start = with_line_in(&at_start, "links_send_at", "");
    assert!(parse_program_file(&at_start, None).is_ok());
    let after = with_line(
        "registration_closes_at",
        "registration_closes_at = \"2022-09-28T10:00:01+05:00\"",
    );
    assert_refused(
        &after,
        "registration_closes_at",
        "must not be after starts_at",
    );
}

fn with_line_in(text: &str, key: &str, with: &str) -> String {
    let prefix = format!("{key} = ");
    text.lines()
        .map(|l| if l.starts_with(&prefix) { with } else { l })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn links_must_be_sent_before_the_start() {
    let at_start = with_line(
        "links_send_at",
        "links_send_at = \"2022-09-28T10:00:00+05:00\"",
    );
    assert_refused(&at_start, "links_send_at", "must be before starts_at");
}

#[test]
fn languages_must_be_the_systems_each_once_with_a_summary() {
    let other = with_line("languages", "languages = [\"en\", \"de\"]");
    assert_refused(
        &other,
        "languages",
        "\"de\" is not one of the system's languages",
    );
    let twice = with_line("languages", "languages = [\"en\", \"ru\", \"en\"]");
    assert_refused(&twice, "languages", "en is listed twice");
    let none = with_line("languages", "languages = []");
    assert_refused(&none, "languages", "at least one");
    let no_text = with_line("languages", "languages = [\"en\", \"ru\", \"fa\"]");
    assert_refused(&no_text, "text.fa.summary", "is missing");
    let no_summary = SAMPLE.replace("summary = \"\"\"О программе.\"\"\"", "");
    assert_refused(&no_summary, "text.ru.summary", "is missing");
    let unlisted = with_line("languages", "languages = [\"en\"]");
    assert_refused(
        &unlisted,
        "text.ru",
        "is not one of the program's languages",
    );
}

#[test]
fn every_system_language_is_accepted() {
    let mut text = with_line(
        "languages",
        "languages = [\"ur\", \"en\", \"ru\", \"zh\", \"fa\", \"tr\"]",
    );
    for code in ["zh", "fa", "tr", "ur"] {
        text.push_str(&format!("\n[text.{code}]\nsummary = \"s\"\n"));
    }
    let p = parse_program_file(&text, None).expect("valid");
    assert_eq!(p.default_language(), Language::Ur);
    assert_eq!(p.text.len(), 6);
}

#[test]
fn capacity_must_be_at_least_one() {
    for bad in ["0", "-3"] {
        let text = with_line("capacity", &format!("capacity = {bad}"));
        assert_refused(&text, "capacity", "must be at least 1");
    }
    let one = with_line("capacity", "capacity = 1");
    assert_eq!(parse_program_file(&one, None).unwrap().capacity, Some(1));
    let huge = with_line("capacity", "capacity = 5000000000");
    assert_refused(&huge, "capacity", "at most");
}

#[test]
fn the_zoom_link_must_be_https_and_is_never_echoed() {
    for bad in [
        "http://zoom.us/j/999",
        "zoom.us/j/999",
        "https://",
        "ftp://zoom.us/j/999",
    ] {
        let text = with_line("zoom_join_url", &format!("zoom_join_url = {bad:?}"));
        let err = refused(&text);
        assert_eq!(err.key, "zoom_join_url");
        assert!(err.rule.contains("https"), "{err}");
        assert!(!err.to_string().contains("999"), "{err}");
    }
}

#[test]
fn the_zoom_link_may_come_from_standard_input_once() {
    let without = with_line("zoom_join_url", "");
    let p = parse_program_file(&without, Some("https://zoom.us/j/456\n")).expect("valid");
    assert_eq!(
        p.zoom_join_url.as_ref().unwrap().expose(),
        "https://zoom.us/j/456"
    );
    let err = parse_program_file(&without, None).expect_err("missing");
    assert_eq!(err.key, "zoom_join_url");
    assert!(err.rule.contains("--zoom-join-url-stdin"), "{err}");
    let err = parse_program_file(SAMPLE, Some("https://zoom.us/j/456")).expect_err("twice");
    assert!(err.rule.contains("give it once"), "{err}");
    let err = parse_program_file(&without, Some(" \n")).expect_err("empty");
    assert_eq!(err.key, "zoom_join_url");
    let err = parse_program_file(&without, Some("http://zoom.us/j/456")).expect_err("http");
    assert!(err.rule.contains("https"), "{err}");
}

#[test]
fn durations_are_iso_8601_and_positive() {
    for bad in ["2 hours", "PT0S", "-PT1H", "P31D", "2h"] {
        let text = with_line("duration", &format!("duration = {bad:?}"));
        assert_refused(&text, "duration", "ISO 8601 duration");
        let text = with_line("reminder_before", &format!("reminder_before = {bad:?}"));
        assert_refused(&text, "reminder_before", "ISO 8601 duration");
    }
    let text = with_line("reminder_before", "reminder_before = \"P1D\"");
    let p = parse_program_file(&text, None).expect("valid");
    assert_eq!(p.reminder_before, Some(SignedDuration::from_hours(24)));
}

#[test]
fn the_time_zone_must_be_iana() {
    let text = with_line("timezone", "timezone = \"Mars/Olympus\"");
    assert_refused(&text, "timezone", "IANA time zone");
}

#[test]
fn the_contact_must_be_an_email_address() {
    let text = with_line("contact_email", "contact_email = \"not an address\"");
    assert_refused(&text, "contact_email", "must be an email address");
}

#[test]
fn titles_and_host_are_one_bounded_line() {
    let text = with_line("title", "title = \"two\\nlines\"");
    assert_refused(&text, "title", "one line");
    let long = format!("host = {:?}", "h".repeat(201));
    assert_refused(&with_line("host", &long), "host", "at most 200");
    let text = SAMPLE.replace("title = \"Литий-ионные батареи\"", "title = \"a\\u0007b\"");
    assert_refused(&text, "text.ru.title", "one line");
}

#[test]
fn settings_debug_never_shows_the_zoom_link() {
    let p = parse_program_file(SAMPLE, None).expect("valid");
    assert!(!format!("{p:?}").contains("zoom.us"));
}
