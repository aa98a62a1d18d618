//! The registration form, in the page's language: empty, or again with what
//! was typed and every field's message.

use super::message_pages::{host_in, title_in};
use super::page_language::PageLanguage;
use crate::domain::{
    Designation, EmailAddress, Field, FieldErrors, FullName, Invalid, Organization, Phone,
    RawRegistration,
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
    host: Option<String>,
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
        None if field == super::PROGRAM_FIELD => cat.text("field-program"),
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
            .map(|rule| field_message(cat, field.name(), rule)),
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
        host: Some(host_in(cat, &program.host)),
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
        .map(|(field, rule)| FieldMessage {
            field,
            text: field_message(cat, field, *rule),
        })
        .collect()
}

/// The consent's sentence, naming the program's host (the default host by
/// its name in the page's language).
fn consent_text(cat: Catalog, host: &str, retention_days: u32) -> String {
    let host = host_in(cat, host);
    let args = [
        ("host", Arg::Text(&host)),
        ("days", Arg::Number(retention_days.into())),
    ];
    cat.format("form-consent", &args)
}

/// A field's label and message, as the page's language puts them together.
fn field_message(cat: Catalog, field: &str, rule: Invalid) -> String {
    cat.format(
        "field-message",
        &[
            ("field", Arg::Text(&label(cat, field))),
            ("message", Arg::Text(&cat.invalid(rule))),
        ],
    )
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
        errors.0.insert("email", Invalid::Required);
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
        errors.0.insert("email", Invalid::Email);
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
}
