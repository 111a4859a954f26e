//! PostgreSQL mode: when `ANUMODAN_TEST_DATABASE_URL` names a database, the suite runs on it
//! instead of the embedded store, and every data directory gets its own schema there (named
//! after the directory), created on first use and dropped with the directory.

use std::path::Path;

/// The PostgreSQL database the suite runs on, if any.
pub fn pg_base() -> Option<String> {
    std::env::var("ANUMODAN_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

/// The schema of a data directory (PostgreSQL mode).
pub fn schema_for(dir: &Path) -> String {
    use sha2::Digest;
    let h = sha2::Sha256::digest(dir.as_os_str().as_encoded_bytes());
    format!("t_{}", hex_of(&h[..10]))
}

fn hex_of(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Runs SQL on the test database (from a thread of its own: the synchronous client must not
/// run on the async runtime).
pub fn pg_exec(sql: String) {
    if let Err(e) = pg_try_exec(sql) {
        panic!("SQL on ANUMODAN_TEST_DATABASE_URL: {e}");
    }
}

fn pg_try_exec(sql: String) -> Result<(), String> {
    let base = pg_base().ok_or("not in PostgreSQL mode")?;
    std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&base, postgres::NoTls).map_err(|e| e.to_string())?;
        c.batch_execute(&sql).map_err(|e| e.to_string())
    })
    .join()
    .map_err(|_| "the SQL thread panicked".to_string())?
}

/// The database URL of a data directory in PostgreSQL mode (its schema created if need be),
/// or None on the embedded store.
pub fn database_url_for(dir: &Path) -> Option<String> {
    let base = pg_base()?;
    let schema = schema_for(dir);
    pg_exec(format!("CREATE SCHEMA IF NOT EXISTS {schema}"));
    let sep = if base.contains('?') { '&' } else { '?' };
    Some(format!("{base}{sep}options=-c%20search_path%3D{schema}"))
}

/// In PostgreSQL mode, copies the schema of data directory `from` into that of `to` (the
/// counterpart of copying the embedded database file).
pub fn copy_schema(from: &Path, to: &Path) {
    if pg_base().is_none() {
        return;
    }
    let (a, b) = (schema_for(from), schema_for(to));
    pg_exec(format!(
        "DROP SCHEMA IF EXISTS {b} CASCADE; CREATE SCHEMA {b};
         DO $$ DECLARE t text; BEGIN
           FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = '{a}' LOOP
             EXECUTE format('CREATE TABLE %I.%I (LIKE %I.%I INCLUDING ALL)', '{b}', t, '{a}', t);
             EXECUTE format('INSERT INTO %I.%I SELECT * FROM %I.%I', '{b}', t, '{a}', t);
           END LOOP;
         END $$;"
    ));
}

/// Drops the schema of a data directory (PostgreSQL mode; best effort, never panics: a schema
/// left behind is dropped by the next run of `.ci/run`, which drops every `t_` schema first).
pub fn drop_schema(dir: &Path) {
    if pg_base().is_some() {
        let _ = pg_try_exec(format!(
            "SET lock_timeout = '5s'; DROP SCHEMA IF EXISTS {} CASCADE",
            schema_for(dir)
        ));
    }
}
