//! The sign-in email: the link, how long it works, and what to do if the
//! organizer did not ask for it. Plain text and HTML (the link escaped).

use askama::Template;
use registration::domain::EmailAddress;
use registration::mail::OutgoingEmail;

#[derive(Template)]
#[template(path = "email/sign_in.txt")]
struct SignInText<'a> {
    url: &'a str,
}

#[derive(Template)]
#[template(path = "email/sign_in.html")]
struct SignInHtml<'a> {
    url: &'a str,
}

pub const SIGN_IN_SUBJECT: &str = "Your sign-in link to the organizer console";

/// The sign-in email to `to`, carrying `url`.
pub fn sign_in_email(to: EmailAddress, url: &str) -> OutgoingEmail {
    OutgoingEmail {
        to,
        subject: SIGN_IN_SUBJECT.to_owned(),
        text: SignInText { url }
            .render()
            .expect("the sign-in text renders"),
        html: SignInHtml { url }
            .render()
            .expect("the sign-in HTML renders"),
        attachments: Vec::new(),
        tags: None,
    }
}
