//! The HTML pages: the registration form (empty, or again with what was typed
//! and every message), the page behind an emailed link (with the one button that
//! posts its token back), and the message page every other outcome shows.

use super::page_language::PageLanguage;
use crate::config::DEFAULT_HOST;
use crate::domain::{
    Designation, EmailAddress, Field, FieldErrors, FullName, Organization, Phone, RawRegistration,
};
use crate::i18n::{self, Arg, Catalog, CountryName, Language, country_names};
use crate::program::ProgramSettings;
use askama::Template;

/// The ECO member states, shown first in the country list.
pub const ECO_MEMBERS: [&str; 10] = ["AF", "AZ", "IR", "KZ", "KG", "PK", "TJ", "TR", "TM", "UZ"];

/// The country list in `language`: the ECO member states first, then every
/// other country, each group in that language's alphabetical order.
fn country_options(language: Language) -> (Vec<CountryName>, Vec<CountryName>) {
    country_names(language)
        .into_iter()
        .partition(|c| ECO_MEMBERS.contains(&c.code))
}

#[derive(Template)]
#[template(path = "form.html")]
struct FormPage<'a> {
    page: PageLanguage,
    cat: Catalog,
    page_title: String,
    title: &'a str,
    host: Option<&'a str>,
    /// The program's summary in the page's language, paragraph by paragraph.
    summary: Vec<&'a str>,
    contact_email: Option<&'a str>,
    program_id: &'a str,
    when: String,
    closes: String,
    consent_text: String,
    action: &'a str,
    full_name: FormField<'a>,
    email: FormField<'a>,
    country: FormField<'a>,
    organization: FormField<'a>,
    designation: FormField<'a>,
    phone: FormField<'a>,
    consent: FormField<'a>,
    website: FormField<'a>,
    consent_given: bool,
    errors: Vec<FieldMessage>,
    eco_countries: Vec<CountryName>,
    other_countries: Vec<CountryName>,
}

/// One input of the form: its name, its label, what was typed and its message.
struct FormField<'a> {
    name: &'static str,
    label: String,
    value: String,
    /// The field's message, after its label as the page's language puts them.
    error: Option<String>,
    #[allow(dead_code)]
    lifetime: std::marker::PhantomData<&'a ()>,
}

/// A line of the error summary, linking to its field.
struct FieldMessage {
    field: &'static str,
    /// The label and the message, as the page's language puts them together.
    text: String,
}

/// The label a field has on the form and in the error summary.
fn label(cat: Catalog, field: &str) -> String {
    match Field::from_name(field) {
        Some(field) => cat.text(&format!("field-{}", field.name())),
        None => cat.text("field-any"),
    }
}

/// A program's summary in `language` (else in its default language), split
/// into paragraphs at blank lines.
pub(super) fn summary_paragraphs(program: &ProgramSettings, language: Language) -> Vec<&str> {
    program
        .text
        .get(&language)
        .or_else(|| program.text.get(&program.default_language()))
        .map(|text| text.summary.as_str())
        .unwrap_or_default()
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// A program's title in `language`, else its own.
fn title_in(program: &ProgramSettings, language: Language) -> &str {
    program
        .text
        .get(&language)
        .and_then(|text| text.title.as_deref())
        .unwrap_or(&program.title)
}

/// The registration form of `program` in `language`, empty or filled again
/// with what was typed and every message. It posts the program's id and the
/// page's language (hidden).
pub fn form_page(
    program: &ProgramSettings,
    language: Language,
    retention_days: u32,
    values: &RawRegistration,
    errors: &FieldErrors,
) -> String {
    let cat = Catalog::new(language);
    let (eco_countries, other_countries) = country_options(language);
    let input = |field: Field| FormField {
        name: field.name(),
        label: label(cat, field.name()),
        value: values.get(field).as_text().to_owned(),
        error: errors
            .get(field.name())
            .map(|message| field_message(cat, field.name(), message)),
        lifetime: std::marker::PhantomData,
    };
    let country = FormField {
        value: values.country.as_text().trim().to_ascii_uppercase(),
        ..input(Field::Country)
    };
    let zone = program.time_zone();
    let title = title_in(program, language);
    let starts = i18n::local_time(language, program.starts_at, &zone);
    let closes = i18n::local_time(language, program.registration_closes_at, &zone);
    FormPage {
        page: PageLanguage::new(language, &program.languages),
        cat,
        page_title: cat.format("page-title-form", &[("title", Arg::Text(title))]),
        title,
        host: Some(&program.host),
        summary: summary_paragraphs(program, language),
        contact_email: program.contact_email.as_deref(),
        program_id: program.id.as_ref(),
        when: cat.format("form-when", &[("starts", Arg::Text(&starts))]),
        closes: cat.format("form-closes", &[("closes", Arg::Text(&closes))]),
        consent_text: consent_text(cat, &program.host, retention_days),
        action: "/registrations",
        full_name: input(Field::FullName),
        email: input(Field::Email),
        country,
        organization: input(Field::Organization),
        designation: input(Field::Designation),
        phone: input(Field::Phone),
        consent: input(Field::Consent),
        website: input(Field::Website),
        consent_given: values.consent.gives_consent(),
        errors: summary(cat, errors),
        eco_countries,
        other_countries,
    }
    .render()
    .expect("the form template renders")
}

fn summary(cat: Catalog, errors: &FieldErrors) -> Vec<FieldMessage> {
    errors
        .0
        .iter()
        .map(|(field, message)| FieldMessage {
            field,
            text: field_message(cat, field, message),
        })
        .collect()
}

/// The consent's sentence, naming the program's host (the default host by
/// its name in the page's language).
fn consent_text(cat: Catalog, host: &str, retention_days: u32) -> String {
    let host = if host == DEFAULT_HOST {
        cat.text("org-name")
    } else {
        host.to_owned()
    };
    let args = [
        ("host", Arg::Text(&host)),
        ("days", Arg::Number(retention_days.into())),
    ];
    cat.format("form-consent", &args)
}

/// A field's label and message, as the page's language puts them together.
fn field_message(cat: Catalog, field: &str, message: &str) -> String {
    cat.format(
        "field-message",
        &[
            ("field", Arg::Text(&label(cat, field))),
            ("message", Arg::Text(message)),
        ],
    )
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    page: PageLanguage,
    title: &'a str,
    host: Option<&'a str>,
    heading: &'a str,
    paragraphs: &'a [&'a str],
    back_link: Option<&'a str>,
}

