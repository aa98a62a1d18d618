//! The language a page speaks: which one a request asks for, its
//! `<html lang dir>`, and the switcher that lists the program's languages as
//! plain links (no script) to the same page in each.

use crate::i18n::{Catalog, Language, choose_language};
use lambda_http::http::header;
use lambda_http::{Request, RequestExt};

/// The query parameter (and the form post's field) that names a language.
pub const LANG_PARAMETER: &str = "lang";

/// One entry of the language switcher.
pub struct LanguageLink {
    pub code: &'static str,
    /// The language's name in itself (`فارسی`, `Русский`).
    pub name: String,
    pub current: bool,
}

/// What the layout needs of a page's language.
pub struct PageLanguage {
    pub language: Language,
    pub code: &'static str,
    pub dir: &'static str,
    /// The switcher's label in the page's language.
    pub label: String,
    /// Empty when the page offers no other language.
    pub links: Vec<LanguageLink>,
    /// What each switcher link starts with, `lang=xx` following: `?` for
    /// this page, or a path and query that the other language keeps (a
    /// link's token, the form a posted page came from).
    pub link_base: String,
}

impl PageLanguage {
    /// `language`, with a switcher over `offered` when there is a choice.
    pub fn new(language: Language, offered: &[Language]) -> Self {
        let links = if offered.len() > 1 {
            offered
                .iter()
                .map(|&other| LanguageLink {
                    code: other.code(),
                    name: Catalog::new(other).text("language-name"),
                    current: other == language,
                })
                .collect()
        } else {
            Vec::new()
        };
        Self {
            language,
            code: language.code(),
            dir: language.direction().as_html(),
            label: Catalog::new(language).text("language-switcher"),
            links,
            link_base: "?".to_owned(),
        }
    }

    /// The switcher's links start with `base` (which ends in `?` or `&`).
    pub fn linking_to(self, base: String) -> Self {
        Self {
            link_base: base,
            ..self
        }
    }

    /// English without a switcher.
    pub fn english() -> Self {
        Self::new(Language::En, &[])
    }
}

/// What a request asks of a page's language: a language it names (the
/// link's `?lang=`, or the posted form's `language`) and its `Accept-Language`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LanguageAsked {
    pub named: Option<String>,
    pub accept_language: Option<String>,
}

impl LanguageAsked {
    /// The request's `?lang=` and `Accept-Language`.
    pub fn of(request: &Request) -> Self {
        let query = request.query_string_parameters_ref();
        let named = query.and_then(|q| q.first(LANG_PARAMETER));
        let accept = request.headers().get(header::ACCEPT_LANGUAGE);
        Self {
            named: named.map(str::to_owned),
            accept_language: accept.and_then(|v| v.to_str().ok()).map(str::to_owned),
        }
    }

    /// The same request, naming `named` instead when it names one (a form
    /// post's `language` rather than the query's).
    pub fn naming(self, named: &str) -> Self {
        match named.trim() {
            "" => self,
            named => Self {
                named: Some(named.to_owned()),
                ..self
            },
        }
    }

    /// The contract's choice among `offered`: the language named, else the
    /// best of `Accept-Language`, else the first offered.
    pub fn among(&self, offered: &[Language]) -> Language {
        choose_language(
            self.named.as_deref(),
            self.accept_language.as_deref(),
            offered,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_switcher_names_each_language_in_itself_and_keeps_its_base() {
        let page = PageLanguage::new(Language::Fa, &[Language::En, Language::Fa])
            .linking_to("?token=abc&".to_owned());
        assert_eq!((page.code, page.dir), ("fa", "rtl"));
        let names: Vec<(&str, &str, bool)> = page
            .links
            .iter()
            .map(|l| (l.code, l.name.as_str(), l.current))
            .collect();
        assert_eq!(names, [("en", "English", false), ("fa", "فارسی", true)]);
        assert_eq!(page.link_base, "?token=abc&");
        assert!(
            PageLanguage::new(Language::Ru, &[Language::Ru])
                .links
                .is_empty()
        );
    }

    #[test]
    fn a_named_language_wins_over_the_header_when_offered() {
        let asked = LanguageAsked {
            named: Some("fa".into()),
            accept_language: Some("ru, en;q=0.5".into()),
        };
        assert_eq!(asked.among(&[Language::En, Language::Fa]), Language::Fa);
        assert_eq!(asked.among(&[Language::En, Language::Ru]), Language::Ru);
        let posted = asked.clone().naming("en");
        assert_eq!(posted.among(&[Language::Fa, Language::En]), Language::En);
        assert_eq!(asked.clone().naming(" "), asked);
        assert_eq!(
            LanguageAsked::default().among(&[Language::Tr]),
            Language::Tr
        );
    }
}
