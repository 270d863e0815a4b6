//! Writes a generated corpus for the benchmark (`bench/matcher/run.sh`): a bundle of N
//! indicators, Zeek `dns.log` and EVE JSON logs of M lines each, the planted matches of each
//! log (JSON lines), and the domain indicators as a plain list (for `grep -F -f`).
//!
//! `cargo run --release -p matcher --example corpus -- DIR SEED N_INDICATORS ZEEK_LINES EVE_LINES`

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use matcher::corpus::{Corpus, CorpusSpec, Expected};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, seed, n_indicators, zeek_lines, eve_lines] = args.as_slice() else {
        return Err("usage: corpus DIR SEED N_INDICATORS ZEEK_LINES EVE_LINES".into());
    };
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir)?;
    let (zeek_lines, eve_lines): (u64, u64) = (zeek_lines.parse()?, eve_lines.parse()?);
    let spec = CorpusSpec::new(
        seed.parse()?,
        n_indicators.parse()?,
        zeek_lines.max(eve_lines),
    );
    let corpus = Corpus::generate(spec);
    let create = |name: &str| -> std::io::Result<BufWriter<File>> {
        Ok(BufWriter::with_capacity(
            1 << 20,
            File::create(dir.join(name))?,
        ))
    };
    let mut bundle = create("indicators.json")?;
    corpus.write_bundle(&mut bundle)?;
    bundle.flush()?;
    let mut domains = create("domains.txt")?;
    corpus.write_domain_list(&mut domains)?;
    domains.flush()?;
    let mut zeek = create("dns.log")?;
    let zeek_expected = corpus.write_zeek_dns(&mut zeek, zeek_lines)?;
    zeek.flush()?;
    write_expected(create("dns.expected.jsonl")?, &zeek_expected)?;
    let mut eve = create("eve.json")?;
    let eve_expected = corpus.write_eve(&mut eve, eve_lines)?;
    eve.flush()?;
    write_expected(create("eve.expected.jsonl")?, &eve_expected)?;
    println!(
        "{} indicators, {} planted matches in dns.log, {} in eve.json",
        corpus.len(),
        zeek_expected.len(),
        eve_expected.len()
    );
    Ok(())
}

fn write_expected(mut out: impl Write, expected: &[Expected]) -> std::io::Result<()> {
    for row in expected {
        serde_json::to_writer(&mut out, row)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
