//! Embeds `templates/` in the binary, so that `init` works from an installed `sqibs-filter` with no
//! checkout beside it: every file of every template folder, as text, in sorted order.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"))
        .join("templates");
    // A folder: cargo looks at every file below it.
    println!("cargo::rerun-if-changed={}", root.display());
    let mut code = String::from("&[\n");
    for template in sorted(&root).into_iter().filter(|p| p.is_dir()) {
        let name = template.file_name().unwrap().to_string_lossy().into_owned();
        writeln!(code, "    Template {{ name: {name:?}, files: &[").unwrap();
        let mut files = Vec::new();
        collect(&template, &mut files);
        for file in files {
            let relative = file.strip_prefix(&template).unwrap();
            let relative: Vec<_> = relative.iter().map(|c| c.to_string_lossy()).collect();
            writeln!(
                code,
                "        TemplateFile {{ path: {:?}, text: include_str!({:?}) }},",
                relative.join("/"),
                file.display().to_string()
            )
            .unwrap();
        }
        code += "    ] },\n";
    }
    code += "]\n";
    let out =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it")).join("templates.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}

/// The entries of `dir`, sorted by name; none when it cannot be read.
fn sorted(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(read) => read.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(_) => Vec::new(),
    };
    entries.sort();
    entries
}

/// Every file below `dir`, depth first in sorted order.
fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in sorted(dir) {
        if entry.is_dir() {
            collect(&entry, files);
        } else {
            files.push(entry);
        }
    }
}
