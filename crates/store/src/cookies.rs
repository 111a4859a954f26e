//! The SQL of the cookie banner ([`CookiePort`] for `anumodan_core::cookies`): one row per
//! fiduciary, its configuration as JSON.

use crate::conv::{db_err, fiduciary_row, json_err, to_json};
use crate::db::{Connection, OptionalExtension, params};
use crate::tx::WriteTx;
use anumodan_core::cookies::{BannerConfig, CookiePort};
use anumodan_core::ports::StoreResult;
use uuid::Uuid;

fn banner(conn: &Connection, f: i64) -> StoreResult<Option<BannerConfig>> {
    let body: Option<String> = conn
        .prepare_cached("SELECT body FROM cookie_banners WHERE fiduciary = ?1")
        .map_err(db_err)?
        .query_row(params![f], |r| r.get(0))
        .optional()
        .map_err(db_err)?;
    body.map(|b| serde_json::from_str(&b).map_err(json_err))
        .transpose()
}

/// The fiduciary's banner, for reads (None when it has none, or there is no such fiduciary).
pub fn banner_of(conn: &Connection, fid: Uuid) -> StoreResult<Option<BannerConfig>> {
    match fiduciary_row(conn, fid)? {
        Some(f) => banner(conn, f),
        None => Ok(None),
    }
}

impl CookiePort for WriteTx<'_> {
    fn cookie_banner(&mut self, fid: Uuid) -> StoreResult<Option<BannerConfig>> {
        let f = self.fid(fid)?;
        banner(self.conn, f)
    }

    fn save_cookie_banner(&mut self, fid: Uuid, b: &BannerConfig) -> StoreResult<()> {
        let f = self.fid(fid)?;
        self.exec(
            "INSERT INTO cookie_banners (fiduciary, body) VALUES (?1, ?2)
             ON CONFLICT (fiduciary) DO UPDATE SET body = excluded.body",
            params![f, to_json(b)?],
        )?;
        Ok(())
    }
}
