//! The page `GET /` shows while several programs are open: each one's title,
//! start and closing time in its own zone, and a link to its form.

use crate::config::local_time;
use crate::program::ProgramSettings;
use askama::Template;
use std::sync::Arc;

/// One open program in the list.
struct ListedProgram<'a> {
    id: &'a str,
    title: &'a str,
    starts_local: String,
    closes_local: String,
}

#[derive(Template)]
#[template(path = "list.html")]
struct ListPage<'a> {
    page: super::page_language::PageLanguage,
    /// Named at the top when every program listed has the same host.
    host: Option<&'a str>,
    programs: Vec<ListedProgram<'a>>,
}

/// The list of the programs open for registration, in the order given.
pub fn list_page(programs: &[Arc<ProgramSettings>]) -> String {
    let first_host = programs.first().map(|p| p.host.as_str());
    let host = first_host.filter(|host| programs.iter().all(|p| p.host == *host));
    let programs = programs
        .iter()
        .map(|p| {
            let zone = p.time_zone();
            ListedProgram {
                id: p.id.as_ref(),
                title: &p.title,
                starts_local: local_time(&zone, p.starts_at),
                closes_local: local_time(&zone, p.registration_closes_at),
            }
        })
        .collect();
    ListPage {
        page: super::page_language::PageLanguage::english(),
        host,
        programs,
    }
    .render()
    .expect("the list template renders")
}
