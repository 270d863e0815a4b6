//! Inputs: compression, chunking (the result does not depend on how an input is cut or in
//! which order chunks are scanned), standard input wrappers and following a growing file.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use matcher::{
    ChunkOutcome, ChunkReader, Follow, FormatSpec, LogFormat, Probe, open_input, scan_input,
};

use crate::support::{options, render, scan, test_index, testdata};

#[test]
fn gzip_and_zstd_inputs_give_the_same_matches() {
    let (index, _) = test_index();
    let plain = std::fs::read(testdata("eve/eve.json")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let gz_path = dir.path().join("eve.json.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz_path).unwrap(),
        flate2::Compression::default(),
    );
    gz.write_all(&plain).unwrap();
    gz.finish().unwrap();
    let zst_path = dir.path().join("eve.json.zst");
    std::fs::write(&zst_path, zstd::encode_all(plain.as_slice(), 3).unwrap()).unwrap();

    let expected = render(
        &scan("eve/eve.json", &FormatSpec::default(), &index)
            .outcome
            .matches,
    );
    for (path, compression) in [(gz_path, "gzip"), (zst_path, "zstd")] {
        let input = open_input(&path, None).unwrap();
        assert_eq!(input.compression, compression);
        let report = scan_input(input, &FormatSpec::default(), &index, options(), false).unwrap();
        assert_eq!(render(&report.outcome.matches), expected, "{compression}");
        assert_eq!(report.outcome.bytes, plain.len() as u64);
    }
}

#[test]
fn missing_files_are_errors_naming_the_file() {
    let error = open_input(std::path::Path::new("/nonexistent/dns.log"), None).unwrap_err();
    assert_eq!(error.to_string(), "reading /nonexistent/dns.log");
}

/// Scans an input cut into small chunks, the chunks scanned in reverse order (as threads
/// might finish them), then put back in order: the outcome equals a plain scan.
#[test]
fn chunks_scanned_in_any_order_give_the_same_outcome() {
    let (index, _) = test_index();
    for file in [
        "zeek/dns.log",
        "zeek/http.log",
        "eve/eve.json",
        "eve/eve-malformed.json",
        "zeek/dns-malformed.log",
    ] {
        let whole = scan(file, &FormatSpec::default(), &index);
        let input = open_input(&testdata(file), None).unwrap();
        let mut reader = ChunkReader::new(input, false).with_sizes(64, 4096);
        let mut format: Option<LogFormat> = None;
        let mut chunks = Vec::new();
        while let Some(chunk) = reader.next_chunk().unwrap() {
            let format = format.get_or_insert_with(|| {
                LogFormat::detect(&FormatSpec::default(), reader.path(), &chunk).unwrap()
            });
            let state = format.begin_chunk(&chunk);
            chunks.push((state, chunk));
        }
        assert!(chunks.len() > 3, "{file} is cut into several chunks");
        let mut outcomes: Vec<ChunkOutcome> = chunks
            .iter()
            .rev()
            .map(|(state, chunk)| {
                let mut probe = Probe::new(&index, options());
                state.scan_chunk(chunk, &mut probe);
                probe.take_outcome()
            })
            .collect();
        outcomes.reverse();
        let mut total = ChunkOutcome::default();
        for mut outcome in outcomes {
            outcome.rebase(total.lines);
            total.absorb(outcome, 100);
        }
        assert_eq!(total, whole.outcome, "{file}");
    }
}

#[test]
fn follows_a_growing_file() {
    let (index, _) = test_index();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("eve.json");
    let lines: Vec<String> = std::fs::read_to_string(testdata("eve/eve.json"))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    std::fs::write(&path, format!("{}\n", lines[0])).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let follow = Follow {
        poll: Duration::from_millis(10),
        stop: Arc::clone(&stop),
    };
    let writer = {
        let path = path.clone();
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            for line in &lines[1..] {
                std::thread::sleep(Duration::from_millis(20));
                let mut file = std::fs::OpenOptions::new()
                    .append(true)
                    .open(&path)
                    .unwrap();
                // Write each line in two pieces: the reader must not scan half a line.
                let (head, tail) = line.split_at(line.len() / 2);
                file.write_all(head.as_bytes()).unwrap();
                file.flush().unwrap();
                std::thread::sleep(Duration::from_millis(15));
                file.write_all(format!("{tail}\n").as_bytes()).unwrap();
            }
            std::thread::sleep(Duration::from_millis(50));
            stop.store(true, Ordering::Relaxed);
        })
    };
    let input = open_input(&path, Some(&follow)).unwrap();
    let report = scan_input(input, &FormatSpec::default(), &index, options(), true).unwrap();
    writer.join().unwrap();
    let expected = scan("eve/eve.json", &FormatSpec::default(), &index);
    assert_eq!(
        report.outcome.n_malformed, 0,
        "{:?}",
        report.outcome.malformed
    );
    assert_eq!(
        render(&report.outcome.matches),
        render(&expected.outcome.matches)
    );
}

#[test]
fn compressed_files_and_stdin_cannot_be_followed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&path).unwrap(),
        flate2::Compression::default(),
    );
    gz.write_all(b"a\n").unwrap();
    gz.finish().unwrap();
    let follow = Follow {
        poll: Duration::from_millis(10),
        stop: Arc::new(AtomicBool::new(true)),
    };
    let error = open_input(&path, Some(&follow)).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("gzip-compressed and cannot be followed"),
        "{error}"
    );
    let error = open_input(std::path::Path::new("-"), Some(&follow)).unwrap_err();
    assert!(
        error.to_string().contains("--follow is for files"),
        "{error}"
    );
}

#[test]
fn unknown_formats_are_explained() {
    let (index, _) = test_index();
    let input = matcher::Input::from_reader(
        "odd.jsonl",
        Box::new(std::io::Cursor::new(b"{\"a\":1}\n".to_vec())),
    );
    let error = scan_input(input, &FormatSpec::default(), &index, options(), false).unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot recognise the format of odd.jsonl: JSON lines that are neither Suricata EVE nor Zeek: name the fields with --field"
    );
}
