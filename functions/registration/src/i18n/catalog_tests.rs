//! Every message in every language, with the same placeholders as English,
//! and every file well-formed.

use super::catalog::{FILES, sources};
use super::*;
use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
use std::collections::{BTreeMap, BTreeSet};

/// A file's messages: each id with the placeholders its text uses.
type Messages = BTreeMap<String, BTreeSet<String>>;

fn messages(language: Language, file: &str, source: &'static str) -> Messages {
    let resource = fluent_syntax::parser::parse(source)
        .unwrap_or_else(|(_, errors)| panic!("{}/{file}.ftl: {errors:?}", language.code()));
    let mut messages = Messages::new();
    for entry in resource.body {
        match entry {
            Entry::Message(message) => {
                let id = message.id.name.to_owned();
                let pattern = message.value.unwrap_or_else(|| panic!("{id} has no text"));
                let mut placeholders = BTreeSet::new();
                pattern_placeholders(&pattern, &mut placeholders);
                let repeated = messages.insert(id.clone(), placeholders);
                assert!(
                    repeated.is_none(),
                    "{}/{file}.ftl repeats {id}",
                    language.code()
                );
            }
            Entry::Junk { content } => panic!("{}/{file}.ftl: junk {content:?}", language.code()),
            _ => {}
        }
    }
    messages
}

fn pattern_placeholders(pattern: &Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_placeholders(expression, out);
        }
    }
}

fn expression_placeholders(expression: &Expression<&str>, out: &mut BTreeSet<String>) {
    match expression {
        Expression::Inline(inline) => inline_placeholders(inline, out),
        Expression::Select { selector, variants } => {
            inline_placeholders(selector, out);
            for variant in variants {
                pattern_placeholders(&variant.value, out);
            }
        }
    }
}

fn inline_placeholders(inline: &InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match inline {
        InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_owned());
        }
        InlineExpression::Placeable { expression } => expression_placeholders(expression, out),
        _ => {}
    }
}

fn catalog(language: Language) -> Vec<(&'static str, Messages)> {
    FILES
        .into_iter()
        .zip(sources(language))
        .map(|(file, source)| (file, messages(language, file, source)))
        .collect()
}

#[test]
fn every_message_is_in_every_language_with_the_same_placeholders() {
    let english = catalog(Language::En);
    assert!(english.iter().map(|(_, m)| m.len()).sum::<usize>() > 100);
    for language in Language::ALL {
        for ((file, theirs), (_, ours)) in catalog(language).iter().zip(&english) {
            let code = language.code();
            let missing: Vec<_> = ours.keys().filter(|id| !theirs.contains_key(*id)).collect();
            let extra: Vec<_> = theirs.keys().filter(|id| !ours.contains_key(*id)).collect();
            assert!(missing.is_empty(), "{code}/{file}.ftl lacks {missing:?}");
            assert!(
                extra.is_empty(),
                "{code}/{file}.ftl has {extra:?}, which English lacks"
            );
            for (id, placeholders) in ours {
                assert_eq!(
                    &theirs[id], placeholders,
                    "{code}/{file}.ftl: {id}'s placeholders"
                );
            }
        }
    }
}

#[test]
fn a_message_id_lives_in_one_file_only() {
    let mut seen = BTreeMap::new();
    for (file, messages) in catalog(Language::En) {
        for id in messages.into_keys() {
            if let Some(other) = seen.insert(id.clone(), file) {
                panic!("{id} is in both {other}.ftl and {file}.ftl");
            }
        }
    }
}

#[test]
fn every_message_formats_in_every_language_without_falling_back() {
    let args = [
        ("title", Arg::Text("Green Hydrogen")),
        ("name", Arg::Text("Ali")),
        ("heading", Arg::Text("H")),
        ("starts", Arg::Text("S")),
        ("starts_utc", Arg::Text("U")),
        ("closes", Arg::Text("C")),
        ("opens", Arg::Text("O")),
        ("field", Arg::Text("F")),
        ("message", Arg::Text("M")),
        ("link", Arg::Text("https://zoom.us/j/1")),
        ("days", Arg::Number(90)),
        ("max", Arg::Number(100)),
        ("position", Arg::Number(3)),
    ];
    for language in Language::ALL {
        let catalog = Catalog::new(language);
        for (file, messages) in super::catalog_tests::catalog(language) {
            for id in messages.keys() {
                let text = catalog.format(id, &args);
                assert!(
                    !text.trim().is_empty() && text != *id,
                    "{}/{file}.ftl: {id}",
                    language.code()
                );
            }
        }
    }
}

#[test]
fn placeholders_are_filled_and_isolated_from_the_sentence_around_them() {
    let subject = Catalog::new(Language::Fa).format(
        "confirmation-subject",
        &[("title", "Green Hydrogen".into())],
    );
    assert!(
        subject.contains("\u{2068}Green Hydrogen\u{2069}"),
        "{subject}"
    );
    assert!(subject.starts_with("لطفاً"), "{subject}");
    let place = |language, position: u32| {
        Catalog::new(language).format("waitlisted-place", &[("position", position.into())])
    };
    assert_eq!(
        place(Language::En, 0),
        "Every seat is taken. We will email you if one becomes free."
    );
    assert!(place(Language::En, 4).contains("number \u{2068}4\u{2069} in line"));
    // Persian writes the place with Persian digits, as it writes its dates.
    assert!(place(Language::Fa, 12).contains("نفر \u{2068}۱۲\u{2069} در نوبت"));
    assert_eq!(Catalog::new(Language::Ru).text("language-name"), "Русский");
}

#[test]
fn each_language_names_itself_as_the_contract_spells_it() {
    let names: Vec<String> = Language::ALL
        .into_iter()
        .map(|l| Catalog::new(l).text("language-name"))
        .collect();
    assert_eq!(
        names,
        ["English", "Русский", "中文", "فارسی", "Türkçe", "اردو"]
    );
}

#[test]
fn a_missing_message_falls_back_to_english_and_then_to_its_id() {
    assert_eq!(
        Catalog::new(Language::Zh).text("no-such-message"),
        "no-such-message"
    );
}
