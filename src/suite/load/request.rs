//! What a case or a scenario's step sends, and to which service: the service chosen from the filters
//! (with the case's `from`), and the one body read from a file next to the case file or written inline.

use super::Loader;
use crate::filter::{self, Service};
use crate::input::Bodies;
use crate::payload::Payload;
use toml::Spanned;

impl Loader<'_> {
    /// The service a case runs against: its own `service`, the file's, or the only one loaded.
    pub(super) fn service<T>(
        &mut self,
        name: Option<&Spanned<String>>,
        from: Option<&Spanned<String>>,
        case: &Spanned<T>,
        ctx: &str,
    ) -> Option<Service> {
        let name = name.or(self.defaults.service.as_ref());
        let loaded = || {
            self.services
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut service = match (name, self.services) {
            (Some(name), _) => match self.services.iter().find(|s| &s.name == name.get_ref()) {
                Some(s) => s.clone(),
                None => {
                    let help = format!("the filters hold: {}", loaded());
                    self.error(
                        format!("no service \"{}\" in the filters", name.get_ref()),
                        name.span(),
                        ctx,
                        &help,
                    );
                    return None;
                }
            },
            (None, [only]) => only.clone(),
            (None, _) => {
                let help = format!(
                    "say which with service = \"...\" (in the case or at the top of the file); the filters hold: {}",
                    loaded()
                );
                self.error(
                    format!("the filters hold {} services", self.services.len()),
                    case.span(),
                    ctx,
                    &help,
                );
                return None;
            }
        };
        // An empty `from` is no `from` parameter: the filter file's does not apply either.
        if let Some(from) = from.or(self.defaults.from.as_ref()) {
            service.from = filter::from_parameter(Some(from.get_ref().clone()));
        }
        Some(service)
    }

    /// The body a case or step sends: a file next to the case file, or inline text.
    pub(super) fn payload(
        &mut self,
        file: Option<&Spanned<String>>,
        body: Option<&Spanned<String>>,
        span: std::ops::Range<usize>,
        ctx: &str,
    ) -> Option<Payload> {
        let (label, text, at) = match (file, body) {
            (Some(file), None) => {
                let path = self.dir.join(file.get_ref());
                let real = match self.reach.check("payload", file.get_ref(), &path) {
                    Ok(real) => real,
                    Err(refused) => {
                        self.error(refused.message, file.span(), ctx, &refused.help);
                        return None;
                    }
                };
                match std::fs::read(&real) {
                    Ok(bytes) => (path.display().to_string(), bytes, file.span()),
                    Err(e) => {
                        self.error(
                            format!("cannot read payload {}: {e}", path.display()),
                            file.span(),
                            ctx,
                            "payload paths are relative to the case file",
                        );
                        return None;
                    }
                }
            }
            (None, Some(body)) => (
                "the inline body".to_owned(),
                body.get_ref().as_bytes().to_vec(),
                body.span(),
            ),
            _ => {
                self.error(
                    "give exactly one of payload = \"file.json\" and body = '...'".into(),
                    span,
                    ctx,
                    "payload names a file next to the case file; body holds the request text itself",
                );
                return None;
            }
        };
        let mut bodies = Bodies::new(label.clone(), text.as_slice());
        let first = bodies.next();
        let more = bodies.next().is_some();
        match (first, more) {
            (Some(Ok(b)), false) => match b.payload {
                Ok(payload) => return Some(payload),
                Err(e) => self.error(format!("{label}: {e}"), at, ctx, "fix the body"),
            },
            (Some(Err(e)), _) => self.error(format!("{e:#}"), at, ctx, "give a body to send"),
            _ => self.error(
                format!("{label} holds more than one body"),
                at,
                ctx,
                "a case sends one request; use a [[scenario]] with one step per body",
            ),
        }
        None
    }
}
