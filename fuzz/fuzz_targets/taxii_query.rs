//! Fuzzes the TAXII URL parameters (`added_after`, `limit`, `next`,
//! `match[id|type|version|spec_version]`) of every endpoint that reads them, and the `next`
//! cursor: any query string is read or refused with 400, never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The HTTP layer hands the query over as text; arbitrary bytes are percent-decoded
    // lossily by the parser itself.
    let query = String::from_utf8_lossy(data);
    taxii::fuzzing::query(&query);
});
