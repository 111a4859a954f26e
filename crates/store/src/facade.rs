//! The store's face: [`Store`] (open, write through the writer, read on the pool) and
//! [`StoreConfig`]. What each backend does differently is in `backend/`; the writer in
//! `writer/`.

use crate::conv::db_err;
use crate::db::Connection;
use crate::keys::Keys;
use crate::tx::WriteTx;
use crate::writer::{Job, Msg, Reply};
use anumodan_core::clock::Clock;
use anumodan_core::ports::{StoreError, StoreResult, Tx};
use anumodan_core::usecases;
use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;
use time::OffsetDateTime;

/// How the store is opened.
#[derive(Clone, Debug)]
pub struct StoreConfig {
    pub data_dir: PathBuf,
    /// A new signed checkpoint is written at most this often while entries arrive.
    pub checkpoint_interval: Duration,
    /// Read-only connections in the pool.
    pub readers: usize,
    /// The ledger's name: the origin line of its checkpoints and the signer's key name.
    pub log_name: String,
    /// The ledger's signing key (a C2SP signed-note private key file) when it is not kept in the
    /// data directory; its name must be `log_name`.
    pub signing_key_file: Option<PathBuf>,
    /// The master key that wraps principals' data keys (32 raw bytes) when it is not kept in
    /// the data directory.
    pub master_key_file: Option<PathBuf>,
    /// Most jobs committed together.
    pub max_batch: usize,
    /// A PostgreSQL URL: the store is then that database (shared with other nodes) instead
    /// of the embedded one; the data directory keeps only the keys.
    pub database_url: Option<String>,
}

impl StoreConfig {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        StoreConfig {
            data_dir: data_dir.into(),
            checkpoint_interval: Duration::from_secs(1),
            readers: 4,
            log_name: "anumodan.local/ledger".into(),
            signing_key_file: None,
            master_key_file: None,
            max_batch: 512,
            database_url: None,
        }
    }
}

/// The store, on the embedded database or on PostgreSQL. Cheap to clone; the writer thread
/// stops when the last clone is dropped.
#[derive(Clone)]
pub struct Store {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// Wake-ups after commits (see [`crate::writer::Signals`]).
    pub(crate) signals: Arc<crate::writer::Signals>,
    pub(crate) jobs: Mutex<Option<Sender<Msg>>>,
    pub(crate) writer: Mutex<Option<JoinHandle<()>>>,
    pub(crate) wal: Mutex<Option<(Sender<()>, JoinHandle<()>)>>,
    /// The principal indexer's connection (see [`Store::index_principals`]).
    pub(crate) indexer: Mutex<crate::principal_index::Indexer>,
    pub(crate) readers: Mutex<Vec<Connection>>,
    pub(crate) reader_slots: tokio::sync::Semaphore,
    pub(crate) keys: Arc<Keys>,
    pub(crate) data_dir: PathBuf,
    /// The PostgreSQL URL (readers reconnect with it), or none on the embedded database.
    pub(crate) pg_url: Option<String>,
    /// This node's name for job leases (random per process).
    pub(crate) node_id: String,
    /// Held for the life of an embedded store: one writer process per data directory.
    pub(crate) _lock: Option<std::fs::File>,
    /// Master key rotations, one at a time (each then re-wraps, and counts, every data key).
    pub(crate) rotation: tokio::sync::Mutex<()>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Ok(mut j) = self.jobs.lock() {
            j.take();
        }
        if let Some(h) = self.writer.lock().ok().and_then(|mut w| w.take()) {
            let _ = h.join();
        }
        if let Some((stop, h)) = self.wal.lock().ok().and_then(|mut w| w.take()) {
            drop(stop);
            let _ = h.join();
        }
    }
}

impl Store {
    /// Opens (creating if needed) the database (the embedded one in `cfg.data_dir`, or
    /// PostgreSQL at `cfg.database_url`), runs migrations, loads or creates the keys, and
    /// starts the writer thread.
    pub fn open(cfg: &StoreConfig, clock: Arc<dyn Clock>) -> StoreResult<Store> {
        crate::perms::private_dir(&cfg.data_dir).map_err(|e| {
            StoreError::internal(format!("data dir {}: {e}", cfg.data_dir.display()))
        })?;
        let keys = Keys::load_or_create(
            &cfg.data_dir,
            &cfg.log_name,
            cfg.signing_key_file.as_deref(),
            cfg.master_key_file.as_deref(),
        )
        .map_err(|e| StoreError::internal(format!("keys: {e}")))?;
        Self::open_with_keys(cfg, clock, keys)
    }

