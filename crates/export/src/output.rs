//! Where an export goes: one stream, or a directory of files for the formats made of several
//! (a MISP feed, Suricata datasets).
//!
//! A [`Directory`] hands out files that appear only when committed, so that a consumer
//! polling the directory never reads half a file.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The output of an export.
pub enum Output<'a> {
    /// One stream (a file, stdout, an HTTP body).
    Stream(&'a mut dyn Write),
    /// A directory of files.
    Directory(&'a mut dyn Directory),
}

/// A directory an export writes files into.
pub trait Directory {
    /// Starts the file `name` (a plain file name, no separators).
    ///
    /// # Errors
    ///
    /// Fails when the file cannot be created.
    fn create(&mut self, name: &str) -> io::Result<Box<dyn DirectoryFile>>;
}

/// A file being written into a [`Directory`].
pub trait DirectoryFile: Write {
    /// Finishes the file and makes it visible under its name.
    ///
    /// # Errors
    ///
    /// Fails when the file cannot be flushed or moved into place.
    fn commit(self: Box<Self>) -> io::Result<()>;
}

/// A directory on the file system; each file is written beside its final name with a
/// `.partial` suffix and renamed into place on commit.
#[derive(Debug, Clone)]
pub struct FsDirectory {
    path: PathBuf,
}

impl FsDirectory {
    /// Uses the directory at `path`, creating it (and its parents) when missing.
    ///
    /// # Errors
    ///
    /// Fails when the directory cannot be created.
    pub fn create_all(path: impl AsRef<Path>) -> io::Result<Self> {
        fs::create_dir_all(path.as_ref())?;
        Ok(Self {
            path: path.as_ref().to_owned(),
        })
    }
}

impl Directory for FsDirectory {
    fn create(&mut self, name: &str) -> io::Result<Box<dyn DirectoryFile>> {
        check_name(name)?;
        let final_path = self.path.join(name);
        let partial_path = self.path.join(format!("{name}.partial"));
        let file = fs::File::create(&partial_path)?;
        Ok(Box::new(FsFile {
            out: io::BufWriter::with_capacity(1 << 16, file),
            partial_path,
            final_path,
        }))
    }
}

struct FsFile {
    out: io::BufWriter<fs::File>,
    partial_path: PathBuf,
    final_path: PathBuf,
}

impl Write for FsFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.out.write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl DirectoryFile for FsFile {
    fn commit(self: Box<Self>) -> io::Result<()> {
        let file = self
            .out
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        file.sync_all()?;
        fs::rename(&self.partial_path, &self.final_path)
    }
}

/// A directory in memory, for tests and for serving a file of a feed over HTTP.
#[derive(Debug, Clone, Default)]
pub struct MemoryDirectory {
    files: Arc<Mutex<BTreeMap<String, Vec<u8>>>>,
}

impl MemoryDirectory {
    /// Creates an empty directory.
    pub fn new() -> Self {
        Self::default()
    }

    /// Returns the committed files, by name.
    pub fn files(&self) -> BTreeMap<String, Vec<u8>> {
        self.files
            .lock()
            .expect("the lock is never held across a panic")
            .clone()
    }
}

impl Directory for MemoryDirectory {
    fn create(&mut self, name: &str) -> io::Result<Box<dyn DirectoryFile>> {
        check_name(name)?;
        Ok(Box::new(MemoryFile {
            files: Arc::clone(&self.files),
            name: name.to_owned(),
            content: Vec::new(),
        }))
    }
}

struct MemoryFile {
    files: Arc<Mutex<BTreeMap<String, Vec<u8>>>>,
    name: String,
    content: Vec<u8>,
}

impl Write for MemoryFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.content.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl DirectoryFile for MemoryFile {
    fn commit(self: Box<Self>) -> io::Result<()> {
        let Self {
            files,
            name,
            content,
        } = *self;
        files
            .lock()
            .expect("the lock is never held across a panic")
            .insert(name, content);
        Ok(())
    }
}

/// Refuses names that would leave the directory.
fn check_name(name: &str) -> io::Result<()> {
    if name.is_empty() || name.contains(['/', '\\']) || name == "." || name == ".." {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{name:?} is not a plain file name"),
        ));
    }
    Ok(())
}

/// A writer that counts the bytes it passes on.
pub(crate) struct Counted<W> {
    pub(crate) inner: W,
    pub(crate) n_bytes: u64,
}

impl<W: Write> Counted<W> {
    pub(crate) fn new(inner: W) -> Self {
        Self { inner, n_bytes: 0 }
    }
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.n_bytes += n as u64;
        Ok(n)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.inner.write_all(buf)?;
        self.n_bytes += buf.len() as u64;
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_appear_only_when_committed() {
        let temp = tempfile::tempdir().unwrap();
        let mut dir = FsDirectory::create_all(temp.path().join("feed")).unwrap();
        let mut file = dir.create("manifest.json").unwrap();
        file.write_all(b"{}").unwrap();
        assert!(!temp.path().join("feed/manifest.json").exists());
        file.commit().unwrap();
        assert_eq!(
            fs::read(temp.path().join("feed/manifest.json")).unwrap(),
            b"{}"
        );
        assert!(dir.create("../escape").is_err());
        let mut memory = MemoryDirectory::new();
        let mut file = memory.create("a.txt").unwrap();
        file.write_all(b"x").unwrap();
        assert!(memory.files().is_empty());
        file.commit().unwrap();
        assert_eq!(memory.files()["a.txt"], b"x");
    }
}
