//! Opening logs (files or standard input, plain, gzip or zstd, growing files with `follow`)
//! and cutting them into chunks of whole lines.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::error::Error;

/// A log opened for reading, decompressed.
pub struct Input {
    /// The path as given (`-` for standard input).
    pub path: PathBuf,
    /// The compression found: `gzip`, `zstd` or `none`.
    pub compression: &'static str,
    reader: Box<dyn Read + Send>,
}

impl std::fmt::Debug for Input {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Input")
            .field("path", &self.path)
            .field("compression", &self.compression)
            .finish_non_exhaustive()
    }
}

/// How to follow a growing file (`--follow`): poll for new data every `poll`, reopen the path
/// when the file is replaced (rotation) or truncated, and end once `stop` is set and all data
/// written so far has been read.
#[derive(Debug, Clone)]
pub struct Follow {
    /// How long to wait before looking for new data again.
    pub poll: Duration,
    /// Set it to end the run.
    pub stop: Arc<AtomicBool>,
}

/// Opens a log: `-` is standard input; gzip and zstd are recognised by their magic bytes.
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be opened or its first bytes read, and
/// [`Error::InvalidOption`] when a compressed file or standard input is to be followed.
pub fn open_input(path: &Path, follow: Option<&Follow>) -> Result<Input, Error> {
    let io_error = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let raw: Box<dyn Read + Send> = if path == Path::new("-") {
        if follow.is_some() {
            return Err(Error::InvalidOption {
                what: "input",
                reason: "standard input is read to its end; --follow is for files".to_owned(),
            });
        }
        Box::new(io::stdin())
    } else {
        let file = File::open(path).map_err(io_error)?;
        match follow {
            Some(follow) => {
                Box::new(FollowFile::new(path, file, follow.clone()).map_err(io_error)?)
            }
            None => Box::new(file),
        }
    };
    let mut buffered = BufReader::with_capacity(256 * 1024, raw);
    let magic = buffered.fill_buf().map_err(io_error)?;
    let compression = if magic.starts_with(&[0x1f, 0x8b]) {
        "gzip"
    } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        "zstd"
    } else {
        "none"
    };
    if follow.is_some() && compression != "none" {
        return Err(Error::InvalidOption {
            what: "input",
            reason: format!(
                "{} is {compression}-compressed and cannot be followed",
                path.display()
            ),
        });
    }
    let reader: Box<dyn Read + Send> = match compression {
        "gzip" => Box::new(flate2::bufread::MultiGzDecoder::new(buffered)),
        "zstd" => Box::new(zstd::stream::read::Decoder::with_buffer(buffered).map_err(io_error)?),
        _ => Box::new(buffered),
    };
    Ok(Input {
        path: path.to_owned(),
        compression,
        reader,
    })
}

impl Input {
    /// Wraps any reader (already decompressed) as an input named `path`.
    pub fn from_reader(path: impl Into<PathBuf>, reader: Box<dyn Read + Send>) -> Self {
        Self {
            path: path.into(),
            compression: "none",
            reader,
        }
    }
}

/// A chunk of whole lines.
pub type Chunk = Vec<u8>;

/// Cuts an input into chunks of whole lines of about `chunk_size` bytes. A line longer than a
/// chunk makes the chunk grow, up to `max_line` bytes; beyond that the line is cut (and its
/// pieces will read as malformed), so one bad line cannot take all memory.
pub struct ChunkReader {
    input: Input,
    chunk_size: usize,
    max_line: usize,
    carry: Vec<u8>,
    spare: Vec<Vec<u8>>,
    eof: bool,
    follow: bool,
}

impl ChunkReader {
    /// Default chunk size: large enough that per-chunk costs vanish, small enough to spread
    /// over threads.
    pub const DEFAULT_CHUNK_SIZE: usize = 1 << 20;
    /// Default longest line.
    pub const DEFAULT_MAX_LINE: usize = 16 << 20;

    /// Creates a reader of `input`. With `follow`, a chunk is handed out as soon as a read
    /// brings a whole line, rather than when it is full.
    pub fn new(input: Input, follow: bool) -> Self {
        Self {
            input,
            chunk_size: Self::DEFAULT_CHUNK_SIZE,
            max_line: Self::DEFAULT_MAX_LINE,
            carry: Vec::new(),
            spare: Vec::new(),
            eof: false,
            follow,
        }
    }

    /// Sets the chunk size and the longest line.
    pub fn with_sizes(mut self, chunk_size: usize, max_line: usize) -> Self {
        self.chunk_size = chunk_size.max(1);
        self.max_line = max_line.max(self.chunk_size);
        self
    }

    /// Returns the input's path.
    pub fn path(&self) -> &Path {
        &self.input.path
    }

    /// Gives a chunk's buffer back for reuse.
    pub fn recycle(&mut self, mut buffer: Vec<u8>) {
        if self.spare.len() < 4 {
            buffer.clear();
            self.spare.push(buffer);
        }
    }

