//! Data directories, and their store read as someone with direct access to it would: the
//! embedded database file, or the directory's schema in PostgreSQL mode.

use super::pg::{database_url_for, drop_schema, pg_base};
use std::path::Path;

/// A test's temporary data directory; in PostgreSQL mode its schema goes with it.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            dir: tempfile::Builder::new()
                .prefix("anumodan-test-")
                .tempdir()
                .unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        drop_schema(self.dir.path());
    }
}

/// Runs `f` on the database of a data directory (on a thread of its own: the synchronous
/// PostgreSQL client must not run on the async runtime).
pub fn with_db<T: Send>(
    dir: &Path,
    f: impl FnOnce(&anumodan_store::db::Connection) -> T + Send,
) -> T {
    let url = database_url_for(dir);
    let path = dir.join("anumodan.db");
    anumodan_store::db::off_runtime(move || {
        let conn = match url {
            Some(u) => anumodan_store::pg::connect(&u).unwrap(),
            None => {
                anumodan_store::db::Connection::Sqlite(rusqlite::Connection::open(path).unwrap())
            }
        };
        f(&conn)
    })
}

/// Whether a data directory has a store: the embedded file, or tables in its schema.
pub fn has_store(dir: &Path) -> bool {
    dir.join("anumodan.db").is_file()
        || (pg_base().is_some()
            && with_db(dir, |c| {
                c.query_row(
                    "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()",
                    (),
                    |r| r.get::<_, i64>(0),
                )
                .unwrap()
                    > 0
            }))
}

/// The names of the store's tables.
pub fn table_names(c: &anumodan_store::db::Connection) -> Vec<String> {
    let sql = if c.is_postgres() {
        "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()"
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'table'"
    };
    c.query_all(sql, (), |r| r.get(0)).unwrap()
}

/// Every value of every row of a table, as bytes (text and blobs as stored), for searches.
pub fn dump_table(c: &anumodan_store::db::Connection, table: &str) -> Vec<u8> {
    use anumodan_store::db::Col;
    let rows = c
        .query_all(&format!("SELECT * FROM {table}"), (), |r| {
            let mut out = Vec::new();
            for i in 0..r.len() {
                match r.col(i)? {
                    Col::Text(t) => out.extend_from_slice(t.as_bytes()),
                    Col::Blob(b) => out.extend_from_slice(&b),
                    Col::Int(v) => out.extend_from_slice(v.to_string().as_bytes()),
                    Col::Real(v) => out.extend_from_slice(v.to_string().as_bytes()),
                    Col::Null => {}
                }
                out.push(b'\n');
            }
            Ok(out)
        })
        .unwrap();
    rows.concat()
}

/// Every byte an attacker with the database could read: the embedded file and its WAL (free
/// pages included), or in PostgreSQL mode every value of every table of the schema.
pub fn all_store_bytes(dir: &Path) -> Vec<u8> {
    if pg_base().is_some() && !dir.join("anumodan.db").is_file() {
        return with_db(dir, |c| {
            table_names(c)
                .iter()
                .map(|t| dump_table(c, t))
                .collect::<Vec<_>>()
                .concat()
        });
    }
    let mut out = std::fs::read(dir.join("anumodan.db")).unwrap_or_default();
    out.extend(std::fs::read(dir.join("anumodan.db-wal")).unwrap_or_default());
    // The principal index (derived: pseudonym symbols and ledger positions only).
    let index = dir.join(anumodan_store::INDEX_FILE);
    out.extend(std::fs::read(&index).unwrap_or_default());
    out.extend(std::fs::read(index.with_extension("db-wal")).unwrap_or_default());
    out
}

/// How many migrations the store of a data directory has applied.
pub fn schema_version(dir: &Path) -> i64 {
    with_db(dir, |c| {
        if c.is_postgres() {
            c.query_row("SELECT MAX(version) FROM anumodan_migrations", (), |r| {
                r.get(0)
            })
            .unwrap()
        } else {
            c.sqlite()
                .unwrap()
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .unwrap()
        }
    })
}
