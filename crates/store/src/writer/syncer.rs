//! The embedded backend's syncer: callers are answered only once their commit is on disk.

use crate::writer::Group;
use anumodan_core::ports::StoreError;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::Receiver;

/// Answers callers only once their commits are on disk: fsyncs the WAL file once for all the
/// batches that arrived while the previous fsync ran. The WAL is opened by path for each sync,
/// so a WAL file that SQLite replaced is never missed.
pub(crate) fn run_syncer(wal: &Path, rx: Receiver<Group>, durable: &AtomicU64) {
    while let Ok(first) = rx.recv() {
        let mut groups = vec![first];
        while let Ok(more) = rx.try_recv() {
            groups.push(more);
        }
        let size = groups.iter().map(|(size, _)| *size).max().unwrap_or(0);
        let failed = std::fs::File::open(wal)
            .and_then(|f| f.sync_data())
            .err()
            .map(|e| {
                tracing::error!(error = %e, "fsync of the WAL failed: answering the batch with an error");
                StoreError::unavailable(format!("fsync: {e}"))
            });
        if failed.is_none() {
            durable.fetch_max(size, Ordering::SeqCst);
        }
        for (_, group) in groups {
            for reply in group {
                reply(failed.clone());
            }
        }
    }
}
