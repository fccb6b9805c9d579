//! Reading case files. A case file is read strictly: unknown fields, a case without an
//! expectation (outside `--bless`), a payload file that does not exist or a service that cannot be
//! chosen are errors with the file, line and column, never a silent pass.

use super::reach::Reach;
use super::schema::{CaseDoc, CaseFileDoc, ExpectDoc, ResolveExpectDoc, ScenarioDoc, Table};
use super::val::Val;
use super::{Case, CaseBody, CaseFile, Field, Stated, Step};
use crate::access::Tokens;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::filter::State;
use crate::filter::{self, Priority, Service};
use crate::input::Bodies;
use crate::payload::Payload;
use crate::secrets::Secrets;
use crate::semantics::SemanticsLayer;
use crate::simulation::Action;
use crate::strict_toml::{self, SourceFile};
use crate::suggest;
use crate::warning::Warning;
use anyhow::{Context, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Filter sets already loaded, by path, so that many case files can share one.
#[derive(Debug, Default)]
pub struct ServiceCache {
    loaded: HashMap<PathBuf, Vec<Service>>,
    maintenance: Vec<String>,
}

impl ServiceCache {
    /// A cache that puts the services named in `maintenance` in maintenance as it loads them.
    pub fn new(maintenance: Vec<String>) -> ServiceCache {
        ServiceCache {
            loaded: HashMap::new(),
            maintenance,
        }
    }

    /// The services of the filters at `path`, loaded on first use.
    pub fn get(&mut self, path: &Path, semantics: SemanticsLayer) -> Result<&[Service]> {
        if !self.loaded.contains_key(path) {
            let mut services = filter::load_services(path, semantics)?;
            filter::put_in_maintenance(&mut services, &self.maintenance);
            self.loaded.insert(path.to_owned(), services);
        }
        Ok(self.loaded.get(path).map_or(&[], Vec::as_slice))
    }

    /// Every service loaded so far, in a stable order.
    pub fn services(&self) -> Vec<&Service> {
        let mut paths: Vec<_> = self.loaded.keys().collect();
        paths.sort();
        paths.into_iter().flat_map(|p| &self.loaded[p]).collect()
    }
}

/// What loading needs besides the file.
pub struct LoadOptions<'a> {
    /// Filters for case files that name none.
    pub default_filters: &'a Path,
    /// Readings forced by the command line.
    pub semantics: SemanticsLayer,
    /// Cases without expectations are allowed: they are about to be blessed.
    pub bless: bool,
    /// The folder `test` runs in, which bounds what case files outside a repository may read.
    pub current_dir: &'a Path,
    /// Case files may read any path, absolute or outside their project.
    pub allow_outside: bool,
}

/// Reads one case file.
pub fn load_case_file(
    path: &Path,
    options: &LoadOptions<'_>,
    cache: &mut ServiceCache,
) -> Result<CaseFile> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read case file {}", path.display()))?;
    let name = path.display().to_string();
    let src = SourceFile {
        name: &name,
        text: &text,
    };
    let doc: CaseFileDoc =
        strict_toml::parse(&src, Table::Root, "see the case-file format in the README")?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let reach = Reach::of(dir, options.current_dir, options.allow_outside)
        .with_context(|| format!("cannot find the folder of case file {name}"))?;
    let filters_path = match &doc.filters {
        Some(f) => reach
            .check("filters", f.get_ref(), &dir.join(f.get_ref()))
            .map_err(|refused| {
                Diagnostics(vec![
                    src.error(refused.message, f.span()).with_help(refused.help),
                ])
            })?,
        None => options.default_filters.to_owned(),
    };
    let services = cache
        .get(&filters_path, options.semantics)
        .with_context(|| format!("cannot load the filters of case file {name}"))?
        .to_vec();
    let mut loader = Loader {
        src,
        lines: LineStarts::new(&text),
        dir,
        reach: &reach,
        services: &services,
        defaults: &doc,
        bless: options.bless,
        errors: Vec::new(),
    };
    let mut cases = Vec::new();
    for (index, case) in doc.case.iter().enumerate() {
        cases.extend(loader.case(index, case));
    }
    for (index, scenario) in doc.scenario.iter().enumerate() {
        cases.extend(loader.scenario(index, scenario));
    }
    if doc.case.is_empty() && doc.scenario.is_empty() {
        loader.errors.push(
            src.error("the file has no cases", 0..0)
                .with_help("add a [[case]] or a [[scenario]]"),
        );
    }
    if !loader.errors.is_empty() {
        // A line shown with an error may hold a token the file names: never shown.
        let secrets = named_tokens(&doc);
        let errors = loader
            .errors
            .into_iter()
            .map(|mut d| {
                d.location = d.location.map(|l| l.hiding(secrets.mask(None)));
                d
            })
            .collect();
        return Err(Diagnostics(errors).into());
    }
    cases.sort_by_key(|c| c.line);
    let default_filters = doc.filters.is_none();
    let mut reads = reach.admitted();
    reads.extend(services.iter().map(|s| s.file.clone()));
    Ok(CaseFile {
        path: path.to_owned(),
        text,
        default_filters,
        cases,
        reads,
    })
}

