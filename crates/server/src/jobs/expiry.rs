//! The `expiry` job, and the upgrade pass run once before the server answers.
//!
//! With several nodes on PostgreSQL, expiry runs in write transactions, which are serialised
//! across nodes and re-check each artefact, so an artefact expires once whichever nodes run
//! the job: it needs no lease.

use crate::AppState;
use anumodan_core::usecases;

/// Most artefacts expired per transaction.
const EXPIRY_BATCH: usize = 500;

/// Writes expiry events for consents whose time has passed. Validation never depends on this:
/// it compares expiry with the clock itself, so consent stops being valid at the expiry instant
/// whether or not this job has run yet.
pub async fn run_expiry_once(state: &AppState) -> Result<usize, usecases::Error> {
    let mut total = 0;
    loop {
        let n = state
            .store
            .write(|tx| usecases::expire_due(tx, EXPIRY_BATCH))
            .await?;
        total += n;
        if n < EXPIRY_BATCH {
            break;
        }
    }
    // Sign-in throttles that ran out are forgotten on the same beat.
    state
        .store
        .write_raw(anumodan_store::staff::sweep_throttles)
        .await
        .map_err(usecases::Error::Store)?;
    state
        .store
        .write_raw(anumodan_store::principal::sweep_failures)
        .await
        .map_err(usecases::Error::Store)?;
    // Consent requests a week past their expiry are deleted on the same beat.
    loop {
        let n = state
            .store
            .write_raw(|tx| anumodan_store::consent_page::purge_consent_requests(tx, EXPIRY_BATCH))
            .await
            .map_err(usecases::Error::Store)?;
        if n < EXPIRY_BATCH {
            break;
        }
    }
    // Answers to idempotent requests older than their window are forgotten on the same beat.
    loop {
        let n = state
            .store
            .write_raw(|tx| anumodan_store::purge_idempotency(tx, EXPIRY_BATCH))
            .await
            .map_err(usecases::Error::Store)?;
        if n < EXPIRY_BATCH {
            return Ok(total);
        }
    }
}

/// Brings a consent index written before issue 17 up to rule 1 and gives its rows their notice
/// (see `admin::upgrade_index`), in batches, before the server answers anything. Once done it
/// is recorded, and later starts skip it with one read. Corrections are logged and recorded in
/// the ledger (`admin.action`, outcome `consent_index_upgraded corrected=N`).
pub async fn upgrade_index(state: &AppState) -> Result<usize, usecases::Error> {
    let mut cursor = None;
    let mut corrected = 0;
    loop {
        let after = cursor.take();
        let (n, next) = state
            .store
            .write_raw(move |tx| anumodan_store::admin::upgrade_index(tx, after, 2000))
            .await
            .map_err(usecases::Error::Store)?;
        corrected += n;
        match next {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    if corrected > 0 {
        tracing::warn!(
            rows = corrected,
            "consent index rows pointed at the principal's latest decision (upgrade to rule 1)"
        );
        state
            .store
            .write_raw(move |tx| {
                use anumodan_core::ports::Tx;
                tx.append_audit(&anumodan_core::audit::AuditRecord::admin(
                    anumodan_core::audit::Action::AdminAction,
                    uuid::Uuid::nil(),
                    format!("consent_index_upgraded corrected={corrected}"),
                    "system",
                ))
            })
            .await
            .map_err(usecases::Error::Store)?;
    }
    Ok(corrected)
}
