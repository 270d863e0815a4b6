//! Migration 0030 computes, for versions stored before it, the same external-id look-up values
//! that the store now keeps at write time (checked on SQLite, whose file a test can reopen).

use policy::AccessScope;
use sqlx::Connection;
use stix::StixObject;
use store::{AddOptions, LookupValue, NewObject, SqliteStore, Store};

const MIGRATION: &str = include_str!("../../migrations/sqlite/0030_external_ids.sql");

#[tokio::test]
async fn migration_0030_backfills_the_values_kept_at_write_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let store = SqliteStore::open_file(&path).await.unwrap();
    let collection = store.default_collection().await.unwrap();
    let objects: Vec<StixObject> = [
        r#"{"type":"attack-pattern","spec_version":"2.1","id":"attack-pattern--970a3432-3237-47ad-bcca-7d8cbb217736","created":"2020-01-01T00:00:00.000Z","modified":"2020-01-01T00:00:00.000Z","name":"PowerShell","external_references":[{"source_name":"mitre-attack","external_id":"T1059.001"},{"source_name":"capec","external_id":" CAPEC-242 "},{"source_name":"a citation","description":"no id"}]}"#,
        r#"{"type":"course-of-action","spec_version":"2.1","id":"course-of-action--2c3ce852-06a2-40ee-8fe6-086f6402a739","created":"2020-01-01T00:00:00.000Z","modified":"2020-01-01T00:00:00.000Z","name":"Code signing","external_references":[{"source_name":"mitre-atlas","external_id":"AML.M0013"},{"source_name":"empty","external_id":""}]}"#,
        r#"{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2020-01-01T00:00:00.000Z","modified":"2020-01-01T00:00:00.000Z","pattern":"[domain-name:value = 'external_id.example']","pattern_type":"stix","valid_from":"2020-01-01T00:00:00Z"}"#,
    ]
    .iter()
    .map(|json| StixObject::from_json(json).unwrap())
    .collect();
    let expected: Vec<LookupValue> = objects.iter().flat_map(store::external_id_values).collect();
    assert_eq!(expected.len(), 3, "{expected:?}");
    let new: Vec<NewObject> = objects.into_iter().map(NewObject::from).collect();
    let report = store
        .add_objects(&collection, &new, &AddOptions::default())
        .await
        .unwrap();
    assert_eq!(report.n_added(), 3);
    let expected = &expected;
    let found = |store: SqliteStore| async move {
        let mut n_found = 0;
        for value in expected {
            n_found += store
                .lookup(&AccessScope::unrestricted(), value)
                .await
                .unwrap()
                .len();
        }
        n_found
    };
    assert_eq!(found(store.clone()).await, 3);

    // A store written before the migration had none of these values.
    let mut connection = sqlx::SqliteConnection::connect(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    let deleted = sqlx::query("DELETE FROM lookup_values WHERE kind LIKE 'external-id:%'")
        .execute(&mut connection)
        .await
        .unwrap();
    assert_eq!(deleted.rows_affected(), 3);
    assert_eq!(found(store.clone()).await, 0);

    sqlx::raw_sql(sqlx::AssertSqlSafe(MIGRATION))
        .execute(&mut connection)
        .await
        .unwrap();
    let n_values: i64 =
        sqlx::query_scalar("SELECT count(*) FROM lookup_values WHERE kind LIKE 'external-id:%'")
            .fetch_one(&mut connection)
            .await
            .unwrap();
    assert_eq!(n_values, 3);
    assert_eq!(found(store).await, 3);
}
