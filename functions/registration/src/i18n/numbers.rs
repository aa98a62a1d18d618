//! Whole numbers as each language writes them (ICU4X): Persian with Persian
//! digits, as its dates are, the others with the digits and grouping their
//! locale uses. A catalog's placeholders (`{ $position }`, `{ $max }`) are
//! written through this, while the plural form is still chosen by the value.

use crate::program::Language;
use icu_decimal::input::Decimal;
use icu_decimal::{DecimalFormatter, DecimalFormatterPreferences};
use std::cell::OnceCell;

// One formatter per language and thread, made on first use (ICU4X's data is
// not `Sync` without its `sync` feature, as for the dates).
thread_local! {
    static FORMATTERS: [OnceCell<Option<DecimalFormatter>>; 6] = const { [const { OnceCell::new() }; 6] };
}

/// `number` as `language` writes it; plain ASCII digits should its data be missing.
pub fn number(language: Language, number: u64) -> String {
    let index = Language::ALL
        .iter()
        .position(|l| *l == language)
        .unwrap_or(0);
    FORMATTERS.with(|formatters| {
        let formatter = formatters[index].get_or_init(|| {
            let prefs: DecimalFormatterPreferences = (&language.icu_locale()).into();
            DecimalFormatter::try_new(prefs, Default::default())
                .inspect_err(|err| {
                    tracing::error!(language = language.code(), %err, "no number format for the language");
                })
                .ok()
        });
        match formatter {
            Some(formatter) => formatter.format(&Decimal::from(number)).to_string(),
            None => number.to_string(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn persian_writes_persian_digits_and_the_others_their_own() {
        assert_eq!(number(Language::Fa, 1), "۱");
        assert_eq!(number(Language::Fa, 25), "۲۵");
        assert_eq!(number(Language::En, 1200), "1,200");
        assert_eq!(number(Language::Tr, 3), "3");
        assert_eq!(number(Language::Zh, 7), "7");
    }
}
