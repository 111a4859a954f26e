//! The SQL of the cookie banner ([`CookiePort`] for `anumodan_core::cookies`): one row per
//! fiduciary, its configuration as JSON.

use crate::conv::{fiduciary_doc, fiduciary_row, save_fiduciary_doc};
use crate::db::Connection;
use crate::tx::WriteTx;
use anumodan_core::cookies::{BannerConfig, CookiePort};
use anumodan_core::ports::StoreResult;
use uuid::Uuid;

fn banner(conn: &Connection, f: i64) -> StoreResult<Option<BannerConfig>> {
    fiduciary_doc(conn, "cookie_banners", f)
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
        save_fiduciary_doc(self.conn, "cookie_banners", f, b)
    }
}
