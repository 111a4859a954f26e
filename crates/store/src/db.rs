//! One connection type over the two backends: the embedded SQLite database and PostgreSQL.
//!
//! The store's queries are written once, in the SQL both databases accept, with SQLite's
//! numbered placeholders (`?1`, `?2`, ...). On PostgreSQL each statement is rewritten to `$1`,
//! `$2`, ... and prepared once per connection with the parameter types taken from the Rust
//! values bound to it (64-bit integers, text, bytes), so PostgreSQL never has to guess a
//! parameter's type. Columns are read through [`Row::get`] into Rust types the same way on
//! both backends; an integer column of any width reads as any integer type it fits.
//!
//! The surface mirrors rusqlite's (`execute`, `query_row`, `prepare_cached`, `query_map`,
//! [`OptionalExtension::optional`]) so the store reads the same whichever backend runs it.
//! Where the two dialects differ the few queries concerned ask [`Connection::is_postgres`].

use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

use anumodan_core::ports::StoreErrorKind;

/// A connection to one of the backends. Not shared between threads: the writer owns one, and
/// each reader of the pool is lent to one blocking task at a time.
pub enum Connection {
    Sqlite(rusqlite::Connection),
    Postgres(Box<RefCell<PgConn>>),
}

/// A PostgreSQL client and the statements prepared on it.
///
/// The synchronous `postgres` client drives its socket with a runtime of its own, so it must
/// not be used, nor dropped, on a thread that is running async tasks: the store uses it on the
/// writer thread and in blocking tasks, opens it through [`off_runtime`], and a connection
/// dropped on an async thread is closed on a thread of its own.
pub struct PgConn {
    /// Always `Some` until dropped.
    client: Option<postgres::Client>,
    stmts: HashMap<String, postgres::Statement>,
}

impl Drop for PgConn {
    fn drop(&mut self) {
        if let Some(client) = self.client.take()
            && tokio::runtime::Handle::try_current().is_ok()
        {
            std::thread::spawn(move || drop(client));
        }
    }
}

/// Runs `f` where the synchronous PostgreSQL client may block: on this thread when it is not
/// inside an async runtime, else on a thread of its own.
pub fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if tokio::runtime::Handle::try_current().is_err() {
        return f();
    }
    std::thread::scope(|s| match s.spawn(f).join() {
        Ok(v) => v,
        Err(p) => std::panic::resume_unwind(p),
    })
}

impl PgConn {
    pub fn new(client: postgres::Client) -> PgConn {
        PgConn {
            client: Some(client),
            stmts: HashMap::new(),
        }
    }

    pub fn client(&mut self) -> &mut postgres::Client {
        self.client.as_mut().expect("a live PgConn has its client")
    }

    pub fn is_closed(&self) -> bool {
        self.client.as_ref().is_none_or(|c| c.is_closed())
    }

    /// The statement for `sql` prepared for these values, and the values as driver arguments.
    fn prepared<'v>(
        &mut self,
        sql: &str,
        values: Vec<Value<'v>>,
    ) -> Result<(postgres::Statement, Vec<PgArg<'v>>), DbError> {
        let kinds: Vec<Kind> = values.iter().map(Value::kind).collect();
        let st = self.statement(sql, &kinds)?;
        Ok((st, values.into_iter().map(PgArg).collect()))
    }

    fn statement(&mut self, sql: &str, kinds: &[Kind]) -> Result<postgres::Statement, DbError> {
        let mut key = String::with_capacity(sql.len() + kinds.len() + 1);
        key.push_str(sql);
        key.push('\0');
        key.extend(kinds.iter().map(|k| k.code()));
        if let Some(s) = self.stmts.get(&key) {
            return Ok(s.clone());
        }
        let types: Vec<Type> = kinds.iter().map(|k| k.pg_type()).collect();
        let stmt = self
            .client()
            .prepare_typed(&pg_placeholders(sql), &types)
            .map_err(DbError::Pg)?;
        self.stmts.insert(key, stmt.clone());
        Ok(stmt)
    }
}

