//! The system's words in every language it speaks: the message catalogs
//! (Project Fluent files under `locales/`, one folder per language, compiled in
//! and parsed on first use), choosing a page's language, its writing
//! direction, and the values written as each language writes them: dates and
//! times (ICU4X, in the program's time zone) and the country list (CLDR names
//! in that language's alphabetical order).

mod catalog;
#[cfg(test)]
mod catalog_tests;
mod choice;
mod countries;
mod dates;
#[cfg(test)]
mod english_tests;
mod invalid;
mod numbers;

pub use crate::program::Language;
pub use catalog::{Arg, Catalog};
pub use choice::{AcceptLanguage, choose_language};
pub use countries::{CountryName, country_names};
pub use dates::{local_time, utc_time};
pub use numbers::number;

/// Which way a language's text runs: `dir="ltr"` or `dir="rtl"` on a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    LeftToRight,
    RightToLeft,
}

impl Direction {
    /// The value of HTML's `dir` attribute.
    pub fn as_html(self) -> &'static str {
        match self {
            Direction::LeftToRight => "ltr",
            Direction::RightToLeft => "rtl",
        }
    }
}

impl Language {
    /// Persian and Urdu are written right to left; the others left to right.
    pub fn direction(self) -> Direction {
        match self {
            Language::Fa | Language::Ur => Direction::RightToLeft,
            Language::En | Language::Ru | Language::Zh | Language::Tr => Direction::LeftToRight,
        }
    }

    /// The ICU locale whose data writes this language's dates and names.
    /// English is British English (day before month, a 24-hour clock, as the
    /// pages wrote dates before); Persian takes Iran's calendar and digits,
    /// Urdu Pakistan's; Chinese is Simplified.
    pub(crate) fn icu_locale(self) -> icu_locale_core::Locale {
        use icu_locale_core::locale;
        match self {
            Language::En => locale!("en-GB"),
            Language::Ru => locale!("ru"),
            Language::Zh => locale!("zh-Hans"),
            Language::Fa => locale!("fa"),
            Language::Tr => locale!("tr"),
            Language::Ur => locale!("ur"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn persian_and_urdu_run_right_to_left_and_the_others_left_to_right() {
        let rtl: Vec<&str> = Language::ALL
            .into_iter()
            .filter(|l| l.direction() == Direction::RightToLeft)
            .map(Language::code)
            .collect();
        assert_eq!(rtl, ["fa", "ur"]);
        assert_eq!(Language::Fa.direction().as_html(), "rtl");
        assert_eq!(Language::Zh.direction().as_html(), "ltr");
    }
}
