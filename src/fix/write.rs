//! Writing a fixed file without ever losing what the user had.
//!
//! The new text goes to a temporary file in the same directory (so the
//! rename cannot cross file systems), gets the original's permissions, and
//! replaces the original by an atomic rename, but only if the file on disk
//! still holds exactly the text memolint read: an editor or another tool
//! may have changed it since, and their change wins.

use std::fmt;
use std::io::Write;
use std::path::Path;

/// Why a file was not written. The original is untouched in every case.
#[derive(Debug)]
pub enum WriteError {
    /// The file no longer holds the text memolint read.
    ChangedOnDisk,
    /// The file or its directory is read-only.
    ReadOnly(&'static str),
    Io(String),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::ChangedOnDisk => {
                f.write_str("changed on disk while memolint was fixing it; not overwritten (run `memolint fix` again)")
            }
            WriteError::ReadOnly(what) => write!(f, "not fixed: {what}"),
            WriteError::Io(message) => write!(f, "cannot write the fixed file: {message}"),
        }
    }
}

/// Replaces `path`'s content `expected` by `new`, atomically.
pub fn write_atomically(path: &Path, expected: &str, new: &str) -> Result<(), WriteError> {
    let io = |error: std::io::Error| WriteError::Io(crate::discover::io_error_text(&error));
    let on_disk = std::fs::read(path).map_err(io)?;
    if on_disk != expected.as_bytes() {
        return Err(WriteError::ChangedOnDisk);
    }
    let permissions = std::fs::metadata(path).map_err(io)?.permissions();
    // A rename would replace a read-only file (and root may write into a
    // read-only directory): honour the user's protection explicitly.
    if permissions.readonly() {
        return Err(WriteError::ReadOnly("the file is read-only"));
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if std::fs::metadata(dir).map_err(io)?.permissions().readonly() {
        return Err(WriteError::ReadOnly("its directory is read-only"));
    }
    let mut temp = tempfile::Builder::new()
        .prefix(".memolint-fix-")
        .tempfile_in(dir)
        .map_err(io)?;
    temp.write_all(new.as_bytes()).map_err(io)?;
    temp.as_file().sync_all().map_err(io)?;
    std::fs::set_permissions(temp.path(), permissions).map_err(io)?;
    // A last look right before the rename narrows the window in which a
    // concurrent edit could be lost to the rename itself.
    if std::fs::read(path).map_err(io)? != expected.as_bytes() {
        return Err(WriteError::ChangedOnDisk);
    }
    temp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_keeps_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.rs");
        std::fs::write(&path, "old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        write_atomically(&path, "old", "new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o640);
        }
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn leaves_read_only_files_and_directories_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.rs");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        let result = write_atomically(&path, "old", "new");
        assert!(matches!(result, Err(WriteError::ReadOnly(_))), "{result:?}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
        let result = write_atomically(&path, "old", "new");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(matches!(result, Err(WriteError::ReadOnly(_))));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
    }

    #[test]
    fn refuses_when_the_file_changed_since_it_was_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.rs");
        std::fs::write(&path, "edited by someone else").unwrap();
        assert!(matches!(
            write_atomically(&path, "old", "new"),
            Err(WriteError::ChangedOnDisk)
        ));
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "edited by someone else"
        );
    }
}