/// Whether a message page links back to a registration form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackLink<'a> {
    /// For an answer the participant can act on by filling the form again:
    /// the form's path.
    ToForm(&'a str),
    Omitted,
}

/// What a page names at its top: the program's title and host, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Masthead<'a> {
    pub title: &'a str,
    pub host: Option<&'a str>,
}

impl<'a> Masthead<'a> {
    pub fn of(program: &'a ProgramSettings) -> Self {
        Self {
            title: &program.title,
            host: Some(&program.host),
        }
    }
}

/// A page with a heading and a few paragraphs, for every outcome that is not the form.
pub fn message_page(
    masthead: Masthead<'_>,
    heading: &str,
    paragraphs: &[&str],
    back_link: BackLink<'_>,
) -> String {
    MessagePage {
        page: PageLanguage::english(),
        title: masthead.title,
        host: masthead.host,
        heading,
        paragraphs,
        back_link: match back_link {
            BackLink::ToForm(path) => Some(path),
            BackLink::Omitted => None,
        },
    }
    .render()
    .expect("the message template renders")
}

/// The one button of a link's page: a form that posts the token back, so that
/// the action needs no JavaScript and a mail scanner's GET changes nothing.
#[derive(Debug, Clone, Copy)]
pub struct Button<'a> {
    /// Where the form posts (`/registrations/confirm`, `/registrations/cancel`).
    pub action: &'a str,
    pub token: &'a str,
    pub label: &'a str,
    pub style: ButtonStyle,
}

/// How a button looks: the usual blue, or red for what cannot be undone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ButtonStyle {
    Primary,
    Destructive,
}

#[derive(Template)]
#[template(path = "action.html")]
struct ActionPage<'a> {
    page: PageLanguage,
    title: &'a str,
    host: Option<&'a str>,
    heading: &'a str,
    paragraphs: &'a [String],
    button: Option<Button<'a>>,
    destructive: bool,
}

