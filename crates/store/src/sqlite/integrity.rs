//! Checking a database file after a crash: SQLite's own integrity and foreign-key checks.

use sqlx::Row;

use super::SqliteStore;
use crate::{Error, Result};

impl SqliteStore {
    /// Runs `PRAGMA integrity_check` and `PRAGMA foreign_key_check` and returns every problem
    /// they report (none for a sound database).
    ///
    /// # Errors
    ///
    /// [`Error::Database`] when the checks cannot run.
    pub async fn check_integrity(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        for row in sqlx::query("PRAGMA integrity_check")
            .fetch_all(&self.pool)
            .await?
        {
            let line: String = row.try_get(0).map_err(Error::from)?;
            if line != "ok" {
                problems.push(line);
            }
        }
        for row in sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&self.pool)
            .await?
        {
            let table: String = row.try_get(0).map_err(Error::from)?;
            problems.push(format!("dangling foreign key in table {table}"));
        }
        Ok(problems)
    }
}