/// Any database error, or a value that does not fit the Rust type asked for.
#[derive(Debug)]
pub enum DbError {
    /// `query_row` found no row (see [`OptionalExtension::optional`]).
    NoRows,
    Sqlite(rusqlite::Error),
    Pg(postgres::Error),
    Conversion(String),
    /// No connection to the database (it is down, or a reconnect is not due yet).
    Unavailable(String),
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbError::NoRows => f.write_str("query returned no rows"),
            DbError::Sqlite(e) => write!(f, "{e}"),
            DbError::Pg(e) => match e.as_db_error() {
                // The server's message and SQLSTATE, never the values of the statement.
                Some(d) => write!(f, "{} ({})", d.message(), d.code().code()),
                None => write!(f, "{e}"),
            },
            DbError::Conversion(m) | DbError::Unavailable(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for DbError {}

impl DbError {
    /// What kind of storage failure this is (the one place database errors get a kind).
    pub fn kind(&self) -> StoreErrorKind {
        match self {
            DbError::NoRows => StoreErrorKind::NotFound,
            DbError::Conversion(_) => StoreErrorKind::Corrupt,
            DbError::Unavailable(_) => StoreErrorKind::Unavailable,
            DbError::Sqlite(e) => sqlite_kind(e),
            DbError::Pg(e) => pg_kind(e),
        }
    }
}

fn sqlite_kind(e: &rusqlite::Error) -> StoreErrorKind {
    use rusqlite::ErrorCode as C;
    match e {
        rusqlite::Error::QueryReturnedNoRows => StoreErrorKind::NotFound,
        rusqlite::Error::SqliteFailure(f, _) => match f.code {
            C::DatabaseBusy
            | C::DatabaseLocked
            | C::DiskFull
            | C::SystemIoFailure
            | C::CannotOpen
            | C::OutOfMemory
            | C::ReadOnly
            | C::FileLockingProtocolFailed => StoreErrorKind::Unavailable,
            C::DatabaseCorrupt | C::NotADatabase => StoreErrorKind::Corrupt,
            // SQLITE_CONSTRAINT_PRIMARYKEY and _UNIQUE: a key taken by a concurrent change.
            C::ConstraintViolation if matches!(f.extended_code, 1555 | 2067) => {
                StoreErrorKind::Conflict
            }
            _ => StoreErrorKind::Internal,
        },
        rusqlite::Error::FromSqlConversionFailure(..)
        | rusqlite::Error::IntegralValueOutOfRange(..)
        | rusqlite::Error::Utf8Error(..)
        | rusqlite::Error::InvalidColumnType(..) => StoreErrorKind::Corrupt,
        _ => StoreErrorKind::Internal,
    }
}

fn pg_kind(e: &postgres::Error) -> StoreErrorKind {
    use postgres::error::SqlState;
    if e.is_closed() {
        return StoreErrorKind::Unavailable;
    }
    if let Some(d) = e.as_db_error() {
        let code = d.code();
        let class = &code.code()[..2];
        return if *code == SqlState::UNIQUE_VIOLATION
            || *code == SqlState::T_R_SERIALIZATION_FAILURE
            || *code == SqlState::T_R_DEADLOCK_DETECTED
        {
            StoreErrorKind::Conflict
        } else if matches!(class, "08" | "53" | "57" | "58")
            || *code == SqlState::READ_ONLY_SQL_TRANSACTION
        {
            // Connection exceptions, insufficient resources, operator intervention (shutdown,
            // cannot connect now), system errors; a read-only standby.
            StoreErrorKind::Unavailable
        } else if class == "XX" {
            StoreErrorKind::Corrupt
        } else {
            StoreErrorKind::Internal
        };
    }
    // A client-side error: the socket (I/O, timeout, connecting) unless it is about converting
    // a value, which no retry mends.
    let msg = e.to_string();
    if msg.starts_with("error deserializing") {
        StoreErrorKind::Corrupt
    } else if msg.starts_with("error serializing")
        || msg.starts_with("invalid column")
        || msg.starts_with("expected ")
        || msg.starts_with("query returned an unexpected number")
        || msg.starts_with("invalid configuration")
        || msg.starts_with("invalid connection string")
    {
        StoreErrorKind::Internal
    } else {
        StoreErrorKind::Unavailable
    }
}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        match e {
            rusqlite::Error::QueryReturnedNoRows => DbError::NoRows,
            e => DbError::Sqlite(e),
        }
    }
}