    pub fn open_with_keys(
        cfg: &StoreConfig,
        clock: Arc<dyn Clock>,
        keys: Keys,
    ) -> StoreResult<Store> {
        match &cfg.database_url {
            Some(url) => crate::db::off_runtime(|| crate::backend::pg::open(cfg, url, clock, keys)),
            None => crate::backend::sqlite::open(cfg, clock, keys),
        }
    }

    /// Whether this store is on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.inner.pg_url.is_some()
    }

    /// Takes (or renews) the lease on background job `name` for `ttl`: only the holder runs
    /// the job, so it runs on one node at a time; a node that dies loses the lease when it
    /// runs out. On the embedded store there is one process, which always holds it. (On
    /// PostgreSQL the pool's connections are ordinary ones: the lease is one autocommit
    /// statement on one of them, outside the writer's batches.)
    pub async fn take_lease(&self, name: &'static str, ttl: Duration) -> StoreResult<bool> {
        if !self.is_postgres() {
            return Ok(true);
        }
        let holder = self.inner.node_id.clone();
        let ttl_ms = ttl.as_millis() as i64;
        self.read_conn(move |c| {
            crate::backend::pg::take_lease(c, name, &holder, ttl_ms).map_err(db_err)
        })
        .await
    }

    /// Wake-ups after commits that wrote domain events or queued messages.
    pub fn signals(&self) -> Arc<crate::writer::Signals> {
        self.inner.signals.clone()
    }

    pub fn keys(&self) -> &Keys {
        &self.inner.keys
    }

    /// The embedded database file (meaningful only when not on PostgreSQL).
    pub fn db_path(&self) -> PathBuf {
        self.inner.data_dir.join("anumodan.db")
    }

    /// Outbox messages not yet sent, oldest first, opened.
    /// Unsent messages due for a try at `now`, oldest first.
    pub async fn outbox_pending(
        &self,
        limit: usize,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<crate::principal::OutboxMessage>> {
        let keys = self.inner.keys.clone();
        self.read_conn(move |c| crate::principal::pending(c, &keys, limit, now))
            .await
    }

    /// Returns once every transaction committed before the call is durable. Readers see a
    /// commit a moment before its fsync (decision 2); what leaves the system because of a
    /// commit (a webhook, an e-mail) waits for this first, so nobody hears of a change that a
    /// crash could still undo. One empty job in the next group commit.
    pub async fn durable_barrier(&self) -> StoreResult<()> {
        self.write_raw(|_| Ok(())).await
    }

    /// Webhooks and staff e-mails due at `now`, oldest first, opened (see [`crate::notify`]).
    pub async fn due_deliveries(
        &self,
        now: OffsetDateTime,
        limit: usize,
    ) -> StoreResult<Vec<anumodan_core::notify::model::DueDelivery>> {
        let keys = self.inner.keys.clone();
        self.read_conn(move |c| crate::notify::due_deliveries(c, &keys, now, limit))
            .await
    }

    /// Up to `limit` domain events after position `after`, oldest first (see
    /// [`crate::events`]).
    pub async fn events_after(
        &self,
        after: i64,
        limit: usize,
    ) -> StoreResult<Vec<anumodan_core::events::StoredEvent>> {
        self.read_conn(move |c| crate::events::after(c, after, limit))
            .await
    }

    /// Where subscriber `consumer` has read the event outbox up to.
    pub async fn event_cursor(&self, consumer: &'static str) -> StoreResult<i64> {
        self.read_conn(move |c| crate::events::cursor(c, consumer))
            .await
    }

    /// Records that `consumer` has handled every event up to `position`.
    pub async fn advance_event_cursor(
        &self,
        consumer: &'static str,
        position: i64,
    ) -> StoreResult<()> {
        self.write_raw(move |tx| crate::events::advance(tx, consumer, position))
            .await
    }

    /// One outbox message, opened.
    pub async fn outbox_message(
        &self,
        id: i64,
    ) -> StoreResult<Option<crate::principal::OutboxMessage>> {
        let keys = self.inner.keys.clone();
        self.read_conn(move |c| crate::principal::message(c, &keys, id))
            .await
    }

    /// Adds a new master key, makes it current (new data keys are wrapped by it at once) and
    /// returns its id. Existing data keys move to it with [`Store::rewrap_data_keys`].
    /// Rotates the master key and records it: the new key becomes current inside a write
    /// transaction that appends `master_key_current <id>` (a crash between the switch and the
    /// commit is caught at the next start, see `admin::record_current_master_key`); then every
    /// data key is re-wrapped under it and `master_key_rotation_completed <id> rewrapped=<n>` is
    /// appended. Rotations run one at a time. `Ok(Err(reason))` when the key is configured.
    pub async fn rotate_master_key_recorded(
        &self,
        initiator: String,
        source_ip: Option<String>,
    ) -> StoreResult<Result<(String, u64), String>> {
        let _one = self.inner.rotation.lock().await;
        let kdir = self.inner.data_dir.join("keys");
        let (who, ip) = (initiator.clone(), source_ip.clone());
        let id = self
            .write_raw(move |tx| {
                let id = match tx.keys().masters.write() {
                    Ok(mut m) => m.add_new(&kdir),
                    Err(_) => return Err(StoreError::internal("master key lock poisoned")),
                };
                let id = match id {
                    Ok(id) => id,
                    Err(e) => return Ok(Err(e.to_string())),
                };
                crate::admin::record_master_key(tx, &format!("master_key_current {id}"), &who, ip)?;
                Ok(Ok(id))
            })
            .await?;
        let id = match id {
            Ok(id) => id,
            Err(reason) => return Ok(Err(reason)),
        };
        let rewrapped = self.rewrap_data_keys().await?;
        let outcome = format!("master_key_rotation_completed {id} rewrapped={rewrapped}");
        self.write_raw(move |tx| {
            crate::admin::record_master_key(tx, &outcome, &initiator, source_ip)
        })
        .await?;
        Ok(Ok((id, rewrapped)))
    }

    /// Makes a new master key current without recording it (tests of the recovery path only:
    /// the service and the command line use [`Store::rotate_master_key_recorded`]).
    pub fn rotate_master_key(&self) -> StoreResult<String> {
        let kdir = self.inner.data_dir.join("keys");
        self.inner
            .keys
            .masters
            .write()
            .map_err(|_| StoreError::internal("master key lock poisoned"))?
            .add_new(&kdir)
            .map_err(|e| StoreError::internal(format!("master key: {e}")))
    }

    /// Re-wraps every data key not yet under the current master key, in small transactions
    /// that share the writer with live traffic. Returns how many were re-wrapped.
    pub async fn rewrap_data_keys(&self) -> StoreResult<u64> {
        let mut total = 0u64;
        loop {
            let n = self
                .write_raw(|tx| crate::vault::rewrap_batch(tx.conn(), tx.keys(), 256))
                .await?;
            if n == 0 {
                // And the staff TOTP seeds sealed directly under the master key.
                self.write_raw(|tx| crate::vault::reseal_totp_seeds(tx.conn(), tx.keys()))
                    .await?;
                return Ok(total);
            }
            total += n as u64;
        }
    }

    /// The current master key's id and how many data keys each master key wraps.
    pub async fn master_key_status(
        &self,
    ) -> StoreResult<(String, std::collections::BTreeMap<String, u64>)> {
        let current = self
            .inner
            .keys
            .masters
            .read()
            .map_err(|_| StoreError::internal("master key lock poisoned"))?
            .current_id()
            .to_string();
        let counts = self.read(|r| r.data_keys_by_master()).await?;
        Ok((current, counts))
    }

    /// Runs `f` on the writer inside the next group commit and returns its result once the
    /// commit is durable. A domain error is committed too (a refused request may have recorded
    /// its attempt); a storage error rolls back this job only.
    pub async fn write<T, F>(&self, f: F) -> usecases::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Tx) -> usecases::Result<T> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |stx: &mut WriteTx<'_>| {
            let result = f(stx);
            let commit = !matches!(result, Err(usecases::Error::Store(_)));
            let reply: Reply = Box::new(move |failed: Option<StoreError>| {
                let _ = tx.send(match failed {
                    Some(e) => Err(usecases::Error::Store(e)),
                    None => result,
                });
            });
            (commit, reply)
        });
        self.submit(job)?;
        rx.await
            .map_err(|_| usecases::Error::Store(StoreError::unavailable("writer stopped")))?
    }

    /// Runs a use case of one of the per-area ports (`anumodan_core::ports::StaffPort`, ...)
    /// on the writer, like [`Store::write`]: a domain error is committed too (a refused attempt
    /// may have recorded itself), a storage error rolls this job back. One error comes back.
    pub async fn transact<T, F>(&self, f: F) -> usecases::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut WriteTx<'_>) -> usecases::Result<T> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |stx: &mut WriteTx<'_>| {
            let result = f(stx);
            let commit = !matches!(result, Err(usecases::Error::Store(_)));
            let reply: Reply = Box::new(move |failed: Option<StoreError>| {
                let _ = tx.send(match failed {
                    Some(e) => Err(usecases::Error::Store(e)),
                    None => result,
                });
            });
            (commit, reply)
        });
        self.submit(job)?;
        rx.await
            .map_err(|_| usecases::Error::Store(StoreError::unavailable("writer stopped")))?
    }

    /// Like [`Store::write`] for store-level operations that are not domain use cases
    /// (fiduciary and API key administration).
    pub async fn write_raw<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut WriteTx<'_>) -> StoreResult<T> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |stx: &mut WriteTx<'_>| {
            let result = f(stx);
            let commit = result.is_ok();
            let reply: Reply = Box::new(move |failed: Option<StoreError>| {
                let _ = tx.send(match failed {
                    Some(e) => Err(e),
                    None => result,
                });
            });
            (commit, reply)
        });
        self.submit(job).map_err(|e| match e {
            usecases::Error::Store(s) => s,
            usecases::Error::Domain(d) => StoreError::unavailable(d.message),
        })?;
        rx.await
            .map_err(|_| StoreError::unavailable("writer stopped"))?
    }

    fn submit(&self, job: Job) -> usecases::Result<()> {
        let guard = self
            .inner
            .jobs
            .lock()
            .map_err(|_| StoreError::internal("writer lock poisoned"))?;
        let sender = guard
            .as_ref()
            .ok_or_else(|| StoreError::unavailable("store closed"))?;
        sender
            .send(Msg::Job(job))
            .map_err(|_| StoreError::unavailable("writer stopped"))?;
        Ok(())
    }

    /// Asks the writer to sign a checkpoint over the entries not yet covered, once the
    /// checkpoint interval has passed since the last one (the `checkpoint` job's beat; writes
    /// also check at the end of each group commit).
    pub fn checkpoint(&self) -> StoreResult<()> {
        let guard = self
            .inner
            .jobs
            .lock()
            .map_err(|_| StoreError::internal("writer lock poisoned"))?;
        guard
            .as_ref()
            .ok_or_else(|| StoreError::unavailable("store closed"))?
            .send(Msg::Checkpoint)
            .map_err(|_| StoreError::unavailable("writer stopped"))
    }

    /// Brings the principal index up to the committed ledger, in chunks (the `principal-index`
    /// job). Returns how many chunks ran. A failure only delays indexing: readers scan the
    /// ledger past what is indexed.
    pub async fn index_principals(&self) -> StoreResult<usize> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let mut indexer = inner
                .indexer
                .lock()
                .map_err(|_| StoreError::internal("indexer lock poisoned"))?;
            indexer.run()
        })
        .await
        .map_err(|e| StoreError::internal(format!("indexer task: {e}")))?
    }

    /// Runs `f` on a read-only connection (in a blocking thread).
    pub async fn read<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&dyn crate::ports::Reads) -> StoreResult<T> + Send + 'static,
    {
        let keys = self.inner.keys.clone();
        self.read_conn(move |c| f(&crate::read::Reader::new(c, &keys)))
            .await
    }
}

