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
use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Loads every service `path` names (a filter file, or a folder of them), applying the command line's
/// semantics on top of each file's.
pub fn load_services(path: &Path, cli: SemanticsLayer) -> Result<Vec<Service>> {
    let files = filter_files(path)?;
    let mut services: Vec<Service> = Vec::new();
    let mut names: BTreeMap<String, PathBuf> = BTreeMap::new();
    for file in files {
        let service = load_file(&file, cli)?;
        if let Some(earlier) = names.insert(service.name.clone(), file.clone()) {
            bail!(
                "two filter files define the service \"{}\": {} and {}: give one of them another `service = \"...\"`",
                service.name,
                earlier.display(),
                file.display()
            );
        }
        services.push(service);
    }
    Ok(services)
}

fn toml_files_in(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)
        .with_context(|| format!("cannot list filter folder {}", dir.display()))?
    {
        let entry =
            entry.with_context(|| format!("cannot list filter folder {}", dir.display()))?;
        let path = entry.path();
        // Case files may sit beside filter files (as in samples/troubleshooting); they are not filters.
        let toml = path.extension().is_some_and(|e| e == "toml");
        if toml && !crate::suite::is_case_file(&path) && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        bail!(
            "no filter files in {}: a filter folder holds one *.toml file per service",
            dir.display()
        );
    }
    Ok(files)
}

/// The filter files `path` names: itself, or every `*.toml` in the folder, sorted.
pub fn filter_files(path: &Path) -> Result<Vec<PathBuf>> {
    let meta = std::fs::metadata(path).with_context(|| {
        format!(
            "cannot read filters from {}: give an existing filter file or folder with --filters",
            path.display()
        )
    })?;
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