/// `Option` for `query_row`'s result: no row is `Ok(None)`.
pub trait OptionalExtension<T> {
    fn optional(self) -> Result<Option<T>, DbError>;
}

impl<T> OptionalExtension<T> for Result<T, DbError> {
    fn optional(self) -> Result<Option<T>, DbError> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(DbError::NoRows) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// The type of a bound value (also for a NULL, so PostgreSQL knows the parameter's type).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Int,
    Real,
    Text,
    Blob,
}

impl Kind {
    fn code(self) -> char {
        match self {
            Kind::Int => 'i',
            Kind::Real => 'r',
            Kind::Text => 't',
            Kind::Blob => 'b',
        }
    }

    fn pg_type(self) -> Type {
        match self {
            Kind::Int => Type::INT8,
            Kind::Real => Type::FLOAT8,
            Kind::Text => Type::TEXT,
            Kind::Blob => Type::BYTEA,
        }
    }
}

/// A value bound to a statement.
#[derive(Clone, Copy, Debug)]
pub enum Value<'a> {
    Null(Kind),
    Int(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

impl Value<'_> {
    fn kind(&self) -> Kind {
        match self {
            Value::Null(k) => *k,
            Value::Int(_) => Kind::Int,
            Value::Real(_) => Kind::Real,
            Value::Text(_) => Kind::Text,
            Value::Blob(_) => Kind::Blob,
        }
    }
}

/// A Rust value that can be bound to a statement.
pub trait Param {
    fn value(&self) -> Value<'_>;
    fn kind() -> Kind
    where
        Self: Sized;
}

macro_rules! int_param {
    ($($t:ty),*) => {$(
        impl Param for $t {
            fn value(&self) -> Value<'_> {
                Value::Int(*self as i64)
            }
            fn kind() -> Kind {
                Kind::Int
            }
        }
    )*};
}
int_param!(i64, i32, u32, u16, u8);

impl Param for u64 {
    fn value(&self) -> Value<'_> {
        // Ledger positions and sizes; an i64 holds every value the store can reach.
        Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
    fn kind() -> Kind {
        Kind::Int
    }
}

impl Param for usize {
    fn value(&self) -> Value<'_> {
        Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
    fn kind() -> Kind {
        Kind::Int
    }
}

impl Param for bool {
    fn value(&self) -> Value<'_> {
        Value::Int(i64::from(*self))
    }
    fn kind() -> Kind {
        Kind::Int
    }
}

impl Param for f64 {
    fn value(&self) -> Value<'_> {
        Value::Real(*self)
    }
    fn kind() -> Kind {
        Kind::Real
    }
}

impl Param for str {
    fn value(&self) -> Value<'_> {
        Value::Text(self)
    }
}

impl Param for String {
    fn value(&self) -> Value<'_> {
        Value::Text(self)
    }
    fn kind() -> Kind {
        Kind::Text
    }
}

impl Param for [u8] {
    fn value(&self) -> Value<'_> {
        Value::Blob(self)
    }
}

impl Param for Vec<u8> {
    fn value(&self) -> Value<'_> {
        Value::Blob(self)
    }
    fn kind() -> Kind {
        Kind::Blob
    }
}

