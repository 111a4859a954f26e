//! The clock of grievances and rights requests (issue 21): escalates the open cases whose time
//! came (at risk to the DPO, at the deadline to the second level). Each transaction takes a
//! bounded batch, oldest check first; a pass runs batches until none is due, so a backlog is
//! cleared in one pass without holding the writer for long.

use crate::AppState;
use anumodan_core::cases::usecases;

/// Cases looked at per transaction.
pub const BATCH: usize = 200;

/// One pass: escalates every case due now. Returns how many it looked at.
pub async fn escalate_once(state: &AppState) -> anyhow::Result<usize> {
    let mut total = 0;
    loop {
        let n = state
            .store
            .transact(|tx| usecases::escalate_due(tx, BATCH))
            .await?;
        total += n;
        if n < BATCH {
            return Ok(total);
        }
    }
}
