//! Reading a `[[case]]`: its one request and the fields of `[case.expect]`, each checked for the form
//! its field takes (and warning kinds against the known ones).

use super::Loader;
use crate::did_you_mean;
use crate::filter::Priority;
use crate::secrets::Secrets;
use crate::suite::schema::{CaseDoc, ExpectDoc, ResolveExpectDoc};
use crate::suite::val::Val;
use crate::suite::{Case, CaseBody, Field, Stated};
use crate::warning::Warning;
use toml::Spanned;

impl Loader<'_> {
    pub(super) fn case(&mut self, index: usize, case: &Spanned<CaseDoc>) -> Option<Case> {
        let doc = case.get_ref();
        let ctx = format!("in case #{} \"{}\"", index + 1, doc.name.get_ref());
        let service = self.service(doc.service.as_ref(), doc.from.as_ref(), case, &ctx);
        let payload = self.payload(doc.payload.as_ref(), doc.body.as_ref(), case.span(), &ctx);
        let expect = match &doc.expect {
            Some(e) => self.expectation(e, &ctx),
            None => Vec::new(),
        };
        if expect.is_empty() && !self.bless {
            self.error(
                "the case states no expectation".into(),
                doc.name.span(),
                &ctx,
                "add a [case.expect] table (code = 201, title = \"...\", ...), or run with --bless to write the actual outcome",
            );
        }
        Some(Case {
            name: doc.name.get_ref().clone(),
            line: self.line(case.span()),
            index,
            skip: doc.skip,
            service: service?,
            secrets: Secrets::default(),
            body: CaseBody::Request {
                payload: payload?,
                expect,
            },
        })
    }

    fn expectation(&mut self, expect: &Spanned<ExpectDoc>, ctx: &str) -> Vec<Stated> {
        let e = expect.get_ref();
        let fields = [
            (Field::Code, &e.code),
            (Field::Filter, &e.filter),
            (Field::Urgency, &e.urgency),
            (Field::Priority, &e.priority),
            (Field::Title, &e.title),
            (Field::Description, &e.description),
            (Field::MapKey, &e.map_key),
            (Field::Resolve, &e.resolve),
            (Field::Warnings, &e.warnings),
        ];
        let mut stated = Vec::new();
        for (field, value) in fields {
            let Some(value) = value else { continue };
            match expected_value(field, value.get_ref()) {
                Ok(v) if field == Field::Warnings && !self.known_kinds(&v, value.span(), ctx) => {}
                Ok(v) => stated.push(Stated {
                    field,
                    value: v,
                    line: self.line(value.span()),
                }),
                Err(allowed) => self.error(
                    format!("`{field}` cannot be {}", value.get_ref()),
                    value.span(),
                    ctx,
                    &format!("`{field}` takes {allowed}"),
                ),
            }
        }
        stated
    }

    /// Whether every expected warning kind is one that a request can give; each unknown one is an
    /// error (a misspelt kind could never match, so the case would fail for a reason it hides).
    fn known_kinds(&mut self, kinds: &Val, span: std::ops::Range<usize>, ctx: &str) -> bool {
        let Val::Array(items) = kinds else {
            return true;
        };
        let mut known = true;
        for item in items {
            let Val::Str(kind) = item else { continue };
            if Warning::KINDS.contains(&kind.as_str()) {
                continue;
            }
            known = false;
            let help = match did_you_mean::closest(kind, Warning::KINDS.iter().copied()) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("the warning kinds are {}", Warning::KINDS.join(", ")),
            };
            let at = self.quoted(kind, span.clone());
            self.error(format!("unknown warning kind `{kind}`"), at, ctx, &help);
        }
        known
    }

    /// The span of the string `text` as written inside `within`, or all of `within` when it is
    /// written with escapes.
    fn quoted(&self, text: &str, within: std::ops::Range<usize>) -> std::ops::Range<usize> {
        let written = &self.src.text[within.clone()];
        [format!("\"{text}\""), format!("'{text}'")]
            .iter()
            .find_map(|q| written.find(q.as_str()).map(|at| at..at + q.len()))
            .map_or(within.clone(), |found| {
                within.start + found.start..within.start + found.end
            })
    }
}

/// Checks the form of an expected value; the error says what the field takes.
fn expected_value(field: Field, value: &toml::Value) -> Result<Val, &'static str> {
    use toml::Value as V;
    let ok = match (field, value) {
        (Field::Code, V::Integer(200..=202)) => true,
        (Field::Code, _) => return Err("200, 201 or 202"),
        // `false` for an incident field: no incident is expected.
        (Field::Filter | Field::Urgency | Field::Title | Field::Description, V::Boolean(false)) => {
            true
        }
        (Field::Filter, V::Integer(1..) | V::String(_)) => true,
        (Field::Filter, _) => return Err("a filter name, its position from 1, or false"),
        (Field::Urgency, V::String(u)) if u == "high" || u == "low" => true,
        (Field::Urgency, _) => return Err("\"high\", \"low\" or false"),
        // As written by `--bless` and shown in output: `P1`..`P5`.
        (Field::Priority, V::String(p)) if Priority::parse(p).is_some_and(|q| q.as_str() == p) => {
            true
        }
        (Field::Priority, V::Boolean(false)) => true,
        (Field::Priority, _) => return Err("\"P1\" to \"P5\", or false for none"),
        (Field::Title | Field::Description, V::String(_)) => true,
        (Field::Title | Field::Description, _) => return Err("a string, or false"),
        (Field::MapKey, V::String(_) | V::Boolean(false)) => true,
        (Field::MapKey, _) => return Err("a string, or false for no mapping key"),
        (Field::Resolve, V::Boolean(false)) => true,
        (Field::Resolve, V::Table(t)) => {
            let part: Result<ResolveExpectDoc, _> = t.clone().try_into();
            match part {
                Ok(p) => {
                    let filter_ok = p.filter.as_ref().is_none_or(|f| {
                        matches!(f, V::String(_)) || matches!(f, V::Integer(i) if *i >= 1)
                    });
                    let key_ok = p
                        .map_key
                        .as_ref()
                        .is_none_or(|k| matches!(k, V::String(_) | V::Boolean(false)));
                    filter_ok && key_ok
                }
                Err(_) => false,
            }
        }
        (Field::Warnings, V::Array(items)) => items.iter().all(|i| i.is_str()),
        _ => false,
    };
    if !ok {
        return Err(match field {
            Field::Resolve => {
                "false, or { filter = \"name\" or position, map_key = \"value\" or false }"
            }
            _ => "a list of warning kinds, such as [\"title_fallback\"]",
        });
    }
    Val::from_toml(value).ok_or("a plain value")
}
