//! Project automation: `cargo xtask ci` runs locally what `.ci/run` runs in CI.

fn main() -> anyhow::Result<()> {
    let task = std::env::args().nth(1);
    match task.as_deref() {
        Some("ci") => {
            let status = std::process::Command::new(".ci/run").status()?;
            anyhow::ensure!(status.success(), ".ci/run failed");
            Ok(())
        }
        _ => anyhow::bail!("usage: cargo xtask ci"),
    }
}
