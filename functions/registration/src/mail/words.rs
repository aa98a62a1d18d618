//! An email's words in its participant's language: the catalog's messages
//! with the program's values (title, host, dates) and the participant's name
//! put in, laid out as paragraphs, a link to act on and the cancel link, and
//! written once as the text part and once as the HTML part (askama escapes it).
//!
//! Every value put into a message stays isolated from the sentence around it:
//! in `<bdi>` in the HTML part; in the text part (and the subject) between
//! U+2068 FIRST STRONG ISOLATE and U+2069 POP DIRECTIONAL ISOLATE when the
//! language runs right to left or the value holds a right-to-left character,
//! the cases where it could reorder the words around it.

use crate::config::{DEFAULT_HOST, EventConfig};
use crate::i18n::{Arg, Catalog, Direction, Language, local_time, utc_time};
use askama::Template;
use icu_properties::CodePointMapData;
use icu_properties::props::BidiClass;

const FIRST_STRONG_ISOLATE: char = '\u{2068}';
const POP_DIRECTIONAL_ISOLATE: char = '\u{2069}';
/// Placeholder values are formatted as Private Use characters first, so that
/// each can be found in the message and isolated as its part requires.
const FIRST_MARK: u32 = 0xE000;

/// What every email to one participant says of the program, in their language.
pub(super) struct Frame<'a> {
    pub cat: Catalog,
    pub title: &'a str,
    /// The host by its name in this language when it is the default host.
    pub host: String,
    /// The start in the program's zone, and in UTC.
    pub starts: String,
    pub starts_utc: String,
}

impl<'a> Frame<'a> {
    pub fn new(event: &'a EventConfig, language: Language) -> Self {
        let cat = Catalog::new(language);
        let host = if event.host == DEFAULT_HOST {
            cat.text("org-name")
        } else {
            event.host.clone()
        };
        Self {
            cat,
            title: event.title_in(language),
            host,
            starts: local_time(language, event.starts_at, &event.timezone),
            starts_utc: utc_time(language, event.starts_at),
        }
    }

    pub fn language(&self) -> Language {
        self.cat.language()
    }

    /// The message `id` with `args` put in, each an isolated value.
    pub fn message(&self, id: &str, args: &[(&str, &str)]) -> Message {
        let marks: Vec<String> = (0..args.len()).map(|i| mark(i).to_string()).collect();
        let fluent: Vec<(&str, Arg<'_>)> = args
            .iter()
            .zip(&marks)
            .map(|((name, _), mark)| (*name, Arg::Text(mark)))
            .collect();
        let formatted = self.cat.format(id, &fluent);
        let mut pieces = Vec::new();
        let mut words = String::new();
        for c in formatted.chars() {
            let value = (0..args.len()).find(|&i| mark(i) == c);
            match value {
                Some(i) => {
                    if !words.is_empty() {
                        pieces.push(Piece::Words(std::mem::take(&mut words)));
                    }
                    pieces.push(Piece::Value(args[i].1.to_owned()));
                }
                None if c == FIRST_STRONG_ISOLATE || c == POP_DIRECTIONAL_ISOLATE => {}
                None => words.push(c),
            }
        }
        if !words.is_empty() {
            pieces.push(Piece::Words(words));
        }
        Message {
            pieces,
            language: self.language(),
        }
    }

    /// A message without placeholders.
    pub fn text(&self, id: &str) -> Message {
        self.message(id, &[])
    }

    /// `Dear { $name },`
    pub fn greeting(&self, name: &str) -> Block {
        Block::Paragraph(self.message("email-greeting", &[("name", name)]))
    }

    /// The host's name, closing the email.
    pub fn signature(&self) -> Block {
        Block::Paragraph(Message {
            pieces: vec![Piece::Value(self.host.clone())],
            language: self.language(),
        })
    }

    /// The cancel link with the words that ask for it.
    pub fn cancel(&self, prompt: &str, label: &str, url: &str) -> Block {
        Block::Cancel {
            prompt: self.text(prompt),
            label: self.cat.text(label),
            url: url.to_owned(),
        }
    }
}

fn mark(index: usize) -> char {
    char::from_u32(FIRST_MARK + index as u32).unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// One message: its own words, and the values put into it.
pub(super) struct Message {
    pub pieces: Vec<Piece>,
    language: Language,
}

pub(super) enum Piece {
    Words(String),
    Value(String),
}

impl Message {
    /// As the text part and the subject write it, values isolated where they
    /// could reorder the sentence.
    pub fn text(&self) -> String {
        let rtl_language = self.language.direction() == Direction::RightToLeft;
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Words(words) => out.push_str(words),
                Piece::Value(value) if rtl_language || has_right_to_left(value) => {
                    out.push(FIRST_STRONG_ISOLATE);
                    out.push_str(value);
                    out.push(POP_DIRECTIONAL_ISOLATE);
                }
                Piece::Value(value) => out.push_str(value),
            }
        }
        out
    }

    /// Words and values as written, no isolate (a calendar's fields).
    pub fn plain(&self) -> String {
        self.pieces
            .iter()
            .map(|piece| match piece {
                Piece::Words(text) | Piece::Value(text) => text.as_str(),
            })
            .collect()
    }
}

fn has_right_to_left(value: &str) -> bool {
    let bidi = CodePointMapData::<BidiClass>::new();
    let right_to_left = [
        BidiClass::RightToLeft,
        BidiClass::ArabicLetter,
        BidiClass::ArabicNumber,
    ];
    value.chars().any(|c| right_to_left.contains(&bidi.get(c)))
}

/// A part of an email's body.
pub(super) enum Block {
    Paragraph(Message),
    /// A link to follow: a button in the HTML part, with the address to copy;
    /// in the text part, the words that ask for it and the address.
    Action {
        button: String,
        prompt: Message,
        copy: Message,
        url: String,
    },
    /// The cancel link: the words asking for it, then the link.
    Cancel {
        prompt: Message,
        label: String,
        url: String,
    },
}

/// An email's body, in its two parts.
pub(super) struct Body<'a> {
    pub frame: &'a Frame<'a>,
    pub blocks: Vec<Block>,
}

impl Body<'_> {
    /// The text part: blocks separated by blank lines, addresses on lines of their own.
    pub fn text(&self) -> String {
        let blocks: Vec<String> = self
            .blocks
            .iter()
            .map(|block| match block {
                Block::Paragraph(message) => message.text(),
                Block::Action { prompt, url, .. } => format!("{}\n\n{url}", prompt.text()),
                Block::Cancel { prompt, url, .. } => format!("{}\n\n{url}", prompt.text()),
            })
            .collect();
        blocks.join("\n\n") + "\n"
    }

    /// The HTML part, in the language's `lang` and `dir`.
    pub fn html(&self) -> String {
        let language = self.frame.language();
        EmailHtml {
            lang: language.code(),
            dir: language.direction().as_html(),
            title: self.frame.title,
            blocks: &self.blocks,
        }
        .render()
        .expect("the email's HTML template renders")
    }
}

#[derive(Template)]
#[template(path = "email/email.html")]
struct EmailHtml<'a> {
    lang: &'a str,
    dir: &'a str,
    title: &'a str,
    blocks: &'a [Block],
}
