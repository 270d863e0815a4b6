//! Windows registry keys and file paths (Windows and Unix). Both may contain spaces
//! (`...\Windows NT\CurrentVersion`, `/Library/File System/...`): a component with spaces must
//! be followed by another separator, so the path ends at the last component without one and
//! the sentence after it is left out.

use super::{Candidate, Scanner};
use crate::finding::IocKind;

const REGISTRY_ROOTS: &[&str] = &[
    "HKEY_LOCAL_MACHINE",
    "HKEY_CURRENT_USER",
    "HKEY_CLASSES_ROOT",
    "HKEY_USERS",
    "HKEY_CURRENT_CONFIG",
    "HKEY_PERFORMANCE_DATA",
    "HKLM",
    "HKCU",
    "HKCR",
    "HKU",
    "HKCC",
    "HKPD",
];

/// Handles a token containing `/` or `\`.
pub(super) fn token(sc: &mut Scanner<'_>, start: usize, end: usize) {
    let bytes = sc.bytes;
    for rel in memchr::memchr_iter(b'\\', &bytes[start..end]) {
        let slash = start + rel;
        if let Some(root_start) = registry_root_before(bytes, start, slash) {
            registry(sc, root_start, slash);
        } else if slash >= 2
            && bytes[slash - 1] == b':'
            && bytes[slash - 2].is_ascii_alphabetic()
            && (slash == 2 || !bytes[slash - 3].is_ascii_alphanumeric())
        {
            windows_path(sc, slash - 2, slash);
        } else if slash > start && bytes[slash - 1] == b'%' {
            // `%APPDATA%\...`
            if let Some(open) = bytes[start..slash - 1].iter().rposition(|b| *b == b'%') {
                let open = start + open;
                if open + 1 < slash - 1
                    && bytes[open + 1..slash - 1]
                        .iter()
                        .all(|b| b.is_ascii_alphanumeric() || *b == b'_')
                {
                    windows_path(sc, open, slash);
                }
            }
        } else if slash == start && bytes.get(slash + 1) == Some(&b'\\') {
            // `\\server\share\file.exe`
            windows_path(sc, slash, slash + 1);
        }
    }
    // Unix paths start a token (or follow a quote or parenthesis): `/usr/bin/x`, `~/x/y.py`.
    let mut first = start;
    while first < end && matches!(bytes[first], b'"' | b'\'' | b'(' | b'`' | b'=') {
        first += 1;
    }
    if bytes[first..end].starts_with(b"~/")
        || (bytes.get(first) == Some(&b'/')
            && bytes
                .get(first + 1)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'.'))
    {
        unix_path(sc, first);
    }
}

/// If the backslash at `slash` follows a registry root (`HKLM`, `<HKCU>`), returns where the
/// root starts.
fn registry_root_before(bytes: &[u8], token_start: usize, slash: usize) -> Option<usize> {
    let mut k = slash;
    let bracketed = k > token_start && bytes[k - 1] == b'>';
    if bracketed {
        k -= 1;
    }
    let word_end = k;
    while k > token_start && (bytes[k - 1].is_ascii_alphanumeric() || bytes[k - 1] == b'_') {
        k -= 1;
    }
    let word = std::str::from_utf8(&bytes[k..word_end]).ok()?;
    if !REGISTRY_ROOTS
        .iter()
        .any(|root| root.eq_ignore_ascii_case(word))
    {
        return None;
    }
    if bracketed {
        if k == token_start || bytes[k - 1] != b'<' {
            return None;
        }
        return Some(k - 1);
    }
    Some(k)
}

