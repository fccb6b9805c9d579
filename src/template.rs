//! The integration templates shipped in `templates/<sender>/` and embedded in the binary: a filter
//! file, sample payloads and a case file for each sender people wire to Callgoose, and how they are
//! laid out when `init` copies one into a project.
//!
//! A template folder reads as itself (`filters.toml`, `cases.toml` naming `filters.toml` and
//! `samples/...`), so that CI tests it where it is; a project keeps services in `filters/` and their
//! cases under `samples/`, where `test` and `lint` look with no flags. [`Template::project_files`] maps
//! one onto the other and rewrites the three relative paths that change.

use crate::json_schema::{self, SchemaKind};
use std::path::PathBuf;

/// One shipped template.
#[derive(Debug)]
pub struct Template {
    /// Its folder's name: what `init --template` takes.
    pub name: &'static str,
    /// Its files, paths relative to its folder with `/` between parts, in sorted order.
    pub files: &'static [TemplateFile],
}

/// One file of a template.
#[derive(Debug)]
pub struct TemplateFile {
    /// The path inside the template's folder.
    pub path: &'static str,
    /// The file's text.
    pub text: &'static str,
}

/// Every template, by name.
pub static TEMPLATES: &[Template] = include!(concat!(env!("OUT_DIR"), "/templates.rs"));

/// The templates' names, in order.
pub fn names() -> impl Iterator<Item = &'static str> {
    TEMPLATES.iter().map(|t| t.name)
}

/// The template named `name`.
pub fn find(name: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.name == name)
}

/// The template folder's filter file and case file.
const FILTERS: &str = "filters.toml";
const CASES: &str = "cases.toml";
const SAMPLES: &str = "samples/";

impl Template {
    /// The one-line summary: the filter file's second line, a comment by convention.
    pub fn summary(&self) -> &'static str {
        let text = self.file(FILTERS).unwrap_or_default();
        let line = text
            .lines()
            .find(|l| !l.starts_with("#:schema"))
            .unwrap_or_default();
        line.trim_start_matches('#').trim()
    }

    fn file(&self, path: &str) -> Option<&'static str> {
        self.files.iter().find(|f| f.path == path).map(|f| f.text)
    }

    /// The files `init` writes into a project, paths relative to its root: the filter file as
    /// `filters/<name>.toml`, samples and case file in `samples/<name>/`, and the JSON Schemas the
    /// files' `#:schema` lines point at, in `schema/`.
    pub fn project_files(&self) -> Vec<(PathBuf, String)> {
        let name = self.name;
        let mut files = Vec::new();
        for file in self.files {
            let (path, text) = match file.path {
                FILTERS => (
                    PathBuf::from(format!("filters/{name}.toml")),
                    file.text
                        .replacen("#:schema ../../schema/", "#:schema ../schema/", 1),
                ),
                CASES => (
                    PathBuf::from(format!("samples/{name}/cases.toml")),
                    cases_in_project(name, file.text),
                ),
                path => match path.strip_prefix(SAMPLES) {
                    Some(sample) => (
                        PathBuf::from(format!("samples/{name}/{sample}")),
                        file.text.to_owned(),
                    ),
                    // Anything else (a README) stays beside the samples.
                    None => (
                        PathBuf::from(format!("samples/{name}/{path}")),
                        file.text.to_owned(),
                    ),
                },
            };
            files.push((path, text));
        }
        // The filter file first, then the case file: what a reader looks at, in that order.
        files.sort_by_key(|(path, _)| match path {
            p if p.starts_with("filters") => 0,
            p if p.ends_with("cases.toml") => 1,
            _ => 2,
        });
        for kind in SchemaKind::ALL {
            files.push((
                PathBuf::from("schema").join(kind.file_name()),
                json_schema::text(kind),
            ));
        }
        files
    }
}

/// The case file with its paths as seen from `samples/<name>/`: the filter file two folders up in
/// `filters/`, the samples beside it. Only whole `filters = "filters.toml"` and `payload = "samples/`
/// forms are rewritten, which every template uses (a test holds each to it).
fn cases_in_project(name: &str, text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.trim_end() == "filters = \"filters.toml\"" {
            out += &format!("filters = \"../../filters/{name}.toml\"\n");
        } else if let Some(rest) = trimmed.strip_prefix(&format!("payload = \"{SAMPLES}")) {
            out += &line[..line.len() - trimmed.len()];
            out += "payload = \"";
            out += rest;
        } else {
            out += line;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_has_its_parts_and_a_summary() {
        assert!(TEMPLATES.len() >= 12, "{} templates", TEMPLATES.len());
        for t in TEMPLATES {
            for part in [
                FILTERS,
                CASES,
                "samples/firing.json",
                "samples/resolved.json",
                "samples/repeat.json",
            ] {
                assert!(t.file(part).is_some(), "{} has no {part}", t.name);
            }
            let summary = t.summary();
            assert!(
                summary.starts_with(char::is_uppercase) && summary.len() <= 100,
                "{}: {summary:?}",
                t.name
            );
            assert!(
                t.file(FILTERS)
                    .unwrap()
                    .starts_with("#:schema ../../schema/filters.schema.json\n")
            );
            assert!(
                t.file(CASES)
                    .unwrap()
                    .starts_with("#:schema ../../schema/cases.schema.json\n")
            );
        }
    }

    #[test]
    fn project_case_files_name_only_files_the_project_has() {
        for t in TEMPLATES {
            let files = t.project_files();
            let have: Vec<&PathBuf> = files.iter().map(|(p, _)| p).collect();
            let cases = &files
                .iter()
                .find(|(p, _)| p.ends_with("cases.toml"))
                .unwrap()
                .1;
            let doc: toml::Table = cases.parse().unwrap();
            assert_eq!(
                doc["filters"].as_str(),
                Some(format!("../../filters/{}.toml", t.name).as_str()),
                "{}: the case file must say filters = \"filters.toml\"",
                t.name
            );
            let referred = cases
                .lines()
                .filter_map(|l| l.trim().strip_prefix("payload = \""))
                .map(|p| PathBuf::from(format!("samples/{}/{}", t.name, p.trim_end_matches('"'))));
            for path in referred {
                assert!(
                    have.contains(&&path),
                    "{}: {} is not written",
                    t.name,
                    path.display()
                );
            }
            assert!(
                !cases.contains("\"samples/"),
                "{}: a payload path is left as samples/...",
                t.name
            );
        }
    }

    #[test]
    fn cases_are_rewritten_for_the_project_layout() {
        let text = "#:schema ../../schema/cases.schema.json\nfilters = \"filters.toml\"\n[[case]]\n  payload = \"samples/a.json\"\nbody = 'samples/'\n";
        assert_eq!(
            cases_in_project("x", text),
            "#:schema ../../schema/cases.schema.json\nfilters = \"../../filters/x.toml\"\n[[case]]\n  payload = \"a.json\"\nbody = 'samples/'\n"
        );
    }
}
