//! One typed client per audience of the API, each holding its credential:
//! [`FiduciaryClient`] (an API key, `Authorization: Bearer anm_...`), [`PrincipalClient`] (a
//! principal token, `anp_...`, on `/v1/me/...`) and [`StaffClient`] (a console session: its
//! cookie and CSRF token). Each call answers the status and the body, parsed as JSON (or the
//! text as a JSON string).

mod fiduciary;
mod principal;
mod staff;

pub use fiduciary::*;
pub use principal::*;
pub use staff::*;

use reqwest::StatusCode;
use serde_json::Value;

/// Sends `method url` with `bearer` (if any) and a JSON `body` (if any).
pub async fn send_json(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    bearer: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    try_send_json(client, method, url, bearer, body)
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"))
}

/// Like [`send_json`], with the transport's failure (the server died) as an error.
async fn try_send_json(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    bearer: Option<&str>,
    body: Option<Value>,
) -> Result<(StatusCode, Value), reqwest::Error> {
    let mut req = client.request(method, url);
    if let Some(k) = bearer {
        req = req.bearer_auth(k);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await?;
    let status = res.status();
    let text = res.text().await?;
    let v = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Ok((status, v))
}
