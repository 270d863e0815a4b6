//! Secrets: password hashing (argon2id) and API tokens (random, shown once, stored as their
//! SHA-256).
//!
//! A token reads `phx_<prefix>_<secret>`: the prefix (16 hex digits, random) finds the
//! token's row without a table scan and is safe to show in listings; the secret is 32 random
//! bytes. The store keeps only the SHA-256 of the whole token. A token has 256 bits of
//! entropy, so a fast hash cannot be brute-forced and keeps per-request authentication
//! cheap; passwords, which people choose, get argon2id's deliberately slow hash instead.
//! Comparisons of secrets are constant-time.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The start of every Phalanx API token.
pub const TOKEN_PREFIX: &str = "phx_";

/// A freshly issued token: the secret to show once, and what the store keeps.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuedToken {
    /// The whole token, to give to the user once.
    pub token: String,
    /// Its public look-up prefix.
    pub prefix: String,
    /// Hex SHA-256 of the whole token.
    pub token_hash: String,
}

impl std::fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token itself never reaches a log line, even through a debug print.
        f.debug_struct("IssuedToken")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

/// Errors of credential handling.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    /// The operating system's random source failed.
    #[error("no randomness available")]
    Random(#[source] getrandom::Error),
    /// The password could not be hashed.
    #[error("cannot hash the password: {0}")]
    Hash(String),
    /// The password is unusable.
    #[error("{0}")]
    Weak(&'static str),
}

/// The shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 12;

/// Hashes a password with argon2id (the crate's defaults: 19 MiB, 2 passes, 1 lane, which
/// is OWASP's recommended minimum) and a random salt, as a PHC string.
///
/// # Errors
///
/// [`CredentialError::Weak`] for a password shorter than [`MIN_PASSWORD_LEN`] characters,
/// [`CredentialError::Hash`] when hashing fails.
pub fn hash_password(password: &str) -> Result<String, CredentialError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(CredentialError::Weak(
            "a password needs at least 12 characters",
        ));
    }
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|error| CredentialError::Hash(error.to_string()))
}

/// Returns whether `password` matches the PHC string `hash` (argon2 compares in constant
/// time). A malformed hash matches nothing.
pub fn verify_password(hash: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

/// A hash to verify against when a user does not exist or has no password, so that the
/// answer takes as long as for a wrong password and does not reveal which users exist.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        hash_password("decoy password that never matches")
            .expect("hashing a fixed password succeeds")
    })
}

/// Issues a new random token.
///
/// # Errors
///
/// [`CredentialError::Random`] when the random source fails.
pub fn issue_token() -> Result<IssuedToken, CredentialError> {
    let mut prefix_bytes = [0u8; 8];
    let mut secret_bytes = [0u8; 32];
    getrandom::fill(&mut prefix_bytes).map_err(CredentialError::Random)?;
    getrandom::fill(&mut secret_bytes).map_err(CredentialError::Random)?;
    let prefix = hex::encode(prefix_bytes);
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret_bytes);
    let token = format!("{TOKEN_PREFIX}{prefix}_{secret}");
    let token_hash = token_hash(&token);
    Ok(IssuedToken {
        token,
        prefix,
        token_hash,
    })
}

/// Returns the look-up prefix of a token, or `None` when it is not shaped like a Phalanx
/// token.
pub fn token_lookup_prefix(token: &str) -> Option<&str> {
    let rest = token.strip_prefix(TOKEN_PREFIX)?;
    let (prefix, secret) = rest.split_once('_')?;
    let well_formed =
        prefix.len() == 16 && prefix.bytes().all(|b| b.is_ascii_hexdigit()) && !secret.is_empty();
    well_formed.then_some(prefix)
}

/// Returns the hex SHA-256 of a token, as the store keeps it.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares two secrets (or their hashes) in constant time.
pub fn secrets_equal(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// Recently verified HTTP Basic credentials, so that a client sending the same user and
/// password on every request pays for argon2 once a minute rather than on every request.
///
/// Entries are keyed by a salted SHA-256 of (user, password) with a random per-process salt,
/// kept in memory only, and bound to the stored password hash they were verified against: a
/// changed password (a new hash) misses. The map is emptied when it reaches its size bound.
pub struct VerifiedCredentials {
    salt: Option<[u8; 32]>,
    entries: Mutex<HashMap<[u8; 32], Verified>>,
    ttl: Duration,
}

struct Verified {
    stored_hash: [u8; 32],
    at: Instant,
}

/// How many verified credentials are remembered at most.
const MAX_VERIFIED: usize = 10_000;

impl std::fmt::Debug for VerifiedCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifiedCredentials")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl Default for VerifiedCredentials {
    fn default() -> Self {
        Self::new(Duration::from_secs(60))
    }
}

