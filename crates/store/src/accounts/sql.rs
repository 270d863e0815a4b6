//! The SQL of [`Accounts`](super::Accounts), the same text for both backends (`$N`
//! placeholders, integer microsecond timestamps, UUIDs as text), and the row decoders.

use policy::{CollectionId, Country, ParticipantId, ParticipantKind, Role};
use sqlx::{ColumnIndex, Decode, Row, Type};
use stix::{StixId, StixTimestamp};
use uuid::Uuid;

use super::{ApiToken, Participant, Placement, User};
use crate::Result;
use crate::error::corrupt;

pub(crate) const SELECT_PARTICIPANTS: &str =
    "SELECT id, name, country, kind, identity_id, created_at FROM participants";

pub(crate) const SELECT_USERS: &str = "SELECT u.id, u.name, u.participant_id, p.name, u.role, \
     u.identity_id, u.password_hash IS NOT NULL, u.created_at, u.password_hash \
     FROM users u JOIN participants p ON p.id = u.participant_id";

pub(crate) const SELECT_TOKENS: &str = "SELECT t.id, u.name, t.prefix, t.label, t.created_at, \
     t.expires_at, t.revoked_at, t.last_used_at, t.token_hash \
     FROM api_tokens t JOIN users u ON u.id = t.user_id";

/// Ids per statement of [`placements_sql`].
pub(crate) const PLACEMENT_CHUNK: usize = 500;

/// Returns the statement listing every stored version of `n_ids` ids (`$1..$n_ids`).
pub(crate) fn placements_sql(n_ids: usize) -> String {
    let placeholders: Vec<String> = (1..=n_ids).map(|n| format!("${n}")).collect();
    format!(
        "SELECT o.object_id, o.version, c.id, o.tlp FROM object_versions o \
         JOIN collections c ON c.collection_key = o.collection_key \
         WHERE o.object_id IN ({}) ORDER BY o.object_id, o.version, c.id",
        placeholders.join(", ")
    )
}

fn timestamp(micros: i64) -> Result<StixTimestamp> {
    crate::rows::timestamp(micros)
}

fn optional_timestamp(micros: Option<i64>) -> Result<Option<StixTimestamp>> {
    micros.map(timestamp).transpose()
}

fn stix_id(text: &str) -> Result<StixId> {
    StixId::parse(text).map_err(|error| corrupt(format!("identity id: {error}")))
}

fn uuid(text: &str) -> Result<Uuid> {
    Uuid::try_parse(text).map_err(|error| corrupt(format!("id {text:?}: {error}")))
}

/// Decodes a row of [`SELECT_PARTICIPANTS`].
pub(crate) fn decode_participant<R>(row: &R) -> Result<Participant>
where
    R: Row,
    usize: ColumnIndex<R>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
{
    let id: String = row.try_get(0)?;
    let country: String = row.try_get(2)?;
    let kind: String = row.try_get(3)?;
    let identity: String = row.try_get(4)?;
    Ok(Participant {
        id: ParticipantId::new(uuid(&id)?),
        name: row.try_get(1)?,
        country: Country::parse(&country).map_err(|error| corrupt(error.to_string()))?,
        kind: ParticipantKind::parse(&kind).map_err(|error| corrupt(error.to_string()))?,
        identity: stix_id(&identity)?,
        created: timestamp(row.try_get(5)?)?,
    })
}

/// Decodes a row of [`SELECT_USERS`], with the password hash.
pub(crate) fn decode_user<R>(row: &R) -> Result<(User, Option<String>)>
where
    R: Row,
    usize: ColumnIndex<R>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> bool: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<String>: Decode<'r, R::Database> + Type<R::Database>,
{
    let id: String = row.try_get(0)?;
    let participant: String = row.try_get(2)?;
    let role: String = row.try_get(4)?;
    let identity: String = row.try_get(5)?;
    let user = User {
        id: uuid(&id)?,
        name: row.try_get(1)?,
        participant: ParticipantId::new(uuid(&participant)?),
        participant_name: row.try_get(3)?,
        role: Role::parse(&role).map_err(|error| corrupt(error.to_string()))?,
        identity: stix_id(&identity)?,
        has_password: row.try_get(6)?,
        created: timestamp(row.try_get(7)?)?,
    };
    Ok((user, row.try_get(8)?))
}

