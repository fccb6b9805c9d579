//! `init`'s report: the templates, one line each, or the files written and the next step.

use crate::command::init::Plan;
use crate::sanitize;
use crate::template::Template;
use std::io::{self, Write};
use std::path::Path;

/// `init --list`: each template's name and summary.
pub fn list(out: &mut dyn Write, templates: &[Template]) -> io::Result<()> {
    let width = templates.iter().map(|t| t.name.len()).max().unwrap_or(0);
    for t in templates {
        writeln!(out, "{:width$}  {}", t.name, t.summary())?;
    }
    Ok(())
}

/// The files of `template` under `dir`, what was done with each, and how to run the result.
pub fn written(
    out: &mut dyn Write,
    template: &Template,
    dir: &Path,
    files: &[(&Path, Plan)],
) -> io::Result<()> {
    for (path, plan) in files {
        let did = match plan {
            Plan::Create => "created  ",
            Plan::Replace => "replaced ",
            Plan::Same => "unchanged",
        };
        // The folder is the user's text: shown terminal-safe.
        writeln!(
            out,
            "{did} {}",
            sanitize::escape(&path.display().to_string(), false)
        )?;
    }
    let cd = if dir == Path::new(".") {
        String::new()
    } else {
        format!(
            "cd {} && ",
            sanitize::escape(&dir.display().to_string(), false)
        )
    };
    let done = if files.iter().all(|(_, plan)| *plan == Plan::Same) {
        "already in place: nothing written"
    } else {
        "written"
    };
    writeln!(
        out,
        "\n{} template {done}. Run its cases:\n  {cd}sqibs-filter test\nthen point the sender at Callgoose as filters/{}.toml's header says.",
        template.name, template.name
    )
}
