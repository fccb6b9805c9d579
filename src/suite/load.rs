//! Reading case files. A case file is read strictly: unknown fields, a case without an
//! expectation (outside `--bless`), a payload file that does not exist or a service that cannot be
//! chosen are errors with the file, line and column, never a silent pass.
//!
//! This module reads the file, its filters and what every case shares; a `[[case]]` and its
//! `[case.expect]` are read in `case`, a `[[scenario]]` with its steps and tokens in `scenario`, and
//! the service and body that both send in `request`.

mod case;
mod request;
mod scenario;

use super::CaseFile;
use super::reach::Reach;
use super::schema::{CaseFileDoc, Table};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::filter::{self, Service};
use crate::secrets::Secrets;
use crate::semantics::SemanticsLayer;
use crate::strict_toml::{self, SourceFile};
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
