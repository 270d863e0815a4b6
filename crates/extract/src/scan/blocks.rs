//! Indicators that span several words: YARA rules, user agents and Amazon Resource Names.

use super::{Candidate, Scanner};
use crate::finding::IocKind;

/// A YARA rule starting at the keyword `rule` (with `private`/`global` before it and the
/// `import`/`include` lines above it), ending at the brace that closes its body. The body must
/// have a `condition:` section.
pub(super) fn yara(sc: &mut Scanner<'_>, rule_kw: usize) {
    let bytes = sc.bytes;
    let n = bytes.len();
    // The rule keyword starts a line, after optional modifiers.
    let line_start = bytes[..rule_kw]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |idx| idx + 1);
    let before = &sc.text[line_start..rule_kw];
    if !before
        .split_whitespace()
        .all(|word| word == "private" || word == "global")
    {
        return;
    }
    let mut i = rule_kw + 4;
    let ws = |i: &mut usize| {
        while *i < n && bytes[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    if !bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
        return;
    }
    ws(&mut i);
    let name_start = i;
    while i < n && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
        i += 1;
    }
    if i == name_start || bytes[name_start].is_ascii_digit() {
        return;
    }
    ws(&mut i);
    if bytes.get(i) == Some(&b':') {
        i += 1;
        ws(&mut i);
        while i < n
            && (bytes[i].is_ascii_alphanumeric()
                || bytes[i] == b'_'
                || bytes[i] == b' '
                || bytes[i] == b'\t')
        {
            i += 1;
        }
        ws(&mut i);
    }
    if bytes.get(i) != Some(&b'{') {
        return;
    }
    let Some(close) = body_end(bytes, i) else {
        return;
    };
    let body = &sc.text[i..close];
    if !has_condition(body) {
        return;
    }
    let start = imports_start(sc.text, line_start)
        .unwrap_or(line_start + (before.len() - before.trim_start().len()));
    let mut candidate = Candidate::new(IocKind::YaraRule, String::new(), start..close + 1);
    candidate.value_as_written = true;
    sc.push(candidate);
}

/// Returns the index of the `}` closing the body opened at `open`, skipping strings, regular
/// expressions' contents are not parsed, comments and hex strings in braces.
fn body_end(bytes: &[u8], open: usize) -> Option<usize> {
    let n = bytes.len();
    let mut depth = 0usize;
    let mut i = open;
    // A rule body is rarely longer than this; the bound keeps a stray `rule x {` cheap.
    let limit = n.min(open + 256 * 1024);
    while i < limit {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < limit && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    if bytes[i.min(limit - 1)] == b'\n' {
                        return None;
                    }
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < limit && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let rest = &bytes[i + 2..limit];
                i += 2 + memchr::memmem::find(rest, b"*/")? + 1;
            }
            b'{' => depth += 1,
            b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether a rule body has a `condition` section followed by a colon.
fn has_condition(body: &str) -> bool {
    body.match_indices("condition").any(|(idx, _)| {
        let before_ok = idx == 0 || !body.as_bytes()[idx - 1].is_ascii_alphanumeric();
        before_ok
            && body[idx + "condition".len()..]
                .trim_start()
                .starts_with(':')
    })
}

/// Walks back from the rule's line over blank lines, comments, `import` and `include` lines;
/// returns where the first `import`/`include` line of that block starts.
fn imports_start(text: &str, line_start: usize) -> Option<usize> {
    let mut first_import = None;
    let mut in_block_comment = false;
    let mut end = line_start;
    while end > 0 {
        let prev_end = end - 1;
        let start = text[..prev_end].rfind('\n').map_or(0, |idx| idx + 1);
        let line = text[start..prev_end].trim();
        let is_import = line.starts_with("import \"") || line.starts_with("include \"");
        if in_block_comment {
            if line.starts_with("/*") {
                in_block_comment = false;
            }
        } else if line.ends_with("*/") && !line.starts_with("/*") {
            in_block_comment = true;
        } else if is_import {
            first_import = Some(
                start + (text[start..prev_end].len() - text[start..prev_end].trim_start().len()),
            );
        } else if !(line.is_empty()
            || line.starts_with("//")
            || (line.starts_with("/*") && line.ends_with("*/")))
        {
            break;
        }
        end = start;
    }
    first_import
}

/// A user agent: `Mozilla/5.0 (...) Product/1.0 (...) word Product/2.0`, stopping before
/// anything that is neither a product token, a comment in parentheses nor a bare word followed
/// by a product token; a second `Mozilla/` starts a new user agent.
pub(super) fn user_agent(sc: &mut Scanner<'_>, start: usize) {
    let bytes = sc.bytes;
    let n = bytes.len();
    if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
        return;
    }
    let product = |i: usize| -> Option<usize> {
        let mut k = i;
        while k < n && (bytes[k].is_ascii_alphanumeric() || matches!(bytes[k], b'-' | b'_' | b'.'))
        {
            k += 1;
        }
        if k == i || bytes.get(k) != Some(&b'/') {
            return None;
        }
        let version_start = k + 1;
        k = version_start;
        while k < n
            && (bytes[k].is_ascii_alphanumeric() || matches!(bytes[k], b'.' | b'-' | b'_' | b'+'))
        {
            k += 1;
        }
        (k > version_start).then_some(k)
    };
    let Some(mut end) = product(start) else {
        return;
    };
    loop {
        if bytes.get(end) != Some(&b' ') {
            break;
        }
        let next = end + 1;
        if next + 8 <= n && bytes[next..next + 8].eq_ignore_ascii_case(b"mozilla/") {
            break;
        }
        if bytes.get(next) == Some(&b'(') {
            let Some(close) = memchr::memchr(b')', &bytes[next..n.min(next + 512)]) else {
                break;
            };
            if bytes[next..next + close].contains(&b'\n') {
                break;
            }
            end = next + close + 1;
            continue;
        }
        if let Some(product_end) = product(next) {
            end = product_end;
            continue;
        }
        // A bare word (`Gecko`) counts only when a product token follows it.
        let mut k = next;
        while k < n && bytes[k].is_ascii_alphabetic() {
            k += 1;
        }
        if k > next
            && bytes.get(k) == Some(&b' ')
            && let Some(product_end) = product(k + 1)
        {
            end = product_end;
            continue;
        }
        break;
    }
    sc.push(Candidate::new(
        IocKind::UserAgent,
        sc.text[start..end].to_owned(),
        start..end,
    ));
}

