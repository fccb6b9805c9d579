//! Which services a request reaches, by the API token it carries, as Callgoose scopes tokens.
//!
//! A token is *global* (its requests reach every service's filters) or scoped to one *service* (only
//! that service's filters evaluate its requests). The tokens a run knows are written as `SECRET` or
//! `SERVICE=SECRET`, on the command line (`--token`, repeatable) or in a case file (`tokens`):
//! - `SERVICE=SECRET` when the text before the first `=` is the name of a loaded service;
//! - `*=SECRET` for a global token written explicitly (one whose text would otherwise read as scoped);
//! - anything else is a global token, `=` and all (base64 tokens end in `=`).
//!
//! With no token known, tokens are not checked and every request reaches every service. Otherwise a
//! request without a token answers `401`, one whose token matches none `403` (the seed guides name
//! both), and one whose token matches reaches the union of what its matches reach.
//!
//! Tokens are secrets: nothing here ever formats one, and errors name a token by its position only.

use crate::secrets::Secret;
use std::collections::BTreeSet;

/// The tokens a run knows, with what each reaches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tokens {
    known: Vec<(Scope, Secret)>,
}

/// What one token reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Scope {
    /// Every service.
    Global,
    /// This service only.
    Service(String),
}

/// Whether a request gets in, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    /// It reaches these services.
    Reaches(Reach),
    /// `401`: it carries no token.
    NoToken,
    /// `403`: its token is not one the run knows.
    UnknownToken,
}

/// The services an admitted request reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Every service.
    All,
    /// These services only.
    Only(BTreeSet<String>),
}

impl Reach {
    /// Whether the request reaches `service`.
    pub fn reaches(&self, service: &str) -> bool {
        match self {
            Reach::All => true,
            Reach::Only(names) => names.contains(service),
        }
    }
}

/// What reading the tokens found worth saying, each token named by its 1-based position only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    /// Tokens written `NAME=SECRET` whose name is no loaded service, read as global tokens: a
    /// misspelt service name makes a scoped token global.
    pub read_as_global: Vec<usize>,
    /// Tokens written `SERVICE=` with nothing after it (an unset variable in `SERVICE=$TOKEN`), each
    /// with its service: an error, or the service would take the text `SERVICE=` as its token.
    pub empty: Vec<(usize, String)>,
}

impl Tokens {
    /// Reads tokens as written (see the module's rules), against the names of the loaded services.
    /// Empty specs are refused by the caller (an unset variable gives one).
    pub fn parse<'a>(
        specs: impl IntoIterator<Item = &'a str>,
        services: &[&str],
    ) -> (Tokens, Findings) {
        let mut known = Vec::new();
        let mut findings = Findings::default();
        for (i, spec) in specs.into_iter().enumerate() {
            let entry = match spec.split_once('=') {
                Some((name, "")) if services.contains(&name) => {
                    findings.empty.push((i + 1, name.to_owned()));
                    continue;
                }
                Some(("*", secret)) if !secret.is_empty() => (Scope::Global, Secret::new(secret)),
                Some((name, secret)) if !secret.is_empty() && services.contains(&name) => {
                    (Scope::Service(name.to_owned()), Secret::new(secret))
                }
                Some((name, secret)) => {
                    // Base64 padding (`YWJj==`) is no scope.
                    if looks_like_a_name(name) && !secret.trim_start_matches('=').is_empty() {
                        findings.read_as_global.push(i + 1);
                    }
                    (Scope::Global, Secret::new(spec))
                }
                None => (Scope::Global, Secret::new(spec)),
            };
            known.push(entry);
        }
        (Tokens { known }, findings)
    }

    /// Whether tokens are checked at all.
    pub fn checked(&self) -> bool {
        !self.known.is_empty()
    }

    /// The secrets, for masking.
    pub fn secrets(&self) -> impl Iterator<Item = String> + '_ {
        self.known
            .iter()
            .map(|(_, secret)| secret.expose().to_owned())
    }

    /// Where a request carrying `token` gets in.
    pub fn admit(&self, token: Option<&str>) -> Admission {
        if !self.checked() {
            return Admission::Reaches(Reach::All);
        }
        let Some(token) = token.filter(|t| !t.is_empty()) else {
            return Admission::NoToken;
        };
        let mut names = BTreeSet::new();
        let mut matched = false;
        for (scope, secret) in &self.known {
            if secret.expose() != token {
                continue;
            }
            matched = true;
            match scope {
                Scope::Global => return Admission::Reaches(Reach::All),
                Scope::Service(name) => {
                    names.insert(name.clone());
                }
            }
        }
        if matched {
            Admission::Reaches(Reach::Only(names))
        } else {
            Admission::UnknownToken
        }
    }
}

