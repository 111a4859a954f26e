//! Conversions shared by both backends and every repository: storage errors, times as unix
//! milliseconds, stored JSON, hex.

use crate::db::DbError;
use anumodan_core::ports::{StoreError, StoreResult};
use time::OffsetDateTime;

/// A database error as a storage error of its kind (see [`DbError::kind`]).
pub(crate) fn db_err(e: impl Into<DbError>) -> StoreError {
    let e = e.into();
    StoreError::new(e.kind(), e.to_string())
}

/// Stored JSON that does not read back.
pub(crate) fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::corrupt(format!("stored JSON: {e}"))
}

pub(crate) fn ms(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

pub(crate) fn from_ms(v: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(v) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> StoreResult<String> {
    serde_json::to_string(v).map_err(|e| StoreError::internal(e.to_string()))
}

pub fn hex(bytes: &[u8]) -> String {
    anumodan_core::model::hex_lower(bytes)
}

/// The row id of the fiduciary with this uuid, if there is one (the one lookup every read and
/// write of the store uses; `WriteTx::fid` keeps the answers of a transaction).
pub(crate) fn fiduciary_row(
    conn: &crate::db::Connection,
    fid: uuid::Uuid,
) -> StoreResult<Option<i64>> {
    use crate::db::OptionalExtension;
    conn.prepare_cached("SELECT id FROM fiduciaries WHERE uuid = ?1")
        .map_err(db_err)?
        .query_row([fid.to_string()], |r| r.get(0))
        .optional()
        .map_err(db_err)
}

/// A fiduciary's one JSON document in `table` (a `(fiduciary, body)` table: case settings,
/// web settings, the cookie banner), or None when it has saved none. `table` is one of ours,
/// never input.
pub(crate) fn fiduciary_doc<T: serde::de::DeserializeOwned>(
    conn: &crate::db::Connection,
    table: &'static str,
    f: i64,
) -> StoreResult<Option<T>> {
    use crate::db::OptionalExtension;
    let body: Option<String> = conn
        .prepare_cached(&format!("SELECT body FROM {table} WHERE fiduciary = ?1"))
        .map_err(db_err)?
        .query_row(crate::db::params![f], |r| r.get(0))
        .optional()
        .map_err(db_err)?;
    body.map(|b| serde_json::from_str(&b).map_err(json_err))
        .transpose()
}

/// Saves (inserts or replaces) a fiduciary's JSON document in `table` (see [`fiduciary_doc`]).
pub(crate) fn save_fiduciary_doc<T: serde::Serialize>(
    conn: &crate::db::Connection,
    table: &'static str,
    f: i64,
    doc: &T,
) -> StoreResult<()> {
    conn.prepare_cached(&format!(
        "INSERT INTO {table} (fiduciary, body) VALUES (?1, ?2)
         ON CONFLICT (fiduciary) DO UPDATE SET body = excluded.body"
    ))
    .map_err(db_err)?
    .execute(crate::db::params![f, to_json(doc)?])
    .map_err(db_err)?;
    Ok(())
}