/// An Amazon Resource Name: `arn:partition:service:region:account:resource`.
pub(super) fn arn(sc: &mut Scanner<'_>, start: usize) {
    let bytes = sc.bytes;
    let n = bytes.len();
    if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
        return;
    }
    let mut i = start + 4;
    // partition, service, region, account: four fields ended by colons.
    for field in 0..4 {
        let field_start = i;
        while i < n && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'-' | b'*')) {
            i += 1;
        }
        if bytes.get(i) != Some(&b':') {
            return;
        }
        let value = &bytes[field_start..i];
        let ok = match field {
            0 => value.starts_with(b"aws"),
            1 => !value.is_empty(),
            _ => true,
        };
        if !ok {
            return;
        }
        i += 1;
    }
    let resource_start = i;
    let is_resource = |b: u8| {
        !(b.is_ascii_whitespace()
            || matches!(b, b'"' | b'\'' | b'<' | b'>' | b'`' | b',' | b')' | b']'))
            && b >= 0x20
    };
    while i < n && is_resource(bytes[i]) {
        i += 1;
    }
    // Resource names may hold spaces (`application/My App`) when the ARN runs to the end of
    // its line: take the rest of the line when it is made of name characters only.
    if i < n
        && bytes[i] == b' '
        && bytes[resource_start..i]
            .iter()
            .any(|b| matches!(b, b'/' | b':'))
    {
        let line_end = memchr::memchr(b'\n', &bytes[i..]).map_or(n, |idx| i + idx);
        let rest = &bytes[i..line_end];
        let rest_trimmed = rest.trim_ascii_end();
        if rest_trimmed.iter().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b' ' | b'/' | b'*' | b'-' | b'_' | b'?')
        }) && !rest_trimmed.is_empty()
        {
            i += rest_trimmed.len();
        }
    }
    while i > resource_start && matches!(bytes[i - 1], b'.' | b';' | b':') {
        i -= 1;
    }
    if i == resource_start {
        return;
    }
    sc.push(Candidate::new(
        IocKind::Arn,
        sc.text[start..i].to_owned(),
        start..i,
    ));
}