/// Text that reads as a service name rather than as part of a token: letters, digits, `-` and `_`,
/// starting with a letter.
fn looks_like_a_name(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVICES: [&str; 2] = ["tigera", "sedai"];

    fn tokens(specs: &[&str]) -> Tokens {
        Tokens::parse(specs.iter().copied(), &SERVICES).0
    }

    fn only(names: &[&str]) -> Admission {
        Admission::Reaches(Reach::Only(names.iter().map(|n| n.to_string()).collect()))
    }

    #[test]
    fn without_tokens_every_request_reaches_every_service() {
        let none = tokens(&[]);
        assert!(!none.checked());
        assert_eq!(none.admit(None), Admission::Reaches(Reach::All));
        assert_eq!(none.admit(Some("x")), Admission::Reaches(Reach::All));
    }

    #[test]
    fn a_missing_token_is_401_and_an_unknown_one_403() {
        let t = tokens(&["g-1"]);
        assert_eq!(t.admit(None), Admission::NoToken);
        assert_eq!(t.admit(Some("")), Admission::NoToken);
        assert_eq!(t.admit(Some("g-2")), Admission::UnknownToken);
        assert_eq!(t.admit(Some("g-1")), Admission::Reaches(Reach::All));
        // Tokens compare exactly: case and padding count.
        assert_eq!(t.admit(Some("G-1")), Admission::UnknownToken);
    }

    #[test]
    fn a_scoped_token_reaches_its_service_only() {
        let t = tokens(&["tigera=t-1", "sedai=s-1", "g-1"]);
        assert_eq!(t.admit(Some("t-1")), only(&["tigera"]));
        assert_eq!(t.admit(Some("s-1")), only(&["sedai"]));
        assert_eq!(t.admit(Some("g-1")), Admission::Reaches(Reach::All));
        // The secret is the part after `=`: the whole spec is not a token.
        assert_eq!(t.admit(Some("tigera=t-1")), Admission::UnknownToken);
        let Admission::Reaches(reach) = t.admit(Some("t-1")) else {
            panic!("admitted");
        };
        assert!(reach.reaches("tigera") && !reach.reaches("sedai"));
    }

    #[test]
    fn one_secret_scoped_twice_reaches_both_and_global_wins() {
        let t = tokens(&["tigera=same", "sedai=same"]);
        assert_eq!(t.admit(Some("same")), only(&["sedai", "tigera"]));
        let t = tokens(&["tigera=same", "same"]);
        assert_eq!(t.admit(Some("same")), Admission::Reaches(Reach::All));
    }

    #[test]
    fn text_before_an_equals_sign_that_names_no_service_is_part_of_a_global_token() {
        let (t, found) = Tokens::parse(
            ["YWJj==", "tigra=t-1", "*=tigera=x", "x=", "9z=q"],
            &SERVICES,
        );
        assert_eq!(t.admit(Some("YWJj==")), Admission::Reaches(Reach::All));
        assert_eq!(t.admit(Some("tigra=t-1")), Admission::Reaches(Reach::All));
        assert_eq!(t.admit(Some("t-1")), Admission::UnknownToken);
        assert_eq!(t.admit(Some("tigera=x")), Admission::Reaches(Reach::All));
        assert_eq!(t.admit(Some("x=")), Admission::Reaches(Reach::All));
        // Only the misspelt-looking name is worth a note; padding and digits are not names.
        assert_eq!(found.read_as_global, [2]);
        assert!(found.empty.is_empty());
    }

    #[test]
    fn a_scoped_token_with_nothing_after_the_equals_sign_is_refused() {
        let (t, found) = Tokens::parse(["tigera=", "g-1"], &SERVICES);
        assert_eq!(found.empty, [(1, "tigera".to_owned())]);
        assert_eq!(t.admit(Some("tigera=")), Admission::UnknownToken);
    }

    #[test]
    fn the_secrets_are_the_tokens_without_their_scope_and_never_formatted() {
        let t = tokens(&["tigera=t-1", "g-1"]);
        assert_eq!(t.secrets().collect::<Vec<_>>(), ["t-1", "g-1"]);
        let shown = format!("{t:?}");
        assert!(!shown.contains("t-1") && !shown.contains("g-1"), "{shown}");
    }
}
