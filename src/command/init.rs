//! The `init` command: a template written into a project, or the list of templates. Every file is
//! checked before any is written, so that a refusal leaves the folder as it was; each file is then
//! written whole (see [`atomic_write`]).

use crate::atomic_write;
use crate::cli::InitArgs;
use crate::exit::ExitStatus;
use crate::render::{Messages, init as report};
use crate::template::{self, TEMPLATES, Template};
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::PathBuf;

/// `init`'s resolved settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InitSettings {
    /// `--list`.
    List,
    /// `--template NAME [DIR]`.
    Write {
        /// The template's name (clap has checked it).
        template: String,
        /// The project folder.
        dir: PathBuf,
        /// `--force`.
        force: bool,
    },
}

impl InitSettings {
    /// Resolves `init`'s arguments.
    pub fn resolve(args: InitArgs) -> InitSettings {
        match args.template {
            Some(template) if !args.list => InitSettings::Write {
                template,
                dir: args.dir,
                force: args.force,
            },
            _ => InitSettings::List,
        }
    }
}

/// What `init` will do with one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// It is not there: created.
    Create,
    /// It is there with the same text: left alone.
    Same,
    /// It is there with other text: replaced under `--force`, else a refusal.
    Replace,
}

/// Lists the templates or writes one.
pub fn execute(
    settings: &InitSettings,
    stdout: &mut dyn Write,
    messages: &mut Messages<'_>,
) -> Result<ExitStatus> {
    let (name, dir, force) = match settings {
        InitSettings::List => {
            report::list(stdout, TEMPLATES)?;
            return Ok(ExitStatus::Success);
        }
        InitSettings::Write {
            template,
            dir,
            force,
        } => (template, dir, *force),
    };
    let Some(template) = template::find(name) else {
        bail!("no template {name}: sqibs-filter init --list shows them");
    };
    let files = planned(template, dir)?;
    let clashes: Vec<_> = files
        .iter()
        .filter(|(_, _, plan)| *plan == Plan::Replace)
        .map(|(path, _, _)| path.display().to_string())
        .collect();
    if !clashes.is_empty() && !force {
        bail!(
            "nothing written: {} exist{} with other content ({}); move {} away, or give --force to overwrite",
            if clashes.len() == 1 {
                "a file"
            } else {
                "files"
            },
            if clashes.len() == 1 { "s" } else { "" },
            clashes.join(", "),
            if clashes.len() == 1 { "it" } else { "them" },
        );
    }
    for (path, text, plan) in &files {
        if *plan == Plan::Same {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create the folder {}", parent.display()))?;
        }
        atomic_write::replace(path, text, None)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let shown: Vec<_> = files
        .iter()
        .map(|(p, _, plan)| (p.as_path(), *plan))
        .collect();
    report::written(stdout, template, dir, &shown)?;
    if force && !clashes.is_empty() {
        messages.note(&format!("--force: overwrote {}", clashes.join(", ")));
    }
    Ok(ExitStatus::Success)
}

/// The template's files under `dir`, each with its text and what will be done with it.
fn planned(template: &Template, dir: &std::path::Path) -> Result<Vec<(PathBuf, String, Plan)>> {
    let mut files = Vec::new();
    for (relative, text) in template.project_files() {
        let path = dir.join(relative);
        let plan = match std::fs::read(&path) {
            Ok(existing) if existing == text.as_bytes() => Plan::Same,
            Ok(_) => Plan::Replace,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Plan::Create,
            // A folder where a file goes, a file that cannot be read: never written over blindly.
            Err(e) => bail!("cannot read {}: {e}; nothing written", path.display()),
        };
        files.push((path, text, plan));
    }
    Ok(files)
}
