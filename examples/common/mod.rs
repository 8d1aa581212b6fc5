//! What the benches share: the error type and reading an answer of the expected status.
//! (A folder without `main.rs`, so Cargo does not take it for an example of its own.)

use serde_json::Value;

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Fails on a status other than `want`, with the body.
pub async fn expect(response: reqwest::Response, want: u16) -> Result<Value, Error> {
    let status = response.status().as_u16();
    let text = response.text().await?;
    if status != want {
        return Err(format!("HTTP {status} (wanted {want}): {text}").into());
    }
    Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
}