impl<const N: usize> Param for [u8; N] {
    fn value(&self) -> Value<'_> {
        Value::Blob(self)
    }
    fn kind() -> Kind {
        Kind::Blob
    }
}

impl<T: Param> Param for &T {
    fn value(&self) -> Value<'_> {
        (**self).value()
    }
    fn kind() -> Kind {
        T::kind()
    }
}

impl Param for &str {
    fn value(&self) -> Value<'_> {
        Value::Text(self)
    }
    fn kind() -> Kind {
        Kind::Text
    }
}

impl Param for &[u8] {
    fn value(&self) -> Value<'_> {
        Value::Blob(self)
    }
    fn kind() -> Kind {
        Kind::Blob
    }
}

impl<T: Param> Param for Option<T> {
    fn value(&self) -> Value<'_> {
        match self {
            Some(v) => v.value(),
            None => Value::Null(T::kind()),
        }
    }
    fn kind() -> Kind {
        T::kind()
    }
}

/// An owned value, for statements whose parameters are built at run time (filters).
#[derive(Clone, Debug)]
pub enum Arg {
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

impl Param for Arg {
    fn value(&self) -> Value<'_> {
        match self {
            Arg::Int(v) => Value::Int(*v),
            Arg::Text(v) => Value::Text(v),
            Arg::Blob(v) => Value::Blob(v),
        }
    }
    fn kind() -> Kind {
        // Never asked: an `Arg` is never NULL.
        Kind::Text
    }
}

/// The values bound to one statement: `params![a, b]`, an array `[a]` of one type, or `()`.
pub trait Params {
    fn values(&self) -> Vec<Value<'_>>;
}

impl Params for () {
    fn values(&self) -> Vec<Value<'_>> {
        Vec::new()
    }
}

impl Params for &[&dyn Param] {
    fn values(&self) -> Vec<Value<'_>> {
        self.iter().map(|p| p.value()).collect()
    }
}

impl Params for Vec<Arg> {
    fn values(&self) -> Vec<Value<'_>> {
        self.iter().map(|p| p.value()).collect()
    }
}

impl<T: Param, const N: usize> Params for [T; N] {
    fn values(&self) -> Vec<Value<'_>> {
        self.iter().map(|p| p.value()).collect()
    }
}

/// `params![a, b, c]`: values of different types bound in order to `?1`, `?2`, `?3`.
#[macro_export]
macro_rules! params {
    () => { () };
    ($($x:expr),+ $(,)?) => {
        &[$(&$x as &dyn $crate::db::Param),+] as &[&dyn $crate::db::Param]
    };
}
pub use crate::params;

struct SqliteArg<'a>(Value<'a>);

impl rusqlite::ToSql for SqliteArg<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self.0 {
            Value::Null(_) => ValueRef::Null,
            Value::Int(v) => ValueRef::Integer(v),
            Value::Real(v) => ValueRef::Real(v),
            Value::Text(v) => ValueRef::Text(v.as_bytes()),
            Value::Blob(v) => ValueRef::Blob(v),
        }))
    }
}

struct PgArg<'a>(Value<'a>);

/// The driver logs statement parameters at debug level: show their kind, never their value
/// (they may be personal data, sealed or not).
impl fmt::Debug for PgArg<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{:?}>", self.0.kind())
    }
}

impl ToSql for PgArg<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self.0 {
            Value::Null(_) => Ok(IsNull::Yes),
            Value::Int(v) => v.to_sql(ty, out),
            Value::Real(v) => v.to_sql(ty, out),
            Value::Text(v) => v.to_sql(ty, out),
            Value::Blob(v) => v.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        // Every statement is prepared with the types of its values (see `PgConn::statement`).
        true
    }

    to_sql_checked!();
}

/// One row of a result.
pub enum Row<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Postgres(&'r postgres::Row),
}

/// A column position (from 0).
pub trait ColIndex {
    fn index(self) -> usize;
}

