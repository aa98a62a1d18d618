//! The pages that are not the form, in the page's language: a message page
//! (a heading and a few paragraphs) for every outcome of the form and its
//! routes, and the page behind an emailed link with its one button. What
//! they name at their top (the program's title and host, the language and
//! its switcher) is their [`Masthead`].

use super::page_language::PageLanguage;
use crate::config::DEFAULT_HOST;
use crate::i18n::{Arg, Catalog, Language};
use crate::program::ProgramSettings;
use askama::Template;

/// A program's title in `language`, else its own.
pub(super) fn title_in(program: &ProgramSettings, language: Language) -> &str {
    program
        .text
        .get(&language)
        .and_then(|text| text.title.as_deref())
        .unwrap_or(&program.title)
}

/// A program's host as a page in `cat`'s language names it: the default
/// host by its name in that language, any other as written.
pub(super) fn host_in(cat: Catalog, host: &str) -> String {
    if host == DEFAULT_HOST {
        cat.text("org-name")
    } else {
        host.to_owned()
    }
}

/// What a page names at its top, in its language: the program's title and
/// host (or a generic title when no program can be named), and the
/// language with its switcher.
pub struct Masthead {
    pub title: String,
    pub host: Option<String>,
    pub page: PageLanguage,
}

impl Masthead {
    /// `program`'s page in `language`, switching to the program's other
    /// languages through its form's address (`/programs/{id}?lang=xx`).
    pub fn of(program: &ProgramSettings, language: Language) -> Self {
        let page = PageLanguage::new(language, &program.languages)
            .linking_to(format!("/programs/{}?", program.id));
        Self {
            title: title_in(program, language).to_owned(),
            host: Some(host_in(Catalog::new(language), &program.host)),
            page,
        }
    }

    /// A page that names no program: a generic title, no host and no
    /// switcher (there are no program's languages to offer).
    pub fn without_program(language: Language) -> Self {
        Self {
            title: Catalog::new(language).text("registration-title"),
            host: None,
            page: PageLanguage::new(language, &[language]),
        }
    }

    pub fn language(&self) -> Language {
        self.page.language
    }

    fn page_title(&self, heading: &str) -> String {
        Catalog::new(self.language()).format(
            "page-title-message",
            &[
                ("heading", Arg::Text(heading)),
                ("title", Arg::Text(&self.title)),
            ],
        )
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    page: &'a PageLanguage,
    page_title: String,
    title: &'a str,
    host: Option<&'a str>,
    heading: &'a str,
    paragraphs: &'a [String],
    /// The form's path and the link's words.
    back_link: Option<(&'a str, String)>,
}

/// Whether a message page links back to a registration form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackLink<'a> {
    /// For an answer the participant can act on by filling the form again:
    /// the form's path.
    ToForm(&'a str),
    Omitted,
}

/// A page with a heading and a few paragraphs, for every outcome that is not the form.
pub fn message_page(
    masthead: &Masthead,
    heading: &str,
    paragraphs: &[String],
    back_link: BackLink<'_>,
) -> String {
    let cat = Catalog::new(masthead.language());
    MessagePage {
        page: &masthead.page,
        page_title: masthead.page_title(heading),
        title: &masthead.title,
        host: masthead.host.as_deref(),
        heading,
        paragraphs,
        back_link: match back_link {
            BackLink::ToForm(path) => Some((path, cat.text("page-back-to-form"))),
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
    /// Where the form posts (`/registrations/confirm`, `/registrations/cancel`);
    /// the page's `?lang=` follows, so the answer keeps its language.
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
    page: &'a PageLanguage,
    page_title: String,
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
    masthead: &Masthead,
    heading: &str,
    paragraphs: &[String],
    button: Option<Button<'_>>,
) -> String {
    ActionPage {
        page: &masthead.page,
        page_title: masthead.page_title(heading),
        title: &masthead.title,
        host: masthead.host.as_deref(),
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

    fn masthead(title: &str, language: Language) -> Masthead {
        Masthead {
            title: title.to_owned(),
            host: None,
            page: PageLanguage::new(language, &[Language::En, Language::Fa])
                .linking_to("?token=t&".to_owned()),
        }
    }

    #[test]
    fn an_action_page_posts_its_token_back_escaped_keeping_its_language() {
        let html = action_page(
            &masthead("Powering <Belt> & Road", Language::Fa),
            "Confirm your registration",
            &["One <b>click</b>.".to_owned()],
            Some(Button {
                action: "/registrations/confirm",
                token: "abc\"><script>",
                label: "Confirm my registration",
                style: ButtonStyle::Primary,
            }),
        );
        assert!(
            html.contains(r#"<form method="post" action="/registrations/confirm?lang=fa">"#),
            "{html}"
        );
        assert!(
            html.contains(
                r#"<input type="hidden" name="token" value="abc&#34;&#62;&#60;script&#62;">"#
            ),
            "{html}"
        );
        assert!(html.contains(r#"<html lang="fa" dir="rtl">"#));
        assert!(
            html.contains(r#"<a href="?token=t&#38;lang=en" lang="en" hreflang="en">English</a>"#)
        );
        assert!(html.contains("Confirm my registration</button>"));
        assert!(!html.contains("<b>click</b>") && !html.contains("Powering <Belt>"));
        assert!(!html.contains("class=\"destructive\""));
        let done = action_page(&masthead("T", Language::En), "Done", &[], None);
        assert!(!done.contains("<form"));
    }

    #[test]
    fn a_message_page_says_its_back_link_in_its_language() {
        let html = message_page(
            &masthead("T", Language::Fa),
            "H",
            &["P".to_owned()],
            BackLink::ToForm("/programs/p"),
        );
        let back = Catalog::new(Language::Fa).text("page-back-to-form");
        assert!(
            html.contains(&format!(r#"<a href="/programs/p">{back}</a>"#)),
            "{html}"
        );
        assert!(!html.contains("Back to the registration form"));
    }
}