impl Store {
    /// Like [`Store::read_conn`], with the keys that open sealed fields (for reads that name
    /// principals found by pseudonym).
    pub async fn read_keyed<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection, &Keys) -> StoreResult<T> + Send + 'static,
    {
        let keys = self.inner.keys.clone();
        self.read_conn(move |c| f(c, &keys)).await
    }

    /// Runs `f` on a read-only connection of the pool (in a blocking thread), for store-level
    /// queries that are not part of [`crate::Reads`] (staff accounts and sessions).
    pub async fn read_conn<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let _permit = self
            .inner
            .reader_slots
            .acquire()
            .await
            .map_err(|_| StoreError::unavailable("store closed"))?;
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = inner
                .readers
                .lock()
                .map_err(|_| StoreError::unavailable("reader pool poisoned"))?
                .pop()
                .ok_or_else(|| StoreError::unavailable("no reader connection"))?;
            if conn.is_closed()
                && let Some(url) = &inner.pg_url
            {
                // PostgreSQL went away and came back (or not yet: then this read fails
                // and the next one tries again).
                match crate::backend::pg::connect(url) {
                    Ok(c) => conn = c,
                    Err(e) => {
                        if let Ok(mut pool) = inner.readers.lock() {
                            pool.push(conn);
                        }
                        return Err(e);
                    }
                }
            }
            let result = f(&conn);
            if let Ok(mut pool) = inner.readers.lock() {
                pool.push(conn);
            }
            result
        })
        .await
        .map_err(|e| StoreError::internal(format!("reader task: {e}")))?
    }
}
