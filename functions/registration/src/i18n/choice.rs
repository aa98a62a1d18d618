//! Which language a page or an answer speaks: the link's `?lang=` when the
//! program offers it, else the best of the browser's `Accept-Language` among
//! the program's languages, else the program's first.
//!
//! `Accept-Language` is parsed here because fluent-langneg, the Fluent
//! crates' negotiator, ignores the q-values; the header's grammar (RFC 9110
//! §12.5.4) is a list of ranges with optional weights, a few lines to read.

use crate::program::Language;

/// A page's language, as the contract chooses it. `offered` is the program's
/// languages, its default first; when it is empty, English.
pub fn choose_language(
    query_lang: Option<&str>,
    accept_language: Option<&str>,
    offered: &[Language],
) -> Language {
    let default = offered.first().copied().unwrap_or(Language::En);
    let from_link = query_lang
        .and_then(|code| Language::from_code(&code.trim().to_ascii_lowercase()))
        .filter(|language| offered.contains(language));
    from_link
        .or_else(|| AcceptLanguage::parse(accept_language.unwrap_or("")).best_among(offered))
        .unwrap_or(default)
}

/// An `Accept-Language` header: its language ranges, most wanted first.
#[derive(Debug, Clone, PartialEq)]
pub struct AcceptLanguage {
    /// Ranges with a weight above zero, by weight, ties in the header's order.
    wanted: Vec<(String, f32)>,
    /// Ranges the reader refuses (`q=0`).
    refused: Vec<String>,
}

impl AcceptLanguage {
    /// Reads the header; an entry that is not a range with a valid weight is skipped.
    pub fn parse(header: &str) -> Self {
        let mut wanted = Vec::new();
        let mut refused = Vec::new();
        for entry in header.split(',') {
            let mut parts = entry.split(';').map(str::trim);
            let range = parts.next().unwrap_or("").to_ascii_lowercase();
            if range.is_empty()
                || !range
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '*')
            {
                continue;
            }
            let Some(weight) = weight(parts) else {
                continue;
            };
            if weight > 0.0 {
                wanted.push((range, weight));
            } else {
                refused.push(range);
            }
        }
        wanted.sort_by(|a, b| b.1.total_cmp(&a.1));
        Self { wanted, refused }
    }

    /// The most wanted of `offered`: a range names a language by its primary
    /// subtag (`zh-CN` is `zh`, `fa-AF` is `fa`); `*` is any not refused,
    /// the program's order deciding.
    pub fn best_among(&self, offered: &[Language]) -> Option<Language> {
        let refused =
            |language: &Language| self.refused.iter().any(|r| primary(r) == language.code());
        self.wanted
            .iter()
            .find_map(|(range, _)| match range.as_str() {
                "*" => offered.iter().copied().find(|l| !refused(l)),
                range => offered.iter().copied().find(|l| l.code() == primary(range)),
            })
    }
}

/// The weight of an entry's parameters: `q=0.5`; 1 without one; `None` when malformed.
fn weight<'a>(mut parameters: impl Iterator<Item = &'a str>) -> Option<f32> {
    let Some(parameter) = parameters.next() else {
        return Some(1.0);
    };
    let value = parameter
        .strip_prefix("q=")
        .or_else(|| parameter.strip_prefix("Q="))?;
    value
        .trim()
        .parse::<f32>()
        .ok()
        .filter(|q| (0.0..=1.0).contains(q))
}

fn primary(range: &str) -> &str {
    range.split('-').next().unwrap_or(range)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Language::*;

    const OFFERED: [Language; 3] = [En, Ru, Fa];

    #[test]
    fn the_links_language_beats_the_header_and_the_header_beats_the_default() {
        assert_eq!(choose_language(Some("fa"), Some("ru"), &OFFERED), Fa);
        assert_eq!(choose_language(Some("FA"), None, &OFFERED), Fa);
        assert_eq!(choose_language(None, Some("ru"), &OFFERED), Ru);
        assert_eq!(choose_language(None, None, &OFFERED), En);
        assert_eq!(choose_language(Some(""), Some(""), &OFFERED), En);
    }

    #[test]
    fn a_language_the_program_does_not_offer_falls_back_to_its_first() {
        // A link naming a language the program lacks: the header decides, then the first.
        assert_eq!(choose_language(Some("zh"), Some("ru"), &OFFERED), Ru);
        assert_eq!(choose_language(Some("zh"), None, &OFFERED), En);
        assert_eq!(
            choose_language(Some("de"), Some("de-DE, tr;q=0.9"), &OFFERED),
            En
        );
        assert_eq!(choose_language(None, Some("zh-CN,zh;q=0.9"), &[Fa, Ru]), Fa);
        assert_eq!(choose_language(None, Some("ru"), &[]), En);
    }

    #[test]
    fn accept_language_is_read_by_weight_then_order() {
        let header = "de;q=0.9, ru;q=0.5, fa-IR;q=0.8, en;q=0.1";
        assert_eq!(choose_language(None, Some(header), &OFFERED), Fa);
        assert_eq!(choose_language(None, Some("ru, fa"), &OFFERED), Ru);
        assert_eq!(
            choose_language(None, Some("fa;q=0.7, ru;q=0.7"), &OFFERED),
            Fa
        );
        assert_eq!(
            choose_language(None, Some("zh-Hans-CN,en;q=0.3"), &[En, Zh]),
            Zh
        );
        assert_eq!(
            choose_language(None, Some("en-GB;q=0.4,ur-PK"), &[En, Ur]),
            Ur
        );
    }

    #[test]
    fn refused_and_malformed_ranges_choose_nothing() {
        assert_eq!(choose_language(None, Some("ru;q=0"), &OFFERED), En);
        assert_eq!(choose_language(None, Some("*, en;q=0"), &OFFERED), Ru);
        assert_eq!(
            choose_language(None, Some("ru;q=2, fa;q=abc, tr"), &[En, Ru, Fa, Tr]),
            Tr
        );
        assert_eq!(
            choose_language(None, Some("<script>, ;;, ru"), &OFFERED),
            Ru
        );
    }
}
