//! PDF documents for people (a principal's consent history; later the console's reports):
//! the fonts of the machine loaded once, on first use, and documents made one at a time on a
//! blocking thread, so a burst of downloads cannot take the server's CPU or memory.

use crate::error::ApiError;
use anumodan_pdf::{Doc, Fonts};
use axum::http::StatusCode;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::Semaphore;

/// How long a download waits for the one document being made before it is refused.
const QUEUE_WAIT: Duration = Duration::from_secs(10);

pub struct PdfService {
    dirs: Vec<PathBuf>,
    fonts: OnceLock<Arc<Fonts>>,
    one_at_a_time: Semaphore,
}

impl PdfService {
    pub fn new(dirs: Vec<PathBuf>) -> Self {
        PdfService {
            dirs,
            fonts: OnceLock::new(),
            one_at_a_time: Semaphore::new(1),
        }
    }

    /// Makes `doc`. A refusal is 503 `pdf_unavailable` (no font for a script on this machine,
    /// or too many documents asked for at once), logged without the document's text.
    pub async fn render(self: &Arc<Self>, doc: Doc) -> Result<Vec<u8>, ApiError> {
        let busy = || {
            let mut e = ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "pdf_unavailable",
                "the document could not be made now; try again, or download the CSV",
            );
            e.retry_after = Some(10);
            e
        };
        let _permit = tokio::time::timeout(QUEUE_WAIT, self.one_at_a_time.acquire())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        let me = self.clone();
        let out = tokio::task::spawn_blocking(move || {
            let fonts = me
                .fonts
                .get_or_init(|| Arc::new(Fonts::load(&me.dirs)))
                .clone();
            anumodan_pdf::render(&doc, &fonts)
        })
        .await
        .map_err(|_| busy())?;
        out.map_err(|e| {
            tracing::error!(error = %e, "a PDF could not be made");
            busy()
        })
    }
}