impl ColIndex for usize {
    fn index(self) -> usize {
        self
    }
}

/// A column's value as read.
pub enum Col {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Row<'_> {
    /// Column `i` (from 0) as `T`. The unused type parameter keeps rusqlite's call shape
    /// (`r.get::<_, String>(0)`).
    pub fn get<I: ColIndex, T: FromCol>(&self, i: I) -> Result<T, DbError> {
        let i = i.index();
        T::from_col(self.col(i)?).map_err(|m| DbError::Conversion(format!("column {i}: {m}")))
    }

    /// How many columns the row has.
    pub fn len(&self) -> usize {
        match self {
            Row::Sqlite(r) => r.as_ref().column_count(),
            Row::Postgres(r) => r.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Column `i` as it is stored.
    pub fn col(&self, i: usize) -> Result<Col, DbError> {
        match self {
            Row::Sqlite(r) => {
                use rusqlite::types::ValueRef;
                Ok(match r.get_ref(i)? {
                    ValueRef::Null => Col::Null,
                    ValueRef::Integer(v) => Col::Int(v),
                    ValueRef::Real(v) => Col::Real(v),
                    ValueRef::Text(t) => Col::Text(
                        String::from_utf8(t.to_vec())
                            .map_err(|_| DbError::Conversion("text is not UTF-8".into()))?,
                    ),
                    ValueRef::Blob(b) => Col::Blob(b.to_vec()),
                })
            }
            Row::Postgres(r) => {
                let ty = r
                    .columns()
                    .get(i)
                    .ok_or_else(|| DbError::Conversion(format!("no column {i}")))?
                    .type_()
                    .clone();
                let pg = DbError::Pg;
                let col = match ty {
                    Type::INT8 => r.try_get::<_, Option<i64>>(i).map_err(pg)?.map(Col::Int),
                    Type::INT4 => r
                        .try_get::<_, Option<i32>>(i)
                        .map_err(pg)?
                        .map(|v| Col::Int(v.into())),
                    Type::INT2 => r
                        .try_get::<_, Option<i16>>(i)
                        .map_err(pg)?
                        .map(|v| Col::Int(v.into())),
                    Type::BOOL => r
                        .try_get::<_, Option<bool>>(i)
                        .map_err(pg)?
                        .map(|v| Col::Int(v.into())),
                    Type::FLOAT8 => r.try_get::<_, Option<f64>>(i).map_err(pg)?.map(Col::Real),
                    Type::TEXT | Type::VARCHAR | Type::NAME | Type::BPCHAR => r
                        .try_get::<_, Option<String>>(i)
                        .map_err(pg)?
                        .map(Col::Text),
                    Type::BYTEA => r
                        .try_get::<_, Option<Vec<u8>>>(i)
                        .map_err(pg)?
                        .map(Col::Blob),
                    other => {
                        return Err(DbError::Conversion(format!(
                            "column {i} has type {other}, which the store does not read (cast it)"
                        )));
                    }
                };
                Ok(col.unwrap_or(Col::Null))
            }
        }
    }
}

/// A Rust type a column can be read into.
pub trait FromCol: Sized {
    fn from_col(c: Col) -> Result<Self, String>;
}

fn int<T: TryFrom<i64>>(c: Col) -> Result<T, String> {
    match c {
        Col::Int(v) => T::try_from(v).map_err(|_| format!("{v} is out of range")),
        Col::Null => Err("NULL where a number was expected".into()),
        _ => Err("not an integer".into()),
    }
}

macro_rules! int_col {
    ($($t:ty),*) => {$(
        impl FromCol for $t {
            fn from_col(c: Col) -> Result<Self, String> {
                int(c)
            }
        }
    )*};
}
int_col!(i64, i32, u64, u32, u16, u8, usize);

impl FromCol for bool {
    fn from_col(c: Col) -> Result<Self, String> {
        int::<i64>(c).map(|v| v != 0)
    }
}

impl FromCol for f64 {
    fn from_col(c: Col) -> Result<Self, String> {
        match c {
            Col::Real(v) => Ok(v),
            Col::Int(v) => Ok(v as f64),
            _ => Err("not a number".into()),
        }
    }
}

impl FromCol for String {
    fn from_col(c: Col) -> Result<Self, String> {
        match c {
            Col::Text(s) => Ok(s),
            Col::Null => Err("NULL where text was expected".into()),
            _ => Err("not text".into()),
        }
    }
}

impl FromCol for Vec<u8> {
    fn from_col(c: Col) -> Result<Self, String> {
        match c {
            Col::Blob(b) => Ok(b),
            Col::Null => Err("NULL where bytes were expected".into()),
            _ => Err("not bytes".into()),
        }
    }
}

impl<T: FromCol> FromCol for Option<T> {
    fn from_col(c: Col) -> Result<Self, String> {
        match c {
            Col::Null => Ok(None),
            c => T::from_col(c).map(Some),
        }
    }
}

/// The arguments of a statement as the PostgreSQL client takes them.
fn pg_refs<'a>(args: &'a [PgArg<'_>]) -> Vec<&'a (dyn ToSql + Sync)> {
    args.iter().map(|a| a as &(dyn ToSql + Sync)).collect()
}

/// `?N` (and bare `?`) placeholders to PostgreSQL's `$N`, outside quoted text.
pub fn pg_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    let mut quote: Option<char> = None;
    let mut next = 1;
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                out.push(c);
            }
            '?' => {
                out.push('$');
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                if digits.is_empty() {
                    out.push_str(&next.to_string());
                    next += 1;
                } else {
                    out.push_str(&digits);
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// A statement: the SQL text on its connection (rusqlite's `prepare_cached` shape).
pub struct Statement<'c> {
    conn: &'c Connection,
    sql: String,
}

impl Statement<'_> {
    pub fn execute(&mut self, p: impl Params) -> Result<usize, DbError> {
        self.conn.execute(&self.sql, p)
    }

    pub fn query_row<T>(
        &mut self,
        p: impl Params,
        f: impl FnOnce(&Row<'_>) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        self.conn.query_row(&self.sql, p, f)
    }

    /// All rows, each mapped by `f`.
    pub fn query_map<T>(
        &mut self,
        p: impl Params,
        f: impl FnMut(&Row<'_>) -> Result<T, DbError>,
    ) -> Result<std::vec::IntoIter<Result<T, DbError>>, DbError> {
        let rows = self.conn.query_all(&self.sql, p, f)?;
        Ok(rows.into_iter().map(Ok).collect::<Vec<_>>().into_iter())
    }
}

impl Connection {
    pub fn is_postgres(&self) -> bool {
        matches!(self, Connection::Postgres(_))
    }

    /// The SQLite connection, for what only SQLite has (pragmas, WAL checkpoints).
    pub fn sqlite(&self) -> Option<&rusqlite::Connection> {
        match self {
            Connection::Sqlite(c) => Some(c),
            Connection::Postgres(_) => None,
        }
    }

    /// Whether the connection is known to be broken (PostgreSQL only: SQLite has none).
    pub fn is_closed(&self) -> bool {
        match self {
            Connection::Sqlite(_) => false,
            Connection::Postgres(c) => c.borrow().is_closed(),
        }
    }

    pub fn prepare_cached(&self, sql: &str) -> Result<Statement<'_>, DbError> {
        Ok(Statement {
            conn: self,
            sql: sql.to_string(),
        })
    }

    pub fn prepare(&self, sql: &str) -> Result<Statement<'_>, DbError> {
        self.prepare_cached(sql)
    }

    /// Calls `f` for each row, in order, until it returns `false`, without holding every row
    /// in memory (for walks over the whole ledger). `f` must not use this connection.
    pub fn for_each_row(
        &self,
        sql: &str,
        p: impl Params,
        f: &mut dyn FnMut(&Row<'_>) -> Result<bool, DbError>,
    ) -> Result<(), DbError> {
        match self {
            Connection::Sqlite(_) => self.each(sql, p, f),
            Connection::Postgres(c) => {
                let mut pg = c.borrow_mut();
                let (st, args) = pg.prepared(sql, p.values())?;
                let mut rows = pg
                    .client()
                    .query_raw(&st, args.iter())
                    .map_err(DbError::Pg)?;
                use postgres::fallible_iterator::FallibleIterator;
                while let Some(r) = rows.next().map_err(DbError::Pg)? {
                    if !f(&Row::Postgres(&r))? {
                        break;
                    }
                }
                Ok(())
            }
        }
    }

    /// Runs one or more statements without parameters (DDL, transaction control).
    pub fn execute_batch(&self, sql: &str) -> Result<(), DbError> {
        match self {
            Connection::Sqlite(c) => c.execute_batch(sql).map_err(DbError::from),
            Connection::Postgres(c) => c
                .borrow_mut()
                .client()
                .batch_execute(sql)
                .map_err(DbError::Pg),
        }
    }

    /// Runs a statement; returns the number of rows it changed.
    pub fn execute(&self, sql: &str, p: impl Params) -> Result<usize, DbError> {
        let values = p.values();
        match self {
            Connection::Sqlite(c) => {
                let mut st = c.prepare_cached(sql)?;
                Ok(st.execute(rusqlite::params_from_iter(
                    values.into_iter().map(SqliteArg),
                ))?)
            }
            Connection::Postgres(c) => {
                let mut pg = c.borrow_mut();
                let (st, args) = pg.prepared(sql, values)?;
                let refs = pg_refs(&args);
                let n = pg.client().execute(&st, &refs).map_err(DbError::Pg)?;
                Ok(n as usize)
            }
        }
    }

    /// The first row mapped by `f`, or [`DbError::NoRows`].
    pub fn query_row<T>(
        &self,
        sql: &str,
        p: impl Params,
        f: impl FnOnce(&Row<'_>) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        let mut f = Some(f);
        let mut out = None;
        self.each(sql, p, &mut |row| {
            if let Some(f) = f.take() {
                out = Some(f(row)?);
            }
            Ok(false)
        })?;
        out.ok_or(DbError::NoRows)
    }

    /// Every row mapped by `f`.
    pub fn query_all<T>(
        &self,
        sql: &str,
        p: impl Params,
        mut f: impl FnMut(&Row<'_>) -> Result<T, DbError>,
    ) -> Result<Vec<T>, DbError> {
        let mut out = Vec::new();
        self.each(sql, p, &mut |row| {
            out.push(f(row)?);
            Ok(true)
        })?;
        Ok(out)
    }

    /// Calls `f` for each row until it returns `false`.
    fn each(
        &self,
        sql: &str,
        p: impl Params,
        f: &mut dyn FnMut(&Row<'_>) -> Result<bool, DbError>,
    ) -> Result<(), DbError> {
        let values = p.values();
        match self {
            Connection::Sqlite(c) => {
                let mut st = c.prepare_cached(sql)?;
                let mut rows = st.query(rusqlite::params_from_iter(
                    values.into_iter().map(SqliteArg),
                ))?;
                while let Some(r) = rows.next()? {
                    if !f(&Row::Sqlite(r))? {
                        break;
                    }
                }
                Ok(())
            }
            Connection::Postgres(c) => {
                let mut pg = c.borrow_mut();
                let (st, args) = pg.prepared(sql, values)?;
                let refs = pg_refs(&args);
                let rows = pg.client().query(&st, &refs).map_err(DbError::Pg)?;
                drop(pg);
                for r in &rows {
                    if !f(&Row::Postgres(r))? {
                        break;
                    }
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_rewritten_outside_quotes() {
        assert_eq!(
            pg_placeholders("SELECT a FROM t WHERE b = ?1 AND c = ?12 AND d = '?3'"),
            "SELECT a FROM t WHERE b = $1 AND c = $12 AND d = '?3'"
        );
        assert_eq!(pg_placeholders("VALUES (?, ?)"), "VALUES ($1, $2)");
    }

    /// Issue 19, item 2: each database failure gets its kind once; "no row" and "the database
    /// is down" never read alike.
    #[test]
    fn database_errors_get_their_kind() {
        let c = Connection::Sqlite(rusqlite::Connection::open_in_memory().unwrap());
        c.execute_batch("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT UNIQUE)")
            .unwrap();
        c.execute("INSERT INTO t VALUES ('a', 'x')", ()).unwrap();
        let kind = |e: DbError| e.kind();
        let no_row = c
            .query_row("SELECT v FROM t WHERE k = 'z'", (), |r| {
                r.get::<_, String>(0)
            })
            .unwrap_err();
        assert_eq!(kind(no_row), StoreErrorKind::NotFound);
        let dup_key = c
            .execute("INSERT INTO t VALUES ('a', 'y')", ())
            .unwrap_err();
        assert_eq!(kind(dup_key), StoreErrorKind::Conflict);
        let dup_unique = c
            .execute("INSERT INTO t VALUES ('b', 'x')", ())
            .unwrap_err();
        assert_eq!(kind(dup_unique), StoreErrorKind::Conflict);
        let bad_sql = c.execute("INSERT INTO nowhere VALUES (1)", ()).unwrap_err();
        assert_eq!(kind(bad_sql), StoreErrorKind::Internal);
        let wrong_type = c
            .query_row("SELECT v FROM t", (), |r| r.get::<_, i64>(0))
            .unwrap_err();
        assert_eq!(kind(wrong_type), StoreErrorKind::Corrupt);
        assert_eq!(
            kind(DbError::Unavailable("PostgreSQL is down".into())),
            StoreErrorKind::Unavailable
        );
        let busy = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            None,
        );
        assert_eq!(kind(DbError::from(busy)), StoreErrorKind::Unavailable);
        let corrupt = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
            None,
        );
        assert_eq!(kind(DbError::from(corrupt)), StoreErrorKind::Corrupt);
        // The storage error keeps the kind and the database's message.
        let e = crate::conv::db_err(DbError::NoRows);
        assert!(e.is_not_found());
        assert_eq!(e.to_string(), "storage (not_found): query returned no rows");
    }

    #[test]
    fn sqlite_round_trips_every_kind() {
        let c = Connection::Sqlite(rusqlite::Connection::open_in_memory().unwrap());
        c.execute_batch("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB)")
            .unwrap();
        let none: Option<i64> = None;
        c.execute(
            "INSERT INTO t VALUES (?1, ?2, ?3, ?4)",
            params![7u32, 1.5f64, "x", vec![1u8, 2]],
        )
        .unwrap();
        c.execute("INSERT INTO t VALUES (?1, NULL, NULL, NULL)", params![none])
            .unwrap();
        let rows = c
            .query_all("SELECT i, r, s, b FROM t ORDER BY rowid", (), |r| {
                Ok((
                    r.get::<_, Option<u32>>(0)?,
                    r.get::<_, Option<f64>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<Vec<u8>>>(3)?,
                ))
            })
            .unwrap();
        assert_eq!(
            rows[0],
            (Some(7), Some(1.5), Some("x".into()), Some(vec![1, 2]))
        );
        assert_eq!(rows[1], (None, None, None, None));
        assert!(matches!(
            c.query_row("SELECT i FROM t WHERE i = 99", (), |r| r.get::<_, i64>(0))
                .optional(),
            Ok(None)
        ));
        assert!(
            c.query_row("SELECT s FROM t", (), |r| r.get::<_, i64>(0))
                .is_err()
        );
    }
}
