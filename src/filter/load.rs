//! Reading filter files: one file, or every `*.toml` in a folder, each becoming a [`Service`].
//!
//! The text is read strictly, field by field (see `validate`), and checked against Callgoose's limits.
//! Every error names the file, line and column, and the filter it belongs to; all errors of a file are
//! reported together.

use super::Service;
use super::schema::{FileDoc, Table};
use super::validate::{FORMAT_HELP, read};
use crate::diagnostic::Diagnostics;
use crate::semantics::SemanticsLayer;
use crate::strict_toml::{self, SourceFile};
use crate::walk::{self, Depth};
use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What to change when the filter path of a case file or of `test --filters` cannot be read.
const SUITE_REMEDY: &str = "give an existing filter file or folder with --filters, or in the case file's `filters = \"...\"`";

/// Loads every service `path` names (a filter file, or a folder of them), applying the command line's
/// semantics on top of each file's. For the filters of `test` and its case files; see [`load_set`].
pub fn load_services(path: &Path, cli: SemanticsLayer) -> Result<Vec<Service>> {
    load_set(path, cli, SUITE_REMEDY)
}

/// Loads the filter set `path` names; `remedy` says what to change when `path` cannot be read, in the
/// words of the command that was given it. Every file is read, and the errors of all of them are
/// reported together.
pub(crate) fn load_set(path: &Path, cli: SemanticsLayer, remedy: &str) -> Result<Vec<Service>> {
    let mut services = Vec::new();
    let mut errors = Vec::new();
    for file in filter_files(path, remedy)? {
        match load_file(&file, cli) {
            Ok(service) => services.push(service),
            Err(e) => errors.extend(e.downcast::<Diagnostics>()?.0),
        }
    }
    if !errors.is_empty() {
        return Err(Diagnostics(errors).into());
    }
    if let Some((earlier, later)) = same_service(&services) {
        bail!(
            "two filter files define the service \"{}\": {} and {}: give one of them another `service = \"...\"`",
            later.name,
            earlier.file.display(),
            later.file.display()
        );
    }
    Ok(services)
}

/// The first two services of one set with the same name: Callgoose has one list of filters per
/// service, so a set where two files define one is refused.
fn same_service(services: &[Service]) -> Option<(&Service, &Service)> {
    let mut names: BTreeMap<&str, &Service> = BTreeMap::new();
    services
        .iter()
        .find_map(|s| names.insert(&s.name, s).map(|earlier| (earlier, s)))
}

fn toml_files_in(dir: &Path) -> Result<Vec<PathBuf>> {
    let walked = walk::files(dir, Depth::Top);
    if let Some(unlisted) = walked.errors.into_iter().next() {
        let what = if unlisted.path == dir {
            format!("cannot list filter folder {}", dir.display())
        } else {
            format!(
                "cannot list {} in filter folder {}",
                unlisted.path.display(),
                dir.display()
            )
        };
        return Err(anyhow::Error::new(unlisted.error).context(what));
    }
    // Case files may sit beside filter files (as in samples/troubleshooting); they are not filters.
    let files: Vec<PathBuf> = walked
        .files
        .into_iter()
        .filter(|path| {
            let toml = path.extension().is_some_and(|e| e == "toml");
            toml && !walk::is_case_file(path) && path.is_file()
        })
        .collect();
    if files.is_empty() {
        bail!(
            "no filter files in {}: a filter folder holds one *.toml file per service",
            dir.display()
        );
    }
    Ok(files)
}

/// The filter files `path` names: itself, or every `*.toml` in the folder, sorted. `remedy` ends the
/// error when `path` cannot be read: what to change, in the words of the command that was given it.
pub fn filter_files(path: &Path, remedy: &str) -> Result<Vec<PathBuf>> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) => bail!("cannot read filters from {}: {e}: {remedy}", path.display()),
    };
    if meta.is_dir() {
        toml_files_in(path)
    } else {
        Ok(vec![path.to_owned()])
    }
}

/// Loads one filter file.
fn load_file(path: &Path, cli: SemanticsLayer) -> Result<Service> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read filter file {}", path.display()))?;
    parse_service(path, &text, cli)
}

/// Builds a service from the text of a filter file; `path` names it in errors and gives the default
/// service name.
pub fn parse_service(path: &Path, text: &str, cli: SemanticsLayer) -> Result<Service> {
    let name = path.display().to_string();
    let src = SourceFile { name: &name, text };
    read(src, path, cli).map_err(|errors| Diagnostics(errors).into())
}

/// The spanned form of a filter file that loads, for checks that point into it (`lint`).
pub(crate) fn parse_doc(src: &SourceFile<'_>) -> Result<FileDoc, Diagnostics> {
    strict_toml::parse(src, Table::Root, FORMAT_HELP)
}
