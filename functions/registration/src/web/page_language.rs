//! The language a page speaks: its `<html lang dir>` and the switcher that
//! lists the program's languages as plain `?lang=` links (no script).

use crate::i18n::{Catalog, Language};

/// One entry of the language switcher.
pub struct LanguageLink {
    pub code: &'static str,
    /// The language's name in itself (`فارسی`, `Русский`).
    pub name: String,
    pub current: bool,
}

/// What the layout needs of a page's language.
pub struct PageLanguage {
    pub code: &'static str,
    pub dir: &'static str,
    /// The switcher's label in the page's language.
    pub label: String,
    /// Empty when the page offers no other language.
    pub links: Vec<LanguageLink>,
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
            code: language.code(),
            dir: language.direction().as_html(),
            label: Catalog::new(language).text("language-switcher"),
            links,
        }
    }

    /// English without a switcher: the pages not yet given a language.
    pub fn english() -> Self {
        Self::new(Language::En, &[])
    }
}
