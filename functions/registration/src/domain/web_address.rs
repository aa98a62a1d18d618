//! Whether a name holds a web address: `://`, `www.`, or a bare domain such as
//! `pay-help.com` or `bit.ly/x`, so that the name in an email from the
//! organizers cannot send its reader somewhere.
//!
//! Written by hand: a public-suffix crate would know every top-level domain,
//! and so refuse names that only look like one (`Dr.Ali` is no domain, `.li`
//! and `.ma` are also surnames). The rule is in `is_bare_domain`.

use icu_normalizer::ComposingNormalizerBorrowed;

/// The generic top-level domains that links in spam use, besides the two-letter
/// country codes. Words that are also common names are left out.
const GENERIC_TLDS: [&str; 44] = [
    "com", "net", "org", "info", "biz", "edu", "gov", "mil", "int", "xyz", "top", "online", "site",
    "club", "shop", "store", "app", "dev", "link", "click", "live", "tech", "website", "space",
    "fun", "icu", "vip", "email", "page", "cloud", "pro", "mobi", "asia", "news", "blog",
    "support", "help", "services", "bank", "money", "finance", "zip", "win", "loan",
];

/// Titles written before a surname without a space (`Prof.Li`, `Mrs.Hu`): with
/// a two-letter country code after them they are a name, not a domain.
const TITLES: [&str; 16] = [
    "mr", "mrs", "ms", "miss", "dr", "prof", "eng", "engr", "sir", "rev", "hon", "capt", "col",
    "gen", "sr", "jr",
];

/// Two-letter top-level domains that are no ISO 3166-1 code.
const OTHER_COUNTRY_TLDS: [&str; 4] = ["uk", "eu", "su", "ac"];

/// `://`, `www.` or a bare domain, in any case, also when typed in full-width
/// or other compatibility forms (`ｗｗｗ．`), which NFKC folds to the plain ones.
pub(super) fn contains_web_address(value: &str) -> bool {
    let folded = ComposingNormalizerBorrowed::new_nfkc()
        .normalize(value)
        .to_lowercase()
        // The ideographic full stop, which browsers read as a dot in a host.
        .replace('\u{3002}', ".");
    folded.contains("://")
        || folded.contains("www.")
        || folded
            .split(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '.' | '/')))
            .any(is_bare_domain)
}

/// A run with no space of labels joined by dots (letters of any script, digits,
/// hyphens) whose last label is:
/// - a generic top-level domain (`pay-help.com`, `x.com`), or
/// - a two-letter country code with a path after it (`bit.ly/x`, `t.me/x`) or a
///   label of at least three characters before it (`bit.ly`, `pay-help.ir`)
///   that is no title: `J.Li`, `Dr.Ma`, `Prof.Hu` and `A.B.Ng` stay names.
fn is_bare_domain(run: &str) -> bool {
    let (host, has_path) = match run.split_once('/') {
        Some((host, _)) => (host, true),
        None => (run, false),
    };
    // Hyphens and dots at the ends are punctuation around the host, not part of it.
    let labels: Vec<&str> = host.trim_matches(['.', '-']).split('.').collect();
    let [before @ .., last, tld] = labels.as_slice() else {
        return false;
    };
    let well_formed = before.iter().chain([last]).all(|label| is_label(label));
    if !well_formed {
        return false;
    }
    let generic = GENERIC_TLDS.contains(tld) || tld.starts_with("xn--");
    let country = is_country_tld(tld);
    let long_label = last.chars().count() >= 3 && !TITLES.contains(last);
    generic || (country && (has_path || long_label))
}

fn is_label(label: &str) -> bool {
    !label.is_empty()
        && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

fn is_country_tld(tld: &str) -> bool {
    tld.len() == 2
        && tld.chars().all(|c| c.is_ascii_lowercase())
        && (OTHER_COUNTRY_TLDS.contains(&tld)
            || isocountry::CountryCode::for_alpha2(&tld.to_ascii_uppercase()).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_domains_are_web_addresses() {
        for name in [
            "pay-help.com",
            "pay-help.com/x",
            "bit.ly/x",
            "Ali visit pay-help.com now",
            "Ali (PAY-HELP.COM)",
            "t.me/joinus",
            "wa.me/923001234567",
            "x.com",
            "pay.help.ir",
            "prof.li/x",
            "پرداخت.com",
            "pay-help.com.",
            "ali@pay-help.org",
            "pay-help。com",
            "pay-help.xn--p1ai",
            "Ali -pay-help.com-",
        ] {
            assert!(contains_web_address(name), "{name:?}");
        }
    }

    #[test]
    fn names_with_dots_are_no_web_addresses() {
        for name in [
            "J. R. R. Tolkien",
            "Dr.Ali",
            "Dr. Ali Khan",
            "J.Li",
            "Dr.Ma",
            "A.B.Ng",
            "Prof.Li",
            "Mrs.Hu Mei",
            "Mohammad.Ali",
            "J.R.R.Tolkien",
            "Ali Khan, Ph.D.",
            "St. John-Smith",
            "А.С. Пушкин",
            "Ali/Khan",
            "Ali.",
            "..com",
        ] {
            assert!(!contains_web_address(name), "{name:?}");
        }
    }
}
