//! Fuzzes the body of TAXII Add Objects: the envelope is read or refused with 400 or 422, and
//! each of its objects parsed and validated on its own, never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    taxii::fuzzing::envelope(data);
});
