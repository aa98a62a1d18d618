//! A mailbox: the inbox an address delivers to. `victim+1@…`, `Victim+2@…` and,
//! at Gmail, `v.i.c.t.i.m@gmail.com` are one mailbox, so a limit per mailbox
//! cannot be dodged by writing one inbox many ways.

/// Providers known to ignore dots in the local part (Gmail, under both of its
/// domains; `googlemail.com` delivers to the same inbox as `gmail.com`). Other
/// domains may do the same (Google Workspace domains do), but nothing in an
/// address says so: for them `a.b` and `ab` stay two mailboxes.
const DOTS_IGNORED: &[&str] = &["gmail.com", "googlemail.com"];

/// The canonical form of an address's mailbox. Never logged: it is an address.
#[derive(Clone, PartialEq, Eq)]
pub struct Mailbox(String);

impl Mailbox {
    /// The address lower-cased, without its `+tag`, and without dots in the
    /// local part where the provider ignores them (`googlemail.com` as
    /// `gmail.com`).
    pub fn of(address: &str) -> Self {
        let address = address.trim().to_lowercase();
        let Some((local, domain)) = address.rsplit_once('@') else {
            return Self(address);
        };
        let local = match local.split_once('+') {
            Some((base, _tag)) if !base.is_empty() => base,
            _ => local,
        };
        let (local, domain) = if DOTS_IGNORED.contains(&domain) {
            (local.replace('.', ""), "gmail.com")
        } else {
            (local.to_owned(), domain)
        };
        Self(format!("{local}@{domain}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Mailbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Mailbox(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tags_case_and_gmail_dots_name_one_mailbox() {
        for alias in [
            "victim@gmail.com",
            "Victim@Gmail.com",
            "victim+1@gmail.com",
            "victim+news+2@gmail.com",
            "v.i.c.t.i.m@gmail.com",
            "V.ictim+x@googlemail.com",
        ] {
            assert_eq!(Mailbox::of(alias).as_str(), "victim@gmail.com", "{alias}");
        }
    }

    #[test]
    fn elsewhere_dots_matter_and_only_the_tag_goes() {
        assert_eq!(
            Mailbox::of("Ali.Khan+cells@Example.org").as_str(),
            "ali.khan@example.org"
        );
        assert_ne!(
            Mailbox::of("a.b@example.org"),
            Mailbox::of("ab@example.org")
        );
        // A local part that is only a tag keeps it: there is nothing else.
        assert_eq!(Mailbox::of("+x@example.org").as_str(), "+x@example.org");
        assert!(!format!("{:?}", Mailbox::of("ali@example.org")).contains("ali"));
    }

    proptest! {
        #[test]
        fn any_tag_and_any_dots_at_gmail_give_the_same_mailbox(
            name in "[a-z0-9]{1,20}",
            tag in "[a-z0-9+.-]{0,10}",
            dots in proptest::collection::vec(any::<bool>(), 20),
        ) {
            let dotted: String = name
                .chars()
                .zip(dots.iter())
                .enumerate()
                .map(|(i, (c, dot))| if *dot && i > 0 { format!(".{c}") } else { c.to_string() })
                .collect();
            let alias = format!("{dotted}+{tag}@GMAIL.com");
            prop_assert_eq!(Mailbox::of(&alias), Mailbox::of(&format!("{name}@gmail.com")));
        }
    }
}
