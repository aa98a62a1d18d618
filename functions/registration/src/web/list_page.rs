//! The page `GET /` shows while several programs are open: each one's title,
//! start and closing time in its own zone, and a link to its form, in the
//! language the request asks for among the programs' languages.

use super::message_pages::{host_in, title_in};
use super::page_language::{LanguageAsked, PageLanguage};
use crate::i18n::{self, Arg, Catalog, Language};
use crate::program::ProgramSettings;
use askama::Template;
use std::sync::Arc;

/// One open program in the list.
struct ListedProgram<'a> {
    id: &'a str,
    title: &'a str,
    when: String,
    closes: String,
}

#[derive(Template)]
#[template(path = "list.html")]
struct ListPage<'a> {
    page: PageLanguage,
    cat: Catalog,
    /// Named at the top when every program listed has the same host.
    host: Option<String>,
    programs: Vec<ListedProgram<'a>>,
}

/// Every language one of `programs` offers, each once, in the order met
/// (so the first program's default comes first).
fn languages_of(programs: &[Arc<ProgramSettings>]) -> Vec<Language> {
    let mut languages = Vec::new();
    for language in programs.iter().flat_map(|p| p.languages.iter().copied()) {
        if !languages.contains(&language) {
            languages.push(language);
        }
    }
    languages
}

/// The list of the programs open for registration, in the order given, in
/// the language `asked` chooses among the languages they offer; each
/// program's title in that language where it has one, else its own.
pub fn list_page(programs: &[Arc<ProgramSettings>], asked: &LanguageAsked) -> String {
    let offered = languages_of(programs);
    let language = asked.among(&offered);
    let cat = Catalog::new(language);
    let first_host = programs.first().map(|p| p.host.as_str());
    let host = first_host.filter(|host| programs.iter().all(|p| p.host == *host));
    let programs = programs
        .iter()
        .map(|p| {
            let zone = p.time_zone();
            let starts = i18n::local_time(language, p.starts_at, &zone);
            let closes = i18n::local_time(language, p.registration_closes_at, &zone);
            ListedProgram {
                id: p.id.as_ref(),
                title: title_in(p, language),
                when: cat.format("form-when", &[("starts", Arg::Text(&starts))]),
                closes: cat.format("form-closes", &[("closes", Arg::Text(&closes))]),
            }
        })
        .collect();
    ListPage {
        page: PageLanguage::new(language, &offered),
        cat,
        host: host.map(|host| host_in(cat, host)),
        programs,
    }
    .render()
    .expect("the list template renders")
}
