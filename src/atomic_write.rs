//! Files written whole or not at all: a reader, a crash or a second run of the tool sees the old file or
//! the new one, never half of either. Every file the tool writes (blessed case files, case files from
//! traffic, `init`'s project, `suggest`'s proposals) goes through here.

use std::fs::{OpenOptions, Permissions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Replaces `path` (or creates it) with `text`, through a temporary file beside it.
pub fn replace(path: &Path, text: &str, permissions: Option<Permissions>) -> io::Result<()> {
    let temp = temporary(path, "writing");
    let written = write_new(&temp, text, permissions).and_then(|()| std::fs::rename(&temp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    sync_folder(path);
    Ok(())
}

/// Creates `path` with `text`, failing with [`io::ErrorKind::AlreadyExists`] when something is there
/// already: a hard link never replaces a file, so `path` appears whole, or not at all.
pub fn create(path: &Path, text: &str) -> io::Result<()> {
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "the file exists",
        ));
    }
    let temp = temporary(path, "creating");
    let result =
        write_new(&temp, text, None).and_then(|()| match std::fs::hard_link(&temp, path) {
            // A file system without hard links: the check above is all there is.
            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => std::fs::rename(&temp, path),
            linked => linked,
        });
    let _ = std::fs::remove_file(&temp);
    result?;
    sync_folder(path);
    Ok(())
}

/// A name beside `path` that no other process uses.
fn temporary(path: &Path, doing: &str) -> PathBuf {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    dir.join(format!(".{name}.{}.{doing}", std::process::id()))
}

/// Writes `text` to a new file at `temp` and syncs it. `create_new` never follows a link planted at
/// that name; a file left there by a crashed run of the same process id is removed first.
fn write_new(temp: &Path, text: &str, permissions: Option<Permissions>) -> io::Result<()> {
    let create = || OpenOptions::new().write(true).create_new(true).open(temp);
    let mut file = match create() {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            std::fs::remove_file(temp)?;
            create()?
        }
        other => other?,
    };
    file.write_all(text.as_bytes())?;
    if let Some(permissions) = permissions {
        file.set_permissions(permissions)?;
    }
    file.sync_all()
}

/// The rename is durable once the folder is: best effort, since not every system can sync one.
fn sync_folder(path: &Path) {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("sqibs-atomic-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn create_never_replaces() {
        let d = dir("create");
        let f = d.join("a.toml");
        create(&f, "one").unwrap();
        let e = create(&f, "two").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "one");
        assert_eq!(
            std::fs::read_dir(&d).unwrap().count(),
            1,
            "no temporary left"
        );
        std::fs::remove_dir_all(d).unwrap();
    }

    #[test]
    fn replace_swaps_whole_files() {
        let d = dir("replace");
        let f = d.join("a.toml");
        replace(&f, "one", None).unwrap();
        replace(&f, "two", None).unwrap();
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "two");
        assert_eq!(
            std::fs::read_dir(&d).unwrap().count(),
            1,
            "no temporary left"
        );
        std::fs::remove_dir_all(d).unwrap();
    }
}