/// Every token a case file names, as written and as the secret after a scope: the secrets of its
/// errors.
fn named_tokens(doc: &CaseFileDoc) -> Secrets {
    let scenarios = doc.scenario.iter().map(Spanned::get_ref);
    let known = scenarios
        .clone()
        .flat_map(|s| s.tokens.iter().flat_map(|t| t.get_ref()));
    let carried = scenarios.flat_map(|s| {
        s.step
            .iter()
            .filter_map(|step| step.get_ref().token.as_ref())
    });
    Secrets::new(
        known
            .flat_map(|t| {
                [
                    t.clone(),
                    t.split_once('=')
                        .map_or_else(String::new, |(_, s)| s.to_owned()),
                ]
            })
            .chain(carried.map(|t| t.get_ref().clone())),
    )
}

struct Loader<'a> {
    src: SourceFile<'a>,
    lines: LineStarts,
    dir: &'a Path,
    reach: &'a Reach,
    services: &'a [Service],
    defaults: &'a CaseFileDoc,
    bless: bool,
    errors: Vec<Diagnostic>,
}

impl Loader<'_> {
    fn line(&self, span: std::ops::Range<usize>) -> usize {
        self.lines.line(span.start)
    }

    fn error(&mut self, message: String, span: std::ops::Range<usize>, ctx: &str, help: &str) {
        self.errors.push(
            self.src
                .error(message, span)
                .in_context(Some(ctx.to_owned()))
                .with_help(help),
        );
    }

    fn case(&mut self, index: usize, case: &Spanned<CaseDoc>) -> Option<Case> {
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

    fn scenario(&mut self, index: usize, scenario: &Spanned<ScenarioDoc>) -> Option<Case> {
        let doc = scenario.get_ref();
        let ctx = format!("in scenario #{} \"{}\"", index + 1, doc.name.get_ref());
        let service = self.service(doc.service.as_ref(), doc.from.as_ref(), scenario, &ctx);
        if doc.step.is_empty() {
            self.error(
                "the scenario has no steps".into(),
                doc.name.span(),
                &ctx,
                "add [[scenario.step]] tables, each with a payload and the action it should take",
            );
        }
        let tokens = self.tokens(doc.tokens.as_ref(), &ctx);
        let mut steps = Vec::new();
        let mut expect = Vec::new();
        for (i, step) in doc.step.iter().enumerate() {
            let s = step.get_ref();
            let payload = self.payload(s.payload.as_ref(), s.body.as_ref(), step.span(), &ctx);
            let token = s.token.as_ref().and_then(|t| {
                if t.get_ref().is_empty() {
                    self.error(
                        format!("step {} carries an empty token", i + 1),
                        t.span(),
                        &ctx,
                        "give the token the request carries, or leave `token` out for a request without one",
                    );
                }
                Some(t.get_ref().clone()).filter(|t| !t.is_empty())
            });
            let state = s.state.as_ref().and_then(|t| {
                let state = State::parse(t.get_ref());
                if state.is_none() {
                    self.error(
                        format!("unknown state `{}`", t.get_ref()),
                        t.span(),
                        &ctx,
                        &State::help(),
                    );
                }
                state
            });
            match &s.expect {
                Some(e) => {
                    if let Some(value) = self.actions(e, &ctx) {
                        expect.push(Stated {
                            field: Field::Step(i),
                            value,
                            line: self.line(e.span()),
                        });
                    }
                }
                None if !self.bless => self.error(
                    format!("step {} states no expected action", i + 1),
                    step.span(),
                    &ctx,
                    &format!(
                        "add expect = \"created\" (or {}), or run with --bless",
                        action_names()
                    ),
                ),
                None => {}
            }
            steps.extend(payload.map(|payload| Step {
                payload,
                token,
                state,
            }));
        }
        if let Some(open) = &doc.open {
            expect.push(Stated {
                field: Field::Open,
                value: Val::Array(open.get_ref().iter().map(Val::str).collect()),
                line: self.line(open.span()),
            });
        }
        let complete = steps.len() == doc.step.len();
        // Every token the scenario names is a secret of its reports, known or carried.
        let secrets = Secrets::new(
            tokens
                .secrets()
                .chain(steps.iter().filter_map(|s: &Step| s.token.clone())),
        );
        Some(Case {
            name: doc.name.get_ref().clone(),
            line: self.line(scenario.span()),
            index,
            skip: doc.skip,
            service: service?,
            secrets,
            body: CaseBody::Scenario {
                tokens,
                steps,
                expect,
            },
        })
        .filter(|_| complete)
    }

    /// The tokens a scenario says Callgoose knows, read against the services of its filters. A token
    /// is named by its position only, never quoted.
    fn tokens(&mut self, tokens: Option<&Spanned<Vec<String>>>, ctx: &str) -> Tokens {
        let Some(tokens) = tokens else {
            return Tokens::default();
        };
        if tokens.get_ref().iter().any(String::is_empty) {
            self.error(
                "a token in `tokens` is empty".into(),
                tokens.span(),
                ctx,
                "give each token Callgoose knows, as \"SECRET\" or \"SERVICE=SECRET\"",
            );
        }
        let names: Vec<&str> = self.services.iter().map(|s| s.name.as_str()).collect();
        let specs = tokens.get_ref().iter().filter(|t| !t.is_empty());
        let (read, found) = Tokens::parse(specs.map(String::as_str), &names);
        for (position, service) in found.empty {
            self.error(
                format!("token {position} of `tokens` is `{service}=` with no secret after it"),
                tokens.span(),
                ctx,
                &format!("give the token Callgoose knows for {service}"),
            );
        }
        for position in found.read_as_global {
            self.error(
                format!(
                    "token {position} of `tokens` is written NAME=SECRET, but NAME is no service of the filters"
                ),
                tokens.span(),
                ctx,
                &format!(
                    "name one of: {} (or write a global token that holds `=` as \"*=SECRET\")",
                    names.join(", ")
                ),
            );
        }
        read
    }

    /// `"created"` or `"created+resolved"`, checked and kept as written.
    fn actions(&mut self, e: &Spanned<String>, ctx: &str) -> Option<Val> {
        let bad: Vec<&str> = e
            .get_ref()
            .split('+')
            .filter(|a| Action::parse(a.trim()).is_none())
            .collect();
        if bad.is_empty() {
            return Some(Val::str(e.get_ref().clone()));
        }
        self.error(
            format!("unknown action `{}`", bad.join("+")),
            e.span(),
            ctx,
            &format!(
                "use {}, or two joined with + (created+resolved)",
                action_names()
            ),
        );
        None
    }

    /// The service a case runs against: its own `service`, the file's, or the only one loaded.
    fn service<T>(
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
    fn payload(
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
            let help = match suggest::closest(kind, Warning::KINDS.iter().copied()) {
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

/// Where each line of a text starts, found once: a case file asks for the line of every case and every
/// stated field, and counting line breaks from the top each time made loading quadratic in its size.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> LineStarts {
        let breaks = memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1);
        LineStarts(std::iter::once(0).chain(breaks).collect())
    }

    /// The 1-based line holding byte `offset`.
    fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|&start| start <= offset)
    }
}

fn action_names() -> String {
    Action::ALL
        .iter()
        .map(|(_, n)| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
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

#[cfg(test)]
mod tests {
    use super::LineStarts;
    use crate::diagnostic::Location;

    #[test]
    fn line_starts_agree_with_diagnostic_locations() {
        let text = "a = 1\r\n\n# é\u{1F600}\nb = 'x'\n\nlast";
        let lines = LineStarts::new(text);
        for offset in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            assert_eq!(
                lines.line(offset),
                Location::from_span("f", text, offset..offset).line,
                "offset {offset}"
            );
        }
    }
}