/// Decodes a row of [`SELECT_TOKENS`], with the token hash.
pub(crate) fn decode_token<R>(row: &R) -> Result<(ApiToken, String)>
where
    R: Row,
    usize: ColumnIndex<R>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<i64>: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<String>: Decode<'r, R::Database> + Type<R::Database>,
{
    let id: String = row.try_get(0)?;
    let token = ApiToken {
        id: uuid(&id)?,
        user: row.try_get(1)?,
        prefix: row.try_get(2)?,
        label: row.try_get(3)?,
        created: timestamp(row.try_get(4)?)?,
        expires: optional_timestamp(row.try_get(5)?)?,
        revoked: optional_timestamp(row.try_get(6)?)?,
        last_used: optional_timestamp(row.try_get(7)?)?,
    };
    Ok((token, row.try_get(8)?))
}

/// Decodes a row of [`placements_sql`].
pub(crate) fn decode_placement<R>(row: &R) -> Result<Placement>
where
    R: Row,
    usize: ColumnIndex<R>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
{
    let id: String = row.try_get(0)?;
    let collection: String = row.try_get(2)?;
    let tlp: String = row.try_get(3)?;
    Ok(Placement {
        id: StixId::parse(&id).map_err(|error| corrupt(error.to_string()))?,
        version: timestamp(row.try_get(1)?)?,
        collection: CollectionId::parse(&collection).map_err(|error| corrupt(error.to_string()))?,
        tlp: policy::parse_tlp(&tlp).map_err(|error| corrupt(error.to_string()))?,
    })
}

/// Returns the error for a unique name or id that is taken.
pub(crate) fn taken(what: String) -> crate::Error {
    crate::Error::AlreadyExists { what }
}

