//! The message catalogs: for each language the Fluent files of
//! `locales/<code>/`, compiled into the binary and parsed into a bundle the
//! first time that language is asked for, so a function's init pays for none
//! of them and a request for one language pays for that one only.

use crate::program::Language;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::LazyLock;

/// A catalog's files, the same names in every language's folder.
pub(crate) const FILES: [&str; 5] = ["pages", "fields", "problems", "links", "emails"];

macro_rules! catalog_files {
    ($code:literal) => {
        [
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/locales/",
                $code,
                "/pages.ftl"
            )),
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/locales/",
                $code,
                "/fields.ftl"
            )),
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/locales/",
                $code,
                "/problems.ftl"
            )),
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/locales/",
                $code,
                "/links.ftl"
            )),
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/locales/",
                $code,
                "/emails.ftl"
            )),
        ]
    };
}

/// A language's catalog files as compiled in, in the order of `FILES`.
pub(crate) fn sources(language: Language) -> [&'static str; FILES.len()] {
    match language {
        Language::En => catalog_files!("en"),
        Language::Ru => catalog_files!("ru"),
        Language::Zh => catalog_files!("zh"),
        Language::Fa => catalog_files!("fa"),
        Language::Tr => catalog_files!("tr"),
        Language::Ur => catalog_files!("ur"),
    }
}

type Bundle = FluentBundle<FluentResource>;

/// One bundle per language, in the order of `Language::ALL`, each parsed on first use.
static BUNDLES: [LazyLock<Bundle>; 6] = [
    LazyLock::new(|| bundle(Language::En)),
    LazyLock::new(|| bundle(Language::Ru)),
    LazyLock::new(|| bundle(Language::Zh)),
    LazyLock::new(|| bundle(Language::Fa)),
    LazyLock::new(|| bundle(Language::Tr)),
    LazyLock::new(|| bundle(Language::Ur)),
];

/// A language's bundle. A file that does not parse keeps the messages that do
/// (the completeness test fails on it long before a deployment).
fn bundle(language: Language) -> Bundle {
    let id = language.code().parse().unwrap_or_default();
    let mut bundle = Bundle::new_concurrent(vec![id]);
    bundle.set_formatter(Some(number_writer(language)));
    for (file, source) in FILES.iter().zip(sources(language)) {
        let resource =
            FluentResource::try_new(source.to_owned()).unwrap_or_else(|(partial, errors)| {
                tracing::error!(
                    language = language.code(),
                    file,
                    errors = errors.len(),
                    "a catalog file has syntax errors"
                );
                partial
            });
        if let Err(errors) = bundle.add_resource(resource) {
            tracing::error!(
                language = language.code(),
                file,
                errors = errors.len(),
                "a catalog file repeats a message"
            );
        }
    }
    bundle
}

fn bundle_of(language: Language) -> &'static Bundle {
    &BUNDLES[language_index(language)]
}

fn language_index(language: Language) -> usize {
    Language::ALL
        .iter()
        .position(|l| *l == language)
        .unwrap_or(0)
}

/// The bundle's writer of numbers for `language`.
fn number_writer<M>(language: Language) -> fn(&FluentValue, &M) -> Option<String> {
    match language {
        Language::En => write_number::<0, M>,
        Language::Ru => write_number::<1, M>,
        Language::Zh => write_number::<2, M>,
        Language::Fa => write_number::<3, M>,
        Language::Tr => write_number::<4, M>,
        Language::Ur => write_number::<5, M>,
    }
}

/// A whole number placed in a message, written as the `L`th language writes
/// it (Persian digits in Persian); anything else as Fluent writes it.
fn write_number<const L: usize, M>(value: &FluentValue, _: &M) -> Option<String> {
    match value {
        FluentValue::Number(n) if n.value >= 0.0 && n.value.fract() == 0.0 => {
            // Whole and non-negative: the cast is exact below 2^53.
            Some(super::numbers::number(Language::ALL[L], n.value as u64))
        }
        _ => None,
    }
}

/// A value put into a message's placeholder (`{ $title }`, `{ $count }`).
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Text(&'a str),
    /// A number, which also chooses the plural form (`{ $count ->`).
    Number(u64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(text: &'a str) -> Self {
        Arg::Text(text)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(text: &'a String) -> Self {
        Arg::Text(text)
    }
}

impl From<u64> for Arg<'_> {
    fn from(number: u64) -> Self {
        Arg::Number(number)
    }
}

impl From<u32> for Arg<'_> {
    fn from(number: u32) -> Self {
        Arg::Number(number.into())
    }
}

/// The words of one language: every user-facing text by its message id.
///
/// Values put into placeholders are wrapped in Unicode isolates (FSI … PDI,
/// Fluent's default), so a Latin title or address inside a Persian sentence,
/// or a Persian name inside an English one, keeps its own direction and
/// leaves the sentence's order alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Catalog {
    language: Language,
}

impl Catalog {
    pub fn new(language: Language) -> Self {
        Self { language }
    }

    pub fn language(self) -> Language {
        self.language
    }

    /// A message without placeholders.
    pub fn text(self, id: &str) -> String {
        self.format(id, &[])
    }

    /// A message with its placeholders filled. A message missing from this
    /// language (which the completeness test prevents) is taken from English;
    /// one missing from English too shows its id, and both are logged.
    pub fn format(self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        let args = fluent_args(args);
        format_in(bundle_of(self.language), id, &args)
            .or_else(|| {
                tracing::warn!(
                    language = self.language.code(),
                    id,
                    "a message is missing from its catalog"
                );
                format_in(bundle_of(Language::En), id, &args)
            })
            .unwrap_or_else(|| {
                tracing::error!(id, "a message is missing from the English catalog");
                id.to_owned()
            })
    }
}

fn fluent_args<'a>(args: &[(&'a str, Arg<'a>)]) -> FluentArgs<'a> {
    let mut fluent = FluentArgs::with_capacity(args.len());
    for (name, value) in args {
        let value = match *value {
            Arg::Text(text) => FluentValue::from(text),
            Arg::Number(number) => FluentValue::from(number),
        };
        fluent.set(*name, value);
    }
    fluent
}

fn format_in(bundle: &Bundle, id: &str, args: &FluentArgs<'_>) -> Option<String> {
    let pattern = bundle.get_message(id)?.value()?;
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(args), &mut errors);
    if !errors.is_empty() {
        tracing::warn!(
            id,
            errors = errors.len(),
            "a message was formatted with errors"
        );
    }
    Some(text.into_owned())
}
