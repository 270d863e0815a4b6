//! Fuzzes the TAXII media-type checks: the input, split at its first newline, is an `Accept`
//! header and a `Content-Type` header; each is accepted or refused with 406 or 415, never a
//! panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|b| *b == b'\n').unwrap_or(data.len());
    let (accept, rest) = data.split_at(split);
    let content_type = rest.get(1..).unwrap_or_default();
    taxii::fuzzing::media_types(accept, content_type);
});