    /// Returns the next chunk, or `None` at the end of the input.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when reading (or decompressing) fails; the chunks before it were good.
    pub fn next_chunk(&mut self) -> Result<Option<Chunk>, Error> {
        let mut buffer = self.spare.pop().unwrap_or_default();
        buffer.clear();
        buffer.append(&mut self.carry);
        let mut scan_from = 0;
        loop {
            let full = buffer.len() >= self.chunk_size;
            if full || self.eof {
                match memchr::memrchr(b'\n', &buffer[scan_from..]) {
                    Some(newline) => {
                        let cut = scan_from + newline + 1;
                        self.carry.extend_from_slice(&buffer[cut..]);
                        buffer.truncate(cut);
                        break;
                    }
                    None if self.eof || buffer.len() >= self.max_line => break,
                    None => scan_from = buffer.len(),
                }
            }
            let old_len = buffer.len();
            let want = self
                .chunk_size
                .saturating_sub(old_len)
                .max(self.chunk_size.min(64 * 1024));
            buffer.resize(old_len + want, 0);
            let read = loop {
                match self.input.reader.read(&mut buffer[old_len..]) {
                    Ok(read) => break read,
                    Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                    Err(source) => {
                        buffer.truncate(old_len);
                        return Err(Error::Io {
                            path: self.input.path.clone(),
                            source,
                        });
                    }
                }
            };
            buffer.truncate(old_len + read);
            if read == 0 {
                self.eof = true;
            } else if self.follow
                && let Some(newline) = memchr::memrchr(b'\n', &buffer[old_len..])
            {
                let cut = old_len + newline + 1;
                self.carry.extend_from_slice(&buffer[cut..]);
                buffer.truncate(cut);
                break;
            }
        }
        if buffer.is_empty() {
            return Ok(None);
        }
        Ok(Some(buffer))
    }
}

/// A file read as it grows: at its end, waits and looks again; reopens the path when the file
/// was replaced or truncated.
struct FollowFile {
    path: PathBuf,
    file: File,
    position: u64,
    identity: Option<(u64, u64)>,
    follow: Follow,
}

impl FollowFile {
    fn new(path: &Path, file: File, follow: Follow) -> io::Result<Self> {
        let identity = file_identity(&file.metadata()?);
        Ok(Self {
            path: path.to_owned(),
            file,
            position: 0,
            identity,
            follow,
        })
    }

    /// Reopens the path when it now names another file, or seeks back when the file shrank.
    fn check_rotation(&mut self) -> io::Result<()> {
        use std::io::Seek;
        let Ok(metadata) = std::fs::metadata(&self.path) else {
            return Ok(());
        };
        if file_identity(&metadata) != self.identity {
            self.file = File::open(&self.path)?;
            self.identity = file_identity(&self.file.metadata()?);
            self.position = 0;
        } else if metadata.len() < self.position {
            self.file.seek(io::SeekFrom::Start(0))?;
            self.position = 0;
        }
        Ok(())
    }
}

impl Read for FollowFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let read = self.file.read(buf)?;
            if read > 0 {
                self.position += read as u64;
                return Ok(read);
            }
            self.check_rotation()?;
            let read = self.file.read(buf)?;
            if read > 0 {
                self.position += read as u64;
                return Ok(read);
            }
            if self.follow.stop.load(Ordering::Relaxed) {
                return Ok(0);
            }
            std::thread::sleep(self.follow.poll);
        }
    }
}

#[cfg(unix)]
fn file_identity(metadata: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((metadata.dev(), metadata.ino()))
}

#[cfg(not(unix))]
fn file_identity(_metadata: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(text: &[u8], chunk_size: usize, max_line: usize) -> Vec<Vec<u8>> {
        let input = Input::from_reader("test", Box::new(io::Cursor::new(text.to_vec())));
        let mut reader = ChunkReader::new(input, false).with_sizes(chunk_size, max_line);
        let mut out = Vec::new();
        while let Some(chunk) = reader.next_chunk().unwrap() {
            out.push(chunk);
        }
        out
    }

    #[test]
    fn chunks_end_at_line_ends_and_keep_every_byte() {
        let text = b"one\ntwo\nthree\nfour\nfive";
        let out = chunks(text, 6, 64);
        assert!(
            out[..out.len() - 1]
                .iter()
                .all(|chunk| chunk.ends_with(b"\n"))
        );
        assert_eq!(out.concat(), text);
    }

    #[test]
    fn long_lines_grow_the_chunk_up_to_the_limit() {
        let text = b"short\nthis-line-is-longer-than-a-chunk\nend\n";
        let out = chunks(text, 8, 64);
        assert!(
            out.iter()
                .any(|chunk| chunk == b"this-line-is-longer-than-a-chunk\n")
        );
        assert_eq!(out.concat(), text);
        let out = chunks(text, 8, 16);
        assert!(out.iter().all(|chunk| chunk.len() <= 16 + 8), "{out:?}");
        assert_eq!(out.concat(), text);
    }
}