/// The page behind an emailed link: a heading, a few paragraphs and, when there
/// is something to do, its button.
pub fn action_page(
    event_title: &str,
    heading: &str,
    paragraphs: &[String],
    button: Option<Button<'_>>,
) -> String {
    ActionPage {
        page: PageLanguage::english(),
        title: event_title,
        // The confirm and cancel pages do not know their program's host yet.
        host: Some(DEFAULT_HOST),
        heading,
        paragraphs,
        button,
        destructive: button.is_some_and(|b| b.style == ButtonStyle::Destructive),
    }
    .render()
    .expect("the action template renders")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::RawValue;
    use crate::program::parse_program_file;

    /// A program hosted by a right-to-left name, its summary in two paragraphs.
    fn program(title: &str) -> ProgramSettings {
        let text = format!(
            "id = \"li-ion-2022\"\ntitle = {title:?}\nhost = \"مرکز <آموزش>\"\n\
             starts_at = \"2022-09-28T10:00:00+05:00\"\ntimezone = \"Asia/Karachi\"\n\
             registration_closes_at = \"2022-09-27T00:00:00+05:00\"\n\
             contact_email = \"help@example.org\"\nlanguages = [\"en\"]\n\
             zoom_join_url = \"https://zoom.us/j/1\"\n[text.en]\n\
             summary = \"For <cell> makers.\\n\\nSecond paragraph.\"\n"
        );
        parse_program_file(&text, None).expect("a valid program")
    }

    #[test]
    fn the_form_names_its_programs_host_summary_and_contact_isolated_and_posts_its_id() {
        let html = form_page(
            &program("T"),
            Language::En,
            90,
            &RawRegistration::default(),
            &FieldErrors::default(),
        );
        assert!(html.contains(r#"<input type="hidden" name="program" value="li-ion-2022">"#));
        assert!(
            html.contains(r#"<p class="org" dir="auto">مرکز &#60;آموزش&#62;</p>"#),
            "{html}"
        );
        assert!(
            html.contains("I agree that \u{2068}مرکز &#60;آموزش&#62;\u{2069} stores these details")
        );
        assert!(html.contains(r#"<p dir="auto">For &#60;cell&#62; makers.</p>"#));
        assert!(html.contains(r#"<p dir="auto">Second paragraph.</p>"#));
        assert!(html.contains(r#"<a href="mailto:help@example.org">"#));
        assert!(!html.contains("BTBU-ECOSF"), "no host in code");
    }

    #[test]
    fn the_form_lists_eco_members_first_and_escapes_values() {
        let program = program("Powering <Belt> & Road");
        let values = RawRegistration {
            full_name: RawValue::Text("<script>alert(1)</script>".into()),
            country: RawValue::Text("tr".into()),
            ..Default::default()
        };
        let mut errors = FieldErrors::default();
        errors.0.insert("email", "is required".into());
        let html = form_page(&program, Language::En, 90, &values, &errors);
        let html = html.replace(['\u{2068}', '\u{2069}'], "");
        assert!(!html.contains("<script>alert(1)"));
        assert!(!html.contains("Powering <Belt>"));
        assert!(html.contains("Email address is required"));
        assert!(html.contains("Wednesday, 28 September 2022 at 10:00 Pakistan Standard Time"));
        assert!(html.contains("Tuesday, 27 September 2022 at 00:00 Pakistan Standard Time"));
        assert!(html.contains(r#"<option value="TR" selected>"#));
        let afghanistan = html.find(r#"value="AF""#).unwrap();
        let albania = html.find(r#"value="AL""#).unwrap();
        let uzbekistan = html.find(r#"value="UZ""#).unwrap();
        assert!(afghanistan < uzbekistan && uzbekistan < albania);
        for field in Field::ALL {
            let field = field.name();
            assert!(
                html.contains(&format!(r#"<label for="{field}""#))
                    || html.contains(&format!(r#"for="{field}""#)),
                "{field}"
            );
            assert!(html.contains(&format!(r#"name="{field}""#)), "{field}");
        }
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "no external assets"
        );
    }

    #[test]
    fn the_form_shown_again_isolates_every_value_typed() {
        let program = program("T");
        let values = RawRegistration {
            full_name: RawValue::Text("علی\u{200C}رضا".into()),
            email: RawValue::Text("ali@دانشگاه".into()),
            organization: RawValue::Text("دانشگاه شریف".into()),
            designation: RawValue::Text("استاد".into()),
            phone: RawValue::Text("۰۹۱۲".into()),
            ..Default::default()
        };
        let mut errors = FieldErrors::default();
        errors.0.insert("email", "must be one email address".into());
        let html = form_page(&program, Language::En, 90, &values, &errors);
        for (field, value) in [
            ("full_name", "علی\u{200C}رضا"),
            ("email", "ali@دانشگاه"),
            ("organization", "دانشگاه شریف"),
            ("designation", "استاد"),
            ("phone", "۰۹۱۲"),
        ] {
            assert!(
                html.contains(&format!(r#"name="{field}" value="{value}" dir="auto""#)),
                "{field}"
            );
        }
    }

    #[test]
    fn an_action_page_posts_its_token_back_escaped() {
        let html = action_page(
            "Powering <Belt> & Road",
            "Confirm your registration",
            &["One <b>click</b>.".to_owned()],
            Some(Button {
                action: "/registrations/confirm",
                token: "abc\"><script>",
                label: "Confirm my registration",
                style: ButtonStyle::Primary,
            }),
        );
        assert!(html.contains(r#"<form method="post" action="/registrations/confirm">"#));
        assert!(
            html.contains(
                r#"<input type="hidden" name="token" value="abc&#34;&#62;&#60;script&#62;">"#
            ),
            "{html}"
        );
        assert!(html.contains("Confirm my registration</button>"));
        assert!(!html.contains("<b>click</b>") && !html.contains("Powering <Belt>"));
        assert!(!html.contains("class=\"destructive\""));
        let done = action_page("T", "Done", &[], None);
        assert!(!done.contains("<form"));
    }
}