/// Reads path components after `first_sep`; `sep` is the separator byte. Returns the end of
/// the path and the number of components.
fn components(bytes: &[u8], first_sep: usize, sep: u8, allow_angle: bool) -> (usize, usize) {
    let n = bytes.len();
    let mut end = first_sep + 1;
    let mut count = 0;
    let mut pos = first_sep + 1;
    loop {
        // One component: bytes up to the next separator; spaces only if a separator follows
        // before the end of the line.
        let comp_start = pos;
        let mut k = pos;
        let mut angle = 0i32;
        let mut last_non_space = pos;
        let mut ended_by_sep = false;
        while k < n {
            let b = bytes[k];
            if b == sep {
                ended_by_sep = true;
                break;
            }
            if matches!(
                b,
                b'\r' | b'\n' | b'\t' | b'"' | b'|' | b'*' | b'?' | b',' | b';'
            ) || b < 0x20
            {
                break;
            }
            // A colon is never part of a Windows name (`... then C:\x` is two paths).
            if b == b':' && sep == b'\\' {
                break;
            }
            if b >= 0x80 && (b == 0xE2 || super::unicode_space_len(bytes, k) > 0) {
                // Typographic quotes and Unicode spaces end a path.
                break;
            }
            if b == b'<' {
                if !allow_angle {
                    break;
                }
                angle += 1;
            } else if b == b'>' {
                if angle == 0 {
                    break;
                }
                angle -= 1;
            } else if b == b'/' && sep == b'\\' || b == b':' && sep == b'/' {
                break;
            }
            if b == b' ' {
                if k + 1 < n && bytes[k + 1] == b' ' {
                    break;
                }
                // A registry root after a space starts the next key.
                let rest = &bytes[k + 1..n.min(k + 24)];
                if REGISTRY_ROOTS.iter().any(|root| {
                    rest.len() >= root.len()
                        && rest[..root.len()].eq_ignore_ascii_case(root.as_bytes())
                }) {
                    break;
                }
            } else {
                last_non_space = k + 1;
            }
            k += 1;
        }
        if angle != 0 {
            // An unclosed `<` makes the component invalid: the path ends before it.
            break;
        }
        let has_space = bytes[comp_start..k].contains(&b' ');
        // Words after a space inside a component start with a letter, digit or `<`
        // (`Windows NT`, `<USER SID>`); `Run writes %APPDATA%\x` is a sentence.
        let words_ok = bytes[comp_start..k]
            .split(|b| *b == b' ')
            .skip(1)
            .all(|word| word.is_empty() || word[0].is_ascii_alphanumeric() || word[0] == b'<');
        if ended_by_sep && words_ok {
            if k == comp_start {
                // `\\` or a trailing separator.
                end = k + 1;
                break;
            }
            if bytes[comp_start] == b' ' {
                break;
            }
            count += 1;
            end = k + 1;
            pos = k + 1;
            continue;
        }
        // The last component: its spaces are kept only before capitalised words
        // (`Shell Folders`, `Image File Execution Options`); a lower-case word is the sentence
        // going on (`ConsoleIME on the windows box`).
        let stop = if has_space {
            let mut stop = comp_start;
            let mut word_start = comp_start;
            for idx in comp_start..=k {
                if idx == k || bytes[idx] == b' ' {
                    let word = &bytes[word_start..idx];
                    let capitalised = word
                        .first()
                        .is_some_and(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
                    if word_start > comp_start && !capitalised {
                        break;
                    }
                    stop = idx;
                    word_start = idx + 1;
                }
            }
            stop
        } else {
            last_non_space.max(comp_start)
        };
        let mut stop = stop;
        while stop > comp_start
            && matches!(bytes[stop - 1], b'.' | b',' | b';' | b')' | b'\'' | b':')
        {
            stop -= 1;
        }
        if stop > comp_start {
            count += 1;
            end = stop;
        }
        break;
    }
    (end, count)
}

/// `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion` (value without the `<>` of `<HKLM>`).
fn registry(sc: &mut Scanner<'_>, root_start: usize, slash: usize) {
    let bytes = sc.bytes;
    if root_start > 0
        && (bytes[root_start - 1].is_ascii_alphanumeric() || bytes[root_start - 1] == b'\\')
    {
        return;
    }
    let (end, count) = components(bytes, slash, b'\\', true);
    if count == 0 {
        return;
    }
    let mut value = String::with_capacity(end - root_start);
    let root = &sc.text[root_start..slash];
    value.push_str(root.trim_start_matches('<').trim_end_matches('>'));
    value.push_str(&sc.text[slash..end]);
    sc.push(Candidate::new(IocKind::RegistryKey, value, root_start..end));
}

/// Whether the last component of a path is a file name with an extension.
fn has_extension(bytes: &[u8], start: usize, end: usize, sep: u8) -> bool {
    let last_sep = bytes[start..end]
        .iter()
        .rposition(|b| *b == sep)
        .map_or(start, |idx| start + idx + 1);
    let name = &bytes[last_sep..end];
    match name.iter().rposition(|b| *b == b'.') {
        Some(dot) if dot > 0 => {
            let ext = &name[dot + 1..];
            (1..=8).contains(&ext.len()) && ext.iter().all(u8::is_ascii_alphanumeric)
        }
        _ => false,
    }
}

/// `C:\Users\x\AppData\Roaming\a.exe`, `%TEMP%\a.dll`, `\\server\share\a.bat`.
fn windows_path(sc: &mut Scanner<'_>, start: usize, first_sep: usize) {
    let bytes = sc.bytes;
    let (end, count) = components(bytes, first_sep, b'\\', true);
    if count == 0 || !has_extension(bytes, start, end, b'\\') {
        return;
    }
    sc.push(Candidate::new(
        IocKind::FilePath,
        sc.text[start..end].to_owned(),
        start..end,
    ));
}

/// `/Library/Storage/File System/x.appex`, `~/foo/bar/abc.py`.
fn unix_path(sc: &mut Scanner<'_>, start: usize) {
    let bytes = sc.bytes;
    let first_sep = if bytes[start] == b'~' {
        start + 1
    } else {
        start
    };
    let (end, count) = components(bytes, first_sep, b'/', false);
    if count < 2 && bytes[start] != b'~' || count == 0 || !has_extension(bytes, start, end, b'/') {
        return;
    }
    sc.push(Candidate::new(
        IocKind::FilePath,
        sc.text[start..end].to_owned(),
        start..end,
    ));
}