impl VerifiedCredentials {
    /// Returns an empty cache whose entries last `ttl`; without randomness for the salt the
    /// cache stays off (every request is verified).
    pub fn new(ttl: Duration) -> Self {
        let mut salt = [0u8; 32];
        let salt = getrandom::fill(&mut salt).ok().map(|()| salt);
        Self {
            salt,
            entries: Mutex::new(HashMap::new()),
            ttl,
        }
    }

    fn key(&self, user: &str, password: &str) -> Option<[u8; 32]> {
        let salt = self.salt?;
        let mut hasher = Sha256::new();
        hasher.update(salt);
        hasher.update((user.len() as u64).to_le_bytes());
        hasher.update(user.as_bytes());
        hasher.update(password.as_bytes());
        Some(hasher.finalize().into())
    }

    /// Returns whether `user` proved `password` against `stored_hash` within the last `ttl`.
    pub fn contains(&self, user: &str, password: &str, stored_hash: &str) -> bool {
        let Some(key) = self.key(user, password) else {
            return false;
        };
        let digest: [u8; 32] = Sha256::digest(stored_hash.as_bytes()).into();
        let entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.get(&key).is_some_and(|verified| {
            bool::from(verified.stored_hash.ct_eq(&digest)) && verified.at.elapsed() < self.ttl
        })
    }

    /// Remembers that `user` proved `password` against `stored_hash`.
    pub fn insert(&self, user: &str, password: &str, stored_hash: &str) {
        let Some(key) = self.key(user, password) else {
            return;
        };
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if entries.len() >= MAX_VERIFIED {
            entries.clear();
        }
        entries.insert(
            key,
            Verified {
                stored_hash: Sha256::digest(stored_hash.as_bytes()).into(),
                at: Instant::now(),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let hash = hash_password("correct horse battery").expect("hashes");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "correct horse batterx"));
        assert!(!verify_password("not a hash", "correct horse battery"));
        assert!(!verify_password(decoy_hash(), "correct horse battery"));
        assert!(matches!(
            hash_password("short"),
            Err(CredentialError::Weak(_))
        ));
    }

    #[test]
    fn verified_credentials_match_only_the_same_user_password_and_hash() {
        let cache = VerifiedCredentials::default();
        cache.insert("alice", "secret one", "$argon2id$hash-1");
        assert!(cache.contains("alice", "secret one", "$argon2id$hash-1"));
        assert!(!cache.contains("alice", "secret two", "$argon2id$hash-1"));
        assert!(!cache.contains("bob", "secret one", "$argon2id$hash-1"));
        assert!(
            !cache.contains("alice", "secret one", "$argon2id$hash-2"),
            "a changed password misses"
        );
        let expired = VerifiedCredentials::new(Duration::ZERO);
        expired.insert("alice", "secret one", "$argon2id$hash-1");
        assert!(!expired.contains("alice", "secret one", "$argon2id$hash-1"));
    }

    #[test]
    fn tokens_are_random_prefixed_and_hashed() {
        let first = issue_token().expect("random");
        let second = issue_token().expect("random");
        assert_ne!(first.token, second.token);
        assert_eq!(
            token_lookup_prefix(&first.token),
            Some(first.prefix.as_str())
        );
        assert_eq!(first.token_hash, token_hash(&first.token));
        assert_eq!(first.token_hash.len(), 64);
        assert!(!format!("{first:?}").contains(&first.token));
        assert!(secrets_equal(&first.token_hash, &token_hash(&first.token)));
        assert!(!secrets_equal(&first.token_hash, &second.token_hash));
        for bad in [
            "",
            "phx_",
            "phx_zz_x",
            "phx_0123456789abcdef_",
            "abc_0123456789abcdef_x",
        ] {
            assert_eq!(token_lookup_prefix(bad), None, "{bad:?}");
        }
    }
}