/// Implements [`Accounts`](super::Accounts) for a backend whose struct has a `pool` field;
/// expanded inside the backend's module so that the field is in reach. `$begin` is the
/// statement opening a write transaction.
macro_rules! impl_accounts {
    ($store:ty, begin = $begin:expr) => {
        impl $crate::accounts::Accounts for $store {
            async fn create_participant(
                &self,
                participant: &$crate::accounts::NewParticipant,
            ) -> $crate::Result<$crate::accounts::Participant> {
                let id = policy::ParticipantId::new_v4();
                let identity = participant
                    .identity
                    .clone()
                    .unwrap_or_else($crate::accounts::fresh_identity);
                let created = $crate::rows::now_micros();
                let result = sqlx::query(
                    "INSERT INTO participants (id, name, country, kind, identity_id, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                )
                .bind(id.to_string())
                .bind(&participant.name)
                .bind(participant.country.as_str())
                .bind(participant.kind.as_str())
                .bind(identity.as_str())
                .bind(created)
                .execute(&self.pool)
                .await?;
                if result.rows_affected() == 0 {
                    return Err($crate::accounts::sql::taken(format!(
                        "participant named {:?} or with identity {identity}",
                        participant.name
                    )));
                }
                self.participant(&id.to_string()).await?.ok_or_else(|| {
                    $crate::error::corrupt("a participant vanished after its creation")
                })
            }

            async fn participants(&self) -> $crate::Result<Vec<$crate::accounts::Participant>> {
                let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "{} ORDER BY name",
                    $crate::accounts::sql::SELECT_PARTICIPANTS
                )))
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map($crate::accounts::sql::decode_participant)
                    .collect()
            }

            async fn participant(
                &self,
                name: &str,
            ) -> $crate::Result<Option<$crate::accounts::Participant>> {
                let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "{} WHERE name = $1 OR id = $1",
                    $crate::accounts::sql::SELECT_PARTICIPANTS
                )))
                .bind(name)
                .fetch_optional(&self.pool)
                .await?;
                row.as_ref()
                    .map($crate::accounts::sql::decode_participant)
                    .transpose()
            }

            async fn delete_participant(
                &self,
                id: policy::ParticipantId,
            ) -> $crate::Result<bool> {
                let result = sqlx::query("DELETE FROM participants WHERE id = $1")
                    .bind(id.to_string())
                    .execute(&self.pool)
                    .await?;
                Ok(result.rows_affected() > 0)
            }

            async fn create_user(
                &self,
                user: &$crate::accounts::NewUser,
            ) -> $crate::Result<$crate::accounts::User> {
                let participant: Option<(String,)> =
                    sqlx::query_as("SELECT id FROM participants WHERE id = $1")
                        .bind(user.participant.to_string())
                        .fetch_optional(&self.pool)
                        .await?;
                if participant.is_none() {
                    return Err($crate::Error::Invalid {
                        what: "participant",
                        reason: format!("no participant has id {}", user.participant),
                    });
                }
                let identity = user
                    .identity
                    .clone()
                    .unwrap_or_else($crate::accounts::fresh_identity);
                let result = sqlx::query(
                    "INSERT INTO users (id, name, participant_id, role, identity_id, \
                     password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(&user.name)
                .bind(user.participant.to_string())
                .bind(user.role.as_str())
                .bind(identity.as_str())
                .bind(user.password_hash.as_deref())
                .bind($crate::rows::now_micros())
                .execute(&self.pool)
                .await?;
                if result.rows_affected() == 0 {
                    return Err($crate::accounts::sql::taken(format!(
                        "user named {:?} or with identity {identity}",
                        user.name
                    )));
                }
                self.user(&user.name)
                    .await?
                    .ok_or_else(|| $crate::error::corrupt("a user vanished after its creation"))
            }

            async fn users(&self) -> $crate::Result<Vec<$crate::accounts::User>> {
                let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "{} ORDER BY u.name",
                    $crate::accounts::sql::SELECT_USERS
                )))
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|row| $crate::accounts::sql::decode_user(row).map(|(user, _)| user))
                    .collect()
            }

            async fn user(&self, name: &str) -> $crate::Result<Option<$crate::accounts::User>> {
                Ok(self.user_credentials(name).await?.map(|(user, _)| user))
            }

            async fn user_credentials(
                &self,
                name: &str,
            ) -> $crate::Result<Option<($crate::accounts::User, Option<String>)>> {
                let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "{} WHERE u.name = $1",
                    $crate::accounts::sql::SELECT_USERS
                )))
                .bind(name)
                .fetch_optional(&self.pool)
                .await?;
                row.as_ref()
                    .map($crate::accounts::sql::decode_user)
                    .transpose()
            }

            async fn set_password_hash(
                &self,
                name: &str,
                password_hash: Option<&str>,
            ) -> $crate::Result<bool> {
                let result = sqlx::query("UPDATE users SET password_hash = $1 WHERE name = $2")
                    .bind(password_hash)
                    .bind(name)
                    .execute(&self.pool)
                    .await?;
                Ok(result.rows_affected() > 0)
            }

            async fn set_role(&self, name: &str, role: policy::Role) -> $crate::Result<bool> {
                let result = sqlx::query("UPDATE users SET role = $1 WHERE name = $2")
                    .bind(role.as_str())
                    .bind(name)
                    .execute(&self.pool)
                    .await?;
                Ok(result.rows_affected() > 0)
            }

            async fn delete_user(&self, name: &str) -> $crate::Result<bool> {
                let result = sqlx::query("DELETE FROM users WHERE name = $1")
                    .bind(name)
                    .execute(&self.pool)
                    .await?;
                Ok(result.rows_affected() > 0)
            }

            async fn create_token(
                &self,
                token: &$crate::accounts::NewToken,
            ) -> $crate::Result<$crate::accounts::ApiToken> {
                let user: Option<(String,)> = sqlx::query_as("SELECT id FROM users WHERE name = $1")
                    .bind(&token.user)
                    .fetch_optional(&self.pool)
                    .await?;
                let Some((user_id,)) = user else {
                    return Err($crate::Error::Invalid {
                        what: "user",
                        reason: format!("no user is named {:?}", token.user),
                    });
                };
                let result = sqlx::query(
                    "INSERT INTO api_tokens (id, user_id, prefix, token_hash, label, created_at, \
                     expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                )
                .bind(token.id.to_string())
                .bind(user_id)
                .bind(&token.prefix)
                .bind(&token.token_hash)
                .bind(token.label.as_deref())
                .bind(token.created.to_micros())
                .bind(token.expires.as_ref().map(stix::StixTimestamp::to_micros))
                .execute(&self.pool)
                .await?;
                if result.rows_affected() == 0 {
                    return Err($crate::accounts::sql::taken(format!(
                        "token with prefix {}",
                        token.prefix
                    )));
                }
                self.token_by_prefix(&token.prefix)
                    .await?
                    .map(|record| record.token)
                    .ok_or_else(|| $crate::error::corrupt("a token vanished after its creation"))
            }

            async fn tokens(
                &self,
                user: Option<&str>,
            ) -> $crate::Result<Vec<$crate::accounts::ApiToken>> {
                let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "{} WHERE $1 IS NULL OR u.name = $1 ORDER BY t.created_at DESC, t.id",
                    $crate::accounts::sql::SELECT_TOKENS
                )))
                .bind(user)
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|row| $crate::accounts::sql::decode_token(row).map(|(token, _)| token))
                    .collect()
            }

            async fn token_by_prefix(
                &self,
                prefix: &str,
            ) -> $crate::Result<Option<$crate::accounts::TokenRecord>> {
                let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "{} WHERE t.prefix = $1",
                    $crate::accounts::sql::SELECT_TOKENS
                )))
                .bind(prefix)
                .fetch_optional(&self.pool)
                .await?;
                row.as_ref()
                    .map(|row| {
                        $crate::accounts::sql::decode_token(row).map(|(token, token_hash)| {
                            $crate::accounts::TokenRecord { token, token_hash }
                        })
                    })
                    .transpose()
            }

            async fn revoke_token(
                &self,
                id_or_prefix: &str,
                at: stix::StixTimestamp,
            ) -> $crate::Result<Option<$crate::accounts::ApiToken>> {
                sqlx::query(
                    "UPDATE api_tokens SET revoked_at = $1 \
                     WHERE (id = $2 OR prefix = $2) AND revoked_at IS NULL",
                )
                .bind(at.to_micros())
                .bind(id_or_prefix)
                .execute(&self.pool)
                .await?;
                let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "{} WHERE t.id = $1 OR t.prefix = $1",
                    $crate::accounts::sql::SELECT_TOKENS
                )))
                .bind(id_or_prefix)
                .fetch_optional(&self.pool)
                .await?;
                row.as_ref()
                    .map(|row| $crate::accounts::sql::decode_token(row).map(|(token, _)| token))
                    .transpose()
            }

            async fn touch_token(
                &self,
                id: uuid::Uuid,
                at: stix::StixTimestamp,
            ) -> $crate::Result<()> {
                sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                    .bind(at.to_micros())
                    .bind(id.to_string())
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn set_collection_access(
                &self,
                collection: policy::CollectionId,
                access: &$crate::accounts::CollectionAccess,
            ) -> $crate::Result<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                let exists: Option<(String,)> =
                    sqlx::query_as("SELECT id FROM collections WHERE id = $1")
                        .bind(collection.to_string())
                        .fetch_optional(&mut *tx)
                        .await?;
                if exists.is_none() {
                    return Err($crate::Error::CollectionNotFound {
                        name: collection.to_string(),
                    });
                }
                sqlx::query("DELETE FROM collection_grants WHERE collection_id = $1")
                    .bind(collection.to_string())
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO collection_audiences (collection_id, read_all) VALUES ($1, $2) \
                     ON CONFLICT (collection_id) DO UPDATE SET read_all = excluded.read_all",
                )
                .bind(collection.to_string())
                .bind(access.read_all)
                .execute(&mut *tx)
                .await?;
                for grant in &access.grants {
                    let participant: Option<(String,)> =
                        sqlx::query_as("SELECT id FROM participants WHERE id = $1")
                            .bind(grant.participant.to_string())
                            .fetch_optional(&mut *tx)
                            .await?;
                    if participant.is_none() {
                        return Err($crate::Error::Invalid {
                            what: "grant",
                            reason: format!("no participant has id {}", grant.participant),
                        });
                    }
                    sqlx::query(
                        "INSERT INTO collection_grants (collection_id, participant_id, can_read, \
                         can_write) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (collection_id, participant_id) DO UPDATE \
                         SET can_read = excluded.can_read, can_write = excluded.can_write",
                    )
                    .bind(collection.to_string())
                    .bind(grant.participant.to_string())
                    .bind(grant.read)
                    .bind(grant.write)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn collection_access(
                &self,
                collection: policy::CollectionId,
            ) -> $crate::Result<$crate::accounts::CollectionAccess> {
                let read_all: Option<(bool,)> = sqlx::query_as(
                    "SELECT read_all FROM collection_audiences WHERE collection_id = $1",
                )
                .bind(collection.to_string())
                .fetch_optional(&self.pool)
                .await?;
                let rows: Vec<(String, bool, bool)> = sqlx::query_as(
                    "SELECT participant_id, can_read, can_write FROM collection_grants \
                     WHERE collection_id = $1 ORDER BY participant_id",
                )
                .bind(collection.to_string())
                .fetch_all(&self.pool)
                .await?;
                let grants = rows
                    .into_iter()
                    .map(|(participant, read, write)| {
                        Ok($crate::accounts::Grant {
                            participant: policy::ParticipantId::parse(&participant)
                                .map_err(|error| $crate::error::corrupt(error.to_string()))?,
                            read,
                            write,
                        })
                    })
                    .collect::<$crate::Result<Vec<_>>>()?;
                Ok($crate::accounts::CollectionAccess {
                    read_all: read_all.is_some_and(|(flag,)| flag),
                    grants,
                })
            }

            async fn participant_grants(
                &self,
                participant: policy::ParticipantId,
            ) -> $crate::Result<$crate::accounts::ParticipantGrants> {
                let rows: Vec<(String, bool, bool)> = sqlx::query_as(
                    "SELECT collection_id, can_read, can_write FROM collection_grants \
                     WHERE participant_id = $1 \
                     UNION ALL SELECT collection_id, read_all, FALSE \
                     FROM collection_audiences WHERE read_all",
                )
                .bind(participant.to_string())
                .fetch_all(&self.pool)
                .await?;
                let mut grants = $crate::accounts::ParticipantGrants::default();
                for (collection, read, write) in rows {
                    let collection = policy::CollectionId::parse(&collection)
                        .map_err(|error| $crate::error::corrupt(error.to_string()))?;
                    if read {
                        grants.readable.insert(collection);
                    }
                    if write {
                        grants.writable.insert(collection);
                    }
                }
                Ok(grants)
            }

            async fn placements(
                &self,
                ids: &[stix::StixId],
            ) -> $crate::Result<Vec<$crate::accounts::Placement>> {
                let mut ids: Vec<&str> = ids.iter().map(stix::StixId::as_str).collect();
                ids.sort_unstable();
                ids.dedup();
                let mut placements = Vec::new();
                for chunk in ids.chunks($crate::accounts::sql::PLACEMENT_CHUNK) {
                    let sql = $crate::accounts::sql::placements_sql(chunk.len());
                    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for id in chunk {
                        query = query.bind(*id);
                    }
                    let rows = query.fetch_all(&self.pool).await?;
                    for row in &rows {
                        placements.push($crate::accounts::sql::decode_placement(row)?);
                    }
                }
                Ok(placements)
            }
        }
    };
}

pub(crate) use impl_accounts;
