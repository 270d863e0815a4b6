//! The STIX 2.1 bundle format: the stored JSON of each object, spliced into one bundle as it
//! streams by, never held whole in memory.

use std::io::Write;

use anyhow::Context;
use stix::StixId;

/// Writes a bundle object by object.
pub struct BundleWriter<W: Write> {
    out: W,
    n_objects: u64,
    n_bytes: u64,
}

impl<W: Write> BundleWriter<W> {
    /// Starts a bundle with a fresh id.
    ///
    /// # Errors
    ///
    /// Fails when `out` cannot be written.
    pub fn new(out: W) -> anyhow::Result<Self> {
        let mut writer = Self {
            out,
            n_objects: 0,
            n_bytes: 0,
        };
        let id = StixId::new_v4("bundle").expect("`bundle` is a valid type name");
        writer.write(format!(r#"{{"type":"bundle","id":"{id}""#).as_bytes())?;
        Ok(writer)
    }

    /// Adds one object, given as the compact JSON the store keeps.
    ///
    /// # Errors
    ///
    /// Fails when `out` cannot be written.
    pub fn push(&mut self, json: &str) -> anyhow::Result<()> {
        // STIX 2.1: a bundle's `objects`, when present, must not be empty, so the list opens
        // with its first object.
        let separator: &[u8] = if self.n_objects == 0 {
            br#","objects":["#
        } else {
            b","
        };
        self.write(separator)?;
        self.write(json.as_bytes())?;
        self.n_objects += 1;
        Ok(())
    }

    /// Adds `n_objects` objects given as their compact JSON joined by commas.
    ///
    /// # Errors
    ///
    /// Fails when `out` cannot be written.
    pub fn push_joined(&mut self, joined: &str, n_objects: u64) -> anyhow::Result<()> {
        if n_objects == 0 {
            return Ok(());
        }
        let separator: &[u8] = if self.n_objects == 0 {
            br#","objects":["#
        } else {
            b","
        };
        self.write(separator)?;
        self.write(joined.as_bytes())?;
        self.n_objects += n_objects;
        Ok(())
    }

    /// Returns the number of objects written so far.
    pub fn n_objects(&self) -> u64 {
        self.n_objects
    }

    /// Closes the bundle and returns the number of objects and bytes written.
    ///
    /// # Errors
    ///
    /// Fails when `out` cannot be written.
    pub fn finish(mut self) -> anyhow::Result<(u64, u64)> {
        let end: &[u8] = if self.n_objects == 0 { b"}\n" } else { b"]}\n" };
        self.write(end)?;
        Ok((self.n_objects, self.n_bytes))
    }

    fn write(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        self.out.write_all(bytes).context("writing the export")?;
        self.n_bytes += bytes.len() as u64;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle(objects: &[&str]) -> serde_json::Value {
        let mut out = Vec::new();
        let mut writer = BundleWriter::new(&mut out).unwrap();
        for object in objects {
            writer.push(object).unwrap();
        }
        let (n_objects, n_bytes) = writer.finish().unwrap();
        assert_eq!(n_objects, objects.len() as u64);
        assert_eq!(n_bytes, out.len() as u64);
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn writes_a_bundle_and_omits_an_empty_object_list() {
        let empty = bundle(&[]);
        assert_eq!(empty["type"], "bundle");
        assert!(empty.get("objects").is_none());
        let two = bundle(&[r#"{"a":1}"#, r#"{"b":[2]}"#]);
        assert_eq!(two["objects"], serde_json::json!([{"a":1},{"b":[2]}]));
        let mut out = Vec::new();
        let mut writer = BundleWriter::new(&mut out).unwrap();
        writer.push(r#"{"a":1}"#).unwrap();
        writer.push_joined(r#"{"b":2},{"c":3}"#, 2).unwrap();
        writer.push_joined("", 0).unwrap();
        writer.push(r#"{"d":4}"#).unwrap();
        assert_eq!(writer.finish().unwrap().0, 4);
        let joined: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            joined["objects"],
            serde_json::json!([{"a":1},{"b":2},{"c":3},{"d":4}])
        );
        assert!(two["id"].as_str().unwrap().starts_with("bundle--"));
    }
}
