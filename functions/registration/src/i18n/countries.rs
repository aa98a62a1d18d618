//! The form's country list in the page's language: every ISO 3166-1 alpha-2
//! code the form accepts (isocountry's list, as `domain::Country` checks),
//! named by CLDR (ICU4X's display names) and sorted by that language's
//! collation (ICU4X's collator: pinyin for Chinese, the Persian and Urdu
//! alphabets, Russian's and Turkish's own letters).

use crate::program::Language;
use icu_collator::Collator;
use icu_collator::options::CollatorOptions;
use icu_experimental::displaynames::DisplayNamesOptions;
use icu_experimental::displaynames::multi::RegionDisplayNames;
use icu_locale_core::subtags::Region;

/// A country of the form's list: the code stored and the name shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryName {
    pub code: &'static str,
    pub name: String,
}

/// Every country the form accepts, named in `language` and in its
/// alphabetical order. A code CLDR has no name for in that language keeps
/// its English (ISO) name rather than leave the list.
pub fn country_names(language: Language) -> Vec<CountryName> {
    let locale = language.icu_locale();
    let names = RegionDisplayNames::try_new(locale.clone().into(), DisplayNamesOptions::default())
        .map_err(|err| tracing::error!(language = language.code(), %err, "no country names for the language"))
        .ok();
    let mut countries: Vec<CountryName> = isocountry::CountryCode::iter()
        .map(|country| {
            let code = country.alpha2();
            let cldr = names
                .as_ref()
                .and_then(|names| Region::try_from_str(code).ok().and_then(|r| names.of(r)));
            CountryName {
                code,
                name: cldr.unwrap_or(country.name()).to_owned(),
            }
        })
        .collect();
    match Collator::try_new(locale.into(), CollatorOptions::default()) {
        Ok(collator) => countries.sort_by(|a, b| collator.compare(&a.name, &b.name)),
        Err(err) => {
            tracing::error!(language = language.code(), %err, "no collation for the language");
            countries.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }
    countries
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(language: Language) -> Vec<CountryName> {
        country_names(language)
    }

    #[test]
    fn every_language_names_every_country_the_form_accepts_once() {
        let codes: std::collections::BTreeSet<&str> = isocountry::CountryCode::iter()
            .map(|c| c.alpha2())
            .collect();
        for language in Language::ALL {
            let list = names(language);
            let listed: std::collections::BTreeSet<&str> = list.iter().map(|c| c.code).collect();
            assert_eq!(list.len(), codes.len(), "{language:?}");
            assert_eq!(listed, codes, "{language:?}");
            assert!(list.iter().all(|c| !c.name.is_empty()), "{language:?}");
        }
    }

    #[test]
    fn persian_names_the_countries_in_persian_in_the_persian_alphabets_order() {
        let list = names(Language::Fa);
        let name = |code: &str| list.iter().find(|c| c.code == code).unwrap().name.clone();
        assert_eq!(name("IR"), "ایران");
        assert_eq!(name("AF"), "افغانستان");
        assert_eq!(name("CN"), "چین");
        assert_eq!(name("DE"), "آلمان");
        let position = |code: &str| list.iter().position(|c| c.code == code).unwrap();
        // آ and ا first, then ب, then پ (a Persian letter Arabic lacks) before ت.
        assert!(position("DE") < position("AF"));
        assert!(position("AF") < position("BR"));
        assert!(position("BR") < position("PK"));
        assert!(position("PK") < position("TR"));
        // چ after ج, ژ after ز: Jamaica, China; Zambia, Japan, Sweden.
        assert!(position("JM") < position("CN"));
        assert!(position("ZM") < position("JP") && position("JP") < position("SE"));
        let first: Vec<&str> = list[..3].iter().map(|c| c.name.as_str()).collect();
        assert_eq!(first, ["آرژانتین", "آروبا", "آلبانی"]);
        let sorted = is_sorted_by_collation(Language::Fa, &list);
        assert!(sorted);
    }

    #[test]
    fn chinese_names_the_countries_in_chinese_in_pinyin_order() {
        let list = names(Language::Zh);
        let name = |code: &str| list.iter().find(|c| c.code == code).unwrap().name.clone();
        assert_eq!(name("CN"), "中国");
        assert_eq!(name("PK"), "巴基斯坦");
        assert_eq!(name("IR"), "伊朗");
        let position = |code: &str| list.iter().position(|c| c.code == code).unwrap();
        // Pinyin: Afuhan (阿富汗) < Bajisitan (巴基斯坦) < Yilang (伊朗) < Zhongguo (中国).
        assert!(position("AF") < position("PK"));
        assert!(position("PK") < position("IR"));
        assert!(position("IR") < position("CN"));
        assert!(is_sorted_by_collation(Language::Zh, &list));
    }

    #[test]
    fn turkish_and_russian_sort_by_their_own_letters() {
        let tr = names(Language::Tr);
        let position = |code: &str| tr.iter().position(|c| c.code == code).unwrap();
        // Turkish: Çin after Cezayir, before Danimarka.
        assert!(position("DZ") < position("CN") && position("CN") < position("DK"));
        let ru = names(Language::Ru);
        assert_eq!(ru.first().map(|c| c.code), Some("AU"), "Австралия first");
    }

    fn is_sorted_by_collation(language: Language, list: &[CountryName]) -> bool {
        let collator =
            Collator::try_new(language.icu_locale().into(), CollatorOptions::default()).unwrap();
        list.windows(2)
            .all(|w| collator.compare(&w[0].name, &w[1].name) != std::cmp::Ordering::Greater)
    }
}
